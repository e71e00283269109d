package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// aacrCorpus is the corpus the command names, from the module root.
var aacrCorpus = filepath.Join("..", "..", "testdata", "eval", "aacr.jsonl")

// TestEvalDryRunOnAACR is `reviewbot eval --corpus testdata/eval/aacr.jsonl
// --dry-run --format json`: offline, no credentials, SPEC 8's document.
func TestEvalDryRunOnAACR(t *testing.T) {
	code, out, stderr := runCLI(t, nil, "eval", "--corpus", aacrCorpus, "--dry-run", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Overall    map[string]any            `json:"overall"`
		ByLanguage map[string]map[string]any `json:"by_language"`
		ByCategory map[string]map[string]any `json:"by_category"`
		PRs        []map[string]any          `json:"prs"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"prs", "references", "findings", "matched", "precision", "recall", "f1", "comments_per_pr", "false_alarms_clean",
		"input_tokens_per_pr", "output_tokens_per_pr", "usd_per_pr", "seconds_per_pr", "reachable", "unreachable"} {
		if _, ok := rep.Overall[k]; !ok {
			t.Errorf("overall lacks %q", k)
		}
	}
	if rep.Overall["prs"].(float64) != 39 || rep.Overall["references"].(float64) != 240 || rep.Overall["usd_per_pr"].(float64) != 0 {
		t.Errorf("overall = %v", rep.Overall)
	}
	if c := rep.Overall["recall_ceiling"].(float64); c < 0.9 || c >= 1 {
		t.Errorf("recall ceiling %v: the subset's references sit in hunks but for a few", c)
	}
	if len(rep.PRs) != 39 || rep.PRs[0]["reachable"] == nil || rep.PRs[0]["unreachable"] == nil || rep.PRs[0]["error"] != "" {
		t.Errorf("prs[0] = %v", rep.PRs[0])
	}
	if rep.ByLanguage["Go"] == nil || rep.ByCategory["bug"] == nil {
		t.Errorf("by_language %v by_category %v", rep.ByLanguage, rep.ByCategory)
	}
}

// sliceCorpus writes a corpus of the AACR entries with the given ids,
// their diff paths made absolute.
func sliceCorpus(t *testing.T, ids ...string) string {
	t.Helper()
	data, err := os.ReadFile(aacrCorpus)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(filepath.Dir(aacrCorpus))
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		var e map[string]any
		if json.Unmarshal([]byte(l), &e) != nil {
			continue
		}
		for _, id := range ids {
			if e["id"] == id {
				e["diff_file"] = filepath.Join(abs, e["diff_file"].(string))
				b, _ := json.Marshal(e)
				lines = append(lines, string(b))
			}
		}
	}
	p := filepath.Join(t.TempDir(), "slice.jsonl")
	os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	return p
}

// TestEvalAgainstFakeBedrock is a real eval of a slice of the corpus: the
// real SDK client against the in-process Bedrock, whose review answers
// every reference of both pull requests (the other pull request's paths
// are dropped by validation) and whose judge says yes.
func TestEvalAgainstFakeBedrock(t *testing.T) {
	corpus := sliceCorpus(t, "cline__cline__5177", "laravel__framework__54226")
	var findings []any
	data, _ := os.ReadFile(corpus)
	refs := 0
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e struct {
			References []struct {
				Path      string
				StartLine int `json:"start_line"`
				EndLine   int `json:"end_line"`
				Category  string
			}
		}
		json.Unmarshal([]byte(l), &e)
		for _, r := range e.References {
			refs++
			f := map[string]any{"path": r.Path, "line": r.EndLine, "severity": "major", "category": r.Category, "title": "t", "body": "b"}
			if r.StartLine != r.EndLine {
				f["start_line"] = r.StartLine
			}
			findings = append(findings, f)
		}
	}
	f := startBedrock(t, func(tool string) (int, string, string) {
		switch tool {
		case "submit_summary":
			return 200, "", toolUse(tool, summaryInput)
		case "submit_verdict":
			return 200, "", toolUse(tool, map[string]any{"same_concern": true, "reason": "same"})
		}
		return 200, "", toolUse("submit_review", map[string]any{"findings": findings})
	})
	code, out, stderr := runCLI(t, nil, "eval", "--corpus", corpus, "--format", "json", "--judge", "us.amazon.nova-lite-v1:0", "--concurrency", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Overall struct {
			PRs, References, Findings, Matched int
			Precision, Recall                  float64
			USDPerPR                           float64 `json:"usd_per_pr"`
			InputTokensPerPR                   float64 `json:"input_tokens_per_pr"`
		}
		Judged *struct{ Matched int }
		PRs    []struct{ ID, Error string }
		Run    struct {
			JudgeCalls int `json:"judge_calls"`
			Scored     int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	o := rep.Overall
	if o.PRs != 2 || o.References != refs || o.Matched != refs || o.Recall != 1 || o.Precision != 1 || o.USDPerPR <= 0 || o.InputTokensPerPR != 4000 {
		t.Errorf("overall = %+v (refs %d)\n%s", o, refs, out)
	}
	if rep.Judged == nil || rep.Judged.Matched != refs || rep.Run.JudgeCalls < refs {
		t.Errorf("judged = %+v, run %+v", rep.Judged, rep.Run)
	}
	// The table a user decides from, for the record (go test -v).
	code, text, stderr := runCLI(t, nil, "eval", "--corpus", corpus, "--judge", "us.amazon.nova-lite-v1:0")
	if code != 0 || !strings.Contains(text, "overall (judged by us.amazon.nova-lite-v1:0)") {
		t.Errorf("text report: exit %d %s\n%s", code, stderr, text)
	}
	t.Logf("reviewbot eval --corpus <2 AACR PRs> --judge us.amazon.nova-lite-v1:0:\n%s", text)
	counts := map[string]int{}
	for _, c := range f.calls[:len(f.calls)/2] {
		counts[c]++
	}
	if counts["submit_summary"] != 2 || counts["submit_review"] != 2 || counts["submit_verdict"] != rep.Run.JudgeCalls {
		t.Errorf("calls = %v", counts)
	}
}

func TestEvalBaselineAgainstFakeBedrock(t *testing.T) {
	corpus := sliceCorpus(t, "cline__cline__5177")
	f := startBedrock(t, func(tool string) (int, string, string) {
		return 200, "", toolUse("submit_review", map[string]any{"findings": []any{}})
	})
	code, out, stderr := runCLI(t, nil, "eval", "--corpus", corpus, "--reviewer", "baseline", "--format", "markdown")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(f.calls) != 1 || f.calls[0] != "submit_review" || !strings.Contains(out, "| overall (location) | 1 | 2 | 0 | 0 |") {
		t.Errorf("calls %v\n%s", f.calls, out)
	}
	if strings.Contains(f.bodies[0], "R1 ") || !strings.Contains(f.bodies[0], "diff --git") {
		t.Errorf("the baseline sends the raw diff: %.400s", f.bodies[0])
	}
}

func TestEvalMaxCostStopsAndSaysSo(t *testing.T) {
	corpus := sliceCorpus(t, "cline__cline__5177", "laravel__framework__54226", "ppy__osu__31232")
	f := startBedrock(t, func(tool string) (int, string, string) {
		if tool == "submit_summary" {
			return 200, "", toolUse(tool, summaryInput)
		}
		return 200, "", toolUse("submit_review", map[string]any{"findings": []any{}})
	})
	code, out, stderr := runCLI(t, nil, "eval", "--corpus", corpus, "--max-cost", "0.03", "--concurrency", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "eval stopped early") || !strings.Contains(out, "stopped early") || !strings.Contains(out, "not run: ") {
		t.Errorf("stderr %s\nout %s", stderr, out)
	}
	if len(f.calls) == 0 || len(f.calls) >= 6 {
		t.Errorf("calls = %v: the cap should let one or two reviews run", f.calls)
	}
}

func TestEvalUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"eval"}, "--corpus"},
		{[]string{"eval", "--corpus", aacrCorpus, "--format", "yaml"}, "--format"},
		{[]string{"eval", "--corpus", aacrCorpus, "--reviewer", "magic"}, "--reviewer"},
		{[]string{"eval", "--corpus", aacrCorpus, "--tier", "gold"}, "--tier"},
		{[]string{"eval", "--corpus", aacrCorpus, "--tolerance", "-1"}, "--tolerance"},
		{[]string{"eval", "--corpus", filepath.Join(t.TempDir(), "none.jsonl")}, "read the corpus"},
		{[]string{"eval", "--corpus", aacrCorpus, "--dry-run", "--provider", "openai"}, "REVIEWBOT_CHEAP_MODEL"},
	} {
		code, _, stderr := runCLI(t, nil, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d stderr %q, want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
	code, out, _ := runCLI(t, nil, "eval", "--help")
	if code != 0 || !strings.Contains(out, "--judge") || !strings.Contains(out, "--dry-run") {
		t.Errorf("eval --help: %d %s", code, out)
	}
}
