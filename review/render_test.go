package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestFenceOutgrowsBackticks(t *testing.T) {
	got := Fence("a\n```go\nx\n```\n````\n", "suggestion")
	if !strings.HasPrefix(got, "`````suggestion\n") || !strings.HasSuffix(got, "\n`````") {
		t.Fatalf("fence = %q", got)
	}
	if got := Fence("plain", ""); got != "```\nplain\n```" {
		t.Fatalf("plain fence = %q", got)
	}
}

func TestCommentBodySuggestionOnlyInline(t *testing.T) {
	f := Finding{Severity: "major", Category: "bug", Title: "Off by\none", Body: "Loop ends early.", Suggestion: "for i := 0; i <= n; i++ {", Anchor: "inline", Fingerprint: "abc123"}
	body := CommentBody(f)
	for _, want := range []string{"**major** · bug · Off by one", "```suggestion\nfor i := 0; i <= n; i++ {\n```", "<!-- reviewbot:finding:abc123 -->"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	f.Anchor = "file"
	if strings.Contains(CommentBody(f), "```suggestion") {
		t.Error("suggestion rendered on a file-level comment")
	}
}

func TestTruncateCutsOutsideFences(t *testing.T) {
	md := "intro\n```\n" + strings.Repeat("code line\n", 100) + "```\nafter\n"
	got := Truncate(md, 500)
	if len(got) > 500 {
		t.Fatalf("len %d > 500", len(got))
	}
	if strings.Count(got, "```")%2 != 0 {
		t.Fatalf("cut inside a fence:\n%s", got)
	}
	if !strings.HasPrefix(got, "intro\n") || !strings.Contains(got, "truncated") {
		t.Fatalf("got %q", got)
	}
	if Truncate("short", 100) != "short" {
		t.Error("short text changed")
	}
}

func sampleResult() *Result {
	r := newResult()
	r.Repo, r.Base, r.Head, r.Tier, r.RouteReason, r.Risk = "o/r", "1111111111111111", "2222222222222222", "team", "auto: touches auth/", "high"
	r.Summary = "Adds login | logout."
	r.Walkthrough = []WalkthroughRow{{Path: "auth/login.go", Change: "new | handler\nwith two lines"}}
	r.Findings = []Finding{
		{Path: "auth/login.go", Line: 3, Severity: "major", Category: "security", Title: "Token logged", Body: "Do not log it.", Anchor: "inline"},
		{Path: "auth/login.go", Line: 90, Severity: "minor", Category: "bug", Title: "Stale", Body: "Old code.", Anchor: "summary", AnchorReason: "line 90 (RIGHT) is outside the changed hunks"},
	}
	r.Impact = []Impact{{Symbol: "auth.Login", Summary: "signature changed", Locations: []string{"api/h.go:17"}}}
	r.Skipped = []SkippedFile{{Path: "go.sum", Reason: "lock file"}}
	r.Usage.InputTokens, r.Usage.OutputTokens, r.Usage.CostUSD, r.Usage.Calls = 1200, 300, 0.0081, 2
	r.DurationMS = 4200
	return r
}

func TestMarkdownSummary(t *testing.T) {
	md := Markdown(sampleResult())
	for _, want := range []string{
		SummaryMarker, "**Risk:** high", "**Tier:** team", "`222222222222`", "auto: touches auth/",
		"| `auth/login.go` | new \\| handler with two lines |",
		"`auth.Login` — signature changed: `api/h.go:17`",
		"**1 finding(s)** are posted as review comments.",
		"`auth/login.go:90` Stale — Old code. _(line 90 (RIGHT) is outside the changed hunks)_",
		"| `go.sum` | lock file |",
		"2 call(s) · 1200 input / 300 output tokens", "$0.0081", "4.2 s",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "estimated") {
		t.Error("a real run's footer says estimated")
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, newResult()); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"repo", "base", "head", "tier", "route_reason", "summary", "risk", "findings", "impact", "skipped", "usage", "duration_ms"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks SPEC key %q", k)
		}
	}
	for _, k := range []string{"findings", "impact", "skipped"} {
		if _, ok := m[k].([]any); !ok {
			t.Errorf("%s = %v, want a list (never null)", k, m[k])
		}
	}
	u := m["usage"].(map[string]any)
	for _, k := range []string{"calls", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd", "estimated"} {
		if _, ok := u[k]; !ok {
			t.Errorf("usage lacks %q", k)
		}
	}
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	var plain, col bytes.Buffer
	Text(&plain, sampleResult(), false)
	Text(&col, sampleResult(), true)
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain text has escape codes")
	}
	if !strings.Contains(col.String(), "\x1b[31mMAJOR\x1b[0m") {
		t.Errorf("coloured text lacks a coloured severity:\n%s", col.String())
	}
	if !strings.Contains(plain.String(), "MAJOR auth/login.go:3 [security, inline] Token logged") {
		t.Errorf("text:\n%s", plain.String())
	}
}

