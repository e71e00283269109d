package gh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/google/go-github/v66/github"
	"github.com/reviewbot/reviewbot/review"
)

// GitHub's limits that shape how a review is posted.
const (
	// maxReviewComments is the number of inline comments sent in one
	// create-review request: larger reviews time out or are refused as
	// secondary rate limits, and a 422 then costs the whole batch.
	maxReviewComments = 30
	// maxAnnotations is the number of annotations one check-run request
	// may carry. https://docs.github.com/rest/checks/runs#update-a-check-run
	maxAnnotations = 50
	// CheckName is the check run's name on every commit.
	CheckName = "reviewbot"
	perPage   = 100
)

// Publisher posts reviews to one pull request through the REST API: the
// summary comment upserted by its marker, one review pinned to the commit
// that was read, file-level comments, and a check run. It relies on the
// client's transport (a Pacer) for GitHub's pacing and rate limits.
type Publisher struct {
	c      *Client
	owner  string
	repo   string
	number int
	// bot is reviewbot's own login when known ("name[bot]"); otherwise
	// any bot account's marked comments count as reviewbot's, which a
	// person cannot forge (a user cannot post as a bot).
	bot string
	// TokenUser asks the first Prior to learn bot from the token: a
	// personal access token posts as its user, not as a bot, and that
	// user's marked comments are then reviewbot's own (else every push
	// would add another summary). GITHUB_TOKEN has no user and leaves
	// bot empty.
	TokenUser bool
	asked     bool
	log       *slog.Logger

	summaryID int64
	checkID   int64
	checkHead string
	// noChecks is set when the token may not create check runs.
	noChecks bool
}

var (
	_ review.Publisher = (*Publisher)(nil)
	_ review.Checker   = (*Publisher)(nil)
)

// NewPublisher returns a publisher for owner/repo#number. bot is the
// login reviewbot posts as, "" when unknown.
func NewPublisher(c *Client, owner, repo string, number int, bot string, log *slog.Logger) *Publisher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Publisher{c: c, owner: owner, repo: repo, number: number, bot: bot, log: log}
}

// ours reports whether a comment author is reviewbot.
func (p *Publisher) ours(u *github.User) bool {
	if p.bot != "" {
		return strings.EqualFold(u.GetLogin(), p.bot)
	}
	return u.GetType() == "Bot"
}

