package eval

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/reviewbot/reviewbot/gitrepo"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
	"github.com/reviewbot/reviewbot/tiers"
)

// Pipeline is the real reviewer: each entry goes through runner.Local (a
// repository range, with codebase context, impact and the base branch's
// configuration) or runner.Diff (a bare diff), exactly as `reviewbot
// review` would review it.
type Pipeline struct {
	// Model runs the reviews (wrap it with Metered for a budget); for a
	// dry run a tiers.NewPlanner is enough.
	Model     review.Model
	Overrides review.Overrides
	Logger    *slog.Logger
}

var _ Reviewer = (*Pipeline)(nil)

// Review runs the pipeline on one entry.
func (p *Pipeline) Review(ctx context.Context, e Entry, dryRun bool) (*Outcome, error) {
	start := time.Now()
	var (
		res *review.Result
		d   *review.Diff
		err error
	)
	if e.RepoDir != "" {
		res, _, err = runner.Local(ctx, runner.LocalRequest{
			Dir: e.RepoDir, Base: e.Base, Head: e.Head, Overrides: p.Overrides, Model: p.Model,
			DryRun: dryRun, ShowPrompts: dryRun, Logger: p.Logger,
		})
		if err == nil {
			d = repoDiff(ctx, e)
		}
	} else {
		var data []byte
		if data, err = os.ReadFile(e.DiffFile); err != nil {
			return nil, fmt.Errorf("read the diff: %w", err)
		}
		d, _ = review.ParseGitDiff(data)
		res, _, err = runner.Diff(ctx, runner.DiffRequest{
			Name: e.Name(), Diff: data, Overrides: p.Overrides, Model: p.Model,
			DryRun: dryRun, ShowPrompts: dryRun, Logger: p.Logger,
		})
	}
	if err != nil {
		return nil, err
	}
	out := &Outcome{Findings: FromReview(res.Findings), Usage: res.Usage, Duration: time.Since(start), Diff: d}
	if dryRun {
		out.Seen = PromptReach(res)
	}
	return out, nil
}

// repoDiff parses the entry's range for the judge's excerpts; nil when it
// cannot (the judge then sees the comments without code).
func repoDiff(ctx context.Context, e Entry) *review.Diff {
	r, err := gitrepo.ResolveRange(ctx, e.RepoDir, e.Base, e.Head)
	if err != nil {
		return nil
	}
	raw, err := r.Diff(ctx)
	if err != nil {
		return nil
	}
	d, _ := review.ParseGitDiff(raw)
	return d
}

// Baseline is the naive reviewer (tiers.Baseline): the entry's whole diff
// in one prompt to the same premium model.
type Baseline struct {
	Model  *tiers.Baseline
	Budget *Budget
}

var _ Reviewer = (*Baseline)(nil)

// Review sends the entry's diff to the baseline, or in a dry run only
// assembles the prompt.
func (b *Baseline) Review(ctx context.Context, e Entry, dryRun bool) (*Outcome, error) {
	start := time.Now()
	var (
		raw []byte
		err error
	)
	if e.RepoDir != "" {
		r, rerr := gitrepo.ResolveRange(ctx, e.RepoDir, e.Base, e.Head)
		if rerr != nil {
			return nil, fmt.Errorf("resolve the range to review: %w", rerr)
		}
		raw, err = r.Diff(ctx)
	} else {
		raw, err = os.ReadFile(e.DiffFile)
	}
	if err != nil {
		return nil, fmt.Errorf("read the diff: %w", err)
	}
	d, _ := review.ParseGitDiff(raw)
	p, err := b.Model.Prompt(string(raw))
	if err != nil {
		return nil, err
	}
	out := &Outcome{Diff: d, Notes: p.Notes}
	if dryRun {
		sent, _ := review.ParseGitDiff([]byte(p.Diff))
		out.Seen, out.Usage = diffReach(d, sent), p.Usage
		out.Duration = time.Since(start)
		return out, nil
	}
	release, err := b.Budget.Hold(p.Usage.CostUSD, "the baseline review of "+e.ID)
	if err != nil {
		return nil, err
	}
	paths := map[string]bool{}
	for _, f := range d.Files {
		paths[f.Path()] = true
	}
	res, err := b.Model.Review(ctx, string(raw), paths)
	if err != nil {
		release(p.Usage.CostUSD)
		return nil, err
	}
	release(res.Usage.CostUSD)
	out.Findings, out.Usage, out.Duration = FromTiers(res.Findings), res.Usage, time.Since(start)
	if n := len(res.Dropped); n > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("baseline: %d invalid finding(s) dropped", n))
	}
	return out, nil
}
