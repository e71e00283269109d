package codebase

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"
)

// changes turns `git diff -U0` between two commits into Changes, the way the
// review pipeline hands them to Analyze.
func changesBetween(t *testing.T, r *gittest.Repo, base, head string) []Change {
	t.Helper()
	out := r.Git("diff", "-U0", "-M", "--no-color", base, head)
	return parseUnifiedZero(t, out)
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
