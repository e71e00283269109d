package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/reviewbot/reviewbot/eval"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
	"github.com/reviewbot/reviewbot/tiers"
)

// runEval is `reviewbot eval`: a reviewer over a labelled corpus, scored
// (SPEC section 8).
func runEval(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := evalFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usagef("%v", err)
	}
	get := func(name string) any { return fs.Lookup(name).Value.(flag.Getter).Get() }
	str := func(name string) string { return get(name).(string) }
	corpus, format, tierName, reviewerName, judgeModel := str("corpus"), str("format"), str("tier"), str("reviewer"), str("judge")
	tolerance, concurrency := get("tolerance").(int), get("concurrency").(int)
	maxCost, dryRun := get("max-cost").(float64), get("dry-run").(bool)
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q; the corpus goes in --corpus", fs.Arg(0))
	case corpus == "":
		return usagef("eval needs --corpus FILE: one JSON object per line, see SPEC section 8 (try --corpus testdata/eval/aacr.jsonl --dry-run)")
	case format != "text" && format != "markdown" && format != "json":
		return usagef("--format must be text, markdown or json, not %q", format)
	case tolerance < 0:
		return usagef("--tolerance is a number of lines, 0 or more, not %d", tolerance)
	case concurrency < 1:
		return usagef("--concurrency must be 1 or more, not %d", concurrency)
	case maxCost < 0:
		return usagef("--max-cost is an amount in US dollars, 0 (no cap) or more, not %g", maxCost)
	case reviewerName != "pipeline" && reviewerName != "baseline":
		return usagef("--reviewer must be pipeline or baseline, not %q", reviewerName)
	}
	tier, err := tiers.ParseTier(tierName)
	if err != nil {
		return usagef("--tier: %v", err)
	}
	entries, err := eval.Load(corpus)
	if err != nil {
		return usagef("%v", err)
	}

	logLevel := slog.LevelWarn
	if get("v").(bool) {
		logLevel = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel}))
	models := tiers.ConfigFromEnv(getenv)
	for flagName, field := range map[string]*string{"provider": &models.Provider, "cheap-model": &models.CheapModel, "premium-model": &models.PremiumModel} {
		if v := strings.TrimSpace(str(flagName)); v != "" {
			*field = v
		}
	}
	models.Provider = strings.ToLower(models.Provider)
	models.Logger = log

	// A provider without default models (openai) needs them named; say so
	// once, before every pull request fails the same way.
	if _, err := tiers.Plan(models, tier, tiers.Input{}); err != nil {
		return &review.Error{Kind: review.KindConfig, Err: err}
	}
	budget := eval.NewBudget(maxCost)
	info := eval.RunInfo{Corpus: corpus, Reviewer: reviewerName, Tier: string(tier), MaxCostUSD: maxCost}
	info.Provider, info.CheapModel, info.PremiumModel = modelNames(models)
	var reviewer eval.Reviewer
	switch reviewerName {
	case "pipeline":
		var m review.Model = tiers.NewPlanner(models)
		if !dryRun {
			if m, err = runner.NewModel(ctx, models, false); err != nil {
				return err
			}
			m = eval.Metered(m, budget, func(in tiers.Input) string { return in.PR.Repo })
		}
		reviewer = &eval.Pipeline{Model: m, Logger: log, Overrides: review.Overrides{
			Tier: review.Set(string(tier), "flag --tier"),
			// The run's --max-cost caps the whole run; a per-review cap
			// would move expensive pull requests to the free tier and
			// measure a mix of tiers.
			MaxCostUSD: review.Set(0.0, "reviewbot eval"),
		}}
	case "baseline":
		info.Tier = "team (one prompt, premium model)"
		bl := tiers.NewBaselinePlanner(models)
		if !dryRun {
			if err := tiers.CredentialsAvailable(ctx, models); err != nil {
				return &review.Error{Kind: review.KindUsage, Err: fmt.Errorf("no model credentials: %w", err)}
			}
			if bl, err = tiers.NewBaseline(ctx, models); err != nil {
				return &review.Error{Kind: review.KindConfig, Err: fmt.Errorf("configure the model provider: %w", err)}
			}
		}
		reviewer = &eval.Baseline{Model: bl, Budget: budget}
	}
	var judge eval.Judge
	if judgeModel != "" {
		if dryRun {
			info.Notes = append(info.Notes, "--judge is not used in a dry run: no model is called")
		} else {
			j, err := tiers.NewJudge(ctx, models, judgeModel)
			if err != nil {
				return &review.Error{Kind: review.KindConfig, Err: fmt.Errorf("configure the judge: %w", err)}
			}
			judge = j
		}
	}

	opt := eval.Options{Reviewer: reviewer, Judge: judge, Tolerance: tolerance, Concurrency: concurrency, DryRun: dryRun, Budget: budget, Info: info}
	tty := isTerminal(stderr)
	if tty {
		opt.Progress = func(p eval.Progress) {
			fmt.Fprintf(stderr, "\r\x1b[Keval: %d/%d pull requests, %s, $%.4f spent", p.Done, p.Total, p.Elapsed.Round(time.Second), p.SpentUSD)
		}
	}
	rep, err := eval.Run(ctx, entries, opt)
	if tty {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil && rep == nil {
		return err
	}
	if rep.Run.Stopped != "" {
		fmt.Fprintf(stderr, "reviewbot: eval stopped early: %s; %d of %d pull requests were scored\n", rep.Run.Stopped, rep.Run.Scored, len(entries))
	}
	switch format {
	case "json":
		err = rep.JSON(stdout)
	case "markdown":
		err = rep.Markdown(stdout)
	default:
		err = rep.Text(stdout)
	}
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if rep.Run.Scored == 0 && rep.Run.Errors > 0 && rep.Run.Stopped == "" {
		return &review.Error{Kind: review.KindUpstream, Err: fmt.Errorf("no pull request of the corpus could be reviewed; the first error: %s", firstError(rep))}
	}
	return nil
}

