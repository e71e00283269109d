package ghtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v66/github"
)

// sampleDiff is a two-file pull request diff:
//
//	main.go   hunk 1: old 1-7, new 1-8 (new 6-7 added, old 6 deleted)
//	          hunk 2: old 20-25, new 21-25 (old 22-23 deleted, new 23 added)
//	README.md new file, lines 1-2
var sampleDiff = lines(
	"diff --git a/main.go b/main.go",
	"index 83db48f..bf269f4 100644",
	"--- a/main.go",
	"+++ b/main.go",
	"@@ -1,7 +1,8 @@",
	" package main",                     // pos 1
	" ",                                 // pos 2
	` import "fmt"`,                     // pos 3
	" ",                                 // pos 4
	" func main() {",                    // pos 5
	`-	fmt.Println("hello")`,            // pos 6, old 6
	`+	fmt.Println("hello, world")`,     // pos 7, new 6
	`+	fmt.Println("bye")`,              // pos 8, new 7
	" }",                                // pos 9, old 7, new 8
	"@@ -20,6 +21,5 @@ func helper() {", // pos 10
	" 	a := 1",                          // old 20, new 21
	" 	b := 2",                          // old 21, new 22
	"-	c := 3",                          // old 22
	"-	return a + b + c",                // old 23
	"+	return a + b",                    // new 23
	" }",                                // old 24, new 24
	" ",                                 // old 25, new 25
	"diff --git a/README.md b/README.md",
	"new file mode 100644",
	"index 0000000..e69de29",
	"--- /dev/null",
	"+++ b/README.md",
	"@@ -0,0 +1,2 @@",
	"+# Title",
	"+text",
)

const (
	owner, repoName = "acme", "widgets"
	baseSHA         = "1111111111111111111111111111111111111111"
	headSHA         = "2222222222222222222222222222222222222222"
)

var ctx = context.Background()

// newServer is a fake with one pull request (#1, sampleDiff) and no write
// gap, so tests that are not about pacing can write freely.
func newServer(t *testing.T) *Server {
	t.Helper()
	s := New(t)
	s.MinWriteGap = 0
	s.AddPR(PR{Owner: owner, Repo: repoName, Number: 1, Title: "Add greeting", Body: "Please review.",
		BaseSHA: baseSHA, HeadSHA: headSHA, Diff: sampleDiff})
	return s
}

