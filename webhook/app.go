package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/riverqueue/river"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/store"
	"github.com/reviewbot/reviewbot/tiers"
)

// Config is what the App is built from; cmd/reviewbot fills it from the
// environment (SPEC section 2).
type Config struct {
	DB *store.DB
	// Secret is the webhook secret; the App refuses to start without one.
	Secret     []byte
	AppID      int64
	PrivateKey []byte
	APIURL     string // "" means gh.DefaultAPIURL
	Models     tiers.Config
	// Model replaces the engine built from Models (tests).
	Model       review.Model
	DefaultPlan store.Plan
	FreeQuota   int64
	// Workers is how many reviews run at once in this process.
	Workers    int
	JobTimeout time.Duration
	// WriteGap is the least time between two content-creating requests of
	// one installation; 0 means GitHub's one second.
	WriteGap time.Duration
	// CacheDir holds the tarball cache.
	CacheDir string
	// Base is the transport under GitHub's authentication; nil means
	// http.DefaultTransport.
	Base     http.RoundTripper
	Commands Commands
	// AppSlug is the App's URL name (github.com/apps/<slug>): comments
	// may address it as @<slug>, and what it posts is by <slug>[bot].
	AppSlug string
	Logger  *slog.Logger
}

// botLogin is the login an App with this slug posts as.
func botLogin(slug string) string {
	if slug == "" {
		return ""
	}
	return slug + "[bot]"
}

// App is the GitHub App server: the webhook handler, the queue and its
// workers.
type App struct {
	cfg     Config
	db      *store.DB
	queue   jobQueue
	metrics *Metrics
	handler *Handler
	log     *slog.Logger
}

// New builds the App over a migrated database.
func New(cfg Config) (*App, error) {
	if len(cfg.Secret) == 0 {
		return nil, fmt.Errorf("%w: GitHub signs every delivery with the App's webhook secret, and serve does not accept unsigned ones; set it to the secret in the App's settings", errNoSecret)
	}
	if cfg.AppID == 0 || len(cfg.PrivateKey) == 0 {
		return nil, errors.New("REVIEWBOT_APP_ID and REVIEWBOT_PRIVATE_KEY (or REVIEWBOT_PRIVATE_KEY_FILE) must be set: they are on the App's settings page")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = gh.DefaultAPIURL
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 15 * time.Minute
	}
	if cfg.DefaultPlan == "" {
		cfg.DefaultPlan = store.Free
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &App{cfg: cfg, db: cfg.DB, log: log}

	gate := store.NewWriteGate(cfg.DB, orGap(cfg.WriteGap))
	ghApp := &GitHubApp{APIURL: cfg.APIURL, AppID: cfg.AppID, PrivateKey: cfg.PrivateKey, Base: cfg.Base, Gate: gate, WriteGap: cfg.WriteGap, Logger: log}
	model := cfg.Model
	if model == nil {
		model = &sharedModel{models: cfg.Models}
	}
	cacheDir := cfg.CacheDir
	if cacheDir == "" {
		cacheDir = filepath.Join(".", "reviewbot-cache")
	}
	reviewer := &Reviewer{DB: cfg.DB, GitHub: ghApp, Model: model, Models: cfg.Models, DefaultPlan: cfg.DefaultPlan,
		FreeQuota: cfg.FreeQuota, Bot: botLogin(cfg.AppSlug), Logger: log,
		Tarballs: &codebase.TarballCache{Dir: filepath.Join(cacheDir, "tarballs"), BaseURL: cfg.APIURL, Client: &http.Client{Transport: ghApp.TarballTransport()}}}
	workers := river.NewWorkers()
	river.AddWorker(workers, reviewer)
	river.AddWorker(workers, &Commander{DB: cfg.DB, GitHub: ghApp, Model: model, Models: cfg.Models, Tarballs: reviewer.Tarballs,
		DefaultPlan: cfg.DefaultPlan, Slug: cfg.AppSlug, Bot: botLogin(cfg.AppSlug), Logger: log})
	river.AddWorker(workers, &pruneWorker{db: cfg.DB})
	poll := time.Second
	q, err := newQueue(cfg.DB, queueConfig{
		workers: workers, concurrency: cfg.Workers, jobTimeout: cfg.JobTimeout, logger: riverLogger(log), pollInterval: poll,
		periodic: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})},
	})
	if err != nil {
		return nil, err
	}
	a.queue = q
	a.metrics = NewMetrics(cfg.DB, q, log)
	ghApp.Metrics, reviewer.Metrics = a.metrics, a.metrics
	a.handler = &Handler{Secret: cfg.Secret, Queue: q, Metrics: a.metrics, Logger: log, Events: map[string]EventHandler{
		"pull_request":                PullRequests{},
		"issue_comment":               Comments{Commands: cfg.Commands},
		"pull_request_review_comment": Comments{Commands: cfg.Commands},
		"installation":                Installations{},
		"installation_repositories":   Installations{},
		"marketplace_purchase":        Marketplace{},
		"ping":                        Ping{},
	}}
	return a, nil
}

func orGap(d time.Duration) time.Duration {
	if d <= 0 {
		return gh.DefaultWriteGap
	}
	return d
}

// riverLogger keeps River's own chatter at warnings and above.
func riverLogger(log *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{log.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (l levelFilter) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.min && l.Handler.Enabled(ctx, lv)
}

func (l levelFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return levelFilter{l.Handler.WithAttrs(as), l.min}
}

func (l levelFilter) WithGroup(g string) slog.Handler {
	return levelFilter{l.Handler.WithGroup(g), l.min}
}

// Handler serves POST /webhook, GET /healthz and GET /metrics.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/webhook", a.handler)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.db.Ping(ctx); err != nil {
			http.Error(w, "database unreachable: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", a.metrics.Handler())
	return mux
}

// Start rescues jobs a crashed process left running (SQLite) and starts
// the workers.
func (a *App) Start(ctx context.Context) error {
	n, err := rescueOrphans(ctx, a.db)
	if err != nil {
		return fmt.Errorf("rescue interrupted jobs: %w", err)
	}
	if n > 0 {
		a.log.Warn("jobs interrupted by the last shutdown run again", "jobs", n)
	}
	if err := a.queue.start(ctx); err != nil {
		return fmt.Errorf("start the workers: %w", err)
	}
	return nil
}

// Stop lets running reviews finish until ctx is done, then cancels them;
// River hands a cancelled review back to the queue, so another replica
// or the next start runs it again.
func (a *App) Stop(ctx context.Context) error {
	err := a.queue.stop(ctx)
	if err == nil {
		return nil
	}
	a.log.Warn("reviews still running at the shutdown deadline are cancelled and handed back", "err", err)
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return a.queue.stopAndCancel(cctx)
}

// Metrics returns the App's metrics.
func (a *App) Metrics() *Metrics { return a.metrics }
