package review

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/tiers"
)

// TestRunDoesNotCountTooLargeFiles is the regression test for a file
// skipped for size that was still counted as reviewed: it must not be in
// the router's signals, the risk or the dry run's file count, and the
// files list must say it was not reviewed.
func TestRunDoesNotCountTooLargeFiles(t *testing.T) {
	line := "\t{\"token\", 42}, // a generated row\n"
	big := strings.Repeat(line, maxFileTokens*4/len(line)+100)
	d := mustParse(t, newFileDiff("auth/tokens_table.go", big)+newFileDiff("main.go", "package main\n"))
	res, err := Run(context.Background(), Job{Diff: d, Config: DefaultConfig(), Tier: tiers.Auto, DryRun: true}, tiers.NewPlanner(tiers.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "auth/tokens_table.go" || !strings.Contains(res.Skipped[0].Reason, "too large to review") {
		t.Fatalf("skipped = %+v", res.Skipped)
	}
	for _, f := range res.Files {
		if f.Reviewed != (f.Path == "main.go") {
			t.Errorf("files entry %s: reviewed = %v", f.Path, f.Reviewed)
		}
	}
	// The risky auth/ path of the skipped file must not send the PR to the
	// team tier nor make its risk high.
	if res.Tier != "free" || !strings.Contains(res.RouteReason, "1 file, 1 changed line") || strings.Contains(res.RouteReason, "auth") {
		t.Errorf("tier %s, route reason %q", res.Tier, res.RouteReason)
	}
	if res.Risk != "low" || !strings.Contains(res.Summary, "1 file(s) to review, +1 −0 lines in Go (1)") {
		t.Errorf("risk %s, summary %q", res.Risk, res.Summary)
	}
}

// TestDryRunSummaryLeavesOutWhatThePlanCannotFit: with a model whose window
// is smaller than the filter's cap, the planner leaves a file out; the dry
// run's count, lines and risk must leave it out too, and say so.
func TestDryRunSummaryLeavesOutWhatThePlanCannotFit(t *testing.T) {
	line := "\tsecretKeys = append(secretKeys, loadKey(i)) // hand-written\n"
	mid := strings.Repeat(line, 30_000/len(line)) // ~7.5K tokens: over an 8K window, under maxFileTokens
	d := mustParse(t, newFileDiff("crypto/keys.go", mid)+newFileDiff("main.go", "package main\n"))
	job := Job{Diff: d, Config: DefaultConfig(), Tier: tiers.Free, DryRun: true}
	res, err := Run(context.Background(), job, tiers.NewPlanner(tiers.Config{CheapModel: "meta.llama3-8b-instruct-v1:0"}))
	if err != nil {
		t.Fatal(err)
	}
	var reason string
	for _, s := range res.Skipped {
		if s.Path == "crypto/keys.go" {
			reason = s.Reason
		}
	}
	if !strings.Contains(reason, "too large for one summary call") {
		t.Fatalf("crypto/keys.go not listed as skipped by the planner: %+v", res.Skipped)
	}
	for _, f := range res.Files {
		if f.Path == "crypto/keys.go" && f.Reviewed {
			t.Error("files[].reviewed must be false for a file the planner left out")
		}
	}
	if !strings.Contains(res.Summary, "1 file(s) to review, +1 −0 lines in Go (1); 1 more would not fit the model's window") || res.Risk != "low" {
		t.Errorf("risk %s, summary %q", res.Risk, res.Summary)
	}
	// The summary's files table marks it skipped even though the filter
	// had kept it.
	if md := Markdown(res); !strings.Contains(md, "| `crypto/keys.go` | added | +"+fmt.Sprint(d.File("crypto/keys.go").Additions)+" −0 | skipped, see below |") {
		t.Errorf("files table does not mark crypto/keys.go skipped:\n%s", md)
	}
}
