package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/store"
	"github.com/reviewbot/reviewbot/tiers"
	"github.com/reviewbot/reviewbot/webhook"
)

const serveUsage = `reviewbot serve: the GitHub App server

Listens for GitHub's webhook deliveries at POST /webhook, answers at once
after queueing the work durably, and reviews pull requests from the queue.
GET /healthz answers 200 while the database is reachable; GET /metrics
serves Prometheus metrics.

Without App credentials and without a webhook secret, serve starts in setup
mode: open REVIEWBOT_PUBLIC_URL in a browser and GitHub's App manifest flow
registers the App and hands its credentials to serve, which stores them in
the database and starts serving the App, without a restart. Once an App is
configured, GET / is the status dashboard (sign in with
REVIEWBOT_ADMIN_TOKEN; without it the dashboard is off).

Environment:
  REVIEWBOT_APP_ID                App ID (the App's settings page)
  REVIEWBOT_PRIVATE_KEY           App private key, PEM text, or
  REVIEWBOT_PRIVATE_KEY_FILE      a path to it
  REVIEWBOT_WEBHOOK_SECRET        webhook secret; with App credentials, serve
                                  refuses to start without it; with none of
                                  the four, serve uses the App stored by setup
                                  mode, or starts in setup mode
  REVIEWBOT_PUBLIC_URL            the URL GitHub and browsers reach serve at
                                  (needed by setup mode; https makes cookies Secure)
  REVIEWBOT_GITHUB_URL            GitHub's web URL (default https://github.com;
                                  an Enterprise Server's own URL)
  REVIEWBOT_ADMIN_TOKEN           the dashboard's sign-in token (at least 16
                                  characters); also required for setup when set
  REVIEWBOT_ENCRYPTION_KEY        32 random bytes, base64 or hex (openssl rand
                                  -base64 32): encrypts the App secrets setup
                                  mode stores; optional, keep it with the rest
  REVIEWBOT_LISTEN                listen address (default :8080)
  REVIEWBOT_DATABASE_URL          sqlite://./reviewbot.db (default) or postgres://...
                                  (several serve replicas share one PostgreSQL)
  REVIEWBOT_GITHUB_API_URL        REST base URL (default https://api.github.com/, or
                                  REVIEWBOT_GITHUB_URL/api/v3/ when that names an
                                  Enterprise Server)
  REVIEWBOT_DEFAULT_PLAN          free (default) or team, for installations
                                  without a recorded plan (see reviewbot plan)
  REVIEWBOT_FREE_QUOTA            reviews per installation per month on the free
                                  plan (default 100; 0 means no limit)
  REVIEWBOT_WORKERS               reviews run at once by this process (default 4)
  REVIEWBOT_JOB_TIMEOUT           longest one review may run (default 15m)
  REVIEWBOT_SHUTDOWN_TIMEOUT      how long a shutdown waits for running reviews
                                  before handing them back to the queue (default 30s)
  REVIEWBOT_CACHE_DIR             tarball cache (default ./reviewbot-cache)
  REVIEWBOT_APP_SLUG              the App's URL name, so comments may address it
                                  as @<slug> (/commands work without it)
  REVIEWBOT_PROVIDER, REVIEWBOT_CHEAP_MODEL, REVIEWBOT_PREMIUM_MODEL, AWS_*
                                  the model configuration, as for reviewbot review
`

// serveEnv is serve's configuration, read from the environment.
type serveEnv struct {
	listen, dbURL, apiURL string
	secret, key           []byte
	appID                 int64
	// setup is true when none of the App's credentials is set: the App
	// comes from the database, or setup mode registers it.
	setup                bool
	publicURL, githubURL string
	adminToken           string
	sealer               *store.Sealer
	defaultPlan          store.Plan
	quota                int64
	workers              int
	jobTimeout, shutdown time.Duration
	cacheDir             string
}

