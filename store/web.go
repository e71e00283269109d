package store

import (
	"context"
	"fmt"
	"time"
)

// Short-lived web tokens: the state of a setup in progress and the
// dashboard's login sessions. Only a hash of each token is stored (the
// caller hashes), so reading the database does not hand anyone a session.
// They live in the database, not in one process's memory, so the setup
// callback and a logged-in browser may reach any replica.

// The kinds of web token.
const (
	TokenSetupState = "setup_state"
	TokenSession    = "session"
)

// AddWebToken records a token hash of kind until expires; bound is what
// the token is tied to (a session: the admin token it was opened with).
func AddWebToken(ctx context.Context, q Querier, hash, kind, bound string, expires time.Time) error {
	if _, err := q.Exec(ctx, `INSERT INTO reviewbot_web_tokens (hash, kind, bound, expires_ms) VALUES ($1, $2, $3, $4)`,
		hash, kind, bound, expires.UnixMilli()); err != nil {
		return fmt.Errorf("record the %s: %w", kind, err)
	}
	return nil
}

// TakeWebToken deletes an unexpired token of kind and reports whether
// there was one: a setup state works once.
func TakeWebToken(ctx context.Context, q Querier, hash, kind string, now time.Time) (bool, error) {
	n, err := q.Exec(ctx, `DELETE FROM reviewbot_web_tokens WHERE hash = $1 AND kind = $2 AND expires_ms > $3`, hash, kind, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("check the %s: %w", kind, err)
	}
	return n == 1, nil
}

// WebTokenValid reports whether an unexpired token of kind bound to bound
// is recorded.
func WebTokenValid(ctx context.Context, q Querier, hash, kind, bound string, now time.Time) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM reviewbot_web_tokens WHERE hash = $1 AND kind = $2 AND bound = $3 AND expires_ms > $4`,
		hash, kind, bound, now.UnixMilli()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check the %s: %w", kind, err)
	}
	return n > 0, nil
}

// DeleteWebToken forgets a token (logout).
func DeleteWebToken(ctx context.Context, q Querier, hash string) error {
	_, err := q.Exec(ctx, `DELETE FROM reviewbot_web_tokens WHERE hash = $1`, hash)
	return err
}

// PruneWebTokens forgets expired tokens.
func PruneWebTokens(ctx context.Context, q Querier, now time.Time) (int64, error) {
	return q.Exec(ctx, `DELETE FROM reviewbot_web_tokens WHERE expires_ms <= $1`, now.UnixMilli())
}