// client is a go-github client for s authenticated with token.
func client(t *testing.T, s *Server, token string) *github.Client {
	t.Helper()
	c := github.NewClient(nil)
	if token != "" {
		c = c.WithAuthToken(token)
	}
	c, err := c.WithEnterpriseURLs(s.URL, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// apiError asserts err is a *github.ErrorResponse with status.
func apiError(t *testing.T, err error, status int) *github.ErrorResponse {
	t.Helper()
	var er *github.ErrorResponse
	if !errors.As(err, &er) {
		t.Fatalf("err = %T %v, want *github.ErrorResponse with status %d", err, err, status)
	}
	if er.Response.StatusCode != status {
		t.Fatalf("status = %d (%v), want %d", er.Response.StatusCode, er, status)
	}
	return er
}

func ptr[T any](v T) *T { return &v }

func TestPullRequestJSONDecodesWithGoGitHub(t *testing.T) {
	s := New(t)
	s.AddPR(PR{Owner: owner, Repo: repoName, Number: 7, Title: "From a fork", Draft: true,
		BaseSHA: baseSHA, HeadSHA: headSHA, HeadRepo: "forker/widgets", HeadRef: "patch-1", Author: "forker", Diff: sampleDiff})
	gh := client(t, s, "t")
	pr, _, err := gh.PullRequests.Get(ctx, owner, repoName, 7)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"number", pr.GetNumber(), 7},
		{"state", pr.GetState(), "open"},
		{"draft", pr.GetDraft(), true},
		{"title", pr.GetTitle(), "From a fork"},
		{"user", pr.GetUser().GetLogin(), "forker"},
		{"html_url", pr.GetHTMLURL(), "https://github.com/acme/widgets/pull/7"},
		{"head.sha", pr.GetHead().GetSHA(), headSHA},
		{"head.ref", pr.GetHead().GetRef(), "patch-1"},
		{"head.repo.full_name", pr.GetHead().GetRepo().GetFullName(), "forker/widgets"},
		{"head.repo.fork", pr.GetHead().GetRepo().GetFork(), true},
		{"base.sha", pr.GetBase().GetSHA(), baseSHA},
		{"base.ref", pr.GetBase().GetRef(), "main"},
		{"base.repo.full_name", pr.GetBase().GetRepo().GetFullName(), "acme/widgets"},
		{"base.repo.fork", pr.GetBase().GetRepo().GetFork(), false},
		{"changed_files", pr.GetChangedFiles(), 2},
		{"additions", pr.GetAdditions(), 5},
		{"deletions", pr.GetDeletions(), 3},
		{"commits", pr.GetCommits(), 1},
		{"merge_commit_sha", pr.GetMergeCommitSHA(), s.MergeSHA(owner, repoName, 7)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if pr.GetCreatedAt().IsZero() {
		t.Error("created_at missing")
	}
}

func TestDiffMediaType(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	diff, _, err := gh.PullRequests.GetRaw(ctx, owner, repoName, 1, github.RawOptions{Type: github.Diff})
	if err != nil {
		t.Fatal(err)
	}
	if diff != sampleDiff {
		t.Errorf("diff =\n%s\nwant\n%s", diff, sampleDiff)
	}
	reqs := s.Requests()
	if last := reqs[len(reqs)-1]; last.Accept != "application/vnd.github.v3.diff" || last.Path != "/api/v3/repos/acme/widgets/pulls/1" {
		t.Errorf("request = %+v", last)
	}
}

func TestDiffTooLargeIs406(t *testing.T) {
	s := New(t)
	var many strings.Builder
	for i := 0; i < 301; i++ {
		fmt.Fprintf(&many, "diff --git a/f%d b/f%d\nnew file mode 100644\n--- /dev/null\n+++ b/f%d\n@@ -0,0 +1 @@\n+x\n", i, i, i)
	}
	long := "diff --git a/big b/big\nnew file mode 100644\n--- /dev/null\n+++ b/big\n@@ -0,0 +1,20000 @@\n" + strings.Repeat("+x\n", 20000)
	s.AddPR(PR{Owner: owner, Repo: repoName, Number: 1, Diff: many.String()})
	s.AddPR(PR{Owner: owner, Repo: repoName, Number: 2, Diff: long})
	gh := client(t, s, "t")
	for _, tc := range []struct {
		number int
		msg    string
	}{
		{1, "Sorry, the diff exceeded the maximum number of files (300). Consider using 'List pull requests files' API or locally cloning the repository instead."},
		{2, "Sorry, the diff exceeded the maximum number of lines (20000)"},
	} {
		_, _, err := gh.PullRequests.GetRaw(ctx, owner, repoName, tc.number, github.RawOptions{Type: github.Diff})
		er := apiError(t, err, 406)
		if er.Message != tc.msg {
			t.Errorf("#%d message = %q, want %q", tc.number, er.Message, tc.msg)
		}
		want := github.Error{Resource: "PullRequest", Field: "diff", Code: "too_large"}
		if len(er.Errors) != 1 || er.Errors[0] != want {
			t.Errorf("#%d errors = %+v, want [%+v]", tc.number, er.Errors, want)
		}
		// The JSON form and the files endpoint still answer.
		if pr, _, err := gh.PullRequests.Get(ctx, owner, repoName, tc.number); err != nil || pr.GetChangedFiles() == 0 {
			t.Errorf("#%d JSON: %v %v", tc.number, pr.GetChangedFiles(), err)
		}
	}
}

func TestListFilesPaginatesWithGitHubLinkHeaders(t *testing.T) {
	s := New(t)
	var diff strings.Builder
	for i := 0; i < 3001; i++ {
		fmt.Fprintf(&diff, "diff --git a/f%04d b/f%04d\nnew file mode 100644\n--- /dev/null\n+++ b/f%04d\n@@ -0,0 +1 @@\n+x\n", i, i, i)
	}
	s.AddPR(PR{Owner: owner, Repo: repoName, Number: 1, Diff: diff.String()})
	gh := client(t, s, "t")

	var all []*github.CommitFile
	opts := &github.ListOptions{PerPage: 100}
	pages := 0
	for {
		files, resp, err := gh.PullRequests.ListFiles(ctx, owner, repoName, 1, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, files...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(all) != 3000 || pages != 30 {
		t.Fatalf("listed %d files in %d pages, want GitHub's cap of 3000 in 30", len(all), pages)
	}
	if all[0].GetFilename() != "f0000" || all[2999].GetFilename() != "f2999" || all[0].GetStatus() != "added" ||
		all[0].GetPatch() != "@@ -0,0 +1 @@\n+x" || all[0].GetAdditions() != 1 || all[0].GetChanges() != 1 {
		t.Errorf("files = %+v ... %+v", all[0], all[2999])
	}

	// The header itself, byte for byte, and its URLs are followable.
	resp, err := http.Get(s.URL + "repos/acme/widgets/pulls/1/files?per_page=100&page=2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := s.repos["acme/widgets"].id
	base := fmt.Sprintf("%srepositories/%d/pulls/1/files?per_page=100&page=", s.URL, id)
	want := fmt.Sprintf(`<%s1>; rel="prev", <%s3>; rel="next", <%s30>; rel="last", <%s1>; rel="first"`, base, base, base, base)
	if got := resp.Header.Get("Link"); got != want {
		t.Errorf("Link =\n%s\nwant\n%s", got, want)
	}
	req, _ := gh.NewRequest("GET", base+"3", nil)
	var page3 []*github.CommitFile
	if _, err := gh.Do(ctx, req, &page3); err != nil || len(page3) != 100 || page3[0].GetFilename() != "f0200" {
		t.Errorf("following rel=next: %d files, %v", len(page3), err)
	}
}

// postReview posts a COMMENT review pinned to headSHA.
func postReview(gh *github.Client, comments ...*github.DraftReviewComment) (*github.PullRequestReview, error) {
	rv, _, err := gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
		CommitID: ptr(headSHA), Body: ptr("review body"), Event: ptr("COMMENT"), Comments: comments})
	return rv, err
}

func line(path string, n int, side string) *github.DraftReviewComment {
	return &github.DraftReviewComment{Path: ptr(path), Line: ptr(n), Side: ptr(side), Body: ptr(fmt.Sprintf("%s %s:%d", side, path, n))}
}

func rng(path string, start int, startSide string, end int, side string) *github.DraftReviewComment {
	c := line(path, end, side)
	c.StartLine, c.StartSide = ptr(start), ptr(startSide)
	return c
}

func TestReviewWithAnAnchorOutsideTheDiffIsRejectedWhole(t *testing.T) {
	for _, tc := range []struct {
		name string
		bad  *github.DraftReviewComment
		want string
	}{
		{"line between hunks", line("main.go", 12, "RIGHT"), "Line could not be resolved"},
		{"line past the end", line("main.go", 26, "RIGHT"), "Line could not be resolved"},
		{"LEFT on an added line", line("main.go", 8, "LEFT"), "Line could not be resolved"},
		{"RIGHT on a new file's missing line", line("README.md", 3, "RIGHT"), "Line could not be resolved"},
		{"LEFT on a new file", line("README.md", 1, "LEFT"), "Line could not be resolved"},
		{"file not in the diff", line("other.go", 1, "RIGHT"), "Path could not be resolved"},
		{"range across hunks", rng("main.go", 5, "RIGHT", 21, "RIGHT"), "Pull request review thread start line must be part of the same hunk as the line."},
		{"range start outside", rng("main.go", 12, "RIGHT", 21, "RIGHT"), "Pull request review thread start line must be part of the same hunk as the line."},
		{"range backwards", rng("main.go", 7, "RIGHT", 6, "RIGHT"), "Pull request review thread start line must precede the end line."},
		{"range of one line", rng("main.go", 6, "RIGHT", 6, "RIGHT"), "Pull request review thread start line must precede the end line."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			gh := client(t, s, "t")
			good := line("main.go", 6, "RIGHT")
			_, err := postReview(gh, good, tc.bad)
			er := apiError(t, err, 422)
			if er.Message != "Unprocessable Entity" || len(er.Errors) != 1 || er.Errors[0].Message != tc.want {
				t.Errorf("error = %q %+v, want Unprocessable Entity [%q]", er.Message, er.Errors, tc.want)
			}
			if !strings.HasSuffix(er.DocumentationURL, "#create-a-review-for-a-pull-request") {
				t.Errorf("documentation_url = %q", er.DocumentationURL)
			}
			if n, m := len(s.Reviews(owner, repoName, 1)), len(s.ReviewComments(owner, repoName, 1)); n != 0 || m != 0 {
				t.Errorf("recorded %d reviews and %d comments; a refused review records nothing", n, m)
			}
		})
	}
}

func TestGoodReviewIsRecordedExactly(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	rv, err := postReview(gh,
		line("main.go", 7, "RIGHT"),
		rng("main.go", 6, "RIGHT", 7, "RIGHT"),
		line("main.go", 22, "LEFT"),             // a deleted line
		rng("main.go", 22, "LEFT", 23, "LEFT"),  // a deleted range
		rng("main.go", 22, "LEFT", 23, "RIGHT"), // from deleted to added, one hunk
		line("main.go", 24, "LEFT"),             // context lines are on both sides
		line("README.md", 2, "RIGHT"),           // a new file
		&github.DraftReviewComment{Path: ptr("main.go"), Line: ptr(1), Body: ptr("side defaults to RIGHT")},
	)
	if err != nil {
		t.Fatal(err)
	}
	if rv.GetState() != "COMMENTED" || rv.GetCommitID() != headSHA || rv.GetUser().GetLogin() != "github-actions[bot]" ||
		rv.GetUser().GetType() != "Bot" || rv.GetSubmittedAt().IsZero() {
		t.Errorf("review = %+v", rv)
	}
	type anchor struct {
		path                     string
		startLine, line          int
		startSide, side, subject string
	}
	want := []anchor{
		{"main.go", 0, 7, "", "RIGHT", "line"},
		{"main.go", 6, 7, "RIGHT", "RIGHT", "line"},
		{"main.go", 0, 22, "", "LEFT", "line"},
		{"main.go", 22, 23, "LEFT", "LEFT", "line"},
		{"main.go", 22, 23, "LEFT", "RIGHT", "line"},
		{"main.go", 0, 24, "", "LEFT", "line"},
		{"README.md", 0, 2, "", "RIGHT", "line"},
		{"main.go", 0, 1, "", "RIGHT", "line"},
	}
	reviews := s.Reviews(owner, repoName, 1)
	if len(reviews) != 1 || reviews[0].Event != "COMMENT" || reviews[0].Body != "review body" || len(reviews[0].Comments) != len(want) {
		t.Fatalf("reviews = %+v", reviews)
	}
	for i, c := range s.ReviewComments(owner, repoName, 1) {
		got := anchor{c.Path, c.StartLine, c.Line, c.StartSide, c.Side, c.SubjectType}
		if got != want[i] || c.Position != nil || c.CommitID != headSHA || c.ReviewID != rv.GetID() {
			t.Errorf("comment %d = %+v, want %+v, no position, commit %s", i, c, want[i], headSHA)
		}
	}

	// And the same on the wire, through go-github's list call.
	listed, _, err := gh.PullRequests.ListComments(ctx, owner, repoName, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != len(want) {
		t.Fatalf("listed %d comments", len(listed))
	}
	c := listed[1]
	if c.GetLine() != 7 || c.GetStartLine() != 6 || c.GetSide() != "RIGHT" || c.GetStartSide() != "RIGHT" ||
		c.GetPosition() != 8 || c.GetPath() != "main.go" || c.GetPullRequestReviewID() != rv.GetID() ||
		c.GetSubjectType() != "line" || !strings.HasSuffix(c.GetDiffHunk(), "\n+\tfmt.Println(\"bye\")") ||
		c.GetHTMLURL() != fmt.Sprintf("https://github.com/acme/widgets/pull/1#discussion_r%d", c.GetID()) {
		t.Errorf("listed range comment = %+v", c)
	}
	if listed[0].StartLine != nil || listed[0].StartSide != nil {
		t.Errorf("a one-line comment has null start_line/start_side, got %v %v", listed[0].StartLine, listed[0].StartSide)
	}
	rvs, _, err := gh.PullRequests.ListReviews(ctx, owner, repoName, 1, nil)
	if err != nil || len(rvs) != 1 || rvs[0].GetID() != rv.GetID() {
		t.Errorf("ListReviews = %v, %v", rvs, err)
	}
}

func TestLegacyPositionIsAcceptedButRecorded(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	_, err := postReview(gh, &github.DraftReviewComment{Path: ptr("main.go"), Position: ptr(7), Body: ptr("old style")})
	if err != nil {
		t.Fatal(err)
	}
	c := s.ReviewComments(owner, repoName, 1)[0]
	if c.Position == nil || *c.Position != 7 || c.Line != 6 || c.Side != "RIGHT" {
		t.Errorf("comment = %+v, want position 7 recorded as RIGHT line 6", c)
	}
	_, err = postReview(gh, &github.DraftReviewComment{Path: ptr("main.go"), Position: ptr(10), Body: ptr("on a hunk header")})
	apiError(t, err, 422)
}

func TestReviewCommitMustBeOfThePullRequest(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	for _, sha := range []string{s.MergeSHA(owner, repoName, 1), baseSHA, "3333333333333333333333333333333333333333"} {
		_, _, err := gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
			CommitID: ptr(sha), Body: ptr("x"), Event: ptr("COMMENT")})
		er := apiError(t, err, 422)
		if len(er.Errors) != 1 || er.Errors[0].Message != "The commitOID is not part of the pull request" {
			t.Errorf("commit %s: errors = %+v", sha, er.Errors)
		}
	}

	// After an ordinary push the old head stays part of the pull request,
	// and a review pinned to it is anchored against the old diff.
	newDiff := lines("diff --git a/main.go b/main.go", "--- a/main.go", "+++ b/main.go",
		"@@ -30,2 +30,3 @@", " x", "+y", " z")
	const head2, head3 = "4444444444444444444444444444444444444444", "5555555555555555555555555555555555555555"
	s.Push(owner, repoName, 1, head2, newDiff, false)
	if _, err := postReview(gh, line("main.go", 7, "RIGHT")); err != nil {
		t.Errorf("review pinned to the previous head: %v", err)
	}
	_, _, err := gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
		CommitID: ptr(head2), Event: ptr("COMMENT"), Comments: []*github.DraftReviewComment{line("main.go", 7, "RIGHT")}})
	if er := apiError(t, err, 422); er.Errors[0].Message != "Line could not be resolved" {
		t.Errorf("line 7 is not in the new head's diff: %+v", er.Errors)
	}
	// No commit_id: GitHub pins to the latest head.
	rv, _, err := gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
		Event: ptr("COMMENT"), Comments: []*github.DraftReviewComment{line("main.go", 31, "RIGHT")}})
	if err != nil || rv.GetCommitID() != head2 {
		t.Errorf("default commit = %q, %v; want %s", rv.GetCommitID(), err, head2)
	}

	// After a force-push the old heads are gone from the pull request.
	s.Push(owner, repoName, 1, head3, newDiff, true)
	for _, old := range []string{headSHA, head2} {
		_, _, err = gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
			CommitID: ptr(old), Body: ptr("stale"), Event: ptr("COMMENT")})
		apiError(t, err, 422)
	}
	commits, _, err := gh.PullRequests.ListCommits(ctx, owner, repoName, 1, nil)
	if err != nil || len(commits) != 1 || commits[0].GetSHA() != head3 {
		t.Errorf("commits after force-push = %v, %v", commits, err)
	}
}

