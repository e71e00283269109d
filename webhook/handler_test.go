package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/store"
)

// docsSecret is the secret of GitHub's documented test vector, which
// testdata/signatures.json also signs the real payloads with.
const docsSecret = "It's a Secret to Everybody"

func TestVerifyGitHubDocsVector(t *testing.T) {
	// https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
	const want = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if got := Sign([]byte(docsSecret), []byte("Hello, World!")); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	if err := Verify([]byte(docsSecret), []byte("Hello, World!"), want); err != nil {
		t.Fatalf("the documented vector does not verify: %v", err)
	}
	for _, bad := range []string{"", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59", "sha256=zz", strings.Replace(want, "757", "758", 1), want[:len(want)-2]} {
		if err := Verify([]byte(docsSecret), []byte("Hello, World!"), bad); StatusOf(err) != http.StatusUnauthorized {
			t.Errorf("Verify(%q) = %v, want 401", bad, err)
		}
	}
}

// TestVerifyRealPayloads checks every copied payload against the
// signature computed over its exact bytes.
func TestVerifyRealPayloads(t *testing.T) {
	var sigs struct {
		Files map[string]struct {
			Sig string `json:"x_hub_signature_256"`
		} `json:"files"`
	}
	raw, err := os.ReadFile("testdata/signatures.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &sigs); err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, s := range sigs.Files {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if os.IsNotExist(err) {
			continue // not copied: not needed by these tests
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if err := Verify([]byte(docsSecret), body, s.Sig); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if err := Verify([]byte(docsSecret), append(body, ' '), s.Sig); err == nil {
			t.Errorf("%s: a changed body still verified", name)
		}
	}
	if n < 10 {
		t.Fatalf("only %d payloads checked", n)
	}
}

// testApp is an App whose workers are not started, so what deliveries
// enqueue stays in the queue to be looked at.
type testApp struct {
	t   testing.TB
	app *App
	db  *store.DB
	srv http.Handler
}

func newTestApp(t testing.TB, url string) *testApp {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url, 16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	app, err := New(Config{DB: db, Secret: []byte(docsSecret), AppID: 1, PrivateKey: []byte("unused: workers do not run"), CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return &testApp{t: t, app: app, db: db, srv: app.Handler()}
}

// send posts body as event with a delivery id, signed unless sig says
// otherwise ("-" for no signature).
func (a *testApp) send(event, id string, body []byte, sig string) *httptest.ResponseRecorder {
	a.t.Helper()
	r := httptest.NewRequest("POST", "/webhook", bytes.NewReader(body))
	r.Header.Set("X-GitHub-Event", event)
	r.Header.Set("X-GitHub-Delivery", id)
	r.Header.Set("Content-Type", "application/json")
	switch sig {
	case "":
		r.Header.Set("X-Hub-Signature-256", Sign([]byte(docsSecret), body))
	case "-":
	default:
		r.Header.Set("X-Hub-Signature-256", sig)
	}
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, r)
	return w
}

type jobRow struct {
	ID    int64
	State string
	Args  ReviewArgs
}

func (a *testApp) jobs() []jobRow {
	a.t.Helper()
	args := "args"
	if a.db.Dialect == store.SQLite {
		args = "json(args)" // River's SQLite driver stores JSONB
	}
	rows, err := a.db.Query(context.Background(), "SELECT id, state, "+args+" FROM river_job WHERE kind = $1 ORDER BY id", ReviewKind)
	if err != nil {
		a.t.Fatal(err)
	}
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var j jobRow
		var args []byte
		if err := rows.Scan(&j.ID, &j.State, &args); err != nil {
			a.t.Fatal(err)
		}
		if err := json.Unmarshal(args, &j.Args); err != nil {
			a.t.Fatal(err)
		}
		out = append(out, j)
	}
	return out
}

func (a *testApp) deliveries(event, outcome string) float64 {
	return testutil.ToFloat64(a.app.metrics.deliveries.WithLabelValues(event, outcome))
}

