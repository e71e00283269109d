package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/tiers"
)

// addedFile is the diff of a new file of n lines ("line 1" ...).
func addedFile(path string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "diff --git a/%s b/%s\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/%s\n@@ -0,0 +1,%d @@\n", path, path, path, n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "+line %d\n", i)
	}
	return b.String()
}

// modifiedFile is the diff of a 100-line file whose line at changes
// (1-based, away from the ends) was rewritten: one hunk with three lines
// of context either side.
func modifiedFile(path string, at int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "diff --git a/%s b/%s\nindex 1111111..2222222 100644\n--- a/%s\n+++ b/%s\n@@ -%d,7 +%d,7 @@\n", path, path, path, path, at-3, at-3)
	for i := at - 3; i < at; i++ {
		fmt.Fprintf(&b, " line %d\n", i)
	}
	fmt.Fprintf(&b, "-line %d\n+line %d changed\n", at, at)
	for i := at + 1; i <= at+3; i++ {
		fmt.Fprintf(&b, " line %d\n", i)
	}
	return b.String()
}

// writeCorpus writes entries and their diffs to a temporary directory and
// loads the corpus back, as eval would.
func writeCorpus(t *testing.T, diffs map[string]string, entries ...Entry) []Entry {
	t.Helper()
	dir := t.TempDir()
	var lines []string
	for _, e := range entries {
		if d, ok := diffs[e.ID]; ok {
			name := e.ID + ".diff"
			if err := os.WriteFile(filepath.Join(dir, name), []byte(d), 0o644); err != nil {
				t.Fatal(err)
			}
			e.DiffFile = name
		} else if e.DiffFile == "" && e.RepoDir == "" {
			e.DiffFile = "unused.diff" // a fixedReviewer never reads it
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	path := filepath.Join(dir, "corpus.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// scriptedModel answers each review with the findings scripted for the
// pull request's repository name; it plans with the real planner, so the
// pipeline's estimate and budget checks see real numbers.
type scriptedModel struct {
	planner  *tiers.Engine
	findings map[string][]tiers.Finding
	usage    tiers.Usage
	mu       sync.Mutex
	runs     int
}

var _ review.Model = (*scriptedModel)(nil)

func newScripted(findings map[string][]tiers.Finding) *scriptedModel {
	return &scriptedModel{
		planner:  tiers.NewPlanner(tiers.Config{}),
		findings: findings,
		usage:    tiers.Usage{Calls: 2, InputTokens: 1000, OutputTokens: 100, CostUSD: 0.01},
	}
}

func (m *scriptedModel) Plan(tier tiers.Tier, in tiers.Input) (*tiers.PlanResult, error) {
	return m.planner.Plan(tier, in)
}

func (m *scriptedModel) Run(_ context.Context, tier tiers.Tier, in tiers.Input) (*tiers.Result, error) {
	m.mu.Lock()
	m.runs++
	m.mu.Unlock()
	res := &tiers.Result{Tier: tier, Usage: m.usage, Model: "scripted", Summary: tiers.Summary{Summary: "ok", Risk: "low"}}
	for _, f := range m.findings[in.PR.Repo] {
		if in.CheckFinding != nil && in.CheckFinding(f) != nil {
			continue
		}
		res.Findings = append(res.Findings, f)
	}
	return res, nil
}

// answers turns references into findings on exactly their lines.
func answers(refs []Reference) []tiers.Finding {
	var out []tiers.Finding
	for i, r := range refs {
		f := tiers.Finding{Path: r.Path, Line: r.EndLine, Side: r.Side, Severity: "major", Category: r.Category, Title: fmt.Sprintf("problem %d", i), Body: r.Body}
		if r.StartLine != r.EndLine {
			f.StartLine = r.StartLine
		}
		out = append(out, f)
	}
	return out
}

// fixedReviewer returns scripted findings without any pipeline, for
// scorer tests whose numbers are worked out by hand.
type fixedReviewer map[string][]Finding

var _ Reviewer = fixedReviewer(nil)

func (f fixedReviewer) Review(_ context.Context, e Entry, _ bool) (*Outcome, error) {
	return &Outcome{Findings: f[e.ID], Usage: tiers.Usage{InputTokens: 1000, OutputTokens: 100, CostUSD: 0.01}}, nil
}

// fakeJudge answers every pair with same.
type fakeJudge struct {
	same  bool
	calls int
	mu    sync.Mutex
}

var _ Judge = (*fakeJudge)(nil)

func (j *fakeJudge) Model() string                    { return "fake-judge" }
func (j *fakeJudge) Estimate(tiers.JudgeCase) float64 { return 0.001 }
func (j *fakeJudge) Decide(context.Context, tiers.JudgeCase) (tiers.Verdict, error) {
	j.mu.Lock()
	j.calls++
	j.mu.Unlock()
	return tiers.Verdict{Same: j.same, Usage: tiers.Usage{Calls: 1, CostUSD: 0.001}}, nil
}

func ref(path string, start, end int, cat string) Reference {
	return Reference{Path: path, Side: "RIGHT", StartLine: start, EndLine: end, Body: "expert says " + cat, Category: cat}
}

func fnd(path string, start, end int, cat, title string) Finding {
	return Finding{Path: path, Side: "RIGHT", StartLine: start, Line: end, Severity: "major", Category: cat, Title: title}
}
