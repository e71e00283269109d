package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/internal/ghtest"
	"github.com/reviewbot/reviewbot/review"
)

// commentEvent is an issue_comment delivery on pull request number.
func commentDelivery(installation int64, repo string, number int, id int64, user, userType, assoc, body string) []byte {
	b, _ := json.Marshal(map[string]any{
		"action": "created", "installation": map[string]any{"id": installation},
		"repository": map[string]any{"full_name": repo},
		"issue":      map[string]any{"number": number, "state": "open", "pull_request": map[string]any{"url": "x"}},
		"comment": map[string]any{"id": id, "body": body, "author_association": assoc,
			"user": map[string]any{"login": user, "type": userType}},
	})
	return b
}

func TestServeSlashCommands(t *testing.T) {
	g := ghtest.New(t)
	// What the App posts is by <slug>[bot], the login it recognises as its own.
	g.BotLogin = "reviewbot[bot]"
	key := appKey(t, g)
	fake := teamAnswers(t, nil)
	pr := newE2EPR(t, g, "octo", "calc", 7, false)
	p := startServe(t, serveEnvFor(t, g, key, dbtest.SQLiteURL(t), map[string]string{"REVIEWBOT_DEFAULT_PLAN": "team", "REVIEWBOT_APP_SLUG": "reviewbot"}))
	ours := func(substr string) bool {
		for _, c := range g.IssueComments("octo", "calc", 7) {
			if strings.Contains(c.Body, substr) {
				return true
			}
		}
		return false
	}

	// @reviewbot help is answered in the conversation.
	id := g.AddIssueComment("octo", "calc", 7, "visitor", "@reviewbot help")
	if s := p.deliver("issue_comment", "c-help", commentDelivery(11, "octo/calc", 7, id, "visitor", "User", "NONE", "@reviewbot help")); s != http.StatusAccepted {
		t.Fatalf("help delivery: %d", s)
	}
	waitFor(t, 60*time.Second, "the help reply", func() bool { return ours("reviewbot commands") })

	// /pause by a member, then a push is not reviewed.
	id = g.AddIssueComment("octo", "calc", 7, "maintainer", "/pause")
	if s := p.deliver("issue_comment", "c-pause", commentDelivery(11, "octo/calc", 7, id, "maintainer", "User", "MEMBER", "/pause")); s != http.StatusAccepted {
		t.Fatalf("pause delivery: %d", s)
	}
	waitFor(t, 60*time.Second, "the pause reply", func() bool { return ours("Automatic reviews are paused") })
	if s := p.deliver("pull_request", "open-1", prEvent("opened", 11, "octo/calc", 7, pr.head, time.Now(), false)); s != http.StatusAccepted {
		t.Fatalf("opened: %d", s)
	}
	// The review job finishes as paused; give it the time a review takes.
	time.Sleep(3 * time.Second)
	if n := len(fake.calls); n != 0 {
		t.Fatalf("%d model calls on a paused pull request", n)
	}

	// A bot's /review is ignored; a member's /review runs, with eyes.
	if s := p.deliver("issue_comment", "c-bot", commentDelivery(11, "octo/calc", 7, 77, "other[bot]", "Bot", "NONE", "/review")); s != http.StatusAccepted && s != http.StatusOK {
		t.Fatalf("bot delivery: %d", s)
	}
	id = g.AddIssueComment("octo", "calc", 7, "maintainer", "/review")
	if s := p.deliver("issue_comment", "c-review", commentDelivery(11, "octo/calc", 7, id, "maintainer", "User", "MEMBER", "/review")); s != http.StatusAccepted {
		t.Fatalf("review delivery: %d", s)
	}
	waitFor(t, 90*time.Second, "the check run of /review's review", func() bool { return len(completedChecks(g, "octo", "calc", pr.head)) == 1 })
	if n := len(lineReviews(g.Reviews("octo", "calc", 7))); n != 1 {
		t.Fatalf("%d reviews after /review", n)
	}
	// Every accepted command (help, pause, review) is acknowledged; the
	// bot's comment (77) is not.
	eyes := reactions(g, "eyes")
	if len(eyes) != 3 || eyes[2].CommentID != id {
		t.Errorf("eyes reactions %+v, want three, the last on the /review comment", eyes)
	}
	for _, r := range eyes {
		if r.CommentID == 77 {
			t.Error("a bot's comment was acknowledged")
		}
	}
	sums := summaries(g.IssueComments("octo", "calc", 7))
	if len(sums) != 1 {
		t.Fatalf("%d summaries", len(sums))
	}
	if st, _ := review.ParseState(sums[0].Body); !st.Paused || st.LastReviewed != pr.head {
		t.Errorf("state %+v: /review reviews a paused PR once and it stays paused", st)
	}
	p.stop()
}
