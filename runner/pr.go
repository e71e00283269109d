package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/gitrepo"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/tiers"
)

// PRRequest is a review of one GitHub pull request at one head.
type PRRequest struct {
	Owner, Repo string
	Number      int
	// HeadSHA is the head the event named; "" means the current head. A
	// pull request that has moved past it is not reviewed (a newer run
	// has that head).
	HeadSHA string
	// Full reviews the whole pull request even when an earlier run
	// reviewed part of it.
	Full bool
	// Automatic marks a review no person asked for (a push): it honours
	// /pause.
	Automatic  bool
	ConfigPath string // "" means .github/reviewbot.yml
	Overrides  review.Overrides
	Models     tiers.Config
	// Model, when set, replaces the engine built from Models (tests,
	// and the App's shared engine).
	Model   review.Model
	MaxTier tiers.Tier
	DryRun  bool
	// Workspace is a local clone to read trees from (the Action's
	// checkout); commits it lacks are fetched. "" uses Tarballs.
	Workspace string
	Tarballs  *codebase.TarballCache
	// ReadOnly, when set, is where the review goes once GitHub answers
	// that the token may not write: annotations and a job summary in the
	// Action. After the switch no further write is attempted.
	ReadOnly review.Publisher
	Logger   *slog.Logger
}

// Outcome is what a pull request review did.
type Outcome struct {
	PR        *gh.PullRequest
	Result    *review.Result
	Config    review.Config
	Published *review.Published
	Check     review.CheckResult
	// ReadOnly reports that the token could not write, so the review went
	// to req.ReadOnly.
	ReadOnly bool
	// Paused reports an automatic review skipped because of /pause.
	Paused bool
	// Skipped says why auto_review ruled out an automatic review ("" when
	// it did not).
	Skipped string
	// Notes are what the entry point should tell its user (warnings
	// about permissions, the superseded head).
	Notes []string

	prior *review.Prior
}

// ReviewPR reviews a pull request and publishes the result through pub.
// The check run (when pub is a review.Checker) goes from in progress to a
// conclusion that tells the truth, whatever happens in between.
func ReviewPR(ctx context.Context, c *gh.Client, pub review.Publisher, req PRRequest) (*Outcome, error) {
	log := orDiscard(req.Logger).With("repo", req.Owner+"/"+req.Repo, "pr", req.Number)
	out := &Outcome{}
	pr, err := c.PullRequest(ctx, req.Owner, req.Repo, req.Number)
	if err != nil {
		return out, &review.Error{Kind: review.KindUpstream, Err: err}
	}
	out.PR = pr
	head := pr.HeadSHA
	if req.HeadSHA != "" && req.HeadSHA != pr.HeadSHA {
		return out, &review.Error{Kind: review.KindSuperseded, Err: fmt.Errorf("%w: the event named %s but the pull request's head is %s now; the newer push gets its own review", review.ErrSuperseded, short(req.HeadSHA), short(pr.HeadSHA))}
	}
	log = log.With("head", head)

	// switchReadOnly moves the rest of the run to the read-only publisher
	// after GitHub refused a write for lack of permission.
	switchReadOnly := func(err error) bool {
		if req.ReadOnly == nil || !errors.Is(err, gh.ErrReadOnly) || out.ReadOnly {
			return false
		}
		log.Warn("the token cannot write to the pull request; reporting through the read-only publisher", "err", err)
		out.ReadOnly = true
		pub = req.ReadOnly
		return true
	}
	prior, err := pub.Prior(ctx)
	switch {
	case err != nil && !errors.Is(err, gh.ErrReadOnly):
		return out, &review.Error{Kind: review.KindUpstream, Err: err}
	case err != nil:
		prior = &review.Prior{}
	}
	if prior.Posted == nil {
		prior.Posted = map[string]bool{}
	}
	out.prior = prior
	if req.Automatic && prior.State.Paused {
		out.Paused = true
		out.Notes = append(out.Notes, "automatic reviews are paused on this pull request; comment /resume to restart them, or /review for one review")
		return out, nil
	}
	if req.Automatic {
		why, err := AutoReviewOff(ctx, c, req.ConfigPath, pr)
		if err != nil {
			return out, &review.Error{Kind: review.KindUpstream, Err: err}
		}
		if why != "" {
			out.Skipped = why
			out.Notes = append(out.Notes, "no automatic review: "+why+"; comment /review for one")
			return out, nil
		}
	}
	checker, _ := pub.(review.Checker)
	if checker != nil && !req.DryRun {
		if err := checker.StartCheck(ctx, head); err != nil {
			switch {
			case errors.Is(err, gh.ErrReadOnly) && pr.Fork():
				// A fork's token is read-only everywhere: the first refusal
				// is enough to stop writing.
				switchReadOnly(err)
			case errors.Is(err, gh.ErrReadOnly):
				out.Notes = append(out.Notes, "no check run: the token may not create check runs; add `checks: write` to the workflow's permissions")
			default:
				log.Warn("could not create the check run", "err", err)
				out.Notes = append(out.Notes, "no check run: "+err.Error())
			}
			checker = nil
		}
	}
	if out.ReadOnly {
		checker = nil
	}
	finish := func(res *review.Result, runErr error) {
		out.Check = review.CheckOf(res, runErr, out.Config.FailOn)
		if checker == nil || out.ReadOnly {
			return
		}
		// The run's own context may be cancelled; the check must still
		// say how it ended.
		if err := checker.FinishCheck(context.WithoutCancel(ctx), out.Check); err != nil {
			log.Error("could not complete the check run", "err", err)
		}
	}

	res, err := runPR(ctx, c, pub, req, pr, out, log)
	if err != nil {
		finish(res, err)
		return out, err
	}
	out.Result = res
	if req.DryRun {
		return out, nil
	}
	published, err := review.Publish(ctx, pub, res, out.prior, log)
	if err != nil && switchReadOnly(err) {
		published, err = review.Publish(ctx, pub, res, &review.Prior{Posted: map[string]bool{}}, log)
	}
	out.Published = published
	if err != nil {
		if review.KindOf(err) != review.KindSuperseded {
			err = &review.Error{Kind: review.KindUpstream, Err: err}
		}
		finish(res, err)
		return out, err
	}
	finish(res, nil)
	return out, nil
}

