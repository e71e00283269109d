package gh

import (
	"context"
	"fmt"

	"github.com/google/go-github/v66/github"
)

// CloseStaleChecks completes, as cancelled, the reviewbot check runs on
// head that are still in progress: what an attempt killed mid-review (a
// crash, kill -9, a lost machine) left behind. The App calls it before a
// retried attempt starts its own check run, so that the commit does not
// show a review "in progress" forever. It returns how many it closed.
func (c *Client) CloseStaleChecks(ctx context.Context, owner, repo, head, why string) (int, error) {
	res, _, err := c.gh.Checks.ListCheckRunsForRef(ctx, owner, repo, head, &github.ListCheckRunsOptions{
		CheckName: github.String(CheckName), Status: github.String("in_progress"), ListOptions: github.ListOptions{PerPage: perPage},
	})
	if err != nil {
		return 0, fmt.Errorf("list the check runs of %s: %w", short(head), classify(err))
	}
	n := 0
	for _, cr := range res.CheckRuns {
		_, _, err := c.gh.Checks.UpdateCheckRun(ctx, owner, repo, cr.GetID(), github.UpdateCheckRunOptions{
			Name: CheckName, Status: github.String("completed"), Conclusion: github.String("cancelled"),
			Output: &github.CheckRunOutput{Title: github.String("Interrupted"), Summary: github.String(why)},
		})
		if err != nil {
			return n, fmt.Errorf("close the stale check run %d: %w", cr.GetID(), classify(err))
		}
		n++
	}
	return n, nil
}
