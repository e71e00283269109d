package ghtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// route is one REST endpoint. In path, "{name}" captures one segment and
// "{name...}" the rest of the path.
type route struct {
	method, path string
	doc          string // GitHub's documentation_url for this endpoint's errors
	h            func(*call)
}

// call is one request being served, with the server's lock held.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	token  string
	params map[string]string
	rt     *route
	repo   *repo
	status int
}

// Documentation URLs GitHub puts in error bodies.
const (
	docRoot      = "https://docs.github.com/rest"
	docSecondary = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	docPrimary   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
)

// Rate-limit sizes GitHub gives an installation token and no token at all
// (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#primary-rate-limit-for-github-app-installations).
const (
	tokenLimit     = 5000
	anonymousLimit = 60
)

var routes = []route{
	{"GET", "repos/{owner}/{repo}", "https://docs.github.com/rest/repos/repos#get-a-repository", (*call).getRepo},
	{"GET", "repos/{owner}/{repo}/commits/{ref}/check-runs", "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference", (*call).listCheckRuns},
	{"GET", "repos/{owner}/{repo}/pulls/{number}", "https://docs.github.com/rest/pulls/pulls#get-a-pull-request", (*call).getPull},
	{"GET", "repos/{owner}/{repo}/pulls/{number}/files", "https://docs.github.com/rest/pulls/pulls#list-pull-requests-files", (*call).listFiles},
	{"GET", "repos/{owner}/{repo}/pulls/{number}/commits", "https://docs.github.com/rest/pulls/pulls#list-commits-on-a-pull-request", (*call).listCommits},
	{"GET", "repos/{owner}/{repo}/compare/{basehead...}", "https://docs.github.com/rest/commits/commits#compare-two-commits", (*call).compare},
	{"GET", "repos/{owner}/{repo}/contents/{path...}", "https://docs.github.com/rest/repos/contents#get-repository-content", (*call).contents},
	{"GET", "repos/{owner}/{repo}/issues/{number}/comments", "https://docs.github.com/rest/issues/comments#list-issue-comments", (*call).listIssueComments},
	{"POST", "repos/{owner}/{repo}/issues/{number}/comments", "https://docs.github.com/rest/issues/comments#create-an-issue-comment", (*call).createIssueComment},
	{"GET", "repos/{owner}/{repo}/issues/comments/{id}", "https://docs.github.com/rest/issues/comments#get-an-issue-comment", (*call).getIssueComment},
	{"PATCH", "repos/{owner}/{repo}/issues/comments/{id}", "https://docs.github.com/rest/issues/comments#update-an-issue-comment", (*call).editIssueComment},
	{"DELETE", "repos/{owner}/{repo}/issues/comments/{id}", "https://docs.github.com/rest/issues/comments#delete-an-issue-comment", (*call).deleteIssueComment},
	{"POST", "repos/{owner}/{repo}/issues/comments/{id}/reactions", "https://docs.github.com/rest/reactions/reactions#create-reaction-for-an-issue-comment", (*call).reactIssueComment},
	{"POST", "repos/{owner}/{repo}/pulls/comments/{id}/reactions", "https://docs.github.com/rest/reactions/reactions#create-reaction-for-a-pull-request-review-comment", (*call).reactReviewComment},
	{"GET", "repos/{owner}/{repo}/pulls/{number}/reviews", "https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request", (*call).listReviews},
	{"POST", "repos/{owner}/{repo}/pulls/{number}/reviews", "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request", (*call).createReview},
	{"GET", "repos/{owner}/{repo}/pulls/{number}/reviews/{id}", "https://docs.github.com/rest/pulls/reviews#get-a-review-for-a-pull-request", (*call).getReview},
	{"POST", "repos/{owner}/{repo}/pulls/{number}/reviews/{id}/events", "https://docs.github.com/rest/pulls/reviews#submit-a-review-for-a-pull-request", (*call).submitReview},
	{"GET", "repos/{owner}/{repo}/pulls/{number}/reviews/{id}/comments", "https://docs.github.com/rest/pulls/reviews#list-comments-for-a-pull-request-review", (*call).listReviewCommentsOfReview},
	{"GET", "repos/{owner}/{repo}/pulls/{number}/comments", "https://docs.github.com/rest/pulls/comments#list-review-comments-on-a-pull-request", (*call).listPullComments},
	{"POST", "repos/{owner}/{repo}/pulls/{number}/comments", "https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request", (*call).createPullComment},
	{"POST", "repos/{owner}/{repo}/pulls/{number}/comments/{id}/replies", "https://docs.github.com/rest/pulls/comments#create-a-reply-for-a-review-comment", (*call).createReply},
	{"PATCH", "repos/{owner}/{repo}/pulls/comments/{id}", "https://docs.github.com/rest/pulls/comments#update-a-review-comment-for-a-pull-request", (*call).editReviewComment},
	{"DELETE", "repos/{owner}/{repo}/pulls/comments/{id}", "https://docs.github.com/rest/pulls/comments#delete-a-review-comment-for-a-pull-request", (*call).deleteReviewComment},
	{"POST", "repos/{owner}/{repo}/check-runs", "https://docs.github.com/rest/checks/runs#create-a-check-run", (*call).createCheckRun},
	{"PATCH", "repos/{owner}/{repo}/check-runs/{id}", "https://docs.github.com/rest/checks/runs#update-a-check-run", (*call).updateCheckRun},
	{"GET", "repos/{owner}/{repo}/check-runs/{id}", "https://docs.github.com/rest/checks/runs#get-a-check-run", (*call).getCheckRun},
	{"GET", "repos/{owner}/{repo}/collaborators/{user}/permission", "https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user", (*call).permission},
	{"GET", "repos/{owner}/{repo}/installation", "https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app", (*call).installation},
	{"GET", "user", "https://docs.github.com/rest/users/users#get-the-authenticated-user", (*call).authenticatedUser},
	{"POST", "app/installations/{id}/access_tokens", "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app", (*call).accessToken},
}

