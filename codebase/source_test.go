package codebase

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"
)

func TestDirSkipsGitAndLinks(t *testing.T) {
	root := t.TempDir()
	gittest.WriteFiles(t, root, map[string]string{"a.go": "package a\n", "sub/b.txt": "b\n", ".git/config": "x\n", "sub/.git/HEAD": "y\n"})
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	src := Dir(root)
	files, err := src.Files(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.go", "sub/b.txt"}; !slices.Equal(files, want) {
		t.Errorf("files = %v, want %v", files, want)
	}
	if b, err := src.ReadFile(context.Background(), "sub/b.txt"); err != nil || string(b) != "b\n" {
		t.Errorf("ReadFile = %q, %v", b, err)
	}
	if _, err := src.ReadFile(context.Background(), "../escape"); err == nil {
		t.Error("read outside the root succeeded")
	}
	if _, err := src.ReadFile(context.Background(), "link"); err == nil {
		t.Error("read through a symlink out of the root succeeded")
	}
}

func TestGitTreeReadsCommitConcurrently(t *testing.T) {
	r := gittest.New(t)
	r.Write(map[string]string{"a.go": "package a\n", "dir/b.py": "print(1)\n", "c.txt": "old\n"})
	first := r.Commit("one")
	r.Write(map[string]string{"c.txt": "new\n", "d.md": "# d\n"})
	r.Commit("two")
	src := GitTree(r.Dir, first)
	defer src.(interface{ Close() error }).Close()
	ctx := context.Background()
	files, err := src.Files(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.go", "c.txt", "dir/b.py"}; !slices.Equal(files, want) {
		t.Errorf("files = %v, want %v", files, want)
	}
	want := map[string]string{"a.go": "package a\n", "c.txt": "old\n", "dir/b.py": "print(1)\n"}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p, w := range want {
				if b, err := src.ReadFile(ctx, p); err != nil || string(b) != w {
					t.Errorf("ReadFile(%s) = %q, %v; want %q", p, b, err, w)
				}
			}
		}()
	}
	wg.Wait()
	if _, err := src.ReadFile(ctx, "d.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("file of a later commit: err = %v, want ErrNotExist", err)
	}
	if n, err := src.(sizer).Size(ctx, "c.txt"); err != nil || n != 4 {
		t.Errorf("Size = %d, %v", n, err)
	}
	// After Close a read starts a new cat-file process.
	src.(interface{ Close() error }).Close()
	if b, err := src.ReadFile(ctx, "a.go"); err != nil || string(b) != "package a\n" {
		t.Errorf("ReadFile after Close = %q, %v", b, err)
	}
	if _, err := GitTree(r.Dir, "no-such-rev").Files(ctx); err == nil {
		t.Error("listing a missing revision succeeded")
	}
}

func TestAnalyzeNotesSkippedFiles(t *testing.T) {
	root := t.TempDir()
	big := make([]byte, maxFileSize+10)
	for i := range big {
		big[i] = 'a'
	}
	gittest.WriteFiles(t, root, map[string]string{
		"go.mod":   goMod,
		"util.go":  "package app\n\nfunc Parse() int { return 2 }\n",
		"big.go":   "package app\n\nvar _ = Parse\n//" + string(big),
		"blob.bin": "\x00\x01Parse\x00",
		"use.go":   "package app\n\nfunc use() int { return Parse() }\n",
	})
	a, err := Analyze(context.Background(), Options{
		Head:    Dir(root),
		Changes: []Change{{Path: "util.go", Status: "modified", Added: []int{3}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	im := findImpact(a, "app.Parse")
	if im == nil || !slices.Equal(im.Locations, []string{"use.go:3"}) {
		t.Fatalf("impact = %+v:\n%s", im, dumpAnalysis(a))
	}
	// Without a base, a change on the header line counts as a signature change.
	if im.Change != ChangeSignature {
		t.Errorf("change = %q", im.Change)
	}
	wantNotes := []string{
		"no base snapshot: deleted and renamed definitions were not detected",
		"skipped 1 file over 1 MB: big.go",
	}
	for _, w := range wantNotes {
		if !slices.Contains(a.Notes, w) {
			t.Errorf("note %q missing from %q", w, a.Notes)
		}
	}
}