func readServeEnv(getenv func(string) string) (serveEnv, error) {
	e := serveEnv{listen: or(getenv("REVIEWBOT_LISTEN"), ":8080"), dbURL: or(getenv("REVIEWBOT_DATABASE_URL"), store.DefaultURL),
		apiURL: or(getenv("REVIEWBOT_GITHUB_API_URL"), gh.DefaultAPIURL), cacheDir: or(getenv("REVIEWBOT_CACHE_DIR"), "reviewbot-cache")}
	var err error
	if err = readWeb(getenv, &e); err != nil {
		return e, err
	}
	e.secret = []byte(getenv("REVIEWBOT_WEBHOOK_SECRET"))
	id := strings.TrimSpace(getenv("REVIEWBOT_APP_ID"))
	keySet := getenv("REVIEWBOT_PRIVATE_KEY") != "" || getenv("REVIEWBOT_PRIVATE_KEY_FILE") != ""
	switch {
	case len(e.secret) == 0 && id == "" && !keySet:
		// Setup mode, or the App an earlier setup stored.
		e.setup = true
	case len(e.secret) == 0:
		return e, usagef("REVIEWBOT_WEBHOOK_SECRET is not set: serve does not accept unsigned webhook deliveries; set it to the webhook secret of the App's settings page (or unset REVIEWBOT_APP_ID and the private key to register an App in setup mode)")
	}
	if !e.setup {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return e, usagef("REVIEWBOT_APP_ID=%q is not an App ID: set it to the number on the App's settings page", id)
		}
		e.appID = n
		e.key = []byte(getenv("REVIEWBOT_PRIVATE_KEY"))
		if path := getenv("REVIEWBOT_PRIVATE_KEY_FILE"); len(e.key) == 0 && path != "" {
			if e.key, err = os.ReadFile(path); err != nil {
				return e, usagef("REVIEWBOT_PRIVATE_KEY_FILE: %v", err)
			}
		}
		if k := string(e.key); !strings.Contains(k, "\n") && strings.Contains(k, `\n`) {
			// An env file holds one line: accept the PEM with its newlines
			// written as \n.
			e.key = []byte(strings.ReplaceAll(k, `\n`, "\n"))
		}
		if len(e.key) == 0 {
			return e, usagef("no App private key: set REVIEWBOT_PRIVATE_KEY to the PEM text or REVIEWBOT_PRIVATE_KEY_FILE to its path (generate one on the App's settings page)")
		}
	}
	if e.defaultPlan, err = store.ParsePlan(or(getenv("REVIEWBOT_DEFAULT_PLAN"), "free")); err != nil {
		return e, usagef("REVIEWBOT_DEFAULT_PLAN: %v", err)
	}
	if e.quota, err = envInt(getenv, "REVIEWBOT_FREE_QUOTA", 100); err != nil {
		return e, err
	}
	w, err := envInt(getenv, "REVIEWBOT_WORKERS", 4)
	if err != nil {
		return e, err
	}
	e.workers = int(max(w, 1))
	if e.jobTimeout, err = envDuration(getenv, "REVIEWBOT_JOB_TIMEOUT", 15*time.Minute); err != nil {
		return e, err
	}
	if e.shutdown, err = envDuration(getenv, "REVIEWBOT_SHUTDOWN_TIMEOUT", 30*time.Second); err != nil {
		return e, err
	}
	return e, nil
}