// isWrite reports whether method creates content in GitHub's sense (the
// methods its secondary rate limits weigh more heavily).
func isWrite(method string) bool {
	switch method {
	case "POST", "PATCH", "PUT", "DELETE":
		return true
	}
	return false
}

// ServeHTTP serves the fake API. Checks run in this order: API prefix,
// credentials, injected failures, primary rate limit, route, write
// permission, secondary rate limits (injected, then MinWriteGap), the
// repository, then the endpoint itself.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	token, hasToken := credentials(r)
	write := isWrite(r.Method)
	// Overlap is counted before the body is read and until the handler
	// returns, which is before net/http flushes the response: a client
	// that waits for each response never overlaps.
	s.flightMu.Lock()
	concurrent := s.inFlight[token]
	s.inFlight[token]++
	s.flightMu.Unlock()
	defer func() {
		s.flightMu.Lock()
		s.inFlight[token]--
		s.flightMu.Unlock()
	}()
	body, _ := io.ReadAll(r.Body)

	s.mu.Lock()
	var run []func()
	for _, h := range s.hooks {
		if !h.done && (h.method == "" || h.method == r.Method) && strings.HasSuffix(r.URL.Path, h.suffix) {
			h.done = true
			run = append(run, h.fn)
		}
	}
	s.mu.Unlock()
	for _, fn := range run {
		fn()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, w: w, r: r, body: body, token: token}
	defer func() {
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Accept: r.Header.Get("Accept"), Token: token, Body: string(body), Status: c.status, At: at, Write: write,
			Concurrent: concurrent})
	}()

	var segs []string
	var rt *route
	pathOK := strings.HasPrefix(r.URL.Path, apiPrefix)
	if pathOK {
		segs, pathOK = splitPath(strings.TrimPrefix(r.URL.EscapedPath(), apiPrefix))
		segs = s.resolveRepositoryID(segs)
		rt, c.params = match(r.Method, segs)
		c.rt = rt
	}
	// App routes take the App's JWT instead of a token.
	appRoute := len(segs) > 0 && segs[0] == "app" || rt != nil && rt.path == "repos/{owner}/{repo}/installation"
	authErr := ""
	switch {
	case appRoute:
		if strings.Count(token, ".") != 2 {
			authErr = "A JSON web token could not be decoded"
		}
	case !hasToken && (write || len(s.tokens) > 0):
		authErr = "Requires authentication"
	case hasToken && len(s.tokens) > 0 && s.tokens[token] == "":
		authErr = "Bad credentials"
	}

	// Every response carries the rate-limit headers. Requests without a
	// (valid) token count against the client's address, 60 an hour.
	bucket, limit := token, tokenLimit
	if !hasToken || authErr != "" {
		bucket, limit = "", anonymousLimit
	}
	if at.Sub(s.window) > time.Hour {
		s.window, s.used = at, map[string]int{}
	}
	s.used[bucket]++
	used := s.used[bucket]
	c.rateHeaders(limit, limit-used, used, s.window.Add(time.Hour))

	switch {
	case !strings.HasPrefix(r.URL.Path, apiPrefix):
		c.fail(404, "ghtest: "+r.URL.Path+" is outside the API prefix "+apiPrefix+
			"; the client built an absolute URL instead of resolving it against its base URL", nil)
		return
	case !pathOK:
		c.notFound()
		return
	case authErr != "":
		c.fail(401, authErr, nil)
		return
	}

	// Injected failures: FailNext answers instead of the endpoint,
	// LoseNext after it.
	var lose *failure
	path := r.URL.Path
	for _, f := range s.failures {
		if f.left > 0 && (f.method == "" || f.method == r.Method) && strings.HasSuffix(path, f.suffix) {
			f.left--
			if !f.after {
				c.fail(f.status, statusMessage(f.status), nil)
				return
			}
			lose = f
			break
		}
	}

	// Primary rate limit, injected or real.
	if s.primary > 0 || used > limit {
		if s.primary > 0 {
			s.primary--
		}
		reset := time.Now().Add(2 * time.Second)
		c.rateHeaders(limit, 0, limit, reset)
		msg := "API rate limit exceeded for installation ID 1."
		if !hasToken {
			msg = "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)"
		}
		c.failDoc(s.RateLimitStatus, msg, nil, docPrimary)
		return
	}

	if rt == nil {
		c.notFound()
		return
	}

	if write && !appRoute {
		if s.tokens[token] == "read" {
			// What a GITHUB_TOKEN without pull-requests: write, or any token
			// of a fork's workflow, gets:
			// https://docs.github.com/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token
			c.fail(403, "Resource not accessible by integration", nil)
			return
		}
		if len(s.secondary) > 0 {
			in := s.secondary[0]
			s.secondary = s.secondary[1:]
			s.lastWrite[token] = at
			c.secondaryLimit(in.retryAfter)
			return
		}
		if gap := s.MinWriteGap; gap > 0 {
			if last, ok := s.lastWrite[token]; ok && at.Sub(last) < gap {
				s.lastWrite[token] = at
				c.secondaryLimit(gap - at.Sub(last))
				return
			}
		}
		s.lastWrite[token] = at
	}

	if rt.path != "app/installations/{id}/access_tokens" && rt.path != "user" {
		owner, name := c.params["owner"], c.params["repo"]
		c.repo = s.findRepo(owner, name)
		if c.repo == nil {
			c.notFound()
			return
		}
	}
	if lose != nil {
		real := c.w
		rec := httptest.NewRecorder()
		c.w = rec
		rt.h(c) // carried out; its answer is lost
		c.w = real
		c.fail(lose.status, statusMessage(lose.status), nil)
		return
	}
	rt.h(c)
}

