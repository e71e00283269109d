package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/reviewbot/reviewbot/internal/ghtest"
	"github.com/reviewbot/reviewbot/internal/gittest"
	"github.com/reviewbot/reviewbot/review"
)

// actionPR is one pull request three times over: a real git repository
// (main and a feature branch), the Action's depth-1 clone of it (what
// actions/checkout leaves in GITHUB_WORKSPACE) and a fake GitHub that
// holds the pull request and enforces GitHub's rules.
type actionPR struct {
	t          testing.TB
	up         *gittest.Repo
	ws         string
	gh         *ghtest.Server
	base, head string
	tmp        string
}

const (
	prOwner  = "octo"
	prRepo   = "calc"
	prNumber = 7
)

func newActionPR(t testing.TB, baseFiles, headFiles map[string]string) *actionPR {
	t.Helper()
	up := gittest.New(t)
	up.Write(baseFiles)
	base := up.Commit("base")
	// GitHub serves any commit by SHA; a local upstream must be told to.
	up.Git("config", "uploadpack.allowAnySHA1InWant", "true")
	up.Git("checkout", "-q", "-b", "feature")
	up.Write(headFiles)
	head := up.Commit("change")
	up.Git("checkout", "-q", "main")
	ws := filepath.Join(t.TempDir(), "workspace")
	up.Git("clone", "-q", "--depth", "1", "file://"+up.Dir, ws)
	p := &actionPR{t: t, up: up, ws: ws, gh: ghtest.New(t), base: base, head: head, tmp: t.TempDir()}
	p.gh.AddPR(ghtest.PR{Owner: prOwner, Repo: prRepo, Number: prNumber, Title: "Change calc", Body: "Please review.",
		BaseRef: "main", HeadRef: "feature", BaseSHA: base, HeadSHA: head, Diff: p.diff(base, head)})
	return p
}

// diff is GitHub's pull request diff: base...head.
// fork makes the pull request come from a fork, as GitHub reports it.
func (p *actionPR) fork() {
	p.gh.AddPR(ghtest.PR{Owner: prOwner, Repo: prRepo, Number: prNumber, Title: "Change calc", Body: "Please review.",
		BaseRef: "main", HeadRef: "feature", BaseSHA: p.base, HeadSHA: p.head, Diff: p.diff(p.base, p.head), HeadRepo: "forker/calc"})
}

func (p *actionPR) diff(base, head string) string {
	return p.up.Git("diff", "--no-color", "-M", "--src-prefix=a/", "--dst-prefix=b/", base+"..."+head) + "\n"
}

// push commits files on the feature branch (after resetting it to the
// base when forced) and tells the fake GitHub.
func (p *actionPR) push(files map[string]string, forced bool) string {
	p.t.Helper()
	p.up.Git("checkout", "-q", "feature")
	if forced {
		p.up.Git("reset", "-q", "--hard", p.base)
	}
	p.up.Write(files)
	head := p.up.Commit("push")
	p.up.Git("checkout", "-q", "main")
	p.gh.Push(prOwner, prRepo, prNumber, head, p.diff(p.base, head), forced)
	p.head = head
	return head
}

// actionRun is what one `reviewbot action` run printed and wrote.
type actionRun struct {
	code           int
	stdout, stderr string
	outputs        map[string]string
	summary        string
}

