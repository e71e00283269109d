package store

import (
	"context"
	"fmt"
	"time"
)

// WriteGate keeps one installation's content-creating GitHub requests
// serial and spaced across every replica sharing a PostgreSQL database,
// as GitHub asks of an integration
// (https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#avoid-concurrent-requests):
//
//   - each write runs inside a transaction that holds a transaction-level
//     advisory lock keyed by the installation, so two replicas never have
//     writes of one installation in flight at once;
//   - under the lock, reviewbot_write_pace holds the database clock's time
//     of the installation's last write; the next write waits until Gap has
//     passed since then. The database clock is the one clock all replicas
//     share, so skew between machines does not shorten the gap;
//   - the time is written after the response arrives, in the same
//     transaction, so it commits as the lock is released.
//
// A replica that dies mid-write loses its connection, and PostgreSQL
// releases the lock with it. Reads are not gated: GitHub's advice concerns
// writes, and a review's reads should not queue behind another PR's posts.
//
// With SQLite there is one process, and gh.Pacer's in-process gap does the
// same job; WriteGate is for PostgreSQL only.
type WriteGate struct {
	db  *DB
	Gap time.Duration
}

// paceLockClass is mixed into the advisory lock key so that it cannot
// meet River's own advisory locks or the migration lock ("rb" in the top
// bits, the installation ID below).
const paceLockClass = int64(0x7262) << 48

// clockSlack is added to every wait. The gap is kept by the database's
// wall clock, but GitHub and anyone watching measure it by their own: a
// virtual machine that resynchronises its wall clock moves the database's
// time against theirs by a few milliseconds, and the replica test once saw
// two writes 982 ms apart with a 1 s gap.
const clockSlack = 25 * time.Millisecond

// NewWriteGate returns the gate over db's PostgreSQL pool, or nil for
// SQLite.
func NewWriteGate(db *DB, gap time.Duration) *WriteGate {
	if db.Dialect != Postgres {
		return nil
	}
	return &WriteGate{db: db, Gap: gap}
}

// Do runs write (one content-creating request) for installation id once
// no other replica is writing for it and Gap has passed since its last
// write.
func (g *WriteGate) Do(ctx context.Context, id int64, write func() error) error {
	conn, err := g.db.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("write gate: %w", err)
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("write gate: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", paceLockClass|id); err != nil {
		return fmt.Errorf("write gate: lock installation %d: %w", id, err)
	}
	const nowMS = "(extract(epoch from clock_timestamp()) * 1000)::bigint"
	var last, now int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE((SELECT last_write_ms FROM reviewbot_write_pace WHERE installation_id = $1), 0), `+nowMS, id).Scan(&last, &now); err != nil {
		return fmt.Errorf("write gate: read the last write: %w", err)
	}
	if wait := time.Duration(last+g.Gap.Milliseconds()-now)*time.Millisecond + clockSlack; wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	werr := write()
	// Recorded even when the write failed: GitHub counted the attempt.
	if _, err := tx.Exec(context.WithoutCancel(ctx), `INSERT INTO reviewbot_write_pace (installation_id, last_write_ms) VALUES ($1, `+nowMS+`)
		ON CONFLICT (installation_id) DO UPDATE SET last_write_ms = excluded.last_write_ms`, id); err != nil {
		return fmt.Errorf("write gate: record the write: %w (the write itself: %v)", err, werr)
	}
	if err := tx.Commit(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("write gate: %w (the write itself: %v)", err, werr)
	}
	return werr
}