// credentials reads the token of "Authorization: Bearer X", "token X" or
// Basic auth (whose password is the token, as git's x-access-token form).
func credentials(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false
	}
	scheme, rest, _ := strings.Cut(h, " ")
	switch strings.ToLower(scheme) {
	case "bearer", "token":
		// "Bearer " with nothing after it is an unset token, not a token.
		tok := strings.TrimSpace(rest)
		return tok, tok != ""
	case "basic":
		if raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest)); err == nil {
			_, pass, _ := strings.Cut(string(raw), ":")
			return pass, true
		}
	}
	return h, true
}

// splitPath splits an escaped path into unescaped segments, so that an
// escaped "/" (%2F) stays inside its segment.
func splitPath(p string) ([]string, bool) {
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil, true
	}
	parts := strings.Split(p, "/")
	for i, part := range parts {
		u, err := url.PathUnescape(part)
		if err != nil {
			return nil, false
		}
		parts[i] = u
	}
	return parts, true
}

// resolveRepositoryID turns "repositories/{id}/..." (the form of GitHub's
// Link header URLs) into "repos/{owner}/{repo}/...".
func (s *Server) resolveRepositoryID(segs []string) []string {
	if len(segs) < 2 || segs[0] != "repositories" {
		return segs
	}
	id, err := strconv.ParseInt(segs[1], 10, 64)
	if err != nil || s.repoByID[id] == nil {
		return segs
	}
	r := s.repoByID[id]
	return append([]string{"repos", r.owner, r.name}, segs[2:]...)
}

// match finds the route for method and path segments.
func match(method string, segs []string) (*route, map[string]string) {
	for i := range routes {
		if routes[i].method != method {
			continue
		}
		if params, ok := matchPath(routes[i].path, segs); ok {
			return &routes[i], params
		}
	}
	return nil, nil
}

// matchPath matches segments against one route pattern.
func matchPath(pattern string, segs []string) (map[string]string, bool) {
	pat := strings.Split(pattern, "/")
	params := map[string]string{}
	for j, p := range pat {
		if j >= len(segs) {
			return nil, false
		}
		switch {
		case strings.HasSuffix(p, "...}"):
			params[strings.TrimSuffix(strings.TrimPrefix(p, "{"), "...}")] = strings.Join(segs[j:], "/")
			return params, true
		case strings.HasPrefix(p, "{"):
			params[strings.Trim(p, "{}")] = segs[j]
		case p != segs[j]:
			return nil, false
		}
	}
	return params, len(pat) == len(segs)
}

