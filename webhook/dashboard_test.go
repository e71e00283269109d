package webhook

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/store"
)

const dashSecret = "dashboard-webhook-secret-7f3a9c"

// dashEnv is a configured server (credentials from the environment)
// behind an https public URL, driven through httptest recorders so the
// cookies' attributes can be read as sent.
type dashEnv struct {
	t   *testing.T
	db  *store.DB
	srv *Server
	h   http.Handler
	pem string
}

func newDashEnv(t *testing.T, dbURL, adminToken string) *dashEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL, 16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	key := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	srv, err := NewServer(ctx, ServerConfig{
		App:       Config{DB: db, Secret: []byte(dashSecret), AppID: 77, PrivateKey: []byte(key), CacheDir: t.TempDir(), FreeQuota: 3},
		PublicURL: "https://reviewbot.example.com", AdminToken: adminToken,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &dashEnv{t: t, db: db, srv: srv, h: srv.Handler(), pem: key}
}

// request serves one request with the given cookies and headers.
func (d *dashEnv) request(method, target string, form url.Values, cookies []*http.Cookie, header map[string]string) *httptest.ResponseRecorder {
	d.t.Helper()
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, r)
	return w
}

func cookieNamed(t *testing.T, w *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", name, w.Header()["Set-Cookie"])
	return nil
}

// seed gives the dashboard something to show: two installations, a plan,
// usage this month and last, a posted review and two failed ones.
func (d *dashEnv) seed() {
	d.t.Helper()
	ctx := context.Background()
	now := time.Now()
	must := func(err error) {
		d.t.Helper()
		if err != nil {
			d.t.Fatal(err)
		}
	}
	must(store.UpsertInstallation(ctx, d.db, store.Installation{ID: 11, AccountID: 5, AccountLogin: "acme", AccountType: "Organization"}))
	must(store.UpsertInstallation(ctx, d.db, store.Installation{ID: 12, AccountID: 6, AccountLogin: "octocat", AccountType: "User"}))
	must(store.AddPlanChange(ctx, d.db, store.PlanChange{InstallationID: 11, Plan: store.Team, Effective: now.Add(-time.Hour), Source: store.SourceCLI}))
	must(store.AddUsage(ctx, d.db, store.Usage{InstallationID: 11, Month: store.Month(now), Reviews: 2, InputTokens: 12345, OutputTokens: 678, CostUSD: 0.4242}))
	must(store.AddUsage(ctx, d.db, store.Usage{InstallationID: 12, Month: store.Month(now), Reviews: 3, InputTokens: 900, OutputTokens: 90, CostUSD: 0.0012}))
	must(store.AddUsage(ctx, d.db, store.Usage{InstallationID: 12, Month: store.Month(now.AddDate(0, -1, 0)), Reviews: 1, CostUSD: 0.0004}))
	must(store.RecordReview(ctx, d.db, store.ReviewRecord{InstallationID: 11, Repo: "acme/api", Number: 7, HeadSHA: "abcdef1234567890", Attempt: 1,
		Trigger: "opened", Outcome: "posted", Plan: "team", Tier: "team", Started: now.Add(-time.Minute), Duration: 2345 * time.Millisecond,
		InputTokens: 12345, OutputTokens: 678, CostUSD: 0.4242}))
	// Errors as they might come back from GitHub or a download: a token
	// and a signed URL that must not reach the page.
	must(store.RecordReview(ctx, d.db, store.ReviewRecord{InstallationID: 12, Repo: "octocat/tool", Number: 3, HeadSHA: "1234567890abcdef", Attempt: 2,
		Outcome: "retry", Plan: "free", Started: now.Add(-30 * time.Second), Duration: time.Second,
		Error: "GET https://codeload.example.com/octocat/tool/tar.gz/1234567?token=ABCSIGNEDTOKEN: 502; Authorization: token ghs_16C7e42F292c6912E7710c838347Ae178B4a"}))
	must(store.RecordReview(ctx, d.db, store.ReviewRecord{InstallationID: 12, Repo: "octocat/tool", Number: 4, HeadSHA: "feedfacefeedface", Attempt: 1,
		Outcome: "failed", Plan: "free", Started: now.Add(-20 * time.Second), Error: "model configuration error: no AWS region for Bedrock"}))
}

