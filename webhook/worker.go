package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
	"github.com/reviewbot/reviewbot/store"
	"github.com/reviewbot/reviewbot/tiers"
)

// Clients gives the GitHub client of an installation.
type Clients interface {
	Installation(id int64) (*gh.Client, error)
}

var _ Clients = (*GitHubApp)(nil)

// Reviewer is the River worker of review jobs.
type Reviewer struct {
	river.WorkerDefaults[ReviewArgs]

	DB     *store.DB
	GitHub Clients
	// Model is the one engine every review shares.
	Model    review.Model
	Models   tiers.Config
	Tarballs *codebase.TarballCache
	// DefaultPlan applies to installations with no plan recorded.
	DefaultPlan store.Plan
	// FreeQuota is the number of reviews per installation per calendar
	// month (UTC) on the free plan; 0 means no limit.
	FreeQuota int64
	// Bot is the App's login ("slug[bot]"), "" when unknown.
	Bot     string
	Metrics *Metrics
	Logger  *slog.Logger
	Now     func() time.Time
}

var _ river.Worker[ReviewArgs] = (*Reviewer)(nil)

// action is what River does with a finished job.
type action int

const (
	actionDone   action = iota // completed
	actionRetry                // retried with River's backoff
	actionCancel               // failed for good: retrying cannot help
)

// jobActions is the one table from a review's error kind to the job's
// fate: GitHub or model failures are retried with backoff; usage and
// configuration errors are not (the check run already says what to fix);
// a superseded head is done, since the newer head has its own job.
var jobActions = map[review.Kind]action{
	"":                    actionDone,
	review.KindSuperseded: actionDone,
	review.KindUpstream:   actionRetry,
	review.KindConfig:     actionCancel,
	review.KindUsage:      actionCancel,
}

// Work reviews one head of one pull request.
func (r *Reviewer) Work(ctx context.Context, job *river.Job[ReviewArgs]) error {
	start := time.Now()
	a := job.Args
	log := r.log().With("delivery", a.DeliveryID, "repo", a.Repo, "pr", a.Number, "head", a.HeadSHA,
		"installation", a.InstallationID, "job_id", job.ID, "attempt", job.Attempt)
	rec := store.ReviewRecord{InstallationID: a.InstallationID, Repo: a.Repo, Number: a.Number, HeadSHA: a.HeadSHA, JobID: job.ID,
		Attempt: job.Attempt, Trigger: a.Trigger, DeliveryID: a.DeliveryID, Started: start}
	outcome, err := r.review(ctx, a, job.Attempt, log, &rec)
	if err != nil && ctx.Err() != nil {
		// Cancelled by a newer push (River marks the job cancelled) or by
		// shutdown (River hands the job back for another attempt).
		r.Metrics.review("interrupted", time.Since(start))
		r.record(ctx, &rec, "interrupted", context.Cause(ctx), log)
		log.Info("review interrupted", "why", context.Cause(ctx))
		return err
	}
	kind := review.KindOf(err)
	switch jobActions[kind] {
	case actionDone:
		if kind == review.KindSuperseded {
			outcome = "superseded"
			log.Info("review superseded by a newer head", "err", err)
		}
		r.Metrics.review(outcome, time.Since(start))
		r.record(ctx, &rec, outcome, nil, log)
		if err := store.ForgetJob(context.WithoutCancel(ctx), r.DB, job.ID); err != nil {
			log.Warn("forget the finished job", "err", err)
		}
		log.Info("review done", "outcome", outcome, "took", time.Since(start).Round(time.Millisecond))
		return nil
	case actionCancel:
		r.Metrics.review("failed", time.Since(start))
		r.record(ctx, &rec, "failed", err, log)
		log.Error("review failed; not retried", "kind", kind, "err", err)
		return river.JobCancel(err)
	default:
		r.Metrics.review("retry", time.Since(start))
		if job.MaxAttempts > 0 && job.Attempt >= job.MaxAttempts {
			r.record(ctx, &rec, "failed", err, log) // River discards it now
		} else {
			r.record(ctx, &rec, "retry", err, log)
		}
		log.Warn("review failed; it will be retried", "kind", kind, "err", err)
		return err
	}
}

// record keeps the attempt for the dashboard, its error without secrets.
func (r *Reviewer) record(ctx context.Context, rec *store.ReviewRecord, outcome string, err error, log *slog.Logger) {
	rec.Outcome, rec.Duration = outcome, time.Since(rec.Started)
	if err != nil {
		rec.Error = RedactSecrets(err.Error())
	}
	if err := store.RecordReview(context.WithoutCancel(ctx), r.DB, *rec); err != nil {
		log.Warn("record the review for the dashboard", "err", err)
	}
}

// Timeout is the Client's JobTimeout for every review.
func (r *Reviewer) Timeout(*river.Job[ReviewArgs]) time.Duration { return 0 }

