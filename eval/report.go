package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// Metrics are one row of the report; the keys are SPEC section 8's, plus
// noise and, in a dry run, the reachability counts.
type Metrics struct {
	PRs        int `json:"prs"`
	References int `json:"references"`
	Findings   int `json:"findings"`
	// Matched is the number of references credited to a finding. In
	// by_category, references and matched count references of the
	// category, findings those the reviewer put in it, and precision the
	// share of those findings that matched any reference.
	Matched           int     `json:"matched"`
	Precision         float64 `json:"precision"`
	Recall            float64 `json:"recall"`
	F1                float64 `json:"f1"`
	CommentsPerPR     float64 `json:"comments_per_pr"`
	FalseAlarmsClean  int     `json:"false_alarms_clean"`
	InputTokensPerPR  float64 `json:"input_tokens_per_pr"`
	OutputTokensPerPR float64 `json:"output_tokens_per_pr"`
	USDPerPR          float64 `json:"usd_per_pr"`
	SecondsPerPR      float64 `json:"seconds_per_pr"`
	// Noise counts unmatched findings on a comment the corpus's
	// annotators rejected.
	Noise int `json:"noise"`
	*Reach
}

// Reach is what eval --dry-run adds: how many references the premium
// prompt would show the model, why the others would not be seen, and the
// resulting ceiling of recall. A dry run leaves SPEC's model-dependent
// figures (tokens, dollars, seconds) at zero and reports the planner's
// estimates and its own time here instead.
type Reach struct {
	Reachable            int            `json:"reachable"`
	Unreachable          map[string]int `json:"unreachable"`
	RecallCeiling        float64        `json:"recall_ceiling"`
	EstInputTokensPerPR  float64        `json:"estimated_input_tokens_per_pr"`
	EstOutputTokensPerPR float64        `json:"estimated_output_tokens_per_pr"`
	EstUSDPerPR          float64        `json:"estimated_usd_per_pr"`
	DryRunSecondsPerPR   float64        `json:"dry_run_seconds_per_pr"`
}

// PRResult is one pull request's line of the report.
type PRResult struct {
	ID         string `json:"id"`
	References int    `json:"references"`
	Findings   int    `json:"findings"`
	Matched    int    `json:"matched"`
	// Error is why the pull request was not scored ("" when it was);
	// such pull requests count in no figure.
	Error    string `json:"error"`
	Language string `json:"language"`
	Clean    bool   `json:"clean"`
	// Duplicates were merged before matching; Noise as in Metrics.
	Duplicates    int     `json:"duplicates"`
	Noise         int     `json:"noise"`
	JudgedMatched *int    `json:"judged_matched,omitempty"`
	InputTokens   int64   `json:"input_tokens"`
	OutputTokens  int64   `json:"output_tokens"`
	USD           float64 `json:"usd"`
	Seconds       float64 `json:"seconds"`
	// EstimatedUSD is a dry run's estimate of the review's cost.
	EstimatedUSD float64 `json:"estimated_usd,omitempty"`
	*Reach
	// Unseen lists, in a dry run, each reference the model would not see,
	// with the reason.
	Unseen []Unseen `json:"unreachable_references,omitempty"`
}

