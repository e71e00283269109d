package gh

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-github/v66/github"
	"github.com/reviewbot/reviewbot/review"
)

// GitHub's limits on a pull request's diff. The diff media type answers 406
// "too_large" beyond 300 files or 20,000 lines; list-files returns at most
// 3,000 files, 100 per page.
// https://docs.github.com/rest/pulls/pulls#list-pull-requests-files
const (
	maxListedFiles = 3000
	filesPerPage   = 100
)

// PullDiff fetches a pull request's diff. It asks for the whole diff in
// application/vnd.github.diff first (one request, exact headers for
// renames, modes and binaries); when GitHub refuses it as too large it
// falls back to the paginated list-files patches. Notes say what the
// fallback could not cover, so that nothing is left out silently.
func (c *Client) PullDiff(ctx context.Context, owner, repo string, number int) (d *review.Diff, notes []string, err error) {
	raw, _, err := c.gh.PullRequests.GetRaw(ctx, owner, repo, number, github.RawOptions{Type: github.Diff})
	if err == nil {
		d, err = review.ParseGitDiff([]byte(raw))
		if err != nil {
			return nil, nil, fmt.Errorf("parse the diff of %s/%s#%d: %w", owner, repo, number, err)
		}
		return d, nil, nil
	}
	if !tooLarge(err) {
		return nil, nil, fmt.Errorf("get the diff of %s/%s#%d: %w", owner, repo, number, err)
	}
	return c.listFilesDiff(ctx, owner, repo, number)
}

// tooLarge recognises GitHub's answer to a diff over its limits.
func tooLarge(err error) bool {
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusNotAcceptable {
		return false
	}
	for _, e := range er.Errors {
		if e.Code == "too_large" {
			return true
		}
	}
	return false
}

func (c *Client) listFilesDiff(ctx context.Context, owner, repo string, number int) (*review.Diff, []string, error) {
	var files []review.PatchFile
	opt := &github.ListOptions{PerPage: filesPerPage}
	for {
		page, resp, err := c.gh.PullRequests.ListFiles(ctx, owner, repo, number, opt)
		if err != nil {
			return nil, nil, fmt.Errorf("list the files of %s/%s#%d: %w", owner, repo, number, err)
		}
		for _, f := range page {
			files = append(files, review.PatchFile{
				Filename: f.GetFilename(), PreviousFilename: f.GetPreviousFilename(), Status: f.GetStatus(),
				Patch: f.GetPatch(), Additions: f.GetAdditions(), Deletions: f.GetDeletions(),
			})
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	notes := []string{fmt.Sprintf("GitHub refused the whole diff as too large (over 300 files or 20,000 lines); the review uses the per-file patches of %d files instead", len(files))}
	d, err := review.ParsePatches(files)
	if err != nil {
		return nil, nil, err
	}
	omitted := 0
	for _, f := range d.Files {
		if f.PatchOmitted {
			omitted++
		}
	}
	if omitted > 0 {
		notes = append(notes, fmt.Sprintf("GitHub sent no patch for %d large file(s); they are listed as not reviewed", omitted))
	}
	if len(files) >= maxListedFiles {
		pr, _, err := c.gh.PullRequests.Get(ctx, owner, repo, number)
		if err == nil && pr.GetChangedFiles() > len(files) {
			notes = append(notes, fmt.Sprintf("GitHub lists at most %d files: %d more changed files of this PR were not seen and not reviewed; review them locally with `reviewbot review`", maxListedFiles, pr.GetChangedFiles()-len(files)))
		}
	}
	return d, notes, nil
}