func (r *Reviewer) review(ctx context.Context, a ReviewArgs, attempt int, log *slog.Logger, rec *store.ReviewRecord) (string, error) {
	owner, name, ok := strings.Cut(a.Repo, "/")
	if !ok {
		return "", review.Errorf(review.KindUsage, "job names repository %q, not owner/name", a.Repo)
	}
	if p, err := store.GetPull(ctx, r.DB, a.Repo, a.Number); err == nil && p.Paused {
		log.Info("automatic reviews of this pull request are paused")
		return "paused", nil
	}
	if in, err := store.GetInstallation(ctx, r.DB, a.InstallationID); err == nil && (in.Removed || in.Suspended) {
		log.Info("the installation is removed or suspended; not reviewing")
		return "skipped", nil
	}
	c, err := r.GitHub.Installation(a.InstallationID)
	if err != nil {
		return "", &review.Error{Kind: review.KindConfig, Err: err}
	}
	pr, err := c.PullRequest(ctx, owner, name, a.Number)
	if err != nil {
		return "", &review.Error{Kind: review.KindUpstream, Err: err}
	}
	if pr.State != "open" {
		log.Info("the pull request is closed; not reviewing")
		return "skipped", nil
	}
	if pr.HeadSHA != a.HeadSHA {
		return "", &review.Error{Kind: review.KindSuperseded, Err: fmt.Errorf("%w: %s is the head now", review.ErrSuperseded, short(pr.HeadSHA))}
	}
	if why, err := runner.AutoReviewOff(ctx, c, "", pr); err != nil {
		return "", &review.Error{Kind: review.KindUpstream, Err: err}
	} else if why != "" {
		log.Info("not reviewing: "+why, "draft", pr.Draft, "base", pr.BaseRef)
		return "skipped", nil
	}

	now := r.now()
	plan, err := store.PlanAt(ctx, r.DB, a.InstallationID, now, r.DefaultPlan)
	if err != nil {
		return "", &review.Error{Kind: review.KindUpstream, Err: err}
	}
	log = log.With("plan", plan.Plan)
	rec.Plan = string(plan.Plan)
	maxTier := tiers.Free
	if plan.Plan == store.Team {
		maxTier = tiers.Team
	}
	pub := gh.NewPublisher(c, owner, name, a.Number, r.Bot, log)
	prior, err := pub.Prior(ctx)
	if err != nil {
		return "", &review.Error{Kind: review.KindUpstream, Err: err}
	}
	if prior.State.LastReviewed == pr.HeadSHA && !a.Full {
		// A retried job whose first attempt posted everything (it died
		// after the summary, before River heard it finished): done.
		log.Info("this head was reviewed and posted already")
		return "already_reviewed", nil
	}
	if plan.Plan == store.Free && r.FreeQuota > 0 {
		month := store.Month(now)
		u, err := store.GetUsage(ctx, r.DB, a.InstallationID, month)
		if err != nil {
			return "", &review.Error{Kind: review.KindUpstream, Err: err}
		}
		if u.Reviews >= r.FreeQuota {
			log.Info("free plan quota used up; no model call", "reviews", u.Reviews, "quota", r.FreeQuota)
			return "over_quota", r.overQuota(ctx, pub, pr, prior, u, month)
		}
	}

	if attempt > 1 {
		// An earlier attempt that died mid-review left its check run in
		// progress; this attempt starts its own.
		if n, err := c.CloseStaleChecks(ctx, owner, name, pr.HeadSHA, "This attempt was interrupted (the server stopped or crashed); a new attempt is reviewing the commit."); err != nil {
			log.Warn("could not close the interrupted attempt's check run", "err", err)
		} else if n > 0 {
			log.Info("closed the interrupted attempt's check run", "check_runs", n)
		}
	}
	out, err := runner.ReviewPR(withInstallation(ctx, a.InstallationID), c, pub, runner.PRRequest{
		Owner: owner, Repo: name, Number: a.Number, HeadSHA: a.HeadSHA, Full: a.Full, Automatic: true,
		Models: r.Models, Model: r.Model, MaxTier: maxTier, Tarballs: r.Tarballs, Logger: log,
	})
	if out != nil && out.Result != nil && out.Result.Usage.Calls > 0 {
		// Spent tokens count whether or not the posting worked.
		u := out.Result.Usage
		rec.Tier, rec.InputTokens, rec.OutputTokens, rec.CostUSD = out.Result.Tier, u.InputTokens+u.CacheReadTokens+u.CacheWriteTokens, u.OutputTokens, u.CostUSD
		r.Metrics.usage(out.Result.Tier, a.InstallationID, u.InputTokens+u.CacheReadTokens+u.CacheWriteTokens, u.OutputTokens, u.CostUSD)
		if uerr := store.AddUsage(context.WithoutCancel(ctx), r.DB, store.Usage{InstallationID: a.InstallationID, Month: store.Month(now),
			Reviews: 1, InputTokens: u.InputTokens + u.CacheReadTokens + u.CacheWriteTokens, OutputTokens: u.OutputTokens, CostUSD: u.CostUSD}); uerr != nil {
			log.Error("record usage", "err", uerr)
		}
	}
	if err != nil {
		return "", err
	}
	if out.Paused {
		log.Info("automatic reviews of this pull request are paused (/pause)")
		return "paused", nil
	}
	for _, n := range out.Notes {
		log.Info("note", "note", n)
	}
	if err := store.SetLastReviewed(context.WithoutCancel(ctx), r.DB, a.Repo, a.Number, pr.HeadSHA); err != nil {
		log.Warn("record the reviewed head", "err", err)
	}
	return "posted", nil
}

