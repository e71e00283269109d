package webhook

import (
	"context"
	"fmt"
	"time"

	"github.com/reviewbot/reviewbot/store"
)

// Group commit. Every delivery must be durable before its 202, and a
// commit costs an fsync (SQLite with synchronous=FULL, PostgreSQL with
// synchronous_commit) plus, on SQLite, the one writer connection. Under a
// burst, deliveries would queue for commits one by one. Instead one writer
// loop takes every delivery waiting when it is free into one transaction,
// each delivery inside its own savepoint, and commits once: a delivery
// whose work fails rolls back to its savepoint alone and gets its error;
// the others commit together and are answered after that one commit. With
// no burst the batch is one delivery and nothing waits.

// maxBatch bounds one transaction: a batch that large already amortises
// the commit, and a larger one would hold SQLite's writer longer.
const maxBatch = 64

// delivery is one Deliver call waiting for the writer loop.
type delivery struct {
	id, event string
	at        time.Time
	work      Work
	done      chan deliveryResult
}

type deliveryResult struct {
	dup bool
	err error
}

// Deliver implements Queue through the group commit.
func (q *riverQueue[TTx]) Deliver(ctx context.Context, id, event string, at time.Time, work Work) (bool, error) {
	q.batchOnce.Do(func() {
		q.pending = make(chan *delivery, 4*maxBatch)
		go q.writeLoop()
	})
	d := &delivery{id: id, event: event, at: at, work: work, done: make(chan deliveryResult, 1)}
	select {
	case q.pending <- d:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	select {
	case r := <-d.done:
		return r.dup, r.err
	case <-ctx.Done():
		// The batch may still commit it; a redelivery then finds the ID.
		return false, ctx.Err()
	}
}

// writeLoop commits waiting deliveries, as many as are there, one
// transaction at a time. It runs for the life of the process.
func (q *riverQueue[TTx]) writeLoop() {
	for first := range q.pending {
		batch := []*delivery{first}
	more:
		for len(batch) < maxBatch {
			select {
			case d := <-q.pending:
				batch = append(batch, d)
			default:
				break more
			}
		}
		q.commitBatch(batch)
	}
}

func (q *riverQueue[TTx]) commitBatch(batch []*delivery) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	results := make([]deliveryResult, len(batch))
	fail := func(err error) {
		for _, d := range batch {
			d.done <- deliveryResult{err: err}
		}
	}
	tx, qr, commit, rollback, err := q.begin(ctx)
	if err != nil {
		fail(err)
		return
	}
	defer rollback()
	rtx := &riverTx[TTx]{Querier: qr, tx: tx, client: q.client}
	for i, d := range batch {
		results[i] = q.deliverOne(ctx, qr, rtx, d)
	}
	if err := commit(); err != nil {
		fail(fmt.Errorf("commit the delivery: %w", err))
		return
	}
	for i, d := range batch {
		d.done <- results[i]
	}
}

// deliverOne records one delivery and runs its work inside a savepoint of
// the batch's transaction.
func (q *riverQueue[TTx]) deliverOne(ctx context.Context, qr store.Querier, rtx Tx, d *delivery) deliveryResult {
	if _, err := qr.Exec(ctx, "SAVEPOINT rb_delivery"); err != nil {
		return deliveryResult{err: fmt.Errorf("savepoint: %w", err)}
	}
	undo := func(err error) deliveryResult {
		if _, rerr := qr.Exec(ctx, "ROLLBACK TO SAVEPOINT rb_delivery"); rerr != nil {
			return deliveryResult{err: fmt.Errorf("%w (and rolling back: %v)", err, rerr)}
		}
		qr.Exec(ctx, "RELEASE SAVEPOINT rb_delivery")
		return deliveryResult{err: err}
	}
	fresh, err := store.RecordDelivery(ctx, qr, d.id, d.event, d.at)
	if err != nil {
		return undo(err)
	}
	if fresh {
		if err := d.work(ctx, rtx); err != nil {
			return undo(err)
		}
	}
	if _, err := qr.Exec(ctx, "RELEASE SAVEPOINT rb_delivery"); err != nil {
		return undo(err)
	}
	return deliveryResult{dup: !fresh}
}
