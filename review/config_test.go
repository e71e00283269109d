package review

import (
	"errors"
	"strings"
	"testing"
)

func TestApplyYAMLFull(t *testing.T) {
	c := DefaultConfig()
	warnings, err := c.ApplyYAML(".github/reviewbot.yml", []byte(`
tier: team
paths:
  include: ["src/**"]
  exclude: "src/gen/**"
instructions: |
  Prefer errors.Is.
path_instructions:
  "**/*.sql": "check indexes"
  "api/**": "check auth"
auto_review: {enabled: false, drafts: true, base_branches: [main, "release/*"]}
max_comments: 7
min_severity: major
language: Deutsch
`))
	if err != nil || len(warnings) != 0 {
		t.Fatalf("err %v warnings %v", err, warnings)
	}
	if c.Tier != "team" || c.Include[0] != "src/**" || c.Exclude[0] != "src/gen/**" || c.Instructions != "Prefer errors.Is.\n" {
		t.Errorf("config = %+v", c)
	}
	if len(c.PathInstructions) != 2 || c.PathInstructions[1] != (PathInstruction{Glob: "api/**", Text: "check auth"}) {
		t.Errorf("path instructions = %+v (order must follow the file)", c.PathInstructions)
	}
	if c.AutoReview.Enabled || !c.AutoReview.Drafts || len(c.AutoReview.BaseBranches) != 2 {
		t.Errorf("auto_review = %+v", c.AutoReview)
	}
	if c.MaxComments != 7 || c.MinSeverity != "major" || c.Language != "Deutsch" {
		t.Errorf("scalars = %+v", c)
	}
	if c.Origins["tier"] != "file .github/reviewbot.yml" || c.Origins["fail_on"] != "default" {
		t.Errorf("origins = %v", c.Origins)
	}
	if got := c.InstructionsFor("db/x.sql"); len(got) != 1 || got[0] != "check indexes" {
		t.Errorf("InstructionsFor = %v", got)
	}
}

func TestApplyYAMLUnknownKeysAreWarningsWithLines(t *testing.T) {
	c := DefaultConfig()
	warnings, err := c.ApplyYAML("cfg.yml", []byte("tier: free\npathz:\n  include: [a]\npaths:\n  exclud: [b]\nzzzzzzzz: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`cfg.yml:2: unknown key "pathz" ignored (did you mean "paths"?)`,
		`cfg.yml:5: unknown key "paths.exclud" ignored (did you mean "paths.exclude"?)`,
		`cfg.yml:6: unknown key "zzzzzzzz" ignored (known keys:`,
	}
	if len(warnings) != len(want) {
		t.Fatalf("warnings = %v", warnings)
	}
	for i, w := range want {
		if !strings.HasPrefix(warnings[i].String(), w) {
			t.Errorf("warning %d = %q, want prefix %q", i, warnings[i], w)
		}
	}
	if c.Tier != "free" {
		t.Errorf("known keys beside unknown ones must still apply; tier = %q", c.Tier)
	}
}

func TestApplyYAMLErrorsNameEveryProblem(t *testing.T) {
	c := DefaultConfig()
	_, err := c.ApplyYAML("cfg.yml", []byte("tier: gold\nmax_comments: lots\nmin_severity: nit\npaths:\n  include: [\"src/[\"]\n"))
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want ConfigError", err)
	}
	msg := err.Error()
	for _, want := range []string{`cfg.yml:1: tier must be one of free, team, auto, not "gold"`, "cfg.yml:2: wrong type", `cfg.yml:5: invalid glob "src/["`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if c.MinSeverity != "nit" {
		t.Errorf("valid values must still apply; min_severity = %q", c.MinSeverity)
	}
}

func TestApplyYAMLSyntaxError(t *testing.T) {
	c := DefaultConfig()
	_, err := c.ApplyYAML("cfg.yml", []byte("paths:\n  include: [a\n"))
	if err == nil || !strings.Contains(err.Error(), "invalid YAML") || !strings.Contains(err.Error(), "line") {
		t.Fatalf("err = %v", err)
	}
}

func TestApplyYAMLShortForms(t *testing.T) {
	c := DefaultConfig()
	if _, err := c.ApplyYAML("c", []byte("auto_review: false\nplan: team\n")); err != nil {
		t.Fatal(err)
	}
	if c.AutoReview.Enabled || c.Tier != "team" {
		t.Errorf("short forms: %+v", c)
	}
	if _, err := c.ApplyYAML("c", []byte("   \n")); err != nil {
		t.Errorf("empty file: %v", err)
	}
	if _, err := c.ApplyYAML("c", []byte("max_cost_usd: 0.25\n")); err != nil || c.MaxCostUSD != 0.25 || c.Origins["max_cost_usd"] != "file c" {
		t.Errorf("max_cost_usd: %v %v %q", err, c.MaxCostUSD, c.Origins["max_cost_usd"])
	}
	if _, err := c.ApplyYAML("c", []byte("max_cost_usd: -1\n")); err == nil || !strings.Contains(err.Error(), "c:1: max_cost_usd must be 0") {
		t.Errorf("negative max_cost_usd: %v", err)
	}
}

// FuzzApplyYAML: any file yields either a ConfigError naming the file or a
// config, never a panic; every warning points at a real line.
func FuzzApplyYAML(f *testing.F) {
	f.Add([]byte("tier: team\npaths:\n  include: [a]\nmax_comments: 3\n"))
	f.Add([]byte("pathz: 1\nauto_review: false\npath_instructions:\n  '**/*.go': x\n"))
	f.Add([]byte("max_cost_usd: -1\nmin_severity: [x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := DefaultConfig()
		warnings, err := c.ApplyYAML("cfg.yml", data)
		if err != nil && !strings.HasPrefix(err.Error(), "cfg.yml") {
			t.Fatalf("error does not name the file: %v", err)
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, w := range warnings {
			if w.Line < 1 || w.Line > lines {
				t.Fatalf("warning on line %d of a %d-line file: %v", w.Line, lines, w)
			}
		}
		if c.MaxComments < 0 || c.MaxCostUSD < 0 || SeverityRank(c.MinSeverity) >= len(Severities) {
			t.Fatalf("invalid value accepted: %+v", c)
		}
	})
}
