package webhook

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/store"
)

// attemptsRecorder answers the first PATCH with a 502 (which the Pacer
// retries: PATCH is idempotent) and everything else with 200, recording
// when each write arrived.
type attemptsRecorder struct {
	mu     sync.Mutex
	writes []time.Time
}

func (a *attemptsRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	status := http.StatusOK
	if r.Method != http.MethodGet {
		a.writes = append(a.writes, time.Now())
		if r.Method == http.MethodPatch && len(a.writes) == 1 {
			status = http.StatusBadGateway
		}
	}
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

// TestPacedTransportGatesEveryAttempt: with the PostgreSQL write gate, a
// retry the Pacer sends after a server error is a write like any other and
// comes a full gap after the attempt before it, not after the Pacer's
// shorter backoff (500 ms).
func TestPacedTransportGatesEveryAttempt(t *testing.T) {
	url := dbtest.PostgresURL(t)
	ctx := context.Background()
	db, err := store.Open(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const gap = 900 * time.Millisecond
	rec := &attemptsRecorder{}
	rt := pacedTransport(rec, store.NewWriteGate(db, gap), 7, gap, nil)
	req, err := http.NewRequest(http.MethodPatch, "http://github.invalid/api/v3/repos/o/r/check-runs/1", strings.NewReader(`{"status":"completed"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d after the retry, want 200", resp.StatusCode)
	}
	post, _ := http.NewRequest(http.MethodPost, "http://github.invalid/api/v3/repos/o/r/issues/1/comments", strings.NewReader(`{"body":"x"}`))
	if resp, err := rt.RoundTrip(post); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	if len(rec.writes) != 3 {
		t.Fatalf("%d writes sent, want 3 (PATCH, its retry, POST)", len(rec.writes))
	}
	for i := 1; i < len(rec.writes); i++ {
		if d := rec.writes[i].Sub(rec.writes[i-1]); d < gap {
			t.Errorf("write %d came %v after the one before, want at least %v", i, d, gap)
		}
	}
}
