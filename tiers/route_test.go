package tiers

import (
	"strings"
	"testing"
)

func TestRoute(t *testing.T) {
	tests := []struct {
		name      string
		requested Tier
		signals   Signals
		want      Tier
		reason    string
	}{
		{"free requested", Free, Signals{Files: 30, ChangedLines: 2000, RiskyPaths: []string{"auth/login.go"}}, Free, "requested: free"},
		{"team requested", Team, Signals{Files: 1, ChangedLines: 1, DocsOnly: true}, Team, "requested: team"},
		{"no files", Auto, Signals{}, Free, "auto: no reviewable files -> free"},
		{"docs only", Auto, Signals{Files: 3, ChangedLines: 400, DocsOnly: true}, Free, "auto: 3 files, 400 changed lines, documentation only -> free"},
		{"generated only", Auto, Signals{Files: 2, ChangedLines: 9000, GeneratedOnly: true}, Free, "auto: 2 files, 9000 changed lines, generated or lock files only -> free"},
		{"trivial", Auto, Signals{Files: 1, ChangedLines: 4, Languages: []string{"Go"}}, Free, "auto: 1 file, 4 changed lines, trivial change -> free"},
		{"risky beats trivial", Auto, Signals{Files: 1, ChangedLines: 2, RiskyPaths: []string{"internal/auth/token.go"}}, Team, "auto: 1 file, 2 changed lines, touches internal/auth/token.go -> team"},
		{"several risky paths", Auto, Signals{Files: 3, ChangedLines: 412, RiskyPaths: []string{"auth/a.go", "db/migrations/1.sql"}}, Team, "auto: 3 files, 412 changed lines, touches auth/a.go and 1 more risky path -> team"},
		{"ordinary change", Auto, Signals{Files: 5, ChangedLines: 120, Languages: []string{"Go", "Python"}}, Team, "auto: 5 files, 120 changed lines in Go, Python -> team"},
		{"just over trivial", Auto, Signals{Files: 2, ChangedLines: 21}, Team, "auto: 2 files, 21 changed lines -> team"},
		{"small change over several files", Auto, Signals{Files: 5, ChangedLines: 12}, Free, "auto: 5 files, 12 changed lines, trivial change -> free"},
		{"too many files to be trivial", Auto, Signals{Files: 6, ChangedLines: 12}, Team, "auto: 6 files, 12 changed lines -> team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Route(tt.requested, tt.signals)
			if d.Tier != tt.want || d.Reason != tt.reason {
				t.Errorf("Route = %+v, want %s %q", d, tt.want, tt.reason)
			}
		})
	}
}

func TestIsRiskyPath(t *testing.T) {
	tests := map[string]bool{
		"internal/auth/session.go":         true,
		"pkg/crypto/aes.go":                true,
		"lib/encryption.py":                true,
		"db/migrations/0001_init.sql":      true,
		"services/payments/refund.go":      true,
		"security/policy.md":               true,
		".github/workflows/release.yml":    true,
		"action.yml":                       true,
		"tools/deploy/action.yaml":         true,
		".github/CODEOWNERS":               true,
		".gitmodules":                      true,
		"docs/actions.md":                  false,
		"api/oauth_callback.ts":            true,
		"AUTHORS":                          false,
		"docs/authoring-guide.md":          true, // "authoring" starts with auth: a false alarm the router accepts
		"pkg/tokenizer/split.go":           false,
		"cmd/server/main.go":               false,
		"web/components/Button.tsx":        false,
		"internal/render/markdown_test.go": false,
	}
	for p, want := range tests {
		if got := IsRiskyPath(p); got != want {
			t.Errorf("IsRiskyPath(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestMeasureSignals(t *testing.T) {
	tests := []struct {
		name  string
		files []File
		want  string // Route(Auto) reason
	}{
		{"docs", []File{{Path: "README.md", Added: 3}, {Path: "docs/setup.rst", Added: 50}}, "documentation only -> free"},
		{"lock files", []File{{Path: "go.sum", Added: 300}, {Path: "web/package-lock.json", Added: 900}}, "generated or lock files only -> free"},
		{"mixed", []File{{Path: "README.md", Added: 3}, {Path: "main.go", Language: "Go", Added: 30, Removed: 5}}, "2 files, 38 changed lines in Go -> team"},
		{"renamed out of auth", []File{{Path: "lib/x.go", OldPath: "auth/x.go", Added: 1}}, "touches lib/x.go -> team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Route(Auto, MeasureSignals(tt.files))
			if !strings.HasSuffix(d.Reason, tt.want) {
				t.Errorf("reason = %q, want suffix %q", d.Reason, tt.want)
			}
		})
	}
}

func TestParseTier(t *testing.T) {
	for in, want := range map[string]Tier{"free": Free, " Team ": Team, "AUTO": Auto} {
		if got, err := ParseTier(in); err != nil || got != want {
			t.Errorf("ParseTier(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseTier("gold"); err == nil || !strings.Contains(err.Error(), "free, team or auto") {
		t.Errorf("ParseTier(gold) error = %v", err)
	}
}
