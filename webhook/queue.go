package webhook

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/reviewbot/reviewbot/store"
)

// ReviewArgs is a review job: names, not objects. The worker rebuilds
// everything else from GitHub, so a job queued before a restart or a
// deploy means the same thing after it. Repo, Number and HeadSHA make the
// job unique (with the job kind): one review per head, however many
// deliveries name it.
type ReviewArgs struct {
	InstallationID int64  `json:"installation_id"`
	Repo           string `json:"repo" river:"unique"` // owner/name
	Number         int    `json:"number" river:"unique"`
	HeadSHA        string `json:"head_sha" river:"unique"`
	// Trigger is what asked for the review: the pull_request action.
	Trigger string `json:"trigger"`
	// Full reviews the whole pull request, not the commits since the last
	// reviewed one.
	Full bool `json:"full,omitempty"`
	// DeliveryID is the webhook delivery that queued the job, for logs.
	DeliveryID string `json:"delivery_id,omitempty"`
}

// ReviewKind is the River job kind of ReviewArgs.
const ReviewKind = "review"

// Kind implements river.JobArgs.
func (ReviewArgs) Kind() string { return ReviewKind }

// reviewQueue is the River queue reviews run on.
const reviewQueue = "reviews"

// reviewMaxAttempts bounds the retries of an upstream failure: River's
// backoff (attempt^4 seconds) makes eight attempts span about an hour and
// a half, long enough for a GitHub or Bedrock incident to pass.
const reviewMaxAttempts = 8

