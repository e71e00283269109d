package gh

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v66/github"
	"github.com/reviewbot/reviewbot/review"
)

// React adds a reaction ("eyes", "+1", ...) to a comment: an issue comment,
// or a review comment when review is true.
func (c *Client) React(ctx context.Context, owner, repo string, commentID int64, review bool, content string) error {
	var err error
	if review {
		_, _, err = c.gh.Reactions.CreatePullRequestCommentReaction(ctx, owner, repo, commentID, content)
	} else {
		_, _, err = c.gh.Reactions.CreateIssueCommentReaction(ctx, owner, repo, commentID, content)
	}
	if err != nil {
		return fmt.Errorf("react to comment %d: %w", commentID, classify(err))
	}
	return nil
}

// Comment posts a comment in the pull request's conversation.
func (c *Client) Comment(ctx context.Context, owner, repo string, number int, body string) error {
	_, _, err := c.gh.Issues.CreateComment(ctx, owner, repo, number, &github.IssueComment{Body: github.String(review.Truncate(body, review.MaxCommentBody))})
	if err != nil {
		return fmt.Errorf("comment on #%d: %w", number, classify(err))
	}
	return nil
}

// ReplyInThread answers in the review thread of comment commentID.
func (c *Client) ReplyInThread(ctx context.Context, owner, repo string, number int, commentID int64, body string) error {
	_, _, err := c.gh.PullRequests.CreateCommentInReplyTo(ctx, owner, repo, number, review.Truncate(body, review.MaxCommentBody), commentID)
	if err != nil {
		return fmt.Errorf("reply in the thread of comment %d: %w", commentID, classify(err))
	}
	return nil
}

// TokenLogin is the login of the user a personal access token belongs to
// (GET /user), so that what reviewbot posted with it is recognised as its
// own on the next run. An installation token (GITHUB_TOKEN, a GitHub
// App's) has no user: GitHub answers 403 "Resource not accessible by
// integration", and TokenLogin returns "" with no error.
// https://docs.github.com/rest/users/users#get-the-authenticated-user
func (c *Client) TokenLogin(ctx context.Context) (string, error) {
	u, _, err := c.gh.Users.Get(ctx, "")
	if err != nil {
		if s := status(err); s == http.StatusForbidden || s == http.StatusNotFound {
			return "", nil
		}
		return "", fmt.Errorf("read the token's user: %w", classify(err))
	}
	return u.GetLogin(), nil
}

// Permission is a user's permission on the repository: admin, maintain,
// write, triage, read or none.
func (c *Client) Permission(ctx context.Context, owner, repo, user string) (string, error) {
	p, _, err := c.gh.Repositories.GetPermissionLevel(ctx, owner, repo, user)
	if err != nil {
		return "", fmt.Errorf("read %s's permission: %w", user, classify(err))
	}
	// role_name distinguishes maintain and triage, which permission folds
	// into write and read.
	if r := p.GetRoleName(); r != "" {
		return r, nil
	}
	return p.GetPermission(), nil
}

// ThreadComment is one comment of a review thread.
type ThreadComment struct {
	ID        int64
	InReplyTo int64
	User      string
	Bot       bool
	Path      string
	Line      int
	Side      string
	Body      string
	DiffHunk  string
}

// Thread returns the review thread that comment id belongs to, root first,
// from the pull request's review comments (paginated).
func (c *Client) Thread(ctx context.Context, owner, repo string, number int, id int64) ([]ThreadComment, error) {
	var all []ThreadComment
	opt := &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		page, resp, err := c.gh.PullRequests.ListComments(ctx, owner, repo, number, opt)
		if err != nil {
			return nil, fmt.Errorf("list the review comments of #%d: %w", number, classify(err))
		}
		for _, pc := range page {
			all = append(all, ThreadComment{
				ID: pc.GetID(), InReplyTo: pc.GetInReplyTo(), User: pc.GetUser().GetLogin(),
				Bot:  pc.GetUser().GetType() == "Bot" || strings.HasSuffix(pc.GetUser().GetLogin(), "[bot]"),
				Path: pc.GetPath(), Line: pc.GetLine(), Side: pc.GetSide(), Body: pc.GetBody(), DiffHunk: pc.GetDiffHunk(),
			})
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	root := id
	for _, tc := range all {
		if tc.ID == id && tc.InReplyTo != 0 {
			root = tc.InReplyTo
		}
	}
	var thread []ThreadComment
	for _, tc := range all {
		if tc.ID == root || tc.InReplyTo == root {
			thread = append(thread, tc)
		}
	}
	return thread, nil
}
