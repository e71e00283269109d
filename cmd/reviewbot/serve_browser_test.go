package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/internal/ghtest"
	"github.com/reviewbot/reviewbot/webhook"
)

// chromium finds Debian's chromium (or another Chrome). Outside CI a
// machine without one skips the browser test; in CI (CI=true), where
// .ci/run installs it, its absence fails the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH: .ci/run installs Debian's chromium for this test")
	}
	t.Skip("no chromium on PATH (apt-get install chromium): the browser test is skipped outside CI")
	return ""
}

// TestServeSetupAndDashboardInChromium drives the real binary from a
// headless Chromium: sign-in, a forged setup callback refused, setup
// through the fake GitHub's manifest flow, a review as the new App, the
// dashboard showing it, and sign-out sending the browser back to the
// login. It saves screenshots of the setup page and the dashboard in
// REVIEWBOT_SCREENSHOT_DIR (docs/screenshots holds the current ones),
// else in the test's temporary directory.
func TestServeSetupAndDashboardInChromium(t *testing.T) {
	exe := chromium(t)
	g := ghtest.New(t)
	web := ghtest.NewManifests(t, g)
	teamAnswers(t, nil)
	pr := newE2EPR(t, g, "octo", "calc", 7, false)
	addr := freeAddr(t)
	public := "http://" + addr
	p := startServe(t, map[string]string{
		"REVIEWBOT_LISTEN": addr, "REVIEWBOT_PUBLIC_URL": public, "REVIEWBOT_GITHUB_URL": web.URL,
		"REVIEWBOT_DATABASE_URL": dbtest.SQLiteURL(t), "REVIEWBOT_CACHE_DIR": filepath.Join(t.TempDir(), "cache"),
		"REVIEWBOT_ADMIN_TOKEN": setupAdminToken, "REVIEWBOT_ENCRYPTION_KEY": setupKey, "REVIEWBOT_DEFAULT_PLAN": "team",
		"REVIEWBOT_SHUTDOWN_TIMEOUT": "20s",
	})
	shots := os.Getenv("REVIEWBOT_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1200, 900), chromedp.DisableGPU)...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v\nserve logs:\n%s", what, err, p.Logs())
		}
	}
	get := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(bctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	main := chromedp.CSS("main")

	do("open", chromedp.Navigate(public+"/"), chromedp.WaitVisible(chromedp.CSS("#token")))
	if loc := get("location", chromedp.Location()); !strings.HasSuffix(loc, "/login?next=/") {
		t.Errorf("setup without a session went to %s, want the login", loc)
	}
	do("sign in", chromedp.SendKeys(chromedp.CSS("#token"), setupAdminToken), chromedp.Submit(chromedp.CSS("#token")),
		chromedp.WaitVisible(chromedp.CSS("#name")))

	// A callback with a state this browser never got is refused.
	do("forged callback", chromedp.Navigate(public+"/setup/callback?code=0123abcd&state=forged-state"), chromedp.WaitVisible(main))
	if text := get("forged callback", chromedp.Text(main)); !strings.Contains(text, "Setup refused") {
		t.Errorf("forged state: %q", text)
	}

	do("setup page", chromedp.Navigate(public+"/"), chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SetValue(chromedp.CSS("#name"), "reviewbot-browser"))
	shot("setup.png")
	do("continue", chromedp.Click(chromedp.CSS("form.card button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("details")))
	do("create on GitHub", chromedp.Click(chromedp.CSS("form.card button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("p.next")))
	loc, text := get("location", chromedp.Location()), get("done page", chromedp.Text(main))
	if !strings.HasPrefix(loc, public+"/setup/callback?") || !strings.Contains(text, "reviewbot is configured") {
		t.Fatalf("after GitHub: %s\n%s", loc, text)
	}
	apps := web.Apps()
	if len(apps) != 1 || apps[0].Converted != 1 {
		t.Fatalf("GitHub created %+v", apps)
	}
	g.BotLogin = apps[0].Slug + "[bot]"

	secret := []byte(apps[0].WebhookSecret)
	inst := []byte(`{"action":"created","installation":{"id":11,"account":{"id":5,"login":"octo","type":"Organization"}},"repositories":[{"full_name":"octo/calc"}]}`)
	if s := deliverTo(t, p.addr, "installation", "browser-install-1", inst, webhook.Sign(secret, inst)); s != http.StatusAccepted {
		t.Fatalf("installation delivery: %d", s)
	}
	body := prEvent("opened", 11, "octo/calc", 7, pr.head, time.Now(), false)
	if s := deliverTo(t, p.addr, "pull_request", "browser-open-1", body, webhook.Sign(secret, body)); s != http.StatusAccepted {
		t.Fatalf("delivery: %d", s)
	}
	waitFor(t, 90*time.Second, "the review's check run", func() bool { return len(completedChecks(g, "octo", "calc", pr.head)) > 0 })

	do("reviews", chromedp.Navigate(public+"/reviews"), chromedp.WaitVisible(chromedp.CSS("table.reviews")))
	if text := get("reviews", chromedp.Text(chromedp.CSS("table.reviews"))); !strings.Contains(text, "octo/calc#7") || !strings.Contains(text, "posted") {
		t.Errorf("reviews page: %q", text)
	}
	shot("reviews.png")
	do("overview", chromedp.Navigate(public+"/"), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	if text := get("overview", chromedp.Text(main)); !strings.Contains(text, "reviewbot-browser") || !strings.Contains(text, "Plan team") || !strings.Contains(text, "octo") {
		t.Errorf("overview: %q", text)
	}
	shot("dashboard.png")
	// Sign out; the dashboard then sends the browser to the login.
	do("sign out", chromedp.Click(chromedp.CSS("nav form button")), chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.Navigate(public+"/"), chromedp.WaitVisible(chromedp.CSS("#token")))
	if loc := get("location", chromedp.Location()); !strings.HasSuffix(loc, "/login?next=%2F") {
		t.Errorf("dashboard after sign-out went to %s", loc)
	}
	t.Logf("screenshots in %s", shots)
}