func TestReviewEvents(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	_, _, err := gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
		CommitID: ptr(headSHA), Body: ptr("ok"), Event: ptr("LGTM")})
	if er := apiError(t, err, 422); !strings.HasPrefix(er.Message, "Invalid request.") {
		t.Errorf("message = %q", er.Message)
	}
	_, _, err = gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
		CommitID: ptr(headSHA), Event: ptr("REQUEST_CHANGES")})
	if er := apiError(t, err, 422); er.Errors[0].Message != "You need to leave a comment indicating the requested changes." {
		t.Errorf("errors = %+v", er.Errors)
	}
	// APPROVE is GitHub-legal and recorded, so tests can assert it never
	// happens.
	if _, _, err := gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
		CommitID: ptr(headSHA), Event: ptr("APPROVE")}); err != nil {
		t.Fatal(err)
	}
	if rvs := s.Reviews(owner, repoName, 1); len(rvs) != 1 || rvs[0].Event != "APPROVE" || rvs[0].State != "APPROVED" {
		t.Errorf("reviews = %+v", rvs)
	}
	// One pending review per user.
	if _, _, err := gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{CommitID: ptr(headSHA)}); err != nil {
		t.Fatal(err)
	}
	_, _, err = gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{CommitID: ptr(headSHA)})
	if er := apiError(t, err, 422); er.Errors[0].Message != "User can only have one pending review per pull request" {
		t.Errorf("errors = %+v", er.Errors)
	}
	// The bot cannot approve its own pull request.
	s.AddPR(PR{Owner: owner, Repo: repoName, Number: 2, Author: "github-actions[bot]", Diff: sampleDiff})
	_, _, err = gh.PullRequests.CreateReview(ctx, owner, repoName, 2, &github.PullRequestReviewRequest{Event: ptr("APPROVE")})
	if er := apiError(t, err, 422); er.Errors[0].Message != "Can not approve your own pull request" {
		t.Errorf("errors = %+v", er.Errors)
	}
}

