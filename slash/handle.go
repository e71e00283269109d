package slash

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
)

// Event is one comment that may carry a command or continue a
// conversation: an issue_comment on a pull request, or a
// pull_request_review_comment in a review thread.
type Event struct {
	// Review is true for a review-thread comment.
	Review    bool
	Action    string // created, edited, deleted
	CommentID int64
	Body      string
	// PreviousBody is the body before an edit (changes.body.from).
	PreviousBody string
	User         string
	// Bot is true when the author is a bot account (user.type "Bot").
	Bot bool
	// Association is GitHub's author_association: OWNER, MEMBER,
	// COLLABORATOR, CONTRIBUTOR, NONE, ...
	Association string
	Number      int
	// Closed is true when the pull request is closed or merged.
	Closed bool
	// InReplyTo, Path and Line place a review-thread comment.
	InReplyTo int64
	Path      string
	Line      int
}

// Deps are what the commands act with; every entry point builds them.
type Deps struct {
	Client      *gh.Client
	Owner, Repo string
	// AppSlug is the App's name for @mentions ("" in the Action).
	AppSlug string
	// Request is the base of every review, question and listing: models,
	// overrides, trees, publisher fallbacks.
	Request runner.PRRequest
	// Publisher posts reviews and the summary (the Action's or the App's).
	Publisher *gh.Publisher
	// ReviewPR runs a review; nil means runner.ReviewPR with Publisher.
	ReviewPR func(ctx context.Context, req runner.PRRequest) (*runner.Outcome, error)
	// Asker answers questions; nil builds the engine from the models.
	Asker runner.Asker
	// NoPremium is set when the installation's plan has no premium tier
	// (the App's free plan): /ask and thread answers are declined, and
	// /review runs on the cheap tier.
	NoPremium bool
	// PerHour caps premium commands per pull request per hour; 0 means
	// DefaultPerHour.
	PerHour int
	Logger  *slog.Logger
	now     func() time.Time
}

// DefaultPerHour is the per-PR cap on premium commands in one hour: enough
// for a conversation, too few for a loop or a spammer to run up a bill.
const DefaultPerHour = 10

// Outcome says what Handle did, for logs and tests.
type Outcome struct {
	Command string // the command run, "" when none
	Replied bool
	Refused bool
	Ignored string // why nothing was done, when nothing was
}

// Handle acts on one comment: parse, authorize, acknowledge with an eyes
// reaction, act, and report a failure in a reply rather than silently.
// Comments by bots (reviewbot itself included) never trigger anything: a
// bot answering a bot can loop for hours.
func Handle(ctx context.Context, ev Event, d Deps) (*Outcome, error) {
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("pr", ev.Number, "comment", ev.CommentID, "user", ev.User)
	if ev.Bot || strings.HasSuffix(ev.User, "[bot]") {
		return &Outcome{Ignored: "comment by a bot"}, nil
	}
	switch ev.Action {
	case "created", "edited":
	default:
		return &Outcome{Ignored: "comment " + ev.Action}, nil
	}
	p := Parse(ev.Body, d.AppSlug)
	if ev.Action == "edited" {
		old := Parse(ev.PreviousBody, d.AppSlug)
		if sameCommand(old, p) {
			return &Outcome{Ignored: "edit did not change the command"}, nil
		}
	}
	if p.Ignore && ev.Review && ev.InReplyTo != 0 && ev.Action == "created" {
		return conversation(ctx, ev, d, log)
	}
	switch {
	case p.Ignore:
		return &Outcome{Ignored: "no command"}, nil
	case p.Reply != "":
		return &Outcome{Replied: true}, reply(ctx, ev, d, p.Reply)
	}
	cmd := *p.Command
	out := &Outcome{Command: cmd.Name}
	if cmd.Restricted() {
		ok, err := allowed(ctx, ev, d)
		if err != nil {
			return out, err
		}
		if !ok {
			out.Refused = true
			msg := fmt.Sprintf("Sorry @%s, `/%s` is only available to people with write access to this repository, because it spends model tokens or changes this pull request. `/help` and `/config` are open to everyone.", ev.User, cmd.Name)
			return out, reply(ctx, ev, d, msg)
		}
	}
	if ev.Closed && cmd.Restricted() {
		return out, reply(ctx, ev, d, "This pull request is closed, so reviewbot does not run `/"+cmd.Name+"` on it. Reopen it to continue.")
	}
	// Acknowledge at once; the work may take minutes.
	if err := d.Client.React(ctx, d.Owner, d.Repo, ev.CommentID, ev.Review, "eyes"); err != nil {
		log.Warn("could not acknowledge the command", "err", err)
	}
	err := run(ctx, ev, d, cmd, log)
	if err != nil {
		log.Error("command failed", "command", cmd.Name, "err", err)
		if rerr := reply(ctx, ev, d, fmt.Sprintf("I could not run `/%s`: %s", cmd.Name, oneLine(err.Error()))); rerr != nil {
			return out, errors.Join(err, rerr)
		}
	}
	return out, err
}

