package webhook

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/reviewbot/reviewbot/store"
)

// The web side's cookies. Every one is HttpOnly, Secure when
// REVIEWBOT_PUBLIC_URL is https, and SameSite: Lax for the session and the
// setup state (the setup callback is a top-level navigation from GitHub,
// which a Strict cookie would not follow), Strict for the CSRF token,
// which only same-site forms need.
const (
	sessionCookie = "reviewbot_session"
	csrfCookie    = "reviewbot_csrf"
	stateCookie   = "reviewbot_setup_state"
	csrfField     = "csrf_token"
)

// sessionTTL is how long a dashboard login lasts.
const sessionTTL = 12 * time.Hour

// MinAdminToken is the shortest REVIEWBOT_ADMIN_TOKEN serve accepts: the
// token is the dashboard's only password, so it must not be guessable.
const MinAdminToken = 16

// adminAuth is the dashboard's authentication: the static admin token,
// presented as `Authorization: Bearer <token>` or through the login form,
// which opens a session stored in the database (so every replica knows
// it) and bound to the token (changing the token ends every session).
type adminAuth struct {
	tokenHash []byte // sha256 of REVIEWBOT_ADMIN_TOKEN; nil: no dashboard
	bound     string // what sessions are bound to: a hash of the token's hash
	db        *store.DB
	secure    bool
	now       func() time.Time
	failures  *failureLimit
}

func newAdminAuth(token string, db *store.DB, secure bool, now func() time.Time) *adminAuth {
	a := &adminAuth{db: db, secure: secure, now: now, failures: &failureLimit{max: 10, per: time.Minute}}
	if token != "" {
		h := sha256.Sum256([]byte(token))
		a.tokenHash = h[:]
		b := sha256.Sum256(append([]byte("reviewbot session binding\x00"), h[:]...))
		a.bound = hex.EncodeToString(b[:])
	}
	return a
}

// enabled reports whether an admin token is configured.
func (a *adminAuth) enabled() bool { return a.tokenHash != nil }

// tokenMatches compares a presented token with the admin token in
// constant time (both hashed first, so the length does not leak either).
func (a *adminAuth) tokenMatches(presented string) bool {
	if !a.enabled() || presented == "" {
		return false
	}
	h := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(h[:], a.tokenHash) == 1
}

// authenticated reports whether r carries the admin token or a live
// session.
func (a *adminAuth) authenticated(r *http.Request) bool {
	if !a.enabled() {
		return false
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		return strings.EqualFold(scheme, "Bearer") && a.tokenMatches(strings.TrimSpace(tok))
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	ok, err := store.WebTokenValid(ctx, a.db, hashToken(c.Value), store.TokenSession, a.bound, a.now())
	return err == nil && ok
}

// require serves h only to an authenticated request. Without an admin
// token the page does not exist (404, saying how to enable it); a browser
// without a session is sent to the login form; anything else gets 401.
func (a *adminAuth) require(ui *pages, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch {
		case !a.enabled():
			ui.message(w, http.StatusNotFound, "Dashboard disabled",
				"reviewbot is running, but its dashboard is off: set REVIEWBOT_ADMIN_TOKEN (at least 16 random characters, e.g. the output of `openssl rand -hex 32`) and restart serve to enable it.")
		case a.authenticated(r):
			h(w, r)
		case r.Method == http.MethodGet && r.Header.Get("Authorization") == "":
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		default:
			w.Header().Set("WWW-Authenticate", `Bearer realm="reviewbot"`)
			ui.message(w, http.StatusUnauthorized, "Not signed in", "This page needs REVIEWBOT_ADMIN_TOKEN: sign in at /login, or send it as Authorization: Bearer.")
		}
	}
}

// openSession records a new session and sets its cookie.
func (a *adminAuth) openSession(ctx context.Context, w http.ResponseWriter) error {
	id := randomToken()
	if err := store.AddWebToken(ctx, a.db, hashToken(id), store.TokenSession, a.bound, a.now().Add(sessionTTL)); err != nil {
		return err
	}
	store.PruneWebTokens(ctx, a.db, a.now())
	a.setCookie(w, sessionCookie, id, "/", sessionTTL, http.SameSiteLaxMode)
	return nil
}

