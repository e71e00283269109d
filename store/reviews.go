package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ReviewRecord is one attempt of one review job as the dashboard shows
// it: what ran, how it ended, how long it took and what it spent.
type ReviewRecord struct {
	ID             int64
	InstallationID int64
	Repo           string // owner/name
	Number         int
	HeadSHA        string
	JobID          int64
	Attempt        int
	Trigger        string
	DeliveryID     string
	// Outcome is the worker's: posted, skipped, paused, over_quota,
	// already_reviewed, superseded, interrupted, retry (failed, to be
	// retried) or failed (not retried, or out of attempts).
	Outcome string
	Plan    string
	Tier    string
	// Error is the failure's reason, with secrets removed by the caller.
	Error                     string
	Started                   time.Time
	Duration                  time.Duration
	InputTokens, OutputTokens int64
	CostUSD                   float64
}

// Failed reports whether the attempt failed (retried or not).
func (r ReviewRecord) Failed() bool { return r.Outcome == "failed" || r.Outcome == "retry" }

// RecordReview appends one attempt.
func RecordReview(ctx context.Context, q Querier, r ReviewRecord) error {
	_, err := q.Exec(ctx, `INSERT INTO reviewbot_reviews (installation_id, repo, number, head_sha, job_id, attempt, trigger_name, delivery_id,
		outcome, plan, tier, error, started_ms, duration_ms, input_tokens, output_tokens, cost_usd)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		r.InstallationID, strings.ToLower(r.Repo), r.Number, r.HeadSHA, r.JobID, r.Attempt, r.Trigger, r.DeliveryID,
		r.Outcome, r.Plan, r.Tier, r.Error, r.Started.UnixMilli(), r.Duration.Milliseconds(), r.InputTokens, r.OutputTokens, r.CostUSD)
	if err != nil {
		return fmt.Errorf("record the review of %s#%d: %w", r.Repo, r.Number, err)
	}
	return nil
}

// RecentReviews returns the newest attempts first, at most limit; only
// the failed ones when failedOnly.
func RecentReviews(ctx context.Context, q Querier, limit int, failedOnly bool) ([]ReviewRecord, error) {
	where := ""
	if failedOnly {
		where = "WHERE outcome IN ('failed', 'retry')"
	}
	rows, err := q.Query(ctx, `SELECT id, installation_id, repo, number, head_sha, job_id, attempt, trigger_name, delivery_id, outcome, plan, tier,
		error, started_ms, duration_ms, input_tokens, output_tokens, cost_usd FROM reviewbot_reviews `+where+` ORDER BY started_ms DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	defer rows.Close()
	var out []ReviewRecord
	for rows.Next() {
		var r ReviewRecord
		var started, took int64
		if err := rows.Scan(&r.ID, &r.InstallationID, &r.Repo, &r.Number, &r.HeadSHA, &r.JobID, &r.Attempt, &r.Trigger, &r.DeliveryID,
			&r.Outcome, &r.Plan, &r.Tier, &r.Error, &started, &took, &r.InputTokens, &r.OutputTokens, &r.CostUSD); err != nil {
			return nil, err
		}
		r.Started, r.Duration = time.UnixMilli(started), time.Duration(took)*time.Millisecond
		out = append(out, r)
	}
	return out, rows.Err()
}

// PruneReviews forgets attempts that started before before.
func PruneReviews(ctx context.Context, q Querier, before time.Time) (int64, error) {
	return q.Exec(ctx, `DELETE FROM reviewbot_reviews WHERE started_ms < $1`, before.UnixMilli())
}

// UsageSince returns every installation's usage in months from from
// ("2006-01") on, by installation then month.
func UsageSince(ctx context.Context, q Querier, from string) ([]Usage, error) {
	rows, err := q.Query(ctx, `SELECT installation_id, month, reviews, input_tokens, output_tokens, cost_usd FROM reviewbot_usage
		WHERE month >= $1 ORDER BY installation_id, month`, from)
	if err != nil {
		return nil, fmt.Errorf("read usage: %w", err)
	}
	defer rows.Close()
	var out []Usage
	for rows.Next() {
		var u Usage
		if err := rows.Scan(&u.InstallationID, &u.Month, &u.Reviews, &u.InputTokens, &u.OutputTokens, &u.CostUSD); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// QueueDepth counts the jobs of a River queue by state, for the states a
// job waits or runs in.
func QueueDepth(ctx context.Context, q Querier, queue string) (map[string]int64, error) {
	counts := map[string]int64{"available": 0, "scheduled": 0, "retryable": 0, "running": 0}
	rows, err := q.Query(ctx, `SELECT state, count(*) FROM river_job WHERE queue = $1 AND state IN ('available', 'scheduled', 'retryable', 'running') GROUP BY state`, queue)
	if err != nil {
		return nil, fmt.Errorf("read the queue: %w", err)
	}
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			rows.Close()
			return nil, err
		}
		counts[state] = n
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	return counts, nil
}
