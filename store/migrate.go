package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// migrations are the App's own tables, in order; each runs once, recorded
// in reviewbot_schema. {{serial}} and {{real}} are the dialects' words for
// an auto-increment key and a float column. Append, never edit: a
// deployed database has run the old text.
var migrations = []string{
	// 1: the first schema.
	`CREATE TABLE IF NOT EXISTS reviewbot_deliveries (
		id TEXT PRIMARY KEY,
		event TEXT NOT NULL,
		received_ms BIGINT NOT NULL
	);
	CREATE INDEX IF NOT EXISTS reviewbot_deliveries_received ON reviewbot_deliveries (received_ms);
	CREATE TABLE IF NOT EXISTS reviewbot_installations (
		id BIGINT PRIMARY KEY,
		account_id BIGINT NOT NULL DEFAULT 0,
		account_login TEXT NOT NULL DEFAULT '',
		account_type TEXT NOT NULL DEFAULT '',
		suspended INTEGER NOT NULL DEFAULT 0,
		removed INTEGER NOT NULL DEFAULT 0,
		updated_ms BIGINT NOT NULL
	);
	CREATE INDEX IF NOT EXISTS reviewbot_installations_account ON reviewbot_installations (account_id);
	CREATE TABLE IF NOT EXISTS reviewbot_repositories (
		full_name TEXT PRIMARY KEY,
		installation_id BIGINT NOT NULL,
		updated_ms BIGINT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS reviewbot_plan_changes (
		id {{serial}},
		account_id BIGINT NOT NULL DEFAULT 0,
		installation_id BIGINT NOT NULL DEFAULT 0,
		plan TEXT NOT NULL,
		effective_ms BIGINT NOT NULL,
		source TEXT NOT NULL,
		detail TEXT NOT NULL DEFAULT '',
		cancelled INTEGER NOT NULL DEFAULT 0,
		created_ms BIGINT NOT NULL
	);
	CREATE INDEX IF NOT EXISTS reviewbot_plan_changes_account ON reviewbot_plan_changes (account_id, effective_ms);
	CREATE INDEX IF NOT EXISTS reviewbot_plan_changes_installation ON reviewbot_plan_changes (installation_id, effective_ms);
	CREATE TABLE IF NOT EXISTS reviewbot_pulls (
		repo TEXT NOT NULL,
		number BIGINT NOT NULL,
		head_sha TEXT NOT NULL DEFAULT '',
		head_at_ms BIGINT NOT NULL DEFAULT 0,
		paused INTEGER NOT NULL DEFAULT 0,
		last_reviewed_sha TEXT NOT NULL DEFAULT '',
		updated_ms BIGINT NOT NULL,
		PRIMARY KEY (repo, number)
	);
	CREATE TABLE IF NOT EXISTS reviewbot_jobs (
		job_id BIGINT PRIMARY KEY,
		repo TEXT NOT NULL,
		number BIGINT NOT NULL,
		head_sha TEXT NOT NULL,
		created_ms BIGINT NOT NULL
	);
	CREATE INDEX IF NOT EXISTS reviewbot_jobs_pull ON reviewbot_jobs (repo, number);
	CREATE TABLE IF NOT EXISTS reviewbot_usage (
		installation_id BIGINT NOT NULL,
		month TEXT NOT NULL,
		reviews BIGINT NOT NULL DEFAULT 0,
		input_tokens BIGINT NOT NULL DEFAULT 0,
		output_tokens BIGINT NOT NULL DEFAULT 0,
		cost_usd {{real}} NOT NULL DEFAULT 0,
		PRIMARY KEY (installation_id, month)
	);
	CREATE TABLE IF NOT EXISTS reviewbot_write_pace (
		installation_id BIGINT PRIMARY KEY,
		last_write_ms BIGINT NOT NULL
	);`,
	// 2: setup mode and the dashboard (credentials.go, web.go, reviews.go).
	`CREATE TABLE IF NOT EXISTS reviewbot_app (
		id INTEGER PRIMARY KEY,
		app_id BIGINT NOT NULL,
		slug TEXT NOT NULL,
		name TEXT NOT NULL DEFAULT '',
		owner TEXT NOT NULL DEFAULT '',
		html_url TEXT NOT NULL DEFAULT '',
		client_id TEXT NOT NULL DEFAULT '',
		client_secret TEXT NOT NULL DEFAULT '',
		webhook_secret TEXT NOT NULL,
		private_key TEXT NOT NULL,
		created_ms BIGINT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS reviewbot_web_tokens (
		hash TEXT PRIMARY KEY,
		kind TEXT NOT NULL,
		bound TEXT NOT NULL DEFAULT '',
		expires_ms BIGINT NOT NULL
	);
	CREATE INDEX IF NOT EXISTS reviewbot_web_tokens_expires ON reviewbot_web_tokens (expires_ms);
	CREATE TABLE IF NOT EXISTS reviewbot_reviews (
		id {{serial}},
		installation_id BIGINT NOT NULL,
		repo TEXT NOT NULL,
		number BIGINT NOT NULL,
		head_sha TEXT NOT NULL,
		job_id BIGINT NOT NULL DEFAULT 0,
		attempt BIGINT NOT NULL DEFAULT 0,
		trigger_name TEXT NOT NULL DEFAULT '',
		delivery_id TEXT NOT NULL DEFAULT '',
		outcome TEXT NOT NULL,
		plan TEXT NOT NULL DEFAULT '',
		tier TEXT NOT NULL DEFAULT '',
		error TEXT NOT NULL DEFAULT '',
		started_ms BIGINT NOT NULL,
		duration_ms BIGINT NOT NULL DEFAULT 0,
		input_tokens BIGINT NOT NULL DEFAULT 0,
		output_tokens BIGINT NOT NULL DEFAULT 0,
		cost_usd {{real}} NOT NULL DEFAULT 0
	);
	CREATE INDEX IF NOT EXISTS reviewbot_reviews_started ON reviewbot_reviews (started_ms);`,
}

