package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/reviewbot/reviewbot/store"
)

// ServerConfig is what `reviewbot serve` runs from: the App's
// configuration (its credentials may be empty: then they come from the
// database, or setup mode registers them) and the web side's settings.
type ServerConfig struct {
	// App is the App's configuration. With Secret, AppID and PrivateKey
	// set (from the environment) they are used as they are; with all
	// three empty the App stored by an earlier setup is used, and without
	// one the server starts in setup mode.
	App Config
	// PublicURL is where GitHub and browsers reach this server
	// (REVIEWBOT_PUBLIC_URL, no trailing slash); setup mode needs it for
	// the manifest's webhook and callback URLs. An https URL makes every
	// cookie Secure.
	PublicURL string
	// GitHubURL is GitHub's web URL (REVIEWBOT_GITHUB_URL): where the
	// manifest form is posted and where links point.
	GitHubURL string
	// AdminToken guards the dashboard, and setup when set
	// (REVIEWBOT_ADMIN_TOKEN). Without it the dashboard is not served.
	AdminToken string
	// Sealer encrypts the stored App secrets (REVIEWBOT_ENCRYPTION_KEY);
	// nil stores them as they are.
	Sealer *store.Sealer
	// SetupPoll is how often a server in setup mode looks in the database
	// for an App that another replica's setup stored; 0 means 5 s.
	SetupPoll time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is everything `reviewbot serve` answers: the webhook, health and
// metrics of the App once one is configured, setup mode before that, the
// login and the dashboard. It switches from setup mode to a running App
// when the manifest flow completes, without a restart.
type Server struct {
	cfg  ServerConfig
	db   *store.DB
	log  *slog.Logger
	auth *adminAuth
	ui   *pages

	mu       sync.Mutex
	app      *App
	info     appInfo
	runCtx   context.Context // Start's, for an App configured later
	started  bool
	stopped  bool
	stopPoll chan struct{}
	polling  sync.WaitGroup
	// secrets are what no page may show (see pages.secrets).
	secrets [][]byte
}

// appInfo is what the pages show about the configured App (no secrets).
type appInfo struct {
	AppID   int64
	Slug    string
	Name    string
	Owner   string
	HTMLURL string
	// Source is "environment" or "database".
	Source string
	Sealed bool
}

// ErrNoPublicURL is returned for setup mode without REVIEWBOT_PUBLIC_URL.
var ErrNoPublicURL = errors.New("REVIEWBOT_PUBLIC_URL is not set")

// NewServer builds the server: the App from the environment's credentials
// or from the database's, else setup mode.
func NewServer(ctx context.Context, cfg ServerConfig) (*Server, error) {
	if cfg.App.DB == nil {
		return nil, errors.New("webhook: ServerConfig.App.DB is nil")
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	cfg.GitHubURL = strings.TrimRight(cfg.GitHubURL, "/")
	if cfg.GitHubURL == "" {
		cfg.GitHubURL = "https://github.com"
	}
	if cfg.SetupPoll <= 0 {
		cfg.SetupPoll = 5 * time.Second
	}
	log := cfg.App.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, db: cfg.App.DB, log: log}
	secure := strings.HasPrefix(cfg.PublicURL, "https://")
	s.auth = newAdminAuth(cfg.AdminToken, cfg.App.DB, secure, s.now)
	ui, err := newPages(cfg.GitHubURL)
	if err != nil {
		return nil, err
	}
	s.ui, ui.log = ui, log
	ui.secrets = s.pageSecrets
	s.addSecrets([]byte(cfg.AdminToken))

	if len(cfg.App.Secret) > 0 || cfg.App.AppID != 0 || len(cfg.App.PrivateKey) > 0 {
		app, err := New(cfg.App)
		if err != nil {
			return nil, err
		}
		s.app, s.info = app, appInfo{AppID: cfg.App.AppID, Source: "environment"}
		s.addSecrets(cfg.App.Secret, cfg.App.PrivateKey)
		return s, nil
	}
	creds, err := s.db.LoadApp(ctx, cfg.Sealer)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if cfg.PublicURL == "" {
			return nil, fmt.Errorf("%w: without App credentials serve starts in setup mode, which registers the App on GitHub and needs the URL GitHub and your browser reach this server at, e.g. REVIEWBOT_PUBLIC_URL=https://reviewbot.example.com (or set REVIEWBOT_APP_ID, REVIEWBOT_PRIVATE_KEY and REVIEWBOT_WEBHOOK_SECRET of an App you registered yourself)", ErrNoPublicURL)
		}
		if _, err := url.ParseRequestURI(cfg.PublicURL); err != nil || !strings.HasPrefix(cfg.PublicURL, "http") {
			return nil, fmt.Errorf("REVIEWBOT_PUBLIC_URL=%q is not an http(s) URL", cfg.PublicURL)
		}
		return s, nil
	case err != nil:
		return nil, err
	}
	if err := s.useStored(ctx, creds); err != nil {
		return nil, err
	}
	return s, nil
}

