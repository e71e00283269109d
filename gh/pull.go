package gh

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v66/github"
	"github.com/reviewbot/reviewbot/review"
)

// PullRequest is what reviewbot reads of a pull request.
type PullRequest struct {
	Owner, Repo string
	Number      int
	Title, Body string
	Author      string
	Draft       bool
	State       string // open or closed
	BaseRef     string
	HeadRef     string
	BaseSHA     string // the base branch's tip when GitHub last computed the PR
	HeadSHA     string
	// HeadRepo is owner/name of the head repository; a fork PR's differs
	// from Owner/Repo.
	HeadRepo string
	HTMLURL  string
}

// Fork reports whether the head branch lives in another repository.
func (p *PullRequest) Fork() bool {
	return p.HeadRepo != "" && !strings.EqualFold(p.HeadRepo, p.Owner+"/"+p.Repo)
}

// PullRequest reads one pull request.
func (c *Client) PullRequest(ctx context.Context, owner, repo string, number int) (*PullRequest, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, owner, repo, number)
	if err != nil {
		return nil, fmt.Errorf("read %s/%s#%d: %w", owner, repo, number, classify(err))
	}
	return &PullRequest{
		Owner: owner, Repo: repo, Number: number,
		Title: pr.GetTitle(), Body: pr.GetBody(), Author: pr.GetUser().GetLogin(), Draft: pr.GetDraft(), State: pr.GetState(),
		BaseRef: pr.GetBase().GetRef(), HeadRef: pr.GetHead().GetRef(),
		BaseSHA: pr.GetBase().GetSHA(), HeadSHA: pr.GetHead().GetSHA(),
		HeadRepo: pr.GetHead().GetRepo().GetFullName(), HTMLURL: pr.GetHTMLURL(),
	}, nil
}

// FileAt reads path at ref through the contents API; ok is false when the
// file does not exist there.
func (c *Client) FileAt(ctx context.Context, owner, repo, ref, path string) (data []byte, ok bool, err error) {
	fc, _, resp, err := c.gh.Repositories.GetContents(ctx, owner, repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("read %s at %s: %w", path, short(ref), classify(err))
	}
	if fc == nil {
		return nil, false, fmt.Errorf("read %s at %s: it is a directory", path, short(ref))
	}
	s, err := fc.GetContent()
	if err != nil {
		return nil, false, fmt.Errorf("decode %s at %s: %w", path, short(ref), err)
	}
	return []byte(s), true, nil
}

// Comparison is how two commits of a repository relate.
type Comparison struct {
	// Status is GitHub's: ahead, behind, diverged or identical. "ahead"
	// means base is an ancestor of head.
	Status    string
	MergeBase string
	// Diff is base..head from the per-file patches; nil when GitHub
	// left files out (over 300 files), so callers review everything.
	Diff *review.Diff
}

// compareFileCap is the number of files the compare API lists at most.
// https://docs.github.com/rest/commits/commits#compare-two-commits
const compareFileCap = 300

// Compare relates base and head (base...head).
func (c *Client) Compare(ctx context.Context, owner, repo, base, head string) (*Comparison, error) {
	cmp, _, err := c.gh.Repositories.CompareCommits(ctx, owner, repo, base, head, &github.ListOptions{PerPage: 100})
	if err != nil {
		return nil, fmt.Errorf("compare %s...%s: %w", short(base), short(head), classify(err))
	}
	out := &Comparison{Status: cmp.GetStatus(), MergeBase: cmp.GetMergeBaseCommit().GetSHA()}
	if len(cmp.Files) < compareFileCap {
		var files []review.PatchFile
		for _, f := range cmp.Files {
			files = append(files, review.PatchFile{Filename: f.GetFilename(), PreviousFilename: f.GetPreviousFilename(), Status: f.GetStatus(), Patch: f.GetPatch(), Additions: f.GetAdditions(), Deletions: f.GetDeletions()})
		}
		if d, err := review.ParsePatches(files); err == nil {
			out.Diff = d
		}
	}
	return out, nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// Errors callers branch on.
var (
	// ErrReadOnly: the token may read but not write (a fork's pull
	// request, or a workflow without pull-requests: write).
	ErrReadOnly = errors.New("the GitHub token cannot write to this repository")
	// ErrRateLimited: a rate limit that resets too late to wait for.
	ErrRateLimited = errors.New("GitHub rate limit")
)

// classify wraps GitHub's answers that callers act on with this package's
// sentinels, keeping GitHub's own message.
func classify(err error) error {
	var er *github.ErrorResponse
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	switch {
	case errors.As(err, &rl):
		return fmt.Errorf("%w: %v (resets at %s)", ErrRateLimited, err, rl.Rate.Reset.Format("15:04:05 MST"))
	case errors.As(err, &ab):
		return fmt.Errorf("%w: %v", ErrRateLimited, err)
	case errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusForbidden &&
		strings.Contains(er.Message, "Resource not accessible by integration"):
		return fmt.Errorf("%w: %v", ErrReadOnly, err)
	}
	return err
}

// status is the HTTP status of a go-github error, 0 when there is none.
func status(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}