// runPR assembles the job from GitHub and runs the pipeline.
func runPR(ctx context.Context, c *gh.Client, pub review.Publisher, req PRRequest, pr *gh.PullRequest, out *Outcome, log *slog.Logger) (*review.Result, error) {
	prior := out.prior
	l, err := load(ctx, c, req, pr, log)
	if l != nil {
		out.Config = l.cfg
		defer l.close()
	}
	if err != nil {
		return nil, err
	}
	notes := append(append([]string{}, out.Notes...), l.notes...)
	var since *review.Diff
	if last := prior.State.LastReviewed; last != "" && !req.Full && last != pr.HeadSHA {
		cmp, err := c.Compare(ctx, pr.Owner, pr.Repo, last, pr.HeadSHA)
		switch {
		case err != nil:
			notes = append(notes, fmt.Sprintf("the whole pull request is reviewed: comparing with the last reviewed commit %s failed (%v)", short(last), err))
		case cmp.Status == "ahead" && cmp.Diff != nil:
			since = cmp.Diff
			notes = append(notes, fmt.Sprintf("reviewing the commits since %s, the last reviewed commit", short(last)))
		case cmp.Status == "ahead":
			notes = append(notes, fmt.Sprintf("the whole pull request is reviewed: too many files changed since %s to list", short(last)))
		default:
			notes = append(notes, fmt.Sprintf("the whole pull request is reviewed: the branch was force-pushed since %s, which is no longer part of its history", short(last)))
		}
	}
	model := req.Model
	if model == nil {
		model = Lazy(ctx, req.Models, req.DryRun)
	}
	job := l.job(req, log)
	job.Since, job.Notes = since, notes
	return review.Run(ctx, job, model)
}

// loaded is a pull request read from GitHub with what a review, a
// question or an impact listing needs.
type loaded struct {
	pr                 *gh.PullRequest
	cfg                review.Config
	notes              []string
	diff               *review.Diff
	base               string // the merge base: the PR diff's left side
	baseTree, headTree codebase.Source
}

func (l *loaded) close() {
	closeSource(l.headTree)
	closeSource(l.baseTree)
}

// job is the review job of a loaded pull request.
func (l *loaded) job(req PRRequest, log *slog.Logger) review.Job {
	pr := l.pr
	return review.Job{
		Repo: pr.Owner + "/" + pr.Repo, Base: l.base, Head: pr.HeadSHA, Diff: l.diff,
		BaseTree: l.baseTree, HeadTree: l.headTree, Config: l.cfg, MaxTier: req.MaxTier,
		PR:     tiers.PR{Repo: pr.Owner + "/" + pr.Repo, Number: pr.Number, Title: pr.Title, Body: pr.Body, BaseRef: pr.BaseRef, HeadRef: pr.HeadRef, HeadSHA: pr.HeadSHA},
		DryRun: req.DryRun, Notes: l.notes, Logger: log,
		WebURL: strings.TrimSuffix(pr.HTMLURL, fmt.Sprintf("/pull/%d", pr.Number)),
	}
}

