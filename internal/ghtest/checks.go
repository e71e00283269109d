package ghtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the checks API
// (https://docs.github.com/rest/checks/runs#create-a-check-run): output
// summary and text 65,535 characters each, 50 annotations and 3 actions per
// request.
const (
	maxCheckText   = 65535
	maxAnnotations = 50
	maxActions     = 3
)

type annotationRequest struct {
	Path            *string `json:"path"`
	StartLine       *int    `json:"start_line"`
	EndLine         *int    `json:"end_line"`
	StartColumn     *int    `json:"start_column"`
	EndColumn       *int    `json:"end_column"`
	AnnotationLevel *string `json:"annotation_level"`
	Message         *string `json:"message"`
	Title           *string `json:"title"`
	RawDetails      *string `json:"raw_details"`
}

type checkRunRequest struct {
	Name        *string `json:"name"`
	HeadSHA     *string `json:"head_sha"`
	DetailsURL  *string `json:"details_url"`
	ExternalID  *string `json:"external_id"`
	Status      *string `json:"status"`
	Conclusion  *string `json:"conclusion"`
	StartedAt   *string `json:"started_at"`
	CompletedAt *string `json:"completed_at"`
	Output      *struct {
		Title       *string             `json:"title"`
		Summary     *string             `json:"summary"`
		Text        *string             `json:"text"`
		Annotations []annotationRequest `json:"annotations"`
		Images      []json.RawMessage   `json:"images"`
	} `json:"output"`
	Actions []json.RawMessage `json:"actions"`
}

// conclusions a client may set; GitHub alone sets "stale".
var conclusions = []string{"action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"}

// checkRequest validates a create (create=true) or update request the way
// GitHub's schema and model checks do, reporting the first problem.
func (c *call) checkRequest(req *checkRunRequest, create bool) bool {
	if create {
		if !c.required(map[string]bool{"name": req.Name == nil, "head_sha": req.HeadSHA == nil}) {
			return false
		}
		if _, ok := c.repo.commits[*req.HeadSHA]; !ok {
			c.fail(422, "No commit found for SHA: "+*req.HeadSHA, nil)
			return false
		}
	}
	if st := req.Status; st != nil && *st != "queued" && *st != "in_progress" && *st != "completed" {
		c.invalid(fmt.Sprintf(`For 'properties/status', %q is not a member of ["queued", "in_progress", "completed"].`, *st))
		return false
	}
	if cl := req.Conclusion; cl != nil {
		ok := false
		for _, v := range conclusions {
			ok = ok || v == *cl
		}
		if !ok {
			c.invalid(fmt.Sprintf(`For 'properties/conclusion', %q is not a member of ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"].`, *cl))
			return false
		}
	}
	// "Required if you provide completed_at or a status of completed."
	if req.Conclusion == nil && (deref(req.Status) == "completed" || req.CompletedAt != nil) {
		c.invalid(`"conclusion" wasn't supplied.`)
		return false
	}
	if n := len(req.Actions); n > maxActions {
		c.invalid(fmt.Sprintf("No more than %d items are allowed; %d were supplied.", maxActions, n))
		return false
	}
	o := req.Output
	if o == nil {
		return true
	}
	if !c.required(map[string]bool{"title": create && o.Title == nil, "summary": o.Summary == nil}) {
		return false
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"summary", o.Summary}, {"text", o.Text}} {
		if f.v == nil {
			continue
		}
		// Two checks: the schema counts characters ("Only 65535 characters
		// are allowed; 68372 were supplied.", siddharthkp/bundlesize2#7),
		// then the model counts bytes ("summary exceeds a maximum bytesize
		// of 65535", github/docs#35252), which emoji trip first.
		if n := utf8.RuneCountInString(*f.v); n > maxCheckText {
			c.invalid(fmt.Sprintf("Only %d characters are allowed; %d were supplied.", maxCheckText, n))
			return false
		}
		if len(*f.v) > maxCheckText {
			c.validation("CheckRun", "custom", f.name, fmt.Sprintf("%s exceeds a maximum bytesize of %d", f.name, maxCheckText))
			return false
		}
	}
	if n := len(o.Annotations); n > maxAnnotations {
		// stoplightio/spectral-action#334, qiniu/reviewbot#258.
		c.invalid(fmt.Sprintf("No more than %d items are allowed; %d were supplied.", maxAnnotations, n))
		return false
	}
	// One line per incomplete annotation, as GitHub lists them.
	var missing []string
	for _, a := range o.Annotations {
		if msg := notSupplied(map[string]bool{"path": a.Path == nil, "start_line": a.StartLine == nil,
			"end_line": a.EndLine == nil, "annotation_level": a.AnnotationLevel == nil, "message": a.Message == nil}); msg != "" {
			missing = append(missing, msg)
		}
	}
	if len(missing) > 0 {
		c.invalid(strings.Join(missing, "\n"))
		return false
	}
	for _, a := range o.Annotations {
		switch *a.AnnotationLevel {
		case "notice", "warning", "failure":
		default:
			c.invalid(fmt.Sprintf(`For 'properties/annotation_level', %q is not a member of ["notice", "warning", "failure"].`, *a.AnnotationLevel))
			return false
		}
		if *a.StartLine < 1 || *a.EndLine < *a.StartLine {
			c.fail(422, fmt.Sprintf("ghtest: annotation lines %d-%d: start_line must be at least 1 and end_line not before it (GitHub's wording is not on record)", *a.StartLine, *a.EndLine), nil)
			return false
		}
	}
	return true
}

