package runner

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/internal/ghtest"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/tiers"
)

const oneFileDiff = "diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -1,2 +1,2 @@\n package a\n-var A = 1\n+var A = 2\n"

// failingModel fails the test when a review reaches the model.
type failingModel struct{ t *testing.T }

func (m failingModel) Run(context.Context, tiers.Tier, tiers.Input) (*tiers.Result, error) {
	m.t.Error("a paused pull request reached the model")
	return nil, tiers.ErrUpstream
}

func (m failingModel) Plan(tier tiers.Tier, in tiers.Input) (*tiers.PlanResult, error) {
	return tiers.Plan(tiers.Config{}, tier, in)
}

func TestReviewPRHonoursPauseOnlyWhenAutomatic(t *testing.T) {
	srv := ghtest.New(t)
	srv.MinWriteGap = 0
	srv.BotLogin = "reviewbot[bot]"
	head := strings.Repeat("b", 40)
	srv.AddPR(ghtest.PR{Owner: "o", Repo: "r", Number: 1, BaseSHA: strings.Repeat("a", 40), HeadSHA: head, Diff: oneFileDiff})
	c, err := gh.NewClient(srv.URL, &http.Client{Transport: &gh.Pacer{Base: gh.TokenTransport(nil, "t"), Gap: -1}})
	if err != nil {
		t.Fatal(err)
	}
	pub := gh.NewPublisher(c, "o", "r", 1, "reviewbot[bot]", nil)
	if _, err := pub.UpsertSummary(context.Background(), review.SummaryMarker+"\n"+review.State{Paused: true}.Marker()); err != nil {
		t.Fatal(err)
	}
	out, err := ReviewPR(context.Background(), c, gh.NewPublisher(c, "o", "r", 1, "reviewbot[bot]", nil),
		PRRequest{Owner: "o", Repo: "r", Number: 1, HeadSHA: head, Automatic: true, Model: failingModel{t}})
	if err != nil || !out.Paused {
		t.Fatalf("paused = %v, err %v", out.Paused, err)
	}
	if n := len(srv.CheckRuns("o", "r")); n != 0 {
		t.Errorf("%d check runs for a paused automatic review", n)
	}
}

func TestPriorTwiceOnOnePublisherSeesTheState(t *testing.T) {
	srv := ghtest.New(t)
	srv.MinWriteGap = 0
	srv.AddPR(ghtest.PR{Owner: "o", Repo: "r", Number: 1, BaseSHA: strings.Repeat("a", 40), HeadSHA: strings.Repeat("b", 40), Diff: oneFileDiff})
	c, _ := gh.NewClient(srv.URL, &http.Client{Transport: &gh.Pacer{Base: gh.TokenTransport(nil, "t"), Gap: -1}})
	pub := gh.NewPublisher(c, "o", "r", 1, "", nil)
	if _, err := pub.UpsertSummary(context.Background(), review.SummaryMarker+"\n"+review.State{Paused: true}.Marker()); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		prior, err := pub.Prior(context.Background())
		if err != nil || !prior.State.Paused || prior.SummaryURL == "" {
			t.Fatalf("call %d: prior %+v err %v", i+1, prior, err)
		}
	}
}