// load reads the configuration from the base branch, GitHub's diff, the
// merge base and the trees. A configuration error returns the loaded
// value too, so that callers can show what was read.
func load(ctx context.Context, c *gh.Client, req PRRequest, pr *gh.PullRequest, log *slog.Logger) (*loaded, error) {
	upstream := func(err error) error { return &review.Error{Kind: review.KindUpstream, Err: err} }
	cfgPath := req.ConfigPath
	if cfgPath == "" {
		cfgPath = review.ConfigPath
	}
	data, ok, err := c.FileAt(ctx, pr.Owner, pr.Repo, pr.BaseSHA, cfgPath)
	if err != nil {
		return nil, upstream(err)
	}
	if !ok {
		data = nil
	}
	l := &loaded{pr: pr}
	cfg, warnings, err := review.LoadConfig(cfgPath+" (base "+pr.BaseRef+")", data, req.Overrides)
	l.cfg = cfg
	for _, w := range warnings {
		l.notes = append(l.notes, "configuration: "+w.String())
	}
	if err != nil {
		return l, err
	}
	d, diffNotes, err := c.PullDiff(ctx, pr.Owner, pr.Repo, pr.Number)
	if err != nil {
		return l, upstream(err)
	}
	l.diff = d
	l.notes = append(l.notes, diffNotes...)
	if d.File(cfgPath) != nil {
		if head, ok, err := c.FileAt(ctx, pr.Owner, pr.Repo, pr.HeadSHA, cfgPath); err == nil && ok {
			l.notes = append(l.notes, review.CheckHeadConfig(cfgPath+" (this PR)", head)...)
		}
	}
	l.base = pr.BaseSHA
	if cmp, err := c.Compare(ctx, pr.Owner, pr.Repo, pr.BaseSHA, pr.HeadSHA); err == nil && cmp.MergeBase != "" {
		l.base = cmp.MergeBase
	}
	var treeNotes []string
	l.baseTree, l.headTree, treeNotes = trees(ctx, req, pr, l.base, log)
	l.notes = append(l.notes, treeNotes...)
	return l, nil
}

// AutoReviewOff reads the base branch's configuration (cfgPath, "" for
// .github/reviewbot.yml) and says why its auto_review settings rule out an
// automatic review of pr ("" when they allow it). A configuration that
// does not load is left to the review, which reports it in the check run
// and the summary.
func AutoReviewOff(ctx context.Context, c *gh.Client, cfgPath string, pr *gh.PullRequest) (string, error) {
	if cfgPath == "" {
		cfgPath = review.ConfigPath
	}
	data, ok, err := c.FileAt(ctx, pr.Owner, pr.Repo, pr.BaseSHA, cfgPath)
	if err != nil {
		return "", err
	}
	if !ok {
		data = nil
	}
	cfg, _, err := review.LoadConfig(cfgPath+" (base "+pr.BaseRef+")", data, review.Overrides{})
	if err != nil {
		return "", nil
	}
	ar := cfg.AutoReview
	switch {
	case !ar.Enabled:
		return "auto_review is off in " + cfgPath, nil
	case pr.Draft && !ar.Drafts:
		return "the pull request is a draft and auto_review.drafts is off", nil
	case len(ar.BaseBranches) > 0:
		for _, g := range ar.BaseBranches {
			if m, _ := doublestar.Match(g, pr.BaseRef); m {
				return "", nil
			}
		}
		return fmt.Sprintf("the base branch %s matches none of auto_review.base_branches", pr.BaseRef), nil
	}
	return "", nil
}

// trees finds the base and head trees for codebase context: the local
// clone when there is one (fetching the two commits it lacks), else
// GitHub tarballs; without either the review runs without context and
// says so in the pipeline's notes.
func trees(ctx context.Context, req PRRequest, pr *gh.PullRequest, base string, log *slog.Logger) (baseTree, headTree codebase.Source, notes []string) {
	if req.Workspace != "" {
		err := gitrepo.Fetch(ctx, req.Workspace, pr.HeadSHA, base)
		if err == nil {
			return codebase.GitTree(req.Workspace, base), codebase.GitTree(req.Workspace, pr.HeadSHA), nil
		}
		log.Warn("could not fetch the pull request's commits into the workspace", "err", err)
		notes = append(notes, "the checkout could not fetch the pull request's commits ("+err.Error()+"); trees come from GitHub's tarballs")
	}
	if req.Tarballs == nil {
		return nil, nil, notes
	}
	h, err := req.Tarballs.Source(ctx, pr.Owner, pr.Repo, pr.HeadSHA)
	if err != nil {
		return nil, nil, append(notes, "the head tree could not be downloaded ("+err.Error()+"), so the review has no codebase context")
	}
	b, err := req.Tarballs.Source(ctx, pr.Owner, pr.Repo, base)
	if err != nil {
		notes = append(notes, "the base tree could not be downloaded ("+err.Error()+"), so the impact list may be incomplete")
		b = nil
	}
	return b, h, notes
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