// rateHeaders sets GitHub's x-ratelimit-* headers
// (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit).
func (c *call) rateHeaders(limit, remaining, used int, reset time.Time) {
	if remaining < 0 {
		remaining = 0
	}
	h := c.w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(used))
	h.Set("X-RateLimit-Resource", "core")
}

// secondaryLimit answers with GitHub's secondary rate limit. The
// x-ratelimit-remaining header stays above zero, as on GitHub: only the
// message and documentation_url tell it from a permission error, which is
// how go-github tells it too.
func (c *call) secondaryLimit(wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 0 {
		secs = 0
	}
	c.w.Header().Set("Retry-After", strconv.Itoa(secs))
	c.failDoc(c.s.RateLimitStatus, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "+
		"If you reach out to GitHub Support for help, please include the request ID "+c.requestID()+".", nil, docSecondary)
}

// requestID is a GitHub-looking X-GitHub-Request-Id for this request.
func (c *call) requestID() string {
	id := c.w.Header().Get("X-GitHub-Request-Id")
	if id == "" {
		n := len(c.s.requests) + 1
		id = fmt.Sprintf("F00D:%04X:%06X:%06X:%08X", n, n*7, n*13, time.Now().Unix())
		c.w.Header().Set("X-GitHub-Request-Id", id)
	}
	return id
}

// errBody is GitHub's error document. Errors holds objects ({resource,
// field, code, message}) on most endpoints and plain strings on the review
// endpoint; go-github decodes both.
type errBody struct {
	Message          string `json:"message"`
	Errors           []any  `json:"errors,omitempty"`
	DocumentationURL string `json:"documentation_url"`
	Status           string `json:"status"`
}

// fieldError is one entry of a "Validation Failed" error.
type fieldError struct {
	Resource string `json:"resource,omitempty"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Message  string `json:"message,omitempty"`
}

// fail answers an error with this endpoint's documentation_url.
func (c *call) fail(status int, msg string, errs []any) {
	doc := docRoot
	if c.rt != nil {
		doc = c.rt.doc
	}
	c.failDoc(status, msg, errs, doc)
}

// failDoc answers an error document.
func (c *call) failDoc(status int, msg string, errs []any, doc string) {
	c.json(status, errBody{Message: msg, Errors: errs, DocumentationURL: doc, Status: strconv.Itoa(status)})
}

// notFound is GitHub's 404, which it also gives for routes that do not
// exist and for resources a token may not see.
func (c *call) notFound() { c.fail(404, "Not Found", nil) }

// invalid is the 422 of GitHub's JSON-schema check, whose message starts
// "Invalid request." (e.g. "Invalid request.\n\nNo more than 50 items are
// allowed; 51 were supplied.").
func (c *call) invalid(detail string) { c.fail(422, "Invalid request.\n\n"+detail, nil) }

// notSupplied words the schema check's complaint about absent required
// fields: `"path" wasn't supplied.`, or for several, sorted,
// `"annotation_level", "path" weren't supplied.` (humanmade/linter-bot#71).
// It is "" when nothing is missing.
func notSupplied(fields map[string]bool) string {
	var names []string
	for _, name := range sortedKeys(fields) {
		if fields[name] {
			names = append(names, strconv.Quote(name))
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0] + " wasn't supplied."
	}
	return strings.Join(names, ", ") + " weren't supplied."
}

// required answers the schema check's 422 if any of fields (name → absent)
// is missing, and reports whether all were present.
func (c *call) required(fields map[string]bool) bool {
	if msg := notSupplied(fields); msg != "" {
		c.invalid(msg)
		return false
	}
	return true
}

// validation is a 422 "Validation Failed" with one field error.
func (c *call) validation(resource, code, field, msg string) {
	c.fail(422, "Validation Failed", []any{fieldError{Resource: resource, Code: code, Field: field, Message: msg}})
}

// statusMessage is the message GitHub puts in bodies of injected statuses.
func statusMessage(status int) string {
	switch status {
	case 500, 502:
		return "Server Error"
	case 503:
		return "Service Unavailable"
	case 504:
		return "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."
	case 404:
		return "Not Found"
	case 422:
		return "Validation Failed"
	}
	return http.StatusText(status)
}

// json answers v as JSON.
func (c *call) json(status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("ghtest: encoding response: %v", err))
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	c.requestID()
	c.status = status
	c.w.WriteHeader(status)
	c.w.Write(buf.Bytes())
}

