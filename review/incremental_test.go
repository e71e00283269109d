package review

import (
	"strings"
	"testing"
)

// The PR changed two hunks of a.go and all of b.go; since the last review
// only the second hunk of a.go changed (line 41 of the head).
const incrPR = `diff --git a/a.go b/a.go
--- a/a.go
+++ b/a.go
@@ -10,3 +10,3 @@
 ctx10
-old11
+new11
 ctx12
@@ -40,3 +40,3 @@
 ctx40
-old41
+newer41
 ctx42
diff --git a/b.go b/b.go
--- a/b.go
+++ b/b.go
@@ -1,2 +1,2 @@
-x
+y
 z
`

const incrSince = `diff --git a/a.go b/a.go
--- a/a.go
+++ b/a.go
@@ -40,3 +40,3 @@
 ctx40
-new41
+newer41
 ctx42
`

func TestFocusFilesKeepsOnlyTouchedHunks(t *testing.T) {
	pr, since := mustParse(t, incrPR), mustParse(t, incrSince)
	kept, _ := FilterFiles(pr, &Config{}, nil)
	focus, note := focusFiles(kept, since)
	if len(focus) != 1 || focus[0].Path() != "a.go" {
		t.Fatalf("focus = %v, want only a.go", focus)
	}
	if h := focus[0].Hunks; len(h) != 1 || h[0].NewStart != 40 {
		t.Fatalf("hunks = %+v, want only the hunk at 40", h)
	}
	if focus[0].Additions != 1 || focus[0].Deletions != 1 {
		t.Errorf("counts = +%d -%d", focus[0].Additions, focus[0].Deletions)
	}
	if len(kept[0].Hunks) != 2 {
		t.Error("focusing must not change the PR's own file")
	}
	if !strings.Contains(note, "1 of 2") {
		t.Errorf("note = %q", note)
	}
	// The patch the premium tier sees carries only that hunk.
	p := NumberedPatch(focus[0].FileDiff)
	if strings.Contains(p, "new11") || !strings.Contains(p, "R41 +newer41") {
		t.Errorf("patch = %s", p)
	}
}

func TestFocusFilesDeletionOnlyChange(t *testing.T) {
	pr := mustParse(t, incrPR)
	since := mustParse(t, "diff --git a/b.go b/b.go\n--- a/b.go\n+++ b/b.go\n@@ -1,3 +1,2 @@\n y\n-gone\n z\n")
	kept, _ := FilterFiles(pr, &Config{}, nil)
	focus, _ := focusFiles(kept, since)
	if len(focus) != 1 || focus[0].Path() != "b.go" {
		t.Fatalf("a deletion since the last review focuses the hunk around it: %v", focus)
	}
}
