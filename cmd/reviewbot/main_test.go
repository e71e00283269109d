package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"
)

// repo builds a real git repository with baseFiles committed on main and
// headFiles ("" deletes) committed on a feature branch that is checked out.
func repo(t *testing.T, baseFiles, headFiles map[string]string) string {
	t.Helper()
	r := gittest.New(t)
	r.Write(baseFiles)
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write(headFiles)
	r.Commit("change")
	return r.Dir
}

// noAWS makes the AWS SDK's default chain find no credentials, whatever the
// machine running the test has configured.
func noAWS(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func runCLI(t testing.TB, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

func TestReviewDryRunJSON(t *testing.T) {
	dir := repo(t,
		map[string]string{"app.go": "package app\n\nfunc Greet() string {\n\treturn \"hi\"\n}\n", "logo.png": "\x89PNG\x00\x00", ".github/reviewbot.yml": "max_comments: 3\nfoo: bar\n"},
		map[string]string{"app.go": "package app\n\nfunc Greet() string {\n\treturn \"hello\"\n}\n", "logo.png": "\x89PNG\x00\x01", "yarn.lock": "x@1:\n  version \"1\"\n", "notes.md": "# Notes\n"})
	code, out, stderr := runCLI(t, nil, "review", "--repo", dir, "--dry-run", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var res struct {
		Tier    string `json:"tier"`
		Files   []struct{ Path string }
		Skipped []struct{ Path, Reason string }
		Usage   struct {
			Estimated   bool  `json:"estimated"`
			InputTokens int64 `json:"input_tokens"`
		}
		Notes []string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(res.Files) != 4 {
		t.Errorf("files = %+v, want all 4 changed files", res.Files)
	}
	skipped := map[string]string{}
	for _, s := range res.Skipped {
		skipped[s.Path] = s.Reason
	}
	if !strings.Contains(skipped["logo.png"], "binary") || !strings.Contains(skipped["yarn.lock"], "lock file") || len(skipped) != 2 {
		t.Errorf("skipped = %+v", res.Skipped)
	}
	if !res.Usage.Estimated || res.Usage.InputTokens == 0 {
		t.Errorf("usage = %+v", res.Usage)
	}
	// The unknown key in the base branch's config is reported, on stderr
	// and in the result.
	if !strings.Contains(stderr, `unknown key "foo"`) || !strings.Contains(strings.Join(res.Notes, "\n"), `unknown key "foo"`) {
		t.Errorf("unknown config key not reported: stderr %q notes %v", stderr, res.Notes)
	}
	if strings.Contains(strings.Join(res.Notes, "\n"), "takes effect once merged") {
		t.Errorf("config note without a config change: %v", res.Notes)
	}
}

func TestReviewMarkdownIsTheSummaryComment(t *testing.T) {
	dir := repo(t, map[string]string{"a.py": "def f():\n    return 1\n"}, map[string]string{"a.py": "def f():\n    return 2\n"})
	code, out, stderr := runCLI(t, nil, "review", "--repo", dir, "--dry-run", "--format", "markdown", "--tier", "free")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"<!-- reviewbot:summary -->", "**Tier:** free", "requested: free", "**Dry run**", "estimated"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestReviewWithoutCredentialsExits2(t *testing.T) {
	noAWS(t)
	dir := repo(t, map[string]string{"a.go": "package a\n"}, map[string]string{"a.go": "package a\n\nvar X = 1\n"})
	code, out, stderr := runCLI(t, nil, "review", "--repo", dir)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %s", code, stderr)
	}
	if out != "" || !strings.Contains(stderr, "--dry-run") || !strings.Contains(stderr, "AWS") {
		t.Errorf("stderr should say how to configure credentials or use --dry-run: %q", stderr)
	}
}

func TestReviewUsesBaseConfigNotThePRs(t *testing.T) {
	dir := repo(t,
		map[string]string{"a.go": "package a\n", ".github/reviewbot.yml": "tier: free\n"},
		map[string]string{"a.go": "package a\n\nvar X = 1\n", ".github/reviewbot.yml": "tier: team\nmax_comments: 99\n"})
	code, out, stderr := runCLI(t, nil, "review", "--repo", dir, "--dry-run", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Tier        string
		RouteReason string `json:"route_reason"`
		Notes       []string
	}
	json.Unmarshal([]byte(out), &res)
	if res.Tier != "free" || res.RouteReason != "requested: free" {
		t.Errorf("tier %q (%s): the PR's own config must not apply", res.Tier, res.RouteReason)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "takes effect once merged") {
		t.Errorf("no note about the config edit: %v", res.Notes)
	}
}

func TestReviewNotesUncommittedChanges(t *testing.T) {
	dir := repo(t, map[string]string{"a.go": "package a\n"}, map[string]string{"a.go": "package a\n\nvar X = 1\n"})
	note := "uncommitted changes"
	_, out, _ := runCLI(t, nil, "review", "--repo", dir, "--dry-run", "--format", "json")
	if strings.Contains(out, note) {
		t.Fatalf("clean tree reported dirty")
	}
	gittest.WriteFiles(t, dir, map[string]string{"a.go": "package a\n\nvar X = 2\n"})
	_, out, _ = runCLI(t, nil, "review", "--repo", dir, "--dry-run", "--format", "json")
	if !strings.Contains(out, note) {
		t.Fatalf("dirty tree not noted:\n%s", out)
	}
}

func TestReviewConfigErrorsExit2(t *testing.T) {
	dir := repo(t, map[string]string{"a.go": "package a\n", ".github/reviewbot.yml": "min_severity: loud\n"}, map[string]string{"a.go": "package a\n\nvar X = 1\n"})
	code, _, stderr := runCLI(t, nil, "review", "--repo", dir, "--dry-run")
	if code != 2 || !strings.Contains(stderr, "reviewbot.yml") || !strings.Contains(stderr, ":1: min_severity must be one of") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"review", "--format", "yaml", "--dry-run"}, "--format must be"},
		{[]string{"review", "--repo", os.TempDir(), "--dry-run"}, "not a git repository"},
		{[]string{"review", "--dry-run", "--tier", "gold"}, "--tier"},
		{[]string{"frobnicate"}, "unknown subcommand"},
		{[]string{"serve"}, "REVIEWBOT_PUBLIC_URL is not set"},
		{[]string{"plan", "set", "x", "team"}, "not a number"},
		{nil, "Usage:"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, nil, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d stderr %q, want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "reviewbot dev\ncommit ") || !strings.Contains(out, "go1.") {
		t.Fatalf("exit %d out %q", code, out)
	}
}
