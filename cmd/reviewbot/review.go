package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/review"
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

func isConfigError(err error) bool {
	var ce *review.ConfigError
	return errors.As(err, &ce) || errors.Is(err, review.ErrNotGitRepo) || errors.Is(err, tiers.ErrConfig) || errors.Is(err, review.ErrCostCap)
}

// runReview is `reviewbot review`: a local git range through the pipeline.
func runReview(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repo := fs.String("repo", ".", "repository `dir`ectory")
	base := fs.String("base", "", "base `ref` (default: merge-base with origin/HEAD, main or master)")
	head := fs.String("head", "HEAD", "head `ref`")
	tier := fs.String("tier", "", "`tier`: free, team or auto (default from .github/reviewbot.yml, else auto)")
	format := fs.String("format", "text", "output `format`: text, markdown or json")
	dryRun := fs.Bool("dry-run", false, "do everything except calling the model; needs no credentials")
	failOn := fs.String("fail-on", "", "exit 1 when a finding has this `severity` or worse: critical, major, minor, nit")
	maxCost := fs.Float64("max-cost", -1, "cap on one review's estimated model cost in `USD` (0: no cap; default from .github/reviewbot.yml, else 5)")
	showPrompts := fs.Bool("show-prompts", false, "with --dry-run, include the exact prompts that would be sent")
	verbose := fs.Bool("v", false, "log progress to stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; refs go in --base and --head", fs.Arg(0))
	}
	switch *format {
	case "text", "markdown", "json":
	default:
		return usagef("--format must be text, markdown or json, not %q", *format)
	}
	var flagTier tiers.Tier
	if *tier != "" {
		t, err := tiers.ParseTier(*tier)
		if err != nil {
			return usagef("--tier: %v", err)
		}
		flagTier = t
	}
	if *failOn != "" && review.SeverityRank(*failOn) >= len(review.Severities) {
		return usagef("--fail-on must be one of %s, not %q", strings.Join(review.Severities, ", "), *failOn)
	}
	logLevel := slog.LevelWarn
	if *verbose {
		logLevel = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel}))

	models := tiers.ConfigFromEnv(getenv)
	models.Logger = log
	if !*dryRun {
		if err := tiers.CredentialsAvailable(ctx, models); err != nil {
			// tiers names exactly what is missing and how to set it.
			return usagef("no model credentials: %v", err)
		}
	}

	r, err := review.ResolveRange(ctx, *repo, *base, *head)
	if err != nil {
		if errors.Is(err, review.ErrNotGitRepo) {
			return usagef("%v", err)
		}
		return usagef("resolve the range to review: %v", err)
	}
	cfg := review.DefaultConfig()
	var notes []string
	if r.HeadRef == "HEAD" && r.Dirty(ctx) {
		notes = append(notes, "the work tree has uncommitted changes; they are not part of the reviewed range "+r.BaseRef+"..HEAD (commit them to include them)")
	}
	if data, ok, err := r.ReadFile(ctx, r.Base, review.ConfigPath); err != nil {
		return fmt.Errorf("read %s at base: %w", review.ConfigPath, err)
	} else if ok {
		warnings, err := cfg.ApplyYAML(review.ConfigPath+" (base "+r.BaseRef+")", data)
		for _, w := range warnings {
			fmt.Fprintf(stderr, "reviewbot: warning: %s\n", w)
			notes = append(notes, "configuration: "+w.String())
		}
		if err != nil {
			return fmt.Errorf("invalid configuration, fix it on the base branch: %w", err)
		}
	}
	if *tier != "" {
		cfg.Tier, cfg.Origins["tier"] = string(flagTier), "flag --tier"
	}
	if *failOn != "" {
		cfg.FailOn, cfg.Origins["fail_on"] = *failOn, "flag --fail-on"
	}
	if *maxCost >= 0 {
		cfg.MaxCostUSD, cfg.Origins["max_cost_usd"] = *maxCost, "flag --max-cost"
	}

	raw, err := r.Diff(ctx)
	if err != nil {
		return fmt.Errorf("read the diff: %w", err)
	}
	d, err := review.ParseGitDiff(raw)
	if err != nil {
		return fmt.Errorf("parse the diff of %s..%s: %w", r.BaseRef, r.HeadRef, err)
	}
	headTree, baseTree := codebase.GitTree(r.Dir, r.Head), codebase.GitTree(r.Dir, r.Base)
	defer closeIfCloser(headTree)
	defer closeIfCloser(baseTree)

	pr := tiers.PR{Repo: r.Name, BaseRef: r.BaseRef, HeadRef: r.HeadRef, HeadSHA: r.Head}
	pr.Title, pr.Body = r.Describe(ctx)
	job := review.Job{
		Repo: r.Name, Base: r.Base, Head: r.Head, Diff: d,
		BaseTree: baseTree, HeadTree: headTree, PR: pr, Config: cfg,
		Models: models, DryRun: *dryRun, ShowPrompts: *showPrompts, Notes: notes, Logger: log,
	}
	var model review.Model
	if !*dryRun {
		engine, err := tiers.NewEngine(ctx, models)
		if err != nil {
			return usagef("configure the model provider: %v", err)
		}
		model = engine
	}
	res, err := review.Run(ctx, job, model)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		if err := review.JSON(stdout, res); err != nil {
			return err
		}
	case "markdown":
		fmt.Fprint(stdout, review.Markdown(res))
	default:
		review.Text(stdout, res, isTerminal(stdout) && getenv("NO_COLOR") == "")
	}
	if cfg.FailOn != "" {
		n := 0
		for _, f := range res.Findings {
			if review.SeverityRank(f.Severity) <= review.SeverityRank(cfg.FailOn) {
				n++
			}
		}
		if n > 0 {
			return &findingsError{n: n, severity: cfg.FailOn}
		}
	}
	return nil
}

func closeIfCloser(s codebase.Source) {
	if c, ok := s.(io.Closer); ok {
		c.Close()
	}
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