func firstError(rep *eval.Report) string {
	for _, p := range rep.PRs {
		if p.Error != "" {
			return p.ID + ": " + p.Error
		}
	}
	return ""
}

// modelNames are the provider and models a run uses, with SPEC section
// 2's defaults filled in as tiers fills them.
func modelNames(c tiers.Config) (provider, cheap, premium string) {
	provider, cheap, premium = c.Provider, c.CheapModel, c.PremiumModel
	if provider == "" {
		provider = tiers.ProviderBedrock
	}
	if provider == tiers.ProviderBedrock {
		if cheap == "" {
			cheap = tiers.DefaultCheapModel
		}
		if premium == "" {
			premium = tiers.DefaultPremiumModel
		}
	}
	return provider, cheap, premium
}

// evalFlags defines the eval subcommand's flags; out receives usage and
// parse errors.
func evalFlags(out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: reviewbot eval --corpus FILE [flags]

Runs a reviewer over a labelled corpus (one JSON object per line, SPEC
section 8) and prints precision, recall, F1, comments and known noise per
pull request, false alarms on clean pull requests, and tokens, dollars and
seconds per pull request, overall, per language and per category.

A finding matches a reference on the same path and side whose line range
is at most --tolerance lines away; duplicate findings are merged first and
each reference is credited once. --judge MODEL also asks that model, for
each pair that passed the location test, whether both name the same
concern, and reports those numbers in a row of their own.

--dry-run calls no model: it reports, per reference, whether its lines
would reach the premium prompt and why not, the ceiling of recall the
pipeline itself sets. It needs no credentials:

  reviewbot eval --corpus testdata/eval/aacr.jsonl --dry-run

Flags:
`)
		fs.PrintDefaults()
	}
	fs.String("corpus", "", "labelled corpus `file` (JSON lines)")
	fs.String("format", "text", "output `format`: text, markdown or json")
	fs.Int("tolerance", eval.DefaultTolerance, "largest distance in `lines` between a finding's range and a reference's that still matches")
	fs.String("tier", "team", "`tier` to review with: team (line-level findings), free (summary only: nothing to match) or auto (the router decides per pull request)")
	fs.String("provider", "", "model `provider`: bedrock or openai (default $REVIEWBOT_PROVIDER, else bedrock)")
	fs.String("cheap-model", "", "cheap tier's `model` (default $REVIEWBOT_CHEAP_MODEL, else SPEC's)")
	fs.String("premium-model", "", "premium tier's `model` (default $REVIEWBOT_PREMIUM_MODEL, else SPEC's)")
	fs.Float64("max-cost", 0, "cap on the whole run's model spend in `USD`, judge included; the run stops before a call whose estimate would pass it (0: no cap)")
	fs.Int("concurrency", 2, "pull requests reviewed at `n` at once")
	fs.String("reviewer", "pipeline", "`reviewer`: pipeline (reviewbot's) or baseline (the whole diff in one prompt to the same premium model)")
	fs.String("judge", "", "`model` that judges whether each location-matched pair names the same concern (same provider)")
	fs.Bool("dry-run", false, "call no model: report which references the prompts would show the model")
	fs.Bool("v", false, "log progress to stderr")
	return fs
}