// Prior reads every issue comment and review comment of the pull request,
// page by page, for the summary comment and the posted fingerprints.
func (p *Publisher) Prior(ctx context.Context) (*review.Prior, error) {
	if p.TokenUser && p.bot == "" && !p.asked {
		p.asked = true
		login, err := p.c.TokenLogin(ctx)
		if err != nil {
			p.log.Warn("could not tell whose token this is; only bot accounts' marked comments count as reviewbot's", "err", err)
		}
		p.bot = login
	}
	prior := &review.Prior{Posted: map[string]bool{}}
	// Every call reads afresh: a command may have changed the state since.
	p.summaryID = 0
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		page, resp, err := p.c.gh.Issues.ListComments(ctx, p.owner, p.repo, p.number, opt)
		if err != nil {
			return nil, fmt.Errorf("list the comments of #%d: %w", p.number, classify(err))
		}
		for _, c := range page {
			if !p.ours(c.GetUser()) {
				continue
			}
			body := c.GetBody()
			// The oldest marked comment is the summary; a second one can
			// only come from a race elsewhere and is left alone.
			if p.summaryID == 0 && strings.Contains(body, review.SummaryMarker) {
				p.summaryID = c.GetID()
				prior.SummaryURL, prior.SummaryBody = c.GetHTMLURL(), body
				prior.State, _ = review.ParseState(body)
			}
			for _, fp := range review.Fingerprints(body) {
				prior.Posted[fp] = true
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	ropt := &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		page, resp, err := p.c.gh.PullRequests.ListComments(ctx, p.owner, p.repo, p.number, ropt)
		if err != nil {
			return nil, fmt.Errorf("list the review comments of #%d: %w", p.number, classify(err))
		}
		for _, c := range page {
			if p.ours(c.GetUser()) {
				for _, fp := range review.Fingerprints(c.GetBody()) {
					prior.Posted[fp] = true
				}
			}
		}
		if resp.NextPage == 0 {
			break
		}
		ropt.Page = resp.NextPage
	}
	return prior, nil
}

// HeadSHA re-reads the pull request's head commit.
func (p *Publisher) HeadSHA(ctx context.Context) (string, error) {
	pr, err := p.c.PullRequest(ctx, p.owner, p.repo, p.number)
	if err != nil {
		return "", err
	}
	return pr.HeadSHA, nil
}

// PostReview posts inline findings as reviews of at most 30 comments
// (event COMMENT, never APPROVE), pinned to commit, and file-level
// findings as subject_type=file comments. A 422 is never retried blindly:
// the batch is bisected until the comments GitHub refuses are isolated,
// and those are returned so the caller can move them to the summary.
func (p *Publisher) PostReview(ctx context.Context, commit string, findings []review.Finding) ([]review.Rejected, error) {
	var inline, file []review.Finding
	for _, f := range findings {
		switch f.Anchor {
		case string(review.AnchorInline):
			inline = append(inline, f)
		case string(review.AnchorFile):
			file = append(file, f)
		}
	}
	var rejected []review.Rejected
	for start := 0; start < len(inline); start += maxReviewComments {
		batch := inline[start:min(start+maxReviewComments, len(inline))]
		rj, err := p.postBatch(ctx, commit, batch, len(inline))
		if err != nil {
			return nil, err
		}
		rejected = append(rejected, rj...)
	}
	for _, f := range file {
		_, _, err := p.c.gh.PullRequests.CreateComment(ctx, p.owner, p.repo, p.number, &github.PullRequestComment{
			Body: github.String(review.CommentBody(f)), CommitID: github.String(commit), Path: github.String(f.Path), SubjectType: github.String("file"),
		})
		if err != nil {
			if status(err) == http.StatusUnprocessableEntity {
				rejected = append(rejected, review.Rejected{Finding: f, Reason: err.Error()})
				continue
			}
			return nil, fmt.Errorf("post a file-level comment on %s: %w", f.Path, classify(err))
		}
	}
	return rejected, nil
}

// postBatch posts one review; on 422 it halves the batch until each
// refused comment stands alone.
func (p *Publisher) postBatch(ctx context.Context, commit string, batch []review.Finding, total int) ([]review.Rejected, error) {
	err := p.createReview(ctx, commit, batch, total)
	switch {
	case err == nil:
		return nil, nil
	case status(err) == http.StatusUnprocessableEntity && len(batch) == 1:
		return []review.Rejected{{Finding: batch[0], Reason: err.Error()}}, nil
	case status(err) == http.StatusUnprocessableEntity:
		mid := len(batch) / 2
		left, err := p.postBatch(ctx, commit, batch[:mid], total)
		if err != nil {
			return nil, err
		}
		right, err := p.postBatch(ctx, commit, batch[mid:], total)
		if err != nil {
			return nil, err
		}
		return append(left, right...), nil
	case status(err) >= 500:
		// GitHub may have created the review before failing; post only
		// what did not land, once.
		prior, perr := p.Prior(ctx)
		if perr != nil {
			return nil, fmt.Errorf("post the review: %w (and re-reading the comments failed: %v)", classify(err), perr)
		}
		var rest []review.Finding
		for _, f := range batch {
			if !prior.Posted[f.Fingerprint] {
				rest = append(rest, f)
			}
		}
		if len(rest) == 0 {
			return nil, nil
		}
		if err := p.createReview(ctx, commit, rest, total); err != nil {
			return nil, fmt.Errorf("post the review (after a server error, again): %w", classify(err))
		}
		return nil, nil
	}
	return nil, fmt.Errorf("post the review: %w", classify(err))
}

func (p *Publisher) createReview(ctx context.Context, commit string, batch []review.Finding, total int) error {
	comments := make([]*github.DraftReviewComment, 0, len(batch))
	for _, f := range batch {
		c := &github.DraftReviewComment{Path: github.String(f.Path), Body: github.String(review.CommentBody(f)), Line: github.Int(f.Line), Side: github.String(orRight(f.Side))}
		if f.StartLine > 0 && f.StartLine < f.Line {
			c.StartLine, c.StartSide = github.Int(f.StartLine), github.String(orRight(f.Side))
		}
		comments = append(comments, c)
	}
	body := fmt.Sprintf("reviewbot: %d finding(s) on %s; the summary comment has the overview.", total, "`"+short(commit)+"`")
	_, _, err := p.c.gh.PullRequests.CreateReview(ctx, p.owner, p.repo, p.number, &github.PullRequestReviewRequest{
		CommitID: github.String(commit), Body: github.String(body), Event: github.String("COMMENT"), Comments: comments,
	})
	return err
}

func orRight(side string) string {
	if side == "" {
		return string(review.SideRight)
	}
	return side
}

// UpsertSummary edits the summary comment Prior found, or creates it.
func (p *Publisher) UpsertSummary(ctx context.Context, body string) (string, error) {
	if p.summaryID != 0 {
		c, _, err := p.c.gh.Issues.EditComment(ctx, p.owner, p.repo, p.summaryID, &github.IssueComment{Body: github.String(body)})
		if err != nil {
			return "", fmt.Errorf("edit the summary comment: %w", classify(err))
		}
		return c.GetHTMLURL(), nil
	}
	c, _, err := p.c.gh.Issues.CreateComment(ctx, p.owner, p.repo, p.number, &github.IssueComment{Body: github.String(body)})
	if err != nil && status(err) >= 500 {
		// The comment may exist despite the error: find it by its marker
		// rather than risk a second summary.
		if _, perr := p.Prior(ctx); perr == nil && p.summaryID != 0 {
			return p.UpsertSummary(ctx, body)
		}
		c, _, err = p.c.gh.Issues.CreateComment(ctx, p.owner, p.repo, p.number, &github.IssueComment{Body: github.String(body)})
	}
	if err != nil {
		return "", fmt.Errorf("create the summary comment: %w", classify(err))
	}
	p.summaryID = c.GetID()
	return c.GetHTMLURL(), nil
}

// StartCheck creates the reviewbot check run, in progress, on head. A
// token that may not create check runs (no checks: write) disables them
// for this run with a warning instead of failing the review.
func (p *Publisher) StartCheck(ctx context.Context, head string) error {
	cr, _, err := p.c.gh.Checks.CreateCheckRun(ctx, p.owner, p.repo, github.CreateCheckRunOptions{
		Name: CheckName, HeadSHA: head, Status: github.String("in_progress"),
		Output: &github.CheckRunOutput{Title: github.String("Review in progress"), Summary: github.String("reviewbot is reviewing " + "`" + short(head) + "`.")},
	})
	if err != nil {
		err = classify(err)
		if errors.Is(err, ErrReadOnly) {
			p.noChecks = true
		}
		return fmt.Errorf("create the check run: %w", err)
	}
	p.checkID, p.checkHead = cr.GetID(), head
	return nil
}

// FinishCheck completes the check run with its conclusion and the
// findings as annotations, 50 per request as GitHub allows.
func (p *Publisher) FinishCheck(ctx context.Context, c review.CheckResult) error {
	if p.checkID == 0 {
		return nil
	}
	anns := annotations(c.Findings)
	first := anns[:min(len(anns), maxAnnotations)]
	_, _, err := p.c.gh.Checks.UpdateCheckRun(ctx, p.owner, p.repo, p.checkID, github.UpdateCheckRunOptions{
		Name: CheckName, Status: github.String("completed"), Conclusion: github.String(c.Conclusion),
		Output: &github.CheckRunOutput{Title: github.String(c.Title), Summary: github.String(c.Summary), Annotations: first},
	})
	if err != nil {
		return fmt.Errorf("complete the check run: %w", classify(err))
	}
	for start := maxAnnotations; start < len(anns); start += maxAnnotations {
		_, _, err := p.c.gh.Checks.UpdateCheckRun(ctx, p.owner, p.repo, p.checkID, github.UpdateCheckRunOptions{
			Name:   CheckName,
			Output: &github.CheckRunOutput{Title: github.String(c.Title), Summary: github.String(c.Summary), Annotations: anns[start:min(start+maxAnnotations, len(anns))]},
		})
		if err != nil {
			return fmt.Errorf("add annotations to the check run: %w", classify(err))
		}
	}
	return nil
}

// ChecksDisabled reports whether the token could not create check runs.
func (p *Publisher) ChecksDisabled() bool { return p.noChecks }

// annotations turns the findings on head lines into check annotations;
// LEFT-side findings have no head line and stay in the summary.
func annotations(fs []review.Finding) []*github.CheckRunAnnotation {
	var out []*github.CheckRunAnnotation
	for _, f := range fs {
		if f.Line <= 0 || f.Side == string(review.SideLeft) {
			continue
		}
		level := "warning"
		switch f.Severity {
		case "critical":
			level = "failure"
		case "nit":
			level = "notice"
		}
		start := f.StartLine
		if start <= 0 {
			start = f.Line
		}
		out = append(out, &github.CheckRunAnnotation{
			Path: github.String(f.Path), StartLine: github.Int(start), EndLine: github.Int(f.Line),
			AnnotationLevel: github.String(level), Title: github.String(fmt.Sprintf("[%s] %s", f.Severity, f.Title)),
			Message: github.String(review.Truncate(strings.TrimSpace(f.Body), 60000)),
		})
	}
	return out
}
