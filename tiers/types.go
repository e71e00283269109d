package tiers

// Tier is the plan-level choice of model family.
type Tier string

// The tiers of SPEC section 3. Auto is only ever a request; a Decision always
// names Free or Team.
const (
	Free Tier = "free"
	Team Tier = "team"
	Auto Tier = "auto"
)

// Usage is token use and cost, summed over calls.
type Usage struct {
	Calls            int     `json:"calls"`
	InputTokens      int64   `json:"input_tokens"`
	OutputTokens     int64   `json:"output_tokens"`
	CacheReadTokens  int64   `json:"cache_read_tokens"`
	CacheWriteTokens int64   `json:"cache_write_tokens"`
	CostUSD          float64 `json:"cost_usd"`
	Estimated        bool    `json:"estimated"`
}

// PR is the pull request's metadata. Title and Body are untrusted.
type PR struct {
	Repo    string
	Number  int
	Title   string
	Body    string
	BaseRef string
	HeadRef string
	HeadSHA string
}

// File is one reviewable file as the model sees it.
type File struct {
	Path     string
	OldPath  string
	Status   string // added, deleted, modified, renamed, copied
	Language string
	// Patch is the file's hunks with every line prefixed by its reference:
	// "R<n> +text" (added, new line n), "R<n>  text" (unchanged, new line n)
	// or "L<n> -text" (removed, old line n); review.NumberedPatch writes it
	// and the system prompts explain it.
	Patch   string
	Added   int
	Removed int
}

// ContextItem is one citable piece of codebase context.
type ContextItem struct {
	Path      string
	StartLine int
	EndLine   int
	Kind      string // enclosing, definition, caller, test
	Symbol    string
	Text      string
}

// ImpactItem is one statically found impact: the model explains it, it does
// not invent locations.
type ImpactItem struct {
	Symbol    string
	Change    string
	Summary   string
	Locations []string
}

// PathInstruction is review guidance for files matching a glob.
type PathInstruction struct {
	Glob string
	Text string
}

// Input is everything one review run hands to the tiers.
type Input struct {
	PR    PR
	Files []File
	// ReviewFiles, when not nil, are what the premium review covers
	// instead of Files (an incremental review of the commits since the
	// last reviewed one); the summary still covers Files, the whole PR.
	ReviewFiles      []File
	Instructions     string
	PathInstructions []PathInstruction
	Context          []ContextItem
	Impact           []ImpactItem
	LanguageNotes    map[string][]string // language -> what reviewers check
	ReviewLanguage   string              // natural language of the review text, "" = English
	// CheckFinding, when set, validates a finding against the diff; a non-nil
	// error drops that finding (counted in Result.Dropped with the reason).
	CheckFinding func(Finding) error
}

// WalkthroughItem is one file's line in the walkthrough.
type WalkthroughItem struct {
	Path   string `json:"path"`
	Change string `json:"change"`
}

// Summary is the cheap tier's output (tool submit_summary).
type Summary struct {
	Summary     string            `json:"summary"`
	Walkthrough []WalkthroughItem `json:"walkthrough"`
	Risk        string            `json:"risk"`
	Labels      []string          `json:"labels"`
}

// Finding is one premium-tier finding (tool submit_review), schema-valid.
type Finding struct {
	Path       string `json:"path"`
	Line       int    `json:"line"`
	StartLine  int    `json:"start_line,omitempty"`
	Side       string `json:"side,omitempty"`
	Severity   string `json:"severity"`
	Category   string `json:"category"`
	Title      string `json:"title"`
	Body       string `json:"body"`
	Suggestion string `json:"suggestion,omitempty"`
}

// ImpactNote is one impact entry as the model explained it.
type ImpactNote struct {
	Symbol    string   `json:"symbol"`
	Summary   string   `json:"summary"`
	Locations []string `json:"locations"`
}

// Dropped is an invalid model item that was discarded, and why.
type Dropped struct {
	Item   string `json:"item"`
	Reason string `json:"reason"`
}

// Skipped is a file the model did not review, and why.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Result is the outcome of one tier run.
type Result struct {
	Tier       Tier
	Summary    Summary
	Findings   []Finding
	Impact     []ImpactNote
	Unreviewed []Skipped
	Dropped    []Dropped
	Usage      Usage
	Model      string // model ID(s) actually used
	// Notes are facts about the run worth showing (a route decision for
	// Auto, context left out, a model without a known price).
	Notes []string
}

// Signals are the measured facts the auto router decides from.
type Signals struct {
	ChangedLines  int
	Files         int
	Languages     []string
	RiskyPaths    []string // changed paths matching auth, crypto, migrations, ...
	DocsOnly      bool
	GeneratedOnly bool
}

// Decision is the router's choice and its stated reason.
type Decision struct {
	Tier   Tier
	Reason string
}
