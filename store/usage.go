package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Usage is one installation's model use in one calendar month (UTC).
type Usage struct {
	InstallationID int64
	Month          string // "2006-01"
	// Reviews counts the runs that called a model; the free plan's quota
	// is a number of them.
	Reviews                   int64
	InputTokens, OutputTokens int64
	CostUSD                   float64
}

// Month is the usage month of t.
func Month(t time.Time) string { return t.UTC().Format("2006-01") }

// AddUsage adds one review's use to its installation's month.
func AddUsage(ctx context.Context, q Querier, u Usage) error {
	_, err := q.Exec(ctx, `INSERT INTO reviewbot_usage (installation_id, month, reviews, input_tokens, output_tokens, cost_usd)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (installation_id, month) DO UPDATE SET reviews = reviewbot_usage.reviews + excluded.reviews,
			input_tokens = reviewbot_usage.input_tokens + excluded.input_tokens,
			output_tokens = reviewbot_usage.output_tokens + excluded.output_tokens,
			cost_usd = reviewbot_usage.cost_usd + excluded.cost_usd`,
		u.InstallationID, u.Month, u.Reviews, u.InputTokens, u.OutputTokens, u.CostUSD)
	if err != nil {
		return fmt.Errorf("record usage of installation %d: %w", u.InstallationID, err)
	}
	return nil
}

// GetUsage reads an installation's use in month; zero when none.
func GetUsage(ctx context.Context, q Querier, installationID int64, month string) (Usage, error) {
	u := Usage{InstallationID: installationID, Month: month}
	err := q.QueryRow(ctx, `SELECT reviews, input_tokens, output_tokens, cost_usd FROM reviewbot_usage WHERE installation_id = $1 AND month = $2`,
		installationID, month).Scan(&u.Reviews, &u.InputTokens, &u.OutputTokens, &u.CostUSD)
	if errors.Is(err, ErrNotFound) {
		return u, nil
	}
	return u, err
}
