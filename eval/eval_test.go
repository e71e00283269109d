package eval

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/tiers"
)

func near3(a, b float64) bool { return math.Abs(a-b) < 1e-3 }

// TestPerfectAnswersScoreOne runs the real pipeline on bare diffs with a
// model that answers exactly the references.
func TestPerfectAnswersScoreOne(t *testing.T) {
	refs1 := []Reference{ref("a.go", 10, 10, "bug"), ref("a.go", 20, 23, "maintainability")}
	refs2 := []Reference{ref("pkg/b.py", 50, 50, "security")}
	entries := writeCorpus(t,
		map[string]string{"one": addedFile("a.go", 40), "two": modifiedFile("pkg/b.py", 50)},
		Entry{ID: "one", Language: "Go", References: refs1},
		Entry{ID: "two", Language: "Python", References: refs2},
	)
	m := newScripted(map[string][]tiers.Finding{"one": answers(refs1), "two": answers(refs2)})
	rep, err := Run(context.Background(), entries, Options{
		Reviewer:  &Pipeline{Model: m, Overrides: review.Overrides{Tier: review.Set("team", "test")}},
		Tolerance: DefaultTolerance, Concurrency: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	o := rep.Overall
	if o.PRs != 2 || o.References != 3 || o.Findings != 3 || o.Matched != 3 || o.Precision != 1 || o.Recall != 1 || o.F1 != 1 {
		t.Fatalf("overall = %+v, want 3 of 3 matched, P = R = 1", o)
	}
	if rep.ByLanguage["Go"].Recall != 1 || rep.ByLanguage["Python"].Recall != 1 || rep.ByCategory["security"].Matched != 1 {
		t.Errorf("by language %+v by category %+v", rep.ByLanguage, rep.ByCategory)
	}
	if o.InputTokensPerPR != 1000 || o.OutputTokensPerPR != 100 || !near3(o.USDPerPR, 0.01) || o.CommentsPerPR != 1.5 {
		t.Errorf("per-PR figures = %+v", o)
	}
	if m.runs != 2 {
		t.Errorf("model runs = %d, want 2", m.runs)
	}
}

func TestLinesBeyondToleranceMiss(t *testing.T) {
	e := Entry{ID: "x", References: []Reference{ref("a.go", 20, 22, "bug")}}
	for _, tt := range []struct {
		start, end int
		want       int
	}{
		{25, 25, 1}, // 3 lines below the range's end: within the default tolerance
		{17, 17, 1}, // 3 lines above
		{26, 26, 0}, // 4 below: a miss
		{10, 16, 0}, // ends 4 lines before the range
		{10, 17, 1},
		{21, 21, 1}, // inside
	} {
		s := ScorePR([]Finding{fnd("a.go", tt.start, tt.end, "bug", "t")}, e, DefaultTolerance)
		if len(s.Matched) != tt.want {
			t.Errorf("finding %d-%d vs reference 20-22: %d matched, want %d", tt.start, tt.end, len(s.Matched), tt.want)
		}
	}
	// The other side or another path never matches.
	left := fnd("a.go", 21, 21, "bug", "t")
	left.Side = "LEFT"
	if s := ScorePR([]Finding{left, fnd("b.go", 21, 21, "bug", "t")}, e, DefaultTolerance); len(s.Matched) != 0 {
		t.Errorf("side or path mismatch matched: %+v", s.Matched)
	}
	if s := ScorePR([]Finding{fnd("a.go", 25, 25, "bug", "t")}, e, 2); len(s.Matched) != 0 {
		t.Errorf("--tolerance 2 still matched 3 lines away")
	}
}

func TestDuplicatesCountOnce(t *testing.T) {
	e := Entry{ID: "x", References: []Reference{ref("a.go", 10, 10, "bug"), ref("a.go", 40, 40, "bug")}}
	fs := []Finding{
		fnd("a.go", 10, 10, "bug", "Nil map write"),
		fnd("a.go", 10, 10, "bug", "Nil map write (again)"), // same lines
		fnd("a.go", 9, 11, "bug", "nil  MAP write"),         // overlapping, same title
		fnd("a.go", 12, 12, "style", "Naming"),              // near, a different concern: kept
	}
	s := ScorePR(fs, e, DefaultTolerance)
	if len(s.Findings) != 2 || s.Duplicates != 2 {
		t.Fatalf("kept %d findings, merged %d; want 2 and 2: %+v", len(s.Findings), s.Duplicates, s.Findings)
	}
	// One reference is credited once even though both findings are near it.
	if len(s.Matched) != 1 {
		t.Errorf("matched = %+v, want the one reference once", s.Matched)
	}
}

// TestMatchIsMaximum: a greedy match of the first finding to its closest
// reference would leave the second finding without one.
func TestMatchIsMaximum(t *testing.T) {
	e := Entry{ID: "x", References: []Reference{ref("a.go", 10, 10, "bug"), ref("a.go", 13, 13, "bug")}}
	fs := []Finding{fnd("a.go", 11, 11, "bug", "first"), fnd("a.go", 8, 8, "bug", "second")}
	s := ScorePR(fs, e, DefaultTolerance)
	if len(s.Matched) != 2 {
		t.Fatalf("matched = %+v, want both references credited", s.Matched)
	}
}

// TestScorerByHand checks every figure of a small corpus against numbers
// worked out by hand (in the comments).
func TestScorerByHand(t *testing.T) {
	entries := writeCorpus(t, nil,
		// one: 3 references; findings f1 (1 line from r1: match), f2 (4
		// lines from r2: miss), f3 (f1's duplicate: merged), f4 (LEFT
		// side: miss).
		Entry{ID: "one", Language: "Go", References: []Reference{ref("a.go", 10, 10, "bug"), ref("a.go", 20, 22, "maintainability"), ref("b.go", 5, 5, "security")}},
		// two: clean; its one finding is a false alarm.
		Entry{ID: "two", Language: "Python", Clean: true},
		// three: h1 matches s1; h2 sits on a rejected comment: noise.
		Entry{ID: "three", Language: "Go", References: []Reference{ref("d.go", 7, 7, "bug")}, Noise: []Reference{ref("d.go", 30, 30, "style")}},
	)
	f4 := fnd("b.go", 5, 5, "security", "Injection")
	f4.Side = "LEFT"
	rev := fixedReviewer{
		"one":   {fnd("a.go", 11, 11, "bug", "Off by one"), fnd("a.go", 16, 16, "maintainability", "Long function"), fnd("a.go", 11, 11, "bug", "Off by one"), f4},
		"two":   {fnd("c.py", 3, 3, "style", "Naming")},
		"three": {fnd("d.go", 8, 8, "bug", "Race"), fnd("d.go", 29, 29, "style", "Import")},
	}
	rep, err := Run(context.Background(), entries, Options{Reviewer: rev, Tolerance: DefaultTolerance})
	if err != nil {
		t.Fatal(err)
	}
	// Findings after merging: 3 + 1 + 2 = 6; matched 2 (f1-r1, h1-s1);
	// references 3 + 0 + 1 = 4. Precision 2/6, recall 2/4, F1 = 2PR/(P+R)
	// = (2 * 1/3 * 1/2) / (5/6) = 0.4.
	o := rep.Overall
	want := Metrics{PRs: 3, References: 4, Findings: 6, Matched: 2, Precision: 1.0 / 3, Recall: 0.5, F1: 0.4,
		CommentsPerPR: 2, FalseAlarmsClean: 1, InputTokensPerPR: 1000, OutputTokensPerPR: 100, USDPerPR: 0.01, Noise: 1}
	if o.PRs != want.PRs || o.References != want.References || o.Findings != want.Findings || o.Matched != want.Matched ||
		!near3(o.Precision, want.Precision) || !near3(o.Recall, want.Recall) || !near3(o.F1, want.F1) ||
		o.CommentsPerPR != want.CommentsPerPR || o.FalseAlarmsClean != want.FalseAlarmsClean || o.Noise != want.Noise ||
		o.InputTokensPerPR != want.InputTokensPerPR || !near3(o.USDPerPR, want.USDPerPR) {
		t.Errorf("overall =\n%+v\nwant\n%+v", o, want)
	}
	// Go: PRs one and three: 4 references, 5 findings, 2 matched; P 0.4,
	// R 0.5, F1 = 0.4/0.9 = 0.444.
	if g := rep.ByLanguage["Go"]; g.PRs != 2 || g.Findings != 5 || g.Matched != 2 || !near3(g.Precision, 0.4) || !near3(g.F1, 0.4/0.9) {
		t.Errorf("Go = %+v", g)
	}
	if p := rep.ByLanguage["Python"]; p.PRs != 1 || p.References != 0 || p.Findings != 1 || p.FalseAlarmsClean != 1 || p.Precision != 0 {
		t.Errorf("Python = %+v", p)
	}
	// bug: references r1 and s1, both matched, by the two bug findings.
	if b := rep.ByCategory["bug"]; b.References != 2 || b.Matched != 2 || b.Findings != 2 || b.Precision != 1 || b.Recall != 1 {
		t.Errorf("bug = %+v", b)
	}
	if m := rep.ByCategory["maintainability"]; m.References != 1 || m.Matched != 0 || m.Findings != 1 || m.Precision != 0 {
		t.Errorf("maintainability = %+v", m)
	}
	// style: the clean PR's false alarm and the noise finding.
	if s := rep.ByCategory["style"]; s.References != 0 || s.Findings != 2 || s.FalseAlarmsClean != 1 || s.Noise != 1 || s.PRs != 3 {
		t.Errorf("style = %+v", s)
	}
	if p := rep.PRs[0]; p.ID != "one" || p.Findings != 3 || p.Duplicates != 1 || p.Matched != 1 || p.References != 3 {
		t.Errorf("pr one = %+v", p)
	}
	if rep.Judged != nil {
		t.Errorf("judged numbers without a judge")
	}
}

func TestJudgeNoDropsMatches(t *testing.T) {
	entries := writeCorpus(t, nil, Entry{ID: "x", Language: "Go", References: []Reference{ref("a.go", 10, 10, "bug"), ref("a.go", 30, 30, "bug")}})
	rev := fixedReviewer{"x": {fnd("a.go", 10, 10, "bug", "t1"), fnd("a.go", 31, 31, "bug", "t2"), fnd("a.go", 60, 60, "bug", "far")}}
	for _, same := range []bool{false, true} {
		j := &fakeJudge{same: same}
		rep, err := Run(context.Background(), entries, Options{Reviewer: rev, Judge: j, Tolerance: DefaultTolerance, Budget: NewBudget(0)})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Overall.Matched != 2 {
			t.Errorf("location-only matched = %d, want 2 whatever the judge says", rep.Overall.Matched)
		}
		want := 0
		if same {
			want = 2
		}
		if rep.Judged == nil || rep.Judged.Matched != want || *rep.PRs[0].JudgedMatched != want {
			t.Errorf("judge says %v: judged = %+v, want %d matched", same, rep.Judged, want)
		}
		// Only the two pairs that passed the location test are judged.
		if j.calls != 2 || rep.Run.JudgeCalls != 2 || !near3(rep.Run.JudgeUSD, 0.002) || rep.Run.Judge != "fake-judge" {
			t.Errorf("judge calls %d, run %+v", j.calls, rep.Run)
		}
	}
}

// TestReachability puts one reference in a skipped lock file, one in a
// file whose hunk is truncated, one outside any hunk, one just outside a
// hunk and one the model sees.
func TestReachability(t *testing.T) {
	truncated := "diff --git a/cut.go b/cut.go\nindex 1111111..2222222 100644\n--- a/cut.go\n+++ b/cut.go\n@@ -1,5 +1,6 @@\n line 1\n+added\n line 2\n"
	diff := modifiedFile("main.go", 50) + addedFile("package-lock.json", 20) + truncated
	entries := writeCorpus(t, map[string]string{"x": diff}, Entry{ID: "x", Language: "Go", References: []Reference{
		ref("main.go", 50, 50, "bug"),             // in the hunk: seen
		ref("package-lock.json", 3, 3, "bug"),     // skipped file
		ref("cut.go", 2, 2, "bug"),                // truncated hunk
		ref("main.go", 80, 80, "bug"),             // far outside the hunk
		ref("main.go", 55, 56, "maintainability"), // two lines past the hunk's end (53)
		ref("other.go", 1, 1, "bug"),              // not in the diff
	}})
	rep, err := Run(context.Background(), entries, Options{
		Reviewer: &Pipeline{Model: tiers.NewPlanner(tiers.Config{}), Overrides: review.Overrides{Tier: review.Set("team", "test")}},
		DryRun:   true, Tolerance: DefaultTolerance,
	})
	if err != nil {
		t.Fatal(err)
	}
	p := rep.PRs[0]
	if p.Error != "" || p.Reach == nil {
		t.Fatalf("pr = %+v", p)
	}
	got := map[string]string{}
	for _, u := range p.Unseen {
		got[u.Path+":"+itoa(u.StartLine)] = u.Reason
	}
	want := map[string]string{
		"package-lock.json:3": "file skipped: lock file",
		"cut.go:2":            ReasonTruncated,
		"main.go:80":          ReasonOutsideHunks,
		"main.go:55":          ReasonNearHunks,
		"other.go:1":          ReasonNotInDiff,
	}
	if len(got) != len(want) {
		t.Errorf("unseen = %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: reason %q, want %q", k, got[k], w)
		}
	}
	o := rep.Overall
	if o.Reachable != 1 || o.Unreachable["file skipped: lock file"] != 1 || o.Unreachable[ReasonTruncated] != 1 || !near3(o.RecallCeiling, 1.0/6) {
		t.Errorf("overall reach = %+v", o.Reach)
	}
	// The dry run leaves SPEC's model-dependent figures at zero and puts
	// the planner's estimate beside them.
	if o.Findings != 0 || o.USDPerPR != 0 || o.InputTokensPerPR != 0 || o.EstInputTokensPerPR <= 0 || o.EstUSDPerPR <= 0 {
		t.Errorf("dry-run figures = %+v / %+v", o, o.Reach)
	}
	if b := rep.ByCategory["maintainability"]; b.Reach == nil || b.Reachable != 0 || b.Unreachable[ReasonNearHunks] != 1 {
		t.Errorf("by category = %+v", b.Reach)
	}
	var doc map[string]map[string]any
	var buf strings.Builder
	rep.JSON(&buf)
	json.Unmarshal([]byte(buf.String()), &doc)
	if _, ok := doc["overall"]["reachable"]; !ok {
		t.Errorf("JSON overall lacks reachable: %s", buf.String())
	}
}

// TestFreeTierIsUnreachable: with --tier free there is no review prompt.
func TestFreeTierIsUnreachable(t *testing.T) {
	entries := writeCorpus(t, map[string]string{"x": addedFile("a.go", 10)}, Entry{ID: "x", References: []Reference{ref("a.go", 3, 3, "bug")}})
	rep, err := Run(context.Background(), entries, Options{
		Reviewer: &Pipeline{Model: tiers.NewPlanner(tiers.Config{}), Overrides: review.Overrides{Tier: review.Set("free", "test")}},
		DryRun:   true, Tolerance: DefaultTolerance,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.Unreachable[ReasonFreeTier] != 1 {
		t.Errorf("reach = %+v", rep.Overall.Reach)
	}
}

func TestMaxCostStopsTheRun(t *testing.T) {
	var es []Entry
	diffs := map[string]string{}
	for _, id := range []string{"a", "b", "c", "d"} {
		diffs[id] = addedFile(id+".go", 200)
		es = append(es, Entry{ID: id, Language: "Go", References: []Reference{ref(id+".go", 5, 5, "bug")}})
	}
	entries := writeCorpus(t, diffs, es...)
	m := newScripted(nil)
	// Each review is estimated at about $0.02 and books $0.01: under a
	// cap of $0.035 two run and the third's hold is refused.
	budget := NewBudget(0.035)
	rep, err := Run(context.Background(), entries, Options{
		Reviewer:  &Pipeline{Model: Metered(m, budget, func(in tiers.Input) string { return in.PR.Repo }), Overrides: review.Overrides{Tier: review.Set("team", "test")}},
		Tolerance: DefaultTolerance, Budget: budget, Concurrency: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Run.Stopped == "" || !strings.Contains(rep.Run.Stopped, "--max-cost $0.035") {
		t.Fatalf("run not stopped: %+v", rep.Run)
	}
	if m.runs == 0 || m.runs == 4 || rep.Run.Scored != m.runs || rep.Run.Errors != 4-m.runs {
		t.Errorf("runs %d, scored %d, errors %d", m.runs, rep.Run.Scored, rep.Run.Errors)
	}
	if rep.Overall.PRs != m.runs || rep.Run.SpentUSD > 0.035 {
		t.Errorf("overall counts PRs that did not run, or spent over the cap: %+v %+v", rep.Overall, rep.Run)
	}
	last := rep.PRs[len(rep.PRs)-1]
	if !strings.HasPrefix(last.Error, "not run: ") {
		t.Errorf("last PR = %+v", last)
	}
}

func TestBudgetHolds(t *testing.T) {
	b := NewBudget(1)
	r1, err := b.Hold(0.6, "first")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Hold(0.5, "second"); err == nil {
		t.Fatal("a hold past the cap was granted")
	}
	r1(0.2)
	if _, err := b.Hold(0.1, "third"); err == nil {
		t.Error("after a refusal the budget must stay stopped")
	}
	if b.Spent() != 0.2 || !strings.Contains(b.Stopped(), "second") {
		t.Errorf("spent %v stopped %q", b.Spent(), b.Stopped())
	}
	var none *Budget
	if rel, err := none.Hold(100, "x"); err != nil || none.Stopped() != "" {
		t.Errorf("nil budget refused: %v", err)
	} else {
		rel(1)
	}
}

func TestLoadRejects(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ line, want string }{
		{`{"id":"a","diff_file":"x","refs":[]}`, `unknown field "refs"`},
		{`{"id":"a","diff_file":"x","repo_dir":"y","head":"h"}`, "not both"},
		{`{"id":"a"}`, "needs repo_dir"},
		{`{"id":"a","repo_dir":"r"}`, "needs head"},
		{`{"id":"a","diff_file":"x","references":[{"path":"a","side":"UP","end_line":1}]}`, `side "UP"`},
		{`{"id":"a","diff_file":"x","references":[{"path":"a","start_line":5,"end_line":2}]}`, "lines 5-2"},
		{`{"id":"a","diff_file":"x","clean":true,"references":[{"path":"a","end_line":2}]}`, "clean entry"},
		{"{\"id\":\"a\",\"diff_file\":\"x\"}\n{\"id\":\"a\",\"diff_file\":\"y\"}", "already used on line 1"},
		{"\n", "holds no entry"},
	} {
		p := filepath.Join(dir, "c.jsonl")
		os.WriteFile(p, []byte(tt.line), 0o644)
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.line, err, tt.want)
		}
	}
	p := filepath.Join(dir, "ok.jsonl")
	os.WriteFile(p, []byte(`{"id":"a","diff_file":"d/x.diff","language":"","references":[{"path":"a.go","side":"right","end_line":4,"category":"Bug"}]}`+"\n"), 0o644)
	es, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	r := es[0].References[0]
	if es[0].DiffFile != filepath.Join(dir, "d", "x.diff") || es[0].Language != "unknown" || r.Side != "RIGHT" || r.StartLine != 4 || r.Category != "bug" {
		t.Errorf("normalised entry = %+v", es[0])
	}
}

func TestSkipClass(t *testing.T) {
	for reason, want := range map[string]string{
		"too large to review: its diff is about 90000 tokens (+1 -2 lines), over the limit": "diff over the per-file limit",
		`excluded by paths.exclude "docs/**"`:                                               "excluded by paths.exclude",
		"renamed from a.go without content changes":                                         "renamed or copied without changes",
		"something new: with 12 numbers":                                                    "something new",
	} {
		if got := SkipClass(reason); got != want {
			t.Errorf("SkipClass(%q) = %q, want %q", reason, got, want)
		}
	}
}

// TestRepoDirEntry reviews a git range (repo_dir, base, head) through
// runner.Local, with the base branch's configuration and codebase context,
// and gives the judge the lines around the pair from the range's diff.
func TestRepoDirEntry(t *testing.T) {
	r := gittest.New(t)
	body := "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n"
	r.Write(map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n", "calc/calc.go": body})
	base := r.Commit("base")
	r.Write(map[string]string{"calc/calc.go": strings.Replace(body, "a + b", "a - b", 1)})
	head := r.Commit("head")
	refs := []Reference{ref("calc/calc.go", 5, 5, "bug")}
	entries := writeCorpus(t, nil, Entry{ID: "calc", RepoDir: r.Dir, Base: base, Head: head, Language: "Go", References: refs})
	m := newScripted(map[string][]tiers.Finding{})
	// runner.Local names the repository after its directory.
	m.findings[filepath.Base(r.Dir)] = answers(refs)
	j := &codeJudge{}
	rep, err := Run(context.Background(), entries, Options{
		Reviewer: &Pipeline{Model: m, Overrides: review.Overrides{Tier: review.Set("team", "test")}},
		Judge:    j, Tolerance: DefaultTolerance,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.PRs[0].Error != "" || rep.Overall.Matched != 1 || rep.Judged.Matched != 1 {
		t.Fatalf("report = %+v / %+v", rep.PRs[0], rep.Overall)
	}
	if !strings.Contains(j.code, "R5 +\treturn a - b") || !strings.Contains(j.code, "L5 -\treturn a + b") {
		t.Errorf("the judge saw:\n%s", j.code)
	}
}

// codeJudge says yes and keeps the code excerpt it was shown.
type codeJudge struct{ code string }

var _ Judge = (*codeJudge)(nil)

func (j *codeJudge) Model() string                    { return "code-judge" }
func (j *codeJudge) Estimate(tiers.JudgeCase) float64 { return 0 }
func (j *codeJudge) Decide(_ context.Context, c tiers.JudgeCase) (tiers.Verdict, error) {
	j.code = c.Code
	return tiers.Verdict{Same: true}, nil
}