// overQuota tells the pull request, in the summary comment and the check
// run, that the installation's free reviews for the month are used up. No
// model is called. The summary's hidden state is kept, so the first
// review after the quota resets covers everything since the last one.
func (r *Reviewer) overQuota(ctx context.Context, pub *gh.Publisher, pr *gh.PullRequest, prior *review.Prior, u store.Usage, month string) error {
	next, _ := time.Parse("2006-01", month)
	next = next.AddDate(0, 1, 0)
	var b strings.Builder
	b.WriteString(review.SummaryMarker + "\n## reviewbot summary\n\n")
	fmt.Fprintf(&b, "**Not reviewed: the free plan's quota of %d reviews for %s is used up** (this installation has had %d). ", r.FreeQuota, month, u.Reviews)
	fmt.Fprintf(&b, "Commit `%s` was not sent to a model. Reviews resume on %s, or at once on the team plan.\n", short(pr.HeadSHA), next.Format("January 2, 2006"))
	if last := prior.State.LastReviewed; last != "" {
		fmt.Fprintf(&b, "\nThe last review covered `%s`.\n", short(last))
	}
	body := b.String() + "\n" + prior.State.Marker()
	if err := pub.StartCheck(ctx, pr.HeadSHA); err != nil {
		r.log().Warn("could not create the check run", "err", err)
	}
	if _, err := pub.UpsertSummary(ctx, body); err != nil {
		return &review.Error{Kind: review.KindUpstream, Err: err}
	}
	if err := pub.FinishCheck(ctx, review.CheckResult{Conclusion: "neutral", Title: "Not reviewed: free plan quota used up",
		Summary: strings.TrimPrefix(b.String(), review.SummaryMarker+"\n")}); err != nil {
		return &review.Error{Kind: review.KindUpstream, Err: err}
	}
	return nil
}

func (r *Reviewer) log() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

func (r *Reviewer) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// sharedModel builds the model engine once, on first use, for every
// worker: building it reads AWS configuration, and a missing credential
// must fail the review that needs it with a message, not the server.
type sharedModel struct {
	models tiers.Config
	once   sync.Once
	m      review.Model
	err    error
}

var _ review.Model = (*sharedModel)(nil)

func (s *sharedModel) get(ctx context.Context) (review.Model, error) {
	s.once.Do(func() { s.m, s.err = runner.NewModel(context.WithoutCancel(ctx), s.models, false) })
	return s.m, s.err
}

// Run implements review.Model.
func (s *sharedModel) Run(ctx context.Context, tier tiers.Tier, in tiers.Input) (*tiers.Result, error) {
	m, err := s.get(ctx)
	if err != nil {
		return nil, err
	}
	return m.Run(ctx, tier, in)
}

// Plan implements review.Model.
func (s *sharedModel) Plan(tier tiers.Tier, in tiers.Input) (*tiers.PlanResult, error) {
	m, err := s.get(context.Background())
	if err != nil {
		return nil, err
	}
	return m.Plan(tier, in)
}

// pruneWorker forgets delivery IDs and job tracking rows past their use.
type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	db *store.DB
}

var _ river.Worker[PruneArgs] = (*pruneWorker)(nil)

// deliveryRetention is how long delivery IDs are kept for redelivery
// checks: GitHub redelivers from the last three days.
const deliveryRetention = 7 * 24 * time.Hour

// reviewRetention is how long the dashboard's review attempts are kept.
const reviewRetention = 90 * 24 * time.Hour

func (w *pruneWorker) Work(ctx context.Context, job *river.Job[PruneArgs]) error {
	before := time.Now().Add(-deliveryRetention)
	if _, err := store.PruneDeliveries(ctx, w.db, before); err != nil {
		return err
	}
	if _, err := store.PruneReviews(ctx, w.db, time.Now().Add(-reviewRetention)); err != nil {
		return err
	}
	if _, err := store.PruneWebTokens(ctx, w.db, time.Now()); err != nil {
		return err
	}
	_, err := store.PruneJobs(ctx, w.db, before)
	return err
}

var errNoSecret = errors.New("REVIEWBOT_WEBHOOK_SECRET is not set")
