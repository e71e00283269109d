// Package action is the GitHub Action entry point (SPEC section 9): it
// reads the standard Actions environment and the action's inputs, reviews
// the pull request of the triggering event through the shared runner, and
// reports through the job summary, step outputs and, when the token is
// read-only, workflow annotations.
package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/reviewbot/reviewbot/codebase"
	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
	"github.com/reviewbot/reviewbot/slash"
	"github.com/reviewbot/reviewbot/tiers"
)

// Env is what the Action reads and writes besides the network.
type Env struct {
	Getenv func(string) string
	Stdout io.Writer // workflow commands (annotations, notices) and progress
	Stderr io.Writer
	// HTTPClient, when set, is the transport under GitHub's authentication
	// and pacing (tests); nil means http.DefaultTransport.
	HTTPClient *http.Client
	// WriteGap overrides gh.DefaultWriteGap (tests against a fake GitHub
	// that enforces a shorter gap); 0 keeps GitHub's one second.
	WriteGap time.Duration
}

// FindingsError reports findings at or above fail-on: exit code 1.
type FindingsError struct {
	N        int
	Severity string
}

func (e *FindingsError) Error() string {
	return fmt.Sprintf("%d finding(s) at or above severity %q (fail-on)", e.N, e.Severity)
}

// input reads an action input as the runner exposes it: INPUT_ and the
// name upper-cased (hyphens kept, as for JavaScript actions), or with
// hyphens as underscores (as action.yml passes them to the composite step).
func (e Env) input(name string) string {
	up := strings.ToUpper(name)
	if v := strings.TrimSpace(e.Getenv("INPUT_" + up)); v != "" {
		return v
	}
	return strings.TrimSpace(e.Getenv("INPUT_" + strings.ReplaceAll(up, "-", "_")))
}

