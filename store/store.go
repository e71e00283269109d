// Package store is the App's state in the same database as its job queue:
// installations and their plans, marketplace plan changes that apply at
// their effective date, per-pull-request state, usage per installation per
// month, webhook deliveries already received, and the shared pacing of
// content-creating GitHub requests across replicas.
//
// One database holds it all: SQLite (modernc.org/sqlite, pure Go, one
// writer connection, WAL) for one machine, or PostgreSQL (pgx v5) for
// several `serve` replicas. Queries are written once in the SQL both
// understand ($N placeholders, ON CONFLICT, RETURNING); times are stored as
// Unix milliseconds so that neither dialect's time types leak through.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DefaultURL is REVIEWBOT_DATABASE_URL's default: a SQLite file in the
// working directory.
const DefaultURL = "sqlite://./reviewbot.db"

// Dialect names the database behind a DB.
type Dialect string

// The dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned by QueryRow's Scan when no row matched.
var ErrNotFound = errors.New("not found")

// ErrURL is wrapped by the error for a database URL that cannot be used.
var ErrURL = errors.New("invalid REVIEWBOT_DATABASE_URL")

// Row is one result row.
type Row interface {
	Scan(dest ...any) error
}

// Rows is a result set; Close must be called.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Querier runs SQL: the database itself or one transaction. Both dialects'
// transactions implement it, so the same store code runs inside the
// webhook's delivery transaction and outside it.
type Querier interface {
	// Exec runs a statement and returns the rows it affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// QueryRow runs a query for one row; Scan returns ErrNotFound when
	// there is none.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Query runs a query for many rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
}

// DB is the App's database.
type DB struct {
	Dialect Dialect
	// SQL is the SQLite pool (one connection); nil for PostgreSQL.
	SQL *sql.DB
	// Pool is the PostgreSQL pool; nil for SQLite.
	Pool *pgxpool.Pool
	// Path is the SQLite file.
	Path string

	q Querier
}

var _ Querier = (*DB)(nil)

// Open connects to url: "sqlite://PATH" (relative to the working
// directory; "sqlite:///abs/path" for an absolute one) or "postgres://..."
// / "postgresql://...". minConns is the PostgreSQL pool size the caller
// needs at least (workers plus River's own connections).
func Open(ctx context.Context, rawURL string, minConns int) (*DB, error) {
	if rawURL == "" {
		rawURL = DefaultURL
	}
	switch {
	case strings.HasPrefix(rawURL, "sqlite://"), strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, rawURL)
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL, minConns)
	}
	return nil, fmt.Errorf("%w: %q: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DB", ErrURL, redact(rawURL))
}

// sqlitePath turns sqlite://./x.db, sqlite:///abs/x.db and sqlite:x.db
// into a file path.
func sqlitePath(raw string) (string, error) {
	p := strings.TrimPrefix(raw, "sqlite:")
	p = strings.TrimPrefix(p, "//")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return "", fmt.Errorf("%w: %q names no file", ErrURL, raw)
	}
	return p, nil
}

func openSQLite(ctx context.Context, raw string) (*DB, error) {
	path, err := sqlitePath(raw)
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create the database directory: %w", err)
		}
	}
	// WAL lets readers proceed beside the writer; synchronous(FULL)
	// fsyncs every commit, so a delivery acknowledged with 202 survives a
	// power cut, not only a crash. busy_timeout covers the moments another
	// process (reviewbot plan) holds the file. _txlock=immediate takes the
	// write lock when a transaction begins instead of failing to upgrade
	// it halfway.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection: SQLite allows one writer, and River's SQLite driver
	// documents one connection as the way to avoid SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &DB{Dialect: SQLite, SQL: db, Path: path, q: sqlQuerier{db}}, nil
}

func openPostgres(ctx context.Context, raw string, minConns int) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrURL, err)
	}
	// pgxpool's default (4 or the CPU count) is too small once each
	// worker may hold a connection for the write lock of its installation.
	if !strings.Contains(raw, "pool_max_conns") && int(cfg.MaxConns) < minConns {
		cfg.MaxConns = int32(minConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redact(raw), err)
	}
	return &DB{Dialect: Postgres, Pool: pool, q: pgxQuerier{pool}}, nil
}

// redact hides a URL's password.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close closes the pool.
func (db *DB) Close() {
	if db.SQL != nil {
		db.SQL.Close()
	}
	if db.Pool != nil {
		db.Pool.Close()
	}
}

// Ping checks that the database answers (GET /healthz).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// Exec implements Querier.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return db.q.Exec(ctx, q, args...)
}

// QueryRow implements Querier.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) Row {
	return db.q.QueryRow(ctx, q, args...)
}

// Query implements Querier.
func (db *DB) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	return db.q.Query(ctx, q, args...)
}

// InTx runs fn in a transaction of its own, committed when fn returns nil.
func (db *DB) InTx(ctx context.Context, fn func(Querier) error) error {
	switch db.Dialect {
	case SQLite:
		tx, err := db.SQL.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		if err := fn(SQLTx(tx)); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	default:
		tx, err := db.Pool.Begin(ctx)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		if err := fn(PgxTx(tx)); err != nil {
			tx.Rollback(context.WithoutCancel(ctx))
			return err
		}
		return tx.Commit(ctx)
	}
}

// SQLTx adapts a database/sql transaction (SQLite's) to Querier.
func SQLTx(tx *sql.Tx) Querier { return sqlQuerier{tx} }

// PgxTx adapts a pgx transaction (PostgreSQL's) to Querier.
func PgxTx(tx pgx.Tx) Querier { return pgxQuerier{tx} }

// sqlConn is what *sql.DB and *sql.Tx share.
type sqlConn interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

type sqlQuerier struct{ c sqlConn }

var _ Querier = sqlQuerier{}

func (s sqlQuerier) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := s.c.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s sqlQuerier) QueryRow(ctx context.Context, q string, args ...any) Row {
	return sqlRow{s.c.QueryRowContext(ctx, q, args...)}
}

func (s sqlQuerier) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	rows, err := s.c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

type sqlRow struct{ r *sql.Row }

func (r sqlRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

// pgxConn is what *pgxpool.Pool, *pgxpool.Conn and pgx.Tx share.
type pgxConn interface {
	Exec(ctx context.Context, q string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, q string, args ...any) pgx.Row
	Query(ctx context.Context, q string, args ...any) (pgx.Rows, error)
}

type pgxQuerier struct{ c pgxConn }

var _ Querier = pgxQuerier{}

func (p pgxQuerier) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := p.c.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (p pgxQuerier) QueryRow(ctx context.Context, q string, args ...any) Row {
	return pgxRow{p.c.QueryRow(ctx, q, args...)}
}

func (p pgxQuerier) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	return p.c.Query(ctx, q, args...)
}

type pgxRow struct{ r pgx.Row }

func (r pgxRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
