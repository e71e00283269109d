package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/store"
)

func open(t *testing.T, url string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url, 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMigrateTwiceAndConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		db := open(t, url)
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("second migration: %v", err)
		}
		if db.Dialect == store.Postgres {
			// Replicas starting together each migrate at start.
			var wg sync.WaitGroup
			errs := make(chan error, 3)
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					other, err := store.Open(context.Background(), url, 4)
					if err != nil {
						errs <- err
						return
					}
					defer other.Close()
					errs <- other.Migrate(context.Background())
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Errorf("concurrent migration: %v", err)
				}
			}
		}
		var n int
		if err := db.QueryRow(context.Background(), "SELECT count(*) FROM reviewbot_schema").Scan(&n); err != nil || n != store.SchemaVersion() {
			t.Errorf("schema versions = %d, %v", n, err)
		}
	})
}

func TestOpenRefusesUnknownURL(t *testing.T) {
	_, err := store.Open(context.Background(), "mysql://x", 1)
	if !errors.Is(err, store.ErrURL) {
		t.Fatalf("err = %v", err)
	}
}

func TestPlansApplyAtTheirEffectiveDate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := open(t, url)
		const inst, acct = 42, 7
		if err := store.UpsertInstallation(ctx, db, store.Installation{ID: inst, AccountID: acct, AccountLogin: "octo"}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		plan := func(at time.Time) store.EffectivePlan {
			t.Helper()
			p, err := store.PlanAt(ctx, db, inst, at, store.Free)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		if p := plan(t0); p.Plan != store.Free || p.Source != "default" {
			t.Errorf("no change recorded: %+v", p)
		}
		// Purchased now; a downgrade announced for April 1.
		must(t, store.AddPlanChange(ctx, db, store.PlanChange{AccountID: acct, Plan: store.Team, Effective: t0, Source: store.SourceMarketplace}))
		april := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		must(t, store.AddPlanChange(ctx, db, store.PlanChange{AccountID: acct, Plan: store.Free, Effective: april, Source: store.SourceMarketplace}))
		if p := plan(t0.Add(time.Hour)); p.Plan != store.Team || p.Pending == nil || p.Pending.Plan != store.Free || !p.Pending.Effective.Equal(april) {
			t.Errorf("before the effective date: %+v pending %+v", p, p.Pending)
		}
		if p := plan(april.Add(time.Second)); p.Plan != store.Free {
			t.Errorf("after the effective date: %+v", p)
		}
		// pending_change_cancelled withdraws the downgrade.
		n, err := store.CancelPendingChanges(ctx, db, acct, t0.Add(2*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("cancel pending = %d, %v", n, err)
		}
		if p := plan(april.Add(time.Second)); p.Plan != store.Team || p.Pending != nil {
			t.Errorf("after the cancelled downgrade's date: %+v", p)
		}
		// plan set on the installation wins from its date on.
		must(t, store.AddPlanChange(ctx, db, store.PlanChange{InstallationID: inst, Plan: store.Free, Effective: t0.Add(3 * time.Hour), Source: store.SourceCLI}))
		if p := plan(t0.Add(4 * time.Hour)); p.Plan != store.Free || p.Source != store.SourceCLI {
			t.Errorf("after plan set: %+v", p)
		}
		rows, err := store.ListPlans(ctx, db, t0.Add(4*time.Hour), store.Free)
		if err != nil || len(rows) != 1 || rows[0].AccountLogin != "octo" || rows[0].Plan != store.Free {
			t.Errorf("list = %+v, %v", rows, err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeliveriesHeadsAndUsage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := open(t, url)
		now := time.Now()
		fresh, err := store.RecordDelivery(ctx, db, "d-1", "pull_request", now)
		if err != nil || !fresh {
			t.Fatalf("first delivery: %v %v", fresh, err)
		}
		if fresh, _ := store.RecordDelivery(ctx, db, "d-1", "pull_request", now); fresh {
			t.Error("a redelivery was recorded as new")
		}
		t1 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
		if newer, err := store.AdvanceHead(ctx, db, "Octo/Calc", 7, "aaa", t1); err != nil || !newer {
			t.Fatalf("first head: %v %v", newer, err)
		}
		if newer, _ := store.AdvanceHead(ctx, db, "octo/calc", 7, "ccc", t1.Add(2*time.Minute)); !newer {
			t.Error("a later head was not newer")
		}
		if newer, _ := store.AdvanceHead(ctx, db, "octo/calc", 7, "bbb", t1.Add(time.Minute)); newer {
			t.Error("an event older than the recorded head moved it back")
		}
		if p, _ := store.GetPull(ctx, db, "octo/calc", 7); p.HeadSHA != "ccc" {
			t.Errorf("head = %q", p.HeadSHA)
		}
		must(t, store.TrackJob(ctx, db, 1, "octo/calc", 7, "aaa"))
		must(t, store.TrackJob(ctx, db, 2, "octo/calc", 7, "ccc"))
		ids, err := store.JobsOtherThan(ctx, db, "octo/calc", 7, "ccc")
		if err != nil || len(ids) != 1 || ids[0] != 1 {
			t.Errorf("older jobs = %v, %v", ids, err)
		}
		if ids, _ := store.JobsOtherThan(ctx, db, "octo/calc", 7, ""); len(ids) != 1 || ids[0] != 2 {
			t.Errorf("all remaining jobs = %v", ids)
		}
		for range 2 {
			must(t, store.AddUsage(ctx, db, store.Usage{InstallationID: 9, Month: "2026-01", Reviews: 1, InputTokens: 100, OutputTokens: 10, CostUSD: 0.25}))
		}
		u, err := store.GetUsage(ctx, db, 9, "2026-01")
		if err != nil || u.Reviews != 2 || u.InputTokens != 200 || u.CostUSD != 0.5 {
			t.Errorf("usage = %+v, %v", u, err)
		}
	})
}

// TestWriteGateAcrossClients runs writes of one installation from two
// independent database clients, as two replicas would: they never
// overlap and start at least the gap apart; another installation's
// writes are not held up.
func TestWriteGateAcrossClients(t *testing.T) {
	url := dbtest.PostgresURL(t)
	ctx := context.Background()
	open(t, url)
	const gap = 150 * time.Millisecond
	type span struct{ start, end time.Time }
	var mu sync.Mutex
	spans := map[int64][]span{}
	inFlight := map[int64]int{}
	overlap := false
	var wg sync.WaitGroup
	for c := range 2 {
		db, err := store.Open(ctx, url, 8)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		g := store.NewWriteGate(db, gap)
		for w := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 3 {
					inst := int64(1)
					if (c+w+i)%3 == 2 {
						inst = 2
					}
					err := g.Do(ctx, inst, func() error {
						mu.Lock()
						inFlight[inst]++
						if inFlight[inst] > 1 {
							overlap = true
						}
						s := span{start: time.Now()}
						mu.Unlock()
						time.Sleep(5 * time.Millisecond)
						mu.Lock()
						inFlight[inst]--
						s.end = time.Now()
						spans[inst] = append(spans[inst], s)
						mu.Unlock()
						return nil
					})
					if err != nil {
						t.Error(err)
					}
				}
			}()
		}
	}
	wg.Wait()
	if overlap {
		t.Error("two writes of one installation were in flight at once")
	}
	for inst, ss := range spans {
		for i := 1; i < len(ss); i++ {
			// The gate measures from the end of the last write by the
			// database clock; allow a little for clock reads.
			if d := ss[i].start.Sub(ss[i-1].end); d < gap-10*time.Millisecond {
				t.Errorf("installation %d: write %d started %v after the previous one ended, want ≥ %v", inst, i, d, gap)
			}
		}
	}
	if len(spans[1])+len(spans[2]) != 18 {
		t.Errorf("writes = %d + %d, want 18", len(spans[1]), len(spans[2]))
	}
}
