package review

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
)

// ConfigPath is where a repository keeps its reviewbot configuration. It is
// read from the PR's base branch so that a PR cannot reconfigure its own
// review (SPEC section 2).
const ConfigPath = ".github/reviewbot.yml"

// Severities from most to least severe (SPEC section 4).
var Severities = []string{"critical", "major", "minor", "nit"}

// SeverityRank orders severities: critical is 0; unknown is len(Severities).
func SeverityRank(s string) int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return len(Severities)
}

// PathInstruction is review guidance for files matching a doublestar glob.
type PathInstruction struct {
	Glob string `json:"glob"`
	Text string `json:"text"`
}

// AutoReview controls automatic reviews by the App.
type AutoReview struct {
	Enabled      bool     `json:"enabled"`
	Drafts       bool     `json:"drafts"`
	BaseBranches []string `json:"base_branches"` // globs; empty means every branch
}

// Config is the effective review configuration. Origins records where each
// top-level value came from (default, file, env, flag) so that `/config`
// and error messages can say it.
type Config struct {
	Tier             string            `json:"tier"` // free, team or auto
	Include          []string          `json:"paths_include"`
	Exclude          []string          `json:"paths_exclude"`
	Instructions     string            `json:"instructions"`
	PathInstructions []PathInstruction `json:"path_instructions"`
	AutoReview       AutoReview        `json:"auto_review"`
	MaxComments      int               `json:"max_comments"`
	MinSeverity      string            `json:"min_severity"`
	Language         string            `json:"language"`
	FailOn           string            `json:"fail_on"` // severity that makes the CLI exit 1; "" = off
	// MaxCostUSD caps one review's estimated model cost; 0 means no cap.
	MaxCostUSD float64           `json:"max_cost_usd"`
	Origins    map[string]string `json:"origins"`
}

// DefaultConfig is the configuration of a repository with no file.
func DefaultConfig() Config {
	c := Config{
		Tier:        "auto",
		AutoReview:  AutoReview{Enabled: true},
		MaxComments: 25,
		MinSeverity: "minor",
		Language:    "English",
		MaxCostUSD:  DefaultMaxCostUSD,
	}
	c.Origins = map[string]string{}
	for _, k := range configKeys {
		c.Origins[k] = "default"
	}
	return c
}

// DefaultMaxCostUSD is the cost cap of one review unless configured: high
// enough for any ordinary PR on the premium tier (a few cents to a dollar),
// low enough that a 20,000-file PR cannot run up a bill unnoticed.
const DefaultMaxCostUSD = 5.0

// configKeys are the top-level keys of the YAML file, also the keys of
// Config.Origins.
var configKeys = []string{"tier", "paths", "instructions", "path_instructions", "auto_review", "max_comments", "min_severity", "language", "fail_on", "max_cost_usd"}

// ConfigWarning is a problem in the file that does not stop the review,
// such as an unknown key. It is shown in the summary comment or on stderr.
type ConfigWarning struct {
	File string
	Line int
	Msg  string
}

func (w ConfigWarning) String() string { return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Msg) }