func sameCommand(a, b Parsed) bool {
	if a.Command == nil || b.Command == nil {
		return a.Command == nil && b.Command == nil && a.Reply == b.Reply
	}
	return a.Command.Name == b.Command.Name && strings.TrimSpace(a.Command.Args) == strings.TrimSpace(b.Command.Args)
}

// writers are the author associations that imply write access.
var writers = map[string]bool{"OWNER": true, "MEMBER": true, "COLLABORATOR": true}

// allowed applies SPEC section 6: the author association, else the
// collaborator permission API.
func allowed(ctx context.Context, ev Event, d Deps) (bool, error) {
	if writers[strings.ToUpper(ev.Association)] {
		return true, nil
	}
	perm, err := d.Client.Permission(ctx, d.Owner, d.Repo, ev.User)
	if err != nil {
		return false, err
	}
	switch perm {
	case "admin", "maintain", "write":
		return true, nil
	}
	return false, nil
}

// reply answers where the comment was: in its review thread, or in the
// conversation.
func reply(ctx context.Context, ev Event, d Deps, body string) error {
	if ev.Review {
		root := ev.CommentID
		if ev.InReplyTo != 0 {
			root = ev.InReplyTo
		}
		return d.Client.ReplyInThread(ctx, d.Owner, d.Repo, ev.Number, root, body)
	}
	return d.Client.Comment(ctx, d.Owner, d.Repo, ev.Number, body)
}

func (d Deps) request() runner.PRRequest {
	r := d.Request
	r.Owner, r.Repo = d.Owner, d.Repo
	return r
}

func (d Deps) clock() time.Time {
	if d.now != nil {
		return d.now()
	}
	return time.Now()
}

// premium checks and books the per-PR hourly cap on premium commands in
// the summary's hidden state.
func premium(ctx context.Context, ev Event, d Deps) error {
	prior, err := d.Publisher.Prior(ctx)
	if err != nil {
		return err
	}
	limit := d.PerHour
	if limit <= 0 {
		limit = DefaultPerHour
	}
	now := d.clock().Unix()
	st := prior.State
	var recent []int64
	for _, t := range st.Premium {
		if now-t < 3600 {
			recent = append(recent, t)
		}
	}
	if len(recent) >= limit {
		return fmt.Errorf("this pull request has had %d commands that use the premium model in the last hour, the limit; try again later", len(recent))
	}
	st.Premium = append(recent, now)
	return saveState(ctx, d, prior, st)
}

// saveState writes the summary comment's hidden state, creating a short
// summary when there is none yet.
func saveState(ctx context.Context, d Deps, prior *review.Prior, st review.State) error {
	body := prior.SummaryBody
	if body == "" {
		body = review.SummaryMarker + "\n## reviewbot summary\n\nNo review has been posted on this pull request yet."
	}
	if st.Paused {
		body = setPausedBanner(body, true)
	} else {
		body = setPausedBanner(body, false)
	}
	_, err := d.Publisher.UpsertSummary(ctx, review.WithState(body, st))
	return err
}

const pausedBanner = "> **Automatic reviews are paused** on this pull request. Comment `/resume` to restart them, or `/review` for one review.\n\n"

func setPausedBanner(body string, on bool) string {
	body = strings.Replace(body, pausedBanner, "", 1)
	if !on {
		return body
	}
	if i := strings.Index(body, "\n"); i >= 0 && strings.HasPrefix(body, review.SummaryMarker) {
		return body[:i+1] + pausedBanner + body[i+1:]
	}
	return pausedBanner + body
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
