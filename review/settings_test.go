package review

import (
	"strings"
	"testing"
)

func TestLoadConfigLayers(t *testing.T) {
	file := []byte("tier: free\nmax_comments: 7\nmin_severity: nit\ntypo_key: 1\n")
	cfg, warnings, err := LoadConfig("reviewbot.yml", file, Overrides{Tier: Set("team", "input tier"), MaxCostUSD: Set(0.5, "flag --max-cost")})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Tier != "team" || cfg.Origins["tier"] != "input tier" {
		t.Errorf("tier %q from %q: the override wins over the file", cfg.Tier, cfg.Origins["tier"])
	}
	if cfg.MaxComments != 7 || !strings.Contains(cfg.Origins["max_comments"], "reviewbot.yml") {
		t.Errorf("max_comments %d from %q: the file wins over defaults", cfg.MaxComments, cfg.Origins["max_comments"])
	}
	if cfg.MaxCostUSD != 0.5 || cfg.MinSeverity != "nit" || cfg.Language != "English" {
		t.Errorf("cfg = %+v", cfg)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].Msg, "typo_key") {
		t.Errorf("warnings = %v: unknown keys are reported", warnings)
	}
}

func TestLoadConfigRejectsBadOverrides(t *testing.T) {
	_, _, err := LoadConfig("f", nil, Overrides{MaxCostUSD: Set(-5.0, "flag --max-cost"), FailOn: Set("loud", "input fail-on"), MaxComments: Set(500, "input max-comments")})
	if KindOf(err) != KindUsage {
		t.Fatalf("err %v kind %q, want a usage error", err, KindOf(err))
	}
	for _, want := range []string{"flag --max-cost", "-5", "input fail-on", "loud", "input max-comments"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestLoadConfigInvalidFileIsConfigError(t *testing.T) {
	_, _, err := LoadConfig("reviewbot.yml", []byte("max_comments: lots\n"), Overrides{})
	if KindOf(err) != KindConfig || !strings.Contains(err.Error(), "reviewbot.yml:1") {
		t.Fatalf("err = %v (kind %q)", err, KindOf(err))
	}
}

func TestCheckHeadConfigReportsWithoutApplying(t *testing.T) {
	notes := CheckHeadConfig(".github/reviewbot.yml (this PR)", []byte("tier: gold\nmax_coments: 3\n"))
	joined := strings.Join(notes, "\n")
	if !strings.Contains(joined, "tier must be one of") || !strings.Contains(joined, "max_comments") {
		t.Errorf("notes = %v", notes)
	}
	if n := CheckHeadConfig("f", []byte("tier: team\n")); len(n) != 0 {
		t.Errorf("a valid file gives no notes: %v", n)
	}
}

func TestAtOrAbove(t *testing.T) {
	r := &Result{Findings: []Finding{{Severity: "critical"}, {Severity: "major"}, {Severity: "nit"}}}
	if r.AtOrAbove("major") != 2 || r.AtOrAbove("critical") != 1 || r.AtOrAbove("") != 0 || r.AtOrAbove("nit") != 3 {
		t.Error("AtOrAbove counts severities at or above the threshold")
	}
}
