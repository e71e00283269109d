// Package runner is the one way in for every entry point: it turns a
// request (a local git range from the CLI, a pull request from the Action
// or the App) into a review.Job with the layered configuration and one
// model engine, runs the pipeline and, for pull requests, publishes the
// result through a review.Publisher. Entry points keep only their flags,
// environment and exit codes.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/gitrepo"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/tiers"
)

// NewModel returns the model a run uses: for a dry run a planner that
// needs no credentials, otherwise the provider's engine, after checking
// that credentials exist (a usage error naming what to set when not). The
// same configuration drives the estimate and the calls.
func NewModel(ctx context.Context, models tiers.Config, dryRun bool) (review.Model, error) {
	if dryRun {
		return tiers.NewPlanner(models), nil
	}
	if err := tiers.CredentialsAvailable(ctx, models); err != nil {
		// tiers names exactly what is missing and how to set it.
		return nil, &review.Error{Kind: review.KindUsage, Err: fmt.Errorf("no model credentials: %w", err)}
	}
	e, err := tiers.NewEngine(ctx, models)
	if err != nil {
		return nil, &review.Error{Kind: review.KindConfig, Err: fmt.Errorf("configure the model provider: %w", err)}
	}
	return e, nil
}

// lazyModel builds the engine on first use, so that a run with nothing to
// review needs no credentials and says so instead of asking for them.
type lazyModel struct {
	build func() (review.Model, error)
	m     review.Model
	err   error
	done  bool
}

var _ review.Model = (*lazyModel)(nil)

func (l *lazyModel) get() (review.Model, error) {
	if !l.done {
		l.m, l.err = l.build()
		l.done = true
	}
	return l.m, l.err
}

func (l *lazyModel) Run(ctx context.Context, tier tiers.Tier, in tiers.Input) (*tiers.Result, error) {
	m, err := l.get()
	if err != nil {
		return nil, err
	}
	return m.Run(ctx, tier, in)
}

func (l *lazyModel) Plan(tier tiers.Tier, in tiers.Input) (*tiers.PlanResult, error) {
	m, err := l.get()
	if err != nil {
		return nil, err
	}
	return m.Plan(tier, in)
}

// Lazy returns NewModel(ctx, models, dryRun) built when first used.
func Lazy(ctx context.Context, models tiers.Config, dryRun bool) review.Model {
	return &lazyModel{build: func() (review.Model, error) { return NewModel(ctx, models, dryRun) }}
}

// LocalRequest is a review of a local git range (reviewbot review).
type LocalRequest struct {
	Dir, Base, Head string
	Overrides       review.Overrides
	Models          tiers.Config
	// Model, when set, replaces the engine built from Models (eval
	// shares one engine across pull requests).
	Model       review.Model
	DryRun      bool
	ShowPrompts bool
	Logger      *slog.Logger
	// Warn receives configuration warnings as they are found (stderr).
	Warn func(review.ConfigWarning)
}

// Local reviews a local range and returns the result with the effective
// configuration.
func Local(ctx context.Context, req LocalRequest) (*review.Result, review.Config, error) {
	log := orDiscard(req.Logger)
	model := req.Model
	if model == nil {
		model = Lazy(ctx, req.Models, req.DryRun)
	}
	r, err := gitrepo.ResolveRange(ctx, req.Dir, req.Base, req.Head)
	if err != nil {
		if errors.Is(err, gitrepo.ErrNotGitRepo) {
			return nil, review.Config{}, &review.Error{Kind: review.KindUsage, Err: err}
		}
		return nil, review.Config{}, &review.Error{Kind: review.KindUsage, Err: fmt.Errorf("resolve the range to review: %w", err)}
	}
	var notes []string
	if n := r.BaseNote(ctx); n != "" {
		notes = append(notes, n)
	}
	if r.HeadRef == "HEAD" && r.Dirty(ctx) {
		notes = append(notes, "the work tree has uncommitted changes; they are not part of the reviewed range "+r.BaseRef+"..HEAD (commit them to include them)")
	}
	name := review.ConfigPath + " (base " + r.BaseRef + ")"
	data, ok, err := r.ReadFile(ctx, r.Base, review.ConfigPath)
	if err != nil {
		return nil, review.Config{}, fmt.Errorf("read %s at base: %w", review.ConfigPath, err)
	}
	if !ok {
		data = nil
	}
	cfg, warnings, err := review.LoadConfig(name, data, req.Overrides)
	for _, w := range warnings {
		if req.Warn != nil {
			req.Warn(w)
		}
		notes = append(notes, "configuration: "+w.String())
	}
	if err != nil {
		return nil, cfg, err
	}
	raw, err := r.Diff(ctx)
	if err != nil {
		return nil, cfg, fmt.Errorf("read the diff: %w", err)
	}
	d, err := review.ParseGitDiff(raw)
	if err != nil {
		return nil, cfg, fmt.Errorf("parse the diff of %s..%s: %w", r.BaseRef, r.HeadRef, err)
	}
	if d.File(review.ConfigPath) != nil {
		if head, ok, err := r.ReadFile(ctx, r.Head, review.ConfigPath); err == nil && ok {
			notes = append(notes, review.CheckHeadConfig(review.ConfigPath+" (head)", head)...)
		}
	}
	headTree, baseTree := codebase.GitTree(r.Dir, r.Head), codebase.GitTree(r.Dir, r.Base)
	defer closeSource(headTree)
	defer closeSource(baseTree)
	pr := tiers.PR{Repo: r.Name, BaseRef: r.BaseRef, HeadRef: r.HeadRef, HeadSHA: r.Head}
	pr.Title, pr.Body = r.Describe(ctx)
	job := review.Job{
		Repo: r.Name, Base: r.Base, Head: r.Head, Diff: d,
		BaseTree: baseTree, HeadTree: headTree, PR: pr, Config: cfg,
		DryRun: req.DryRun, ShowPrompts: req.ShowPrompts, Notes: notes, Logger: log,
		WebURL: review.GitHubWebURL(r.Remote),
	}
	res, err := review.Run(ctx, job, model)
	return res, cfg, err
}

func closeSource(s codebase.Source) {
	if c, ok := s.(io.Closer); ok {
		c.Close()
	}
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
