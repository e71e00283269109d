package webhook

import (
	"context"
	"fmt"
	"strings"

	"github.com/reviewbot/reviewbot/slash"
)

// Comment is a comment on a pull request that may hold a slash command
// (SPEC section 6), as the webhook hands it over.
type Comment struct {
	InstallationID int64
	Repo           string // owner/name
	Number         int    // the pull request
	CommentID      int64
	// ReviewComment is true for a comment in a review thread
	// (pull_request_review_comment), false for the conversation
	// (issue_comment).
	ReviewComment bool
	Body          string
	Author        string
	// AuthorType is GitHub's user type: "User" or "Bot".
	AuthorType        string
	AuthorAssociation string // OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ...
	Path              string // review comments: the file
	Line              int    // review comments: the line
	// InReplyTo is the review comment this one answers, 0 for none.
	InReplyTo int64
	// Action is created or edited; PreviousBody is the body before an
	// edit, so that an edit that keeps the command runs nothing.
	Action       string
	PreviousBody string
	DeliveryID   string
}

// Commands is the slash-command layer. Comment is called inside the
// delivery's transaction for every new pull request comment not written
// by a bot; it parses without I/O and queues whatever the command needs
// through tx, so the work is as durable as a review. It must not call
// GitHub: the webhook answers within milliseconds.
type Commands interface {
	Comment(ctx context.Context, tx Tx, c Comment) (outcome string, err error)
}

// NoCommands is the placeholder slash-command layer of this release: it
// accepts every comment and does nothing with it. The slash-command
// issue replaces it with the parser and its jobs.
//
// PLACEHOLDER: slash commands are not implemented yet.
type NoCommands struct{}

var _ Commands = NoCommands{}

// Comment implements Commands by doing nothing.
func (NoCommands) Comment(ctx context.Context, tx Tx, c Comment) (string, error) {
	return "commands_unavailable", nil
}

// commentEvent is the part of issue_comment and
// pull_request_review_comment payloads reviewbot reads.
// https://docs.github.com/webhooks/webhook-events-and-payloads#issue_comment
type commentEvent struct {
	Action       string           `json:"action"`
	Installation *installationRef `json:"installation"`
	Repository   repositoryRef    `json:"repository"`
	Issue        *struct {
		Number      int       `json:"number"`
		PullRequest *struct{} `json:"pull_request"`
	} `json:"issue"`
	PullRequest *struct {
		Number int `json:"number"`
	} `json:"pull_request"`
	Comment slash.CommentPayload `json:"comment"`
	Changes *slash.EditPayload   `json:"changes"`
}

// Comments hands new comments on pull requests, in the conversation
// (issue_comment) and in review threads (pull_request_review_comment), to
// the slash-command layer.
type Comments struct {
	Commands Commands
}

var _ EventHandler = Comments{}

// Plan implements EventHandler.
func (h Comments) Plan(d *Delivery) (Plan, error) {
	var ev commentEvent
	if err := decode(d, &ev); err != nil {
		return Plan{}, err
	}
	if ev.Action != "created" && ev.Action != "edited" {
		return Plan{Outcome: "ignored", Message: d.Event + "." + ev.Action + ": only new and edited comments can hold commands"}, nil
	}
	c := Comment{Repo: ev.Repository.FullName, CommentID: ev.Comment.ID, Body: ev.Comment.Body,
		Author: ev.Comment.User.Login, AuthorType: ev.Comment.User.Type, AuthorAssociation: ev.Comment.AuthorAssociation,
		Path: ev.Comment.Path, Line: ev.Comment.Line, InReplyTo: ev.Comment.InReplyToID, Action: ev.Action,
		DeliveryID: d.ID, ReviewComment: d.Event == "pull_request_review_comment"}
	c.PreviousBody = ev.Changes.PreviousBody()
	if ev.Installation != nil {
		c.InstallationID = ev.Installation.ID
	}
	switch {
	case c.ReviewComment && ev.PullRequest != nil:
		c.Number = ev.PullRequest.Number
	case !c.ReviewComment && ev.Issue != nil && ev.Issue.PullRequest != nil:
		c.Number = ev.Issue.Number
	case !c.ReviewComment:
		return Plan{Outcome: "ignored", Message: "a comment on an issue, not a pull request"}, nil
	}
	// Comments from bots, reviewbot's own included, are never commands
	// (SPEC section 6): this is also what keeps reviewbot from answering
	// itself.
	if strings.EqualFold(c.AuthorType, "Bot") || strings.HasSuffix(c.Author, "[bot]") {
		return Plan{Outcome: "ignored", Message: "comments from bots are not commands"}, nil
	}
	if c.Number == 0 || c.InstallationID == 0 {
		return Plan{}, refuse(CodeMalformed, "the comment payload names no pull request or installation", nil)
	}
	cmds := h.Commands
	if cmds == nil {
		cmds = NoCommands{}
	}
	return Plan{Outcome: "comment", Message: fmt.Sprintf("comment %d on %s#%d handed to the command layer", c.CommentID, c.Repo, c.Number),
		Work: func(ctx context.Context, tx Tx) error {
			outcome, err := cmds.Comment(ctx, tx, c)
			d.Log.Info("comment handled", "repo", c.Repo, "pr", c.Number, "comment", c.CommentID, "outcome", outcome)
			return err
		}}, nil
}