// apply copies a validated request onto run.
func (run *CheckRun) apply(req *checkRunRequest) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&run.Name, req.Name)
	set(&run.DetailsURL, req.DetailsURL)
	set(&run.ExternalID, req.ExternalID)
	set(&run.Status, req.Status)
	if req.Conclusion != nil {
		// "Providing conclusion will automatically set the status
		// parameter to completed."
		run.Conclusion, run.Status = *req.Conclusion, "completed"
		if run.Completed.IsZero() {
			run.Completed = time.Now()
		}
	}
	if run.Status == "in_progress" && run.Started.IsZero() {
		run.Started = time.Now()
	}
	if o := req.Output; o != nil {
		set(&run.Title, o.Title)
		set(&run.Summary, o.Summary)
		set(&run.Text, o.Text)
		// Annotations accumulate: "Each time you update the check run,
		// annotations are appended to the list of annotations that already
		// exist for the check run."
		for _, a := range o.Annotations {
			an := Annotation{Path: *a.Path, StartLine: *a.StartLine, EndLine: *a.EndLine,
				Level: *a.AnnotationLevel, Message: *a.Message, Title: deref(a.Title), RawDetails: deref(a.RawDetails)}
			if a.StartColumn != nil {
				an.StartColumn = *a.StartColumn
			}
			if a.EndColumn != nil {
				an.EndColumn = *a.EndColumn
			}
			run.Annotations = append(run.Annotations, an)
		}
	}
}

func (c *call) createCheckRun() {
	var req checkRunRequest
	if !c.decode(&req) || !c.checkRequest(&req, true) {
		return
	}
	run := &CheckRun{ID: c.s.id(), HeadSHA: *req.HeadSHA, Status: "queued", Started: time.Now()}
	run.apply(&req)
	c.repo.checkRuns = append(c.repo.checkRuns, run)
	c.json(201, c.wireCheckRun(run))
}

// checkRun is the {id} check run, or a 404.
func (c *call) checkRun() (*CheckRun, bool) {
	id, ok := c.idParam()
	if !ok {
		return nil, false
	}
	for _, run := range c.repo.checkRuns {
		if run.ID == id {
			return run, true
		}
	}
	c.notFound()
	return nil, false
}

func (c *call) updateCheckRun() {
	run, ok := c.checkRun()
	if !ok {
		return
	}
	var req checkRunRequest
	if !c.decode(&req) || !c.checkRequest(&req, false) {
		return
	}
	run.apply(&req)
	run.Updates++
	c.json(200, c.wireCheckRun(run))
}

func (c *call) getCheckRun() {
	if run, ok := c.checkRun(); ok {
		c.json(200, c.wireCheckRun(run))
	}
}

func (c *call) listCheckRuns() {
	sha, ok := c.repo.resolve(c.params["ref"])
	if !ok {
		c.fail(422, "No commit found for SHA: "+c.params["ref"], nil)
		return
	}
	name := c.r.URL.Query().Get("check_name")
	var list []*CheckRun
	for _, run := range c.repo.checkRuns {
		if run.HeadSHA == sha && (name == "" || run.Name == name) {
			list = append(list, run)
		}
	}
	lo, hi := c.pageBounds(len(list))
	out := struct {
		TotalCount int            `json:"total_count"`
		CheckRuns  []wireCheckRun `json:"check_runs"`
	}{TotalCount: len(list), CheckRuns: []wireCheckRun{}}
	for _, run := range list[lo:hi] {
		out.CheckRuns = append(out.CheckRuns, c.wireCheckRun(run))
	}
	c.json(200, out)
}

