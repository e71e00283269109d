// Package dbtest gives tests a fresh database: a SQLite file in the
// test's temporary directory, or a new PostgreSQL database on the server
// REVIEWBOT_TEST_POSTGRES_URL names (.ci/run installs and starts one and
// always sets it). Tests that need PostgreSQL skip, saying so, when it is
// unset.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresEnv names the PostgreSQL server tests may create databases on.
const PostgresEnv = "REVIEWBOT_TEST_POSTGRES_URL"

// SQLiteURL returns the URL of a new SQLite file.
func SQLiteURL(t testing.TB) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "reviewbot.db")
}

// PostgresURL creates a database for this test on the server of
// REVIEWBOT_TEST_POSTGRES_URL, drops it when the test ends, and returns
// its URL. Without the variable the test is skipped.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		t.Skip(PostgresEnv + " is not set: this test needs a PostgreSQL server (.ci/run installs one; locally, e.g. " +
			PostgresEnv + "=postgres://reviewbot:reviewbot@127.0.0.1:5432/postgres)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "rbtest_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Each runs f once per available dialect: SQLite always, PostgreSQL when
// REVIEWBOT_TEST_POSTGRES_URL is set.
func Each(t *testing.T, f func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) { f(t, SQLiteURL(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, PostgresURL(t)) })
}
