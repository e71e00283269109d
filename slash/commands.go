package slash

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
)

// run carries out an accepted, authorized command.
func run(ctx context.Context, ev Event, d Deps, cmd Command, log *slog.Logger) error {
	switch cmd.Name {
	case CmdHelp:
		return reply(ctx, ev, d, Help())
	case CmdConfig:
		return reply(ctx, ev, d, configReply(ctx, d))
	case CmdPause, CmdResume:
		prior, err := d.Publisher.Prior(ctx)
		if err != nil {
			return err
		}
		st := prior.State
		st.Paused = cmd.Name == CmdPause
		if err := saveState(ctx, d, prior, st); err != nil {
			return err
		}
		if st.Paused {
			return reply(ctx, ev, d, "Automatic reviews are paused on this pull request. Comment `/resume` to restart them; `/review` still runs one review.")
		}
		return reply(ctx, ev, d, "Automatic reviews are back on: the next push will be reviewed.")
	case CmdReview, CmdSummary:
		if err := premium(ctx, ev, d); err != nil {
			return err
		}
		req := d.request()
		req.Full = cmd.Full()
		if cmd.Name == CmdSummary {
			req.Overrides.Tier = review.Set("free", "command /summary")
		}
		review := d.ReviewPR
		if review == nil {
			review = func(ctx context.Context, req runner.PRRequest) (*runner.Outcome, error) {
				return runner.ReviewPR(ctx, d.Client, d.Publisher, req)
			}
		}
		out, err := review(ctx, req)
		if err != nil {
			return err
		}
		// The review and the summary are the answer; say so only when
		// nothing new was posted, so the command never looks ignored.
		if out.Published != nil && out.Published.Posted == 0 && cmd.Name == CmdReview {
			return reply(ctx, ev, d, fmt.Sprintf("Reviewed `%s`: no new findings to post (the [summary](%s) is up to date).", short(out.PR.HeadSHA), out.Published.SummaryURL))
		}
		return nil
	case CmdImpact:
		if err := premium(ctx, ev, d); err != nil {
			return err
		}
		res, err := runner.Impact(ctx, d.Client, d.request())
		if err != nil {
			return err
		}
		return reply(ctx, ev, d, impactReply(res))
	case CmdAsk:
		if d.NoPremium {
			return reply(ctx, ev, d, noPremiumReply)
		}
		if err := premium(ctx, ev, d); err != nil {
			return err
		}
		q := runner.AskRequest{Text: cmd.Args, Asker: d.Asker}
		if ev.Review {
			q.Path, q.Line = ev.Path, ev.Line
			q.Thread = threadText(ctx, d, ev)
		}
		ans, err := runner.Ask(ctx, d.Client, d.request(), q)
		if err != nil {
			return err
		}
		return reply(ctx, ev, d, ans.Text+answerFooter(ans.Model, ans.Usage.CostUSD))
	}
	return fmt.Errorf("command %q has no implementation", cmd.Name)
}

// noPremiumReply declines a question on a plan without the premium tier.
const noPremiumReply = "Answering questions uses the premium model, which this installation's plan (free) does not include. `/review`, `/summary`, `/impact` and `/config` work on every plan."

func answerFooter(model string, usd float64) string {
	return fmt.Sprintf("\n\n<sub>reviewbot · %s · $%.4f</sub>", model, usd)
}

// conversation handles a reply in a review thread that holds no command:
// when the thread is one of reviewbot's findings, a dismissal closes the
// finding for good and anything else is answered in the thread.
func conversation(ctx context.Context, ev Event, d Deps, log *slog.Logger) (*Outcome, error) {
	thread, err := d.Client.Thread(ctx, d.Owner, d.Repo, ev.Number, threadRoot(ev))
	if err != nil {
		return nil, err
	}
	if len(thread) == 0 || !thread[0].Bot || len(review.Fingerprints(thread[0].Body)) == 0 {
		return &Outcome{Ignored: "reply in a thread that is not a reviewbot finding"}, nil
	}
	root := thread[0]
	ok, err := allowedOrAuthor(ctx, ev, d)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &Outcome{Ignored: "reply by someone without write access"}, nil
	}
	if Classify(ev.Body) == Dismiss {
		prior, err := d.Publisher.Prior(ctx)
		if err != nil {
			return nil, err
		}
		st := prior.State
		st.Dismissed = append(st.Dismissed, review.Fingerprints(root.Body)...)
		if category, title, ok := review.ParseCommentHeading(root.Body); ok {
			st.Dismissed = append(st.Dismissed, review.DismissKey(root.Path, category, title))
		}
		if err := saveState(ctx, d, prior, st); err != nil {
			return nil, err
		}
		if err := d.Client.React(ctx, d.Owner, d.Repo, ev.CommentID, true, "+1"); err != nil {
			log.Warn("could not acknowledge the dismissal", "err", err)
		}
		return &Outcome{Command: "dismiss"}, nil
	}
	if d.NoPremium {
		return &Outcome{Command: "discuss"}, reply(ctx, ev, d, noPremiumReply)
	}
	if err := premium(ctx, ev, d); err != nil {
		return &Outcome{Command: "discuss"}, reply(ctx, ev, d, "I could not answer: "+err.Error())
	}
	if err := d.Client.React(ctx, d.Owner, d.Repo, ev.CommentID, true, "eyes"); err != nil {
		log.Warn("could not acknowledge the reply", "err", err)
	}
	var lines []string
	for _, t := range thread {
		lines = append(lines, t.User+": "+t.Body)
	}
	ans, err := runner.Ask(ctx, d.Client, d.request(), runner.AskRequest{Text: ev.Body, Path: root.Path, Line: root.Line, Thread: lines, Asker: d.Asker})
	if err != nil {
		return &Outcome{Command: "discuss"}, reply(ctx, ev, d, "I could not answer: "+oneLine(err.Error()))
	}
	return &Outcome{Command: "discuss", Replied: true}, reply(ctx, ev, d, ans.Text+answerFooter(ans.Model, ans.Usage.CostUSD))
}

