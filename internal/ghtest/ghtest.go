// Package ghtest is an in-process fake of GitHub's REST API for tests. It
// speaks GitHub's wire format (the shapes go-github decodes) and, more
// importantly, enforces GitHub's rules the way github.com does, so that code
// which posts reviews is tested against the refusals it will meet:
//
//   - review comments must sit on a line of a hunk of the diff of the
//     commit_id they name, on the side they name, and one bad comment
//     rejects the whole review (nothing is recorded);
//   - commit_id must be a commit of the pull request (not the test-merge
//     commit, not a head that a force-push dropped);
//   - bodies are capped at 65,536 characters, check-run summaries at 65,535,
//     annotations at 50 per request;
//   - read-only tokens get 403 "Resource not accessible by integration";
//   - a personal access token (PersonalToken) files what it creates under
//     its user and answers GET /user, which installation tokens may not;
//   - content-creating requests closer than MinWriteGap to the previous one
//     of the same token get a secondary rate limit with Retry-After;
//   - primary and secondary rate limits, 5xx failures and lost responses can
//     be injected.
//
// All routes live under "/api/v3/", as on GitHub Enterprise Server, so that
// a client which builds absolute URLs instead of resolving them against its
// base URL fails (go-github's own tests use the same trick). Everything the
// server was asked and everything it recorded can be inspected afterwards.
//
// Error bodies copy GitHub's real wording where it could be found (see
// README.md in this folder for each string and its source); where GitHub's
// wording is unknown the fake says so in the message ("ghtest: ...").
package ghtest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake GitHub REST API. Create it with New; URL is its REST base
// URL, "http://127.0.0.1:port/api/v3/", ready for go-github's
// WithEnterpriseURLs or for REVIEWBOT_GITHUB_API_URL / GITHUB_API_URL.
type Server struct {
	// URL is the REST base URL, ending in "/api/v3/".
	URL string

	// MinWriteGap is the least time between two content-creating requests
	// (POST, PATCH, PUT, DELETE) of one token; a write that comes sooner
	// gets a 403 secondary rate limit with Retry-After. GitHub's advice is
	// to wait at least one second between writes
	// (https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#pause-between-mutative-requests),
	// so New sets 1s; 0 turns the check off. A refused write counts as the
	// previous one, so a client that retries at once stays refused, and one
	// that waits Retry-After gets through. Set it before the first request.
	MinWriteGap time.Duration

	// RateLimitStatus is the status code of rate-limit refusals, primary and
	// secondary: 403 (New's default) or 429. GitHub documents both
	// (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
	// go-github v66 turns only the 403 form into *github.RateLimitError or
	// *github.AbuseRateLimitError; a 429 reaches the caller as a plain
	// *github.ErrorResponse, which is what setting 429 tests. Set it before
	// the first request.
	RateLimitStatus int

	// BotLogin is the login everything created through the API is filed
	// under (comments, reviews, reactions); New sets "github-actions[bot]",
	// the author of what the Action's GITHUB_TOKEN posts. Set it before the
	// first request.
	BotLogin string

	t   testing.TB
	srv *httptest.Server

	flightMu sync.Mutex
	inFlight map[string]int // token → requests being served

	mu        sync.Mutex
	nextID    int64
	repos     map[string]*repo // by "owner/name"
	repoByID  map[int64]*repo
	tokens    map[string]string // token → "write" | "read"
	patUsers  map[string]string // personal access token → its user's login
	users     map[string]int64  // login → user id
	requests  []Request
	lastWrite map[string]time.Time // token → arrival of its last write
	used      map[string]int       // token → requests in this rate-limit window
	window    time.Time            // start of the rate-limit window
	secondary []injected           // queued secondary-limit refusals
	primary   int                  // queued primary-limit refusals
	failures  []*failure
	reactions []Reaction
	hooks     []*hook
}

// hook is an OnNext callback.
type hook struct {
	method, suffix string
	fn             func()
	done           bool
}