func (c *call) wireCheckRun(run *CheckRun) wireCheckRun {
	api := c.s.apiRepoURL(c.repo)
	w := wireCheckRun{ID: run.ID, HeadSHA: run.HeadSHA, NodeID: nodeID("CR", run.ID), ExternalID: run.ExternalID,
		URL: fmt.Sprintf("%s/check-runs/%d", api, run.ID), HTMLURL: fmt.Sprintf("%s/runs/%d", webRepoURL(c.repo), run.ID),
		DetailsURL: run.DetailsURL, Status: run.Status, StartedAt: stamp(run.Started), CompletedAt: stamp(run.Completed),
		Name: run.Name, App: wireApp{ID: 1, Slug: "reviewbot", Name: "reviewbot"}, PullRequests: []struct{}{}}
	if run.Conclusion != "" {
		w.Conclusion = str(run.Conclusion)
	}
	if run.Title != "" {
		w.Output.Title = str(run.Title)
	}
	if run.Summary != "" {
		w.Output.Summary = str(run.Summary)
	}
	if run.Text != "" {
		w.Output.Text = str(run.Text)
	}
	w.Output.AnnotationsCount = len(run.Annotations)
	w.Output.AnnotationsURL = fmt.Sprintf("%s/check-runs/%d/annotations", api, run.ID)
	w.CheckSuite.ID = fakeID(run.HeadSHA)
	return w
}

// fakeID is a stable positive id derived from s.
func fakeID(s string) int64 {
	var n int64
	for _, b := range []byte(fakeSHA(s)[:12]) {
		n = n*16 + int64(strings.IndexByte("0123456789abcdef", b))
	}
	return n
}

func (c *call) permission() {
	login := c.params["user"]
	role := c.repo.perms[strings.ToLower(login)]
	if role == "" {
		role = "none"
	}
	// "The permission attribute provides the legacy base roles of admin,
	// write, read, and none, where the maintain role is mapped to write and
	// the triage role is mapped to read."
	perm := map[string]string{"maintain": "write", "triage": "read"}[role]
	if perm == "" {
		perm = role
	}
	c.json(200, struct {
		Permission string   `json:"permission"`
		RoleName   string   `json:"role_name"`
		User       wireUser `json:"user"`
	}{perm, role, c.s.user(login)})
}

// appPermissions are the permissions the fake App's tokens carry.
var appPermissions = map[string]string{"checks": "write", "contents": "read", "issues": "write",
	"metadata": "read", "pull_requests": "write"}

func (c *call) installation() {
	if c.repo.installation == 0 {
		c.repo.installation = c.s.id()
	}
	c.json(200, struct {
		ID                  int64             `json:"id"`
		Account             wireUser          `json:"account"`
		AccessTokensURL     string            `json:"access_tokens_url"`
		RepositoriesURL     string            `json:"repositories_url"`
		AppID               int64             `json:"app_id"`
		AppSlug             string            `json:"app_slug"`
		TargetID            int64             `json:"target_id"`
		TargetType          string            `json:"target_type"`
		Permissions         map[string]string `json:"permissions"`
		Events              []string          `json:"events"`
		RepositorySelection string            `json:"repository_selection"`
	}{c.repo.installation, c.s.user(c.repo.owner),
		fmt.Sprintf("%sapp/installations/%d/access_tokens", c.s.URL, c.repo.installation),
		c.s.URL + "installation/repositories", 1, "reviewbot", c.s.user(c.repo.owner).ID, "User",
		appPermissions, []string{"pull_request", "issue_comment", "check_run"}, "selected"})
}

// accessToken mints an installation token. The App's JWT is not verified
// (the fake has no key); it must merely look like one. The new token is
// registered as a write token, which (as with Token) makes unknown tokens
// 401 from then on.
func (c *call) accessToken() {
	buf := make([]byte, 18)
	rand.Read(buf)
	tok := "ghs_" + hex.EncodeToString(buf)
	c.s.tokens[tok] = "write"
	c.json(201, struct {
		Token               string            `json:"token"`
		ExpiresAt           stamp             `json:"expires_at"`
		Permissions         map[string]string `json:"permissions"`
		RepositorySelection string            `json:"repository_selection"`
	}{tok, stamp(time.Now().Add(time.Hour)), appPermissions, "selected"})
}
