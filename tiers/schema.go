package tiers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Tool names of SPEC section 4.
const (
	ToolSummary = "submit_summary"
	ToolReview  = "submit_review"
)

// Enumerations of SPEC section 4.
var (
	severities = []string{"critical", "major", "minor", "nit"}
	categories = []string{"bug", "security", "performance", "maintainability", "style", "test"}
	risks      = []string{"low", "medium", "high"}
	sides      = []string{"LEFT", "RIGHT"}
)

func str(desc string) map[string]any {
	return map[string]any{"type": "string", "description": desc}
}

func enum(desc string, values []string) map[string]any {
	return map[string]any{"type": "string", "enum": values, "description": desc}
}

// summaryTool is the cheap tier's structured output.
var summaryTool = &ToolSpec{
	Name:        ToolSummary,
	Description: "Submit the pull request summary, per-file walkthrough, risk level and suggested labels.",
	Schema: map[string]any{
		"type": "object",
		"properties": map[string]any{
			"summary": str("Markdown overview of what the pull request does and why."),
			"walkthrough": map[string]any{
				"type": "array",
				"items": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"path":   str("Exact path of a changed file."),
						"change": str("One sentence on what changed in the file."),
					},
					"required": []string{"path", "change"},
				},
			},
			"risk":   enum("How likely the change is to break something.", risks),
			"labels": map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Up to 5 short lowercase labels."},
		},
		"required": []string{"summary", "walkthrough", "risk", "labels"},
	},
}

// reviewTool is the premium tier's structured output.
var reviewTool = &ToolSpec{
	Name:        ToolReview,
	Description: "Submit line-level review findings and the explanation of statically found downstream impact.",
	Schema: map[string]any{
		"type": "object",
		"properties": map[string]any{
			"findings": map[string]any{
				"type": "array",
				"items": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"path":       str("Exact path of the changed file."),
						"line":       map[string]any{"type": "integer", "minimum": 1, "description": "Line the finding is about (last line of a range)."},
						"start_line": map[string]any{"type": "integer", "minimum": 1, "description": "First line of a multi-line range; omit for one line."},
						"side":       enum("RIGHT for new or unchanged lines, LEFT for removed lines.", sides),
						"severity":   enum("How bad the problem is.", severities),
						"category":   enum("Kind of problem.", categories),
						"title":      str("One-line statement of the problem."),
						"body":       str("Markdown explanation with the fix; cite context as path:line."),
						"suggestion": str("Replacement text for lines start_line..line of the new file, RIGHT side only."),
					},
					"required": []string{"path", "line", "severity", "category", "title", "body"},
				},
			},
			"impact": map[string]any{
				"type": "array",
				"items": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"symbol":    str("Changed symbol, e.g. pkg.Func."),
						"summary":   str("What the change means for its callers or importers."),
						"locations": map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "path:line locations copied from the impact data."},
					},
					"required": []string{"symbol", "summary", "locations"},
				},
			},
		},
		"required": []string{"findings"},
	},
}

// errNoJSON is the reply that holds no JSON object at all.
var errNoJSON = errors.New("no JSON object found in the reply")

// fence matches a ```json (or bare ```) fenced block.
var fence = regexp.MustCompile("(?s)```(?:json|JSON)?[ \t]*\r?\n(.*?)\r?\n?```")

// replyJSON finds the structured answer: the tool call's input when there
// is one, else a JSON object in the text, bare or inside a ```json fence.
func replyJSON(r *Reply) (json.RawMessage, error) {
	if r.ToolUse != nil {
		raw := bytes.TrimSpace(r.ToolUse.Input)
		// Some models pass the object as a JSON string; unwrap it once.
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return textJSON(s)
		}
		if len(raw) > 0 && raw[0] == '{' && json.Valid(raw) {
			return json.RawMessage(raw), nil
		}
		return nil, fmt.Errorf("tool input is not a JSON object: %.200s", raw)
	}
	return textJSON(r.Text)
}

// textJSON extracts one JSON object from free text.
func textJSON(text string) (json.RawMessage, error) {
	text = strings.TrimSpace(text)
	var candidates []string
	for _, m := range fence.FindAllStringSubmatch(text, -1) {
		candidates = append(candidates, strings.TrimSpace(m[1]))
	}
	// Bare object, possibly with a sentence before or after it.
	if i, j := strings.Index(text, "{"), strings.LastIndex(text, "}"); i >= 0 && j > i {
		candidates = append(candidates, text[i:j+1])
	}
	var lastErr error = errNoJSON
	for _, c := range candidates {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c), &obj); err != nil {
			lastErr = fmt.Errorf("invalid JSON: %w", err)
			continue
		}
		return json.RawMessage(c), nil
	}
	return nil, lastErr
}

