package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/store"
)

func TestReadServeEnv(t *testing.T) {
	base := map[string]string{"REVIEWBOT_WEBHOOK_SECRET": "s", "REVIEWBOT_APP_ID": "12", "REVIEWBOT_PRIVATE_KEY": "-----BEGIN X-----\\nabc\\n-----END X-----\\n"}
	env := func(over map[string]string) func(string) string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range over {
			m[k] = v
		}
		return func(k string) string { return m[k] }
	}
	e, err := readServeEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if e.listen != ":8080" || e.dbURL != store.DefaultURL || e.defaultPlan != store.Free || e.quota != 100 || e.workers != 4 || e.jobTimeout != 15*time.Minute || e.shutdown != 30*time.Second {
		t.Errorf("defaults = %+v", e)
	}
	if string(e.key) != "-----BEGIN X-----\nabc\n-----END X-----\n" {
		t.Errorf("a one-line PEM with \\n escapes was not unescaped: %q", e.key)
	}
	keyFile := filepath.Join(t.TempDir(), "k.pem")
	os.WriteFile(keyFile, []byte("PEM"), 0o600)
	if e, err := readServeEnv(env(map[string]string{"REVIEWBOT_PRIVATE_KEY": "", "REVIEWBOT_PRIVATE_KEY_FILE": keyFile})); err != nil || string(e.key) != "PEM" {
		t.Errorf("key file: %q %v", e.key, err)
	}
	for _, tt := range []struct {
		over map[string]string
		want string
	}{
		{map[string]string{"REVIEWBOT_WEBHOOK_SECRET": ""}, "REVIEWBOT_WEBHOOK_SECRET is not set"},
		{map[string]string{"REVIEWBOT_APP_ID": "app"}, "REVIEWBOT_APP_ID"},
		{map[string]string{"REVIEWBOT_PRIVATE_KEY": ""}, "no App private key"},
		{map[string]string{"REVIEWBOT_DEFAULT_PLAN": "gold"}, "REVIEWBOT_DEFAULT_PLAN"},
		{map[string]string{"REVIEWBOT_FREE_QUOTA": "-1"}, "REVIEWBOT_FREE_QUOTA"},
		{map[string]string{"REVIEWBOT_SHUTDOWN_TIMEOUT": "soon"}, "REVIEWBOT_SHUTDOWN_TIMEOUT"},
	} {
		if _, err := readServeEnv(env(tt.over)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err %v, want %q", tt.over, err, tt.want)
		}
	}
}

func TestPlanSetAndList(t *testing.T) {
	url := dbtest.SQLiteURL(t)
	env := map[string]string{"REVIEWBOT_DATABASE_URL": url}
	if code, out, stderr := runCLI(t, env, "plan", "set", "77", "team"); code != 0 || !strings.Contains(out, "installation 77: team") {
		t.Fatalf("plan set: %d %q %q", code, out, stderr)
	}
	code, out, stderr := runCLI(t, env, "plan", "list")
	if code != 0 || !strings.Contains(out, "77") || !strings.Contains(out, "team") || !strings.Contains(out, "cli") {
		t.Fatalf("plan list: %d\n%s\n%s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, env, "plan", "set", "77", "gold"); code != 2 || !strings.Contains(stderr, "free or team") {
		t.Errorf("bad plan: %d %q", code, stderr)
	}
	if code, out, _ := runCLI(t, nil, "plan", "--help"); code != 0 || !strings.Contains(out, "plan set <installation-id>") {
		t.Errorf("plan --help: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, nil, "serve", "--help"); code != 0 || !strings.Contains(out, "REVIEWBOT_WEBHOOK_SECRET") {
		t.Errorf("serve --help: %d %q", code, out)
	}
}
