package webhook

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/reviewbot/reviewbot/store"
)

// marketplaceEvent is the part of a marketplace_purchase payload reviewbot
// reads. https://docs.github.com/webhooks/webhook-events-and-payloads#marketplace_purchase
type marketplaceEvent struct {
	Action        string `json:"action"`
	EffectiveDate string `json:"effective_date"`
	Purchase      struct {
		Account accountRef `json:"account"`
		Plan    struct {
			ID                  int64  `json:"id"`
			Name                string `json:"name"`
			MonthlyPriceInCents int64  `json:"monthly_price_in_cents"`
			YearlyPriceInCents  int64  `json:"yearly_price_in_cents"`
			PriceModel          string `json:"price_model"`
		} `json:"plan"`
	} `json:"marketplace_purchase"`
}

// Marketplace handles marketplace_purchase. GitHub keys purchases by
// account, so plan changes are recorded for the account and apply to all
// its installations, at the payload's effective_date: purchases and
// upgrades at once, downgrades and cancellations at the start of the next
// billing cycle (announced early by pending_change, withdrawn by
// pending_change_cancelled). The plan in effect is read when a review
// runs, so a change scheduled for a date applies from that date without
// any further event.
//
// A marketplace plan maps to reviewbot's tiers by price: a plan that
// costs nothing is free, any paid plan is team; a cancelled purchase
// returns the account to free.
type Marketplace struct{}

var _ EventHandler = Marketplace{}

// Plan implements EventHandler.
func (Marketplace) Plan(d *Delivery) (Plan, error) {
	var ev marketplaceEvent
	if err := decode(d, &ev); err != nil {
		return Plan{}, err
	}
	acct := ev.Purchase.Account
	if acct.ID == 0 {
		return Plan{}, refuse(CodeMalformed, "the marketplace_purchase payload names no account", nil)
	}
	effective := d.Received
	if ev.EffectiveDate != "" {
		t, err := parseGitHubTime(ev.EffectiveDate)
		if err != nil {
			return Plan{}, refuse(CodeMalformed, "marketplace_purchase effective_date", err)
		}
		effective = t
	}
	p := ev.Purchase.Plan
	plan := store.Team
	if p.MonthlyPriceInCents == 0 && p.YearlyPriceInCents == 0 || strings.EqualFold(p.PriceModel, "FREE") {
		plan = store.Free
	}
	detail := fmt.Sprintf("marketplace plan %q (%s)", p.Name, ev.Action)
	switch ev.Action {
	case "purchased", "changed", "pending_change":
	case "cancelled":
		plan, detail = store.Free, fmt.Sprintf("marketplace plan %q cancelled", p.Name)
	case "pending_change_cancelled":
		return Plan{Outcome: "recorded", Message: fmt.Sprintf("pending plan change of %s cancelled", acct.Login),
			Work: func(ctx context.Context, tx Tx) error {
				n, err := store.CancelPendingChanges(ctx, tx, acct.ID, d.Received)
				d.Log.Info("pending plan change cancelled", "account", acct.Login, "changes", n)
				return err
			}}, nil
	default:
		return Plan{Outcome: "ignored", Message: "marketplace_purchase." + ev.Action + " is not a plan change"}, nil
	}
	change := store.PlanChange{AccountID: acct.ID, Plan: plan, Effective: effective, Source: store.SourceMarketplace, Detail: detail}
	return Plan{Outcome: "recorded", Message: fmt.Sprintf("%s: %s from %s", acct.Login, plan, effective.UTC().Format(time.RFC3339)),
		Work: func(ctx context.Context, tx Tx) error {
			d.Log.Info("plan change recorded", "account", acct.Login, "account_id", acct.ID, "plan", plan, "effective", effective)
			return store.AddPlanChange(ctx, tx, change)
		}}, nil
}

// parseGitHubTime reads the timestamps GitHub puts in payloads: RFC 3339,
// or a bare date for some marketplace fields.
func parseGitHubTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time", s)
}
