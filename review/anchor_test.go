package review

import (
	"os"
	"path/filepath"
	"testing"
)

const anchorDiff = `diff --git a/a.go b/a.go
--- a/a.go
+++ b/a.go
@@ -10,5 +10,6 @@ func f() {
 ctx10
-old11
+new11
+new12
 ctx12
 ctx13
 ctx14
@@ -40,3 +41,3 @@ func g() {
 ctx40
-old41
+new42
 ctx42
@@ -60,2 +61,0 @@
-del60
-del61
diff --git a/gone.go b/gone.go
deleted file mode 100644
--- a/gone.go
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/img.png b/img.png
Binary files a/img.png and b/img.png differ
diff --git a/old/name.go b/new/name.go
similarity index 90%
rename from old/name.go
rename to new/name.go
--- a/old/name.go
+++ b/new/name.go
@@ -1,2 +1,2 @@
-a
+b
 c
`

func TestAnchor(t *testing.T) {
	d := mustParse(t, anchorDiff)
	tests := []struct {
		name       string
		path       string
		start, end int
		side       Side
		want       AnchorKind
		suggestion bool
		wantPath   string
	}{
		{"added line", "a.go", 0, 11, SideRight, AnchorInline, true, "a.go"},
		{"range of added and context", "a.go", 10, 15, SideRight, AnchorInline, true, "a.go"},
		{"range runs past hunk end", "a.go", 14, 16, SideRight, AnchorFile, false, "a.go"},
		{"range spans two hunks", "a.go", 12, 42, SideRight, AnchorFile, false, "a.go"},
		{"line between hunks", "a.go", 0, 30, SideRight, AnchorFile, false, "a.go"},
		{"deleted line on LEFT", "a.go", 0, 11, SideLeft, AnchorInline, false, "a.go"},
		{"context line on LEFT by old number", "a.go", 12, 14, SideLeft, AnchorInline, false, "a.go"},
		{"pure deletion hunk LEFT", "a.go", 60, 61, SideLeft, AnchorInline, false, "a.go"},
		{"pure deletion hunk has no RIGHT lines", "a.go", 0, 61, SideRight, AnchorFile, false, "a.go"},
		{"second hunk new numbering", "a.go", 41, 43, SideRight, AnchorInline, true, "a.go"},
		{"old numbering is not new numbering", "a.go", 0, 40, SideRight, AnchorFile, false, "a.go"},
		{"start after end", "a.go", 12, 11, SideRight, AnchorFile, false, "a.go"},
		{"zero line", "a.go", 0, 0, SideRight, AnchorFile, false, "a.go"},
		{"unknown side", "a.go", 0, 11, Side("MIDDLE"), AnchorFile, false, "a.go"},
		{"default side is RIGHT", "a.go", 0, 11, "", AnchorInline, true, "a.go"},
		{"file not in diff", "b.go", 0, 1, SideRight, AnchorSummary, false, "b.go"},
		{"deleted file LEFT", "gone.go", 1, 2, SideLeft, AnchorInline, false, "gone.go"},
		{"deleted file RIGHT", "gone.go", 0, 1, SideRight, AnchorFile, false, "gone.go"},
		{"binary file", "img.png", 0, 1, SideRight, AnchorFile, false, "img.png"},
		{"renamed file by new path", "new/name.go", 0, 1, SideRight, AnchorInline, true, "new/name.go"},
		{"renamed file by old path answers with new path", "old/name.go", 0, 1, SideLeft, AnchorInline, false, "new/name.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := d.Anchor(tt.path, tt.start, tt.end, tt.side)
			if a.Kind != tt.want || a.Suggestion != tt.suggestion || a.Path != tt.wantPath {
				t.Fatalf("Anchor(%s, %d, %d, %s) = %+v, want kind %s suggestion %v path %s", tt.path, tt.start, tt.end, tt.side, a, tt.want, tt.suggestion, tt.wantPath)
			}
			if a.Kind != AnchorInline && a.Reason == "" {
				t.Errorf("downgrade without a reason: %+v", a)
			}
		})
	}
}

