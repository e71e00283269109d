package ghtest

import (
	"fmt"
	"strings"
	"time"
)

// anchorRequest is where a review comment asks to sit.
type anchorRequest struct {
	Path      *string `json:"path"`
	Position  *int    `json:"position"`
	Line      *int    `json:"line"`
	Side      *string `json:"side"`
	StartLine *int    `json:"start_line"`
	StartSide *string `json:"start_side"`
}

// anchorProblem is why an anchor is refused.
type anchorProblem int

const (
	anchorOK      anchorProblem = iota
	badPath                     // the path is not a file of the diff
	badLine                     // line (or position) is not a line of a hunk on that side
	badStartHunk                // start_line is not in the same hunk as line
	badStartOrder               // start_line does not come before line
	badSide                     // side or start_side is not LEFT or RIGHT
)

// anchor is an accepted anchor.
type anchor struct {
	file            *fileDiff
	line, startLine int
	side, startSide string
	pos             int    // legacy position of line in the commit's diff
	hunk            string // diff_hunk
	position        *int   // the position the request used, if any
}

// resolveAnchor applies GitHub's anchoring rules to one comment against the
// diff of the commit it is pinned to. RIGHT lines are the new file's added
// and context lines, LEFT lines the old file's deleted and context lines,
// each within a hunk; a range must lie in one hunk and start before it
// ends. (https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request)
func resolveAnchor(d *parsedDiff, a anchorRequest) (anchor, anchorProblem, string) {
	var out anchor
	f := d.file(deref(a.Path))
	if f == nil {
		return out, badPath, ""
	}
	out.file, out.position = f, a.Position
	if a.Line == nil {
		if a.Position == nil {
			return out, badLine, ""
		}
		// Legacy positions: accepted, recorded, and turned into line/side
		// the way GitHub's UI shows them.
		h, i, ok := f.atPos(*a.Position)
		if !ok {
			return out, badLine, ""
		}
		l := f.Hunks[h].Lines[i]
		out.side, out.line = "RIGHT", l.New
		if l.Kind == '-' {
			out.side, out.line = "LEFT", l.Old
		}
		out.pos, out.hunk = l.Pos, f.hunkText(h, i)
		return out, anchorOK, ""
	}
	out.side = "RIGHT" // GitHub's default
	if a.Side != nil {
		out.side = *a.Side
	}
	if out.side != "LEFT" && out.side != "RIGHT" {
		return out, badSide, out.side
	}
	h, i, ok := f.lookup(out.side, *a.Line)
	if !ok {
		return out, badLine, ""
	}
	out.line, out.pos, out.hunk = *a.Line, f.Hunks[h].Lines[i].Pos, f.hunkText(h, i)
	if a.StartLine == nil {
		return out, anchorOK, ""
	}
	out.startSide = out.side
	if a.StartSide != nil {
		out.startSide = *a.StartSide
	}
	if out.startSide != "LEFT" && out.startSide != "RIGHT" {
		return out, badSide, out.startSide
	}
	sh, si, ok := f.lookup(out.startSide, *a.StartLine)
	switch {
	case !ok || sh != h:
		return out, badStartHunk, ""
	case si >= i:
		// Also for start_line == line: a one-line comment must leave
		// start_line out.
		return out, badStartOrder, ""
	}
	out.startLine = *a.StartLine
	return out, anchorOK, ""
}

// reviewMessages are the strings of the review endpoint's 422 ("errors" is
// a list of strings there). The first two are what github.com answers
// today; the start-line ones are its older "Pull request review thread"
// wording, the only one on record for ranges. See README.md for sources.
var reviewMessages = map[anchorProblem]string{
	badPath:       "Path could not be resolved",
	badLine:       "Line could not be resolved",
	badStartHunk:  "Pull request review thread start line must be part of the same hunk as the line.",
	badStartOrder: "Pull request review thread start line must precede the end line.",
}