// summaryReply is a decoded submit_summary answer: the summary with its
// valid items and the items dropped on the way.
type summaryReply struct {
	Summary Summary
	Dropped []Dropped
}

// labelPattern keeps suggested labels to plain words; they end up in
// markdown and possibly in GitHub label names.
var labelPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9 ._:/-]{0,49}$`)

// decodeSummary validates a submit_summary object item by item. It fails
// only when the object as a whole is unusable (no summary text, wrong
// shapes); single bad items are dropped and listed.
func decodeSummary(raw json.RawMessage, paths map[string]bool) (*summaryReply, error) {
	var top struct {
		Summary     *string           `json:"summary"`
		Walkthrough []json.RawMessage `json:"walkthrough"`
		Risk        json.RawMessage   `json:"risk"`
		Labels      []json.RawMessage `json:"labels"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("submit_summary input does not match the schema: %w", err)
	}
	if top.Summary == nil || strings.TrimSpace(*top.Summary) == "" {
		return nil, errors.New(`submit_summary input has no "summary" text`)
	}
	out := &summaryReply{Summary: Summary{Summary: strings.TrimSpace(*top.Summary)}}
	drop := func(item, reason string) { out.Dropped = append(out.Dropped, Dropped{Item: item, Reason: reason}) }
	for _, w := range top.Walkthrough {
		var item WalkthroughItem
		switch {
		case json.Unmarshal(w, &item) != nil:
			drop("walkthrough "+short(string(w)), "not an object with path and change")
		case strings.TrimSpace(item.Path) == "":
			drop("walkthrough "+short(string(w)), "empty path")
		case paths != nil && !paths[item.Path]:
			drop("walkthrough "+item.Path, "path is not a file of this pull request")
		case strings.TrimSpace(item.Change) == "":
			drop("walkthrough "+item.Path, "empty change text")
		default:
			item.Change = strings.TrimSpace(item.Change)
			out.Summary.Walkthrough = append(out.Summary.Walkthrough, item)
		}
	}
	var risk string
	if len(top.Risk) > 0 && string(top.Risk) != "null" {
		if json.Unmarshal(top.Risk, &risk) != nil || !slices.Contains(risks, strings.ToLower(strings.TrimSpace(risk))) {
			drop("risk "+short(string(top.Risk)), "risk must be low, medium or high")
		} else {
			out.Summary.Risk = strings.ToLower(strings.TrimSpace(risk))
		}
	}
	for _, l := range top.Labels {
		var label string
		if json.Unmarshal(l, &label) != nil {
			drop("label "+short(string(l)), "not a string")
			continue
		}
		label = strings.ToLower(strings.TrimSpace(label))
		switch {
		case !labelPattern.MatchString(label):
			drop("label "+short(label), "not a short plain label")
		case !slices.Contains(out.Summary.Labels, label):
			out.Summary.Labels = append(out.Summary.Labels, label)
		}
	}
	return out, nil
}

// reviewReply is a decoded submit_review answer.
type reviewReply struct {
	Findings []Finding
	Impact   []ImpactNote
	Dropped  []Dropped
}

