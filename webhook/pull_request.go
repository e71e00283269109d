package webhook

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/reviewbot/reviewbot/store"
)

// installationRef is the installation every App delivery names.
type installationRef struct {
	ID int64 `json:"id"`
}

// repositoryRef is the repository of a delivery.
type repositoryRef struct {
	FullName string `json:"full_name"`
}

// pullRequestEvent is the part of a pull_request payload reviewbot reads.
// https://docs.github.com/webhooks/webhook-events-and-payloads#pull_request
type pullRequestEvent struct {
	Action       string           `json:"action"`
	Number       int              `json:"number"`
	Installation *installationRef `json:"installation"`
	Repository   repositoryRef    `json:"repository"`
	PullRequest  struct {
		Number    int       `json:"number"`
		State     string    `json:"state"`
		Draft     bool      `json:"draft"`
		UpdatedAt time.Time `json:"updated_at"`
		Head      struct {
			SHA string `json:"sha"`
		} `json:"head"`
		Base struct {
			Ref string `json:"ref"`
		} `json:"base"`
	} `json:"pull_request"`
}

// PullRequests handles pull_request: opened, reopened, synchronize and
// ready_for_review queue a review of the head (the worker applies the
// repository's auto_review settings, read from the base branch); a newer
// head cancels the queued and running reviews of older ones; closed
// cancels them all. Other actions are answered and ignored.
type PullRequests struct{}

var _ EventHandler = PullRequests{}

// reviewTriggers are the actions that put a new head up for review.
var reviewTriggers = map[string]bool{"opened": true, "reopened": true, "synchronize": true, "ready_for_review": true}

// Plan implements EventHandler.
func (PullRequests) Plan(d *Delivery) (Plan, error) {
	var ev pullRequestEvent
	if err := decode(d, &ev); err != nil {
		return Plan{}, err
	}
	number := ev.PullRequest.Number
	if number == 0 {
		number = ev.Number
	}
	repo := ev.Repository.FullName
	if !reviewTriggers[ev.Action] && ev.Action != "closed" {
		return Plan{Outcome: "ignored", Message: "pull_request." + ev.Action + " needs no review"}, nil
	}
	if ev.Installation == nil || ev.Installation.ID == 0 || number == 0 || !strings.Contains(repo, "/") {
		return Plan{}, refuse(CodeMalformed, "the pull_request payload names no installation, repository or number", nil)
	}
	head := ev.PullRequest.Head.SHA
	log := d.Log.With("repo", repo, "pr", number, "head", head)
	if ev.Action == "closed" {
		return Plan{Outcome: "cancelled", Message: fmt.Sprintf("%s#%d closed: pending reviews cancelled", repo, number),
			Work: func(ctx context.Context, tx Tx) error {
				n, err := cancelOthers(ctx, tx, repo, number, "")
				log.Info("pull request closed; its reviews are cancelled", "cancelled", n)
				return err
			}}, nil
	}
	if head == "" {
		return Plan{}, refuse(CodeMalformed, "the pull_request payload has no head sha", nil)
	}
	at := ev.PullRequest.UpdatedAt
	if at.IsZero() {
		at = d.Received
	}
	args := ReviewArgs{InstallationID: ev.Installation.ID, Repo: repo, Number: number, HeadSHA: head, Trigger: ev.Action, DeliveryID: d.ID}
	return Plan{Outcome: "queued", Message: fmt.Sprintf("review of %s#%d at %s queued", repo, number, short(head)),
		Work: func(ctx context.Context, tx Tx) error {
			newer, err := store.AdvanceHead(ctx, tx, repo, number, head, at)
			if err != nil {
				return err
			}
			p, err := store.GetPull(ctx, tx, repo, number)
			if err != nil {
				return err
			}
			if !newer && p.HeadSHA != head {
				// GitHub does not order deliveries: this event is older
				// than one already seen, so its head is not the newest
				// and must not cancel the newer head's review.
				log.Info("an older event arrived late; the newer head's review stands", "newest", p.HeadSHA)
				return nil
			}
			n, err := cancelOthers(ctx, tx, repo, number, head)
			if err != nil {
				return err
			}
			id, inserted, err := tx.Insert(ctx, args, nil)
			if err != nil {
				return err
			}
			if inserted {
				if err := store.TrackJob(ctx, tx, id, repo, number, head); err != nil {
					return err
				}
			}
			log.Info("review queued", "job_id", id, "new_job", inserted, "cancelled_older", n)
			return nil
		}}, nil
}

// cancelOthers cancels the tracked review jobs of repo#number whose head
// is not keep ("" cancels all).
func cancelOthers(ctx context.Context, tx Tx, repo string, number int, keep string) (int, error) {
	ids, err := store.JobsOtherThan(ctx, tx, repo, number, keep)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := tx.Cancel(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