// text answers a raw body.
func (c *call) text(status int, contentType, body string) {
	c.w.Header().Set("Content-Type", contentType)
	c.requestID()
	c.status = status
	c.w.WriteHeader(status)
	io.WriteString(c.w, body)
}

// noContent answers 204.
func (c *call) noContent() {
	c.requestID()
	c.status = 204
	c.w.WriteHeader(204)
}

// decode reads the JSON request body into v. A body that is not JSON gets
// GitHub's 400 "Problems parsing JSON"; a field of the wrong type gets the
// schema check's 422.
func (c *call) decode(v any) bool {
	if len(bytes.TrimSpace(c.body)) == 0 {
		c.fail(400, "Problems parsing JSON", nil)
		return false
	}
	err := json.Unmarshal(c.body, v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return true
	case errors.As(err, &te):
		// GitHub quotes the offending value; encoding/json only names its
		// kind ("string", "number"), which is what the fake can say.
		var field []string
		for _, part := range strings.Split(te.Field, ".") {
			if strings.ToLower(part) == part { // drop embedded Go struct names
				field = append(field, part)
			}
		}
		c.invalid(fmt.Sprintf("For 'properties/%s', %s is not %s.", strings.Join(field, "."), te.Value, schemaType(te.Type.String())))
	default:
		c.fail(400, "Problems parsing JSON", nil)
	}
	return false
}

// schemaType names a Go type as JSON schema does, with its article.
func schemaType(goType string) string {
	goType = strings.TrimLeft(goType, "*")
	switch {
	case strings.HasPrefix(goType, "int"):
		return "an integer"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "a boolean"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	}
	return "an object"
}

// pageBounds reads per_page (default 30, at most 100) and page (default 1)
// and sets the Link header GitHub sends
// (https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api):
// rel="prev", "next", "last", "first" in that order, each an absolute URL
// of the /repositories/{id}/ form with the request's other parameters kept.
// It returns the slice bounds of the page within total items.
func (c *call) pageBounds(total int) (lo, hi int) {
	q := c.r.URL.Query()
	per := 30
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 {
		per = min(n, 100)
	}
	page := 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		page = n
	}
	last := (total + per - 1) / per
	if last > 1 || page > 1 {
		link := func(p int, rel string) string {
			return fmt.Sprintf("<%s>; rel=%q", c.pageURL(p), rel)
		}
		var links []string
		if page > 1 {
			links = append(links, link(min(page-1, max(last, 1)), "prev"))
		}
		if page < last {
			links = append(links, link(page+1, "next"), link(last, "last"))
		}
		if page > 1 {
			links = append(links, link(1, "first"))
		}
		c.w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo, hi = (page-1)*per, page*per
	lo, hi = min(lo, total), min(hi, total)
	return lo, hi
}

// pageURL is this request's URL at another page, in the /repositories/{id}
// form GitHub's Link headers use.
func (c *call) pageURL(page int) string {
	path := strings.TrimPrefix(c.r.URL.EscapedPath(), apiPrefix)
	if c.repo != nil {
		if segs := strings.SplitN(path, "/", 4); len(segs) >= 3 && segs[0] == "repos" {
			path = fmt.Sprintf("repositories/%d", c.repo.id)
			if len(segs) == 4 {
				path += "/" + segs[3]
			}
		}
	}
	var kept []string
	for _, kv := range strings.Split(c.r.URL.RawQuery, "&") {
		if kv != "" && !strings.HasPrefix(kv, "page=") {
			kept = append(kept, kv)
		}
	}
	kept = append(kept, "page="+strconv.Itoa(page))
	return c.s.srv.URL + apiPrefix + path + "?" + strings.Join(kept, "&")
}

// number is the {number} path parameter; a non-number is GitHub's 404.
func (c *call) number() (int, bool) {
	n, err := strconv.Atoi(c.params["number"])
	if err != nil || n <= 0 {
		c.notFound()
		return 0, false
	}
	return n, true
}

// idParam is the {id} path parameter.
func (c *call) idParam() (int64, bool) {
	n, err := strconv.ParseInt(c.params["id"], 10, 64)
	if err != nil || n <= 0 {
		c.notFound()
		return 0, false
	}
	return n, true
}

// pull is the {number} pull request, or a 404.
func (c *call) pull() (*pullRequest, bool) {
	n, ok := c.number()
	if !ok {
		return nil, false
	}
	p := c.repo.prs[n]
	if p == nil {
		c.notFound()
		return nil, false
	}
	return p, true
}