// cellDelimiters counts the | that split a GFM table row: those not
// escaped by a backslash.
func cellDelimiters(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

// tableRows returns the rows of the markdown table under a heading line.
func tableRows(t *testing.T, md, heading string) []string {
	t.Helper()
	i := strings.Index(md, heading)
	if i < 0 {
		t.Fatalf("no %q in:\n%s", heading, md)
	}
	var rows []string
	started := false
	for _, l := range strings.Split(md[i:], "\n")[1:] {
		if strings.HasPrefix(l, "|") {
			started = true
			rows = append(rows, l)
		} else if started {
			break
		}
	}
	return rows
}

// TestMarkdownTablesSurviveHostilePaths is the regression test for paths
// that broke the summary's tables: a | split the row, a newline ended it.
func TestMarkdownTablesSurviveHostilePaths(t *testing.T) {
	hostile := []string{"a|b.go", "new\nline.go", "tick`s.go", "<script>x</script>.go", "esc\x1b[31m.go"}
	r := sampleResult()
	r.Walkthrough = nil
	r.Skipped = nil
	for _, p := range hostile {
		r.Files = append(r.Files, FileEntry{Path: p, Status: "modified", Additions: 1, Reviewed: true})
		r.Skipped = append(r.Skipped, SkippedFile{Path: p, Reason: "lock | file\nreally"})
	}
	md := Markdown(r)
	files := tableRows(t, md, "### Files")
	skipped := tableRows(t, md, "file(s) not reviewed</summary>")
	if len(files) != 2+len(hostile) || len(skipped) != 2+len(hostile) {
		t.Fatalf("rows: files %d, skipped %d, want %d each:\n%s", len(files), len(skipped), 2+len(hostile), md)
	}
	for _, row := range files {
		if n := cellDelimiters(row); n != 5 {
			t.Errorf("files row has %d cell delimiters, want 5: %q", n, row)
		}
	}
	for _, row := range skipped {
		if n := cellDelimiters(row); n != 3 {
			t.Errorf("skipped row has %d cell delimiters, want 3: %q", n, row)
		}
	}
	for _, want := range []string{"`a\\|b.go`", "`new\\nline.go`", "`` tick`s.go ``", "`<script>x</script>.go`", "`esc\\x1b[31m.go`"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %s", want)
		}
	}
	if strings.Contains(md, "\x1b") {
		t.Error("an escape character reached the markdown")
	}
	r.Walkthrough = []WalkthroughRow{{Path: "w|x.go", Change: "c"}}
	if rows := tableRows(t, Markdown(r), "### Walkthrough"); len(rows) != 3 || cellDelimiters(rows[2]) != 3 {
		t.Errorf("walkthrough rows = %q", rows)
	}
	var text bytes.Buffer
	Text(&text, r, false)
	if strings.Contains(text.String(), "\x1b") || !strings.Contains(text.String(), `new\nline.go: lock | file`) {
		t.Errorf("text output does not escape control characters in paths:\n%s", text.String())
	}
}

// TestMarkdownMarksSkippedFiles: the files table says which files were
// reviewed, and points to the skipped list for the others, including one
// the filter kept but the model did not review.
func TestMarkdownMarksSkippedFiles(t *testing.T) {
	r := sampleResult()
	r.Walkthrough = nil
	r.Files = []FileEntry{
		{Path: "auth/login.go", Status: "modified", Additions: 3, Deletions: 1, Reviewed: true},
		{Path: "go.sum", Status: "modified", Additions: 2, Reviewed: false},
		{Path: "gen/huge.go", Status: "added", Additions: 9000, Reviewed: true},
	}
	r.Skipped = []SkippedFile{{Path: "go.sum", Reason: "lock file"}, {Path: "gen/huge.go", Reason: "not reviewed by the model: too large"}}
	md := Markdown(r)
	for _, want := range []string{
		"| File | Status | Lines | Review |",
		"| `auth/login.go` | modified | +3 −1 | reviewed |",
		"| `go.sum` | modified | +2 −0 | skipped, see below |",
		"| `gen/huge.go` | added | +9000 −0 | skipped, see below |",
		"<summary>2 file(s) not reviewed</summary>",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// TestMarkdownLinksLocations: with the repository's web address, impact
// locations and findings not posted inline link to their lines, RIGHT at
// the head commit and LEFT at the base commit under the old path.
func TestMarkdownLinksLocations(t *testing.T) {
	r := sampleResult()
	r.WebURL = "https://github.com/o/r"
	r.Impact = []Impact{{Symbol: "auth.Login", Summary: "signature changed", Locations: []string{"api/h.go:17", "docs/my file.go:3", "README"}}}
	r.Findings = append(r.Findings,
		Finding{Path: "auth/login.go", Line: 42, StartLine: 40, Side: "RIGHT", Severity: "minor", Category: "bug", Title: "Range", Body: "b", Anchor: "summary"},
		Finding{Path: "auth/login.go", Line: 7, Side: "LEFT", Severity: "minor", Category: "bug", Title: "Removed", Body: "b", Anchor: "summary"},
	)
	r.Files = []FileEntry{{Path: "auth/login.go", OldPath: "auth/signin.go", Status: "renamed", Reviewed: true}}
	md := Markdown(r)
	for _, want := range []string{
		"[`api/h.go:17`](https://github.com/o/r/blob/2222222222222222/api/h.go#L17)",
		"[`docs/my file.go:3`](https://github.com/o/r/blob/2222222222222222/docs/my%20file.go#L3)",
		"[`README`](https://github.com/o/r/blob/2222222222222222/README)",
		"[`auth/login.go:90`](https://github.com/o/r/blob/2222222222222222/auth/login.go#L90)",
		"[`auth/login.go:40-42`](https://github.com/o/r/blob/2222222222222222/auth/login.go#L40-L42)",
		"[`auth/login.go:7`](https://github.com/o/r/blob/1111111111111111/auth/signin.go#L7)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %s:\n%s", want, md)
		}
	}
	// Without a web address nothing is linked.
	r.WebURL = ""
	if md := Markdown(r); strings.Contains(md, "](http") {
		t.Errorf("links without a web address:\n%s", md)
	}
}