// InsertOpts implements river.JobArgsWithInsertOpts: uniqueness by the
// tagged arguments across every live and completed state (River's
// default set), so a redelivered or repeated event for the same head
// adds no second job.
func (ReviewArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: reviewQueue, MaxAttempts: reviewMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// PruneArgs is the periodic job that forgets old delivery IDs and job
// tracking rows.
type PruneArgs struct{}

// Kind implements river.JobArgs.
func (PruneArgs) Kind() string { return "reviewbot_prune" }

// Tx is the delivery's transaction: the store's tables and the queue's,
// committed together, so that "recorded" and "enqueued" cannot drift
// apart across a crash.
type Tx interface {
	store.Querier
	// Insert adds a job; inserted is false when an equal unique job
	// exists already (id is then that job's).
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (id int64, inserted bool, err error)
	// Cancel cancels a job: removed from the queue when waiting, its
	// context cancelled when running (by whichever replica runs it).
	Cancel(ctx context.Context, id int64) error
}

// Work is what a delivery asks for, run inside its transaction.
type Work func(ctx context.Context, tx Tx) error

// Queue records deliveries and their work durably.
type Queue interface {
	// Deliver runs work in one transaction that also records the delivery
	// ID; dup is true, and work is not run, when the ID was recorded
	// before.
	Deliver(ctx context.Context, id, event string, at time.Time, work Work) (dup bool, err error)
}

// riverQueue is River over either driver: TTx is *sql.Tx for SQLite and
// pgx.Tx for PostgreSQL.
type riverQueue[TTx any] struct {
	db     *store.DB
	client *river.Client[TTx]
	begin  func(ctx context.Context) (TTx, store.Querier, func() error, func(), error)

	// The group commit of deliveries (batch.go).
	batchOnce sync.Once
	pending   chan *delivery
}

var (
	_ Queue         = (*riverQueue[*sql.Tx])(nil)
	_ jobQueue      = (*riverQueue[*sql.Tx])(nil)
	_ Queue         = (*riverQueue[pgx.Tx])(nil)
	_ jobQueue      = (*riverQueue[pgx.Tx])(nil)
	_ river.JobArgs = ReviewArgs{}
)

// jobQueue is the queue as the App drives it.
type jobQueue interface {
	Queue
	start(ctx context.Context) error
	stop(ctx context.Context) error
	stopAndCancel(ctx context.Context) error
	cancel(ctx context.Context, id int64) error
	oldestAvailable(ctx context.Context) (time.Time, bool, error)
}

// riverTx is Tx over one driver's transaction.
type riverTx[TTx any] struct {
	store.Querier
	tx     TTx
	client *river.Client[TTx]
}

func (t *riverTx[TTx]) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (int64, bool, error) {
	res, err := t.client.InsertTx(ctx, t.tx, args, opts)
	if err != nil {
		return 0, false, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return res.Job.ID, !res.UniqueSkippedAsDuplicate, nil
}

func (t *riverTx[TTx]) Cancel(ctx context.Context, id int64) error {
	_, err := t.client.JobCancelTx(ctx, t.tx, id)
	if err != nil && !errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("cancel job %d: %w", id, err)
	}
	return nil
}

func (q *riverQueue[TTx]) start(ctx context.Context) error { return q.client.Start(ctx) }
func (q *riverQueue[TTx]) stop(ctx context.Context) error  { return q.client.Stop(ctx) }
func (q *riverQueue[TTx]) stopAndCancel(ctx context.Context) error {
	return q.client.StopAndCancel(ctx)
}

func (q *riverQueue[TTx]) cancel(ctx context.Context, id int64) error {
	_, err := q.client.JobCancel(ctx, id)
	if err != nil && !errors.Is(err, river.ErrNotFound) {
		return err
	}
	return nil
}

// oldestAvailable is when the longest-waiting runnable review became
// runnable (the queue-age gauge).
func (q *riverQueue[TTx]) oldestAvailable(ctx context.Context) (time.Time, bool, error) {
	res, err := q.client.JobList(ctx, river.NewJobListParams().Queues(reviewQueue).
		States(rivertype.JobStateAvailable).OrderBy(river.JobListOrderByScheduledAt, river.SortOrderAsc).First(1))
	if err != nil {
		return time.Time{}, false, err
	}
	if len(res.Jobs) == 0 {
		return time.Time{}, false, nil
	}
	return res.Jobs[0].ScheduledAt, true, nil
}

// queueConfig is how the App's River client runs.
type queueConfig struct {
	workers     *river.Workers
	concurrency int
	jobTimeout  time.Duration
	logger      *slog.Logger
	periodic    []*river.PeriodicJob
	// pollInterval is how often a client without LISTEN/NOTIFY (SQLite)
	// looks for work other processes queued and for cancellations.
	pollInterval time.Duration
}

func (c queueConfig) river() *river.Config {
	return &river.Config{
		Queues:  map[string]river.QueueConfig{reviewQueue: {MaxWorkers: c.concurrency}, river.QueueDefault: {MaxWorkers: 1}},
		Workers: c.workers,
		// A review reads GitHub, calls models for minutes at worst, and
		// posts; beyond the timeout its context is cancelled and the job
		// retried.
		JobTimeout: c.jobTimeout,
		// A job still "running" this long after it started belongs to a
		// replica that died (kill -9, a lost machine): River's rescuer
		// makes it runnable again. It must exceed JobTimeout.
		RescueStuckJobsAfter: c.jobTimeout + 5*time.Minute,
		MaxAttempts:          reviewMaxAttempts,
		FetchPollInterval:    c.pollInterval,
		Logger:               c.logger,
		PeriodicJobs:         c.periodic,
		ErrorHandler:         &panicLogger{log: c.logger},
	}
}

// newQueue builds the River client for db's dialect.
func newQueue(db *store.DB, cfg queueConfig) (jobQueue, error) {
	switch db.Dialect {
	case store.SQLite:
		client, err := river.NewClient[*sql.Tx](riversqlite.New(db.SQL), cfg.river())
		if err != nil {
			return nil, fmt.Errorf("start the queue: %w", err)
		}
		return &riverQueue[*sql.Tx]{db: db, client: client, begin: func(ctx context.Context) (*sql.Tx, store.Querier, func() error, func(), error) {
			tx, err := db.SQL.BeginTx(ctx, nil)
			if err != nil {
				return nil, nil, nil, nil, fmt.Errorf("begin: %w", err)
			}
			return tx, store.SQLTx(tx), tx.Commit, func() { tx.Rollback() }, nil
		}}, nil
	case store.Postgres:
		client, err := river.NewClient[pgx.Tx](riverpgxv5.New(db.Pool), cfg.river())
		if err != nil {
			return nil, fmt.Errorf("start the queue: %w", err)
		}
		return &riverQueue[pgx.Tx]{db: db, client: client, begin: func(ctx context.Context) (pgx.Tx, store.Querier, func() error, func(), error) {
			tx, err := db.Pool.Begin(ctx)
			if err != nil {
				return nil, nil, nil, nil, fmt.Errorf("begin: %w", err)
			}
			return tx, store.PgxTx(tx), func() error { return tx.Commit(ctx) }, func() { tx.Rollback(context.WithoutCancel(ctx)) }, nil
		}}, nil
	}
	return nil, fmt.Errorf("no queue driver for %q", db.Dialect)
}

// rescueOrphans makes runnable again the jobs a previous process left
// "running" when it died. Only for SQLite, where the lock file proves that
// no other process works this database; with PostgreSQL other replicas
// may be running them, and River's rescuer decides by age instead.
func rescueOrphans(ctx context.Context, db *store.DB) (int64, error) {
	if db.Dialect != store.SQLite {
		return 0, nil
	}
	// River's rescuer makes the same transition (running → available for
	// a job with attempts left); doing it at start saves waiting
	// RescueStuckJobsAfter after a crash.
	return db.Exec(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
}

// panicLogger logs job errors and panics; River retries them as errors.
type panicLogger struct{ log *slog.Logger }

var _ river.ErrorHandler = (*panicLogger)(nil)

func (p *panicLogger) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	return nil
}

func (p *panicLogger) HandlePanic(ctx context.Context, job *rivertype.JobRow, v any, trace string) *river.ErrorHandlerResult {
	p.log.Error("a job panicked; River will retry it", "job_id", job.ID, "kind", job.Kind, "panic", fmt.Sprint(v), "trace", trace)
	return nil
}