// payload reads a copied payload and applies edits to its decoded form.
func payload(t testing.TB, name string, edit func(m map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return raw
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, _ := json.Marshal(m)
	return out
}

// push makes a pull_request payload of action at head, updated at at.
func push(t *testing.T, action, head string, at time.Time) []byte {
	return payload(t, "pull_request/synchronize.json", func(m map[string]any) {
		m["action"] = action
		pr := m["pull_request"].(map[string]any)
		pr["head"].(map[string]any)["sha"] = head
		pr["updated_at"] = at.UTC().Format(time.RFC3339)
	})
}

func TestForgedAndUnsignedDeliveriesEnqueueNothing(t *testing.T) {
	a := newTestApp(t, dbtest.SQLiteURL(t))
	body := payload(t, "pull_request/opened.json", nil)
	forged := Sign([]byte("not the secret"), body)
	for _, tt := range []struct{ name, sig string }{{"forged", forged}, {"missing", "-"}, {"sha1 only", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59"}} {
		w := a.send("pull_request", "forged-"+tt.name, body, tt.sig)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("%s signature: status %d, want 401 (%s)", tt.name, w.Code, w.Body)
		}
	}
	if j := a.jobs(); len(j) != 0 {
		t.Fatalf("forged deliveries enqueued %d jobs", len(j))
	}
	var n int
	a.db.QueryRow(context.Background(), "SELECT count(*) FROM reviewbot_deliveries").Scan(&n)
	if n != 0 {
		t.Errorf("forged deliveries were recorded: %d", n)
	}
	if got := a.deliveries("pull_request", "unauthorized"); got != 3 {
		t.Errorf("unauthorized deliveries counted %v, want 3", got)
	}
	// The real, correctly signed payload is accepted.
	if w := a.send("pull_request", "real", body, ""); w.Code != http.StatusAccepted {
		t.Fatalf("signed delivery: %d %s", w.Code, w.Body)
	}
}

func TestOversizedAndMalformedDeliveries(t *testing.T) {
	a := newTestApp(t, dbtest.SQLiteURL(t))
	big := bytes.Repeat([]byte(" "), MaxPayload+1)
	if w := a.send("pull_request", "big", big, ""); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("over 25 MB: %d, want 413", w.Code)
	}
	// Without Content-Length the reader's cap catches it.
	r := httptest.NewRequest("POST", "/webhook", struct{ *bytes.Reader }{bytes.NewReader(big)})
	r.ContentLength = -1
	r.Header.Set("X-GitHub-Event", "pull_request")
	r.Header.Set("X-GitHub-Delivery", "big-chunked")
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("over 25 MB, chunked: %d, want 413", w.Code)
	}
	if w := a.send("pull_request", "bad-json", []byte(`{"action": "opened",`), ""); w.Code != http.StatusBadRequest {
		t.Errorf("malformed JSON: %d, want 400", w.Code)
	}
	if w := a.send("pull_request", "bad-shape", []byte(`{"action": "opened", "pull_request": []}`), ""); w.Code != http.StatusBadRequest {
		t.Errorf("JSON of the wrong shape: %d, want 400", w.Code)
	}
	if w := a.send("", "no-event", []byte(`{}`), ""); w.Code != http.StatusBadRequest {
		t.Errorf("no event header: %d, want 400", w.Code)
	}
	if j := a.jobs(); len(j) != 0 {
		t.Errorf("refused deliveries enqueued %d jobs", len(j))
	}
}

func TestRedeliveryDoesNoSecondPieceOfWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		a := newTestApp(t, url)
		body := payload(t, "pull_request/opened.json", nil)
		if w := a.send("pull_request", "d-1", body, ""); w.Code != http.StatusAccepted {
			t.Fatalf("first delivery: %d %s", w.Code, w.Body)
		}
		if w := a.send("pull_request", "d-1", body, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "received before") {
			t.Fatalf("redelivery: %d %s", w.Code, w.Body)
		}
		// Another delivery for the same head (reopened, ready_for_review)
		// finds the unique job.
		ready := payload(t, "pull_request/ready_for_review.json", nil)
		if w := a.send("pull_request", "d-2", ready, ""); w.Code != http.StatusAccepted {
			t.Fatalf("same head, new delivery: %d %s", w.Code, w.Body)
		}
		jobs := a.jobs()
		if len(jobs) != 1 {
			t.Fatalf("%d jobs, want 1: %+v", len(jobs), jobs)
		}
		want := ReviewArgs{InstallationID: 1, Repo: "Codertocat/Hello-World", Number: 2, HeadSHA: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", Trigger: "opened", DeliveryID: "d-1"}
		if jobs[0].Args != want || jobs[0].State != "available" {
			t.Errorf("job = %+v, want %+v available", jobs[0], want)
		}
		if got := a.deliveries("pull_request", "duplicate"); got != 1 {
			t.Errorf("duplicates counted %v", got)
		}
	})
}