// commentErrors are the field errors of the single-comment endpoint's 422
// "Validation Failed", resource PullRequestReviewComment, code custom.
var commentErrors = map[anchorProblem][2]string{
	badPath:       {"pull_request_review_thread.path", "could not be resolved"},
	badLine:       {"pull_request_review_thread.line", "could not be resolved"},
	badStartHunk:  {"pull_request_review_thread.start_line", "pull_request_review_thread.start_line must be part of the same hunk as the line."},
	badStartOrder: {"pull_request_review_thread.start_line", "pull_request_review_thread.start_line must precede the end line."},
}

// deref is *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// reviewFail answers the review endpoint's 422, whose errors are strings:
// {"message":"Unprocessable Entity","errors":["Line could not be resolved"],...}.
func (c *call) reviewFail(msg string) { c.fail(422, "Unprocessable Entity", []any{msg}) }

// draftComment is one entry of a review's "comments".
type draftComment struct {
	anchorRequest
	Body *string `json:"body"`
}

// reviewState maps an event to the state GitHub reports.
var reviewState = map[string]string{"COMMENT": "COMMENTED", "APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "": "PENDING"}

func (c *call) createReview() {
	p, ok := c.pull()
	if !ok {
		return
	}
	var req struct {
		CommitID *string        `json:"commit_id"`
		Body     *string        `json:"body"`
		Event    *string        `json:"event"`
		Comments []draftComment `json:"comments"`
	}
	if !c.decode(&req) {
		return
	}
	event := deref(req.Event)
	if _, ok := reviewState[event]; !ok {
		c.invalid(fmt.Sprintf(`For 'properties/event', %q is not a member of ["APPROVE", "REQUEST_CHANGES", "COMMENT"].`, event))
		return
	}
	commitID := p.HeadSHA // GitHub's default: the pull request's latest commit
	if deref(req.CommitID) != "" {
		commitID = *req.CommitID
	}
	if !c.repo.inPR(p, commitID) {
		// Also the answer for the test-merge commit (GITHUB_SHA) and for a
		// head dropped by a force-push (reviewdog/reviewdog#434).
		c.reviewFail("The commitOID is not part of the pull request")
		return
	}
	body := deref(req.Body)
	me := c.author()
	switch {
	case tooLong(body):
		c.reviewFail("ghtest: review body is too long (maximum is 65536 characters; GitHub's wording for reviews is not on record)")
		return
	case event == "APPROVE" && strings.EqualFold(me, p.Author):
		c.reviewFail("Can not approve your own pull request")
		return
	case event == "REQUEST_CHANGES" && strings.EqualFold(me, p.Author):
		c.reviewFail("Can not request changes on your own pull request")
		return
	case event == "REQUEST_CHANGES" && body == "":
		c.reviewFail("You need to leave a comment indicating the requested changes.")
		return
	case event == "COMMENT" && body == "" && len(req.Comments) == 0:
		c.reviewFail("ghtest: a COMMENT review needs a body or comments (GitHub answers 422; its wording is not on record)")
		return
	case event == "":
		for _, rv := range c.repo.reviews {
			if rv.number == p.Number && rv.state == "PENDING" && strings.EqualFold(rv.user, me) {
				c.reviewFail("User can only have one pending review per pull request")
				return
			}
		}
	}
	// Every comment is checked before anything is stored: one bad anchor
	// rejects the whole review, which is how findings get lost on GitHub.
	d := c.repo.commits[commitID].diff
	anchors := make([]anchor, len(req.Comments))
	for i, dc := range req.Comments {
		if !c.required(map[string]bool{"path": dc.Path == nil, "body": dc.Body == nil}) {
			return
		}
		switch {
		case tooLong(*dc.Body):
			c.reviewFail("ghtest: comment body is too long (maximum is 65536 characters; GitHub's wording for reviews is not on record)")
			return
		}
		a, problem, value := resolveAnchor(d, dc.anchorRequest)
		switch problem {
		case anchorOK:
		case badSide:
			c.invalid(fmt.Sprintf(`For 'properties/side', %q is not a member of ["LEFT", "RIGHT"].`, value))
			return
		default:
			c.reviewFail(reviewMessages[problem])
			return
		}
		anchors[i] = a
	}
	now := time.Now()
	rv := &review{id: c.s.id(), number: p.Number, commitID: commitID, event: event,
		state: reviewState[event], body: body, user: me}
	if event != "" {
		rv.submitted = now
	}
	c.repo.reviews = append(c.repo.reviews, rv)
	for i, a := range anchors {
		c.repo.reviewCmts = append(c.repo.reviewCmts, &reviewComment{id: c.s.id(), reviewID: rv.id, number: p.Number,
			path: a.file.Path(), line: a.line, startLine: a.startLine, side: a.side, startSide: a.startSide,
			subjectType: "line", commitID: commitID, body: *req.Comments[i].Body, user: me,
			position: a.position, diffPos: a.pos, diffHunk: a.hunk, created: now, updated: now, pending: event == ""})
	}
	c.json(200, c.wireReview(rv))
}

func (c *call) wireReview(rv *review) wireReview {
	web := webRepoURL(c.repo)
	w := wireReview{ID: rv.id, NodeID: nodeID("PRR", rv.id), User: c.s.user(rv.user), Body: rv.body, State: rv.state,
		HTMLURL:        fmt.Sprintf("%s/pull/%d#pullrequestreview-%d", web, rv.number, rv.id),
		PullRequestURL: fmt.Sprintf("%s/pulls/%d", c.s.apiRepoURL(c.repo), rv.number),
		CommitID:       rv.commitID, AuthorAssociation: c.repo.association(rv.user)}
	if !rv.submitted.IsZero() { // pending reviews have no submitted_at
		t := stamp(rv.submitted)
		w.SubmittedAt = &t
	}
	return w
}

func (c *call) listReviews() {
	p, ok := c.pull()
	if !ok {
		return
	}
	var list []*review
	for _, rv := range c.repo.reviews {
		if rv.number == p.Number {
			list = append(list, rv)
		}
	}
	lo, hi := c.pageBounds(len(list))
	out := []wireReview{}
	for _, rv := range list[lo:hi] {
		out = append(out, c.wireReview(rv))
	}
	c.json(200, out)
}

// review is the {id} review of the {number} pull request, or a 404.
func (c *call) review() (*review, bool) {
	p, ok := c.pull()
	if !ok {
		return nil, false
	}
	id, ok := c.idParam()
	if !ok {
		return nil, false
	}
	for _, rv := range c.repo.reviews {
		if rv.id == id && rv.number == p.Number {
			return rv, true
		}
	}
	c.notFound()
	return nil, false
}

func (c *call) getReview() {
	if rv, ok := c.review(); ok {
		c.json(200, c.wireReview(rv))
	}
}

func (c *call) submitReview() {
	rv, ok := c.review()
	if !ok {
		return
	}
	var req struct {
		Body  *string `json:"body"`
		Event *string `json:"event"`
	}
	if !c.decode(&req) {
		return
	}
	event := deref(req.Event)
	if _, ok := reviewState[event]; !ok || event == "" {
		c.invalid(fmt.Sprintf(`For 'properties/event', %q is not a member of ["APPROVE", "REQUEST_CHANGES", "COMMENT"].`, event))
		return
	}
	if rv.state != "PENDING" {
		c.reviewFail("ghtest: the review is not pending (GitHub's wording is not on record)")
		return
	}
	if req.Body != nil {
		rv.body = *req.Body
	}
	rv.event, rv.state, rv.submitted = event, reviewState[event], time.Now()
	for _, rc := range c.repo.reviewCmts {
		if rc.reviewID == rv.id {
			rc.pending = false
		}
	}
	c.json(200, c.wireReview(rv))
}

func (c *call) listReviewCommentsOfReview() {
	rv, ok := c.review()
	if !ok {
		return
	}
	var list []*reviewComment
	for _, rc := range c.repo.reviewCmts {
		if rc.reviewID == rv.id {
			list = append(list, rc)
		}
	}
	c.listReviewComments(list)
}

func (c *call) listPullComments() {
	p, ok := c.pull()
	if !ok {
		return
	}
	var list []*reviewComment
	for _, rc := range c.repo.reviewCmts {
		// Comments of a pending review are not listed until it is
		// submitted.
		if rc.number == p.Number && !rc.pending {
			list = append(list, rc)
		}
	}
	if c.r.URL.Query().Get("direction") == "desc" {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	c.listReviewComments(list)
}

// listReviewComments answers one page of list.
func (c *call) listReviewComments(list []*reviewComment) {
	lo, hi := c.pageBounds(len(list))
	out := []wireReviewComment{}
	for _, rc := range list[lo:hi] {
		out = append(out, c.wireReviewComment(rc))
	}
	c.json(200, out)
}

func (c *call) wireReviewComment(rc *reviewComment) wireReviewComment {
	api, web := c.s.apiRepoURL(c.repo), webRepoURL(c.repo)
	w := wireReviewComment{URL: fmt.Sprintf("%s/pulls/comments/%d", api, rc.id), PullRequestReviewID: rc.reviewID,
		ID: rc.id, NodeID: nodeID("PRRC", rc.id), DiffHunk: rc.diffHunk, Path: rc.path,
		CommitID: rc.commitID, OriginalCommitID: rc.commitID, InReplyToID: rc.inReplyTo,
		User: c.s.user(rc.user), Body: rc.body, CreatedAt: stamp(rc.created), UpdatedAt: stamp(rc.updated),
		HTMLURL:        fmt.Sprintf("%s/pull/%d#discussion_r%d", web, rc.number, rc.id),
		PullRequestURL: fmt.Sprintf("%s/pulls/%d", api, rc.number), AuthorAssociation: c.repo.association(rc.user),
		SubjectType: rc.subjectType}
	if rc.subjectType == "line" {
		w.Position, w.OriginalPosition = intp(rc.diffPos), intp(rc.diffPos)
		w.Line, w.OriginalLine, w.Side = intp(rc.line), intp(rc.line), str(rc.side)
		if rc.startLine != 0 {
			w.StartLine, w.OriginalStartLine, w.StartSide = intp(rc.startLine), intp(rc.startLine), str(rc.startSide)
		}
	}
	return w
}

// reviewComment is the {id} review comment, or a 404.
func (c *call) reviewComment() (int, *reviewComment, bool) {
	id, ok := c.idParam()
	if !ok {
		return 0, nil, false
	}
	for i, rc := range c.repo.reviewCmts {
		if rc.id == id {
			return i, rc, true
		}
	}
	c.notFound()
	return 0, nil, false
}

// commentFail answers the single-comment endpoint's "Validation Failed".
func (c *call) commentFail(field, msg string) {
	c.validation("PullRequestReviewComment", "custom", field, msg)
}

func (c *call) createPullComment() {
	p, ok := c.pull()
	if !ok {
		return
	}
	var req struct {
		anchorRequest
		Body        *string `json:"body"`
		CommitID    *string `json:"commit_id"`
		InReplyTo   *int64  `json:"in_reply_to"`
		SubjectType *string `json:"subject_type"`
	}
	if !c.decode(&req) {
		return
	}
	if req.InReplyTo != nil {
		// "When specified, all parameters other than body in the request
		// body are ignored."
		if !c.required(map[string]bool{"body": req.Body == nil}) {
			return
		}
		if tooLong(*req.Body) {
			c.commentFail("body", "body is too long (maximum is 65536 characters)")
			return
		}
		c.reply(p, *req.InReplyTo, *req.Body)
		return
	}
	if !c.required(map[string]bool{"body": req.Body == nil, "commit_id": req.CommitID == nil, "path": req.Path == nil}) {
		return
	}
	if tooLong(*req.Body) {
		c.commentFail("body", "body is too long (maximum is 65536 characters)")
		return
	}
	subject := deref(req.SubjectType)
	if subject != "" && subject != "line" && subject != "file" {
		c.invalid(fmt.Sprintf(`For 'properties/subject_type', %q is not a member of ["line", "file"].`, subject))
		return
	}
	commitID := *req.CommitID
	if !c.repo.inPR(p, commitID) {
		// octokit/octokit.rb#1131: the answer for a commit a force-push
		// dropped.
		c.commentFail("end_commit_oid", "end_commit_oid is not part of the pull request")
		return
	}
	d := c.repo.commits[commitID].diff
	now := time.Now()
	rc := &reviewComment{id: 0, number: p.Number, path: *req.Path, commitID: commitID, body: *req.Body,
		user: c.author(), created: now, updated: now}
	if subject == "file" {
		// A file-level comment: path and commit, no line
		// (https://github.blog/changelog/2023-03-14-comment-on-files-in-a-pull-request-public-beta/).
		if d.file(*req.Path) == nil {
			c.commentFail(commentErrors[badPath][0], commentErrors[badPath][1])
			return
		}
		rc.subjectType = "file"
	} else {
		a, problem, value := resolveAnchor(d, req.anchorRequest)
		switch problem {
		case anchorOK:
		case badSide:
			c.invalid(fmt.Sprintf(`For 'properties/side', %q is not a member of ["LEFT", "RIGHT"].`, value))
			return
		default:
			c.commentFail(commentErrors[problem][0], commentErrors[problem][1])
			return
		}
		rc.subjectType, rc.line, rc.startLine, rc.side, rc.startSide = "line", a.line, a.startLine, a.side, a.startSide
		rc.position, rc.diffPos, rc.diffHunk = a.position, a.pos, a.hunk
	}
	c.storeSingle(p, rc)
}

// storeSingle files a comment made outside a review under a review of its
// own, as GitHub does, and answers 201.
func (c *call) storeSingle(p *pullRequest, rc *reviewComment) {
	rv := &review{id: c.s.id(), number: p.Number, commitID: rc.commitID, event: "COMMENT",
		state: "COMMENTED", user: rc.user, submitted: rc.created}
	c.repo.reviews = append(c.repo.reviews, rv)
	rc.id, rc.reviewID = c.s.id(), rv.id
	c.repo.reviewCmts = append(c.repo.reviewCmts, rc)
	c.w.Header().Set("Location", fmt.Sprintf("%s/pulls/comments/%d", c.s.apiRepoURL(c.repo), rc.id))
	c.json(201, c.wireReviewComment(rc))
}

func (c *call) createReply() {
	p, ok := c.pull()
	if !ok {
		return
	}
	id, ok := c.idParam()
	if !ok {
		return
	}
	var req bodyRequest
	if !c.decode(&req) {
		return
	}
	if req.Body == nil {
		c.invalid(`"body" wasn't supplied.`)
		return
	}
	if tooLong(*req.Body) {
		c.commentFail("body", "body is too long (maximum is 65536 characters)")
		return
	}
	c.reply(p, id, *req.Body)
}

// reply answers a review comment thread.
func (c *call) reply(p *pullRequest, to int64, body string) {
	var parent *reviewComment
	for _, rc := range c.repo.reviewCmts {
		if rc.id == to && rc.number == p.Number {
			parent = rc
		}
	}
	if parent == nil {
		c.notFound()
		return
	}
	if parent.inReplyTo != 0 {
		// "Replies to replies are not supported." (GitHub's docs for the
		// replies endpoint.)
		c.commentFail("in_reply_to", "ghtest: replies to replies are not supported; reply to the thread's first comment")
		return
	}
	now := time.Now()
	rc := *parent
	rc.inReplyTo, rc.body, rc.user, rc.created, rc.updated, rc.position = parent.id, body, c.author(), now, now, nil
	c.storeSingle(p, &rc)
}

func (c *call) editReviewComment() {
	_, rc, ok := c.reviewComment()
	if !ok {
		return
	}
	var req bodyRequest
	if !c.decode(&req) {
		return
	}
	switch {
	case req.Body == nil:
		c.invalid(`"body" wasn't supplied.`)
	case tooLong(*req.Body):
		c.commentFail("body", "body is too long (maximum is 65536 characters)")
	default:
		rc.body, rc.updated = *req.Body, time.Now()
		c.json(200, c.wireReviewComment(rc))
	}
}

func (c *call) deleteReviewComment() {
	i, _, ok := c.reviewComment()
	if !ok {
		return
	}
	c.repo.reviewCmts = append(c.repo.reviewCmts[:i:i], c.repo.reviewCmts[i+1:]...)
	c.noContent()
}