// allowedOrAuthor lets the pull request's author discuss or dismiss the
// findings on their own change, besides people with write access.
func allowedOrAuthor(ctx context.Context, ev Event, d Deps) (bool, error) {
	pr, err := d.Client.PullRequest(ctx, d.Owner, d.Repo, ev.Number)
	if err == nil && strings.EqualFold(pr.Author, ev.User) {
		return true, nil
	}
	return allowed(ctx, ev, d)
}

// threadRoot is the comment a review thread hangs from.
func threadRoot(ev Event) int64 {
	if ev.InReplyTo != 0 {
		return ev.InReplyTo
	}
	return ev.CommentID
}

// threadText is the review thread a question was asked in.
func threadText(ctx context.Context, d Deps, ev Event) []string {
	thread, err := d.Client.Thread(ctx, d.Owner, d.Repo, ev.Number, threadRoot(ev))
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range thread {
		if t.ID != ev.CommentID {
			out = append(out, t.User+": "+t.Body)
		}
	}
	return out
}

// configReply shows the effective configuration, where each value came
// from, and the file's problems. Nothing in it is secret: credentials
// never enter the review configuration.
func configReply(ctx context.Context, d Deps) string {
	cfg, problems, err := runner.EffectiveConfig(ctx, d.Client, d.request())
	if err != nil {
		return "I could not read the configuration: " + oneLine(err.Error())
	}
	values := map[string]string{
		"tier": cfg.Tier, "paths": fmt.Sprintf("include %v, exclude %v", cfg.Include, cfg.Exclude),
		"instructions": fmt.Sprintf("%d characters", len(cfg.Instructions)), "path_instructions": fmt.Sprintf("%d glob(s)", len(cfg.PathInstructions)),
		"auto_review":  fmt.Sprintf("enabled %v, drafts %v, base branches %v", cfg.AutoReview.Enabled, cfg.AutoReview.Drafts, cfg.AutoReview.BaseBranches),
		"max_comments": fmt.Sprint(cfg.MaxComments), "min_severity": cfg.MinSeverity, "language": cfg.Language,
		"fail_on": cfg.FailOn, "max_cost_usd": fmt.Sprintf("%.2f", cfg.MaxCostUSD),
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("**Effective reviewbot configuration** for this pull request (the file is read from the base branch):\n\n| key | value | from |\n|---|---|---|\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k, cell(values[k]), cell(cfg.Origins[k]))
	}
	if len(problems) > 0 {
		b.WriteString("\n**Problems in the file:**\n")
		for _, p := range problems {
			fmt.Fprintf(&b, "- %s\n", oneLine(p))
		}
	}
	return b.String()
}

func cell(s string) string {
	if s == "" {
		s = "—"
	}
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

// impactReply lists the impact found in the code.
func impactReply(res *review.Result) string {
	if len(res.Impact) == 0 {
		return "No code outside this pull request refers to what it changes, as far as the analysis can tell."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Downstream impact** of `%s` (found in the code, no model involved):\n\n", short(res.Head))
	for _, im := range res.Impact {
		fmt.Fprintf(&b, "- `%s`: %s", im.Symbol, oneLine(im.Summary))
		for i, l := range im.Locations {
			if i == 20 {
				fmt.Fprintf(&b, " and %d more", len(im.Locations)-20)
				break
			}
			sep := ", "
			if i == 0 {
				sep = ": "
			}
			fmt.Fprintf(&b, "%s`%s`", sep, l)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
