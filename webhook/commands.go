package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
	"github.com/reviewbot/reviewbot/slash"
	"github.com/reviewbot/reviewbot/store"
	"github.com/reviewbot/reviewbot/tiers"
)

// CommandArgs is a comment job: the comment by name and text, so the
// worker can parse, authorize and act after a restart exactly as before.
type CommandArgs struct {
	InstallationID int64   `json:"installation_id"`
	Repo           string  `json:"repo"`
	Number         int     `json:"number"`
	Comment        Comment `json:"comment"`
}

// CommandKind is the River job kind of CommandArgs.
const CommandKind = "command"

// Kind implements river.JobArgs.
func (CommandArgs) Kind() string { return CommandKind }

// InsertOpts implements river.JobArgsWithInsertOpts. A command runs once:
// its failure is reported in a reply, and running it again could post a
// second answer.
func (CommandArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: reviewQueue, MaxAttempts: 1}
}

// SlashCommands is the App's command layer: each comment becomes a
// command job in the delivery's transaction, as durable as a review.
type SlashCommands struct{}

var _ Commands = SlashCommands{}

// Comment implements Commands.
func (SlashCommands) Comment(ctx context.Context, tx Tx, c Comment) (string, error) {
	if _, _, err := tx.Insert(ctx, CommandArgs{InstallationID: c.InstallationID, Repo: c.Repo, Number: c.Number, Comment: c}, nil); err != nil {
		return "", err
	}
	return "queued", nil
}

// Commander is the River worker of command jobs: it hands the comment to
// the slash package with the installation's client and plan.
type Commander struct {
	river.WorkerDefaults[CommandArgs]

	DB          *store.DB
	GitHub      Clients
	Model       review.Model
	Models      tiers.Config
	Tarballs    *codebase.TarballCache
	DefaultPlan store.Plan
	// Slug is the App's name for @mentions; "" accepts only /commands.
	Slug   string
	Bot    string
	Logger *slog.Logger
}

var _ river.Worker[CommandArgs] = (*Commander)(nil)

// Work implements river.Worker.
func (w *Commander) Work(ctx context.Context, job *river.Job[CommandArgs]) error {
	a := job.Args
	log := w.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("delivery", a.Comment.DeliveryID, "repo", a.Repo, "pr", a.Number, "comment", a.Comment.CommentID)
	owner, name, ok := strings.Cut(a.Repo, "/")
	if !ok {
		return river.JobCancel(fmt.Errorf("job names repository %q, not owner/name", a.Repo))
	}
	c, err := w.GitHub.Installation(a.InstallationID)
	if err != nil {
		return river.JobCancel(err)
	}
	ctx = withInstallation(ctx, a.InstallationID)
	pr, err := c.PullRequest(ctx, owner, name, a.Number)
	if err != nil {
		return err
	}
	plan, err := store.PlanAt(ctx, w.DB, a.InstallationID, time.Now(), w.DefaultPlan)
	if err != nil {
		return err
	}
	maxTier := tiers.Free
	if plan.Plan == store.Team {
		maxTier = tiers.Team
	}
	cm := a.Comment
	ev := slash.Event{
		Review: cm.ReviewComment, Action: cm.Action, CommentID: cm.CommentID, Body: cm.Body, PreviousBody: cm.PreviousBody,
		User: cm.Author, Bot: strings.EqualFold(cm.AuthorType, "Bot"), Association: cm.AuthorAssociation,
		Number: a.Number, Closed: pr.State != "open", InReplyTo: cm.InReplyTo, Path: cm.Path, Line: cm.Line,
	}
	if ev.Action == "" {
		ev.Action = "created"
	}
	d := slash.Deps{
		Client: c, Owner: owner, Repo: name, AppSlug: w.Slug,
		Request:   runner.PRRequest{Owner: owner, Repo: name, Number: a.Number, Models: w.Models, Model: w.Model, MaxTier: maxTier, Tarballs: w.Tarballs, Logger: log},
		Publisher: gh.NewPublisher(c, owner, name, a.Number, w.Bot, log),
		NoPremium: maxTier != tiers.Team,
		Logger:    log,
	}
	out, err := slash.Handle(ctx, ev, d)
	if out != nil {
		log.Info("comment handled", "command", out.Command, "refused", out.Refused, "ignored", out.Ignored)
	}
	if err != nil {
		// Handle has told the commenter; retrying would answer twice.
		return river.JobCancel(err)
	}
	return nil
}