// run executes the action for a pull_request event of kind action at
// head, with the given extra environment.
func (p *actionPR) run(eventAction, head string, env map[string]string) actionRun {
	p.t.Helper()
	raw, err := os.ReadFile("testdata/events/opened.json")
	if err != nil {
		p.t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		p.t.Fatal(err)
	}
	headRepo := prOwner + "/" + prRepo
	if r := env["head_repo"]; r != "" {
		headRepo = r
	}
	ev["action"], ev["number"] = eventAction, prNumber
	pr := ev["pull_request"].(map[string]any)
	pr["number"] = prNumber
	pr["head"].(map[string]any)["sha"] = head
	pr["head"].(map[string]any)["repo"].(map[string]any)["full_name"] = headRepo
	pr["base"].(map[string]any)["sha"] = p.base
	pr["base"].(map[string]any)["repo"].(map[string]any)["full_name"] = prOwner + "/" + prRepo
	ev["repository"].(map[string]any)["full_name"] = prOwner + "/" + prRepo
	eventPath := filepath.Join(p.tmp, "event.json")
	data, _ := json.Marshal(ev)
	if err := os.WriteFile(eventPath, data, 0o644); err != nil {
		p.t.Fatal(err)
	}
	summary, outputs := filepath.Join(p.tmp, "step-summary.md"), filepath.Join(p.tmp, "output")
	os.Remove(summary)
	os.Remove(outputs)
	full := map[string]string{
		"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": eventPath, "GITHUB_REPOSITORY": prOwner + "/" + prRepo,
		"GITHUB_API_URL": p.gh.URL, "GITHUB_WORKSPACE": p.ws, "GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": outputs,
		// The test-merge commit: a review pinned to it gets 422.
		"GITHUB_SHA":         p.gh.MergeSHA(prOwner, prRepo, prNumber),
		"INPUT_GITHUB-TOKEN": "ghs_write", "INPUT_TIER": "team",
	}
	for k, v := range env {
		full[k] = v
	}
	code, stdout, stderr := runCLI(p.t, full, "action")
	r := actionRun{code: code, stdout: stdout, stderr: stderr, outputs: map[string]string{}}
	if b, err := os.ReadFile(summary); err == nil {
		r.summary = string(b)
	}
	if b, err := os.ReadFile(outputs); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				r.outputs[k] = v
			}
		}
	}
	return r
}

// reviewAnswers lets a test change what the fake premium model finds
// between runs; the fake serves requests on other goroutines.
type reviewAnswers struct {
	mu       sync.Mutex
	findings []any
	onReview func()
}

func (a *reviewAnswers) set(f ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.findings = f
}

func (a *reviewAnswers) bedrock(t *testing.T) *converseFake {
	return startBedrock(t, func(tool string) (int, string, string) {
		if tool == "submit_summary" {
			return 200, "", toolUse(tool, summaryInput)
		}
		a.mu.Lock()
		f, hook := a.findings, a.onReview
		a.mu.Unlock()
		if hook != nil {
			hook()
		}
		return 200, "", toolUse("submit_review", map[string]any{"findings": f})
	})
}

// premiumPrompts are the bodies of the review calls the fake received.
func premiumPrompts(f *converseFake) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for i, c := range f.calls {
		if c == "submit_review" {
			out = append(out, f.bodies[i])
		}
	}
	return out
}

func finding(path string, start, line int, sev, title string) map[string]any {
	m := map[string]any{"path": path, "line": line, "severity": sev, "category": "bug", "title": title, "body": "Why: " + title}
	if start > 0 {
		m["start_line"] = start
	}
	return m
}

func calcFiles() (base, head map[string]string) {
	body := "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n" + strings.Repeat("\n// padding\n", 20) + "\n// Sub subtracts.\nfunc Sub(a, b int) int { return a - b }\n"
	base = map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n", "calc/calc.go": body,
		"main.go": "package main\n\nimport \"example.com/m/calc\"\n\nfunc main() {\n\tprintln(calc.Add(1, 2))\n}\n"}
	head = map[string]string{"calc/calc.go": strings.Replace(body, "return a + b", "return a - b", 1)}
	return base, head
}

// calcPR is the calc pull request with a fake model that reports "Add
// subtracts" at severity sev on line 5.
func calcPR(t *testing.T, sev string) (*actionPR, *reviewAnswers, *converseFake, map[string]string) {
	t.Helper()
	base, head := calcFiles()
	p := newActionPR(t, base, head)
	answers := &reviewAnswers{}
	answers.set(finding("calc/calc.go", 0, 5, sev, "Add subtracts"))
	return p, answers, answers.bedrock(t), head
}

