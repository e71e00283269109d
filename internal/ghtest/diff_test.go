package ghtest

import (
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"
)

// lines joins diff lines with "\n" and a final newline, so that context
// lines holding a single space survive editors and gofmt.
func lines(l ...string) string { return strings.Join(l, "\n") + "\n" }

// twoHunks is a modification in two hunks; the comments give each line's
// old and new number and its legacy position.
var twoHunks = lines(
	"diff --git a/f.go b/f.go",
	"index 1111111..2222222 100644",
	"--- a/f.go",
	"+++ b/f.go",
	"@@ -1,4 +1,4 @@ func x() {",
	" a",                // old 1, new 1, pos 1
	"-b",                // old 2,        pos 2
	"+B",                //        new 2, pos 3
	" c",                // old 3, new 3, pos 4
	" d",                // old 4, new 4, pos 5
	"@@ -10,3 +10,4 @@", // pos 6
	" j",                // old 10, new 10, pos 7
	"+k",                //         new 11, pos 8
	" l",                // old 11, new 12, pos 9
	" m",                // old 12, new 13, pos 10
)

func TestParseDiffLinesSidesAndPositions(t *testing.T) {
	d, err := parseDiff(twoHunks)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Files) != 1 {
		t.Fatalf("files = %d, want 1", len(d.Files))
	}
	f := d.Files[0]
	if f.Path() != "f.go" || f.Status != "modified" || f.Additions != 2 || f.Deletions != 1 {
		t.Errorf("file = %q %s +%d -%d, want f.go modified +2 -1", f.Path(), f.Status, f.Additions, f.Deletions)
	}
	for _, tc := range []struct {
		side     string
		line     int
		ok       bool
		text     string
		hunk     int
		position int
	}{
		{"RIGHT", 1, true, " a", 0, 1},
		{"LEFT", 1, true, " a", 0, 1},
		{"LEFT", 2, true, "-b", 0, 2},
		{"RIGHT", 2, true, "+B", 0, 3},
		{"RIGHT", 4, true, " d", 0, 5},
		{"RIGHT", 5, false, "", 0, 0}, // between hunks
		{"LEFT", 5, false, "", 0, 0},
		{"RIGHT", 11, true, "+k", 1, 8},
		{"LEFT", 11, true, " l", 1, 9},
		{"RIGHT", 13, true, " m", 1, 10},
		{"LEFT", 13, false, "", 0, 0}, // the old file has only 12 lines here
		{"RIGHT", 14, false, "", 0, 0},
		{"RIGHT", 0, false, "", 0, 0},
	} {
		h, i, ok := f.lookup(tc.side, tc.line)
		if ok != tc.ok {
			t.Errorf("lookup(%s, %d) ok = %v, want %v", tc.side, tc.line, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		l := f.Hunks[h].Lines[i]
		if h != tc.hunk || l.Text != tc.text || l.Pos != tc.position {
			t.Errorf("lookup(%s, %d) = hunk %d %q pos %d, want hunk %d %q pos %d", tc.side, tc.line, h, l.Text, l.Pos, tc.hunk, tc.text, tc.position)
		}
	}
	if _, _, ok := f.atPos(6); ok {
		t.Error("position 6 is the second hunk's header, not a line")
	}
	if h, i, ok := f.atPos(8); !ok || f.Hunks[h].Lines[i].Text != "+k" {
		t.Errorf("atPos(8) = %v, want the +k line", ok)
	}
	wantPatch := strings.Join(strings.Split(strings.TrimSuffix(twoHunks, "\n"), "\n")[4:], "\n")
	if f.Patch != wantPatch {
		t.Errorf("patch =\n%s\nwant\n%s", f.Patch, wantPatch)
	}
	if got := f.hunkText(1, 1); got != "@@ -10,3 +10,4 @@\n j\n+k" {
		t.Errorf("hunkText = %q", got)
	}
}

func TestParseDiffRejectsHunksThatDisagreeWithTheirHeaders(t *testing.T) {
	for name, diff := range map[string]string{
		"short":      lines("--- a/x", "+++ b/x", "@@ -1,3 +1,3 @@", " a", "-b", "+B"),
		"long":       lines("--- a/x", "+++ b/x", "@@ -1,1 +1,1 @@", "-a", "+A", "+extra"),
		"bad header": lines("--- a/x", "+++ b/x", "@@ -1 +1 @", "-a", "+A"),
		"no file":    lines("@@ -1 +1 @@", "-a", "+A"),
	} {
		if _, err := parseDiff(diff); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}

func TestParseDiffHunkLinesThatLookLikeHeaders(t *testing.T) {
	// A deleted "-- x" line and an added "++ y" line read "--- x" and
	// "+++ y": the header's counts, not the text, end the hunk.
	d, err := parseDiff(lines("--- a/x", "+++ b/x", "@@ -1,2 +1,2 @@", "--- x", "-a", "+++ y", "+b"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Files) != 1 || d.Files[0].Deletions != 2 || d.Files[0].Additions != 2 {
		t.Fatalf("files = %+v", d.Files)
	}
}

// TestParseRealGitDiff reads what the real git binary writes for every kind
// of change a pull request can hold.
func TestParseRealGitDiff(t *testing.T) {
	r := gittest.New(t)
	base := map[string]string{
		"keep.go":    "package x\n\n// one\n// two\n// three\n",
		"gone.txt":   "bye\n",
		"old/ren.md": strings.Repeat("same line\n", 20),
		"nonl.txt":   "no newline",
		"ü.txt":      "umlaut\n",
		"bin.dat":    "\x00\x01\x02binary",
	}
	r.Write(base)
	r.Commit("base")
	r.Write(map[string]string{
		"keep.go":    "package x\n\n// one\n// TWO\n// three\n",
		"gone.txt":   "",
		"old/ren.md": "",
		"new/ren.md": strings.Repeat("same line\n", 20) + "added\n",
		"nonl.txt":   "no newline\nnow has one\n",
		"ü.txt":      "umlaut changed\n",
		"bin.dat":    "\x00\x01\x03binary!",
		"added.txt":  "fresh\n",
	})
	r.Commit("head")
	for _, binary := range []bool{false, true} {
		args := []string{"diff", "-M", "HEAD~1", "HEAD"}
		if binary {
			args = append(args, "--binary")
		}
		d, err := parseDiff(r.Git(args...) + "\n")
		if err != nil {
			t.Fatalf("binary=%v: %v", binary, err)
		}
		got := map[string]*fileDiff{}
		for _, f := range d.Files {
			got[f.Path()] = f
		}
		want := map[string]string{"keep.go": "modified", "gone.txt": "removed", "new/ren.md": "renamed",
			"nonl.txt": "modified", "ü.txt": "modified", "bin.dat": "modified", "added.txt": "added"}
		if len(got) != len(want) {
			t.Errorf("binary=%v: files %v, want %v", binary, keys(got), want)
		}
		for p, st := range want {
			if f := got[p]; f == nil || f.Status != st {
				t.Errorf("binary=%v: %s: %+v, want status %s", binary, p, f, st)
			}
		}
		if f := got["new/ren.md"]; f != nil && (f.OldPath != "old/ren.md" || f.Additions != 1) {
			t.Errorf("rename: %+v", f)
		}
		if f := got["bin.dat"]; f != nil && (!f.Binary || len(f.Hunks) != 0 || f.Patch != "") {
			t.Errorf("binary file: %+v", f)
		}
		if f := got["gone.txt"]; f != nil {
			if _, _, ok := f.lookup("LEFT", 1); !ok {
				t.Error("deleted file: LEFT 1 should be commentable")
			}
			if _, _, ok := f.lookup("RIGHT", 1); ok {
				t.Error("deleted file: RIGHT 1 should not exist")
			}
		}
		if f := got["nonl.txt"]; f != nil {
			// "-no newline", "\ No newline...", "+no newline", "+now has one"
			if _, _, ok := f.lookup("RIGHT", 2); !ok {
				t.Error("nonl.txt: RIGHT 2 should be commentable")
			}
			if !strings.Contains(f.Patch, `\ No newline at end of file`) {
				t.Errorf("nonl.txt patch lost its marker:\n%s", f.Patch)
			}
			if h, i, ok := f.lookup("RIGHT", 1); !ok || f.Hunks[h].Lines[i].Pos != 3 {
				t.Error("nonl.txt: the marker line takes a position, so RIGHT 1 is position 3")
			}
		}
		if f := got["added.txt"]; f != nil {
			if _, _, ok := f.lookup("RIGHT", 1); !ok {
				t.Error("new file: RIGHT 1 should be commentable")
			}
		}
	}
}

func keys(m map[string]*fileDiff) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestGitHeaderPaths(t *testing.T) {
	for _, tc := range []struct{ in, old, nw string }{
		{"a/x.go b/x.go", "x.go", "x.go"},
		{"a/with space.go b/with space.go", "with space.go", "with space.go"},
		{`"a/\303\274.txt" "b/\303\274.txt"`, "ü.txt", "ü.txt"},
		{"a/old b/new", "old", "new"},
	} {
		old, nw := gitHeaderPaths(tc.in)
		if old != tc.old || nw != tc.nw {
			t.Errorf("gitHeaderPaths(%q) = %q, %q; want %q, %q", tc.in, old, nw, tc.old, tc.nw)
		}
	}
}

func TestParseDiffWithCRLF(t *testing.T) {
	// A file with Windows line ends: git leaves the \r on every line, the
	// headers included when the diff was saved on Windows.
	raw := strings.ReplaceAll(lines("diff --git a/w.txt b/w.txt", "--- a/w.txt", "+++ b/w.txt", "@@ -1,2 +1,2 @@", " a", "-b", "+c"), "\n", "\r\n")
	d, err := parseDiff(raw)
	if err != nil {
		t.Fatal(err)
	}
	f := d.file("w.txt")
	if f == nil || f.Additions != 1 || f.Deletions != 1 {
		t.Fatalf("files = %+v", d.Files)
	}
	if _, _, ok := f.lookup("RIGHT", 2); !ok {
		t.Error("RIGHT 2 should be commentable")
	}
}
