package gh

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/ghtest"
	"github.com/reviewbot/reviewbot/review"
)

// pubDiff has one hunk on the new side, lines 1-40 of big.go.
func pubDiff() string {
	var b strings.Builder
	b.WriteString("diff --git a/big.go b/big.go\nnew file mode 100644\n--- /dev/null\n+++ b/big.go\n@@ -0,0 +1,40 @@\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "+line %d\n", i)
	}
	return b.String()
}

func newPubServer(t *testing.T) (*ghtest.Server, *Publisher, *Pacer) {
	srv := ghtest.New(t)
	srv.MinWriteGap = 20 * time.Millisecond
	srv.AddPR(ghtest.PR{Owner: "o", Repo: "r", Number: 1, BaseSHA: strings.Repeat("a", 40), HeadSHA: strings.Repeat("b", 40), Diff: pubDiff()})
	pacer := &Pacer{Base: TokenTransport(nil, "tok"), Gap: 25 * time.Millisecond}
	c, err := NewClient(srv.URL, &http.Client{Transport: pacer})
	if err != nil {
		t.Fatal(err)
	}
	return srv, NewPublisher(c, "o", "r", 1, "", nil), pacer
}

func inline(line int) review.Finding {
	f := review.Finding{Path: "big.go", Line: line, Side: "RIGHT", Severity: "minor", Category: "bug", Title: fmt.Sprintf("finding %d", line), Body: "b", Anchor: "inline"}
	f.Fingerprint = review.Fingerprint(f.Path, f.Category, f.Title, nil)
	return f
}

func TestPostReviewBatchesOf30(t *testing.T) {
	srv, pub, _ := newPubServer(t)
	var fs []review.Finding
	for i := 1; i <= 35; i++ {
		fs = append(fs, inline(i))
	}
	rejected, err := pub.PostReview(context.Background(), strings.Repeat("b", 40), fs)
	if err != nil || len(rejected) != 0 {
		t.Fatalf("rejected %v err %v", rejected, err)
	}
	reviews := srv.Reviews("o", "r", 1)
	if len(reviews) != 2 || len(reviews[0].Comments) != 30 || len(reviews[1].Comments) != 5 {
		t.Fatalf("reviews: %d; at most 30 inline comments per request", len(reviews))
	}
	for _, rv := range reviews {
		if rv.Event != "COMMENT" {
			t.Errorf("event %q", rv.Event)
		}
	}
}

func TestPostReviewBisects422AndReturnsTheOffender(t *testing.T) {
	srv, pub, pacer := newPubServer(t)
	fs := []review.Finding{inline(1), inline(2), inline(3), inline(41), inline(5)}
	// Line 41 is past the hunk: GitHub refuses the whole review for it.
	rejected, err := pub.PostReview(context.Background(), strings.Repeat("b", 40), fs)
	if err != nil {
		t.Fatal(err)
	}
	if len(rejected) != 1 || rejected[0].Finding.Line != 41 || !strings.Contains(rejected[0].Reason, "422") {
		t.Fatalf("rejected = %+v, want exactly the comment on line 41 with GitHub's answer", rejected)
	}
	posted := 0
	for _, rv := range srv.Reviews("o", "r", 1) {
		posted += len(rv.Comments)
	}
	if posted != 4 {
		t.Errorf("posted %d comments, want the 4 valid ones: a 422 never loses the batch", posted)
	}
	// 1 failed batch of 5, then halves [1,2] ok, [3,41,5] fails, [3] ok, [41,5] fails, [41] fails, [5] ok.
	if w := pacer.Writes(); w != 7 {
		t.Errorf("%d write requests, want the 7 of a bisection", w)
	}
}

func TestPublisherWaitsOutSecondaryLimit(t *testing.T) {
	srv, pub, _ := newPubServer(t)
	srv.SecondaryLimit(1, time.Second)
	start := time.Now()
	url, err := pub.UpsertSummary(context.Background(), review.SummaryMarker+"\nhello")
	if err != nil || url == "" {
		t.Fatalf("url %q err %v", url, err)
	}
	if time.Since(start) < time.Second {
		t.Error("the retry came before Retry-After")
	}
	if n := len(srv.IssueComments("o", "r", 1)); n != 1 {
		t.Errorf("%d comments, want one", n)
	}
}