// injected is one queued secondary-limit refusal.
type injected struct{ retryAfter time.Duration }

// failure is a FailNext or LoseNext rule.
type failure struct {
	method, suffix string
	status, left   int
	after          bool // LoseNext: carry the request out, then fail the response
}

// repo is everything the fake knows about one repository.
type repo struct {
	id           int64
	owner, name  string
	prs          map[int]*pullRequest
	commits      map[string]*commit // sha → commit, across all its pull requests
	files        map[string]map[string]string
	perms        map[string]string // login → role
	compares     map[string]*parsedDiff
	issueCmts    []*issueComment
	reviews      []*review
	reviewCmts   []*reviewComment
	checkRuns    []*CheckRun
	installation int64
}

// commit is a node of a pull request's history. Each head's parent is the
// previous head, or the base after a forced push, so the graph answers
// "ahead", "behind" and "diverged" as git would.
type commit struct {
	sha    string
	parent string
	number int         // the pull request it belongs to; 0 for a base commit
	diff   *parsedDiff // base...this commit; nil for a base commit
	at     time.Time
}

// pullRequest is a registered pull request and its history.
type pullRequest struct {
	PR
	id      int64
	created time.Time
	updated time.Time
	diff    *parsedDiff
}

// PR describes a pull request for AddPR.
type PR struct {
	Owner, Repo string
	Number      int
	Title, Body string
	Draft       bool
	State       string // "open" (the default) or "closed"
	BaseRef     string // default "main"
	HeadRef     string // default "feature"
	// BaseSHA and HeadSHA are 40-hex commit ids; empty ones are made up
	// from the pull request's coordinates.
	BaseSHA, HeadSHA string
	// HeadRepo is the "owner/name" of the head repository; it differs from
	// Owner/Repo for a pull request from a fork. Default Owner/Repo.
	HeadRepo string
	// Author is the login that opened the pull request; default "octocat".
	Author string
	// Diff is the unified git diff base...head, what GET pull with the diff
	// media type returns and what review comments are anchored against.
	Diff string
}

// Comment is an issue (conversation) comment.
type Comment struct {
	ID               int64
	Body, User       string
	HTMLURL          string
	Created, Updated time.Time
}

// Review is a submitted (or pending) pull request review.
type Review struct {
	ID       int64
	CommitID string
	// Event is what the request asked for: "COMMENT", "APPROVE",
	// "REQUEST_CHANGES", or "" for a pending review. A comment created on
	// its own through POST .../pulls/{n}/comments makes a review too, as on
	// GitHub, with Event "COMMENT".
	Event string
	Body  string
	// State is GitHub's: COMMENTED, APPROVED, CHANGES_REQUESTED or PENDING.
	State     string
	User      string
	Submitted time.Time
	Comments  []ReviewComment
}

// ReviewComment is an inline or file-level review comment.
type ReviewComment struct {
	ID, ReviewID int64
	InReplyTo    int64
	Path         string
	// Line and StartLine are as anchored (StartLine 0 for a one-line
	// comment); both 0 for a file-level comment.
	Line, StartLine int
	Side, StartSide string
	SubjectType     string // "line" or "file"
	CommitID        string
	Body            string
	User            string
	// Position is the legacy diff position if the request used one (which
	// reviewbot never should); nil otherwise.
	Position *int
	Created  time.Time
}

// CheckRun is a check run with its accumulated output.
type CheckRun struct {
	ID                 int64
	Name, HeadSHA      string
	Status, Conclusion string
	Title, Summary     string
	Text               string
	DetailsURL         string
	ExternalID         string
	Annotations        []Annotation
	Updates            int // PATCH requests that changed it
	Started, Completed time.Time
}

// Annotation is one check-run annotation.
type Annotation struct {
	Path                   string
	StartLine, EndLine     int
	StartColumn, EndColumn int
	Level                  string // notice, warning, failure
	Message, Title         string
	RawDetails             string
}