func TestLinesOf(t *testing.T) {
	f := mustParse(t, anchorDiff).File("a.go")
	got, ok := f.LinesOf(SideRight, 11, 13)
	if !ok || len(got) != 3 || got[0] != "new11" || got[1] != "new12" || got[2] != "ctx12" {
		t.Fatalf("RIGHT 11-13 = %q %v", got, ok)
	}
	got, ok = f.LinesOf(SideLeft, 11, 12)
	if !ok || len(got) != 2 || got[0] != "old11" || got[1] != "ctx12" {
		t.Fatalf("LEFT 11-12 = %q %v", got, ok)
	}
	if _, ok := f.LinesOf(SideRight, 14, 20); ok {
		t.Fatal("range outside a hunk reported as present")
	}
}

// checkInlineInvariant is the property GitHub enforces: an inline anchor's
// every line exists on its side within one hunk. It is checked by walking
// the hunk lines, independently of the arithmetic Anchor uses.
func checkInlineInvariant(t *testing.T, d *Diff, a Anchor) {
	t.Helper()
	if a.Kind != AnchorInline {
		if a.Suggestion {
			t.Fatalf("suggestion allowed on non-inline anchor %+v", a)
		}
		return
	}
	if a.Suggestion && a.Side != SideRight {
		t.Fatalf("suggestion allowed on %s side", a.Side)
	}
	f := d.File(a.Path)
	if f == nil {
		t.Fatalf("inline anchor on file not in diff: %+v", a)
	}
	for _, h := range f.Hunks {
		seen := map[int]bool{}
		for _, l := range h.Lines {
			n := l.NewLine
			if a.Side == SideLeft {
				n = l.OldLine
			}
			if n > 0 {
				seen[n] = true
			}
		}
		all := true
		for n := a.StartLine; n <= a.Line; n++ {
			if !seen[n] {
				all = false
				break
			}
		}
		if all {
			return
		}
	}
	t.Fatalf("inline anchor %+v is not inside one hunk", a)
}

func FuzzAnchor(f *testing.F) {
	f.Add(anchorDiff, "a.go", 10, 15, true)
	f.Add(anchorDiff, "a.go", 60, 61, false)
	f.Add(anchorDiff, "old/name.go", 1, 1, false)
	f.Fuzz(func(t *testing.T, diff, path string, start, end int, right bool) {
		d, _ := ParseGitDiff([]byte(diff))
		if d == nil {
			return
		}
		side := SideLeft
		if right {
			side = SideRight
		}
		checkInlineInvariant(t, d, d.Anchor(path, start, end, side))
		// Every file's every line must anchor inline on its own side.
		for _, fd := range d.Files {
			for _, h := range fd.Hunks {
				for _, l := range h.Lines {
					if l.NewLine > 0 {
						a := d.Anchor(fd.Path(), 0, l.NewLine, SideRight)
						if a.Kind != AnchorInline {
							t.Fatalf("line %d present on RIGHT but anchored %+v", l.NewLine, a)
						}
					}
				}
			}
		}
	})
}

func FuzzParseGitDiff(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/diffs/*/*.diff")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil && len(data) < 4096 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseGitDiff(data)
		if d == nil {
			t.Fatalf("nil diff (err %v)", err)
		}
		for _, fd := range d.Files {
			if fd.Path() == "" {
				t.Fatalf("file without path: %+v", fd)
			}
			if d.File(fd.Path()) == nil {
				t.Fatalf("file %q not indexed", fd.Path())
			}
			add, del := 0, 0
			for _, h := range fd.Hunks {
				oldNo, newNo := 0, 0
				for _, l := range h.Lines {
					switch l.Kind {
					case LineAdded:
						add++
						if l.OldLine != 0 || l.NewLine < 1 || l.NewLine <= newNo {
							t.Fatalf("bad added line numbering %+v", l)
						}
						newNo = l.NewLine
					case LineDeleted:
						del++
						if l.NewLine != 0 || l.OldLine < 1 || l.OldLine <= oldNo {
							t.Fatalf("bad deleted line numbering %+v", l)
						}
						oldNo = l.OldLine
					default:
						if l.OldLine <= oldNo || l.NewLine <= newNo {
							t.Fatalf("bad context numbering %+v", l)
						}
						oldNo, newNo = l.OldLine, l.NewLine
					}
				}
			}
			if add != fd.Additions || del != fd.Deletions {
				t.Fatalf("counts +%d -%d, file says +%d -%d", add, del, fd.Additions, fd.Deletions)
			}
		}
	})
}
