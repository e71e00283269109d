package review

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// Publisher puts a review where the pull request lives. The GitHub
// publisher (gh.Publisher) posts comments; the Action's read-only mode
// writes annotations and a job summary instead. Optional capabilities
// (check runs) are separate interfaces found by type assertion, as
// reviewdog's CommentService and BulkCommentService are.
type Publisher interface {
	// Prior returns what earlier runs left on the pull request.
	Prior(ctx context.Context) (*Prior, error)
	// HeadSHA re-reads the pull request's current head commit.
	HeadSHA(ctx context.Context) (string, error)
	// PostReview posts the inline and file-level findings as one review
	// pinned to commit. Findings the platform refuses are returned with
	// the reason, never lost; an error means nothing could be posted.
	PostReview(ctx context.Context, commit string, findings []Finding) (rejected []Rejected, err error)
	// UpsertSummary creates the one summary comment or edits it in place,
	// and returns its URL ("" when there is none, as in read-only mode).
	UpsertSummary(ctx context.Context, body string) (url string, err error)
}

// Checker is a Publisher that can also show a check run.
type Checker interface {
	// StartCheck shows the review as in progress on head.
	StartCheck(ctx context.Context, head string) error
	// FinishCheck completes the check run started by StartCheck.
	FinishCheck(ctx context.Context, c CheckResult) error
}

// CheckResult is a completed check run.
type CheckResult struct {
	// Conclusion is GitHub's word: success, failure, neutral, cancelled,
	// skipped. A skipped or failed review is never success.
	Conclusion string
	Title      string
	Summary    string
	// Findings become annotations on their lines (RIGHT-side ones).
	Findings []Finding
}

// Rejected is a finding the platform refused to anchor, with its answer.
type Rejected struct {
	Finding Finding
	Reason  string
}

// Prior is what earlier runs left on a pull request.
type Prior struct {
	// SummaryURL is the existing summary comment, "" when there is none.
	SummaryURL string
	// SummaryBody is that comment's text.
	SummaryBody string
	// State is the summary comment's hidden state.
	State State
	// Posted holds the fingerprints of findings already posted in any
	// comment of the pull request by reviewbot.
	Posted map[string]bool
}

// State is what the summary comment remembers between runs, hidden in an
// HTML comment so that a push can be reviewed incrementally.
type State struct {
	// LastReviewed is the head commit of the last team-tier review that
	// was posted: the start of the next incremental review. A free-tier
	// run leaves it alone, since it produced no findings.
	LastReviewed string `json:"last_reviewed,omitempty"`
	// Paused stops automatic reviews (/pause, /resume).
	Paused bool `json:"paused,omitempty"`
	// Dismissed holds the keys of findings a person closed in their
	// thread (resolved, false positive, won't fix): fingerprints and
	// DismissKeys, never raised again.
	Dismissed []string `json:"dismissed,omitempty"`
	// Premium holds the Unix times of the premium commands run in the
	// last hour, for the per-PR rate limit.
	Premium []int64 `json:"premium,omitempty"`
}

// DismissKey identifies a finding for dismissal independently of the
// lines it sits on, which the fingerprint includes: a finding dismissed
// once stays dismissed when the code around it is edited.
func DismissKey(path, category, title string) string {
	return Fingerprint(path, category, title, nil)
}

// IsDismissed reports whether a person closed the finding.
func (s State) IsDismissed(f Finding) bool {
	k := DismissKey(f.Path, f.Category, f.Title)
	for _, d := range s.Dismissed {
		if d == f.Fingerprint || d == k {
			return true
		}
	}
	return false
}

// WithState replaces (or adds) the state marker of a summary body.
func WithState(body string, s State) string {
	if loc := stateRE.FindStringIndex(body); loc != nil {
		return body[:loc[0]] + s.Marker() + body[loc[1]:]
	}
	return strings.TrimRight(body, "\n") + "\n" + s.Marker()
}