// Reaction is a reaction created through the API.
type Reaction struct {
	ID          int64
	Owner, Repo string
	// Subject is "issue_comment" or "pull_request_review_comment".
	Subject   string
	CommentID int64
	Content   string
	User      string
}

// Request is one request the server answered.
type Request struct {
	Method string
	Path   string // as received, "/api/v3/..." included
	Query  string // raw query
	Accept string
	Token  string // "" when the request carried none
	Body   string
	Status int // status the client got
	At     time.Time
	// Write is true for content-creating methods: POST, PATCH, PUT, DELETE.
	Write bool
	// Concurrent is how many other requests with the same token the server
	// was still handling when this one arrived. A client that makes its
	// requests one at a time (SPEC 5 asks it of writes) shows 0 on every
	// request; GitHub itself only refuses past 100 concurrent requests.
	Concurrent int
}

// New starts a fake GitHub; t.Cleanup stops it.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		MinWriteGap:     time.Second,
		RateLimitStatus: 403,
		BotLogin:        "github-actions[bot]",
		t:               t,
		nextID:          1000,
		repos:           map[string]*repo{},
		repoByID:        map[int64]*repo{},
		tokens:          map[string]string{},
		patUsers:        map[string]string{},
		users:           map[string]int64{},
		lastWrite:       map[string]time.Time{},
		inFlight:        map[string]int{},
		used:            map[string]int{},
		window:          time.Now(),
	}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL + apiPrefix
	t.Cleanup(s.srv.Close)
	return s
}

// apiPrefix is where every route lives.
const apiPrefix = "/api/v3/"

// webURL is the GitHub web host html_url fields point to.
const webURL = "https://github.com"

// id hands out the next object id. One counter for every kind of object,
// so that passing a review id where a comment id belongs finds nothing.
func (s *Server) id() int64 {
	s.nextID++
	return s.nextID
}

// repoLocked returns the repository, creating it on first mention.
func (s *Server) repoLocked(owner, name string) *repo {
	key := strings.ToLower(owner + "/" + name) // GitHub's names are case-insensitive
	r := s.repos[key]
	if r == nil {
		r = &repo{id: s.id(), owner: owner, name: name, prs: map[int]*pullRequest{},
			commits: map[string]*commit{}, files: map[string]map[string]string{},
			perms: map[string]string{}, compares: map[string]*parsedDiff{}}
		s.repos[key] = r
		s.repoByID[r.id] = r
	}
	return r
}

// findRepo returns a known repository or nil.
func (s *Server) findRepo(owner, name string) *repo {
	return s.repos[strings.ToLower(owner+"/"+name)]
}

// fakeSHA makes a stable 40-hex id from seed.
func fakeSHA(seed string) string {
	h := sha1.Sum([]byte(seed))
	return hex.EncodeToString(h[:])
}

