package runner

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/tiers"
)

// DiffRequest is a review of a diff with no repository around it: a
// labelled corpus entry that ships only its `git diff` output. Without
// trees there is no codebase context, impact list or base-branch
// configuration; the defaults and Overrides apply.
type DiffRequest struct {
	// Name is the repository's name as the prompt shows it ("owner/name"),
	// or any label; "" is allowed.
	Name string
	// Diff is the output of `git diff` (or any unified diff).
	Diff      []byte
	Overrides review.Overrides
	// Model runs or, for a dry run, plans the review; nil builds one from
	// Models as Local does.
	Model       review.Model
	Models      tiers.Config
	DryRun      bool
	ShowPrompts bool
	Logger      *slog.Logger
}

// Diff reviews a bare diff through the same pipeline as Local.
func Diff(ctx context.Context, req DiffRequest) (*review.Result, review.Config, error) {
	model := req.Model
	if model == nil {
		model = Lazy(ctx, req.Models, req.DryRun)
	}
	cfg, warnings, err := review.LoadConfig("defaults", nil, req.Overrides)
	if err != nil {
		return nil, cfg, err
	}
	var notes []string
	for _, w := range warnings {
		notes = append(notes, "configuration: "+w.String())
	}
	d, err := review.ParseGitDiff(req.Diff)
	if err != nil {
		return nil, cfg, &review.Error{Kind: review.KindUsage, Err: fmt.Errorf("parse the diff: %w", err)}
	}
	job := review.Job{
		Repo: req.Name, Diff: d, PR: tiers.PR{Repo: req.Name}, Config: cfg,
		DryRun: req.DryRun, ShowPrompts: req.ShowPrompts, Notes: notes, Logger: orDiscard(req.Logger),
	}
	res, err := review.Run(ctx, job, model)
	return res, cfg, err
}