const statePrefix = "<!-- reviewbot:state "

// stateRE finds the state marker; its payload is base64 so that no text
// inside can end the HTML comment early.
var stateRE = regexp.MustCompile(`<!-- reviewbot:state ([A-Za-z0-9+/=]+) -->`)

// Marker renders the state as a hidden HTML comment.
func (s State) Marker() string {
	b, _ := json.Marshal(s)
	return statePrefix + base64.StdEncoding.EncodeToString(b) + " -->"
}

// ParseState reads the state marker of a summary comment body; ok is false
// when the body has none or it cannot be read.
func ParseState(body string) (s State, ok bool) {
	m := stateRE.FindStringSubmatch(body)
	if m == nil {
		return State{}, false
	}
	raw, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil || json.Unmarshal(raw, &s) != nil {
		return State{}, false
	}
	return s, true
}

var findingMarkerRE = regexp.MustCompile(`<!-- reviewbot:finding:([0-9a-f]{16}) -->`)

// Fingerprints returns the finding markers in a comment body.
func Fingerprints(body string) []string {
	var out []string
	for _, m := range findingMarkerRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// SummaryBody is the summary comment with its hidden state, within
// GitHub's comment size limit.
func SummaryBody(r *Result, s State) string {
	m := s.Marker()
	return Truncate(Markdown(r), MaxCommentBody-len(m)-1) + "\n" + m
}

// Published is what a Publish call put on the pull request.
type Published struct {
	// Posted counts findings posted in this run's review.
	Posted int
	// Repeated counts findings not posted again because an earlier run
	// already had.
	Repeated int
	// Moved counts findings refused by the platform and moved to the
	// summary.
	Moved      int
	SummaryURL string
}

// Publish posts a result: first it checks that the pull request's head is
// still the commit that was read (a newer push gets its own review, and
// stale findings are never posted); then it posts the findings that no
// earlier run posted, moves any the platform refuses into the summary, and
// last upserts the summary with the state that makes the next push
// incremental. res is updated with where each finding ended up.
func Publish(ctx context.Context, pub Publisher, res *Result, prior *Prior, log *slog.Logger) (*Published, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	head, err := pub.HeadSHA(ctx)
	if err != nil {
		return nil, fmt.Errorf("re-read the pull request head before posting: %w", err)
	}
	if head != res.Head {
		return nil, &Error{Kind: KindSuperseded, Err: fmt.Errorf("%w: the review of %s was not posted because %s is the head now; it gets its own review", ErrSuperseded, short(res.Head), short(head))}
	}
	out := &Published{}
	if prior == nil {
		prior = &Prior{Posted: map[string]bool{}}
	}
	state := prior.State
	if res.Tier == "team" {
		state.LastReviewed = res.Head
	}
	// Findings a person dismissed in their thread stay away, inline and
	// in the summary alike.
	kept, dismissed := res.Findings[:0:0], 0
	for _, f := range res.Findings {
		if state.IsDismissed(f) {
			dismissed++
			continue
		}
		kept = append(kept, f)
	}
	res.Findings = kept
	if dismissed > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d finding(s) dismissed earlier in their threads were not raised again", dismissed))
	}
	var post []Finding
	for _, f := range res.Findings {
		if f.Anchor == string(AnchorSummary) {
			continue
		}
		if prior.Posted[f.Fingerprint] {
			out.Repeated++
			continue
		}
		post = append(post, f)
	}
	if out.Repeated > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d finding(s) already posted on an earlier commit were not posted again", out.Repeated))
	}
	if len(post) > 0 {
		rejected, err := pub.PostReview(ctx, res.Head, post)
		if err != nil {
			return nil, fmt.Errorf("post the review: %w", err)
		}
		out.Posted = len(post) - len(rejected)
		for _, r := range rejected {
			// Anchors are checked against the same diff before posting,
			// so a refusal here is an anchoring bug worth a report.
			log.Error("anchoring bug: GitHub refused a checked anchor; the finding moves to the summary",
				"path", r.Finding.Path, "line", r.Finding.Line, "start_line", r.Finding.StartLine, "side", r.Finding.Side, "reason", r.Reason)
			for i := range res.Findings {
				if res.Findings[i].Fingerprint == r.Finding.Fingerprint && res.Findings[i].Anchor != string(AnchorSummary) {
					res.Findings[i].Anchor = string(AnchorSummary)
					res.Findings[i].AnchorReason = joinReason(res.Findings[i].AnchorReason, "GitHub refused the comment: "+oneLine(r.Reason))
					break
				}
			}
		}
		out.Moved = len(rejected)
	}
	url, err := pub.UpsertSummary(ctx, SummaryBody(res, state))
	if err != nil {
		return out, fmt.Errorf("post the summary comment: %w", err)
	}
	out.SummaryURL = url
	return out, nil
}