func TestSingleReviewComments(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	file, _, err := gh.PullRequests.CreateComment(ctx, owner, repoName, 1, &github.PullRequestComment{
		Body: ptr("about the whole file"), Path: ptr("main.go"), CommitID: ptr(headSHA), SubjectType: ptr("file")})
	if err != nil {
		t.Fatal(err)
	}
	if file.GetSubjectType() != "file" || file.Line != nil || file.Position != nil {
		t.Errorf("file comment = %+v", file)
	}
	_, _, err = gh.PullRequests.CreateComment(ctx, owner, repoName, 1, &github.PullRequestComment{
		Body: ptr("x"), Path: ptr("nope.go"), CommitID: ptr(headSHA), SubjectType: ptr("file")})
	apiError(t, err, 422)

	ranged, _, err := gh.PullRequests.CreateComment(ctx, owner, repoName, 1, &github.PullRequestComment{
		Body: ptr("range"), Path: ptr("main.go"), CommitID: ptr(headSHA), StartLine: ptr(21), StartSide: ptr("RIGHT"), Line: ptr(23), Side: ptr("RIGHT")})
	if err != nil {
		t.Fatal(err)
	}

	_, _, err = gh.PullRequests.CreateComment(ctx, owner, repoName, 1, &github.PullRequestComment{
		Body: ptr("x"), Path: ptr("main.go"), CommitID: ptr(headSHA), Line: ptr(12), Side: ptr("RIGHT")})
	er := apiError(t, err, 422)
	want := github.Error{Resource: "PullRequestReviewComment", Field: "pull_request_review_thread.line", Code: "custom", Message: "could not be resolved"}
	if er.Message != "Validation Failed" || len(er.Errors) != 1 || er.Errors[0] != want {
		t.Errorf("error = %q %+v, want Validation Failed [%+v]", er.Message, er.Errors, want)
	}
	_, _, err = gh.PullRequests.CreateComment(ctx, owner, repoName, 1, &github.PullRequestComment{
		Body: ptr("x"), Path: ptr("main.go"), CommitID: ptr(s.MergeSHA(owner, repoName, 1)), Line: ptr(7)})
	if er := apiError(t, err, 422); er.Errors[0].Field != "end_commit_oid" {
		t.Errorf("errors = %+v", er.Errors)
	}

	reply, _, err := gh.PullRequests.CreateCommentInReplyTo(ctx, owner, repoName, 1, "a reply", ranged.GetID())
	if err != nil {
		t.Fatal(err)
	}
	if reply.GetInReplyTo() != ranged.GetID() || reply.GetLine() != 23 || reply.GetPath() != "main.go" {
		t.Errorf("reply = %+v", reply)
	}
	// go-github's PullRequestComment.InReplyTo is sent as "in_reply_to_id",
	// which GitHub does not read: such a "reply" is a new comment without
	// a commit, and fails.
	_, _, err = gh.PullRequests.CreateComment(ctx, owner, repoName, 1, &github.PullRequestComment{
		Body: ptr("not a reply"), InReplyTo: ptr(ranged.GetID())})
	if er := apiError(t, err, 422); er.Message != "Invalid request.\n\n\"commit_id\", \"path\" weren't supplied." {
		t.Errorf("message = %q", er.Message)
	}

	all := s.ReviewComments(owner, repoName, 1)
	if len(all) != 3 || all[2].InReplyTo != ranged.GetID() || all[0].SubjectType != "file" || all[1].StartLine != 21 {
		t.Errorf("comments = %+v", all)
	}
	// Each comment made outside a review is filed under a review of its
	// own, as on GitHub.
	if rvs := s.Reviews(owner, repoName, 1); len(rvs) != 3 || rvs[0].State != "COMMENTED" {
		t.Errorf("reviews = %+v", rvs)
	}
}

