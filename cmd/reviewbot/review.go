package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
	"github.com/reviewbot/reviewbot/tiers"
)

// findingsError reports findings at or above --fail-on: exit code 1.
type findingsError struct {
	n        int
	severity string
}

func (e *findingsError) Error() string {
	return fmt.Sprintf("%d finding(s) at or above severity %q (--fail-on)", e.n, e.severity)
}

// runReview is `reviewbot review`: a local git range through the pipeline.
func runReview(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := reviewFlags(stderr)
	get := func(name string) flag.Getter { return fs.Lookup(name).Value.(flag.Getter) }
	str := func(name string) string { return get(name).Get().(string) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usagef("%v", err)
	}
	repo, base, head, tier, format, failOn := str("repo"), str("base"), str("head"), str("tier"), str("format"), str("fail-on")
	dryRun, showPrompts, verbose := get("dry-run").Get().(bool), get("show-prompts").Get().(bool), get("v").Get().(bool)
	maxCost := get("max-cost").Get().(float64)
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; refs go in --base and --head", fs.Arg(0))
	}
	switch format {
	case "text", "markdown", "json":
	default:
		return usagef("--format must be text, markdown or json, not %q", format)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var ov review.Overrides
	if set["tier"] {
		ov.Tier = review.Set(tier, "flag --tier")
	}
	if set["fail-on"] {
		ov.FailOn = review.Set(failOn, "flag --fail-on")
	}
	if set["max-cost"] {
		ov.MaxCostUSD = review.Set(maxCost, "flag --max-cost")
	}
	logLevel := slog.LevelWarn
	if verbose {
		logLevel = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel}))
	models := tiers.ConfigFromEnv(getenv)
	models.Logger = log

	res, cfg, err := runner.Local(ctx, runner.LocalRequest{
		Dir: repo, Base: base, Head: head, Overrides: ov, Models: models,
		DryRun: dryRun, ShowPrompts: showPrompts, Logger: log,
		Warn: func(w review.ConfigWarning) { fmt.Fprintf(stderr, "reviewbot: warning: %s\n", w) },
	})
	if err != nil {
		return err
	}
	switch format {
	case "json":
		if err := review.JSON(stdout, res); err != nil {
			return err
		}
	case "markdown":
		fmt.Fprint(stdout, review.Markdown(res))
	default:
		review.Text(stdout, res, isTerminal(stdout) && getenv("NO_COLOR") == "")
	}
	if n := res.AtOrAbove(cfg.FailOn); n > 0 {
		return &findingsError{n: n, severity: cfg.FailOn}
	}
	return nil
}

// reviewFlags defines the review subcommand's flags; out receives usage
// and parse errors.
func reviewFlags(out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: reviewbot review [flags]\n\nReviews a local git range (default: your branch against origin/HEAD, main or\nmaster) and prints the review; posts nothing. --dry-run needs no credentials.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.String("repo", ".", "repository `dir`ectory")
	fs.String("base", "", "base `ref`; the review starts at its merge-base with head (default: origin/HEAD, main or master)")
	fs.String("head", "HEAD", "head `ref`")
	fs.String("tier", "", "`tier`: free, team or auto (default from .github/reviewbot.yml, else auto)")
	fs.String("format", "text", "output `format`: text, markdown or json")
	fs.Bool("dry-run", false, "do everything except calling the model; needs no credentials")
	fs.String("fail-on", "", "exit 1 when a finding has this `severity` or worse: critical, major, minor, nit")
	fs.Float64("max-cost", -1, "cap on one review's estimated model cost in `USD` (0: no cap; default from .github/reviewbot.yml, else 5)")
	fs.Bool("show-prompts", false, "with --dry-run, include the exact prompts that would be sent")
	fs.Bool("v", false, "log progress to stderr")
	return fs
}

// isTerminal reports whether w is a character device, the only place where
// colour codes help rather than litter.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
