package ghtest

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// The wire types below are the fake's own statement of GitHub's JSON, with
// field names from GitHub's OpenAPI description (api.github.com,
// @octokit/openapi 23.0.2). They are not go-github's types on purpose: the
// tests decode them with go-github, which is what proves the shapes.

// stamp is a GitHub timestamp: UTC, whole seconds, "2011-04-14T16:00:49Z".
type stamp time.Time

// MarshalJSON writes the timestamp as GitHub does; the zero time is null.
func (t stamp) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05Z") + `"`), nil
}

// wireUser is a user (or bot) object.
type wireUser struct {
	Login     string `json:"login"`
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	AvatarURL string `json:"avatar_url"`
	URL       string `json:"url"`
	HTMLURL   string `json:"html_url"`
	Type      string `json:"type"`
	SiteAdmin bool   `json:"site_admin"`
}

// user is login's user object. Logins ending in "[bot]" are bots, as
// GitHub names App and Actions accounts.
func (s *Server) user(login string) wireUser {
	key := strings.ToLower(login)
	id := s.users[key]
	if id == 0 {
		id = s.id()
		s.users[key] = id
	}
	u := wireUser{Login: login, ID: id, NodeID: nodeID("U", id),
		AvatarURL: fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", id),
		URL:       s.URL + "users/" + login, HTMLURL: webURL + "/" + login, Type: "User"}
	if slug, ok := strings.CutSuffix(login, "[bot]"); ok {
		u.Type = "Bot"
		u.HTMLURL = webURL + "/apps/" + slug
		u.AvatarURL = fmt.Sprintf("https://avatars.githubusercontent.com/in/%d?v=4", id)
	}
	return u
}

// nodeID is a GraphQL-looking global id.
func nodeID(kind string, id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("0%s:%s%d", kind, kind, id)))
}

// blobSHA is git's object id of a blob with this content.
func blobSHA(content string) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write([]byte(content))
	return hex.EncodeToString(h.Sum(nil))
}

// association is GitHub's author_association of login on r: OWNER for the
// repository's owner, COLLABORATOR for write access or more, NONE else.
// (MEMBER needs organisations, which the fake does not model.)
func (r *repo) association(login string) string {
	if strings.EqualFold(login, r.owner) {
		return "OWNER"
	}
	switch r.perms[strings.ToLower(login)] {
	case "admin", "maintain", "write":
		return "COLLABORATOR"
	}
	return "NONE"
}

func (s *Server) apiRepoURL(r *repo) string { return s.URL + "repos/" + r.owner + "/" + r.name }
func webRepoURL(r *repo) string             { return webURL + "/" + r.owner + "/" + r.name }

// wireRepo is the short repository object of pull requests and GET repos.
type wireRepo struct {
	ID            int64    `json:"id"`
	NodeID        string   `json:"node_id"`
	Name          string   `json:"name"`
	FullName      string   `json:"full_name"`
	Owner         wireUser `json:"owner"`
	Private       bool     `json:"private"`
	HTMLURL       string   `json:"html_url"`
	Fork          bool     `json:"fork"`
	URL           string   `json:"url"`
	DefaultBranch string   `json:"default_branch"`
}

// wireBranch is a pull request's head or base.
type wireBranch struct {
	Label string   `json:"label"`
	Ref   string   `json:"ref"`
	SHA   string   `json:"sha"`
	User  wireUser `json:"user"`
	Repo  wireRepo `json:"repo"`
}

// wirePull is GET /repos/{o}/{r}/pulls/{n}.
type wirePull struct {
	URL                 string     `json:"url"`
	ID                  int64      `json:"id"`
	NodeID              string     `json:"node_id"`
	HTMLURL             string     `json:"html_url"`
	DiffURL             string     `json:"diff_url"`
	PatchURL            string     `json:"patch_url"`
	IssueURL            string     `json:"issue_url"`
	CommitsURL          string     `json:"commits_url"`
	ReviewCommentsURL   string     `json:"review_comments_url"`
	CommentsURL         string     `json:"comments_url"`
	StatusesURL         string     `json:"statuses_url"`
	Number              int        `json:"number"`
	State               string     `json:"state"`
	Locked              bool       `json:"locked"`
	Title               string     `json:"title"`
	User                wireUser   `json:"user"`
	Body                *string    `json:"body"`
	Labels              []struct{} `json:"labels"`
	CreatedAt           stamp      `json:"created_at"`
	UpdatedAt           stamp      `json:"updated_at"`
	ClosedAt            stamp      `json:"closed_at"`
	MergedAt            stamp      `json:"merged_at"`
	MergeCommitSHA      string     `json:"merge_commit_sha"`
	Draft               bool       `json:"draft"`
	Head                wireBranch `json:"head"`
	Base                wireBranch `json:"base"`
	AuthorAssociation   string     `json:"author_association"`
	Merged              bool       `json:"merged"`
	Mergeable           *bool      `json:"mergeable"`
	MergeableState      string     `json:"mergeable_state"`
	Comments            int        `json:"comments"`
	ReviewComments      int        `json:"review_comments"`
	MaintainerCanModify bool       `json:"maintainer_can_modify"`
	Commits             int        `json:"commits"`
	Additions           int        `json:"additions"`
	Deletions           int        `json:"deletions"`
	ChangedFiles        int        `json:"changed_files"`
}

// wireFile is one file of GET .../pulls/{n}/files and of compare.
type wireFile struct {
	SHA              string `json:"sha"`
	Filename         string `json:"filename"`
	Status           string `json:"status"`
	Additions        int    `json:"additions"`
	Deletions        int    `json:"deletions"`
	Changes          int    `json:"changes"`
	BlobURL          string `json:"blob_url"`
	RawURL           string `json:"raw_url"`
	ContentsURL      string `json:"contents_url"`
	Patch            string `json:"patch,omitempty"`
	PreviousFilename string `json:"previous_filename,omitempty"`
}

// wireGitActor is a commit's author or committer.
type wireGitActor struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Date  stamp  `json:"date"`
}

// wireCommit is a commit of GET .../pulls/{n}/commits and of compare.
type wireCommit struct {
	SHA         string `json:"sha"`
	NodeID      string `json:"node_id"`
	URL         string `json:"url"`
	HTMLURL     string `json:"html_url"`
	CommentsURL string `json:"comments_url"`
	Commit      struct {
		URL          string       `json:"url"`
		Author       wireGitActor `json:"author"`
		Committer    wireGitActor `json:"committer"`
		Message      string       `json:"message"`
		Tree         wireSHAURL   `json:"tree"`
		CommentCount int          `json:"comment_count"`
	} `json:"commit"`
	Author    *wireUser    `json:"author"`
	Committer *wireUser    `json:"committer"`
	Parents   []wireSHAURL `json:"parents"`
}

// wireSHAURL is a tree or parent reference.
type wireSHAURL struct {
	SHA     string `json:"sha"`
	URL     string `json:"url"`
	HTMLURL string `json:"html_url,omitempty"`
}

// wireCompare is GET .../compare/{base}...{head}.
type wireCompare struct {
	URL             string       `json:"url"`
	HTMLURL         string       `json:"html_url"`
	PermalinkURL    string       `json:"permalink_url"`
	DiffURL         string       `json:"diff_url"`
	PatchURL        string       `json:"patch_url"`
	BaseCommit      wireCommit   `json:"base_commit"`
	MergeBaseCommit wireCommit   `json:"merge_base_commit"`
	Status          string       `json:"status"`
	AheadBy         int          `json:"ahead_by"`
	BehindBy        int          `json:"behind_by"`
	TotalCommits    int          `json:"total_commits"`
	Commits         []wireCommit `json:"commits"`
	Files           []wireFile   `json:"files"`
}

// wireIssueComment is a conversation comment.
type wireIssueComment struct {
	ID                int64    `json:"id"`
	NodeID            string   `json:"node_id"`
	URL               string   `json:"url"`
	HTMLURL           string   `json:"html_url"`
	Body              string   `json:"body"`
	User              wireUser `json:"user"`
	CreatedAt         stamp    `json:"created_at"`
	UpdatedAt         stamp    `json:"updated_at"`
	IssueURL          string   `json:"issue_url"`
	AuthorAssociation string   `json:"author_association"`
}

// wireReview is a pull request review.
type wireReview struct {
	ID                int64    `json:"id"`
	NodeID            string   `json:"node_id"`
	User              wireUser `json:"user"`
	Body              string   `json:"body"`
	State             string   `json:"state"`
	HTMLURL           string   `json:"html_url"`
	PullRequestURL    string   `json:"pull_request_url"`
	SubmittedAt       *stamp   `json:"submitted_at,omitempty"`
	CommitID          string   `json:"commit_id"`
	AuthorAssociation string   `json:"author_association"`
}

// wireReviewComment is a review comment; line fields are null for
// file-level comments, start fields for one-line comments.
type wireReviewComment struct {
	URL                 string   `json:"url"`
	PullRequestReviewID int64    `json:"pull_request_review_id"`
	ID                  int64    `json:"id"`
	NodeID              string   `json:"node_id"`
	DiffHunk            string   `json:"diff_hunk"`
	Path                string   `json:"path"`
	Position            *int     `json:"position"`
	OriginalPosition    *int     `json:"original_position"`
	CommitID            string   `json:"commit_id"`
	OriginalCommitID    string   `json:"original_commit_id"`
	InReplyToID         int64    `json:"in_reply_to_id,omitempty"`
	User                wireUser `json:"user"`
	Body                string   `json:"body"`
	CreatedAt           stamp    `json:"created_at"`
	UpdatedAt           stamp    `json:"updated_at"`
	HTMLURL             string   `json:"html_url"`
	PullRequestURL      string   `json:"pull_request_url"`
	AuthorAssociation   string   `json:"author_association"`
	StartLine           *int     `json:"start_line"`
	OriginalStartLine   *int     `json:"original_start_line"`
	StartSide           *string  `json:"start_side"`
	Line                *int     `json:"line"`
	OriginalLine        *int     `json:"original_line"`
	Side                *string  `json:"side"`
	SubjectType         string   `json:"subject_type"`
}

// wireCheckOutput is a check run's output, without its annotations.
type wireCheckOutput struct {
	Title            *string `json:"title"`
	Summary          *string `json:"summary"`
	Text             *string `json:"text"`
	AnnotationsCount int     `json:"annotations_count"`
	AnnotationsURL   string  `json:"annotations_url"`
}

// wireApp is the App a check run belongs to.
type wireApp struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// wireCheckRun is a check run.
type wireCheckRun struct {
	ID          int64           `json:"id"`
	HeadSHA     string          `json:"head_sha"`
	NodeID      string          `json:"node_id"`
	ExternalID  string          `json:"external_id"`
	URL         string          `json:"url"`
	HTMLURL     string          `json:"html_url"`
	DetailsURL  string          `json:"details_url"`
	Status      string          `json:"status"`
	Conclusion  *string         `json:"conclusion"`
	StartedAt   stamp           `json:"started_at"`
	CompletedAt stamp           `json:"completed_at"`
	Output      wireCheckOutput `json:"output"`
	Name        string          `json:"name"`
	CheckSuite  struct {
		ID int64 `json:"id"`
	} `json:"check_suite"`
	App          wireApp    `json:"app"`
	PullRequests []struct{} `json:"pull_requests"`
}

// wireReaction is a reaction.
type wireReaction struct {
	ID        int64    `json:"id"`
	NodeID    string   `json:"node_id"`
	User      wireUser `json:"user"`
	Content   string   `json:"content"`
	CreatedAt stamp    `json:"created_at"`
}

// wireContent is a file or directory entry of the contents API.
type wireContent struct {
	Type        string  `json:"type"`
	Encoding    string  `json:"encoding,omitempty"`
	Size        int     `json:"size"`
	Name        string  `json:"name"`
	Path        string  `json:"path"`
	Content     string  `json:"content,omitempty"`
	SHA         string  `json:"sha"`
	URL         string  `json:"url"`
	GitURL      string  `json:"git_url"`
	HTMLURL     string  `json:"html_url"`
	DownloadURL *string `json:"download_url"`
}

// str returns a pointer to v.
func str(v string) *string { return &v }

// intp returns a pointer to v.
func intp(v int) *int { return &v }
