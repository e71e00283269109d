package ghtest

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// maxBody is GitHub's documented cap on comment and review bodies, in
// characters. (Measured on github.com the refusal comes past 262,144 UTF-8
// bytes, four per character of this cap, with this same message; the fake
// enforces the documented, stricter, figure that reviewbot budgets for.)
const maxBody = 65536

// tooLong reports whether body is over GitHub's cap.
func tooLong(body string) bool { return utf8.RuneCountInString(body) > maxBody }

// issueExists reports whether number is a pull request the fake knows (the
// fake models no plain issues), answering 404 if not.
func (c *call) issueExists() (int, bool) {
	n, ok := c.number()
	if !ok {
		return 0, false
	}
	if c.repo.prs[n] == nil {
		c.notFound()
		return 0, false
	}
	return n, true
}

func (c *call) wireIssueComment(ic *issueComment) wireIssueComment {
	api := c.s.apiRepoURL(c.repo)
	return wireIssueComment{ID: ic.id, NodeID: nodeID("IC", ic.id),
		URL:     fmt.Sprintf("%s/issues/comments/%d", api, ic.id),
		HTMLURL: c.repo.issueCommentHTML(ic),
		Body:    ic.body, User: c.s.user(ic.user),
		CreatedAt: stamp(ic.created), UpdatedAt: stamp(ic.updated),
		IssueURL: fmt.Sprintf("%s/issues/%d", api, ic.number), AuthorAssociation: c.repo.association(ic.user)}
}

func (c *call) listIssueComments() {
	n, ok := c.issueExists()
	if !ok {
		return
	}
	var since time.Time
	if v := c.r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			c.validation("IssueComment", "invalid", "since", "")
			return
		}
		since = t
	}
	var list []*issueComment
	for _, ic := range c.repo.issueCmts {
		if ic.number == n && !ic.updated.Before(since) {
			list = append(list, ic)
		}
	}
	lo, hi := c.pageBounds(len(list))
	out := []wireIssueComment{}
	for _, ic := range list[lo:hi] {
		out = append(out, c.wireIssueComment(ic))
	}
	c.json(200, out)
}

// bodyRequest is the request of the comment endpoints.
type bodyRequest struct {
	Body *string `json:"body"`
}

// checkIssueBody applies GitHub's rules to an issue comment body: present
// (a schema check), not blank, at most 65,536 characters. The too-long
// error is github.com's, seen e.g. in reg-viz/reg-actions#123; on PATCH
// GitHub writes "body" in lower case.
func (c *call) checkIssueBody(b *string, patch bool) bool {
	switch {
	case b == nil:
		c.invalid(`"body" wasn't supplied.`)
	case *b == "":
		c.validation("IssueComment", "missing_field", "body", "")
	case tooLong(*b):
		msg := "Body is too long (maximum is 65536 characters)"
		if patch {
			msg = "body is too long (maximum is 65536 characters)"
		}
		c.validation("IssueComment", "unprocessable", "data", msg)
	default:
		return true
	}
	return false
}

func (c *call) createIssueComment() {
	n, ok := c.issueExists()
	if !ok {
		return
	}
	var req bodyRequest
	if !c.decode(&req) || !c.checkIssueBody(req.Body, false) {
		return
	}
	now := time.Now()
	ic := &issueComment{id: c.s.id(), number: n, body: *req.Body, user: c.author(), created: now, updated: now}
	c.repo.issueCmts = append(c.repo.issueCmts, ic)
	c.w.Header().Set("Location", fmt.Sprintf("%s/issues/comments/%d", c.s.apiRepoURL(c.repo), ic.id))
	c.json(201, c.wireIssueComment(ic))
}

// issueComment is the {id} comment, or a 404.
func (c *call) issueComment() (int, *issueComment, bool) {
	id, ok := c.idParam()
	if !ok {
		return 0, nil, false
	}
	for i, ic := range c.repo.issueCmts {
		if ic.id == id {
			return i, ic, true
		}
	}
	c.notFound()
	return 0, nil, false
}

func (c *call) getIssueComment() {
	if _, ic, ok := c.issueComment(); ok {
		c.json(200, c.wireIssueComment(ic))
	}
}

func (c *call) editIssueComment() {
	_, ic, ok := c.issueComment()
	if !ok {
		return
	}
	var req bodyRequest
	if !c.decode(&req) || !c.checkIssueBody(req.Body, true) {
		return
	}
	ic.body, ic.updated = *req.Body, time.Now()
	c.json(200, c.wireIssueComment(ic))
}

func (c *call) deleteIssueComment() {
	i, _, ok := c.issueComment()
	if !ok {
		return
	}
	c.repo.issueCmts = append(c.repo.issueCmts[:i:i], c.repo.issueCmts[i+1:]...)
	c.noContent()
}

// reactionContents are the reactions GitHub accepts
// (https://docs.github.com/rest/reactions/reactions#about-reactions).
var reactionContents = []string{"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"}

func (c *call) reactIssueComment() {
	if _, ic, ok := c.issueComment(); ok {
		c.react("issue_comment", ic.id)
	}
}

func (c *call) reactReviewComment() {
	if _, rc, ok := c.reviewComment(); ok {
		c.react("pull_request_review_comment", rc.id)
	}
}

// react records a reaction: 201 when new, 200 with the existing one when
// the same user already reacted so, as GitHub answers.
func (c *call) react(subject string, commentID int64) {
	var req struct {
		Content *string `json:"content"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Content == nil {
		c.invalid(`"content" wasn't supplied.`)
		return
	}
	valid := false
	for _, v := range reactionContents {
		valid = valid || v == *req.Content
	}
	if !valid {
		c.invalid(fmt.Sprintf(`For 'properties/content', %q is not a member of ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"].`, *req.Content))
		return
	}
	user := c.author()
	for _, rx := range c.s.reactions {
		if rx.Subject == subject && rx.CommentID == commentID && rx.Content == *req.Content && rx.User == user {
			c.json(200, c.wireReaction(rx))
			return
		}
	}
	rx := Reaction{ID: c.s.id(), Owner: c.repo.owner, Repo: c.repo.name, Subject: subject,
		CommentID: commentID, Content: *req.Content, User: user}
	c.s.reactions = append(c.s.reactions, rx)
	c.json(201, c.wireReaction(rx))
}

func (c *call) wireReaction(rx Reaction) wireReaction {
	return wireReaction{ID: rx.ID, NodeID: nodeID("REA", rx.ID), User: c.s.user(rx.User), Content: rx.Content, CreatedAt: stamp(time.Now())}
}
