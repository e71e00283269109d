package review

import (
	"context"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/languages"
	"github.com/reviewbot/reviewbot/tiers"
)

// TestWorkflowReviewedWithItsChecklist is the regression test for
// .github/ files skipped as "linguist's vendor rules": a real workflow
// (go-enry's sync-linguist.yml, see testdata/filter/README.md) and a
// CODEOWNERS change are reviewed, the router sends the workflow to the
// team tier, and the GitHub Actions checklist reaches the premium prompt.
func TestWorkflowReviewedWithItsChecklist(t *testing.T) {
	diff := newFileDiff(".github/workflows/sync-linguist.yml", readTestdata(t, "sync-linguist.yml")) +
		newFileDiff(".github/CODEOWNERS", "* @go-enry/maintainers\n") +
		newFileDiff(".github/reviewbot.yml", "tier: team\n")
	job := Job{Diff: mustParse(t, diff), Config: DefaultConfig(), Tier: tiers.Auto, DryRun: true, ShowPrompts: true}
	res, err := Run(context.Background(), job, tiers.NewPlanner(tiers.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 0 {
		t.Fatalf("skipped = %+v", res.Skipped)
	}
	langs := map[string]string{}
	for _, f := range res.Files {
		if !f.Reviewed {
			t.Errorf("%s not reviewed", f.Path)
		}
		langs[f.Path] = f.Language
	}
	if langs[".github/workflows/sync-linguist.yml"] != languages.GitHubActions || langs[".github/CODEOWNERS"] != "CODEOWNERS" || langs[".github/reviewbot.yml"] != "YAML" {
		t.Errorf("languages = %v", langs)
	}
	if res.Tier != "team" || !strings.Contains(res.RouteReason, "touches .github/workflows/sync-linguist.yml") {
		t.Errorf("tier %s, route reason %q", res.Tier, res.RouteReason)
	}
	var review string
	for _, c := range res.Planned {
		if c.Purpose == "review" {
			review = c.Prompt
		}
	}
	gha, _ := languages.Lookup(languages.GitHubActions)
	owners, _ := languages.Lookup("CODEOWNERS")
	for _, want := range append(append([]string{"### GitHub Actions", "### CODEOWNERS", `language="GitHub Actions"`}, gha.ReviewChecks...), owners.ReviewChecks...) {
		if !strings.Contains(review, want) {
			t.Errorf("the premium prompt lacks %q", want)
		}
	}
	// The workflow's own risky lines travel in the patch the model reads.
	if !strings.Contains(review, `${{ github.event.inputs.linguist_tag }}`) || !strings.Contains(review, "uses: actions/checkout@v2") {
		t.Error("the premium prompt lacks the workflow's patch")
	}
}
