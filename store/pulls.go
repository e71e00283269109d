package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RecordDelivery remembers a webhook delivery ID. It reports false when
// the ID was recorded before: GitHub's redeliveries reuse the ID, and a
// redelivered event must not do its work twice. Called inside the
// delivery's transaction, so the ID and the work it enqueues commit
// together or not at all.
func RecordDelivery(ctx context.Context, q Querier, id, event string, at time.Time) (bool, error) {
	n, err := q.Exec(ctx, `INSERT INTO reviewbot_deliveries (id, event, received_ms) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
		id, event, at.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("record delivery %s: %w", id, err)
	}
	return n == 1, nil
}

// PruneDeliveries forgets delivery IDs older than before. GitHub lets a
// delivery be redelivered for a few days, so a week is kept.
func PruneDeliveries(ctx context.Context, q Querier, before time.Time) (int64, error) {
	return q.Exec(ctx, `DELETE FROM reviewbot_deliveries WHERE received_ms < $1`, before.UnixMilli())
}

// Pull is what the store keeps about one pull request.
type Pull struct {
	Repo   string // owner/name
	Number int
	// HeadSHA is the newest head an event named, and HeadAt the
	// pull request's updated_at in that event: an older event arriving
	// late (GitHub does not order deliveries) cannot go back to an older
	// head.
	HeadSHA string
	HeadAt  time.Time
	Paused  bool
	// LastReviewed is the head of the last review that was posted.
	LastReviewed string
}

// GetPull reads a pull request's state; ErrNotFound when none is kept.
func GetPull(ctx context.Context, q Querier, repo string, number int) (Pull, error) {
	p := Pull{Repo: strings.ToLower(repo), Number: number}
	var at int64
	var paused int
	err := q.QueryRow(ctx, `SELECT head_sha, head_at_ms, paused, last_reviewed_sha FROM reviewbot_pulls WHERE repo = $1 AND number = $2`,
		p.Repo, number).Scan(&p.HeadSHA, &at, &paused, &p.LastReviewed)
	p.HeadAt, p.Paused = time.UnixMilli(at), paused != 0
	return p, err
}

// AdvanceHead records head as the pull request's newest head, unless the
// store already holds a head from a later event; newer reports whether it
// did (false: this event is older than what was seen, or names the head
// already recorded).
func AdvanceHead(ctx context.Context, q Querier, repo string, number int, head string, at time.Time) (newer bool, err error) {
	repo = strings.ToLower(repo)
	cur, err := GetPull(ctx, q, repo, number)
	switch {
	case errors.Is(err, ErrNotFound):
		_, err = q.Exec(ctx, `INSERT INTO reviewbot_pulls (repo, number, head_sha, head_at_ms, updated_ms) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (repo, number) DO UPDATE SET head_sha = excluded.head_sha, head_at_ms = excluded.head_at_ms, updated_ms = excluded.updated_ms`,
			repo, number, head, at.UnixMilli(), time.Now().UnixMilli())
		return err == nil, err
	case err != nil:
		return false, err
	case cur.HeadSHA == head:
		return false, nil
	case at.Before(cur.HeadAt):
		return false, nil
	}
	_, err = q.Exec(ctx, `UPDATE reviewbot_pulls SET head_sha = $3, head_at_ms = $4, updated_ms = $5 WHERE repo = $1 AND number = $2`,
		repo, number, head, at.UnixMilli(), time.Now().UnixMilli())
	return err == nil, err
}

// SetPaused stops or restarts automatic reviews of a pull request (the
// slash commands pause and resume).
func SetPaused(ctx context.Context, q Querier, repo string, number int, paused bool) error {
	_, err := q.Exec(ctx, `INSERT INTO reviewbot_pulls (repo, number, paused, updated_ms) VALUES ($1, $2, $3, $4)
		ON CONFLICT (repo, number) DO UPDATE SET paused = excluded.paused, updated_ms = excluded.updated_ms`,
		strings.ToLower(repo), number, b2i(paused), time.Now().UnixMilli())
	return err
}

// SetLastReviewed records the head a posted review covered.
func SetLastReviewed(ctx context.Context, q Querier, repo string, number int, head string) error {
	_, err := q.Exec(ctx, `INSERT INTO reviewbot_pulls (repo, number, last_reviewed_sha, updated_ms) VALUES ($1, $2, $3, $4)
		ON CONFLICT (repo, number) DO UPDATE SET last_reviewed_sha = excluded.last_reviewed_sha, updated_ms = excluded.updated_ms`,
		strings.ToLower(repo), number, head, time.Now().UnixMilli())
	return err
}

// TrackJob remembers that queue job id reviews repo#number at head, so a
// newer push can find and cancel it.
func TrackJob(ctx context.Context, q Querier, id int64, repo string, number int, head string) error {
	_, err := q.Exec(ctx, `INSERT INTO reviewbot_jobs (job_id, repo, number, head_sha, created_ms) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (job_id) DO NOTHING`, id, strings.ToLower(repo), number, head, time.Now().UnixMilli())
	return err
}

// JobsOtherThan returns the tracked jobs of repo#number whose head is not
// keep ("" for all of them), and forgets them: the caller cancels them in
// the same transaction.
func JobsOtherThan(ctx context.Context, q Querier, repo string, number int, keep string) ([]int64, error) {
	repo = strings.ToLower(repo)
	rows, err := q.Query(ctx, `SELECT job_id FROM reviewbot_jobs WHERE repo = $1 AND number = $2 AND head_sha <> $3`, repo, number, keep)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		if _, err := q.Exec(ctx, `DELETE FROM reviewbot_jobs WHERE repo = $1 AND number = $2 AND head_sha <> $3`, repo, number, keep); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// ForgetJob drops a finished job's tracking row.
func ForgetJob(ctx context.Context, q Querier, id int64) error {
	_, err := q.Exec(ctx, `DELETE FROM reviewbot_jobs WHERE job_id = $1`, id)
	return err
}

// PruneJobs drops tracking rows older than before (jobs River has long
// finished with; cancelling a finished job is a no-op anyway).
func PruneJobs(ctx context.Context, q Querier, before time.Time) (int64, error) {
	return q.Exec(ctx, `DELETE FROM reviewbot_jobs WHERE created_ms < $1`, before.UnixMilli())
}