func TestIssueComments(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	for i := 0; i < 70; i++ {
		s.AddIssueComment(owner, repoName, 1, "someone", fmt.Sprintf("noise %d", i))
	}
	summaryID := s.AddIssueComment(owner, repoName, 1, "github-actions[bot]", "<!-- reviewbot:summary -->\nold")

	var found *github.IssueComment
	opts := &github.IssueListCommentsOptions{}
	pages := 0
	for {
		cs, resp, err := gh.Issues.ListComments(ctx, owner, repoName, 1, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, c := range cs {
			if strings.Contains(c.GetBody(), "<!-- reviewbot:summary -->") {
				found = c
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if pages != 3 || found == nil || found.GetID() != summaryID || found.GetUser().GetType() != "Bot" {
		t.Fatalf("pages = %d, summary = %+v", pages, found)
	}
	edited, _, err := gh.Issues.EditComment(ctx, owner, repoName, summaryID, &github.IssueComment{Body: ptr("<!-- reviewbot:summary -->\nnew")})
	if err != nil || edited.GetBody() != "<!-- reviewbot:summary -->\nnew" {
		t.Fatalf("edit: %v %v", edited, err)
	}

	limit := strings.Repeat("é", 65536) // characters, not bytes
	c, _, err := gh.Issues.CreateComment(ctx, owner, repoName, 1, &github.IssueComment{Body: ptr(limit)})
	if err != nil {
		t.Fatalf("65,536 characters: %v", err)
	}
	if c.GetHTMLURL() != fmt.Sprintf("https://github.com/acme/widgets/pull/1#issuecomment-%d", c.GetID()) {
		t.Errorf("html_url = %q", c.GetHTMLURL())
	}
	_, _, err = gh.Issues.CreateComment(ctx, owner, repoName, 1, &github.IssueComment{Body: ptr(limit + "x")})
	er := apiError(t, err, 422)
	want := github.Error{Resource: "IssueComment", Code: "unprocessable", Field: "data", Message: "Body is too long (maximum is 65536 characters)"}
	if er.Message != "Validation Failed" || len(er.Errors) != 1 || er.Errors[0] != want {
		t.Errorf("error = %q %+v", er.Message, er.Errors)
	}
	_, _, err = gh.Issues.EditComment(ctx, owner, repoName, c.GetID(), &github.IssueComment{Body: ptr(limit + "x")})
	if er := apiError(t, err, 422); er.Errors[0].Message != "body is too long (maximum is 65536 characters)" {
		t.Errorf("edit error = %+v", er.Errors)
	}
	if _, err := gh.Issues.DeleteComment(ctx, owner, repoName, c.GetID()); err != nil {
		t.Fatal(err)
	}
	got := s.IssueComments(owner, repoName, 1)
	if len(got) != 71 || got[70].Body != "<!-- reviewbot:summary -->\nnew" || got[70].Updated.Before(got[70].Created) {
		t.Errorf("comments: %d, last %+v", len(got), got[len(got)-1])
	}
	_, _, err = gh.Issues.CreateComment(ctx, owner, repoName, 99, &github.IssueComment{Body: ptr("x")})
	apiError(t, err, 404)
}

func TestTokens(t *testing.T) {
	s := newServer(t)
	// Before Token is called, any token writes.
	if _, _, err := client(t, s, "anything").Issues.CreateComment(ctx, owner, repoName, 1, &github.IssueComment{Body: ptr("hi")}); err != nil {
		t.Fatal(err)
	}
	s.Token("w", "write")
	s.Token("r", "read")
	ro := client(t, s, "r")
	if _, _, err := ro.PullRequests.Get(ctx, owner, repoName, 1); err != nil {
		t.Errorf("read with a read token: %v", err)
	}
	_, err := postReview(ro, line("main.go", 7, "RIGHT"))
	if er := apiError(t, err, 403); er.Message != "Resource not accessible by integration" {
		t.Errorf("message = %q", er.Message)
	}
	_, _, err = ro.Issues.CreateComment(ctx, owner, repoName, 1, &github.IssueComment{Body: ptr("x")})
	apiError(t, err, 403)
	if len(s.Reviews(owner, repoName, 1)) != 0 || len(s.IssueComments(owner, repoName, 1)) != 1 {
		t.Error("a read token's writes were recorded")
	}
	if _, err := postReview(client(t, s, "w"), line("main.go", 7, "RIGHT")); err != nil {
		t.Errorf("write token: %v", err)
	}
	_, _, err = client(t, s, "unknown").PullRequests.Get(ctx, owner, repoName, 1)
	if er := apiError(t, err, 401); er.Message != "Bad credentials" {
		t.Errorf("message = %q", er.Message)
	}
	_, _, err = client(t, s, "").PullRequests.Get(ctx, owner, repoName, 1)
	if er := apiError(t, err, 401); er.Message != "Requires authentication" {
		t.Errorf("message = %q", er.Message)
	}
	if reqs := s.Requests(); reqs[len(reqs)-1].Token != "" || reqs[len(reqs)-2].Token != "unknown" {
		t.Errorf("tokens recorded: %q %q", reqs[len(reqs)-2].Token, reqs[len(reqs)-1].Token)
	}
}

func TestSecondaryRateLimit(t *testing.T) {
	s := newServer(t)
	s.SecondaryLimit(1, 2*time.Second)
	_, resp, err := client(t, s, "t").Issues.CreateComment(ctx, owner, repoName, 1, &github.IssueComment{Body: ptr("x")})
	var ab *github.AbuseRateLimitError
	if !errors.As(err, &ab) {
		t.Fatalf("err = %T %v, want *github.AbuseRateLimitError", err, err)
	}
	if ab.RetryAfter == nil || *ab.RetryAfter != 2*time.Second || !strings.Contains(ab.Message, "secondary rate limit") {
		t.Errorf("RetryAfter = %v, message %q", ab.RetryAfter, ab.Message)
	}
	if resp.StatusCode != 403 || resp.Header.Get("Retry-After") != "2" || resp.Header.Get("X-RateLimit-Remaining") == "0" {
		t.Errorf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	if len(s.IssueComments(owner, repoName, 1)) != 0 {
		t.Error("refused write recorded")
	}
	// Reads are not content creation.
	s.SecondaryLimit(1, time.Second)
	if _, _, err := client(t, s, "t").PullRequests.Get(ctx, owner, repoName, 1); err != nil {
		t.Errorf("read under a secondary limit: %v", err)
	}
	// go-github would now wait out Retry-After by itself; a fresh client
	// shows that the server has only one more refusal queued.
	_, _, err = client(t, s, "t").Issues.CreateComment(ctx, owner, repoName, 1, &github.IssueComment{Body: ptr("x")})
	if !errors.As(err, &ab) {
		t.Errorf("second queued refusal: %v", err)
	}
	if _, _, err := client(t, s, "t").Issues.CreateComment(ctx, owner, repoName, 1, &github.IssueComment{Body: ptr("x")}); err != nil {
		t.Errorf("after the queued refusals: %v", err)
	}
}

func TestPrimaryRateLimit(t *testing.T) {
	s := newServer(t)
	s.PrimaryLimit(1)
	before := time.Now()
	_, _, err := client(t, s, "t").PullRequests.Get(ctx, owner, repoName, 1)
	var rl *github.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %T %v, want *github.RateLimitError", err, err)
	}
	if rl.Rate.Remaining != 0 || rl.Rate.Limit != 5000 || !rl.Rate.Reset.After(before) || rl.Rate.Reset.After(before.Add(3*time.Second)) ||
		!strings.HasPrefix(rl.Message, "API rate limit exceeded") {
		t.Errorf("rate = %+v, message %q", rl.Rate, rl.Message)
	}
	if _, _, err := client(t, s, "t").PullRequests.Get(ctx, owner, repoName, 1); err != nil {
		t.Errorf("after the refusal: %v", err)
	}

	// The 429 form GitHub also sends: go-github v66 does not classify it.
	s.RateLimitStatus = 429
	s.PrimaryLimit(1)
	_, resp, err := client(t, s, "t").PullRequests.Get(ctx, owner, repoName, 1)
	apiError(t, err, 429)
	if resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Reset") == "" {
		t.Errorf("headers = %v", resp.Header)
	}
}

func TestWritesCloserThanMinWriteGapAreRefused(t *testing.T) {
	s := newServer(t)
	s.MinWriteGap = 300 * time.Millisecond
	post := func(token string) error {
		_, _, err := client(t, s, token).Issues.CreateComment(ctx, owner, repoName, 1, &github.IssueComment{Body: ptr("x")})
		return err
	}
	if err := post("a"); err != nil {
		t.Fatal(err)
	}
	err := post("a")
	var ab *github.AbuseRateLimitError
	if !errors.As(err, &ab) || ab.RetryAfter == nil || *ab.RetryAfter != time.Second {
		t.Fatalf("second write within the gap: %v, want a secondary limit with Retry-After 1s", err)
	}
	if err := post("b"); err != nil {
		t.Errorf("another token has its own gap: %v", err)
	}
	time.Sleep(350 * time.Millisecond)
	if err := post("a"); err != nil {
		t.Errorf("after the gap: %v", err)
	}
	if n := len(s.IssueComments(owner, repoName, 1)); n != 3 {
		t.Errorf("recorded %d comments, want 3", n)
	}
	var writes, refused int
	for _, r := range s.Requests() {
		if r.Write {
			writes++
			if r.Status == 403 {
				refused++
			}
		}
	}
	if writes != 4 || refused != 1 {
		t.Errorf("writes %d, refused %d", writes, refused)
	}
}

func annotations(n int) []*github.CheckRunAnnotation {
	var out []*github.CheckRunAnnotation
	for i := 0; i < n; i++ {
		out = append(out, &github.CheckRunAnnotation{Path: ptr("main.go"), StartLine: ptr(i + 1), EndLine: ptr(i + 1),
			AnnotationLevel: ptr("warning"), Message: ptr(fmt.Sprintf("finding %d", i))})
	}
	return out
}

func TestCheckRuns(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	run, _, err := gh.Checks.CreateCheckRun(ctx, owner, repoName, github.CreateCheckRunOptions{
		Name: "reviewbot", HeadSHA: headSHA, Status: ptr("in_progress"),
		Output: &github.CheckRunOutput{Title: ptr("Reviewing"), Summary: ptr("started")}})
	if err != nil {
		t.Fatal(err)
	}
	if run.GetStatus() != "in_progress" || run.Conclusion != nil || run.GetName() != "reviewbot" || run.GetHeadSHA() != headSHA {
		t.Errorf("run = %+v", run)
	}
	update := func(opts github.UpdateCheckRunOptions) error {
		opts.Name = "reviewbot"
		_, _, err := gh.Checks.UpdateCheckRun(ctx, owner, repoName, run.GetID(), opts)
		return err
	}
	if err := update(github.UpdateCheckRunOptions{Output: &github.CheckRunOutput{Title: ptr("Reviewing"), Summary: ptr("half"), Annotations: annotations(50)}}); err != nil {
		t.Fatal(err)
	}
	err = update(github.UpdateCheckRunOptions{Output: &github.CheckRunOutput{Title: ptr("x"), Summary: ptr("x"), Annotations: annotations(51)}})
	if er := apiError(t, err, 422); er.Message != "Invalid request.\n\nNo more than 50 items are allowed; 51 were supplied." {
		t.Errorf("51 annotations: %q", er.Message)
	}
	err = update(github.UpdateCheckRunOptions{Status: ptr("completed")})
	if er := apiError(t, err, 422); er.Message != "Invalid request.\n\n\"conclusion\" wasn't supplied." {
		t.Errorf("completed without conclusion: %q", er.Message)
	}
	err = update(github.UpdateCheckRunOptions{Output: &github.CheckRunOutput{Title: ptr("x"), Summary: ptr(strings.Repeat("a", 65536))}})
	if er := apiError(t, err, 422); er.Message != "Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied." {
		t.Errorf("long summary: %q", er.Message)
	}
	err = update(github.UpdateCheckRunOptions{Output: &github.CheckRunOutput{Title: ptr("x"), Summary: ptr(strings.Repeat("€", 22000))}})
	want := github.Error{Resource: "CheckRun", Code: "custom", Field: "summary", Message: "summary exceeds a maximum bytesize of 65535"}
	if er := apiError(t, err, 422); len(er.Errors) != 1 || er.Errors[0] != want {
		t.Errorf("summary of 22,000 characters and 66,000 bytes: %+v", er.Errors)
	}
	if err := update(github.UpdateCheckRunOptions{Conclusion: ptr("neutral"),
		Output: &github.CheckRunOutput{Title: ptr("Done"), Summary: ptr("3 findings"), Text: ptr("details"), Annotations: annotations(50)}}); err != nil {
		t.Fatal(err)
	}
	runs := s.CheckRuns(owner, repoName)
	if len(runs) != 1 {
		t.Fatalf("runs = %+v", runs)
	}
	r := runs[0]
	if r.Status != "completed" || r.Conclusion != "neutral" || r.Title != "Done" || r.Summary != "3 findings" || r.Text != "details" ||
		len(r.Annotations) != 100 || r.Updates != 2 || r.Annotations[99].Message != "finding 49" || r.Annotations[0].Level != "warning" {
		t.Errorf("run = %+v (%d annotations)", r, len(r.Annotations))
	}
	_, _, err = gh.Checks.CreateCheckRun(ctx, owner, repoName, github.CreateCheckRunOptions{Name: "reviewbot", HeadSHA: "6666666666666666666666666666666666666666"})
	apiError(t, err, 422)
	_, _, err = gh.Checks.CreateCheckRun(ctx, owner, repoName, github.CreateCheckRunOptions{Name: "reviewbot", HeadSHA: headSHA,
		Output: &github.CheckRunOutput{Title: ptr("x"), Summary: ptr("x"), Annotations: []*github.CheckRunAnnotation{
			{Path: ptr("a"), StartLine: ptr(1), EndLine: ptr(1), Message: ptr("m")},
			{StartLine: ptr(1), EndLine: ptr(1), Message: ptr("m")},
		}}})
	if er := apiError(t, err, 422); er.Message != "Invalid request.\n\n\"annotation_level\" wasn't supplied.\n\"annotation_level\", \"path\" weren't supplied." {
		t.Errorf("annotation without level: %q", er.Message)
	}
}

func TestCompareKnowsEachPullRequestsHistory(t *testing.T) {
	s := New(t)
	a1 := lines("diff --git a/a.go b/a.go", "--- a/a.go", "+++ b/a.go", "@@ -1,2 +1,2 @@", "-x", "+X", " y")
	b := lines("diff --git a/b.go b/b.go", "new file mode 100644", "--- /dev/null", "+++ b/b.go", "@@ -0,0 +1 @@", "+b")
	const h1, h2, h3 = "aaaa000000000000000000000000000000000001", "aaaa000000000000000000000000000000000002", "aaaa000000000000000000000000000000000003"
	s.AddPR(PR{Owner: owner, Repo: repoName, Number: 1, BaseSHA: baseSHA, HeadSHA: h1, HeadRef: "topic", Diff: a1})
	s.Push(owner, repoName, 1, h2, a1+b, false)
	gh := client(t, s, "t")
	cmp := func(base, head string) *github.CommitsComparison {
		t.Helper()
		c, _, err := gh.Repositories.CompareCommits(ctx, owner, repoName, base, head, nil)
		if err != nil {
			t.Fatalf("compare %s...%s: %v", base, head, err)
		}
		return c
	}
	files := func(c *github.CommitsComparison) []string {
		var out []string
		for _, f := range c.Files {
			out = append(out, f.GetFilename())
		}
		return out
	}
	for _, tc := range []struct {
		base, head, status string
		ahead, behind      int
		mergeBase          string
		files              string
	}{
		{h1, h2, "ahead", 1, 0, h1, "b.go"},
		{baseSHA, h2, "ahead", 2, 0, baseSHA, "a.go b.go"},
		{"main", "topic", "ahead", 2, 0, baseSHA, "a.go b.go"},
		{h2, h1, "behind", 0, 1, h1, ""},
		{h2, h2, "identical", 0, 0, h2, ""},
	} {
		c := cmp(tc.base, tc.head)
		if c.GetStatus() != tc.status || c.GetAheadBy() != tc.ahead || c.GetBehindBy() != tc.behind ||
			c.GetMergeBaseCommit().GetSHA() != tc.mergeBase || strings.Join(files(c), " ") != tc.files || len(c.Commits) != tc.ahead {
			t.Errorf("%s...%s = %s +%d -%d base %s files %v", tc.base[:4], tc.head[:4], c.GetStatus(), c.GetAheadBy(), c.GetBehindBy(),
				c.GetMergeBaseCommit().GetSHA(), files(c))
		}
	}
	// A force-push: the new head does not descend from the old one.
	s.Push(owner, repoName, 1, h3, b, true)
	c := cmp(h2, h3)
	if c.GetStatus() != "diverged" || c.GetAheadBy() != 1 || c.GetBehindBy() != 2 || c.GetMergeBaseCommit().GetSHA() != baseSHA ||
		strings.Join(files(c), " ") != "b.go" || c.Files[0].GetPatch() != "@@ -0,0 +1 @@\n+b" {
		t.Errorf("after force-push: %s +%d -%d base %s files %v", c.GetStatus(), c.GetAheadBy(), c.GetBehindBy(), c.GetMergeBaseCommit().GetSHA(), files(c))
	}
	// A file that went back to its base content gets the reverse patch.
	s.Push(owner, repoName, 1, "aaaa000000000000000000000000000000000004", b+a1, false)
	s.Push(owner, repoName, 1, "aaaa000000000000000000000000000000000005", b, false)
	c = cmp("aaaa000000000000000000000000000000000004", "aaaa000000000000000000000000000000000005")
	if len(c.Files) != 1 || c.Files[0].GetFilename() != "a.go" || c.Files[0].GetPatch() != "@@ -1,2 +1,2 @@\n-X\n+x\n y" {
		t.Errorf("reverted file: %+v", c.Files)
	}
	_, _, err := gh.Repositories.CompareCommits(ctx, owner, repoName, "main", "nosuchbranch", nil)
	apiError(t, err, 404)
}

func TestContents(t *testing.T) {
	s := newServer(t)
	s.SetFile(owner, repoName, "main", ".github/reviewbot.yml", "max_comments: 5\n")
	s.SetFile(owner, repoName, headSHA, ".github/reviewbot.yml", "max_comments: 500\n")
	gh := client(t, s, "t")
	get := func(ref string) (string, error) {
		f, _, _, err := gh.Repositories.GetContents(ctx, owner, repoName, ".github/reviewbot.yml", &github.RepositoryContentGetOptions{Ref: ref})
		if err != nil {
			return "", err
		}
		return f.GetContent()
	}
	// The base SHA names the same tree as the base branch.
	for _, ref := range []string{"main", baseSHA, ""} {
		if got, err := get(ref); err != nil || got != "max_comments: 5\n" {
			t.Errorf("ref %q: %q, %v", ref, got, err)
		}
	}
	if got, err := get(headSHA); err != nil || got != "max_comments: 500\n" {
		t.Errorf("head: %q, %v", got, err)
	}
	_, _, _, err := gh.Repositories.GetContents(ctx, owner, repoName, "missing.yml", &github.RepositoryContentGetOptions{Ref: "main"})
	apiError(t, err, 404)
	_, dir, _, err := gh.Repositories.GetContents(ctx, owner, repoName, ".github", nil)
	if err != nil || len(dir) != 1 || dir[0].GetName() != "reviewbot.yml" || dir[0].GetType() != "file" {
		t.Errorf("directory: %v, %v", dir, err)
	}
}

func TestFailNextAndLoseNext(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	s.FailNext("GET", "/pulls/1", 502, 2)
	for i := 0; i < 2; i++ {
		_, _, err := gh.PullRequests.Get(ctx, owner, repoName, 1)
		if er := apiError(t, err, 502); er.Message != "Server Error" {
			t.Errorf("message = %q", er.Message)
		}
	}
	if _, _, err := gh.PullRequests.Get(ctx, owner, repoName, 1); err != nil {
		t.Errorf("third try: %v", err)
	}
	s.LoseNext("POST", "/issues/1/comments", 504, 1)
	_, _, err := gh.Issues.CreateComment(ctx, owner, repoName, 1, &github.IssueComment{Body: ptr("did it land?")})
	apiError(t, err, 504)
	if cs := s.IssueComments(owner, repoName, 1); len(cs) != 1 || cs[0].Body != "did it land?" {
		t.Errorf("a lost response still creates the comment: %+v", cs)
	}
}

func TestReactionsPermissionsAndCommits(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	id := s.AddIssueComment(owner, repoName, 1, "maintainer", "/review")
	r1, resp1, err := gh.Reactions.CreateIssueCommentReaction(ctx, owner, repoName, id, "eyes")
	if err != nil || resp1.StatusCode != 201 || r1.GetContent() != "eyes" {
		t.Fatalf("reaction: %v %v", r1, err)
	}
	r2, resp2, err := gh.Reactions.CreateIssueCommentReaction(ctx, owner, repoName, id, "eyes")
	if err != nil || resp2.StatusCode != 200 || r2.GetID() != r1.GetID() {
		t.Errorf("repeated reaction: %d %v", resp2.StatusCode, err)
	}
	_, _, err = gh.Reactions.CreateIssueCommentReaction(ctx, owner, repoName, id, "thumbsup")
	apiError(t, err, 422)
	_, _, err = gh.Reactions.CreateIssueCommentReaction(ctx, owner, repoName, 424242, "eyes")
	apiError(t, err, 404)
	if rx := s.Reactions(); len(rx) != 1 || rx[0].Subject != "issue_comment" || rx[0].CommentID != id || rx[0].User != "github-actions[bot]" {
		t.Errorf("reactions = %+v", rx)
	}

	s.SetPermission(owner, repoName, "maintainer", "maintain")
	for user, want := range map[string][2]string{"maintainer": {"write", "maintain"}, "stranger": {"none", "none"}} {
		p, _, err := gh.Repositories.GetPermissionLevel(ctx, owner, repoName, user)
		if err != nil || p.GetPermission() != want[0] || p.GetRoleName() != want[1] || p.GetUser().GetLogin() != user {
			t.Errorf("%s: %+v %v", user, p, err)
		}
	}
	cs, _, err := gh.Issues.ListComments(ctx, owner, repoName, 1, nil)
	if err != nil || cs[0].GetAuthorAssociation() != "COLLABORATOR" {
		t.Errorf("author_association = %q, %v", cs[0].GetAuthorAssociation(), err)
	}

	s.Push(owner, repoName, 1, "7777777777777777777777777777777777777777", sampleDiff, false)
	commits, _, err := gh.PullRequests.ListCommits(ctx, owner, repoName, 1, nil)
	if err != nil || len(commits) != 2 || commits[0].GetSHA() != headSHA || commits[1].GetSHA() != "7777777777777777777777777777777777777777" ||
		commits[1].Parents[0].GetSHA() != headSHA {
		t.Errorf("commits = %v, %v", commits, err)
	}
}

func TestNotFoundAndAPIPrefix(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	req, _ := gh.NewRequest("GET", "repos/acme/widgets/labels", nil)
	_, err := gh.Do(ctx, req, nil)
	if er := apiError(t, err, 404); er.Message != "Not Found" || er.DocumentationURL == "" {
		t.Errorf("unknown route: %+v", er)
	}
	_, _, err = gh.PullRequests.Get(ctx, "acme", "nope", 1)
	apiError(t, err, 404)
	_, _, err = gh.PullRequests.Get(ctx, owner, repoName, 2)
	apiError(t, err, 404)
	// A client that dropped the /api/v3/ prefix.
	resp, err := http.Get(strings.TrimSuffix(s.URL, "api/v3/") + "repos/acme/widgets/pulls/1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.Contains(string(body), "outside the API prefix") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}

func TestEveryResponseCarriesRateLimitHeaders(t *testing.T) {
	s := newServer(t)
	s.Token("t", "write")
	for _, path := range []string{"repos/acme/widgets/pulls/1", "repos/acme/widgets/pulls/9", "nope", "bad-token", "/outside"} {
		url := s.URL + path
		if path == "/outside" {
			url = strings.TrimSuffix(s.URL, "/api/v3/") + path
		}
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer t")
		if path == "bad-token" {
			req.Header.Set("Authorization", "Bearer wrong")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used", "X-RateLimit-Resource"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s (%d): no %s", path, resp.StatusCode, h)
			}
		}
		if path == "nope" && (resp.Header.Get("X-RateLimit-Used") != "3" || resp.Header.Get("X-RateLimit-Remaining") != "4997") {
			t.Errorf("used %s remaining %s", resp.Header.Get("X-RateLimit-Used"), resp.Header.Get("X-RateLimit-Remaining"))
		}
	}
	_, resp, err := client(t, s, "t").PullRequests.Get(ctx, owner, repoName, 1)
	if err != nil || resp.Rate.Limit != 5000 || resp.Rate.Remaining != 4995 {
		t.Errorf("go-github rate = %+v, %v", resp.Rate, err)
	}
}

func TestAppInstallationToken(t *testing.T) {
	s := newServer(t)
	app := client(t, s, "header.payload.signature") // an App JWT; the fake checks only its shape
	inst, _, err := app.Apps.FindRepositoryInstallation(ctx, owner, repoName)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := app.Apps.CreateInstallationToken(ctx, inst.GetID(), nil)
	if err != nil || !strings.HasPrefix(tok.GetToken(), "ghs_") {
		t.Fatalf("token = %v, %v", tok, err)
	}
	if _, err := postReview(client(t, s, tok.GetToken()), line("main.go", 7, "RIGHT")); err != nil {
		t.Errorf("installation token: %v", err)
	}
	_, _, err = client(t, s, "not-minted").PullRequests.Get(ctx, owner, repoName, 1)
	apiError(t, err, 401)
	_, _, err = client(t, s, tok.GetToken()).Apps.FindRepositoryInstallation(ctx, owner, repoName)
	apiError(t, err, 401)
}

func TestRequestsRecordOverlap(t *testing.T) {
	s := newServer(t)
	// A request whose body is still arriving is in flight.
	pr, pw := io.Pipe()
	slow, _ := http.NewRequest("POST", s.URL+"repos/acme/widgets/issues/1/comments", pr)
	slow.Header.Set("Authorization", "Bearer t")
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(slow)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	pw.Write([]byte(`{"body":`))
	time.Sleep(200 * time.Millisecond) // let the server start on it
	if _, _, err := client(t, s, "t").PullRequests.Get(ctx, owner, repoName, 1); err != nil {
		t.Fatal(err)
	}
	pw.Write([]byte(`"late"}`))
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, _, err := client(t, s, "t").PullRequests.Get(ctx, owner, repoName, 1); err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[0].Method != "POST" || reqs[0].Concurrent != 0 || reqs[0].Status != 201 ||
		reqs[1].Method != "GET" || reqs[1].Concurrent != 1 || reqs[2].Concurrent != 0 {
		for _, r := range reqs {
			t.Logf("%s %s concurrent=%d status=%d", r.Method, r.Path, r.Concurrent, r.Status)
		}
		t.Error("want the GET made during the POST to show one request in flight, and the serial ones none")
	}
}

func TestWrongJSONTypeIsASchemaError(t *testing.T) {
	s := newServer(t)
	c := client(t, s, "t")
	req, _ := c.NewRequest("POST", "repos/acme/widgets/pulls/1/reviews", map[string]any{
		"event": "COMMENT", "comments": []any{map[string]any{"path": "main.go", "line": "7", "body": "x"}}})
	_, err := c.Do(ctx, req, nil)
	if er := apiError(t, err, 422); er.Message != "Invalid request.\n\nFor 'properties/comments.line', string is not an integer." {
		t.Errorf("message = %q", er.Message)
	}
}

func TestOnNextPushesInTheMiddleOfARun(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	pr, _, err := gh.PullRequests.Get(ctx, owner, repoName, 1)
	if err != nil {
		t.Fatal(err)
	}
	const newHead = "8888888888888888888888888888888888888888"
	calls := 0
	s.OnNext("POST", "/pulls/1/reviews", func() { calls++; s.Push(owner, repoName, 1, newHead, sampleDiff, true) })
	_, _, err = gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
		CommitID: ptr(pr.GetHead().GetSHA()), Event: ptr("COMMENT"), Comments: []*github.DraftReviewComment{line("main.go", 7, "RIGHT")}})
	apiError(t, err, 422) // the head it read was force-pushed away meanwhile
	if pr, _, _ := gh.PullRequests.Get(ctx, owner, repoName, 1); pr.GetHead().GetSHA() != newHead {
		t.Errorf("head = %s", pr.GetHead().GetSHA())
	}
	rv, _, err := gh.PullRequests.CreateReview(ctx, owner, repoName, 1, &github.PullRequestReviewRequest{
		CommitID: ptr(newHead), Event: ptr("COMMENT"), Comments: []*github.DraftReviewComment{line("main.go", 7, "RIGHT")}})
	if err != nil || rv.GetCommitID() != newHead || calls != 1 {
		t.Errorf("review on the new head: %v; hook ran %d times, want once", err, calls)
	}
}

func TestListCheckRunsForRefAndGetRepo(t *testing.T) {
	s := newServer(t)
	gh := client(t, s, "t")
	for _, name := range []string{"reviewbot", "other"} {
		if _, _, err := gh.Checks.CreateCheckRun(ctx, owner, repoName, github.CreateCheckRunOptions{Name: name, HeadSHA: headSHA}); err != nil {
			t.Fatal(err)
		}
	}
	res, _, err := gh.Checks.ListCheckRunsForRef(ctx, owner, repoName, headSHA, &github.ListCheckRunsOptions{CheckName: ptr("reviewbot")})
	if err != nil || res.GetTotal() != 1 || res.CheckRuns[0].GetName() != "reviewbot" || res.CheckRuns[0].GetStatus() != "queued" {
		t.Errorf("list = %+v, %v", res, err)
	}
	repo, _, err := gh.Repositories.Get(ctx, owner, repoName)
	if err != nil || repo.GetDefaultBranch() != "main" || repo.GetFullName() != "acme/widgets" {
		t.Errorf("repo = %+v, %v", repo, err)
	}
}
