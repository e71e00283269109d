package webhook

import (
	"context"
	"fmt"

	"github.com/reviewbot/reviewbot/store"
)

// accountRef is a GitHub account (user or organization).
type accountRef struct {
	ID    int64  `json:"id"`
	Login string `json:"login"`
	Type  string `json:"type"`
}

// installationEvent is the part of installation and
// installation_repositories payloads reviewbot reads.
// https://docs.github.com/webhooks/webhook-events-and-payloads#installation
type installationEvent struct {
	Action       string `json:"action"`
	Installation struct {
		ID      int64      `json:"id"`
		Account accountRef `json:"account"`
	} `json:"installation"`
	Repositories        []repositoryRef `json:"repositories"`
	RepositoriesAdded   []repositoryRef `json:"repositories_added"`
	RepositoriesRemoved []repositoryRef `json:"repositories_removed"`
}

// Installations handles installation (created, deleted, suspend,
// unsuspend, new_permissions_accepted) and installation_repositories
// (added, removed): the store keeps which installations exist, whose
// account they belong to (marketplace plans are bought by accounts) and
// which repositories they cover. A review job of a removed or suspended
// installation ends without calling GitHub.
type Installations struct{}

var _ EventHandler = Installations{}

// Plan implements EventHandler.
func (Installations) Plan(d *Delivery) (Plan, error) {
	var ev installationEvent
	if err := decode(d, &ev); err != nil {
		return Plan{}, err
	}
	in := store.Installation{ID: ev.Installation.ID, AccountID: ev.Installation.Account.ID,
		AccountLogin: ev.Installation.Account.Login, AccountType: ev.Installation.Account.Type}
	if in.ID == 0 {
		return Plan{}, refuse(CodeMalformed, "the "+d.Event+" payload names no installation", nil)
	}
	var added, removed []string
	switch {
	case d.Event == "installation_repositories":
		for _, r := range ev.RepositoriesAdded {
			added = append(added, r.FullName)
		}
		for _, r := range ev.RepositoriesRemoved {
			removed = append(removed, r.FullName)
		}
	case ev.Action == "created":
		for _, r := range ev.Repositories {
			added = append(added, r.FullName)
		}
	case ev.Action == "deleted":
		in.Removed = true
	case ev.Action == "suspend":
		in.Suspended = true
	case ev.Action == "unsuspend", ev.Action == "new_permissions_accepted":
	default:
		return Plan{Outcome: "ignored", Message: "installation." + ev.Action + " changes nothing reviewbot keeps"}, nil
	}
	return Plan{Outcome: "recorded", Message: fmt.Sprintf("installation %d (%s) %s", in.ID, in.AccountLogin, ev.Action),
		Work: func(ctx context.Context, tx Tx) error {
			if d.Event == "installation_repositories" {
				// The installation row may predate this App's database;
				// keep what is known and fill in the account.
				if cur, err := store.GetInstallation(ctx, tx, in.ID); err == nil {
					in.Suspended, in.Removed = cur.Suspended, cur.Removed
				}
			}
			if err := store.UpsertInstallation(ctx, tx, in); err != nil {
				return err
			}
			return store.SetRepositories(ctx, tx, in.ID, added, removed)
		}}, nil
}
