package codebase

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gitRepo is a scratch repository driven by the real git binary.
type gitRepo struct {
	t   *testing.T
	dir string
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = r.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// write replaces the tree's files: name → content, "" deletes.
func (r *gitRepo) write(files map[string]string) {
	r.t.Helper()
	writeFiles(r.t, r.dir, files)
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if content == "" {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// commit stages everything and returns the new commit's SHA.
func (r *gitRepo) commit(msg string) string {
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// changes turns `git diff -U0` between two commits into Changes, the way the
// review pipeline hands them to Analyze.
func (r *gitRepo) changes(base, head string) []Change {
	r.t.Helper()
	out := r.git("diff", "-U0", "-M", "--no-color", base, head)
	return parseUnifiedZero(r.t, out)
}

func parseUnifiedZero(t *testing.T, diff string) []Change {
	var out []Change
	var cur *Change
	sc := bufio.NewScanner(strings.NewReader(diff))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "diff --git "):
			out = append(out, Change{Status: "modified"})
			cur = &out[len(out)-1]
			f := strings.Fields(line)
			cur.OldPath = strings.TrimPrefix(f[2], "a/")
			cur.Path = strings.TrimPrefix(f[3], "b/")
		case strings.HasPrefix(line, "new file mode"):
			cur.Status, cur.OldPath = "added", ""
		case strings.HasPrefix(line, "deleted file mode"):
			cur.Status, cur.Path = "deleted", ""
		case strings.HasPrefix(line, "rename from "):
			cur.Status = "renamed"
		case strings.HasPrefix(line, "@@ "):
			f := strings.Fields(line)
			oStart, oc := rangeOf(t, f[1])
			nStart, nc := rangeOf(t, f[2])
			for i := 0; i < oc; i++ {
				cur.Removed = append(cur.Removed, oStart+i)
			}
			for i := 0; i < nc; i++ {
				cur.Added = append(cur.Added, nStart+i)
			}
		}
	}
	return out
}

// rangeOf parses "-12,3" or "+7" from a hunk header.
func rangeOf(t *testing.T, s string) (start, count int) {
	s = s[1:]
	count = 1
	if a, b, ok := strings.Cut(s, ","); ok {
		s = a
		var err error
		if count, err = strconv.Atoi(b); err != nil {
			t.Fatal(err)
		}
	}
	start, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return start, count
}

// lineOf returns the 1-based line of the first line of content containing
// needle, so tests state positions by text rather than by fragile numbers.
func lineOf(t *testing.T, content, needle string) int {
	t.Helper()
	for i, l := range strings.Split(content, "\n") {
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	t.Fatalf("%q not found", needle)
	return 0
}

func loc(path string, line int) string { return path + ":" + strconv.Itoa(line) }

func findImpact(a *Analysis, symbol string) *Impact {
	for i := range a.Impact {
		if a.Impact[i].Symbol == symbol {
			return &a.Impact[i]
		}
	}
	return nil
}

func dumpAnalysis(a *Analysis) string {
	var b bytes.Buffer
	for _, im := range a.Impact {
		b.WriteString("impact " + im.Symbol + " " + im.Change + " " + im.Summary + " " + strings.Join(im.Locations, ",") + "\n")
	}
	for _, c := range a.Context {
		b.WriteString("context " + c.Kind + " " + c.Symbol + " " + c.Path + ":" + strconv.Itoa(c.StartLine) + "-" + strconv.Itoa(c.EndLine) + "\n")
	}
	for _, n := range a.Notes {
		b.WriteString("note " + n + "\n")
	}
	return b.String()
}
