package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/internal/dbtest"
	"github.com/reviewbot/reviewbot/internal/ghtest"
	"github.com/reviewbot/reviewbot/internal/gittest"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/store"
	"github.com/reviewbot/reviewbot/webhook"
)

// The end-to-end serve tests run the real binary, built once by the
// test, against a real database (a SQLite file, or PostgreSQL), the fake
// GitHub (which verifies the App's JWT and enforces the one-second gap
// between writes) and the fake Bedrock through the real AWS SDK.

const e2eSecret = "e2e webhook secret"
const e2eAppID = 4242

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// reviewbotBinary builds cmd/reviewbot into a temporary directory once
// per test run.
func reviewbotBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the reviewbot binary; skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "reviewbot-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "reviewbot")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// appKey is the App's private key, PEM, and the fake GitHub that trusts
// its public half.
func appKey(t *testing.T, g *ghtest.Server) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	g.App(e2eAppID, &k.PublicKey)
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

// serveProc is one running `reviewbot serve`.
type serveProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	logs bytes.Buffer
	done chan struct{}
}

var listenRE = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// startServe starts the binary with env over the process environment
// (which holds the fake Bedrock's AWS settings) and waits until it
// listens.
func startServe(t *testing.T, env map[string]string) *serveProc {
	t.Helper()
	bin := reviewbotBinary(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &serveProc{t: t, cmd: cmd, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listenRE.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
		<-p.done
		if t.Failed() {
			t.Logf("serve logs:\n%s", p.Logs())
		}
	})
	select {
	case p.addr = <-addr:
	case <-p.done:
		t.Fatalf("serve exited before listening:\n%s", p.Logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not listen within a minute:\n%s", p.Logs())
	}
	return p
}

// Logs returns what the process logged so far.
func (p *serveProc) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// peakRSS is the process's VmHWM (Linux), for the benchmark notes.
func (p *serveProc) peakRSS() string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "unknown"
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (p *serveProc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop sends SIGTERM and waits for the graceful shutdown.
func (p *serveProc) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		p.t.Errorf("serve did not stop within a minute of SIGTERM")
		p.cmd.Process.Kill()
		<-p.done
	}
}

// deliver posts a signed delivery and returns the status.
func (p *serveProc) deliver(event, id string, body []byte) int {
	p.t.Helper()
	return deliverTo(p.t, p.addr, event, id, body, webhook.Sign([]byte(e2eSecret), body))
}

func deliverTo(t *testing.T, addr, event, id string, body []byte, sig string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", "http://"+addr+"/webhook", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", sig)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("deliver %s: %v", id, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// metric reads one sample of /metrics ("" when absent).
func (p *serveProc) metric(sample string) string {
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, sample+" ") {
			return strings.TrimPrefix(l, sample+" ")
		}
	}
	return ""
}