// runServe is `reviewbot serve`: it runs until ctx is cancelled (SIGINT,
// SIGTERM), then stops accepting deliveries, lets running reviews finish
// within REVIEWBOT_SHUTDOWN_TIMEOUT and hands the rest back to the queue.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if helpAsked(args) {
		fmt.Fprint(stdout, serveUsage)
		return nil
	}
	if len(args) > 0 {
		return usagef("reviewbot serve takes no arguments, only environment variables (reviewbot serve --help lists them)")
	}
	env, err := readServeEnv(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	db, err := store.Open(ctx, env.dbURL, env.workers*2+10)
	if err != nil {
		return usagef("REVIEWBOT_DATABASE_URL: %v", err)
	}
	defer db.Close()
	if db.Dialect == store.SQLite {
		unlock, err := lockFile(db.Path + ".lock")
		if err != nil {
			return usagef("%s is in use by another reviewbot serve (%v): one SQLite database serves one process; for several replicas use PostgreSQL", db.Path, err)
		}
		defer unlock()
	}
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate the database: %w", err)
	}
	models := tiers.ConfigFromEnv(getenv)
	models.Logger = log
	if err := tiers.CredentialsAvailable(ctx, models); err != nil {
		log.Warn("no model credentials: reviews will fail until they are configured", "err", err)
	}
	app, err := webhook.NewServer(ctx, webhook.ServerConfig{
		App: webhook.Config{DB: db, Secret: env.secret, AppID: env.appID, PrivateKey: env.key, APIURL: env.apiURL,
			Models: models, DefaultPlan: env.defaultPlan, FreeQuota: env.quota, Workers: env.workers, JobTimeout: env.jobTimeout,
			CacheDir: env.cacheDir, Commands: webhook.SlashCommands{}, AppSlug: getenv("REVIEWBOT_APP_SLUG"), Logger: log},
		PublicURL: env.publicURL, GitHubURL: env.githubURL, AdminToken: env.adminToken, Sealer: env.sealer,
	})
	if err != nil {
		return usagef("%v", err)
	}
	if !env.setup && env.adminToken == "" {
		log.Info("the dashboard is off: set REVIEWBOT_ADMIN_TOKEN to enable it at GET /")
	} else if env.setup && app.Configured() && env.adminToken == "" {
		log.Info("running the GitHub App stored by setup; the dashboard is off: set REVIEWBOT_ADMIN_TOKEN to enable it at GET /")
	}
	ln, err := net.Listen("tcp", env.listen)
	if err != nil {
		return usagef("REVIEWBOT_LISTEN=%s: %v", env.listen, err)
	}
	// The workers' context is not the signal's: River stops hard (every
	// running review cancelled) when Start's context ends, and a SIGTERM
	// should first let running reviews finish (app.Stop below).
	if err := app.Start(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute, WriteTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "database", string(db.Dialect), "workers", env.workers, "api", env.apiURL, "setup_mode", !app.Configured())

	select {
	case <-ctx.Done():
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	}
	log.Info("shutting down: no new deliveries; running reviews get until the deadline", "timeout", env.shutdown)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), env.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if err := app.Stop(sctx); err != nil {
		log.Warn("queue shutdown", "err", err)
	}
	log.Info("stopped")
	return nil
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

func envInt(getenv func(string) string, name string, def int64) (int64, error) {
	s := strings.TrimSpace(getenv(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, usagef("%s=%q: want a whole number", name, s)
	}
	return n, nil
}

func envDuration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	s := strings.TrimSpace(getenv(name))
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, usagef("%s=%q: want a duration such as 30s or 15m", name, s)
	}
	return d, nil
}

// readWeb reads the web side's settings: public URL, GitHub's web URL
// (and from it the REST URL of an Enterprise Server), admin token and
// encryption key.
func readWeb(getenv func(string) string, e *serveEnv) error {
	e.publicURL = strings.TrimRight(strings.TrimSpace(getenv("REVIEWBOT_PUBLIC_URL")), "/")
	if e.publicURL != "" {
		u, err := url.Parse(e.publicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return usagef("REVIEWBOT_PUBLIC_URL=%q is not an http(s) URL: set it to the address GitHub and your browser reach serve at, e.g. https://reviewbot.example.com", e.publicURL)
		}
	}
	e.githubURL = strings.TrimRight(or(getenv("REVIEWBOT_GITHUB_URL"), "https://github.com"), "/")
	u, err := url.Parse(e.githubURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usagef("REVIEWBOT_GITHUB_URL=%q is not an http(s) URL: https://github.com, or your Enterprise Server's address", e.githubURL)
	}
	if strings.TrimSpace(getenv("REVIEWBOT_GITHUB_API_URL")) == "" && u.Host != "github.com" {
		// An Enterprise Server serves its REST API under /api/v3/.
		e.apiURL = e.githubURL + "/api/v3/"
	}
	e.adminToken = getenv("REVIEWBOT_ADMIN_TOKEN")
	if n := len(e.adminToken); n > 0 && n < webhook.MinAdminToken {
		return usagef("REVIEWBOT_ADMIN_TOKEN is %d characters: use at least %d random ones, e.g. the output of `openssl rand -hex 32`", n, webhook.MinAdminToken)
	}
	if e.sealer, err = store.NewSealer(getenv("REVIEWBOT_ENCRYPTION_KEY")); err != nil {
		return usagef("%v", err)
	}
	return nil
}
