package action

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
	"github.com/reviewbot/reviewbot/slash"
	"github.com/reviewbot/reviewbot/tiers"
)

// commentEvent reads a comment event; nil when the comment is not on a
// pull request (an issue_comment on a plain issue).
func commentEvent(name string, ev *event) (*slash.Event, error) {
	if ev.Comment == nil {
		return nil, review.Errorf(review.KindUsage, "the %s event payload has no comment", name)
	}
	c := &slash.Event{
		Review: name == "pull_request_review_comment", Action: ev.Action, CommentID: ev.Comment.ID, Body: ev.Comment.Body,
		User: ev.Comment.User.Login, Bot: ev.Comment.User.Type == "Bot", Association: ev.Comment.AuthorAssociation,
		InReplyTo: ev.Comment.InReplyToID, Path: ev.Comment.Path, Line: ev.Comment.Line,
	}
	c.PreviousBody = ev.Changes.PreviousBody()
	switch {
	case c.Review && ev.PullRequest != nil:
		c.Number, c.Closed = ev.PullRequest.Number, ev.PullRequest.State == "closed"
	case !c.Review && ev.Issue != nil && ev.Issue.PullRequest != nil:
		c.Number, c.Closed = ev.Issue.Number, ev.Issue.State == "closed"
	default:
		return nil, nil
	}
	return c, nil
}

// slashDeps builds what the commands act with in the Action.
func slashDeps(env Env, client *gh.Client, owner, repo string, number int, ov review.Overrides, models tiers.Config, apiURL string, base http.RoundTripper, token string, log *slog.Logger) slash.Deps {
	ro := newReadOnly(client, owner, repo, number, env.Stdout)
	pub := gh.NewPublisher(client, owner, repo, number, "", log)
	pub.TokenUser = userToken(token)
	return slash.Deps{
		Client: client, Owner: owner, Repo: repo, AppSlug: "reviewbot",
		Publisher: pub,
		Request: runner.PRRequest{
			Owner: owner, Repo: repo, Number: number, ConfigPath: env.input("config-path"), Overrides: ov, Models: models,
			Workspace: workspace(env), ReadOnly: ro, Logger: log,
			Tarballs: &codebase.TarballCache{Dir: filepath.Join(tempDir(env), "reviewbot-trees"), BaseURL: apiURL, Client: &http.Client{Transport: orDefault(base)}, Token: token},
		},
		Logger: log,
	}
}

// answer runs the comment through the command layer and reports in the
// job summary what it did.
func answer(ctx context.Context, env Env, ev slash.Event, d slash.Deps) error {
	out, err := slash.Handle(ctx, ev, d)
	summary := "## reviewbot\n\n"
	switch {
	case out == nil:
	case out.Ignored != "":
		summary += "Nothing to do: " + out.Ignored + ".\n"
	case out.Refused:
		summary += fmt.Sprintf("Refused `/%s` from %s: no write access.\n", out.Command, ev.User)
	case out.Command != "":
		summary += fmt.Sprintf("Ran `/%s` for %s.\n", out.Command, ev.User)
	default:
		summary += "Answered " + ev.User + ".\n"
	}
	if err != nil {
		summary += "\n**Failed:** " + err.Error() + "\n"
	}
	writeStepSummary(env, summary)
	return err
}