func TestPriorFindsSummaryAndFingerprintsAcrossPages(t *testing.T) {
	srv, pub, _ := newPubServer(t)
	// Noise from people first, so the summary is on a later page; a
	// person's forged marker does not count as reviewbot's.
	for i := range 120 {
		srv.AddIssueComment("o", "r", 1, "someone", fmt.Sprintf("comment %d", i))
	}
	srv.AddIssueComment("o", "r", 1, "mallory", review.SummaryMarker+" "+review.FindingMarker("ffffffffffffffff"))
	ctx := context.Background()
	st := review.State{LastReviewed: strings.Repeat("b", 40)}
	if _, err := pub.UpsertSummary(ctx, review.SummaryMarker+"\n"+st.Marker()); err != nil {
		t.Fatal(err)
	}
	if _, err := pub.PostReview(ctx, strings.Repeat("b", 40), []review.Finding{inline(3)}); err != nil {
		t.Fatal(err)
	}
	fresh := NewPublisher(pub.c, "o", "r", 1, "", nil)
	prior, err := fresh.Prior(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(prior.State, st) || prior.SummaryURL == "" {
		t.Errorf("prior = %+v", prior)
	}
	if !prior.Posted[inline(3).Fingerprint] || prior.Posted["ffffffffffffffff"] {
		t.Errorf("posted = %v: reviewbot's markers count, a person's do not", prior.Posted)
	}
	if _, err := fresh.UpsertSummary(ctx, review.SummaryMarker+"\nedited"); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range srv.IssueComments("o", "r", 1) {
		if strings.Contains(c.Body, review.SummaryMarker) && c.User != "mallory" {
			n++
			if !strings.Contains(c.Body, "edited") {
				t.Error("the summary was not edited in place")
			}
		}
	}
	if n != 1 {
		t.Errorf("%d summaries, want one", n)
	}
}

func TestReadOnlyTokenIsRecognised(t *testing.T) {
	srv, _, _ := newPubServer(t)
	srv.Token("ro", "read")
	c, _ := NewClient(srv.URL, &http.Client{Transport: &Pacer{Base: TokenTransport(nil, "ro"), Gap: -1}})
	pub := NewPublisher(c, "o", "r", 1, "", nil)
	_, err := pub.UpsertSummary(context.Background(), "x")
	if err == nil || !strings.Contains(err.Error(), "cannot write") {
		t.Fatalf("err = %v, want ErrReadOnly", err)
	}
	if err := pub.StartCheck(context.Background(), strings.Repeat("b", 40)); !pub.ChecksDisabled() || err == nil {
		t.Errorf("a refused check run disables checks: %v", err)
	}
}

func TestCheckRunAnnotationsInBatchesOf50(t *testing.T) {
	srv, pub, _ := newPubServer(t)
	ctx := context.Background()
	if err := pub.StartCheck(ctx, strings.Repeat("b", 40)); err != nil {
		t.Fatal(err)
	}
	var fs []review.Finding
	for i := 1; i <= 40; i++ {
		fs = append(fs, inline(i), inline(i))
	}
	if err := pub.FinishCheck(ctx, review.CheckResult{Conclusion: "neutral", Title: "t", Summary: strings.Repeat("s", 70000)[:65535], Findings: fs}); err != nil {
		t.Fatal(err)
	}
	runs := srv.CheckRuns("o", "r")
	if len(runs) != 1 || runs[0].Conclusion != "neutral" || len(runs[0].Annotations) != 80 || runs[0].Updates != 2 {
		t.Fatalf("check runs = %d, annotations %d, updates %d", len(runs), len(runs[0].Annotations), runs[0].Updates)
	}
}

func TestServerErrorAfterPostingDoesNotDuplicate(t *testing.T) {
	for _, lost := range []bool{true, false} {
		t.Run(fmt.Sprintf("landed=%v", lost), func(t *testing.T) {
			srv, pub, _ := newPubServer(t)
			ctx := context.Background()
			if _, err := pub.Prior(ctx); err != nil {
				t.Fatal(err)
			}
			if lost {
				// GitHub created the review and the summary, then answered 502.
				srv.LoseNext("POST", "/pulls/1/reviews", 502, 1)
				srv.LoseNext("POST", "/issues/1/comments", 502, 1)
			} else {
				srv.FailNext("POST", "/pulls/1/reviews", 502, 1)
				srv.FailNext("POST", "/issues/1/comments", 502, 1)
			}
			rejected, err := pub.PostReview(ctx, strings.Repeat("b", 40), []review.Finding{inline(1), inline(2)})
			if err != nil || len(rejected) != 0 {
				t.Fatalf("rejected %v err %v", rejected, err)
			}
			if _, err := pub.UpsertSummary(ctx, review.SummaryMarker+"\nsummary"); err != nil {
				t.Fatal(err)
			}
			comments := 0
			for _, rv := range srv.Reviews("o", "r", 1) {
				comments += len(rv.Comments)
			}
			if comments != 2 {
				t.Errorf("%d inline comments, want exactly 2 whether or not the failed POST had landed", comments)
			}
			if n := len(srv.IssueComments("o", "r", 1)); n != 1 {
				t.Errorf("%d summary comments, want exactly 1", n)
			}
		})
	}
}

func TestHugeFindingBodyStillPosts(t *testing.T) {
	srv, pub, _ := newPubServer(t)
	f := inline(3)
	f.Body = strings.Repeat("a very long explanation\n", 5000)
	if rj, err := pub.PostReview(context.Background(), strings.Repeat("b", 40), []review.Finding{f}); err != nil || len(rj) != 0 {
		t.Fatalf("rejected %v err %v", rj, err)
	}
	rc := srv.ReviewComments("o", "r", 1)
	if len(rc) != 1 || len(rc[0].Body) > review.MaxCommentBody || !strings.Contains(rc[0].Body, review.FindingMarker(f.Fingerprint)) {
		t.Fatalf("comment of %d bytes: bodies are cut to GitHub's limit and keep their marker", len(rc[0].Body))
	}
}