func TestNewerPushCancelsOlderHeadsAndCloseCancelsAll(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		a := newTestApp(t, url)
		t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		heads := []string{strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40)}
		for i, h := range heads {
			action := "synchronize"
			if i == 0 {
				action = "opened"
			}
			if w := a.send("pull_request", fmt.Sprintf("push-%d", i), push(t, action, h, t0.Add(time.Duration(i)*time.Minute)), ""); w.Code != http.StatusAccepted {
				t.Fatalf("push %d: %d %s", i, w.Code, w.Body)
			}
		}
		// The delivery of the second push arrives again, late: it must
		// not cancel the newest head's review.
		if w := a.send("pull_request", "push-1-late", push(t, "synchronize", heads[1], t0.Add(time.Minute)), ""); w.Code != http.StatusAccepted {
			t.Fatalf("late push: %d", w.Code)
		}
		states := map[string]string{}
		for _, j := range a.jobs() {
			states[j.Args.HeadSHA] = j.State
		}
		want := map[string]string{heads[0]: "cancelled", heads[1]: "cancelled", heads[2]: "available"}
		for h, s := range want {
			if states[h] != s {
				t.Errorf("job of %s: %q, want %q (all: %v)", h[:1], states[h], s, states)
			}
		}
		closed := payload(t, "pull_request/closed.json", nil)
		if w := a.send("pull_request", "close", closed, ""); w.Code != http.StatusAccepted {
			t.Fatalf("closed: %d %s", w.Code, w.Body)
		}
		for _, j := range a.jobs() {
			if j.State != "cancelled" {
				t.Errorf("after closed, job of %s is %s", j.Args.HeadSHA[:1], j.State)
			}
		}
	})
}

func TestUnknownAndIgnoredEventsAre2xxCountedAndDoNothing(t *testing.T) {
	a := newTestApp(t, dbtest.SQLiteURL(t))
	for _, tt := range []struct{ event, file, outcome string }{
		{"check_suite", "check_suite/requested.json", "unknown_event"},
		{"pull_request", "pull_request/labeled.json", "ignored"},
		{"ping", "ping/with-app_id.json", "pong"},
		{"issue_comment", "issue_comment/created.on-issue.json", "ignored"},
	} {
		w := a.send(tt.event, "d-"+tt.file, payload(t, tt.file, nil), "")
		if w.Code/100 != 2 {
			t.Errorf("%s: %d %s", tt.file, w.Code, w.Body)
		}
		if got := a.deliveries(tt.event, tt.outcome); got != 1 {
			t.Errorf("%s: counted %v under %s/%s", tt.file, got, tt.event, tt.outcome)
		}
	}
	w := a.send("made_up_event", "d-x", []byte(`{}`), "")
	if w.Code != http.StatusOK || a.deliveries("other", "unknown_event") != 1 {
		t.Errorf("made-up event: %d, counted %v", w.Code, a.deliveries("other", "unknown_event"))
	}
	if j := a.jobs(); len(j) != 0 {
		t.Errorf("%d jobs", len(j))
	}
	var n int
	a.db.QueryRow(context.Background(), "SELECT count(*) FROM reviewbot_deliveries").Scan(&n)
	if n != 0 {
		t.Errorf("%d deliveries recorded for events with nothing to do", n)
	}
}

// recordingCommands is a Commands that keeps what it was handed.
type recordingCommands struct{ got []Comment }

var _ Commands = (*recordingCommands)(nil)

func (r *recordingCommands) Comment(ctx context.Context, tx Tx, c Comment) (string, error) {
	r.got = append(r.got, c)
	return "recorded", nil
}

func TestCommentsGoToTheCommandLayer(t *testing.T) {
	a := newTestApp(t, dbtest.SQLiteURL(t))
	rec := &recordingCommands{}
	a.app.handler.Events["issue_comment"] = Comments{Commands: rec}
	a.app.handler.Events["pull_request_review_comment"] = Comments{Commands: rec}
	withInstallation := func(m map[string]any) { m["installation"] = map[string]any{"id": 5} }
	if w := a.send("issue_comment", "c-1", payload(t, "issue_comment/created.on-pr.slash-command.json", withInstallation), ""); w.Code != http.StatusAccepted {
		t.Fatalf("issue_comment: %d %s", w.Code, w.Body)
	}
	if w := a.send("pull_request_review_comment", "c-2", payload(t, "pull_request_review_comment/created.json", nil), ""); w.Code != http.StatusAccepted {
		t.Fatalf("review comment: %d %s", w.Code, w.Body)
	}
	bot := payload(t, "pull_request_review_comment/created.json", func(m map[string]any) {
		m["comment"].(map[string]any)["user"].(map[string]any)["type"] = "Bot"
	})
	if w := a.send("pull_request_review_comment", "c-3", bot, ""); w.Code != http.StatusOK {
		t.Fatalf("bot comment: %d", w.Code)
	}
	if len(rec.got) != 2 || rec.got[0].ReviewComment || !rec.got[1].ReviewComment || rec.got[0].Number == 0 || rec.got[1].Path == "" {
		t.Errorf("comments handed over: %+v", rec.got)
	}
}

func TestInstallationAndMarketplaceEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		a := newTestApp(t, url)
		ctx := context.Background()
		if w := a.send("installation", "i-1", payload(t, "installation/created.json", nil), ""); w.Code != http.StatusAccepted {
			t.Fatalf("installation created: %d %s", w.Code, w.Body)
		}
		in, err := store.GetInstallation(ctx, a.db, 957387)
		if err != nil || in.AccountLogin != "Codertocat" || in.AccountID == 0 {
			t.Fatalf("installation = %+v, %v", in, err)
		}
		now := time.Now().UTC()
		market := func(action string, cents int, effective time.Time) []byte {
			b, _ := json.Marshal(map[string]any{
				"action": action, "effective_date": effective.Format(time.RFC3339),
				"sender": map[string]any{"login": in.AccountLogin},
				"marketplace_purchase": map[string]any{
					"account":       map[string]any{"type": "User", "id": in.AccountID, "login": in.AccountLogin},
					"billing_cycle": "monthly", "unit_count": 1, "on_free_trial": false,
					"plan": map[string]any{"id": 7, "name": "Team", "monthly_price_in_cents": cents, "yearly_price_in_cents": cents * 10, "price_model": "FLAT_RATE"},
				},
			})
			return b
		}
		plan := func(at time.Time) store.Plan {
			p, err := store.PlanAt(ctx, a.db, in.ID, at, store.Free)
			if err != nil {
				t.Fatal(err)
			}
			return p.Plan
		}
		if w := a.send("marketplace_purchase", "m-1", market("purchased", 900, now.Add(-time.Minute)), ""); w.Code != http.StatusAccepted {
			t.Fatalf("purchased: %d %s", w.Code, w.Body)
		}
		if plan(now) != store.Team {
			t.Errorf("after the purchase: %s", plan(now))
		}
		// A downgrade to a free plan at the end of the billing cycle.
		cycle := now.Add(72 * time.Hour).Truncate(time.Second)
		if w := a.send("marketplace_purchase", "m-2", market("pending_change", 0, cycle), ""); w.Code != http.StatusAccepted {
			t.Fatalf("pending_change: %d", w.Code)
		}
		if plan(now) != store.Team || plan(cycle.Add(-time.Second)) != store.Team || plan(cycle) != store.Free {
			t.Errorf("pending downgrade: now %s, just before %s, at the date %s", plan(now), plan(cycle.Add(-time.Second)), plan(cycle))
		}
		if w := a.send("marketplace_purchase", "m-3", market("pending_change_cancelled", 900, cycle), ""); w.Code != http.StatusAccepted {
			t.Fatalf("pending_change_cancelled: %d", w.Code)
		}
		if plan(cycle.Add(time.Hour)) != store.Team {
			t.Errorf("cancelled downgrade still applied")
		}
		if w := a.send("marketplace_purchase", "m-4", market("cancelled", 900, cycle), ""); w.Code != http.StatusAccepted {
			t.Fatalf("cancelled: %d", w.Code)
		}
		if plan(now) != store.Team || plan(cycle) != store.Free {
			t.Errorf("cancellation: before %s, at its date %s", plan(now), plan(cycle))
		}
		if w := a.send("installation", "i-2", payload(t, "installation/deleted.json", nil), ""); w.Code != http.StatusAccepted {
			t.Fatalf("installation deleted: %d", w.Code)
		}
		if in, _ := store.GetInstallation(ctx, a.db, 2); !in.Removed {
			t.Errorf("deleted installation not marked removed: %+v", in)
		}
	})
}

func TestHealthzAndMetrics(t *testing.T) {
	a := newTestApp(t, dbtest.SQLiteURL(t))
	a.send("pull_request", "d-1", payload(t, "pull_request/opened.json", nil), "")
	for path, want := range map[string]string{
		"/healthz": "ok",
		"/metrics": `reviewbot_queue_jobs{state="available"} 1`,
	} {
		w := httptest.NewRecorder()
		a.srv.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("GET %s: %d, want %q in\n%.2000s", path, w.Code, want, w.Body)
		}
	}
	a.db.Close()
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("healthz with the database closed: %d", w.Code)
	}
}

func TestNewRefusesToStartWithoutSecret(t *testing.T) {
	db, err := store.Open(context.Background(), dbtest.SQLiteURL(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := New(Config{DB: db, AppID: 1, PrivateKey: []byte("k")}); err == nil || !strings.Contains(err.Error(), "REVIEWBOT_WEBHOOK_SECRET") {
		t.Fatalf("err = %v", err)
	}
}