// migrateLockKey is the PostgreSQL advisory lock that lets one replica
// migrate while the others wait ("rbmg" in ASCII).
const migrateLockKey = 0x72626d67

// Migrate brings River's tables and the App's to the current version. It
// runs at every start; replicas starting together on PostgreSQL take
// turns under an advisory lock.
func (db *DB) Migrate(ctx context.Context) error {
	if db.Dialect == Postgres {
		conn, err := db.Pool.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrateLockKey)); err != nil {
			return fmt.Errorf("migrate: take the migration lock: %w", err)
		}
		defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrateLockKey))
		m, err := rivermigrate.New(riverpgxv5.New(db.Pool), nil)
		if err != nil {
			return fmt.Errorf("migrate the queue: %w", err)
		}
		if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("migrate the queue: %w", err)
		}
	} else {
		m, err := rivermigrate.New(riversqlite.New(db.SQL), nil)
		if err != nil {
			return fmt.Errorf("migrate the queue: %w", err)
		}
		if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("migrate the queue: %w", err)
		}
	}
	return db.migrateOwn(ctx)
}

func (db *DB) migrateOwn(ctx context.Context) error {
	if _, err := db.Exec(ctx, `CREATE TABLE IF NOT EXISTS reviewbot_schema (version BIGINT PRIMARY KEY, applied_ms BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for i, m := range migrations {
		version := i + 1
		err := db.InTx(ctx, func(q Querier) error {
			var n int
			if err := q.QueryRow(ctx, "SELECT count(*) FROM reviewbot_schema WHERE version = $1", version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range strings.Split(db.dialectSQL(m), ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := q.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("%w\n%s", err, stmt)
				}
			}
			_, err := q.Exec(ctx, "INSERT INTO reviewbot_schema (version, applied_ms) VALUES ($1, $2)", version, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate to version %d: %w", version, err)
		}
	}
	return nil
}

// dialectSQL fills in the words the dialects spell differently.
func (db *DB) dialectSQL(s string) string {
	if db.Dialect == Postgres {
		return strings.NewReplacer("{{serial}}", "BIGSERIAL PRIMARY KEY", "{{real}}", "DOUBLE PRECISION").Replace(s)
	}
	return strings.NewReplacer("{{serial}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "{{real}}", "REAL").Replace(s)
}
