package review

import (
	"errors"
	"fmt"
	"strings"
)

// Setting is one value an entry point sets above the repository's file: a
// command-line flag or an Action input. Origin says which ("flag --tier",
// "input max-comments") for /config and for error messages.
type Setting[T any] struct {
	Value  T
	Origin string
	Set    bool
}

// Set returns a Setting with a value.
func Set[T any](v T, origin string) Setting[T] {
	return Setting[T]{Value: v, Origin: origin, Set: true}
}

// Overrides are the values that win over .github/reviewbot.yml (SPEC
// section 2: flags, then environment, then the file, then defaults).
type Overrides struct {
	Tier        Setting[string]
	FailOn      Setting[string]
	MaxCostUSD  Setting[float64]
	MaxComments Setting[int]
}

// LoadConfig layers the review configuration: defaults, then the
// repository's file (data, read from the base branch, named name in
// messages; nil when the repository has none), then ov. An invalid file is
// a *ConfigError naming its lines; an invalid override is a usage error
// naming its origin. Warnings (unknown keys) do not stop the review and are
// also returned as notes for the summary.
func LoadConfig(name string, data []byte, ov Overrides) (Config, []ConfigWarning, error) {
	cfg := DefaultConfig()
	var warnings []ConfigWarning
	if data != nil {
		w, err := cfg.ApplyYAML(name, data)
		warnings = w
		if err != nil {
			return cfg, warnings, fmt.Errorf("invalid configuration, fix it on the base branch: %w", err)
		}
	}
	var errs []error
	if s := ov.Tier; s.Set {
		switch t := strings.ToLower(strings.TrimSpace(s.Value)); t {
		case "free", "team", "auto":
			cfg.Tier, cfg.Origins["tier"] = t, s.Origin
		default:
			errs = append(errs, fmt.Errorf("%s: tier must be free, team or auto, not %q", s.Origin, s.Value))
		}
	}
	if s := ov.FailOn; s.Set && s.Value != "" {
		v := strings.ToLower(strings.TrimSpace(s.Value))
		if SeverityRank(v) >= len(Severities) {
			errs = append(errs, fmt.Errorf("%s: fail-on must be one of %s, not %q", s.Origin, strings.Join(Severities, ", "), s.Value))
		} else {
			cfg.FailOn, cfg.Origins["fail_on"] = v, s.Origin
		}
	}
	if s := ov.MaxCostUSD; s.Set {
		if s.Value < 0 {
			errs = append(errs, fmt.Errorf("%s: the cost cap must be 0 (no cap) or a positive amount in US dollars, not %g", s.Origin, s.Value))
		} else {
			cfg.MaxCostUSD, cfg.Origins["max_cost_usd"] = s.Value, s.Origin
		}
	}
	if s := ov.MaxComments; s.Set {
		if s.Value < 0 || s.Value > 200 {
			errs = append(errs, fmt.Errorf("%s: max comments must be between 0 and 200, not %d", s.Origin, s.Value))
		} else {
			cfg.MaxComments, cfg.Origins["max_comments"] = s.Value, s.Origin
		}
	}
	if len(errs) > 0 {
		return cfg, warnings, &Error{Kind: KindUsage, Err: errors.Join(errs...)}
	}
	return cfg, warnings, nil
}

// CheckHeadConfig validates the PR's own edit of the configuration file
// without applying it (a PR cannot reconfigure its own review), so that a
// broken file is caught before it is merged. It returns notes for the
// summary: nothing when the file is valid.
func CheckHeadConfig(name string, data []byte) []string {
	cfg := DefaultConfig()
	warnings, err := cfg.ApplyYAML(name, data)
	var notes []string
	for _, w := range warnings {
		notes = append(notes, "this PR's "+ConfigPath+": "+w.String())
	}
	if err != nil {
		for _, e := range strings.Split(err.Error(), "\n") {
			notes = append(notes, "this PR's "+ConfigPath+" would not load once merged: "+e)
		}
	}
	return notes
}

// AtOrAbove counts the findings of severity sev or worse ("" counts none):
// the number behind --fail-on and the Action's `critical` output.
func (r *Result) AtOrAbove(sev string) int {
	if sev == "" {
		return 0
	}
	n := 0
	for _, f := range r.Findings {
		if SeverityRank(f.Severity) <= SeverityRank(sev) {
			n++
		}
	}
	return n
}
