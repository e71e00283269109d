package codebase

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// tarEntry is one entry of a test tarball; dir entries end in "/".
type tarEntry struct {
	name, body string
}

// makeTarball builds a gzip tar the way GitHub does: a pax global header
// carrying the commit, then everything under one top-level directory.
func makeTarball(t *testing.T, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"comment": "0123abcd"}}))
	for _, e := range entries {
		if strings.HasSuffix(e.name, "/") {
			must(tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: e.name, Mode: 0o755}))
			continue
		}
		must(tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: 0o644, Size: int64(len(e.body))}))
		_, err := tw.Write([]byte(e.body))
		must(err)
	}
	must(tw.Close())
	must(gz.Close())
	return buf.Bytes()
}

// fakeGitHub serves /api/v3/repos/{o}/{r}/tarball/{sha} with a 302 to a
// second server (as api.github.com redirects to codeload), which serves the
// tarball registered for that sha.
type fakeGitHub struct {
	api, codeload *httptest.Server
	tarballs      map[string][]byte
	apiHits       atomic.Int32
	badAuth       atomic.Int32
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{tarballs: map[string][]byte{}}
	f.codeload = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sha := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		body, ok := f.tarballs[sha]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Write(body)
	}))
	f.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "/api/v3/repos/octo/widgets/tarball/"
		if !strings.HasPrefix(r.URL.Path, prefix) {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		f.apiHits.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok" {
			f.badAuth.Add(1)
		}
		sha := strings.TrimPrefix(r.URL.Path, prefix)
		http.Redirect(w, r, f.codeload.URL+"/octo/widgets/legacy.tar.gz/"+sha, http.StatusFound)
	}))
	t.Cleanup(f.api.Close)
	t.Cleanup(f.codeload.Close)
	return f
}

func (f *fakeGitHub) cache(t *testing.T, max int64) *TarballCache {
	return &TarballCache{Dir: t.TempDir(), MaxBytes: max, BaseURL: f.api.URL + "/api/v3", Token: "tok"}
}

const sha1 = "1111111111111111111111111111111111111111"
const sha2 = "2222222222222222222222222222222222222222"
const sha3 = "3333333333333333333333333333333333333333"

func TestTarballExtractsAndCaches(t *testing.T) {
	f := newFakeGitHub(t)
	top := "octo-widgets-" + sha1[:7] + "/"
	f.tarballs[sha1] = makeTarball(t, []tarEntry{
		{top, ""}, {top + "main.go", "package main\n"}, {top + "pkg/", ""}, {top + "pkg/util.py", "def f():\n    pass\n"},
	})
	c := f.cache(t, 0)
	ctx := context.Background()
	src, err := Tarball(ctx, c, "octo", "widgets", sha1)
	if err != nil {
		t.Fatal(err)
	}
	files, err := src.Files(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"main.go", "pkg/util.py"}; !slices.Equal(files, want) {
		t.Errorf("files = %v, want %v", files, want)
	}
	data, err := src.ReadFile(ctx, "pkg/util.py")
	if err != nil || string(data) != "def f():\n    pass\n" {
		t.Errorf("ReadFile = %q, %v", data, err)
	}
	if _, err := Tarball(ctx, c, "octo", "widgets", sha1); err != nil {
		t.Fatal(err)
	}
	if n := f.apiHits.Load(); n != 1 {
		t.Errorf("API hit %d times, want 1 (second call from cache)", n)
	}
	if n := f.badAuth.Load(); n != 0 {
		t.Errorf("%d API requests without the bearer token", n)
	}
}

func TestTarballRefusesPathTraversal(t *testing.T) {
	for _, evil := range []string{"../../escaped.txt", "a/../../escaped.txt", "/abs/escaped.txt"} {
		t.Run(evil, func(t *testing.T) {
			f := newFakeGitHub(t)
			top := "octo-widgets-1111111/"
			f.tarballs[sha1] = makeTarball(t, []tarEntry{{top + "ok.go", "package ok\n"}, {top + evil, "pwned"}})
			c := f.cache(t, 0)
			_, err := Tarball(context.Background(), c, "octo", "widgets", sha1)
			if !errors.Is(err, ErrUnsafeArchive) {
				t.Fatalf("err = %v, want ErrUnsafeArchive", err)
			}
			// Nothing escaped and nothing was left behind as a cache entry.
			filepath.WalkDir(filepath.Dir(c.Dir), func(p string, d os.DirEntry, err error) error {
				if err == nil && d.Name() == "escaped.txt" {
					t.Errorf("traversal wrote %s", p)
				}
				return nil
			})
			if _, err := os.Stat(filepath.Join(c.Dir, "octo", "widgets", sha1)); !os.IsNotExist(err) {
				t.Errorf("a refused archive left a cache entry: %v", err)
			}
		})
	}
}

func TestTarballEvictsLeastRecentlyUsed(t *testing.T) {
	f := newFakeGitHub(t)
	for _, sha := range []string{sha1, sha2, sha3} {
		f.tarballs[sha] = makeTarball(t, []tarEntry{{"octo-widgets-x/f.txt", strings.Repeat("x", 100)}})
	}
	c := f.cache(t, 250)
	ctx := context.Background()
	for _, sha := range []string{sha1, sha2, sha1, sha3} { // sha1 used again: sha2 is the oldest
		if _, err := Tarball(ctx, c, "octo", "widgets", sha); err != nil {
			t.Fatal(err)
		}
	}
	exists := func(sha string) bool {
		_, err := os.Stat(filepath.Join(c.Dir, "octo", "widgets", sha, "tree", "f.txt"))
		return err == nil
	}
	if !exists(sha1) || exists(sha2) || !exists(sha3) {
		t.Errorf("after eviction: sha1=%v sha2=%v sha3=%v, want true false true", exists(sha1), exists(sha2), exists(sha3))
	}
	if n := f.apiHits.Load(); n != 3 {
		t.Errorf("API hits = %d, want 3", n)
	}
	if _, err := Tarball(ctx, c, "octo", "widgets", sha2); err != nil || f.apiHits.Load() != 4 {
		t.Errorf("evicted snapshot not fetched again: %v, hits %d", err, f.apiHits.Load())
	}
}

func TestTarballErrors(t *testing.T) {
	f := newFakeGitHub(t)
	f.tarballs[sha1] = makeTarball(t, []tarEntry{{"octo-widgets-x/big.txt", strings.Repeat("x", 500)}})
	ctx := context.Background()
	if _, err := Tarball(ctx, f.cache(t, 100), "octo", "widgets", sha1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized archive: err = %v, want ErrTooLarge", err)
	}
	_, err := Tarball(ctx, f.cache(t, 0), "octo", "widgets", sha2) // codeload 404s
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing archive: err = %v, want a 404", err)
	}
	if _, err := Tarball(ctx, f.cache(t, 0), "octo", "../x", sha1); err == nil {
		t.Error("invalid repository name accepted")
	}
	if _, err := Tarball(ctx, f.cache(t, 0), "octo", "widgets", "main"); err == nil {
		t.Error("a branch name was accepted as a cache key")
	}
}
