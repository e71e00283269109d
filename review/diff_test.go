package review

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// describe renders a parse result in a stable, reviewable text form: one
// line per file, then each hunk with every line's old and new number.
func describe(d *Diff) string {
	var b strings.Builder
	for _, f := range d.Files {
		fmt.Fprintf(&b, "file old=%q new=%q status=%s binary=%v mode=%v(%s->%s) sim=%d +%d -%d omitted=%v\n",
			f.OldPath, f.NewPath, f.Status, f.Binary, f.ModeChanged, f.OldMode, f.NewMode, f.Similarity, f.Additions, f.Deletions, f.PatchOmitted)
		for _, h := range f.Hunks {
			fmt.Fprintf(&b, "  @@ -%d,%d +%d,%d @@ %s\n", h.OldStart, h.OldLines, h.NewStart, h.NewLines, h.Section)
			for _, l := range h.Lines {
				flags := ""
				if l.NoNewline {
					flags += " [no-eol]"
				}
				if l.CR {
					flags += " [cr]"
				}
				fmt.Fprintf(&b, "  %c %4d %4d %s%s\n", l.Kind, l.OldLine, l.NewLine, truncate(l.Text, 60), flags)
			}
		}
	}
	for _, u := range d.Unparsed {
		fmt.Fprintf(&b, "unparsed %q: %v\n", u.Path, u.Err)
	}
	return b.String()
}

// TestGolden parses every diff of the real corpora in testdata/diffs and
// compares a full description with testdata/golden. Regenerate with -update
// and read the change before committing it.
func TestGolden(t *testing.T) {
	var inputs []string
	for _, pat := range []string{"testdata/diffs/*/*.diff", "testdata/diffs/*/*.patch", "testdata/diffs/*/*/*.patch", "testdata/diffs/*/*.reversed"} {
		m, _ := filepath.Glob(pat)
		inputs = append(inputs, m...)
	}
	if len(inputs) < 80 {
		t.Fatalf("found only %d corpus files; testdata missing?", len(inputs))
	}
	for _, in := range inputs {
		rel := strings.TrimPrefix(in, "testdata/diffs/")
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var d *Diff
			if strings.HasPrefix(string(data), "@@") {
				// Hunks without headers: the shape of a list-files patch.
				d, err = ParsePatches([]PatchFile{{Filename: "patch", Status: "modified", Patch: string(data)}})
			} else {
				d, err = ParseGitDiff(data)
			}
			got := describe(d)
			if err != nil {
				got += "error: " + err.Error() + "\n"
			}
			golden := filepath.Join("testdata/golden", rel+".golden")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("no golden file (run with -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("parse of %s changed:\n--- got\n%s\n--- want\n%s", in, got, want)
			}
		})
	}
}

func mustParse(t *testing.T, diff string) *Diff {
	t.Helper()
	d, err := ParseGitDiff([]byte(diff))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(d.Unparsed) > 0 {
		t.Fatalf("unparsed sections: %v", d.Unparsed[0].Err)
	}
	return d
}

func TestParseLineNumbers(t *testing.T) {
	d := mustParse(t, `diff --git a/x.go b/x.go
index 1111111..2222222 100644
--- a/x.go
+++ b/x.go
@@ -2,4 +2,5 @@ func main() {
 a
-b
+B
+C
 c

@@ -20 +21,0 @@
-gone
`)
	f := d.File("x.go")
	if f == nil || f.Status != StatusModified || f.OldMode != "100644" {
		t.Fatalf("file = %+v", f)
	}
	h := f.Hunks[0]
	want := []Line{
		{Kind: LineContext, OldLine: 2, NewLine: 2, Text: "a"},
		{Kind: LineDeleted, OldLine: 3, Text: "b"},
		{Kind: LineAdded, NewLine: 3, Text: "B"},
		{Kind: LineAdded, NewLine: 4, Text: "C"},
		{Kind: LineContext, OldLine: 4, NewLine: 5, Text: "c"},
		// A context line whose leading space was stripped.
		{Kind: LineContext, OldLine: 5, NewLine: 6, Text: ""},
	}
	if len(h.Lines) != len(want) {
		t.Fatalf("got %d lines, want %d: %+v", len(h.Lines), len(want), h.Lines)
	}
	for i := range want {
		if h.Lines[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, h.Lines[i], want[i])
		}
	}
	if h.Section != "func main() {" {
		t.Errorf("section = %q", h.Section)
	}
	// "@@ -20 +21,0 @@": a count-less old range of one line, nothing new.
	h2 := f.Hunks[1]
	if h2.OldStart != 20 || h2.OldLines != 1 || h2.NewLines != 0 || h2.Lines[0].OldLine != 20 {
		t.Errorf("second hunk = %+v", h2)
	}
	if f.Additions != 2 || f.Deletions != 2 {
		t.Errorf("+%d -%d, want +2 -2", f.Additions, f.Deletions)
	}
}