// useStored builds the App from stored credentials and seals them if a key
// is configured and they are not sealed yet.
func (s *Server) useStored(ctx context.Context, creds store.AppCredentials) error {
	app, err := s.buildApp(creds)
	if err != nil {
		return err
	}
	if s.cfg.Sealer != nil && !creds.Sealed {
		if err := s.db.SealApp(ctx, creds, s.cfg.Sealer); err != nil {
			s.log.Warn("could not encrypt the stored App credentials with REVIEWBOT_ENCRYPTION_KEY", "err", err)
		} else {
			creds.Sealed = true
			s.log.Info("the stored App credentials are now encrypted", "key_id", s.cfg.Sealer.KeyID())
		}
	}
	s.app, s.info = app, infoOf(creds)
	s.addSecrets(creds.WebhookSecret, creds.PrivateKey, creds.ClientSecret)
	return nil
}

func infoOf(c store.AppCredentials) appInfo {
	return appInfo{AppID: c.AppID, Slug: c.Slug, Name: c.Name, Owner: c.Owner, HTMLURL: c.HTMLURL, Source: "database", Sealed: c.Sealed}
}

// buildApp is New with the stored App's credentials.
func (s *Server) buildApp(c store.AppCredentials) (*App, error) {
	cfg := s.cfg.App
	cfg.AppID, cfg.PrivateKey, cfg.Secret = c.AppID, c.PrivateKey, c.WebhookSecret
	if cfg.AppSlug == "" {
		// The manifest flow learned the App's slug: comments may address
		// it as @<slug>, and its own comments are by <slug>[bot].
		cfg.AppSlug = c.Slug
	}
	return New(cfg)
}

// Configured reports whether the server runs an App (false: setup mode).
func (s *Server) Configured() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.app != nil
}

// current returns the running App, nil in setup mode.
func (s *Server) current() (*App, appInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.app, s.info
}

// Start starts the App's workers, or in setup mode a watch of the
// database for an App stored by another replica. ctx must outlive the
// HTTP server (see App.Start).
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runCtx, s.started = ctx, true
	if s.app != nil {
		return s.app.Start(ctx)
	}
	s.log.Info("setup mode: no GitHub App is configured yet; open the setup page to register one",
		"url", s.cfg.PublicURL+"/", "setup_needs_login", s.auth.enabled())
	if !s.auth.enabled() {
		s.log.Warn("REVIEWBOT_ADMIN_TOKEN is not set: anyone who reaches the setup page before you can register their own App here; set it to require a login for setup, and for the dashboard afterwards")
	}
	s.stopPoll = make(chan struct{})
	s.polling.Add(1)
	go s.watch(ctx, s.stopPoll)
	return nil
}

// watch polls the database until an App is stored (by this server's
// callback or another replica's) and switches to it.
func (s *Server) watch(ctx context.Context, stop <-chan struct{}) {
	defer s.polling.Done()
	t := time.NewTicker(s.cfg.SetupPoll)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.Configured() {
			return
		}
		creds, err := s.db.LoadApp(ctx, s.cfg.Sealer)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			s.log.Error("read the stored App", "err", err)
			continue
		}
		if err := s.activate(creds); err != nil {
			s.log.Error("switch to the stored App", "err", err)
			continue
		}
		return
	}
}

