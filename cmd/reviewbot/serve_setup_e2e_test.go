package main

import (
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/internal/ghtest"
	"github.com/reviewbot/reviewbot/webhook"
)

const (
	setupAdminToken = "e2e-admin-token-0123456789abcdef"
	setupKey        = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M="
)

// freeAddr finds a local port for serve to listen on: the public URL
// (which goes into the App manifest) must be known before it starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

var (
	e2eCSRF     = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	e2eManifest = regexp.MustCompile(`<form method="post" action="([^"]+)" class="card">\s*<input type="hidden" name="manifest" value="([^"]*)">`)
)

// browse is a browser: cookies kept, redirects followed.
type browse struct {
	t *testing.T
	c *http.Client
}

func (b browse) do(method, rawURL string, form url.Values) (int, string, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, rawURL, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Request.URL.String()
}

func csrfIn(t *testing.T, page string) string {
	t.Helper()
	m := e2eCSRF.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field:\n%s", page)
	}
	return m[1]
}

// TestServeSetupModeToAReviewWithoutRestart runs the real binary from an
// empty database: setup mode registers the App through the fake GitHub's
// manifest flow, the same process then reviews a pull request as that
// App, the dashboard shows the review and what it cost, and a restart
// runs the stored (encrypted) App without setup.
func TestServeSetupModeToAReviewWithoutRestart(t *testing.T) {
	g := ghtest.New(t)
	web := ghtest.NewManifests(t, g)
	teamAnswers(t, nil)
	pr := newE2EPR(t, g, "octo", "calc", 7, false)
	addr := freeAddr(t)
	public := "http://" + addr
	env := map[string]string{
		"REVIEWBOT_LISTEN": addr, "REVIEWBOT_PUBLIC_URL": public, "REVIEWBOT_GITHUB_URL": web.URL,
		"REVIEWBOT_DATABASE_URL": dbtest.SQLiteURL(t), "REVIEWBOT_CACHE_DIR": filepath.Join(t.TempDir(), "cache"),
		"REVIEWBOT_ADMIN_TOKEN": setupAdminToken, "REVIEWBOT_ENCRYPTION_KEY": setupKey, "REVIEWBOT_DEFAULT_PLAN": "team",
		"REVIEWBOT_SHUTDOWN_TIMEOUT": "20s",
	}
	p := startServe(t, env)
	if !strings.Contains(p.Logs(), `"setup_mode":true`) {
		t.Fatalf("not in setup mode:\n%s", p.Logs())
	}
	jar, _ := cookiejar.New(nil)
	b := browse{t: t, c: &http.Client{Jar: jar, Timeout: 60 * time.Second}}

	// Setup needs the admin login; then the form, then GitHub.
	status, page, at := b.do("GET", public+"/", nil)
	if !strings.HasSuffix(at, "/login?next=/") {
		t.Fatalf("setup page without a login: %d at %s", status, at)
	}
	status, page, _ = b.do("POST", public+"/login", url.Values{"token": {setupAdminToken}, "csrf_token": {csrfIn(t, page)}, "next": {"/"}})
	if status != http.StatusOK || !strings.Contains(page, `action="/setup"`) {
		t.Fatalf("after login: %d\n%s", status, page)
	}
	_, page, _ = b.do("POST", public+"/setup", url.Values{"csrf_token": {csrfIn(t, page)}, "name": {"reviewbot-e2e"}, "owner": {"user"}})
	m := e2eManifest.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no manifest form:\n%s", page)
	}
	action, manifest := html.UnescapeString(m[1]), html.UnescapeString(m[2])
	if !strings.HasPrefix(action, web.URL+"/settings/apps/new?state=") {
		t.Errorf("manifest posted to %s", action)
	}
	status, page, at = b.do("POST", action, url.Values{"manifest": {manifest}})
	if status != http.StatusOK || !strings.HasPrefix(at, public+"/setup/callback?") || !strings.Contains(page, "reviewbot is configured") {
		t.Fatalf("callback: %d at %s\n%s", status, at, page)
	}
	apps := web.Apps()
	if len(apps) != 1 {
		t.Fatalf("%d Apps created", len(apps))
	}
	app := apps[0]
	g.BotLogin = app.Slug + "[bot]"

	// The same process, no restart: a signed delivery is reviewed as the
	// new App (its JWT verified by the fake GitHub).
	body := prEvent("opened", 11, "octo/calc", 7, pr.head, time.Now(), false)
	if s := deliverTo(t, p.addr, "pull_request", "setup-open-1", body, webhook.Sign([]byte(app.WebhookSecret), body)); s != http.StatusAccepted {
		t.Fatalf("delivery signed with the new secret: %d", s)
	}
	if s := deliverTo(t, p.addr, "pull_request", "setup-forged", body, webhook.Sign([]byte(e2eSecret), body)); s != http.StatusUnauthorized {
		t.Errorf("delivery signed otherwise: %d", s)
	}
	waitFor(t, 90*time.Second, "the review's check run", func() bool { return len(completedChecks(g, "octo", "calc", pr.head)) > 0 })
	if c := completedChecks(g, "octo", "calc", pr.head); c[0].Conclusion != "success" {
		t.Errorf("check run %+v", c[0])
	}
	if g.JWTRefusals() != 0 {
		t.Errorf("%d App JWTs refused", g.JWTRefusals())
	}
	if reviews := lineReviews(g.Reviews("octo", "calc", 7)); len(reviews) != 1 {
		t.Errorf("%d reviews posted", len(reviews))
	}

	// The dashboard shows the review that just ran.
	waitFor(t, 10*time.Second, "the review in the dashboard", func() bool {
		_, page, _ = b.do("GET", public+"/reviews", nil)
		return strings.Contains(page, "octo/calc#7")
	})
	for _, want := range []string{"posted", "team / team", "$0.0"} {
		if !strings.Contains(page, want) {
			t.Errorf("reviews page lacks %q:\n%s", want, page)
		}
	}
	_, overview, _ := b.do("GET", public+"/", nil)
	if !strings.Contains(overview, "reviewbot-e2e") || !strings.Contains(overview, "installation") || !strings.Contains(overview, "encrypted") {
		t.Errorf("overview:\n%s", overview)
	}
	for _, s := range []string{page, overview} {
		for _, secret := range []string{app.WebhookSecret, app.ClientSecret, setupAdminToken, strings.Split(app.PEM, "\n")[1]} {
			if strings.Contains(s, secret) {
				t.Errorf("a page shows a secret (%.8s...)", secret)
			}
		}
	}
	p.stop()

	// A restart runs the stored App: no setup page, the same secret.
	p = startServe(t, env)
	if strings.Contains(p.Logs(), `"setup_mode":true`) {
		t.Fatalf("setup mode again after a restart:\n%s", p.Logs())
	}
	if s := deliverTo(t, p.addr, "ping", "setup-ping", []byte(`{"zen":"ok","hook_id":1}`), webhook.Sign([]byte(app.WebhookSecret), []byte(`{"zen":"ok","hook_id":1}`))); s != http.StatusOK {
		t.Errorf("ping after the restart: %d", s)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(public + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("dashboard without a session after the restart: %d", resp.StatusCode)
	}
	p.stop()
	logs := p.Logs()
	for _, secret := range []string{app.WebhookSecret, app.ClientSecret, setupAdminToken, setupKey, strings.Split(app.PEM, "\n")[1]} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold a secret (%.8s...)", secret)
		}
	}
}

func TestServeSetupModeNeedsPublicURLAndRefusesHalfConfigurations(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "REVIEWBOT_PUBLIC_URL is not set"},
		{map[string]string{"REVIEWBOT_APP_ID": "12", "REVIEWBOT_PRIVATE_KEY": "PEM"}, "REVIEWBOT_WEBHOOK_SECRET is not set"},
		{map[string]string{"REVIEWBOT_PUBLIC_URL": "reviewbot.example.com"}, "is not an http(s) URL"},
		{map[string]string{"REVIEWBOT_PUBLIC_URL": "https://rb.example.com", "REVIEWBOT_ADMIN_TOKEN": "short"}, "at least 16"},
		{map[string]string{"REVIEWBOT_PUBLIC_URL": "https://rb.example.com", "REVIEWBOT_ENCRYPTION_KEY": "c2hvcnQ="}, "openssl rand -base64 32"},
	} {
		tt.env["REVIEWBOT_DATABASE_URL"] = dbtest.SQLiteURL(t)
		tt.env["REVIEWBOT_LISTEN"] = "127.0.0.1:0"
		if code, _, stderr := runCLI(t, tt.env, "serve"); code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tt.env, code, stderr, tt.want)
		}
	}
}