// decodeReview validates a submit_review object item by item; only an
// object whose findings are not a list is unusable as a whole. Diff-level
// checks happen later through Input.CheckFinding.
func decodeReview(raw json.RawMessage, paths map[string]bool) (*reviewReply, error) {
	var top struct {
		Findings *[]json.RawMessage `json:"findings"`
		Impact   []json.RawMessage  `json:"impact"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("submit_review input does not match the schema: %w", err)
	}
	if top.Findings == nil {
		return nil, errors.New(`submit_review input has no "findings" list`)
	}
	out := &reviewReply{}
	for _, item := range *top.Findings {
		var f Finding
		if err := json.Unmarshal(item, &f); err != nil {
			out.Dropped = append(out.Dropped, Dropped{Item: "finding " + short(string(item)), Reason: "does not match the schema: " + err.Error()})
			continue
		}
		f, problems := normalizeFinding(f, paths)
		if len(problems) > 0 {
			out.Dropped = append(out.Dropped, Dropped{Item: findingLabel(f), Reason: strings.Join(problems, "; ")})
			continue
		}
		if f.Suggestion != "" && f.Side == "LEFT" {
			// A suggestion can only replace new-file lines; keep the
			// finding and say why its suggestion went.
			out.Dropped = append(out.Dropped, Dropped{Item: "suggestion of " + findingLabel(f), Reason: "suggestions apply to RIGHT lines only"})
			f.Suggestion = ""
		}
		out.Findings = append(out.Findings, f)
	}
	for _, item := range top.Impact {
		var n ImpactNote
		if err := json.Unmarshal(item, &n); err != nil {
			out.Dropped = append(out.Dropped, Dropped{Item: "impact " + short(string(item)), Reason: "does not match the schema: " + err.Error()})
			continue
		}
		out.Impact = append(out.Impact, n)
	}
	return out, nil
}

// normalizeFinding applies the defaults and per-field rules of SPEC
// section 4 and returns what is wrong with the finding.
func normalizeFinding(f Finding, paths map[string]bool) (Finding, []string) {
	var problems []string
	f.Path = strings.TrimSpace(f.Path)
	f.Side = strings.ToUpper(strings.TrimSpace(f.Side))
	if f.Side == "" {
		f.Side = "RIGHT"
	}
	f.Severity = strings.ToLower(strings.TrimSpace(f.Severity))
	f.Category = strings.ToLower(strings.TrimSpace(f.Category))
	// A title is one line; a model that wraps it loses nothing by joining.
	f.Title = strings.Join(strings.Fields(f.Title), " ")
	f.Body = strings.TrimSpace(f.Body)
	if f.StartLine == f.Line {
		f.StartLine = 0 // a one-line range is a single line
	}
	switch {
	case f.Path == "":
		problems = append(problems, "empty path")
	case paths != nil && !paths[f.Path]:
		problems = append(problems, "path is not a file of this pull request")
	}
	if f.Line < 1 {
		problems = append(problems, fmt.Sprintf("line %d is not >= 1", f.Line))
	}
	if f.StartLine < 0 || f.StartLine > f.Line {
		problems = append(problems, fmt.Sprintf("start_line %d is not between 1 and line %d", f.StartLine, f.Line))
	}
	if !slices.Contains(sides, f.Side) {
		problems = append(problems, fmt.Sprintf("side %q is not LEFT or RIGHT", f.Side))
	}
	if !slices.Contains(severities, f.Severity) {
		problems = append(problems, fmt.Sprintf("severity %q is not one of %s", f.Severity, strings.Join(severities, ", ")))
	}
	if !slices.Contains(categories, f.Category) {
		problems = append(problems, fmt.Sprintf("category %q is not one of %s", f.Category, strings.Join(categories, ", ")))
	}
	if f.Title == "" {
		problems = append(problems, "empty title")
	}
	if f.Body == "" {
		problems = append(problems, "empty body")
	}
	return f, problems
}

// checkImpact keeps the impact notes whose locations all come from the
// static impact analysis; the model explains impact, it may not invent
// where it is. A note without locations inherits those of its symbol.
func checkImpact(notes []ImpactNote, known []ImpactItem) (kept []ImpactNote, dropped []Dropped) {
	locs := map[string]bool{}
	bySymbol := map[string][]string{}
	for _, it := range known {
		for _, l := range it.Locations {
			locs[l] = true
		}
		bySymbol[it.Symbol] = it.Locations
	}
	for _, n := range notes {
		n.Symbol = strings.TrimSpace(n.Symbol)
		n.Summary = strings.TrimSpace(n.Summary)
		label := "impact " + short(n.Symbol)
		if n.Symbol == "" || n.Summary == "" {
			dropped = append(dropped, Dropped{Item: label, Reason: "empty symbol or summary"})
			continue
		}
		if len(n.Locations) == 0 {
			n.Locations = bySymbol[n.Symbol]
		}
		if len(n.Locations) == 0 {
			dropped = append(dropped, Dropped{Item: label, Reason: "no location from the impact analysis"})
			continue
		}
		var invented []string
		for _, l := range n.Locations {
			if !locs[l] {
				invented = append(invented, l)
			}
		}
		if len(invented) > 0 {
			dropped = append(dropped, Dropped{Item: label, Reason: "locations not found by the impact analysis: " + strings.Join(invented, ", ")})
			continue
		}
		kept = append(kept, n)
	}
	return kept, dropped
}

// findingLabel names a finding in Dropped lists.
func findingLabel(f Finding) string {
	return fmt.Sprintf("finding %s:%d %s", f.Path, f.Line, short(f.Title))
}

// short cuts text for use in Dropped.Item.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		return string(r[:77]) + "..."
	}
	return s
}
