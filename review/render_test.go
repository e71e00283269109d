package review

import (
	"bytes"
	"encoding/json"
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