func TestDashboardNeedsAuthentication(t *testing.T) {
	d := newDashEnv(t, dbtest.SQLiteURL(t), testAdminToken)
	d.seed()
	for _, path := range []string{"/", "/reviews", "/reviews?failed=1"} {
		w := d.request("GET", path, nil, nil, nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next="+url.QueryEscape(path) {
			t.Errorf("GET %s without a session: %d to %q, want 303 to the login", path, w.Code, w.Header().Get("Location"))
		}
		if strings.Contains(w.Body.String(), "acme") {
			t.Errorf("GET %s without a session shows the dashboard", path)
		}
		for _, bad := range []string{"Bearer wrong-token-wrong-token", "Bearer " + testAdminToken + "x", "Basic " + testAdminToken, "Bearer"} {
			w := d.request("GET", path, nil, nil, map[string]string{"Authorization": bad})
			if w.Code != http.StatusUnauthorized || !strings.Contains(w.Header().Get("WWW-Authenticate"), "Bearer") || strings.Contains(w.Body.String(), "acme") {
				t.Errorf("GET %s with %q: %d, want 401", path, bad, w.Code)
			}
		}
	}
	// A session cookie that was never issued is no session.
	if w := d.request("GET", "/", nil, []*http.Cookie{{Name: sessionCookie, Value: randomToken()}}, nil); w.Code != http.StatusSeeOther {
		t.Errorf("made-up session: %d", w.Code)
	}
}

func TestDashboardWithBearerTokenShowsTheState(t *testing.T) {
	d := newDashEnv(t, dbtest.SQLiteURL(t), testAdminToken)
	d.seed()
	auth := map[string]string{"Authorization": "Bearer " + testAdminToken}
	now := time.Now().UTC()
	w := d.request("GET", "/", nil, nil, auth)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("overview: %d\n%s", w.Code, body)
	}
	for _, want := range []string{"acme", "octocat", "Plan <strong>team</strong>", "Plan <strong>free</strong>", "App ID 77",
		"<svg class=\"chart\"", "quota 3", "$0.42", "12,345", "reviews 3 of 3", `y="130" dy="-17" class="label">` + now.Format("Jan 06") + "<", "class=\"bar over\"", "no AWS region for Bedrock", "waiting"} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	w = d.request("GET", "/reviews", nil, nil, auth)
	body = w.Body.String()
	for _, want := range []string{"acme/api#7", "/acme/api/pull/7", "posted", "team / team", "2.345s", "12,345 / 678", "$0.4242", "retry", "attempt 2", "[redacted]"} {
		if !strings.Contains(body, want) {
			t.Errorf("reviews lack %q", want)
		}
	}
	for _, leak := range []string{"ABCSIGNEDTOKEN", "ghs_16C7e42F292c6912E7710c838347Ae178B4a"} {
		if strings.Contains(body, leak) {
			t.Errorf("reviews show %q", leak)
		}
	}
	w = d.request("GET", "/reviews?failed=1", nil, nil, auth)
	if body := w.Body.String(); strings.Contains(body, "acme/api#7") || !strings.Contains(body, "octocat/tool#4") {
		t.Errorf("failures page lists the wrong reviews")
	}
	for _, p := range []string{"/", "/reviews", "/reviews?failed=1", "/login"} {
		w := d.request("GET", p, nil, nil, auth)
		assertNoSecrets(t, w.Body.String(), testAdminToken, dashSecret, d.pem)
		h := w.Header()
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers %v", p, h)
		}
	}
	if w := d.request("GET", "/static/style.css", nil, nil, nil); w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
}

