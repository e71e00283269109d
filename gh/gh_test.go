package gh

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reviewbot/reviewbot/review"
)

// apiPrefix mimics GitHub Enterprise Server's API root, so a client that
// builds absolute URLs or drops the path prefix fails the tests.
const apiPrefix = "/api/v3/"

// fakeGitHub serves the REST endpoints PullDiff uses under apiPrefix.
type fakeGitHub struct {
	t            *testing.T
	diff         string // served for the diff media type; "" answers 406 too_large
	files        []map[string]any
	changedFiles int
	listCalls    atomic.Int32
}

var _ http.Handler = (*fakeGitHub)(nil)

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, apiPrefix) {
		f.t.Errorf("request outside the API prefix: %s", r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer test-token" {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Bad credentials"}`)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, apiPrefix)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch {
	case p == "repos/o/r/pulls/7" && strings.Contains(r.Header.Get("Accept"), "diff"):
		if f.diff == "" {
			// The wire shape of GitHub's refusal, as users report it.
			w.WriteHeader(http.StatusNotAcceptable)
			fmt.Fprint(w, `{"message":"Sorry, the diff exceeded the maximum number of files (300). Consider using 'List pull requests files' API or locally cloning the repository instead.","errors":[{"resource":"PullRequest","field":"diff","code":"too_large"}],"documentation_url":"https://docs.github.com/rest/pulls/pulls#list-pull-requests-files","status":"406"}`)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, f.diff)
	case p == "repos/o/r/pulls/7":
		json.NewEncoder(w).Encode(map[string]any{"number": 7, "changed_files": f.changedFiles})
	case p == "repos/o/r/pulls/7/files":
		f.listCalls.Add(1)
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if per != 100 {
			f.t.Errorf("per_page = %d, want 100", per)
		}
		page = max(page, 1)
		start, end := (page-1)*per, min(page*per, len(f.files), maxListedFiles)
		if end < min(len(f.files), maxListedFiles) {
			next := fmt.Sprintf("http://%s%srepos/o/r/pulls/7/files?page=%d&per_page=%d", r.Host, apiPrefix, page+1, per)
			w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next"`, next))
		}
		if start > end {
			start = end
		}
		json.NewEncoder(w).Encode(f.files[start:end])
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func newTestClient(t *testing.T, f *fakeGitHub) *Client {
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+apiPrefix, &http.Client{Transport: TokenTransport(nil, "test-token")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPullDiffUsesTheDiffMediaType(t *testing.T) {
	f := &fakeGitHub{diff: "diff --git a/a.go b/a.go\nindex 1..2 100644\n--- a/a.go\n+++ b/a.go\n@@ -1 +1 @@\n-x\n+y\n"}
	d, notes, err := newTestClient(t, f).PullDiff(context.Background(), "o", "r", 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Files) != 1 || d.File("a.go") == nil || d.File("a.go").Hunks[0].Lines[1].Text != "y" || len(notes) != 0 {
		t.Fatalf("diff %+v notes %v", d.Files, notes)
	}
	if f.listCalls.Load() != 0 {
		t.Error("list-files called although the diff was served")
	}
}

func TestPullDiffFallsBackToListFiles(t *testing.T) {
	f := &fakeGitHub{}
	for i := range 250 {
		f.files = append(f.files, map[string]any{"filename": fmt.Sprintf("f%03d.go", i), "status": "modified", "additions": 1, "deletions": 1, "patch": "@@ -1 +1 @@\n-a\n+b"})
	}
	f.files[3] = map[string]any{"filename": "huge.json", "status": "modified", "additions": 30000, "deletions": 2}
	f.files[4] = map[string]any{"filename": "new.go", "previous_filename": "old.go", "status": "renamed", "patch": "@@ -1 +1 @@\n-a\n+b"}
	d, notes, err := newTestClient(t, f).PullDiff(context.Background(), "o", "r", 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Files) != 250 || f.listCalls.Load() != 3 {
		t.Fatalf("files %d over %d pages, want 250 over 3", len(d.Files), f.listCalls.Load())
	}
	if h := d.File("huge.json"); h == nil || !h.PatchOmitted {
		t.Errorf("huge.json = %+v", h)
	}
	if r := d.File("new.go"); r == nil || r.OldPath != "old.go" || r.Status != review.StatusRenamed {
		t.Errorf("rename = %+v", r)
	}
	all := strings.Join(notes, "\n")
	if !strings.Contains(all, "too large") || !strings.Contains(all, "no patch for 1 large file") {
		t.Errorf("notes = %q", notes)
	}
}

func TestPullDiffSaysWhatTheFileCapHid(t *testing.T) {
	f := &fakeGitHub{changedFiles: 3500}
	for i := range 3500 {
		f.files = append(f.files, map[string]any{"filename": fmt.Sprintf("f%04d.txt", i), "status": "added", "additions": 1, "patch": "@@ -0,0 +1 @@\n+x"})
	}
	d, notes, err := newTestClient(t, f).PullDiff(context.Background(), "o", "r", 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Files) != maxListedFiles || !strings.Contains(strings.Join(notes, "\n"), "500 more changed files") {
		t.Fatalf("files %d notes %q", len(d.Files), notes)
	}
}

func TestPullDiffOtherErrorsDoNotFallBack(t *testing.T) {
	f := &fakeGitHub{diff: "x"}
	srv := httptest.NewServer(f)
	f.t = t
	defer srv.Close()
	c, _ := NewClient(srv.URL+apiPrefix, &http.Client{Transport: TokenTransport(nil, "wrong")})
	_, _, err := c.PullDiff(context.Background(), "o", "r", 7)
	if err == nil || !strings.Contains(err.Error(), "401") || f.listCalls.Load() != 0 {
		t.Fatalf("err %v, list calls %d", err, f.listCalls.Load())
	}
}

func testKey(t *testing.T) []byte {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

func TestInstallationTransportExchangesJWTForToken(t *testing.T) {
	var tokenRequests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == apiPrefix+"app/installations/42/access_tokens":
			tokenRequests.Add(1)
			auth := r.Header.Get("Authorization")
			if !strings.HasPrefix(auth, "Bearer ") || strings.Count(auth, ".") != 2 {
				t.Errorf("token exchange not authenticated with a JWT: %q", auth)
			}
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"token":"ghs_installation","expires_at":"2099-01-01T00:00:00Z"}`)
		case r.URL.Path == apiPrefix+"repos/o/r/pulls/7":
			if got := r.Header.Get("Authorization"); got != "token ghs_installation" {
				t.Errorf("API call authorization = %q", got)
			}
			fmt.Fprint(w, "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-1\n+2\n")
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	}))
	defer srv.Close()
	tr, err := InstallationTransport(nil, srv.URL+apiPrefix, 1, 42, testKey(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(srv.URL+apiPrefix, &http.Client{Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, _, err := c.PullDiff(context.Background(), "o", "r", 7); err != nil {
			t.Fatal(err)
		}
	}
	if n := tokenRequests.Load(); n != 1 {
		t.Errorf("token requested %d times, want 1 (cached until expiry)", n)
	}
}

func TestInstallationTransportRejectsBadKey(t *testing.T) {
	_, err := InstallationTransport(nil, "", 1, 2, []byte("not a pem"))
	if !errors.Is(err, ErrPrivateKey) || !strings.Contains(err.Error(), "REVIEWBOT_PRIVATE_KEY") {
		t.Fatalf("err = %v", err)
	}
}
