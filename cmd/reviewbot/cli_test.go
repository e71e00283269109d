package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"
)

func TestHelpGoesToStdout(t *testing.T) {
	for _, args := range [][]string{{"help", "review"}, {"review", "--help"}, {"help"}, {"action", "--help"}, {"help", "serve"}, {"serve", "--help"}, {"help", "plan"}, {"help", "eval"}, {"eval", "--help"}} {
		code, out, stderr := runCLI(t, nil, args...)
		if code != 0 || out == "" || stderr != "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, code, len(out), stderr)
		}
	}
	_, out, _ := runCLI(t, nil, "help", "review")
	if !strings.Contains(out, "--dry-run") || !strings.Contains(out, "merge-base") {
		t.Errorf("review help: %s", out)
	}
	_, out, _ = runCLI(t, nil, "help")
	for _, sub := range []string{"review", "action", "serve", "plan", "eval", "version"} {
		if !strings.Contains(out, "reviewbot "+sub) {
			t.Errorf("the usage does not list %s", sub)
		}
	}
	if strings.Contains(out, "not available") {
		t.Errorf("the usage lists what this build can run, and only that:\n%s", out)
	}
	if code, _, stderr := runCLI(t, nil, "help", "nope"); code != exitUsage || !strings.Contains(stderr, "nope") {
		t.Errorf("help for an unknown subcommand: %d %s", code, stderr)
	}
}

func TestReviewRejectsInvalidFlagValues(t *testing.T) {
	dir := repo(t, map[string]string{"a.go": "package a\n"}, map[string]string{"a.go": "package a\n\nvar X = 1\n"})
	code, _, stderr := runCLI(t, nil, "review", "--repo", dir, "--dry-run", "--max-cost", "-5")
	if code != exitUsage || !strings.Contains(stderr, "--max-cost") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestReviewExplicitBaseUsesMergeBase(t *testing.T) {
	r := gittest.New(t)
	r.Write(map[string]string{"a.go": "package a\n", "b.go": "package a\n"})
	fork := r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write(map[string]string{"a.go": "package a\n\nvar A = 1\n"})
	r.Commit("feature")
	r.Git("checkout", "-q", "main")
	r.Write(map[string]string{"b.go": "package a\n\nvar B = 2\n"})
	r.Commit("main moves on")
	r.Git("checkout", "-q", "feature")
	code, out, stderr := runCLI(t, nil, "review", "--repo", r.Dir, "--dry-run", "--format", "json", "--base", "main")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Base  string
		Files []struct{ Path string }
		Notes []string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Base != fork || len(res.Files) != 1 || res.Files[0].Path != "a.go" {
		t.Errorf("base %s files %v: --base main must diff from the merge-base %s, not show main's own change to b.go as reverted", res.Base, res.Files, fork)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "merge-base of main") {
		t.Errorf("the output must name the base commit used: %v", res.Notes)
	}
}

func TestReviewExplainsShallowBareAndEmptyRepositories(t *testing.T) {
	up := gittest.New(t)
	up.Write(map[string]string{"a.go": "package a\n"})
	up.Commit("one")
	up.Git("checkout", "-q", "-b", "feature")
	up.Write(map[string]string{"a.go": "package a\n\nvar A = 1\n"})
	up.Commit("two")
	up.Git("checkout", "-q", "main")
	up.Write(map[string]string{"b.go": "package a\n"})
	up.Commit("three")
	shallow := filepath.Join(t.TempDir(), "shallow")
	up.Git("clone", "-q", "--depth", "1", "--no-single-branch", "file://"+up.Dir, shallow)
	code, _, stderr := runCLI(t, nil, "review", "--repo", shallow, "--dry-run", "--base", "origin/main", "--head", "origin/feature")
	if code != exitUsage || !strings.Contains(stderr, "git fetch --unshallow") || !strings.Contains(stderr, "fetch-depth: 0") {
		t.Errorf("shallow clone: exit %d %s", code, stderr)
	}
	// A base beyond the fetched history (HEAD~3 of a depth-1 clone) is no
	// typo: say that the clone is shallow.
	code, _, stderr = runCLI(t, nil, "review", "--repo", shallow, "--dry-run", "--base", "HEAD~3")
	if code != exitUsage || !strings.Contains(stderr, "shallow clone") || !strings.Contains(stderr, "git fetch --unshallow") {
		t.Errorf("shallow clone, base beyond its history: exit %d %s", code, stderr)
	}
	bare := filepath.Join(t.TempDir(), "bare.git")
	up.Git("clone", "-q", "--bare", up.Dir, bare)
	code, _, stderr = runCLI(t, nil, "review", "--repo", bare, "--dry-run")
	if code != exitUsage || !strings.Contains(stderr, "bare repository") {
		t.Errorf("bare repository: exit %d %s", code, stderr)
	}
	empty := gittest.New(t)
	code, _, stderr = runCLI(t, nil, "review", "--repo", empty.Dir, "--dry-run")
	if code != exitUsage || !strings.Contains(stderr, "no commits yet") {
		t.Errorf("empty repository: exit %d %s", code, stderr)
	}
}

func TestNothingToReviewNeedsNoCredentials(t *testing.T) {
	noAWS(t)
	dir := repo(t, map[string]string{"a.go": "package a\n"}, map[string]string{"yarn.lock": "x@1:\n  version \"1\"\n"})
	code, out, stderr := runCLI(t, nil, "review", "--repo", dir)
	if code != 0 || !strings.Contains(out, "Nothing to review") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, stderr)
	}
	dir = repo(t, map[string]string{"a.go": "package a\n"}, map[string]string{"a.go": "package a\n\nvar A = 1\n"})
	if code, _, stderr := runCLI(t, nil, "review", "--repo", dir); code != exitUsage || !strings.Contains(stderr, "--dry-run") {
		t.Errorf("something to review without credentials: exit %d %s", code, stderr)
	}
}

func TestOpenAIWithoutModelsIsAConfigurationError(t *testing.T) {
	dir := repo(t, map[string]string{"a.go": "package a\n"}, map[string]string{"a.go": "package a\n\nvar A = 1\n"})
	env := map[string]string{"REVIEWBOT_PROVIDER": "openai", "REVIEWBOT_OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}
	code, _, stderr := runCLI(t, env, "review", "--repo", dir, "--tier", "free")
	if code != exitUsage || !strings.Contains(stderr, "REVIEWBOT_CHEAP_MODEL") {
		t.Errorf("exit %d %s", code, stderr)
	}
}