func TestDashboardLoginSessionCookies(t *testing.T) {
	d := newDashEnv(t, dbtest.SQLiteURL(t), testAdminToken)
	login := d.request("GET", "/login", nil, nil, nil)
	csrf := cookieNamed(t, login, csrfCookie)
	if !csrf.HttpOnly || !csrf.Secure || csrf.SameSite != http.SameSiteStrictMode {
		t.Errorf("CSRF cookie %+v: want HttpOnly, Secure, SameSite=Strict", csrf)
	}
	if !strings.Contains(login.Body.String(), csrf.Value) {
		t.Fatal("the login form does not carry the CSRF token")
	}
	form := url.Values{"token": {testAdminToken}, csrfField: {csrf.Value}, "next": {"/reviews"}}
	// Without the cookie the field alone is not enough.
	if w := d.request("POST", "/login", form, nil, nil); w.Code != http.StatusForbidden {
		t.Errorf("login without the CSRF cookie: %d", w.Code)
	}
	w := d.request("POST", "/login", form, []*http.Cookie{csrf}, nil)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/reviews" {
		t.Fatalf("login: %d to %q\n%s", w.Code, w.Header().Get("Location"), w.Body)
	}
	session := cookieNamed(t, w, sessionCookie)
	if !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.MaxAge <= 0 {
		t.Errorf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax, Path=/", session)
	}
	if strings.Contains(session.Value, testAdminToken) {
		t.Error("the session cookie holds the admin token")
	}
	if w := d.request("GET", "/", nil, []*http.Cookie{session}, nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Sign out") {
		t.Fatalf("with the session: %d", w.Code)
	}
	// Another admin token (a restart after rotating it) ends the session.
	other := &dashEnv{t: t, db: d.db}
	srv, err := NewServer(context.Background(), ServerConfig{App: Config{DB: d.db, Secret: []byte(dashSecret), AppID: 77, PrivateKey: []byte(d.pem), CacheDir: t.TempDir()},
		PublicURL: "https://reviewbot.example.com", AdminToken: "another-admin-token-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	other.h = srv.Handler()
	if w := other.request("GET", "/", nil, []*http.Cookie{session}, nil); w.Code != http.StatusSeeOther {
		t.Errorf("session after the token changed: %d, want 303", w.Code)
	}
	// Logging out needs the CSRF token, then ends the session.
	if w := d.request("POST", "/logout", url.Values{}, []*http.Cookie{session, csrf}, nil); w.Code != http.StatusForbidden {
		t.Errorf("logout without the CSRF field: %d", w.Code)
	}
	w = d.request("POST", "/logout", url.Values{csrfField: {csrf.Value}}, []*http.Cookie{session, csrf}, nil)
	if w.Code != http.StatusSeeOther || cookieNamed(t, w, sessionCookie).MaxAge >= 0 {
		t.Errorf("logout: %d %v", w.Code, w.Header()["Set-Cookie"])
	}
	if w := d.request("GET", "/", nil, []*http.Cookie{session}, nil); w.Code != http.StatusSeeOther {
		t.Errorf("the session still works after logout: %d", w.Code)
	}
	// Guessing is slowed down: ten wrong tokens a minute, then 429.
	codes := map[int]int{}
	for range 12 {
		codes[d.request("POST", "/login", url.Values{"token": {"guess-guess-guess-guess"}, csrfField: {csrf.Value}}, []*http.Cookie{csrf}, nil).Code]++
	}
	if codes[http.StatusUnauthorized] != 10 || codes[http.StatusTooManyRequests] != 2 {
		t.Errorf("wrong logins answered %v, want 10×401 then 429", codes)
	}
}

func TestDashboardOffWithoutAdminToken(t *testing.T) {
	d := newDashEnv(t, dbtest.SQLiteURL(t), "")
	for _, p := range []string{"/", "/reviews", "/login"} {
		w := d.request("GET", p, nil, nil, map[string]string{"Authorization": "Bearer anything-at-all-here"})
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "REVIEWBOT_ADMIN_TOKEN") || strings.Contains(w.Body.String(), "App ID") {
			t.Errorf("GET %s without an admin token: %d\n%s", p, w.Code, w.Body)
		}
	}
}

func TestPagesNeverSendASecret(t *testing.T) {
	d := newDashEnv(t, dbtest.SQLiteURL(t), testAdminToken)
	// An error that quotes the webhook secret verbatim (no pattern knows
	// it): the page is withheld rather than sent.
	if err := store.RecordReview(context.Background(), d.db, store.ReviewRecord{InstallationID: 1, Repo: "a/b", Number: 1, HeadSHA: "x",
		Outcome: "failed", Started: time.Now(), Error: "hmac with " + dashSecret + " failed"}); err != nil {
		t.Fatal(err)
	}
	w := d.request("GET", "/reviews", nil, nil, map[string]string{"Authorization": "Bearer " + testAdminToken})
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), dashSecret) {
		t.Errorf("a page holding the webhook secret: %d\n%s", w.Code, w.Body)
	}
}

func TestSetupCookiesAttributes(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, dbtest.SQLiteURL(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(ctx, ServerConfig{App: Config{DB: db, CacheDir: t.TempDir()}, PublicURL: "https://rb.example.com/", GitHubURL: "https://ghe.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	d := &dashEnv{t: t, db: db, srv: srv, h: srv.Handler()}
	page := d.request("GET", "/", nil, nil, nil)
	csrf := cookieNamed(t, page, csrfCookie)
	if !strings.Contains(page.Body.String(), "https://rb.example.com/webhook") || !strings.Contains(page.Header().Get("Content-Security-Policy"), "form-action 'self' https://ghe.example.com") {
		t.Errorf("setup page: %s\n%s", page.Header(), page.Body)
	}
	w := d.request("POST", "/setup", url.Values{csrfField: {csrf.Value}, "name": {"rb"}, "owner": {"organization"}, "org": {"bad/org"}}, []*http.Cookie{csrf}, nil)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "organization") {
		t.Errorf("bad organization: %d", w.Code)
	}
	w = d.request("POST", "/setup", url.Values{csrfField: {csrf.Value}, "name": {"rb"}, "owner": {"user"}}, []*http.Cookie{csrf}, nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `action="https://ghe.example.com/settings/apps/new?state=`) {
		t.Fatalf("manifest page: %d\n%s", w.Code, w.Body)
	}
	st := cookieNamed(t, w, stateCookie)
	if !st.HttpOnly || !st.Secure || st.SameSite != http.SameSiteLaxMode || st.Path != "/setup" || st.MaxAge != 3600 {
		t.Errorf("state cookie %+v: want HttpOnly, Secure, SameSite=Lax (GitHub's redirect is cross-site), Path=/setup, an hour", st)
	}
	if !strings.Contains(w.Body.String(), url.QueryEscape(st.Value)) {
		t.Error("the form's state is not the cookie's")
	}
}