// closeSession forgets the request's session and clears its cookie.
func (a *adminAuth) closeSession(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		store.DeleteWebToken(ctx, a.db, hashToken(c.Value))
	}
	a.setCookie(w, sessionCookie, "", "/", -1, http.SameSiteLaxMode)
}

// setCookie sets an HttpOnly cookie; maxAge < 0 deletes it.
func (a *adminAuth) setCookie(w http.ResponseWriter, name, value, path string, maxAge time.Duration, same http.SameSite) {
	c := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, Secure: a.secure, SameSite: same}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(w, c)
}

// csrfToken returns the request's CSRF token, setting the cookie that
// holds it when there is none yet (double-submit: a form is accepted only
// when its hidden field equals the cookie, which another site can neither
// read nor set).
func (a *adminAuth) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	tok := randomToken()
	a.setCookie(w, csrfCookie, tok, "/", 24*time.Hour, http.SameSiteStrictMode)
	return tok
}

// csrfOK checks a posted form's CSRF field against its cookie.
func (a *adminAuth) csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(csrfField))) == 1
}

// randomToken is 32 random bytes, base64url.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the database keeps of a web token.
func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// localPath keeps a post-login redirect on this site: a path, never
// "//host" or a URL.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// failureLimit slows down guessing: at most max failed logins per window,
// for the whole process.
type failureLimit struct {
	max   int
	per   time.Duration
	mu    sync.Mutex
	start time.Time
	n     int
}

// blocked reports whether the window's failures are used up.
func (f *failureLimit) blocked(now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Sub(f.start) > f.per {
		f.start, f.n = now, 0
	}
	return f.n >= f.max
}

func (f *failureLimit) fail(now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Sub(f.start) > f.per {
		f.start, f.n = now, 0
	}
	f.n++
}

// loginPage is GET /login.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if !s.auth.enabled() {
		s.ui.message(w, http.StatusNotFound, "No login", "reviewbot has no REVIEWBOT_ADMIN_TOKEN, so there is nothing to sign in to: set it (at least 16 random characters) and restart serve to enable the dashboard.")
		return
	}
	s.ui.render(w, http.StatusOK, "login", map[string]any{"CSRF": s.auth.csrfToken(w, r), "Next": localPath(r.URL.Query().Get("next"))})
}

// login is POST /login: the admin token in, a session cookie out.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.auth.enabled() {
		s.loginPage(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if !s.auth.csrfOK(r) {
		s.ui.message(w, http.StatusForbidden, "Form expired", "The form's CSRF token is missing or does not match this browser's: reload the login page and sign in again.")
		return
	}
	next := localPath(r.PostFormValue("next"))
	now := s.now()
	if s.auth.failures.blocked(now) {
		s.ui.message(w, http.StatusTooManyRequests, "Too many attempts", "Too many wrong tokens in the last minute; wait a minute and try again.")
		return
	}
	if !s.auth.tokenMatches(r.PostFormValue("token")) {
		s.auth.failures.fail(now)
		s.log.Warn("dashboard login refused: wrong admin token", "remote", r.RemoteAddr)
		s.ui.render(w, http.StatusUnauthorized, "login", map[string]any{"CSRF": s.auth.csrfToken(w, r), "Next": next,
			"Error": "That is not the admin token (REVIEWBOT_ADMIN_TOKEN)."})
		return
	}
	if err := s.auth.openSession(r.Context(), w); err != nil {
		s.log.Error("open a dashboard session", "err", err)
		s.ui.message(w, http.StatusServiceUnavailable, "Database unavailable", "The session could not be stored; try again.")
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout is POST /logout.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if !s.auth.csrfOK(r) {
		s.ui.message(w, http.StatusForbidden, "Form expired", "The form's CSRF token is missing or does not match; reload the page and try again.")
		return
	}
	s.auth.closeSession(r.Context(), w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