func TestParseBadSectionDoesNotLoseOthers(t *testing.T) {
	d, err := ParseGitDiff([]byte(`diff --git a/ok.txt b/ok.txt
--- a/ok.txt
+++ b/ok.txt
@@ -1 +1 @@
-a
+b
diff --git a/bad.txt b/bad.txt
--- a/bad.txt
+++ b/bad.txt
@@ -1,3 +1,3 @@
-a
+b
diff --git a/ok2.txt b/ok2.txt
--- a/ok2.txt
+++ b/ok2.txt
@@ -1 +1 @@
-c
+d
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Files) != 2 || d.File("ok.txt") == nil || d.File("ok2.txt") == nil {
		t.Fatalf("files = %s", describe(d))
	}
	if len(d.Unparsed) != 1 || d.Unparsed[0].Path != "bad.txt" || !strings.Contains(d.Unparsed[0].Err.Error(), "truncated") {
		t.Fatalf("unparsed = %+v", d.Unparsed)
	}
}

func TestParseQuotedAndNonASCIIPaths(t *testing.T) {
	d := mustParse(t, `diff --git "a/dir with space/\303\244.txt" "b/dir with space/\303\244.txt"
index 1111111..2222222 100644
--- "a/dir with space/\303\244.txt"
+++ "b/dir with space/\303\244.txt"
@@ -1 +1 @@
-x
+y
`)
	if d.File("dir with space/ä.txt") == nil {
		t.Fatalf("quoted path not decoded: %s", describe(d))
	}
}

func TestParsePatchesFromListFiles(t *testing.T) {
	d, err := ParsePatches([]PatchFile{
		{Filename: "new.go", Status: "renamed", PreviousFilename: "old.go", Patch: "@@ -1,2 +1,2 @@\n package x\n-var a = 1\n+var a = 2"},
		{Filename: "big.json", Status: "modified", Additions: 9000, Deletions: 10},
		{Filename: "gone.txt", Status: "removed", Patch: "@@ -1 +0,0 @@\n-bye"},
		{Filename: "bad.go", Status: "modified", Patch: "not a hunk"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := d.File("new.go")
	if f == nil || f.OldPath != "old.go" || f.Status != StatusRenamed || f.Hunks[0].Lines[2].NewLine != 2 || f.Hunks[0].Lines[2].NoNewline {
		t.Fatalf("renamed file = %s", describe(d))
	}
	if big := d.File("big.json"); big == nil || !big.PatchOmitted {
		t.Fatalf("omitted patch not marked: %+v", big)
	}
	if g := d.File("gone.txt"); g == nil || g.Status != StatusDeleted || g.NewPath != "" {
		t.Fatalf("deleted = %+v", g)
	}
	if len(d.Unparsed) != 1 || d.Unparsed[0].Path != "bad.go" {
		t.Fatalf("unparsed = %+v", d.Unparsed)
	}
}

func TestParseRealGitCRLFRenameBinaryMode(t *testing.T) {
	r := gittest.New(t)
	body := strings.Repeat("line of a file that stays the same\n", 20)
	r.Write(map[string]string{
		"crlf.txt": "one\r\ntwo\r\nthree\r\n", "moved/old.go": body + "func A() {}\n",
		"bin.dat": "\x00\x01\x02binary", "script.sh": "echo hi\n", "noeol.txt": "a\nb",
	})
	r.Commit("base")
	r.Git("mv", "moved/old.go", "moved/new.go")
	r.Write(map[string]string{
		"crlf.txt": "one\r\nTWO\r\nthree\r\n", "moved/new.go": body + "func B() {}\n",
		"bin.dat": "\x00\x01\x03binary!", "noeol.txt": "a\nc",
	})
	r.Git("add", "-A")
	r.Git("update-index", "--chmod=+x", "script.sh")
	r.Git("commit", "-qm", "head")
	out := r.Git("diff", "-M", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/", "HEAD~1", "HEAD")
	d := mustParse(t, out+"\n") // Git trims its output; a diff ends in a newline

	crlf := d.File("crlf.txt")
	if crlf == nil || len(crlf.Hunks) != 1 {
		t.Fatalf("crlf: %s", describe(d))
	}
	var added *Line
	for i, l := range crlf.Hunks[0].Lines {
		if l.Kind == LineAdded {
			added = &crlf.Hunks[0].Lines[i]
		}
	}
	if added == nil || added.Text != "TWO" || !added.CR || added.NewLine != 2 {
		t.Errorf("CRLF line = %+v", added)
	}
	mv := d.File("moved/new.go")
	if mv == nil || mv.Status != StatusRenamed || mv.OldPath != "moved/old.go" || mv.Similarity < 50 {
		t.Errorf("rename = %+v", mv)
	}
	if d.File("moved/old.go") != mv {
		t.Errorf("old path of a rename does not resolve to the renamed file")
	}
	if b := d.File("bin.dat"); b == nil || !b.Binary || len(b.Hunks) != 0 {
		t.Errorf("binary = %+v", b)
	}
	if s := d.File("script.sh"); s == nil || s.Status != StatusModeChanged || s.OldMode != "100644" || s.NewMode != "100755" {
		t.Errorf("mode change = %+v", s)
	}
	ne := d.File("noeol.txt")
	last := ne.Hunks[0].Lines[len(ne.Hunks[0].Lines)-1]
	if last.Text != "c" || !last.NoNewline || last.NewLine != 2 {
		t.Errorf("no-newline line = %+v\n%s", last, describe(d))
	}
}
