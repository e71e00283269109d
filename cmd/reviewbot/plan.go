package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/reviewbot/reviewbot/store"
)

const planUsage = `reviewbot plan: the plans serve applies

Usage:
  reviewbot plan set <installation-id> free|team
  reviewbot plan list

The plan takes effect at once, for the next review. GitHub Marketplace
purchases (marketplace_purchase events) change plans too, at their
effective date; the latest change in effect wins. Installations without
one get REVIEWBOT_DEFAULT_PLAN (free unless set).

Reads REVIEWBOT_DATABASE_URL (default sqlite://./reviewbot.db), the same
database as serve.
`

// runPlan is `reviewbot plan`.
func runPlan(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if helpAsked(args) {
		fmt.Fprint(stdout, planUsage)
		return nil
	}
	if len(args) == 0 {
		return usagef("reviewbot plan needs set or list\n\n%s", planUsage)
	}
	def, err := store.ParsePlan(or(getenv("REVIEWBOT_DEFAULT_PLAN"), "free"))
	if err != nil {
		return usagef("REVIEWBOT_DEFAULT_PLAN: %v", err)
	}
	var id int64
	var plan store.Plan
	switch args[0] {
	case "set":
		if len(args) != 3 {
			return usagef("usage: reviewbot plan set <installation-id> free|team")
		}
		if id, err = strconv.ParseInt(args[1], 10, 64); err != nil || id <= 0 {
			return usagef("installation id %q is not a number (reviewbot plan list shows the known ones)", args[1])
		}
		if plan, err = store.ParsePlan(args[2]); err != nil {
			return usagef("%v", err)
		}
	case "list":
		if len(args) != 1 {
			return usagef("usage: reviewbot plan list")
		}
	default:
		return usagef("unknown plan command %q: use set or list", args[0])
	}
	db, err := store.Open(ctx, or(getenv("REVIEWBOT_DATABASE_URL"), store.DefaultURL), 2)
	if err != nil {
		return usagef("REVIEWBOT_DATABASE_URL: %v", err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate the database: %w", err)
	}
	now := time.Now()
	if args[0] == "set" {
		if err := store.AddPlanChange(ctx, db, store.PlanChange{InstallationID: id, Plan: plan, Effective: now, Source: store.SourceCLI}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "installation %d: %s from now on\n", id, plan)
		return nil
	}
	rows, err := store.ListPlans(ctx, db, now, def)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTALLATION\tACCOUNT\tPLAN\tSOURCE\tSINCE\tPENDING")
	for _, r := range rows {
		account := r.AccountLogin
		switch {
		case !r.Known:
			account = "(no installation event yet)"
		case r.Removed:
			account += " (uninstalled)"
		case r.Suspended:
			account += " (suspended)"
		}
		since := "-"
		if !r.Since.IsZero() {
			since = r.Since.UTC().Format(time.RFC3339)
		}
		pending := "-"
		if p := r.Pending; p != nil {
			pending = fmt.Sprintf("%s from %s", p.Plan, p.Effective.UTC().Format(time.RFC3339))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, account, r.Plan, r.Source, since, pending)
	}
	return tw.Flush()
}