// AddPR registers a pull request, or replaces one with the same number
// (its history restarts at pr.HeadSHA; comments and reviews stay). A diff
// that cannot be parsed fails the test.
func (s *Server) AddPR(pr PR) {
	s.t.Helper()
	d, err := parseDiff(pr.Diff)
	if err != nil {
		s.t.Fatalf("ghtest: AddPR %s/%s#%d: %v", pr.Owner, pr.Repo, pr.Number, err)
	}
	if pr.State == "" {
		pr.State = "open"
	}
	if pr.BaseRef == "" {
		pr.BaseRef = "main"
	}
	if pr.HeadRef == "" {
		pr.HeadRef = "feature"
	}
	if pr.Author == "" {
		pr.Author = "octocat"
	}
	if pr.HeadRepo == "" {
		pr.HeadRepo = pr.Owner + "/" + pr.Repo
	}
	coords := fmt.Sprintf("%s/%s#%d", pr.Owner, pr.Repo, pr.Number)
	if pr.BaseSHA == "" {
		pr.BaseSHA = fakeSHA("base " + coords)
	}
	if pr.HeadSHA == "" {
		pr.HeadSHA = fakeSHA("head " + coords)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repoLocked(pr.Owner, pr.Repo)
	now := time.Now()
	p := r.prs[pr.Number]
	if p == nil {
		p = &pullRequest{id: s.id(), created: now}
		r.prs[pr.Number] = p
	}
	p.PR, p.diff, p.updated = pr, d, now
	if c := r.commits[pr.BaseSHA]; c == nil {
		r.commits[pr.BaseSHA] = &commit{sha: pr.BaseSHA, at: now}
	}
	r.commits[pr.HeadSHA] = &commit{sha: pr.HeadSHA, parent: pr.BaseSHA, number: pr.Number, diff: d, at: now}
}

// Push gives a pull request a new head and its diff (base...head, the whole
// pull request's diff, not the increment). forced=true is a force-push: the
// old head is not an ancestor of the new one, the compare API answers
// "diverged", and commits of the old history stop being part of the pull
// request (GitHub then refuses reviews pinned to them). Otherwise the new
// head follows the old one ("ahead").
func (s *Server) Push(owner, repoName string, number int, headSHA, diff string, forced bool) {
	s.t.Helper()
	d, err := parseDiff(diff)
	if err != nil {
		s.t.Fatalf("ghtest: Push %s/%s#%d: %v", owner, repoName, number, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.findRepo(owner, repoName)
	if r == nil || r.prs[number] == nil {
		s.t.Fatalf("ghtest: Push to unknown pull request %s/%s#%d", owner, repoName, number)
		return
	}
	p := r.prs[number]
	parent := p.HeadSHA
	if forced {
		parent = p.BaseSHA
	}
	if headSHA == p.HeadSHA {
		s.t.Fatalf("ghtest: Push %s/%s#%d: %s is already the head", owner, repoName, number, headSHA)
	}
	now := time.Now()
	r.commits[headSHA] = &commit{sha: headSHA, parent: parent, number: number, diff: d, at: now}
	p.HeadSHA, p.Diff, p.diff, p.updated = headSHA, diff, d, now
}

// SetCompareDiff sets the diff the compare API returns for base...head
// (SHAs or refs as the request will name them). Without one, comparing two
// heads of a pull request lists exactly the files that changed between
// them, but each file's patch is its whole pull-request patch: the fake
// keeps only cumulative diffs.
func (s *Server) SetCompareDiff(owner, repoName, base, head, diff string) {
	s.t.Helper()
	d, err := parseDiff(diff)
	if err != nil {
		s.t.Fatalf("ghtest: SetCompareDiff: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repoLocked(owner, repoName).compares[base+"..."+head] = d
}

// MergeSHA is the pull request's test-merge commit (merge_commit_sha, and
// GITHUB_SHA in a pull_request workflow). It is not a commit of the pull
// request: a review pinned to it gets 422, as on GitHub.
func (s *Server) MergeSHA(owner, repoName string, number int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.findRepo(owner, repoName); r != nil && r.prs[number] != nil {
		p := r.prs[number]
		return fakeSHA("merge " + p.BaseSHA + " " + p.HeadSHA)
	}
	return ""
}

// SetFile sets a file for the contents API at ref (a branch, tag or SHA; a
// pull request's base branch and base SHA name the same tree, and so do its
// head branch and head SHA). Content "" removes the file.
func (s *Server) SetFile(owner, repoName, ref, path, content string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repoLocked(owner, repoName)
	ref = strings.TrimPrefix(ref, "refs/heads/")
	if r.files[ref] == nil {
		r.files[ref] = map[string]string{}
	}
	path = strings.Trim(path, "/")
	if content == "" {
		delete(r.files[ref], path)
		return
	}
	r.files[ref][path] = content
}

// Token registers a token with "write" or "read" permission. Once any token
// is registered, requests with an unknown token get 401 "Bad credentials";
// before that, every token is a write token. A request without a token
// always gets 401 "Requires authentication" for writes (GitHub's answer),
// and for reads too once tokens are registered.
func (s *Server) Token(token, perm string) {
	s.t.Helper()
	if perm != "write" && perm != "read" {
		s.t.Fatalf("ghtest: Token perm %q, want write or read", perm)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = perm
}

// PersonalToken registers token as a personal access token of user login
// with write permission: what it creates is filed under login (not
// BotLogin), and GET /user answers with login. Every other token is an
// installation token (GITHUB_TOKEN, a GitHub App's), for which GET /user
// is 403 "Resource not accessible by integration", as on GitHub.
func (s *Server) PersonalToken(token, login string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = "write"
	s.patUsers[token] = login
}

// author is the login what this call creates is filed under.
func (c *call) author() string {
	if u := c.s.patUsers[c.token]; u != "" {
		return u
	}
	return c.s.BotLogin
}

// authenticatedUser serves GET /user: the user of a personal access
// token; installation tokens have none.
func (c *call) authenticatedUser() {
	u := c.s.patUsers[c.token]
	if u == "" {
		c.fail(403, "Resource not accessible by integration", nil)
		return
	}
	c.json(200, c.s.user(u))
}

// SetPermission sets a user's role on a repository, as the collaborator
// permission API reports it: admin, maintain, write, triage, read or none.
// It also decides the author_association of the user's seeded comments.
func (s *Server) SetPermission(owner, repoName, user, perm string) {
	s.t.Helper()
	switch perm {
	case "admin", "maintain", "write", "triage", "read", "none":
	default:
		s.t.Fatalf("ghtest: SetPermission %q: want admin, maintain, write, triage, read or none", perm)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repoLocked(owner, repoName).perms[strings.ToLower(user)] = perm
}

// SecondaryLimit makes the next n content-creating requests get GitHub's
// secondary rate limit: 403 (or RateLimitStatus), a message saying
// "secondary rate limit", and Retry-After in whole seconds (rounded up; 0
// sends "0", for tests that must not wait).
func (s *Server) SecondaryLimit(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.secondary = append(s.secondary, injected{retryAfter})
	}
}

// PrimaryLimit makes the next n requests, reads included, get GitHub's
// primary rate limit: 403 (or RateLimitStatus), x-ratelimit-remaining: 0 and
// x-ratelimit-reset one to two seconds ahead. go-github remembers the reset
// and refuses further requests itself until then, so each refusal costs a
// client that waits about two seconds.
func (s *Server) PrimaryLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.primary += n
}

// FailNext makes the next n requests whose method is method ("" for any)
// and whose path ends with pathSuffix (query excluded) answer status with a
// GitHub-shaped error body, without being carried out.
func (s *Server) FailNext(method, pathSuffix string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{method: method, suffix: pathSuffix, status: status, left: n})
}

// LoseNext is FailNext after the fact: the next n matching requests are
// carried out (the comment is created, the review recorded) but the client
// gets status, as when GitHub times out behind a proxy after committing the
// write. A client that retries blindly posts twice.
func (s *Server) LoseNext(method, pathSuffix string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{method: method, suffix: pathSuffix, status: status, left: n, after: true})
}

// OnNext runs fn once, just before the server handles the next request
// whose method is method ("" for any) and whose path ends with pathSuffix:
// the way to make something happen in the middle of a run, such as a push
// landing between reading a pull request and posting its review:
//
//	s.OnNext("POST", "/pulls/1/reviews", func() { s.Push(owner, repo, 1, newHead, newDiff, false) })
//
// fn runs on the server's goroutine, outside its lock, so it may call any
// Server method; it must not call t.Fatal (use t.Error).
func (s *Server) OnNext(method, pathSuffix string, fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, &hook{method: method, suffix: pathSuffix, fn: fn})
}

// AddIssueComment seeds a conversation comment by user on a pull request
// (a previous summary, or other users' comments to paginate through) and
// returns its id.
func (s *Server) AddIssueComment(owner, repoName string, number int, user, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repoLocked(owner, repoName)
	now := time.Now()
	c := &issueComment{id: s.id(), number: number, body: body, user: user, created: now, updated: now}
	r.issueCmts = append(r.issueCmts, c)
	return c.id
}

// IssueComments returns the pull request's conversation comments, oldest
// first.
func (s *Server) IssueComments(owner, repoName string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	if r := s.findRepo(owner, repoName); r != nil {
		for _, c := range r.issueCmts {
			if c.number == number {
				out = append(out, Comment{ID: c.id, Body: c.body, User: c.user,
					HTMLURL: r.issueCommentHTML(c), Created: c.created, Updated: c.updated})
			}
		}
	}
	return out
}

// Reviews returns the pull request's reviews, oldest first, each with its
// comments.
func (s *Server) Reviews(owner, repoName string, number int) []Review {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Review
	r := s.findRepo(owner, repoName)
	if r == nil {
		return nil
	}
	for _, rv := range r.reviews {
		if rv.number != number {
			continue
		}
		v := Review{ID: rv.id, CommitID: rv.commitID, Event: rv.event, Body: rv.body,
			State: rv.state, User: rv.user, Submitted: rv.submitted}
		for _, c := range r.reviewCmts {
			if c.reviewID == rv.id {
				v.Comments = append(v.Comments, c.export())
			}
		}
		out = append(out, v)
	}
	return out
}

// ReviewComments returns every review comment of the pull request, inline
// and file-level, replies included, oldest first.
func (s *Server) ReviewComments(owner, repoName string, number int) []ReviewComment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ReviewComment
	if r := s.findRepo(owner, repoName); r != nil {
		for _, c := range r.reviewCmts {
			if c.number == number {
				out = append(out, c.export())
			}
		}
	}
	return out
}

// CheckRuns returns the repository's check runs, oldest first.
func (s *Server) CheckRuns(owner, repoName string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CheckRun
	if r := s.findRepo(owner, repoName); r != nil {
		for _, c := range r.checkRuns {
			cr := *c
			cr.Annotations = append([]Annotation(nil), c.Annotations...)
			out = append(out, cr)
		}
	}
	return out
}

// Reactions returns every reaction created through the API, oldest first.
func (s *Server) Reactions() []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reaction(nil), s.reactions...)
}