// CheckOf turns the outcome of a run into its check run. A failure, a
// superseded run and a review with nothing reviewed are never success;
// findings at or above failOn fail the check as they fail the CLI.
func CheckOf(res *Result, runErr error, failOn string) CheckResult {
	switch {
	case runErr != nil && KindOf(runErr) == KindSuperseded:
		return CheckResult{Conclusion: "cancelled", Title: "Superseded by a newer commit", Summary: runErr.Error()}
	case runErr != nil:
		return CheckResult{Conclusion: "failure", Title: "Review failed", Summary: "reviewbot could not complete this review: " + runErr.Error()}
	case res == nil:
		return CheckResult{Conclusion: "failure", Title: "Review failed", Summary: "no result"}
	}
	c := CheckResult{Summary: Truncate(Markdown(res), maxCheckSummary), Findings: res.Findings}
	reviewed := 0
	for _, f := range res.Files {
		if f.Reviewed {
			reviewed++
		}
	}
	partial := 0
	for _, s := range res.Skipped {
		if strings.HasPrefix(s.Reason, "not reviewed by the model") {
			partial++
		}
	}
	n := res.AtOrAbove(failOn)
	switch {
	case reviewed == 0:
		c.Conclusion, c.Title = "skipped", "Nothing to review"
	case n > 0:
		c.Conclusion, c.Title = "failure", fmt.Sprintf("%d finding(s) at or above %s", n, failOn)
	case partial > 0:
		c.Conclusion, c.Title = "neutral", fmt.Sprintf("Partial review: %d file(s) could not be reviewed", partial)
	default:
		c.Conclusion, c.Title = "success", fmt.Sprintf("Reviewed: %d finding(s)", len(res.Findings))
	}
	if res.DryRun {
		c.Conclusion, c.Title = "neutral", "Dry run: no model was called"
	}
	return c
}

// maxCheckSummary is GitHub's limit on a check run's output.summary.
// https://docs.github.com/rest/checks/runs#create-a-check-run
const maxCheckSummary = 65535

// AnnotationCommand renders a finding as a workflow command
// (::warning file=...,line=...::message) for a run without write access:
// properties and message escaped as GitHub's toolkit does (%, CR, LF, and
// also : and , inside properties).
// https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
func AnnotationCommand(f Finding) string {
	level := "warning"
	switch f.Severity {
	case "critical":
		level = "error"
	case "nit":
		level = "notice"
	}
	props := []string{"file=" + escapeProperty(f.Path)}
	if f.Line > 0 && Side(f.Side) != SideLeft {
		start := f.StartLine
		if start == 0 {
			start = f.Line
		}
		props = append(props, fmt.Sprintf("line=%d", start), fmt.Sprintf("endLine=%d", f.Line))
	}
	props = append(props, "title="+escapeProperty(fmt.Sprintf("[%s] %s", f.Severity, oneLine(f.Title))))
	return "::" + level + " " + strings.Join(props, ",") + "::" + escapeData(strings.TrimSpace(f.Body))
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