// prEvent is a pull_request delivery's payload.
func prEvent(action string, installation int64, repo string, number int, head string, at time.Time, draft bool) []byte {
	b, _ := json.Marshal(map[string]any{
		"action": action, "number": number,
		"installation": map[string]any{"id": installation},
		"repository":   map[string]any{"full_name": repo},
		"pull_request": map[string]any{"number": number, "state": "open", "draft": draft, "updated_at": at.UTC().Format(time.RFC3339),
			"head": map[string]any{"sha": head}, "base": map[string]any{"ref": "main"}},
	})
	return b
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// e2ePR is a pull request of a real git repository on the fake GitHub,
// with the tarballs of its commits.
type e2ePR struct {
	up          *gittest.Repo
	owner, name string
	number      int
	base, head  string
}

func newE2EPR(t *testing.T, g *ghtest.Server, owner, name string, number int, draft bool) *e2ePR {
	t.Helper()
	baseFiles, headFiles := calcFiles()
	up := gittest.New(t)
	up.Write(baseFiles)
	base := up.Commit("base")
	up.Git("checkout", "-q", "-b", "feature")
	up.Write(headFiles)
	head := up.Commit("change")
	up.Git("checkout", "-q", "main")
	p := &e2ePR{up: up, owner: owner, name: name, number: number, base: base, head: head}
	g.AddPR(ghtest.PR{Owner: owner, Repo: name, Number: number, Title: "Change calc", Body: "Please review.", Draft: draft,
		BaseRef: "main", HeadRef: "feature", BaseSHA: base, HeadSHA: head, Diff: p.diff(base, head)})
	// The premium tier, whatever the router would pick for so small a
	// change: the base branch's configuration decides.
	g.SetFile(owner, name, base, review.ConfigPath, "tier: team\n")
	for _, sha := range []string{base, head} {
		g.SetTarball(owner, name, sha, p.tarball(t, sha))
	}
	return p
}

func (p *e2ePR) diff(base, head string) string {
	return p.up.Git("diff", "--no-color", "-M", "--src-prefix=a/", "--dst-prefix=b/", base+"..."+head) + "\n"
}

// tarball is GitHub's archive of sha: one top-level directory.
func (p *e2ePR) tarball(t *testing.T, sha string) []byte {
	cmd := exec.Command("git", "archive", "--format=tar.gz", "--prefix="+p.owner+"-"+p.name+"-"+sha[:7]+"/", sha)
	cmd.Dir = p.up.Dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// teamAnswers is a fake Bedrock that finds one bug on calc.go line 5;
// block, when set, holds review calls until it is closed.
func teamAnswers(t *testing.T, onReview func()) *converseFake {
	return startBedrock(t, func(tool string) (int, string, string) {
		if tool == "submit_summary" {
			return 200, "", toolUse(tool, summaryInput)
		}
		if onReview != nil {
			onReview()
		}
		return 200, "", toolUse("submit_review", map[string]any{"findings": []any{finding("calc/calc.go", 0, 5, "critical", "Add subtracts")}})
	})
}

func serveEnvFor(t *testing.T, g *ghtest.Server, key, dbURL string, extra map[string]string) map[string]string {
	env := map[string]string{
		"REVIEWBOT_WEBHOOK_SECRET": e2eSecret, "REVIEWBOT_APP_ID": fmt.Sprint(e2eAppID), "REVIEWBOT_PRIVATE_KEY": key,
		"REVIEWBOT_LISTEN": "127.0.0.1:0", "REVIEWBOT_DATABASE_URL": dbURL, "REVIEWBOT_GITHUB_API_URL": g.URL,
		"REVIEWBOT_CACHE_DIR": filepath.Join(t.TempDir(), "cache"), "REVIEWBOT_SHUTDOWN_TIMEOUT": "20s",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// completedChecks are the check runs on head that concluded, leaving out
// those closed as cancelled (a superseded or interrupted attempt).
func completedChecks(g *ghtest.Server, owner, name, head string) []ghtest.CheckRun {
	var out []ghtest.CheckRun
	for _, c := range g.CheckRuns(owner, name) {
		if c.HeadSHA == head && c.Status == "completed" && c.Conclusion != "cancelled" {
			out = append(out, c)
		}
	}
	return out
}

func TestServeReviewsOnOpenAndPushWithSQLite(t *testing.T) {
	g := ghtest.New(t)
	key := appKey(t, g)
	fake := teamAnswers(t, nil)
	pr := newE2EPR(t, g, "octo", "calc", 7, false)
	p := startServe(t, serveEnvFor(t, g, key, dbtest.SQLiteURL(t), map[string]string{"REVIEWBOT_DEFAULT_PLAN": "team"}))

	body := prEvent("opened", 11, "octo/calc", 7, pr.head, time.Now(), false)
	if s := p.deliver("pull_request", "open-1", body); s != http.StatusAccepted {
		t.Fatalf("opened: %d", s)
	}
	// A forged copy is refused; a redelivery is answered and ignored.
	if s := deliverTo(t, p.addr, "pull_request", "forged", body, webhook.Sign([]byte("guess"), body)); s != http.StatusUnauthorized {
		t.Errorf("forged delivery: %d, want 401", s)
	}
	if s := p.deliver("pull_request", "open-1", body); s != http.StatusOK {
		t.Errorf("redelivery: %d, want 200", s)
	}
	waitFor(t, 90*time.Second, "the check run of the head to complete", func() bool { return len(completedChecks(g, "octo", "calc", pr.head)) > 0 })
	sums := summaries(g.IssueComments("octo", "calc", 7))
	reviews := lineReviews(g.Reviews("octo", "calc", 7))
	if len(sums) != 1 || len(reviews) != 1 {
		t.Fatalf("%d summaries and %d reviews, want 1 and 1", len(sums), len(reviews))
	}
	if reviews[0].CommitID != pr.head || reviews[0].Event != "COMMENT" || !strings.Contains(reviews[0].Comments[0].Body, "Add subtracts") {
		t.Errorf("review = %+v", reviews[0])
	}
	if c := completedChecks(g, "octo", "calc", pr.head); len(c) != 1 || c[0].Conclusion != "success" || !strings.Contains(c[0].Title, "1 finding") {
		t.Errorf("check runs = %+v, want one success with the finding", c)
	}
	if g.JWTRefusals() != 0 {
		t.Errorf("the fake GitHub refused %d App JWTs", g.JWTRefusals())
	}
	minted := false
	for _, r := range g.Requests() {
		if r.Write && r.Token != "" && g.InstallationOf(r.Token) == 11 {
			minted = true
		}
		if r.Status == http.StatusForbidden {
			t.Errorf("GitHub answered 403 to %s %s: the writes were not paced", r.Method, r.Path)
		}
	}
	if !minted {
		t.Error("no write went out with an installation token of installation 11")
	}
	if !strings.Contains(p.Logs(), `"delivery":"open-1"`) || !strings.Contains(p.Logs(), `"head":"`+pr.head+`"`) {
		t.Errorf("logs lack the delivery id or the head")
	}
	calls := len(fake.calls)

	// A push reviews what changed since the reviewed head.
	pr.up.Git("checkout", "-q", "feature")
	pr.up.Write(map[string]string{"main.go": "package main\n\nimport \"example.com/m/calc\"\n\nfunc main() {\n\tprintln(calc.Add(2, 2))\n}\n"})
	next := pr.up.Commit("push")
	pr.up.Git("checkout", "-q", "main")
	g.Push("octo", "calc", 7, next, pr.diff(pr.base, next), false)
	g.SetTarball("octo", "calc", next, pr.tarball(t, next))
	if s := p.deliver("pull_request", "push-1", prEvent("synchronize", 11, "octo/calc", 7, next, time.Now(), false)); s != http.StatusAccepted {
		t.Fatalf("synchronize: %d", s)
	}
	waitFor(t, 90*time.Second, "the new head's check run", func() bool { return len(completedChecks(g, "octo", "calc", next)) > 0 })
	sums = summaries(g.IssueComments("octo", "calc", 7))
	if len(sums) != 1 {
		t.Fatalf("%d summaries after the push, want the one, edited", len(sums))
	}
	if st, _ := review.ParseState(sums[0].Body); st.LastReviewed != next {
		t.Errorf("summary state %+v, want the new head", st)
	}
	if len(fake.calls) <= calls {
		t.Errorf("the push was not reviewed: %d model calls before, %d after", calls, len(fake.calls))
	}
	if got := p.metric(`reviewbot_webhook_deliveries_total{event="pull_request",outcome="duplicate"}`); got != "1" {
		t.Errorf("duplicate deliveries metric = %q", got)
	}
	p.stop()
	if !strings.Contains(p.Logs(), `"msg":"stopped"`) {
		t.Errorf("no graceful stop in the logs")
	}
}

// TestServeKill9MidReviewResumesExactlyOnce kills serve with SIGKILL
// while the premium model call is in flight; a restarted serve on the same
// SQLite file picks the job up again, and the pull request ends with one
// summary and one review.
func TestServeKill9MidReviewResumesExactlyOnce(t *testing.T) {
	g := ghtest.New(t)
	key := appKey(t, g)
	entered := make(chan struct{}, 8)
	release := make(chan struct{})
	var once sync.Once
	first := true
	var mu sync.Mutex
	teamAnswers(t, func() {
		mu.Lock()
		hold := first
		first = false
		mu.Unlock()
		if hold {
			entered <- struct{}{}
			<-release // the process that asked is killed meanwhile
		}
	})
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	pr := newE2EPR(t, g, "octo", "calc", 9, false)
	dbURL := dbtest.SQLiteURL(t)
	env := serveEnvFor(t, g, key, dbURL, map[string]string{"REVIEWBOT_DEFAULT_PLAN": "team"})
	p := startServe(t, env)
	if s := p.deliver("pull_request", "k-1", prEvent("opened", 12, "octo/calc", 9, pr.head, time.Now(), false)); s != http.StatusAccepted {
		t.Fatalf("opened: %d", s)
	}
	select {
	case <-entered:
	case <-time.After(90 * time.Second):
		t.Fatalf("the review never reached the model:\n%s", p.Logs())
	}
	p.kill()
	once.Do(func() { close(release) })
	if n := len(summaries(g.IssueComments("octo", "calc", 9))) + len(lineReviews(g.Reviews("octo", "calc", 9))); n != 0 {
		t.Fatalf("something was posted before the kill: %d", n)
	}

	p2 := startServe(t, env)
	waitFor(t, 90*time.Second, "the resumed review's check run", func() bool { return len(completedChecks(g, "octo", "calc", pr.head)) > 0 })
	if !strings.Contains(p2.Logs(), "jobs interrupted by the last shutdown run again") {
		t.Errorf("the restart did not rescue the interrupted job")
	}
	// A redelivery of the event after the restart adds nothing.
	if s := p2.deliver("pull_request", "k-1", prEvent("opened", 12, "octo/calc", 9, pr.head, time.Now(), false)); s != http.StatusOK {
		t.Errorf("redelivery after restart: %d", s)
	}
	p2.stop()
	sums := summaries(g.IssueComments("octo", "calc", 9))
	reviews := lineReviews(g.Reviews("octo", "calc", 9))
	if len(sums) != 1 || len(reviews) != 1 {
		t.Fatalf("after kill -9 and restart: %d summaries and %d reviews, want exactly 1 and 1", len(sums), len(reviews))
	}
	if reviews[0].CommitID != pr.head {
		t.Errorf("review pinned to %s, want %s", reviews[0].CommitID, pr.head)
	}
	// The killed attempt's check run does not stay "in progress": it is
	// closed as cancelled, and the resumed attempt's tells the outcome.
	checks := g.CheckRuns("octo", "calc")
	if len(checks) != 2 || checks[0].Status != "completed" || checks[0].Conclusion != "cancelled" || checks[1].Status != "completed" || checks[1].Conclusion == "cancelled" {
		for _, c := range checks {
			t.Logf("check run %d: %s %s %q", c.ID, c.Status, c.Conclusion, c.Title)
		}
		t.Errorf("check runs after the restart: want the interrupted one cancelled and the resumed one concluded")
	}
}

// TestServeDraftSkippedAndQuotaExceeded: a draft is not reviewed when the
// base branch's auto_review leaves drafts out; on the free plan with the
// month's quota used up, the summary says so and no model is called.
func TestServeDraftSkippedAndQuotaExceeded(t *testing.T) {
	g := ghtest.New(t)
	key := appKey(t, g)
	fake := teamAnswers(t, nil)
	draft := newE2EPR(t, g, "octo", "draft", 1, true)
	over := newE2EPR(t, g, "octo", "over", 2, false)
	dbURL := dbtest.SQLiteURL(t)
	// Installation 21 has had its one free review this month.
	db, err := store.Open(context.Background(), dbURL, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := store.AddUsage(context.Background(), db, store.Usage{InstallationID: 21, Month: store.Month(time.Now()), Reviews: 1}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	p := startServe(t, serveEnvFor(t, g, key, dbURL, map[string]string{"REVIEWBOT_FREE_QUOTA": "1"}))
	if s := p.deliver("pull_request", "d-1", prEvent("opened", 20, "octo/draft", 1, draft.head, time.Now(), true)); s != http.StatusAccepted {
		t.Fatalf("draft opened: %d", s)
	}
	if s := p.deliver("pull_request", "q-1", prEvent("opened", 21, "octo/over", 2, over.head, time.Now(), false)); s != http.StatusAccepted {
		t.Fatalf("opened: %d", s)
	}
	waitFor(t, 90*time.Second, "both jobs to finish", func() bool {
		return p.metric(`reviewbot_reviews_total{outcome="skipped"}`) == "1" && p.metric(`reviewbot_reviews_total{outcome="over_quota"}`) == "1"
	})
	if n := len(g.IssueComments("octo", "draft", 1)) + len(g.CheckRuns("octo", "draft")); n != 0 {
		t.Errorf("the skipped draft got %d comments and check runs", n)
	}
	sums := summaries(g.IssueComments("octo", "over", 2))
	if len(sums) != 1 || !strings.Contains(sums[0].Body, "quota of 1 reviews") || !strings.Contains(sums[0].Body, "not sent to a model") {
		t.Fatalf("over-quota summary = %+v", sums)
	}
	if c := completedChecks(g, "octo", "over", over.head); len(c) != 1 || c[0].Conclusion == "success" {
		t.Errorf("over-quota check run = %+v", c)
	}
	if len(fake.calls) != 0 {
		t.Errorf("the model was called %d times", len(fake.calls))
	}
}

// TestServeReplicasOnPostgres runs two serve processes on one PostgreSQL
// database: 50 pull requests (25 installations) get three pushes each,
// their deliveries spread over both replicas. Every newest head is
// reviewed exactly once, and each
// installation's writes stay at least a second apart across the two
// processes (each of which mints its own installation tokens).
// "Exactly once" is checked on what GitHub ends up holding: one summary
// on the newest head, one check run for it, each finding posted once.
func TestServeReplicasOnPostgres(t *testing.T) {
	dbURL := dbtest.PostgresURL(t)
	g := ghtest.New(t)
	key := appKey(t, g)
	fake := teamAnswers(t, nil)
	baseFiles, headFiles := calcFiles()
	up := gittest.New(t)
	up.Write(baseFiles)
	base := up.Commit("base")
	up.Git("checkout", "-q", "-b", "feature")
	up.Write(headFiles)
	head := up.Commit("change")
	diff := up.Git("diff", "--no-color", "-M", "--src-prefix=a/", "--dst-prefix=b/", base+"..."+head) + "\n"

	type pull struct {
		inst   int64
		repo   string
		number int
		heads  [3]string
	}
	var pulls []*pull
	for i := range 50 {
		p := &pull{inst: int64(100 + i/2), repo: fmt.Sprintf("calc%02d", i/2), number: 1 + i%2}
		for k := range p.heads {
			p.heads[k] = fmt.Sprintf("%040x", (i+1)*1000+k)
		}
		g.AddPR(ghtest.PR{Owner: "octo", Repo: p.repo, Number: p.number, Title: "Change calc", BaseSHA: base, HeadSHA: p.heads[0], Diff: diff})
		g.SetFile("octo", p.repo, base, review.ConfigPath, "tier: team\n")
		pulls = append(pulls, p)
	}
	env := serveEnvFor(t, g, key, dbURL, map[string]string{"REVIEWBOT_DEFAULT_PLAN": "team", "REVIEWBOT_WORKERS": "8"})
	procs := []*serveProc{startServe(t, env), startServe(t, env)}
	t0 := time.Now()
	for k := range 3 {
		for i, p := range pulls {
			action := "synchronize"
			if k == 0 {
				action = "opened"
			} else {
				g.Push("octo", p.repo, p.number, p.heads[k], diff, false)
			}
			body := prEvent(action, p.inst, "octo/"+p.repo, p.number, p.heads[k], t0.Add(time.Duration(k)*time.Second), false)
			if s := procs[(i+k)%2].deliver("pull_request", fmt.Sprintf("r-%d-%d", i, k), body); s != http.StatusAccepted {
				t.Fatalf("delivery %d/%d: %d", i, k, s)
			}
		}
	}
	reviewed := func(p *pull) bool {
		sums := summaries(g.IssueComments("octo", p.repo, p.number))
		if len(sums) == 0 {
			return false
		}
		st, _ := review.ParseState(sums[0].Body)
		return st.LastReviewed == p.heads[2] && len(completedChecks(g, "octo", p.repo, p.heads[2])) > 0
	}
	waitFor(t, 4*time.Minute, "every newest head to be reviewed", func() bool {
		for _, p := range pulls {
			if !reviewed(p) {
				return false
			}
		}
		return true
	})
	t.Logf("50 pull requests x 3 pushes reviewed by two replicas in %v, %d model calls", time.Since(t0).Round(time.Millisecond), len(fake.calls))
	older := 0
	for _, p := range pulls {
		// One summary, describing the newest head; one check run on the
		// newest head (its one review job), which concluded.
		sums := summaries(g.IssueComments("octo", p.repo, p.number))
		if len(sums) != 1 {
			t.Errorf("%s#%d: %d summaries, want 1", p.repo, p.number, len(sums))
		}
		var onNewest []ghtest.CheckRun
		for _, c := range g.CheckRuns("octo", p.repo) {
			if c.HeadSHA == p.heads[2] {
				onNewest = append(onNewest, c)
			}
		}
		if len(onNewest) != 1 || onNewest[0].Status != "completed" || onNewest[0].Conclusion == "cancelled" {
			t.Errorf("%s#%d: check runs on the newest head %+v, want one that concluded", p.repo, p.number, onNewest)
		}
		// The finding is posted exactly once. A review of an older head
		// can land when a push comes between the publisher's last read of
		// the head and its post (GitHub offers no compare-and-swap, and
		// the older head is still a commit of the pull request); the
		// newest head's run then finds the finding posted and repeats
		// nothing.
		posted := 0
		for _, r := range lineReviews(g.Reviews("octo", p.repo, p.number)) {
			if r.CommitID != p.heads[2] {
				older++
			}
			for _, c := range r.Comments {
				if strings.Contains(c.Body, "Add subtracts") {
					posted++
				}
			}
		}
		if posted != 1 {
			t.Errorf("%s#%d: the finding was posted %d times, want once", p.repo, p.number, posted)
		}
	}
	t.Logf("%d of 50 line reviews landed on an older head (a push raced the posting)", older)
	last := map[int64]time.Time{}
	lastReq := map[int64]string{}
	for _, r := range g.Requests() {
		if r.Status == http.StatusForbidden {
			t.Errorf("GitHub answered 403 to %s %s", r.Method, r.Path)
		}
		inst := g.InstallationOf(r.Token)
		if !r.Write || inst == 0 {
			continue
		}
		if prev, ok := last[inst]; ok && r.At.Sub(prev) < 990*time.Millisecond {
			t.Errorf("installation %d: writes %v apart (%s, then %s %s), want at least 1s across both replicas", inst, r.At.Sub(prev), lastReq[inst], r.Method, r.Path)
		}
		last[inst], lastReq[inst] = r.At, r.Method+" "+r.Path
	}
	for i, p := range procs {
		if !strings.Contains(p.Logs(), `"msg":"review done"`) {
			t.Errorf("replica %d reviewed nothing", i)
		}
		t.Logf("replica %d: peak RSS %s", i, p.peakRSS())
	}
	for _, p := range procs {
		p.stop()
	}
}

// TestServeSIGTERMLetsRunningReviewFinish: a graceful shutdown stops
// taking deliveries but lets the review in flight finish and post.
func TestServeSIGTERMLetsRunningReviewFinish(t *testing.T) {
	g := ghtest.New(t)
	key := appKey(t, g)
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	var once sync.Once
	teamAnswers(t, func() {
		once.Do(func() {
			entered <- struct{}{}
			<-release
		})
	})
	pr := newE2EPR(t, g, "octo", "calc", 3, false)
	p := startServe(t, serveEnvFor(t, g, key, dbtest.SQLiteURL(t), map[string]string{"REVIEWBOT_DEFAULT_PLAN": "team"}))
	if s := p.deliver("pull_request", "t-1", prEvent("opened", 13, "octo/calc", 3, pr.head, time.Now(), false)); s != http.StatusAccepted {
		t.Fatalf("opened: %d", s)
	}
	select {
	case <-entered:
	case <-time.After(90 * time.Second):
		t.Fatalf("the review never reached the model")
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	waitFor(t, 30*time.Second, "the shutdown to begin", func() bool { return strings.Contains(p.Logs(), "shutting down") })
	close(release)
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not exit after the review finished")
	}
	if n := len(completedChecks(g, "octo", "calc", pr.head)); n != 1 || len(summaries(g.IssueComments("octo", "calc", 3))) != 1 || len(lineReviews(g.Reviews("octo", "calc", 3))) != 1 {
		t.Errorf("after SIGTERM mid-review: %d concluded check runs, want the review finished and posted", n)
	}
}

// TestServeWaitsOutSecondaryRateLimits: GitHub refuses the first writes
// with secondary rate limits and Retry-After; the review waits them out
// and posts once, without a duplicate.
func TestServeWaitsOutSecondaryRateLimits(t *testing.T) {
	g := ghtest.New(t)
	key := appKey(t, g)
	teamAnswers(t, nil)
	pr := newE2EPR(t, g, "octo", "calc", 4, false)
	g.SecondaryLimit(2, time.Second)
	p := startServe(t, serveEnvFor(t, g, key, dbtest.SQLiteURL(t), map[string]string{"REVIEWBOT_DEFAULT_PLAN": "team"}))
	if s := p.deliver("pull_request", "s-1", prEvent("opened", 14, "octo/calc", 4, pr.head, time.Now(), false)); s != http.StatusAccepted {
		t.Fatalf("opened: %d", s)
	}
	waitFor(t, 90*time.Second, "the review's check run", func() bool { return len(completedChecks(g, "octo", "calc", pr.head)) > 0 })
	limited := 0
	for _, r := range g.Requests() {
		if r.Status == http.StatusForbidden {
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("%d secondary-limit refusals, want the 2 injected", limited)
	}
	if s, r := len(summaries(g.IssueComments("octo", "calc", 4))), len(lineReviews(g.Reviews("octo", "calc", 4))); s != 1 || r != 1 {
		t.Errorf("%d summaries and %d reviews, want 1 and 1", s, r)
	}
	if !strings.Contains(p.Logs(), "GitHub rate limit; waiting before sending again") {
		t.Errorf("no wait for the rate limit in the logs")
	}
}
