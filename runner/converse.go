package runner

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/tiers"
)

// Asker answers questions; *tiers.Engine implements it.
type Asker interface {
	Ask(ctx context.Context, q tiers.Question) (*tiers.Answer, error)
}

var _ Asker = (*tiers.Engine)(nil)

// AskRequest is a question about a pull request.
type AskRequest struct {
	Text string
	// Path and Line place a question asked in a review thread; "" for
	// the conversation.
	Path string
	Line int
	// Thread is the review thread so far, root first, as "login: text".
	Thread []string
	// Asker, when set, replaces the engine built from the request's
	// models (tests).
	Asker Asker
}

// Ask answers a question from the pull request's diff and codebase
// context with the premium model. A question in a review thread is about
// that file: only its patch is sent.
func Ask(ctx context.Context, c *gh.Client, req PRRequest, q AskRequest) (*tiers.Answer, error) {
	log := orDiscard(req.Logger)
	l, err := open(ctx, c, req, log)
	if l != nil {
		defer l.close()
	}
	if err != nil {
		return nil, err
	}
	var paths []string
	if q.Path != "" {
		paths = []string{q.Path}
	}
	in, _, err := review.Prepare(ctx, l.job(req, log), paths...)
	if err != nil {
		return nil, err
	}
	asker := q.Asker
	if asker == nil {
		m, err := NewModel(ctx, req.Models, false)
		if err != nil {
			return nil, err
		}
		a, ok := m.(Asker)
		if !ok {
			return nil, fmt.Errorf("the configured model cannot answer questions")
		}
		asker = a
	}
	loc := ""
	if q.Path != "" {
		loc = fmt.Sprintf("%s:%d", q.Path, q.Line)
	}
	ans, err := asker.Ask(ctx, tiers.Question{
		PR: in.PR, Text: q.Text, Files: in.Files, Context: in.Context, Thread: q.Thread, Location: loc,
		ReviewLanguage: l.cfg.Language,
	})
	if err != nil {
		return nil, err
	}
	ans.Text = review.SanitizeProse(ans.Text)
	return ans, nil
}

// open reads the pull request at its current head and loads it.
func open(ctx context.Context, c *gh.Client, req PRRequest, log *slog.Logger) (*loaded, error) {
	pr, err := c.PullRequest(ctx, req.Owner, req.Repo, req.Number)
	if err != nil {
		return nil, &review.Error{Kind: review.KindUpstream, Err: err}
	}
	return load(ctx, c, req, pr, log)
}

// Impact lists the downstream impact of the pull request, found in the
// code with no model call (a dry run of the pipeline).
func Impact(ctx context.Context, c *gh.Client, req PRRequest) (*review.Result, error) {
	log := orDiscard(req.Logger)
	l, err := open(ctx, c, req, log)
	if l != nil {
		defer l.close()
	}
	if err != nil {
		return nil, err
	}
	job := l.job(req, log)
	job.DryRun = true
	return review.Run(ctx, job, tiers.NewPlanner(req.Models))
}

// EffectiveConfig reads the configuration a review of the pull request
// would use, with the problems found in the file.
func EffectiveConfig(ctx context.Context, c *gh.Client, req PRRequest) (review.Config, []string, error) {
	pr, err := c.PullRequest(ctx, req.Owner, req.Repo, req.Number)
	if err != nil {
		return review.Config{}, nil, &review.Error{Kind: review.KindUpstream, Err: err}
	}
	cfgPath := req.ConfigPath
	if cfgPath == "" {
		cfgPath = review.ConfigPath
	}
	data, ok, err := c.FileAt(ctx, pr.Owner, pr.Repo, pr.BaseSHA, cfgPath)
	if err != nil {
		return review.Config{}, nil, &review.Error{Kind: review.KindUpstream, Err: err}
	}
	if !ok {
		data = nil
	}
	cfg, warnings, err := review.LoadConfig(cfgPath+" (base "+pr.BaseRef+")", data, req.Overrides)
	var problems []string
	for _, w := range warnings {
		problems = append(problems, w.String())
	}
	if err != nil {
		problems = append(problems, err.Error())
	}
	return cfg, problems, nil
}
