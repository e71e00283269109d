package review

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/reviewbot/reviewbot/tiers"
)

// Finding is one review finding after validation and anchoring. The JSON
// shape is SPEC section 7; Fingerprint and AnchorReason are additions.
type Finding struct {
	Path         string `json:"path"`
	Line         int    `json:"line"`
	StartLine    int    `json:"start_line"`
	Side         string `json:"side"`
	Severity     string `json:"severity"`
	Category     string `json:"category"`
	Title        string `json:"title"`
	Body         string `json:"body"`
	Suggestion   string `json:"suggestion"`
	Anchor       string `json:"anchor"` // inline, file or summary
	AnchorReason string `json:"anchor_reason,omitempty"`
	Fingerprint  string `json:"fingerprint"`
}

// Impact is one downstream impact entry (SPEC section 7).
type Impact struct {
	Symbol    string   `json:"symbol"`
	Summary   string   `json:"summary"`
	Locations []string `json:"locations"`
}

// FileEntry lists a changed file in the JSON output, reviewed or not.
type FileEntry struct {
	Path      string `json:"path"`
	OldPath   string `json:"old_path,omitempty"`
	Status    string `json:"status"`
	Language  string `json:"language,omitempty"`
	Additions int    `json:"additions"`
	Deletions int    `json:"deletions"`
	Binary    bool   `json:"binary,omitempty"`
	Reviewed  bool   `json:"reviewed"`
}

// PlannedCall is one model call a dry run would make.
type PlannedCall struct {
	Model           string   `json:"model"`
	Purpose         string   `json:"purpose"`
	Files           []string `json:"files"`
	InputTokens     int      `json:"input_tokens"`
	MaxOutputTokens int      `json:"max_output_tokens"`
	System          string   `json:"system,omitempty"` // with --show-prompts only
	Prompt          string   `json:"prompt,omitempty"`
}

// Result is the outcome of one review; its JSON form is SPEC section 7
// plus the documented extra keys after duration_ms.
type Result struct {
	Repo        string           `json:"repo"`
	Base        string           `json:"base"`
	Head        string           `json:"head"`
	Tier        string           `json:"tier"`
	RouteReason string           `json:"route_reason"`
	Summary     string           `json:"summary"`
	Risk        string           `json:"risk"`
	Findings    []Finding        `json:"findings"`
	Impact      []Impact         `json:"impact"`
	Skipped     []SkippedFile    `json:"skipped"`
	Usage       tiers.Usage      `json:"usage"`
	DurationMS  int64            `json:"duration_ms"`
	DryRun      bool             `json:"dry_run"`
	Model       string           `json:"model,omitempty"`
	Labels      []string         `json:"labels"`
	Walkthrough []WalkthroughRow `json:"walkthrough"`
	Files       []FileEntry      `json:"files"`
	Planned     []PlannedCall    `json:"planned_calls,omitempty"`
	// WebURL is the repository's web address on GitHub or GitHub
	// Enterprise ("https://github.com/owner/name"), set by the entry point
	// that knows the repository is there (the Action from GITHUB_SERVER_URL
	// and GITHUB_REPOSITORY, the App from the payload, the CLI from an
	// origin remote, see GitHubWebURL); "" otherwise. With it the summary
	// links path:line locations to the reviewed commit.
	WebURL string `json:"web_url,omitempty"`
	// Notes are things a reader must know: dropped model items, hidden
	// findings, analysis limits, configuration warnings.
	Notes []string `json:"notes"`
}

// WalkthroughRow is one file's line in the walkthrough.
type WalkthroughRow struct {
	Path   string `json:"path"`
	Change string `json:"change"`
}

// newResult returns a Result whose lists encode as [] rather than null.
func newResult() *Result {
	return &Result{Findings: []Finding{}, Impact: []Impact{}, Skipped: []SkippedFile{}, Labels: []string{}, Walkthrough: []WalkthroughRow{}, Files: []FileEntry{}, Notes: []string{}}
}

// Fingerprint identifies a finding across pushes: path, category, the
// normalised title and the text of the commented lines, but not line
// numbers, which move when code above is edited.
func Fingerprint(path, category, title string, lines []string) string {
	h := sha256.New()
	for _, s := range []string{path, category, normalize(title)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, l := range lines {
		h.Write([]byte(strings.TrimSpace(l)))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}
