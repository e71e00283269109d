package action

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/review"
)

// readOnly is the publisher of a run whose token may not write (a fork's
// pull request under `pull_request`, or a workflow without
// pull-requests: write): it reads through the API as usual and reports
// the findings as workflow annotations; the job summary carries the rest.
type readOnly struct {
	c      *gh.Client
	owner  string
	repo   string
	number int
	w      io.Writer
}

var _ review.Publisher = (*readOnly)(nil)

func newReadOnly(c *gh.Client, owner, repo string, number int, w io.Writer) *readOnly {
	return &readOnly{c: c, owner: owner, repo: repo, number: number, w: w}
}

// Prior is empty: nothing was posted, so nothing can repeat.
func (r *readOnly) Prior(context.Context) (*review.Prior, error) {
	return &review.Prior{Posted: map[string]bool{}}, nil
}

// HeadSHA reads the head; reading needs no write permission.
func (r *readOnly) HeadSHA(ctx context.Context) (string, error) {
	pr, err := r.c.PullRequest(ctx, r.owner, r.repo, r.number)
	if err != nil {
		return "", err
	}
	return pr.HeadSHA, nil
}

// PostReview posts nothing; the findings are annotated by flush.
func (r *readOnly) PostReview(context.Context, string, []review.Finding) ([]review.Rejected, error) {
	return nil, nil
}

// UpsertSummary posts nothing; the job summary holds the review.
func (r *readOnly) UpsertSummary(context.Context, string) (string, error) { return "", nil }

// flush prints every finding as an annotation, the most severe first: a
// step shows only the first 10 annotations of each level.
// https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#setting-a-warning-message
func (r *readOnly) flush(res *review.Result) {
	fs := append([]review.Finding(nil), res.Findings...)
	sort.SliceStable(fs, func(i, j int) bool { return review.SeverityRank(fs[i].Severity) < review.SeverityRank(fs[j].Severity) })
	for _, f := range fs {
		fmt.Fprintln(r.w, review.AnnotationCommand(f))
	}
}