// Requests returns every request answered so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Request(nil), s.requests...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// issueComment is a stored conversation comment.
type issueComment struct {
	id               int64
	number           int
	body, user       string
	created, updated time.Time
}

func (r *repo) issueCommentHTML(c *issueComment) string {
	return fmt.Sprintf("%s/%s/%s/pull/%d#issuecomment-%d", webURL, r.owner, r.name, c.number, c.id)
}

// review is a stored review.
type review struct {
	id                 int64
	number             int
	commitID           string
	event, state, body string
	user               string
	submitted          time.Time
}

// reviewComment is a stored review comment.
type reviewComment struct {
	id, reviewID, inReplyTo int64
	number                  int
	path                    string
	line, startLine         int
	side, startSide         string
	subjectType             string
	commitID                string
	body, user              string
	position                *int // as requested (legacy)
	diffPos                 int  // position of line in the commit's diff; 0 for file-level
	diffHunk                string
	created, updated        time.Time
	pending                 bool
}

func (c *reviewComment) export() ReviewComment {
	rc := ReviewComment{ID: c.id, ReviewID: c.reviewID, InReplyTo: c.inReplyTo, Path: c.path,
		Line: c.line, StartLine: c.startLine, Side: c.side, StartSide: c.startSide,
		SubjectType: c.subjectType, CommitID: c.commitID, Body: c.body, User: c.user, Created: c.created}
	if c.position != nil {
		p := *c.position
		rc.Position = &p
	}
	return rc
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