// ConfigError is a problem that makes the file unusable (bad YAML syntax, a
// wrong type, an invalid value). The caller decides whether to stop or to
// fall back to defaults and say so.
type ConfigError struct {
	File string
	Line int
	Msg  string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ApplyYAML overlays the YAML configuration file data (named name in
// messages) onto c. Unknown keys become warnings with their line and the
// closest known key; invalid values are errors, and every invalid value is
// reported, not just the first.
func (c *Config) ApplyYAML(name string, data []byte) ([]ConfigWarning, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &ConfigError{File: name, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ") + "; fix the syntax (a linter such as yamllint shows where)"}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	p := &yamlParser{file: name, origin: "file " + name}
	p.mapping(doc.Content[0], "", map[string]func(*yaml.Node){
		"tier": func(n *yaml.Node) { p.enum(n, "tier", &c.Tier, "free", "team", "auto") },
		// "plan" is the word the App's Marketplace uses; in the file it
		// means the same as tier.
		"plan": func(n *yaml.Node) { p.enum(n, "tier", &c.Tier, "free", "team", "auto") },
		"paths": func(n *yaml.Node) {
			p.mapping(n, "paths.", map[string]func(*yaml.Node){
				"include": func(n *yaml.Node) { p.globs(n, &c.Include) },
				"exclude": func(n *yaml.Node) { p.globs(n, &c.Exclude) },
			})
			p.set("paths")
		},
		"instructions": func(n *yaml.Node) { p.decode(n, "instructions", &c.Instructions) },
		"path_instructions": func(n *yaml.Node) {
			var m yaml.Node = *n
			if m.Kind != yaml.MappingNode {
				p.fail(n, "path_instructions must map globs to text, e.g. \"**/*.sql\": \"check for missing indexes\"")
				return
			}
			c.PathInstructions = nil
			for i := 0; i+1 < len(m.Content); i += 2 {
				glob, text := m.Content[i].Value, m.Content[i+1]
				if !doublestar.ValidatePattern(glob) {
					p.fail(m.Content[i], fmt.Sprintf("invalid glob %q", glob))
					continue
				}
				var s string
				if err := text.Decode(&s); err != nil {
					p.fail(text, fmt.Sprintf("instructions for %q must be text", glob))
					continue
				}
				c.PathInstructions = append(c.PathInstructions, PathInstruction{Glob: glob, Text: s})
			}
			p.set("path_instructions")
		},
		"auto_review": func(n *yaml.Node) {
			// A plain boolean is the short form of {enabled: ...}.
			if n.Kind == yaml.ScalarNode {
				p.decode(n, "auto_review", &c.AutoReview.Enabled)
				return
			}
			p.mapping(n, "auto_review.", map[string]func(*yaml.Node){
				"enabled":       func(n *yaml.Node) { p.decode(n, "", &c.AutoReview.Enabled) },
				"drafts":        func(n *yaml.Node) { p.decode(n, "", &c.AutoReview.Drafts) },
				"base_branches": func(n *yaml.Node) { p.globs(n, &c.AutoReview.BaseBranches) },
			})
			p.set("auto_review")
		},
		"max_comments": func(n *yaml.Node) {
			var v int
			if p.decode(n, "max_comments", &v) && (v < 0 || v > 200) {
				p.fail(n, "max_comments must be between 0 and 200")
				return
			}
			c.MaxComments = v
		},
		"min_severity": func(n *yaml.Node) { p.enum(n, "min_severity", &c.MinSeverity, Severities...) },
		"language":     func(n *yaml.Node) { p.decode(n, "language", &c.Language) },
		"fail_on":      func(n *yaml.Node) { p.enum(n, "fail_on", &c.FailOn, append([]string{""}, Severities...)...) },
		"max_cost_usd": func(n *yaml.Node) {
			var v float64
			if p.decode(n, "max_cost_usd", &v) && v < 0 {
				p.fail(n, "max_cost_usd must be 0 (no cap) or a positive amount in US dollars")
				return
			}
			c.MaxCostUSD = v
		},
	})
	for k, v := range p.origins {
		c.Origins[k] = v
	}
	if len(p.errs) > 0 {
		return p.warnings, errors.Join(p.errs...)
	}
	return p.warnings, nil
}

// yamlParser walks a YAML node tree against the known keys, collecting
// every warning and error with its line.
type yamlParser struct {
	file     string
	origin   string
	warnings []ConfigWarning
	errs     []error
	origins  map[string]string
}

func (p *yamlParser) fail(n *yaml.Node, msg string) {
	p.errs = append(p.errs, &ConfigError{File: p.file, Line: n.Line, Msg: msg})
}

func (p *yamlParser) set(key string) {
	if p.origins == nil {
		p.origins = map[string]string{}
	}
	p.origins[key] = p.origin
}

func (p *yamlParser) mapping(n *yaml.Node, prefix string, fields map[string]func(*yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, fmt.Sprintf("%s must be a mapping of keys to values", orDefault(strings.TrimSuffix(prefix, "."), "the file")))
		return
	}
	known := make([]string, 0, len(fields))
	for k := range fields {
		known = append(known, k)
	}
	sort.Strings(known)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if f, ok := fields[key.Value]; ok {
			f(val)
			continue
		}
		msg := fmt.Sprintf("unknown key %q ignored", prefix+key.Value)
		if s := closest(key.Value, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", prefix+s)
		} else {
			msg += fmt.Sprintf(" (known keys: %s)", strings.Join(known, ", "))
		}
		p.warnings = append(p.warnings, ConfigWarning{File: p.file, Line: key.Line, Msg: msg})
	}
}

// decode decodes a scalar into v and records its origin under key ("" to
// skip); it reports whether it succeeded.
func (p *yamlParser) decode(n *yaml.Node, key string, v any) bool {
	if err := n.Decode(v); err != nil {
		var te *yaml.TypeError
		msg := err.Error()
		if errors.As(err, &te) && len(te.Errors) > 0 {
			msg = te.Errors[0]
		}
		p.fail(n, fmt.Sprintf("wrong type: %s", strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", n.Line))))
		return false
	}
	if key != "" {
		p.set(key)
	}
	return true
}

func (p *yamlParser) enum(n *yaml.Node, key string, dst *string, allowed ...string) {
	var s string
	if !p.decode(n, "", &s) {
		return
	}
	for _, a := range allowed {
		if s == a {
			*dst = s
			p.set(key)
			return
		}
	}
	p.fail(n, fmt.Sprintf("%s must be one of %s, not %q", key, strings.Join(nonEmpty(allowed), ", "), s))
}

func (p *yamlParser) globs(n *yaml.Node, dst *[]string) {
	var list []string
	if n.Kind == yaml.ScalarNode {
		list = []string{n.Value}
	} else if !p.decode(n, "", &list) {
		return
	}
	for _, g := range list {
		if !doublestar.ValidatePattern(g) {
			p.fail(n, fmt.Sprintf("invalid glob %q", g))
			return
		}
	}
	*dst = list
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// closest returns the known key within edit distance 2 of k, if any.
func closest(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if d := EditDistance(k, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, for "did you
// mean" suggestions.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// InstructionsFor returns the path instructions whose glob matches path.
func (c *Config) InstructionsFor(path string) []string {
	var out []string
	for _, pi := range c.PathInstructions {
		if ok, _ := doublestar.Match(pi.Glob, path); ok {
			out = append(out, pi.Text)
		}
	}
	return out
}
