package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Plan is what an installation pays for: free (the cheap tier, summaries
// only) or team (the premium tier, line findings and impact).
type Plan string

// The plans of SPEC section 3.
const (
	Free Plan = "free"
	Team Plan = "team"
)

// ParsePlan reads "free" or "team".
func ParsePlan(s string) (Plan, error) {
	switch Plan(strings.ToLower(strings.TrimSpace(s))) {
	case Free:
		return Free, nil
	case Team:
		return Team, nil
	}
	return "", fmt.Errorf("plan %q: want free or team", s)
}

// Plan-change sources.
const (
	SourceCLI         = "cli"         // reviewbot plan set
	SourceMarketplace = "marketplace" // a marketplace_purchase event
)

// Installation is a GitHub App installation as the store knows it.
type Installation struct {
	ID           int64
	AccountID    int64
	AccountLogin string
	AccountType  string
	Suspended    bool
	Removed      bool
}

// UpsertInstallation records an installation (created, unsuspended, new
// permissions) or its suspension or removal.
func UpsertInstallation(ctx context.Context, q Querier, in Installation) error {
	_, err := q.Exec(ctx, `INSERT INTO reviewbot_installations (id, account_id, account_login, account_type, suspended, removed, updated_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, account_login = excluded.account_login,
			account_type = excluded.account_type, suspended = excluded.suspended, removed = excluded.removed, updated_ms = excluded.updated_ms`,
		in.ID, in.AccountID, in.AccountLogin, in.AccountType, b2i(in.Suspended), b2i(in.Removed), time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("record installation %d: %w", in.ID, err)
	}
	return nil
}

// GetInstallation reads one installation; ErrNotFound when unknown.
func GetInstallation(ctx context.Context, q Querier, id int64) (Installation, error) {
	in := Installation{ID: id}
	var susp, rem int
	err := q.QueryRow(ctx, `SELECT account_id, account_login, account_type, suspended, removed FROM reviewbot_installations WHERE id = $1`, id).
		Scan(&in.AccountID, &in.AccountLogin, &in.AccountType, &susp, &rem)
	in.Suspended, in.Removed = susp != 0, rem != 0
	return in, err
}

// SetRepositories records which repositories an installation covers
// (added) or no longer covers (removed).
func SetRepositories(ctx context.Context, q Querier, installationID int64, added, removed []string) error {
	now := time.Now().UnixMilli()
	for _, r := range added {
		if _, err := q.Exec(ctx, `INSERT INTO reviewbot_repositories (full_name, installation_id, updated_ms) VALUES ($1, $2, $3)
			ON CONFLICT (full_name) DO UPDATE SET installation_id = excluded.installation_id, updated_ms = excluded.updated_ms`,
			strings.ToLower(r), installationID, now); err != nil {
			return fmt.Errorf("record repository %s: %w", r, err)
		}
	}
	for _, r := range removed {
		if _, err := q.Exec(ctx, `DELETE FROM reviewbot_repositories WHERE full_name = $1 AND installation_id = $2`, strings.ToLower(r), installationID); err != nil {
			return fmt.Errorf("forget repository %s: %w", r, err)
		}
	}
	return nil
}

// PlanChange is one scheduled or applied change of plan.
type PlanChange struct {
	// AccountID is set for marketplace changes, which GitHub keys by the
	// purchasing account; InstallationID for `reviewbot plan set`.
	AccountID, InstallationID int64
	Plan                      Plan
	Effective                 time.Time
	Source                    string
	// Detail is free text for `plan list` (the marketplace plan's name).
	Detail string
}

// AddPlanChange records a change that takes effect at c.Effective: now
// for `plan set` and most purchases, a later date for GitHub's
// pending_change (a downgrade at the end of the billing cycle).
func AddPlanChange(ctx context.Context, q Querier, c PlanChange) error {
	_, err := q.Exec(ctx, `INSERT INTO reviewbot_plan_changes (account_id, installation_id, plan, effective_ms, source, detail, created_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.AccountID, c.InstallationID, string(c.Plan), c.Effective.UnixMilli(), c.Source, c.Detail, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("record the plan change: %w", err)
	}
	return nil
}

// CancelPendingChanges cancels an account's marketplace changes that have
// not taken effect at now (pending_change_cancelled).
func CancelPendingChanges(ctx context.Context, q Querier, accountID int64, now time.Time) (int64, error) {
	n, err := q.Exec(ctx, `UPDATE reviewbot_plan_changes SET cancelled = 1
		WHERE account_id = $1 AND source = $2 AND effective_ms > $3 AND cancelled = 0`, accountID, SourceMarketplace, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("cancel the pending plan change: %w", err)
	}
	return n, nil
}

// EffectivePlan is an installation's plan at a time and where it came from.
type EffectivePlan struct {
	Plan   Plan
	Source string // cli, marketplace, or "default"
	Since  time.Time
	// Pending is the next change that has not taken effect yet, if any.
	Pending *PlanChange
}

// PlanAt is installation id's plan at time at: the latest change in
// effect for the installation or its account (the latest effective date
// wins; of two at the same date the later recorded), else def.
func PlanAt(ctx context.Context, q Querier, id int64, at time.Time, def Plan) (EffectivePlan, error) {
	var account int64
	if in, err := GetInstallation(ctx, q, id); err == nil {
		account = in.AccountID
	} else if !errors.Is(err, ErrNotFound) {
		return EffectivePlan{}, err
	}
	out := EffectivePlan{Plan: def, Source: "default"}
	const match = `cancelled = 0 AND (installation_id = $1 OR (account_id = $2 AND $2 <> 0))`
	var plan, source string
	var ms int64
	err := q.QueryRow(ctx, `SELECT plan, source, effective_ms FROM reviewbot_plan_changes
		WHERE `+match+` AND effective_ms <= $3 ORDER BY effective_ms DESC, id DESC LIMIT 1`, id, account, at.UnixMilli()).Scan(&plan, &source, &ms)
	switch {
	case err == nil:
		out.Plan, out.Source, out.Since = Plan(plan), source, time.UnixMilli(ms)
	case !errors.Is(err, ErrNotFound):
		return out, fmt.Errorf("read the plan of installation %d: %w", id, err)
	}
	var p PlanChange
	var detail string
	err = q.QueryRow(ctx, `SELECT plan, source, effective_ms, detail FROM reviewbot_plan_changes
		WHERE `+match+` AND effective_ms > $3 ORDER BY effective_ms ASC, id ASC LIMIT 1`, id, account, at.UnixMilli()).Scan(&plan, &source, &ms, &detail)
	switch {
	case err == nil:
		p.Plan, p.Source, p.Effective, p.Detail, p.InstallationID, p.AccountID = Plan(plan), source, time.UnixMilli(ms), detail, id, account
		out.Pending = &p
	case !errors.Is(err, ErrNotFound):
		return out, fmt.Errorf("read the pending plan of installation %d: %w", id, err)
	}
	return out, nil
}

// PlanRow is one line of `reviewbot plan list`.
type PlanRow struct {
	Installation
	EffectivePlan
	Known bool // false for an installation that only `plan set` named
}

// ListPlans returns every installation the store knows (from events or
// from `plan set`) with its plan at time at.
func ListPlans(ctx context.Context, q Querier, at time.Time, def Plan) ([]PlanRow, error) {
	rows, err := q.Query(ctx, `SELECT id, 1 FROM reviewbot_installations
		UNION SELECT DISTINCT installation_id, 0 FROM reviewbot_plan_changes
			WHERE installation_id <> 0 AND installation_id NOT IN (SELECT id FROM reviewbot_installations)
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list installations: %w", err)
	}
	type idKnown struct {
		id    int64
		known bool
	}
	var ids []idKnown
	for rows.Next() {
		var id int64
		var known int
		if err := rows.Scan(&id, &known); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, idKnown{id, known != 0})
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	var out []PlanRow
	for _, ik := range ids {
		r := PlanRow{Installation: Installation{ID: ik.id}, Known: ik.known}
		if ik.known {
			if r.Installation, err = GetInstallation(ctx, q, ik.id); err != nil {
				return nil, err
			}
		}
		if r.EffectivePlan, err = PlanAt(ctx, q, ik.id, at, def); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
