package codebase

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestZZProfileRepo(t *testing.T) {
	repo := os.Getenv("PROFILE_REPO")
	if repo == "" {
		t.Skip()
	}
	out, err := exec.Command("git", "-C", repo, "diff", "-U0", "-M", "--no-color", "base", "head").Output()
	if err != nil {
		t.Fatal(err)
	}
	ch := parseUnifiedZero(t, string(out))
	var keep []Change
	for _, c := range ch {
		if c.Path != "" && (len(c.Path) > 3 && c.Path[len(c.Path)-3:] == ".go") {
			c.Language = "Go"
		}
		keep = append(keep, c)
	}
	t0 := time.Now()
	a, err := Analyze(context.Background(), Options{Base: GitTree(repo, "base"), Head: GitTree(repo, "head"), Changes: keep})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v, %d impacts, notes %q", time.Since(t0), len(a.Impact), a.Notes)
}