func summaries(comments []ghtest.Comment) []ghtest.Comment {
	var out []ghtest.Comment
	for _, c := range comments {
		if strings.Contains(c.Body, review.SummaryMarker) {
			out = append(out, c)
		}
	}
	return out
}

// lineReviews leaves out the reviews GitHub wraps around a single
// file-level comment (POST /pulls/{n}/comments creates one each: the
// create-review endpoint takes no subject_type).
func lineReviews(rs []ghtest.Review) []ghtest.Review {
	var out []ghtest.Review
	for _, r := range rs {
		for _, c := range r.Comments {
			if c.SubjectType != "file" {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func TestActionPostsOneSummaryAndOneReviewThenConverges(t *testing.T) {
	base, head := calcFiles()
	p := newActionPR(t, base, head)
	answers := &reviewAnswers{}
	sub := finding("calc/calc.go", 0, 5, "critical", "Add subtracts")
	sub["suggestion"] = "\treturn a + b"
	answers.set(sub, finding("calc/calc.go", 4, 5, "major", "Doc comment lies"), finding("calc/calc.go", 0, 40, "minor", "Sub has no test"))
	fake := answers.bedrock(t)

	r := p.run("opened", p.head, nil)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	sums := summaries(p.gh.IssueComments(prOwner, prRepo, prNumber))
	if len(sums) != 1 {
		t.Fatalf("%d summary comments, want 1", len(sums))
	}
	if st, ok := review.ParseState(sums[0].Body); !ok || st.LastReviewed != p.head {
		t.Errorf("summary state %+v %v, want the reviewed head", st, ok)
	}
	reviews := lineReviews(p.gh.Reviews(prOwner, prRepo, prNumber))
	if len(reviews) != 1 {
		t.Fatalf("%d reviews with inline comments, want 1", len(reviews))
	}
	rv := reviews[0]
	if rv.Event != "COMMENT" || rv.CommitID != p.head {
		t.Errorf("review event %q commit %q: want COMMENT pinned to the event's head %s, never GITHUB_SHA", rv.Event, rv.CommitID, p.head)
	}
	var single ghtest.ReviewComment
	for _, c := range rv.Comments {
		if c.Position != nil {
			t.Errorf("comment on %s:%d used the legacy position", c.Path, c.Line)
		}
		if c.StartLine == 0 {
			single = c
		}
	}
	if c := single; len(rv.Comments) != 2 || c.Line != 5 || c.Side != "RIGHT" || !strings.Contains(c.Body, "```suggestion\n\treturn a + b\n```") {
		t.Errorf("inline comments %+v: want two, the one on line 5 with its committable suggestion", rv.Comments)
	}
	var ranged *ghtest.ReviewComment
	for i := range rv.Comments {
		if rv.Comments[i].StartLine == 4 {
			ranged = &rv.Comments[i]
		}
	}
	if ranged == nil || ranged.Line != 5 || ranged.StartSide != "RIGHT" {
		t.Errorf("the ranged finding must anchor start_line 4 .. line 5: %+v", rv.Comments)
	}
	all := p.gh.ReviewComments(prOwner, prRepo, prNumber)
	fileLevel := 0
	for _, c := range all {
		if c.SubjectType == "file" && c.Path == "calc/calc.go" && strings.Contains(c.Body, "Sub has no test") {
			fileLevel++
		}
	}
	if len(all) != 3 || fileLevel != 1 {
		t.Errorf("review comments %d (file-level %d): the finding outside the diff goes to a file-level comment, not away", len(all), fileLevel)
	}
	checks := p.gh.CheckRuns(prOwner, prRepo)
	if len(checks) != 1 || checks[0].Name != "reviewbot" || checks[0].Status != "completed" || checks[0].Conclusion != "success" || checks[0].HeadSHA != p.head || len(checks[0].Annotations) != 3 {
		t.Errorf("check runs = %+v", checks)
	}
	if r.outputs["findings"] != "3" || r.outputs["critical"] != "1" || !strings.HasPrefix(r.outputs["summary-url"], "http") || r.outputs["cost-usd"] == "" {
		t.Errorf("outputs = %v", r.outputs)
	}
	if !strings.Contains(r.summary, "All findings (3)") || !strings.Contains(r.summary, "calc/calc.go:4-5") {
		t.Errorf("job summary lacks the findings:\n%s", r.summary)
	}
	for _, q := range p.gh.Requests() {
		if q.Status == 403 || q.Status == 422 {
			t.Errorf("GitHub answered %d to %s %s: limits must be respected, not discovered", q.Status, q.Method, q.Path)
		}
	}

	// A re-run on the same head posts nothing new and keeps one summary.
	r = p.run("synchronize", p.head, nil)
	if r.code != 0 {
		t.Fatalf("re-run exit %d: %s", r.code, r.stderr)
	}
	if n := len(summaries(p.gh.IssueComments(prOwner, prRepo, prNumber))); n != 1 {
		t.Errorf("%d summaries after a re-run", n)
	}
	if n := len(p.gh.ReviewComments(prOwner, prRepo, prNumber)); n != 3 {
		t.Errorf("%d review comments after a re-run, want the same 3 (no duplicates)", n)
	}

	// A push reviews only what changed since the last reviewed commit.
	before := len(premiumPrompts(fake))
	newHead := p.push(map[string]string{"calc/mul.go": "package calc\n\n// Mul multiplies.\nfunc Mul(a, b int) int {\n\treturn a + b\n}\n"}, false)
	answers.set(sub, finding("calc/mul.go", 0, 5, "critical", "Mul adds"))
	r = p.run("synchronize", newHead, nil)
	if r.code != 0 {
		t.Fatalf("push run exit %d: %s", r.code, r.stderr)
	}
	prompts := premiumPrompts(fake)[before:]
	if len(prompts) != 1 || !strings.Contains(prompts[0], "calc/mul.go") || strings.Contains(prompts[0], `R5 +\treturn a - b`) {
		t.Errorf("the incremental review must show the model only the new commit's hunks; prompts: %v", prompts)
	}
	reviews = lineReviews(p.gh.Reviews(prOwner, prRepo, prNumber))
	last := reviews[len(reviews)-1]
	if len(reviews) != 2 || last.CommitID != newHead || len(last.Comments) != 1 || last.Comments[0].Path != "calc/mul.go" {
		t.Errorf("reviews after the push = %+v: one new review on the new head with only the new finding", reviews)
	}
	sums = summaries(p.gh.IssueComments(prOwner, prRepo, prNumber))
	if len(sums) != 1 || !strings.Contains(sums[0].Body, "since") {
		t.Errorf("summary after the push: %d comments; body mentions the incremental range: %v", len(sums), len(sums) == 1 && strings.Contains(sums[0].Body, "since"))
	}
	if st, _ := review.ParseState(sums[0].Body); st.LastReviewed != newHead {
		t.Errorf("state %+v, want the new head", st)
	}
}

func TestActionForcePushReviewsTheWholePR(t *testing.T) {
	p, _, fake, head := calcPR(t, "major")
	if r := p.run("opened", p.head, nil); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	files := map[string]string{"calc/calc.go": strings.Replace(head["calc/calc.go"], "return a - b", "return a * b", 1)}
	newHead := p.push(files, true)
	before := len(premiumPrompts(fake))
	r := p.run("synchronize", newHead, nil)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	prompts := premiumPrompts(fake)[before:]
	if len(prompts) != 1 || !strings.Contains(prompts[0], "calc/calc.go") {
		t.Fatalf("after a force-push the whole PR is reviewed: %v", prompts)
	}
	sums := summaries(p.gh.IssueComments(prOwner, prRepo, prNumber))
	if len(sums) != 1 || !strings.Contains(sums[0].Body, "force-pushed") {
		t.Errorf("the summary must say the branch was force-pushed: %d summaries", len(sums))
	}
}

func TestActionStaleEventHeadPostsNothing(t *testing.T) {
	p, _, _, _ := calcPR(t, "major")
	old := p.head
	p.push(map[string]string{"README.md": "# calc\n"}, false)
	r := p.run("synchronize", old, nil)
	if r.code != 0 || !strings.Contains(r.stdout, "superseded") {
		t.Fatalf("exit %d stdout %q: a run for an old head ends quietly and says why", r.code, r.stdout)
	}
	if n := len(p.gh.IssueComments(prOwner, prRepo, prNumber)) + len(p.gh.Reviews(prOwner, prRepo, prNumber)); n != 0 {
		t.Errorf("%d comments or reviews posted for a stale head", n)
	}
}

func TestActionPushDuringReviewPostsNoStaleFindings(t *testing.T) {
	base, head := calcFiles()
	p := newActionPR(t, base, head)
	answers := &reviewAnswers{}
	answers.set(finding("calc/calc.go", 0, 5, "major", "Add subtracts"))
	var once sync.Once
	answers.onReview = func() { once.Do(func() { p.push(map[string]string{"README.md": "# calc\n"}, false) }) }
	answers.bedrock(t)
	first := p.head
	r := p.run("opened", first, nil)
	if r.code != 0 || !strings.Contains(r.stdout, "superseded") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if n := len(p.gh.Reviews(prOwner, prRepo, prNumber)); n != 0 {
		t.Errorf("%d reviews posted for a head that was replaced mid-review", n)
	}
	checks := p.gh.CheckRuns(prOwner, prRepo)
	if len(checks) != 1 || checks[0].HeadSHA != first || checks[0].Conclusion != "cancelled" {
		t.Errorf("check runs %+v: the superseded run's check says cancelled, never success", checks)
	}
}

func TestActionForkWithReadOnlyTokenAnnotates(t *testing.T) {
	base, head := calcFiles()
	p := newActionPR(t, base, head)
	p.gh.Token("ghs_readonly", "read")
	p.fork()
	answers := &reviewAnswers{}
	answers.set(finding("calc/calc.go", 0, 5, "minor", "Minor thing"), finding("calc/calc.go", 4, 5, "critical", "Add, subtracts: 100%"))
	answers.bedrock(t)
	r := p.run("opened", p.head, map[string]string{"INPUT_GITHUB-TOKEN": "ghs_readonly", "head_repo": "forker/calc"})
	if r.code != 0 {
		t.Fatalf("exit %d: a read-only run reports, it does not fail\n%s", r.code, r.stderr)
	}
	crit := strings.Index(r.stdout, "::error file=calc/calc.go,line=4,endLine=5,title=[critical] Add%2C subtracts%3A 100%25::")
	minor := strings.Index(r.stdout, "::warning file=calc/calc.go,line=5,endLine=5,title=[minor] Minor thing::")
	if crit < 0 || minor < 0 || crit > minor {
		t.Errorf("annotations (most severe first, escaped) missing or out of order:\n%s", r.stdout)
	}
	if !strings.Contains(r.summary, "read-only") || !strings.Contains(r.summary, "All findings (2)") {
		t.Errorf("job summary:\n%s", r.summary)
	}
	writes := 0
	for _, q := range p.gh.Requests() {
		if q.Write {
			writes++
		}
	}
	if writes != 1 {
		for _, q := range p.gh.Requests() {
			t.Logf("%s %s -> %d", q.Method, q.Path, q.Status)
		}
		t.Errorf("%d write attempts with a read-only token, want 1 (the first refusal switches to annotations)", writes)
	}
	if n := len(p.gh.IssueComments(prOwner, prRepo, prNumber)); n != 0 {
		t.Errorf("%d comments posted with a read-only token", n)
	}
}

func TestActionForkWithoutCredentialsIsADryRun(t *testing.T) {
	noAWS(t)
	base, head := calcFiles()
	p := newActionPR(t, base, head)
	p.gh.Token("ghs_readonly", "read")
	p.fork()
	r := p.run("opened", p.head, map[string]string{"INPUT_GITHUB-TOKEN": "ghs_readonly", "head_repo": "forker/calc"})
	if r.code != 0 || !strings.Contains(r.stdout, "pull_request_target") {
		t.Fatalf("exit %d stdout %s stderr %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.summary, "dry run") || !strings.Contains(r.summary, "calc/calc.go") {
		t.Errorf("the job summary shows what the review would cover:\n%s", r.summary)
	}
	for _, q := range p.gh.Requests() {
		if q.Write {
			t.Errorf("a dry run wrote %s %s", q.Method, q.Path)
		}
	}
}

func TestActionWithoutCredentialsOnOwnRepoIsAUsageError(t *testing.T) {
	noAWS(t)
	base, head := calcFiles()
	p := newActionPR(t, base, head)
	r := p.run("opened", p.head, nil)
	if r.code != exitUsage || !strings.Contains(r.stderr, "configure-aws-credentials") {
		t.Fatalf("exit %d stderr %s", r.code, r.stderr)
	}
}

func TestActionFailOnAndIgnoredEvents(t *testing.T) {
	p, _, _, _ := calcPR(t, "critical")
	r := p.run("labeled", p.head, nil)
	if r.code != 0 || !strings.Contains(r.stdout, "nothing to do") || len(p.gh.Requests()) != 0 {
		t.Fatalf("a labeled event: exit %d stdout %q, %d requests", r.code, r.stdout, len(p.gh.Requests()))
	}
	r = p.run("opened", p.head, map[string]string{"INPUT_FAIL-ON": "major"})
	if r.code != exitFindings || r.outputs["critical"] != "1" {
		t.Fatalf("fail-on: exit %d outputs %v stderr %s", r.code, r.outputs, r.stderr)
	}
	checks := p.gh.CheckRuns(prOwner, prRepo)
	if len(checks) != 1 || checks[0].Conclusion != "failure" {
		t.Errorf("a review that trips fail-on fails its check: %+v", checks)
	}
	r = p.run("opened", p.head, map[string]string{"INPUT_MAX-COMMENTS": "many"})
	if r.code != exitUsage || !strings.Contains(r.stderr, "max-comments") {
		t.Errorf("a bad input is a usage error naming it: exit %d %s", r.code, r.stderr)
	}
}

func TestActionDefaultInputsLeaveTheConfigFileInCharge(t *testing.T) {
	base, head := calcFiles()
	p := newActionPR(t, base, head)
	p.gh.SetFile(prOwner, prRepo, p.base, ".github/reviewbot.yml", "tier: free\nmistyped_key: 1\n")
	answers := &reviewAnswers{}
	answers.set(finding("calc/calc.go", 0, 5, "critical", "Add subtracts"))
	fake := answers.bedrock(t)
	// action.yml always passes tier=auto and provider=bedrock.
	r := p.run("opened", p.head, map[string]string{"INPUT_TIER": "auto", "INPUT_PROVIDER": "bedrock"})
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := len(premiumPrompts(fake)); n != 0 {
		t.Errorf("%d premium calls: the file's tier free must apply when the input is left at its default", n)
	}
	sums := summaries(p.gh.IssueComments(prOwner, prRepo, prNumber))
	if len(sums) != 1 || !strings.Contains(sums[0].Body, "mistyped_key") {
		t.Errorf("unknown keys in the base config are reported in the summary")
	}
}

func TestActionSkipsDraftsPerAutoReview(t *testing.T) {
	p, _, fake, _ := calcPR(t, "major")
	p.gh.AddPR(ghtest.PR{Owner: prOwner, Repo: prRepo, Number: prNumber, Title: "WIP", Draft: true,
		BaseRef: "main", HeadRef: "feature", BaseSHA: p.base, HeadSHA: p.head, Diff: p.diff(p.base, p.head)})
	r := p.run("opened", p.head, nil)
	if r.code != 0 || !strings.Contains(r.summary, "draft") || len(fake.calls) != 0 {
		t.Fatalf("a draft is not reviewed by default: exit %d, %d model calls, summary %q", r.code, len(fake.calls), r.summary)
	}
	p.gh.SetFile(prOwner, prRepo, p.base, ".github/reviewbot.yml", "auto_review: {drafts: true}\n")
	if r := p.run("opened", p.head, nil); r.code != 0 || len(premiumPrompts(fake)) != 1 {
		t.Fatalf("auto_review.drafts: true reviews drafts: exit %d, %d premium calls", r.code, len(premiumPrompts(fake)))
	}
}

func TestActionWithoutACheckoutReadsTarballs(t *testing.T) {
	p, _, _, _ := calcPR(t, "major")
	for _, sha := range []string{p.base, p.head} {
		out, err := exec.Command("git", "-C", p.up.Dir, "archive", "--format=tar.gz", "--prefix=octo-calc-"+sha[:7]+"/", sha).Output()
		if err != nil {
			t.Fatal(err)
		}
		p.gh.SetTarball(prOwner, prRepo, sha, out)
	}
	r := p.run("opened", p.head, map[string]string{"GITHUB_WORKSPACE": t.TempDir(), "RUNNER_TEMP": t.TempDir()})
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	sums := summaries(p.gh.IssueComments(prOwner, prRepo, prNumber))
	if len(sums) != 1 || !strings.Contains(sums[0].Body, "main.go:6") {
		t.Errorf("without a checkout the impact list still finds main.go:6 from the tarballs")
	}
}

// TestActionWithAPersonalTokenKeepsOneSummary: a personal access token
// posts as its user, not as a bot. What that user posted with reviewbot's
// markers is reviewbot's own, so a second run edits the summary and
// repeats no comment; a marked comment of another person is still not.
func TestActionWithAPersonalTokenKeepsOneSummary(t *testing.T) {
	base, head := calcFiles()
	p := newActionPR(t, base, head)
	p.gh.PersonalToken("ghp_alice", "alice")
	answers := &reviewAnswers{}
	answers.set(finding("calc/calc.go", 0, 5, "critical", "Add subtracts"))
	answers.bedrock(t)
	forged := p.gh.AddIssueComment(prOwner, prRepo, prNumber, "mallory", review.SummaryMarker+"\nforged")
	pat := map[string]string{"INPUT_GITHUB-TOKEN": "ghp_alice"}
	for i, action := range []string{"opened", "synchronize"} {
		if r := p.run(action, p.head, pat); r.code != 0 {
			t.Fatalf("run %d exit %d\nstderr %s", i+1, r.code, r.stderr)
		}
	}
	var mine []ghtest.Comment
	for _, c := range summaries(p.gh.IssueComments(prOwner, prRepo, prNumber)) {
		switch {
		case c.User == "alice":
			mine = append(mine, c)
		case c.ID != forged:
			t.Errorf("summary comment by %s", c.User)
		}
	}
	if len(mine) != 1 {
		t.Errorf("%d summaries by the token's user after two runs, want 1", len(mine))
	}
	if n := len(p.gh.ReviewComments(prOwner, prRepo, prNumber)); n != 1 {
		t.Errorf("%d review comments after two runs, want 1 (no duplicate)", n)
	}
	for _, c := range p.gh.IssueComments(prOwner, prRepo, prNumber) {
		if c.ID == forged && c.Body != review.SummaryMarker+"\nforged" {
			t.Errorf("another person's marked comment was edited: %q", c.Body)
		}
	}
}