// event is the part of a webhook payload the Action reads.
type event struct {
	Action      string `json:"action"`
	Number      int    `json:"number"`
	PullRequest *struct {
		Number int    `json:"number"`
		Draft  bool   `json:"draft"`
		State  string `json:"state"`
		Head   struct {
			SHA  string `json:"sha"`
			Repo struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"head"`
		Base struct {
			Ref  string `json:"ref"`
			Repo struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
	} `json:"pull_request"`
	Issue *struct {
		Number      int       `json:"number"`
		State       string    `json:"state"`
		PullRequest *struct{} `json:"pull_request"`
	} `json:"issue"`
	Comment *slash.CommentPayload `json:"comment"`
	Changes *slash.EditPayload    `json:"changes"`
}

// reviewActions are the pull_request actions that start a review.
var reviewActions = map[string]bool{"opened": true, "synchronize": true, "reopened": true, "ready_for_review": true}

// Run is `reviewbot action`. It returns nil when the run is done
// (including a review that could only be reported read-only), a
// *FindingsError for fail-on, and otherwise an error whose review.Kind
// gives the exit code.
func Run(ctx context.Context, env Env) error {
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	name, path := env.Getenv("GITHUB_EVENT_NAME"), env.Getenv("GITHUB_EVENT_PATH")
	if name == "" || path == "" {
		return review.Errorf(review.KindUsage, "reviewbot action runs inside GitHub Actions: GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set; to review locally use `reviewbot review`")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return review.Errorf(review.KindUsage, "read the event payload GITHUB_EVENT_PATH=%s: %v", path, err)
	}
	var ev event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return review.Errorf(review.KindUsage, "the event payload %s is not JSON: %v", path, err)
	}
	owner, repo, ok := strings.Cut(env.Getenv("GITHUB_REPOSITORY"), "/")
	if !ok || owner == "" || repo == "" {
		return review.Errorf(review.KindUsage, "GITHUB_REPOSITORY=%q is not owner/name", env.Getenv("GITHUB_REPOSITORY"))
	}

	var number int
	var comment *slash.Event
	switch name {
	case "pull_request", "pull_request_target":
		if ev.PullRequest == nil {
			return review.Errorf(review.KindUsage, "the %s event payload has no pull_request", name)
		}
		if !reviewActions[ev.Action] {
			notice(env.Stdout, fmt.Sprintf("reviewbot reviews pull requests when they are opened, reopened, pushed to or marked ready; nothing to do for %s.%s", name, ev.Action))
			return nil
		}
		number = ev.PullRequest.Number
	case "issue_comment", "pull_request_review_comment":
		c, err := commentEvent(name, &ev)
		if err != nil {
			return err
		}
		if c == nil {
			notice(env.Stdout, "this comment is on an issue, not a pull request; reviewbot answers only in pull requests")
			return nil
		}
		comment, number = c, c.Number
	default:
		return review.Errorf(review.KindUsage, "reviewbot action handles the pull_request, pull_request_target, issue_comment and pull_request_review_comment events, not %q; change the workflow's `on:`", name)
	}
	if number == 0 {
		number = ev.Number
	}
	head, fork := "", false
	if ev.PullRequest != nil {
		head = ev.PullRequest.Head.SHA
		fork = ev.PullRequest.Head.Repo.FullName != "" && !strings.EqualFold(ev.PullRequest.Head.Repo.FullName, owner+"/"+repo)
	}
	if comment != nil {
		// A comment names no head to pin to: commands act on the current one.
		head = ""
	}
	log = log.With("repo", owner+"/"+repo, "pr", number, "head", head, "event", name)

	ov, err := overrides(env)
	if err != nil {
		return err
	}
	models := modelConfig(env)
	models.Logger = log
	token := env.input("github-token")
	if token == "" {
		token = env.Getenv("GITHUB_TOKEN")
	}
	if token == "" {
		return review.Errorf(review.KindUsage, "no GitHub token: the github-token input is empty and GITHUB_TOKEN is not set; pass `github-token: ${{ github.token }}`")
	}
	apiURL := env.Getenv("GITHUB_API_URL")
	if apiURL == "" {
		apiURL = gh.DefaultAPIURL
	}
	var base http.RoundTripper
	if env.HTTPClient != nil {
		base = env.HTTPClient.Transport
	}
	pacer := &gh.Pacer{Base: gh.TokenTransport(base, token), Logger: log}
	if env.WriteGap != 0 {
		pacer.Gap = env.WriteGap
	}
	client, err := gh.NewClient(apiURL, &http.Client{Transport: pacer})
	if err != nil {
		return review.Errorf(review.KindUsage, "GITHUB_API_URL: %v", err)
	}

	// Secrets are not passed to workflows of fork pull requests, so a
	// fork run without model credentials is expected: say how to review
	// forks and show what the review would cover.
	dryRun := false
	if comment != nil {
		return answer(ctx, env, *comment, slashDeps(env, client, owner, repo, number, ov, models, apiURL, base, token, log))
	}
	if credErr := tiers.CredentialsAvailable(ctx, models); credErr != nil {
		if !fork {
			return &review.Error{Kind: review.KindUsage, Err: fmt.Errorf("no model credentials: %w; in a workflow, configure them with aws-actions/configure-aws-credentials (see the README)", credErr)}
		}
		notice(env.Stdout, "no model credentials in this run: GitHub does not pass secrets to workflows of pull requests from forks. To review fork pull requests, run reviewbot on `pull_request_target` (it never checks out or runs the fork's code) or install the reviewbot GitHub App. This run shows a dry run: what the review would cover, with no model call.")
		dryRun = true
	}

	ro := newReadOnly(client, owner, repo, number, env.Stdout)
	pub := gh.NewPublisher(client, owner, repo, number, "", log)
	pub.TokenUser = userToken(token)
	var publisher review.Publisher = pub
	if dryRun {
		publisher = ro
	}
	out, err := runner.ReviewPR(ctx, client, publisher, runner.PRRequest{
		Owner: owner, Repo: repo, Number: number, HeadSHA: head, Automatic: true,
		ConfigPath: env.input("config-path"), Overrides: ov, Models: models, DryRun: dryRun,
		Workspace: workspace(env), ReadOnly: ro, Logger: log,
		// Without a usable checkout, trees come from GitHub's tarballs;
		// the token travels only to the API, not to the codeload redirect.
		Tarballs: &codebase.TarballCache{Dir: filepath.Join(tempDir(env), "reviewbot-trees"), BaseURL: apiURL, Client: &http.Client{Transport: orDefault(base)}, Token: token},
	})
	for _, n := range out.Notes {
		notice(env.Stdout, n)
	}
	if out.Paused {
		writeStepSummary(env, "## reviewbot\n\nAutomatic reviews are paused on this pull request (`/pause`); comment `/resume` to restart them.\n")
		return nil
	}
	if out.Skipped != "" {
		writeStepSummary(env, "## reviewbot\n\nNo automatic review: "+out.Skipped+". Comment `/review` for one.\n")
		return nil
	}
	if err != nil {
		if review.KindOf(err) == review.KindSuperseded {
			notice(env.Stdout, err.Error())
			return nil
		}
		writeStepSummary(env, failureSummary(err))
		return err
	}
	res := out.Result
	readOnly := out.ReadOnly || dryRun
	if readOnly {
		ro.flush(res)
	}
	url := ""
	if out.Published != nil {
		url = out.Published.SummaryURL
	}
	writeStepSummary(env, stepSummary(res, out, readOnly, dryRun))
	writeOutputs(env, map[string]string{
		"findings":    strconv.Itoa(len(res.Findings)),
		"critical":    strconv.Itoa(res.AtOrAbove("critical")),
		"cost-usd":    strconv.FormatFloat(res.Usage.CostUSD, 'f', 6, 64),
		"summary-url": url,
	})
	if n := res.AtOrAbove(out.Config.FailOn); n > 0 && !dryRun {
		return &FindingsError{N: n, Severity: out.Config.FailOn}
	}
	return nil
}

// overrides reads the inputs that win over the repository's file.
func overrides(env Env) (review.Overrides, error) {
	var ov review.Overrides
	// action.yml's default tier is auto, so INPUT_TIER always arrives;
	// only another value is a choice that outranks the repository's file.
	if v := env.input("tier"); v != "" && !strings.EqualFold(v, "auto") {
		ov.Tier = review.Set(v, "input tier")
	}
	if v := env.input("fail-on"); v != "" {
		ov.FailOn = review.Set(v, "input fail-on")
	}
	if v := env.input("max-comments"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return ov, review.Errorf(review.KindUsage, "input max-comments must be a whole number, not %q", v)
		}
		ov.MaxComments = review.Set(n, "input max-comments")
	}
	return ov, nil
}

// modelConfig is the environment's model configuration with the inputs
// on top (inputs are the Action's flags).
func modelConfig(env Env) tiers.Config {
	m := tiers.ConfigFromEnv(env.Getenv)
	// The provider input defaults to bedrock in action.yml; that default
	// must not hide a REVIEWBOT_PROVIDER set in the job's environment.
	if v := env.input("provider"); v != "" && !(strings.EqualFold(v, tiers.ProviderBedrock) && m.Provider != "") {
		m.Provider = v
	}
	for in, dst := range map[string]*string{
		"cheap-model": &m.CheapModel, "premium-model": &m.PremiumModel,
		"openai-base-url": &m.OpenAIBaseURL, "openai-api-key": &m.OpenAIAPIKey, "aws-region": &m.Region,
	} {
		if v := env.input(in); v != "" {
			*dst = v
		}
	}
	m.Provider = strings.ToLower(m.Provider)
	return m
}

// tempDir is the runner's temporary directory, else the system's.
func tempDir(env Env) string {
	if d := env.Getenv("RUNNER_TEMP"); d != "" {
		return d
	}
	return os.TempDir()
}

func orDefault(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		return http.DefaultTransport
	}
	return rt
}

// workspace is the checkout to read trees from, when it is a git clone.
func workspace(env Env) string {
	w := env.Getenv("GITHUB_WORKSPACE")
	if w == "" {
		return ""
	}
	if _, err := os.Stat(w + "/.git"); err != nil {
		return ""
	}
	return w
}

// notice prints a workflow notice command.
// https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#setting-a-notice-message
func notice(w io.Writer, msg string) {
	fmt.Fprintf(w, "::notice title=reviewbot::%s\n", strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(msg))
}

// writeOutputs appends step outputs to $GITHUB_OUTPUT.
func writeOutputs(env Env, kv map[string]string) {
	p := env.Getenv("GITHUB_OUTPUT")
	if p == "" {
		return
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintf(env.Stderr, "reviewbot: warning: cannot write step outputs to %s: %v\n", p, err)
		return
	}
	defer f.Close()
	for _, k := range []string{"findings", "critical", "cost-usd", "summary-url"} {
		// Values are single-line; a newline would start a new output.
		fmt.Fprintf(f, "%s=%s\n", k, strings.ReplaceAll(kv[k], "\n", " "))
	}
}

func failureSummary(err error) string {
	return "## reviewbot\n\n**The review failed**: " + err.Error() + "\n"
}

var errNoSummaryFile = errors.New("GITHUB_STEP_SUMMARY is not set")

// writeStepSummary appends to the job summary, within its 1 MiB limit.
// https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary
func writeStepSummary(env Env, md string) {
	p := env.Getenv("GITHUB_STEP_SUMMARY")
	if p == "" {
		fmt.Fprintf(env.Stderr, "reviewbot: %v; the job summary is skipped\n", errNoSummaryFile)
		return
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = io.WriteString(f, review.Truncate(md, maxStepSummary))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "reviewbot: warning: cannot write the job summary to %s: %v\n", p, err)
	}
}

// maxStepSummary is GitHub's limit on one step's summary (1 MiB).
const maxStepSummary = 1 << 20

// userToken reports a token that may belong to a user (a personal access
// token, ghp_ or github_pat_; an OAuth or user-to-server token) rather
// than an installation (GITHUB_TOKEN and GitHub App tokens start with
// ghs_). Only for those is it worth asking GitHub whose token it is.
// https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
func userToken(token string) bool {
	return !strings.HasPrefix(token, "ghs_")
}