// TestFreeTierShowsNoTeamSections is the regression test for a free-tier
// result (a free dry run computes the impact list) that showed the team
// tier's downstream impact and findings.
func TestFreeTierShowsNoTeamSections(t *testing.T) {
	r := sampleResult()
	r.Tier = "free"
	md := Markdown(r)
	var text bytes.Buffer
	Text(&text, r, false)
	for name, out := range map[string]string{"markdown": md, "text": text.String()} {
		for _, banned := range []string{"Downstream impact", "Findings", "finding(s)", "auth.Login", "Token logged"} {
			if strings.Contains(out, banned) {
				t.Errorf("free-tier %s shows %q:\n%s", name, banned, out)
			}
		}
		if !strings.Contains(out, "Adds login") || !strings.Contains(out, "go.sum") {
			t.Errorf("free-tier %s lost its own sections:\n%s", name, out)
		}
	}
	// The team tier shows them.
	r.Tier = "team"
	text.Reset()
	Text(&text, r, false)
	if md := Markdown(r); !strings.Contains(md, "### Downstream impact") || !strings.Contains(md, "### Findings not posted inline") || !strings.Contains(text.String(), "Downstream impact (1)") {
		t.Errorf("team tier lost its sections:\n%s\n%s", md, text.String())
	}
}

func TestGitHubWebURL(t *testing.T) {
	for remote, want := range map[string]string{
		"https://github.com/reviewbot/reviewbot.git":           "https://github.com/reviewbot/reviewbot",
		"https://github.com/reviewbot/reviewbot":               "https://github.com/reviewbot/reviewbot",
		"https://x-access-token:ghs_secret@github.com/o/r.git": "https://github.com/o/r",
		"git@github.com:o/r.git":                               "https://github.com/o/r",
		"ssh://git@github.com/o/r.git":                         "https://github.com/o/r",
		"ssh://git@github.com:22/o/r":                          "https://github.com/o/r",
		"  git@GitHub.com:o/r.git\n":                           "https://github.com/o/r",
		"https://gitlab.com/o/r.git":                           "",
		"git@gitlab.com:o/r.git":                               "",
		"https://github.com/o":                                 "",
		"https://github.com/o/r/tree/main":                     "",
		"/srv/git/r.git":                                       "",
		"../r":                                                 "",
		"https://github.com.evil.example/o/r":                  "",
		"https://github.com/o/r%20x":                           "",
	} {
		if got := GitHubWebURL(remote); got != want {
			t.Errorf("GitHubWebURL(%q) = %q, want %q", remote, got, want)
		}
	}
}

func TestTextCapsImpactLocationsJSONKeepsThem(t *testing.T) {
	r := sampleResult()
	var locs []string
	for i := 1; i <= maxTextLocations+7; i++ {
		locs = append(locs, fmt.Sprintf("lib/util.go:%d", i))
	}
	r.Impact = []Impact{{Symbol: "util.Helper", Summary: "signature changed; 32 references in 1 file", Locations: locs}}
	var text, js bytes.Buffer
	Text(&text, r, false)
	if !showsTeamSections(r) {
		t.Fatal("sample result shows no team sections")
	}
	out := text.String()
	if !strings.Contains(out, fmt.Sprintf("lib/util.go:%d\n", maxTextLocations)) || strings.Contains(out, fmt.Sprintf("lib/util.go:%d\n", maxTextLocations+1)) {
		t.Errorf("text does not stop at %d locations:\n%s", maxTextLocations, out)
	}
	if !strings.Contains(out, "... and 7 more (--format json lists them all)") {
		t.Errorf("text does not say how many were left out:\n%s", out)
	}
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), fmt.Sprintf(`"lib/util.go:%d"`, maxTextLocations+7)) {
		t.Errorf("JSON lost locations past the text cap")
	}
}
