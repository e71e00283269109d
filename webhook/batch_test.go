package webhook

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/store"
)

// TestGroupCommitIsolatesFailures sends concurrent deliveries through the
// group commit, every third of which fails after writing: the failed ones
// leave nothing behind (not even their delivery ID, so GitHub's
// redelivery can try again), the others commit, and a repeated ID in the
// same burst counts once.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		a := newTestApp(t, url)
		q := a.app.queue
		ctx := context.Background()
		boom := errors.New("boom")
		var wg sync.WaitGroup
		errs := make([]error, 30)
		dups := make([]bool, 30)
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, n := fmt.Sprintf("g-%d", i), i
				if i == 29 {
					id, n = "g-0", 0 // a redelivery inside the burst
				}
				dups[i], errs[i] = q.Deliver(ctx, id, "test", time.Now(), func(ctx context.Context, tx Tx) error {
					if err := store.SetPaused(ctx, tx, "octo/calc", n, true); err != nil {
						return err
					}
					if i%3 == 1 {
						return boom
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i := range 29 {
			_, perr := store.GetPull(ctx, a.db, "octo/calc", i)
			var n int
			a.db.QueryRow(ctx, "SELECT count(*) FROM reviewbot_deliveries WHERE id = $1", fmt.Sprintf("g-%d", i)).Scan(&n)
			if i%3 == 1 {
				if !errors.Is(errs[i], boom) || perr == nil || n != 0 {
					t.Errorf("failed delivery %d: err %v, its write kept %v, id recorded %d", i, errs[i], perr == nil, n)
				}
			} else if errs[i] != nil || perr != nil || n != 1 {
				t.Errorf("delivery %d: err %v, write %v, id recorded %d", i, errs[i], perr, n)
			}
		}
		if errs[29] != nil || dups[0] == dups[29] {
			t.Errorf("the repeated id: err %v, dup flags %v and %v (one of the two must be the duplicate)", errs[29], dups[0], dups[29])
		}
	})
}