// activate switches a server in setup mode to the App of creds and starts
// its workers if the server runs.
func (s *Server) activate(creds store.AppCredentials) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app != nil {
		return nil
	}
	app, err := s.buildApp(creds)
	if err != nil {
		return err
	}
	if s.started && !s.stopped {
		if err := app.Start(s.runCtx); err != nil {
			return err
		}
	}
	s.app, s.info = app, infoOf(creds)
	s.addSecretsLocked(creds.WebhookSecret, creds.PrivateKey, creds.ClientSecret)
	s.log.Info("GitHub App configured; serving its webhook", "app_id", creds.AppID, "slug", creds.Slug, "owner", creds.Owner, "encrypted", creds.Sealed)
	return nil
}

// Stop stops the App (see App.Stop) or the setup watch.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	s.stopped = true
	app := s.app
	if s.stopPoll != nil {
		close(s.stopPoll)
		s.stopPoll = nil
	}
	s.mu.Unlock()
	s.polling.Wait()
	if app != nil && s.started {
		return app.Stop(ctx)
	}
	return nil
}

// addSecrets adds values no page may show. A PEM key is added whole and
// by each line of its body, so that a page holding part of it is caught
// too.
func (s *Server) addSecrets(vs ...[]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addSecretsLocked(vs...)
}

func (s *Server) addSecretsLocked(vs ...[]byte) {
	for _, v := range vs {
		if len(v) == 0 {
			continue
		}
		s.secrets = append(s.secrets, v)
		if bytes.Contains(v, []byte("-----BEGIN")) {
			for _, line := range bytes.Split(v, []byte("\n")) {
				if line = bytes.TrimSpace(line); len(line) >= 32 && !bytes.HasPrefix(line, []byte("-----")) {
					s.secrets = append(s.secrets, line)
				}
			}
		}
	}
}

func (s *Server) pageSecrets() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.secrets
}

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// Handler serves every route:
//
//	POST /webhook          the App's webhook (503 in setup mode)
//	GET  /healthz          200 while the database answers
//	GET  /metrics          Prometheus metrics (503 in setup mode)
//	GET  /                 setup page, or the dashboard (login required)
//	POST /setup            the manifest form for GitHub (setup mode)
//	GET  /setup/callback   GitHub's redirect with the manifest code
//	GET  /reviews          recent reviews and failures (login required)
//	GET, POST /login, POST /logout
//	GET  /static/...       the pages' stylesheet
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/webhook", func(w http.ResponseWriter, r *http.Request) {
		app, _ := s.current()
		if app == nil {
			http.Error(w, "reviewbot is in setup mode: no GitHub App is configured yet, so no delivery can be verified; finish setup at "+s.cfg.PublicURL+"/", http.StatusServiceUnavailable)
			return
		}
		app.handler.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.db.Ping(ctx); err != nil {
			http.Error(w, "database unreachable: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		app, _ := s.current()
		if app == nil {
			http.Error(w, "reviewbot is in setup mode: no metrics until a GitHub App is configured", http.StatusServiceUnavailable)
			return
		}
		app.metrics.Handler().ServeHTTP(w, r)
	})
	mux.Handle("GET /static/", s.ui.static())
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("POST /setup", s.setupStart)
	mux.HandleFunc("GET /setup/callback", s.setupCallback)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /reviews", s.auth.require(s.ui, s.reviewsPage))

	// Forms are also refused when the browser says they come from another
	// origin (Sec-Fetch-Site, Origin), beside each form's CSRF token.
	cop := http.NewCrossOriginProtection()
	if s.cfg.PublicURL != "" {
		if u, err := url.Parse(s.cfg.PublicURL); err == nil {
			cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
		}
	}
	cop.AddInsecureBypassPattern("POST /webhook") // GitHub's deliveries, signed
	return securityHeaders(cop.Handler(mux), s.cfg.GitHubURL)
}

// home is GET /: the setup page in setup mode, else the dashboard.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if !s.Configured() {
		s.setupPage(w, r)
		return
	}
	s.auth.require(s.ui, s.overviewPage)(w, r)
}

// securityHeaders sets the headers every page carries: no framing, no
// referrer (URLs may hold a setup code), only this origin's resources,
// and forms posted only here or to GitHub (the manifest form).
func securityHeaders(next http.Handler, githubURL string) http.Handler {
	formTo := "'self'"
	if u, err := url.Parse(githubURL); err == nil && u.Host != "" {
		formTo += " " + u.Scheme + "://" + u.Host
	}
	csp := "default-src 'self'; img-src 'self' data:; form-action " + formTo + "; frame-ancestors 'none'; base-uri 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}