// Unseen is one reference out of the model's sight.
type Unseen struct {
	Path      string `json:"path"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	Reason    string `json:"reason"`
}

// RunInfo says what was measured, so that two reports can be compared.
type RunInfo struct {
	Corpus       string  `json:"corpus"`
	Reviewer     string  `json:"reviewer"`
	Tier         string  `json:"tier"`
	Provider     string  `json:"provider"`
	CheapModel   string  `json:"cheap_model"`
	PremiumModel string  `json:"premium_model"`
	Judge        string  `json:"judge,omitempty"`
	Tolerance    int     `json:"tolerance"`
	DryRun       bool    `json:"dry_run"`
	Concurrency  int     `json:"concurrency"`
	MaxCostUSD   float64 `json:"max_cost_usd"`
	// SpentUSD is the whole run's model spend, judge included; JudgeUSD
	// the judge's part.
	SpentUSD   float64 `json:"spent_usd"`
	JudgeUSD   float64 `json:"judge_usd,omitempty"`
	JudgeCalls int     `json:"judge_calls,omitempty"`
	Scored     int     `json:"scored"`
	Errors     int     `json:"errors"`
	// Stopped says why the run ended before the corpus did (--max-cost).
	Stopped        string   `json:"stopped,omitempty"`
	ElapsedSeconds float64  `json:"elapsed_seconds"`
	Notes          []string `json:"notes"`
}

// Report is the whole result, `eval --format json`.
type Report struct {
	Overall    Metrics            `json:"overall"`
	Judged     *Metrics           `json:"judged,omitempty"`
	ByLanguage map[string]Metrics `json:"by_language"`
	ByCategory map[string]Metrics `json:"by_category"`
	PRs        []PRResult         `json:"prs"`
	Run        RunInfo            `json:"run"`
}

// JSON writes the report, indented.
func (r *Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Text writes the report as aligned plain-text tables.
func (r *Report) Text(w io.Writer) error {
	return r.tables(w, false)
}

// Markdown writes the report as markdown tables.
func (r *Report) Markdown(w io.Writer) error {
	return r.tables(w, true)
}

func (r *Report) tables(w io.Writer, md bool) error {
	ri := r.Run
	title := fmt.Sprintf("reviewbot eval: %s reviewer, tier %s, %s / %s on %s, tolerance %d lines", ri.Reviewer, ri.Tier, ri.CheapModel, ri.PremiumModel, ri.Provider, ri.Tolerance)
	if ri.DryRun {
		title = fmt.Sprintf("reviewbot eval --dry-run: what the %s reviewer's prompts would show the model (no model called), tier %s, tolerance %d lines", ri.Reviewer, ri.Tier, ri.Tolerance)
	}
	var b strings.Builder
	if md {
		fmt.Fprintf(&b, "## %s\n\nCorpus `%s`: %d pull requests scored, %d not (see below).\n\n", title, ri.Corpus, ri.Scored, ri.Errors)
	} else {
		fmt.Fprintf(&b, "%s\ncorpus %s: %d pull requests scored, %d not\n\n", title, ri.Corpus, ri.Scored, ri.Errors)
	}
	rows := [][]string{}
	header := []string{"", "PRs", "refs", "findings", "matched", "precision", "recall", "F1", "per PR", "noise", "clean FA", "in tok/PR", "out tok/PR", "USD/PR", "s/PR"}
	if ri.DryRun {
		header = []string{"", "PRs", "refs", "reachable", "recall ceiling", "est. in tok/PR", "est. USD/PR", "dry-run s/PR"}
	}
	row := func(name string, m Metrics) []string {
		if ri.DryRun {
			reach, ceil := 0, 0.0
			if m.Reach != nil {
				reach, ceil = m.Reachable, m.RecallCeiling
			}
			var est Reach
			if m.Reach != nil {
				est = *m.Reach
			}
			return []string{name, itoa(m.PRs), itoa(m.References), itoa(reach), dec3(ceil), dec0(est.EstInputTokensPerPR), dec4(est.EstUSDPerPR), dec2(est.DryRunSecondsPerPR)}
		}
		return []string{name, itoa(m.PRs), itoa(m.References), itoa(m.Findings), itoa(m.Matched), dec3(m.Precision), dec3(m.Recall), dec3(m.F1),
			dec2(m.CommentsPerPR), itoa(m.Noise), itoa(m.FalseAlarmsClean), dec0(m.InputTokensPerPR), dec0(m.OutputTokensPerPR), dec4(m.USDPerPR), dec2(m.SecondsPerPR)}
	}
	rows = append(rows, row("overall (location)", r.Overall))
	if r.Judged != nil {
		rows = append(rows, row("overall (judged by "+ri.Judge+")", *r.Judged))
	}
	for _, l := range slices.Sorted(maps.Keys(r.ByLanguage)) {
		rows = append(rows, row("language "+l, r.ByLanguage[l]))
	}
	for _, c := range slices.Sorted(maps.Keys(r.ByCategory)) {
		rows = append(rows, row("category "+c, r.ByCategory[c]))
	}
	table(&b, md, header, rows)

	if ri.DryRun && r.Overall.Reach != nil && len(r.Overall.Unreachable) > 0 {
		b.WriteString("\n")
		if md {
			b.WriteString("### Why references would not be seen\n\n")
		} else {
			b.WriteString("why references would not be seen:\n")
		}
		var rs [][]string
		for _, k := range sortedByCount(r.Overall.Unreachable) {
			rs = append(rs, []string{k, itoa(r.Overall.Unreachable[k])})
		}
		table(&b, md, []string{"reason", "references"}, rs)
	}

	b.WriteString("\n")
	if md {
		b.WriteString("### Pull requests\n\n")
	}
	var ps [][]string
	for _, p := range r.PRs {
		status := "ok"
		if p.Error != "" {
			status = p.Error
		}
		if ri.DryRun {
			reach := 0
			if p.Reach != nil {
				reach = p.Reachable
			}
			ps = append(ps, []string{p.ID, p.Language, itoa(p.References), itoa(reach), dec4(p.EstimatedUSD), status})
			continue
		}
		judged := ""
		if p.JudgedMatched != nil {
			judged = itoa(*p.JudgedMatched)
		}
		ps = append(ps, []string{p.ID, p.Language, itoa(p.References), itoa(p.Findings), itoa(p.Matched), judged, itoa(p.Noise), dec4(p.USD), dec1(p.Seconds), status})
	}
	if ri.DryRun {
		table(&b, md, []string{"PR", "language", "refs", "reachable", "est. USD", "status"}, ps)
	} else {
		table(&b, md, []string{"PR", "language", "refs", "findings", "matched", "judged", "noise", "USD", "s", "status"}, ps)
	}

	b.WriteString("\n")
	fmt.Fprintf(&b, "spent $%.4f", ri.SpentUSD)
	if ri.Judge != "" {
		fmt.Fprintf(&b, " (judge %s: $%.4f over %d calls)", ri.Judge, ri.JudgeUSD, ri.JudgeCalls)
	}
	fmt.Fprintf(&b, " in %.1f s\n", ri.ElapsedSeconds)
	if ri.Stopped != "" {
		fmt.Fprintf(&b, "stopped early: %s\n", ri.Stopped)
	}
	for _, n := range ri.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// table writes rows under header, as markdown or as aligned text.
func table(b *strings.Builder, md bool, header []string, rows [][]string) {
	if md {
		esc := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
		line := func(cells []string) {
			for i := range cells {
				cells[i] = esc(cells[i])
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		line(slices.Clone(header))
		sep := make([]string, len(header))
		for i := range sep {
			sep[i] = "---"
		}
		b.WriteString("|" + strings.Join(sep, "|") + "|\n")
		for _, r := range rows {
			line(slices.Clone(r))
		}
		return
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

func sortedByCount(m map[string]int) []string {
	keys := slices.Sorted(maps.Keys(m))
	slices.SortStableFunc(keys, func(a, b string) int { return m[b] - m[a] })
	return keys
}

func itoa(n int) string      { return fmt.Sprint(n) }
func dec0(x float64) string  { return fmt.Sprintf("%.0f", x) }
func dec1(x float64) string  { return fmt.Sprintf("%.1f", x) }
func dec2(x float64) string  { return fmt.Sprintf("%.2f", x) }
func dec3(x float64) string  { return fmt.Sprintf("%.3f", x) }
func dec4(x float64) string  { return fmt.Sprintf("%.4f", x) }
func ratio(a, b int) float64 { return safeDiv(float64(a), float64(b)) }

// safeDiv is a/b, or 0 when there is nothing to divide by: a precision
// with no findings and a recall with no references read as 0, next to
// counts that say why.
func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func f1score(p, r float64) float64 { return safeDiv(2*p*r, p+r) }
