package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/internal/ghtest"
	"github.com/reviewbot/reviewbot/store"
)

// setupEnv is a server in setup mode at a real local URL, the fake
// GitHub (web and API) it registers the App on, and a browser: an HTTP
// client with a cookie jar that follows redirects.
type setupEnv struct {
	t       *testing.T
	db      *store.DB
	srv     *Server
	url     string // REVIEWBOT_PUBLIC_URL
	github  *ghtest.Manifests
	api     *ghtest.Server
	browser *http.Client

	mu  sync.Mutex
	now time.Time
}

const testAdminToken = "admin-token-for-tests-0123456789"

func newSetupEnv(t *testing.T, dbURL, adminToken string) *setupEnv {
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
	e := &setupEnv{t: t, db: db, now: time.Now()}
	e.api = ghtest.New(t)
	e.github = ghtest.NewManifests(t, e.api)
	// The listener first: the public URL goes into the manifest.
	var handler http.Handler
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(front.Close)
	e.url = front.URL
	e.srv, err = NewServer(ctx, ServerConfig{
		App:       Config{DB: db, APIURL: e.github.APIURL, CacheDir: t.TempDir(), FreeQuota: 100},
		PublicURL: e.url, GitHubURL: e.github.URL, AdminToken: adminToken, Now: e.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	handler = e.srv.Handler()
	jar, _ := cookiejar.New(nil)
	e.browser = &http.Client{Jar: jar, Timeout: 30 * time.Second}
	return e
}

func (e *setupEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *setupEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

// page is one answer as the browser got it.
type page struct {
	status int
	body   string
	header http.Header
	url    string // after redirects
}

func (e *setupEnv) get(path string) page {
	e.t.Helper()
	return e.do(http.MethodGet, e.url+path, nil)
}

func (e *setupEnv) post(rawURL string, form url.Values) page {
	e.t.Helper()
	return e.do(http.MethodPost, rawURL, form)
}

func (e *setupEnv) do(method, rawURL string, form url.Values) page {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := e.browser.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, body: string(b), header: resp.Header, url: resp.Request.URL.String()}
}

var (
	csrfRE     = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	actionRE   = regexp.MustCompile(`<form method="post" action="([^"]+)" class="card">\s*<input type="hidden" name="manifest" value="([^"]*)">`)
	stateParam = regexp.MustCompile(`[?&]state=([^&]+)`)
)

func csrfOf(t *testing.T, p page) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no CSRF field in the page:\n%s", p.body)
	}
	return m[1]
}

// startSetup fills in the setup page and returns the manifest form's
// action (GitHub's URL with the state) and manifest.
func (e *setupEnv) startSetup(name, org string) (action, manifest string) {
	e.t.Helper()
	p := e.get("/")
	if p.status != http.StatusOK || !strings.Contains(p.body, `action="/setup"`) {
		e.t.Fatalf("setup page: %d\n%s", p.status, p.body)
	}
	form := url.Values{csrfField: {csrfOf(e.t, p)}, "name": {name}, "owner": {"user"}}
	if org != "" {
		form.Set("owner", "organization")
		form.Set("org", org)
	}
	p = e.post(e.url+"/setup", form)
	m := actionRE.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		e.t.Fatalf("manifest page: %d\n%s", p.status, p.body)
	}
	return html.UnescapeString(m[1]), html.UnescapeString(m[2])
}

func TestSetupManifestFlowEndToEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newSetupEnv(t, dbURL, "")
		if e.srv.Configured() {
			t.Fatal("a fresh database is configured")
		}
		// Before setup the webhook cannot verify anything.
		if p := e.post(e.url+"/webhook", url.Values{}); p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "setup mode") {
			t.Errorf("webhook in setup mode: %d %q", p.status, p.body)
		}

		action, manifest := e.startSetup("reviewbot-test", "acme")
		wantPrefix := e.github.URL + "/organizations/acme/settings/apps/new?state="
		if !strings.HasPrefix(action, wantPrefix) {
			t.Fatalf("form action %q, want %s...", action, wantPrefix)
		}
		var man Manifest
		if err := json.Unmarshal([]byte(manifest), &man); err != nil {
			t.Fatal(err)
		}
		if man.HookAttributes.URL != e.url+"/webhook" || man.RedirectURL != e.url+"/setup/callback" || man.Public || man.Name != "reviewbot-test" || !man.HookAttributes.Active {
			t.Errorf("manifest = %+v", man)
		}
		if man.DefaultPermissions["pull_requests"] != "write" || man.DefaultPermissions["checks"] != "write" || man.DefaultPermissions["contents"] != "read" {
			t.Errorf("permissions = %v", man.DefaultPermissions)
		}

		// The browser posts the form to GitHub, which creates the App and
		// redirects to the callback; the server exchanges the code.
		done := e.post(action, url.Values{"manifest": {manifest}})
		if done.status != http.StatusOK || !strings.Contains(done.body, "reviewbot is configured") {
			t.Fatalf("callback: %d at %s\n%s", done.status, done.url, done.body)
		}
		posts, apps := e.github.Posts(), e.github.Apps()
		if len(posts) != 1 || posts[0].Refused != "" || posts[0].Org != "acme" || len(apps) != 1 || apps[0].Converted != 1 {
			t.Fatalf("GitHub saw %+v, created %d Apps", posts, len(apps))
		}
		if st := stateParam.FindStringSubmatch(action); st == nil || posts[0].State != st[1] {
			t.Errorf("GitHub got state %q, the form had %q", posts[0].State, action)
		}
		app := apps[0]
		if !strings.Contains(done.body, app.Slug) || !strings.Contains(done.body, "/apps/"+app.Slug+"/installations/new") {
			t.Errorf("the done page names neither the App nor its install link:\n%s", done.body)
		}
		if !e.srv.Configured() {
			t.Fatal("not configured after the callback")
		}
		creds, err := e.db.LoadApp(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if creds.AppID != app.ID || string(creds.WebhookSecret) != app.WebhookSecret || string(creds.PrivateKey) != app.PEM ||
			string(creds.ClientSecret) != app.ClientSecret || creds.ClientID != app.ClientID || creds.Slug != app.Slug || creds.Owner != "acme" {
			t.Errorf("stored %+v, GitHub created %+v", creds, app)
		}

		// Right away, without a restart: the new secret verifies
		// deliveries and work is queued; another secret does not.
		body := payload(t, "pull_request/opened.json", nil)
		if s := e.deliver("pull_request", "after-setup-1", body, app.WebhookSecret); s != http.StatusAccepted {
			t.Errorf("signed delivery after setup: %d, want 202", s)
		}
		if s := e.deliver("pull_request", "after-setup-2", body, "not the secret"); s != http.StatusUnauthorized {
			t.Errorf("forged delivery after setup: %d, want 401", s)
		}
		if p := e.get("/metrics"); p.status != http.StatusOK || !strings.Contains(p.body, "reviewbot_webhook_deliveries_total") {
			t.Errorf("metrics after setup: %d", p.status)
		}
		// The callback does nothing a second time.
		if p := e.get(strings.TrimPrefix(done.url, e.url)); p.status != http.StatusConflict {
			t.Errorf("callback again: %d, want 409", p.status)
		}
		if len(e.github.Apps()) != 1 || e.github.Apps()[0].Converted != 1 {
			t.Errorf("the code was exchanged again")
		}
		// Without an admin token the dashboard is not served, and says how
		// to enable it.
		if p := e.get("/"); p.status != http.StatusNotFound || !strings.Contains(p.body, "REVIEWBOT_ADMIN_TOKEN") {
			t.Errorf("dashboard without a token: %d\n%s", p.status, p.body)
		}
		for _, p := range []page{done, e.get("/"), e.get("/login")} {
			assertNoSecrets(t, p.body, app.WebhookSecret, app.ClientSecret, app.PEM)
		}
	})
}

// deliver posts a webhook delivery signed with secret.
func (e *setupEnv) deliver(event, id string, body []byte, secret string) int {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+"/webhook", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", Sign([]byte(secret), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// assertNoSecrets fails when body holds any secret, or any line of a PEM
// key's body.
func assertNoSecrets(t *testing.T, body string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		parts := []string{s}
		if strings.Contains(s, "-----BEGIN") {
			for _, l := range strings.Split(s, "\n") {
				if len(l) > 20 && !strings.HasPrefix(l, "-----") {
					parts = append(parts, l)
				}
			}
		}
		for _, p := range parts {
			if strings.Contains(body, p) {
				t.Errorf("a page shows a secret (%.12s...)", p)
			}
		}
	}
}

func TestSetupCallbackRefusesWrongReusedAndExpiredStates(t *testing.T) {
	e := newSetupEnv(t, dbtest.SQLiteURL(t), "")
	action, manifest := e.startSetup("reviewbot-states", "")
	if !strings.HasPrefix(action, e.github.URL+"/settings/apps/new?state=") {
		t.Fatalf("personal account's form action %q", action)
	}
	state, _ := url.QueryUnescape(stateParam.FindStringSubmatch(action)[1])

	// GitHub creates the App but the browser does not follow the
	// redirect: the test decides what reaches the callback.
	noFollow := *e.browser
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.PostForm(action, url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")
	if resp.StatusCode != http.StatusFound || code == "" || loc.Query().Get("state") != state {
		t.Fatalf("GitHub answered %d to %s", resp.StatusCode, loc)
	}
	callback := func(state string, cookie *http.Cookie) page {
		req, _ := http.NewRequest("GET", e.url+"/setup/callback?"+url.Values{"code": {code}, "state": {state}}.Encode(), nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := http.DefaultClient.Do(req) // no jar: the cookie is the test's
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return page{status: resp.StatusCode, body: string(b), header: resp.Header}
	}
	forged := randomToken()
	for _, tt := range []struct {
		name   string
		state  string
		cookie *http.Cookie
	}{
		{"forged state, no cookie", forged, nil},
		{"forged state and cookie", forged, &http.Cookie{Name: stateCookie, Value: forged}},
		{"real state, no cookie", state, nil},
		{"real state, another cookie", state, &http.Cookie{Name: stateCookie, Value: forged}},
	} {
		if p := callback(tt.state, tt.cookie); p.status != http.StatusForbidden || !strings.Contains(p.body, "Setup refused") {
			t.Errorf("%s: %d, want 403\n%s", tt.name, p.status, p.body)
		}
	}
	if e.srv.Configured() || e.github.Apps()[0].Converted != 0 {
		t.Fatal("a refused callback exchanged the code")
	}

	// An expired state: an hour and a minute later.
	e.advance(61 * time.Minute)
	if p := callback(state, &http.Cookie{Name: stateCookie, Value: state}); p.status != http.StatusForbidden || !strings.Contains(p.body, "more than an hour old") {
		t.Errorf("expired state: %d\n%s", p.status, p.body)
	}
	// The expired attempt used the state up; a fresh one works once.
	e.advance(-61 * time.Minute)
	action, manifest = e.startSetup("reviewbot-states", "")
	state, _ = url.QueryUnescape(stateParam.FindStringSubmatch(action)[1])
	resp, err = noFollow.PostForm(action, url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	code = loc.Query().Get("code")
	// A code GitHub does not know fails the exchange and uses the state.
	bad := func() page {
		req, _ := http.NewRequest("GET", e.url+"/setup/callback?"+url.Values{"code": {"0000"}, "state": {state}}.Encode(), nil)
		req.AddCookie(&http.Cookie{Name: stateCookie, Value: state})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return page{status: resp.StatusCode, body: string(b)}
	}
	if p := bad(); p.status != http.StatusBadGateway || !strings.Contains(p.body, "GitHub refused the code") {
		t.Errorf("unknown code: %d\n%s", p.status, p.body)
	}
	if p := callback(state, &http.Cookie{Name: stateCookie, Value: state}); p.status != http.StatusForbidden {
		t.Errorf("reused state: %d, want 403\n%s", p.status, p.body)
	}
	if e.srv.Configured() {
		t.Fatal("configured through a reused state")
	}
}

func TestSetupFormsNeedTheirCSRFToken(t *testing.T) {
	e := newSetupEnv(t, dbtest.SQLiteURL(t), testAdminToken)
	// With an admin token, setup needs a login.
	if p := e.get("/"); !strings.HasSuffix(p.url, "/login?next=/") || !strings.Contains(p.body, "Admin token") {
		t.Fatalf("setup without a login: %d at %s", p.status, p.url)
	}
	login := e.get("/login")
	for _, tt := range []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{"token": {testAdminToken}}},
		{"wrong token", url.Values{"token": {testAdminToken}, csrfField: {randomToken()}}},
	} {
		if p := e.post(e.url+"/login", tt.form); p.status != http.StatusForbidden {
			t.Errorf("login with %s: %d, want 403", tt.name, p.status)
		}
	}
	if p := e.post(e.url+"/login", url.Values{"token": {"not-the-admin-token-at-all"}, csrfField: {csrfOf(t, login)}}); p.status != http.StatusUnauthorized {
		t.Errorf("wrong admin token: %d, want 401", p.status)
	}
	if p := e.post(e.url+"/login", url.Values{"token": {testAdminToken}, csrfField: {csrfOf(t, login)}, "next": {"//evil.example/"}}); p.status != http.StatusOK || p.url != e.url+"/" || !strings.Contains(p.body, `action="/setup"`) {
		t.Fatalf("login: %d at %s", p.status, p.url)
	}
	if p := e.post(e.url+"/setup", url.Values{"name": {"x"}, "owner": {"user"}}); p.status != http.StatusForbidden {
		t.Errorf("setup form without its CSRF token: %d, want 403", p.status)
	}
	// A cross-origin form post is refused by the browser's own headers too.
	req, _ := http.NewRequest("POST", e.url+"/setup", strings.NewReader("name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := e.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	if p := e.post(e.url+"/logout", url.Values{}); p.status != http.StatusForbidden {
		t.Errorf("logout without its CSRF token: %d, want 403", p.status)
	}
}
