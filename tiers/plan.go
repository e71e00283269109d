package tiers

import (
	"encoding/json"
	"fmt"
	"strings"
)

// purpose is what a call is for; each has its own tool, prompt and model.
type purpose string

const (
	purposeSummary purpose = "summary"
	purposeReview  purpose = "review"
)

// PlannedCall is one model call as Run would send it.
type PlannedCall struct {
	Model           string   `json:"model"`
	Tier            Tier     `json:"tier"`    // tier whose model makes the call: free (cheap) or team (premium)
	Purpose         string   `json:"purpose"` // "summary" or "review"
	Files           []string `json:"files"`
	InputTokens     int      `json:"input_tokens"` // estimate, see EstimateTokens
	MaxOutputTokens int      `json:"max_output_tokens"`
	Cached          bool     `json:"cached"` // the shared prefix ends in a cache point
	System          string   `json:"system"`
	Prompt          string   `json:"prompt"` // the user message: shared prefix, then this call's files
}

// PlanResult is what a dry run shows: the calls, their estimated usage and
// whatever would not be reviewed.
type PlanResult struct {
	Tier       Tier          `json:"tier"`
	Calls      []PlannedCall `json:"calls"`
	Usage      Usage         `json:"usage"`
	Unreviewed []Skipped     `json:"unreviewed"`
	Notes      []string      `json:"notes"`
}

// EstimateTokens approximates a token count as one token per four bytes.
// Real tokenizers give 3 to 4.5 bytes per token on code and English, and the
// budget keeps a safety margin, so the estimate only has to be in range; it
// needs no tokenizer tables and costs nothing in a dry run.
func EstimateTokens(s string) int {
	return (len(s) + 3) / 4
}

// Output caps per call: a summary is short; findings with suggestions for a
// 30K-token chunk rarely need more than 8K tokens.
const (
	summaryMaxOutput = 4_096
	reviewMaxOutput  = 8_192
)

// Default diff tokens per call when Config.ChunkTokens is unset.
const (
	summaryChunkTokens = 100_000
	reviewChunkTokens  = 30_000
)

// warmupTokens is the PR-specific shared prefix from which the cache
// savings of later chunks (90% of its input price each) outweigh waiting
// for the first chunk: at Sonnet prices about 1 cent per chunk.
const warmupTokens = 4_000

// framingTokens covers message framing, the chunk template's own text and
// tokenizer differences from the estimate.
const framingTokens = 512

// toolTokens estimates what a tool definition adds to the prompt.
func toolTokens(t *ToolSpec) int {
	if t == nil {
		return 0
	}
	schema, _ := json.Marshal(t.Schema)
	return EstimateTokens(t.Name+t.Description) + EstimateTokens(string(schema))
}

// call is one planned model call with the pieces the engine needs to send
// it and, for the fallback model, to send it again.
type call struct {
	purpose purpose
	tier    Tier
	model   string
	files   []string
	system  string
	shared  string
	chunk   string
	cache   bool
	warmup  bool // send this group's first call alone, see purposeCalls
	maxOut  int
	tokens  int // estimated input tokens
}

// plan is the whole set of calls of one run.
type plan struct {
	tier       Tier
	summary    []*call
	review     []*call
	unreviewed []Skipped
	notes      []string
	paths      map[string]bool
}

// buildPlan splits the input into calls for the tier. Auto is resolved
// with Route from the measured signals.
func buildPlan(cfg Config, tier Tier, in Input) (*plan, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	p := &plan{tier: tier, paths: map[string]bool{}}
	switch tier {
	case Free, Team:
	case Auto:
		d := Route(Auto, MeasureSignals(in.Files))
		p.tier = d.Tier
		p.notes = append(p.notes, d.Reason)
	default:
		return nil, fmt.Errorf("%w: unknown tier %q", ErrConfig, tier)
	}
	if err := cfg.modelNamed(p.tier); err != nil {
		return nil, err
	}
	for _, f := range in.Files {
		p.paths[f.Path] = true
	}
	p.summary = p.purposeCalls(cfg, purposeSummary, Free, cfg.CheapModel, in)
	if p.tier == Team {
		rin := in
		if in.ReviewFiles != nil {
			rin.Files = in.ReviewFiles
		}
		p.review = p.purposeCalls(cfg, purposeReview, Team, cfg.PremiumModel, rin)
	}
	return p, nil
}

// purposeCalls packs the files into as few calls as the model's budget
// allows. Files keep their order so neighbours (same directory, a file and
// its test) tend to share a call.
func (p *plan) purposeCalls(cfg Config, pur purpose, tier Tier, model string, in Input) []*call {
	info := cfg.model(model)
	tool := summaryTool
	maxOut, target := summaryMaxOutput, summaryChunkTokens
	if pur == purposeReview {
		tool = reviewTool
		maxOut, target = reviewMaxOutput, reviewChunkTokens
	}
	maxOut = min(maxOut, info.MaxOutput)
	if cfg.ChunkTokens > 0 {
		target = cfg.ChunkTokens
	}
	system := systemPrompt(pur, in.ReviewLanguage)
	fixed := EstimateTokens(system)
	if info.Tools {
		fixed += toolTokens(tool)
	}
	// What a call may hold besides the fixed part: the window minus the
	// output reserve and framing, less 5% for tokenizer error.
	room := info.ContextWindow - maxOut - fixed - framingTokens - info.ContextWindow/20

	// The shared prefix may take at most half the room; codebase context
	// beyond that is left out (and said so) rather than starving the diff.
	items := in.Context
	shared := sharedPrompt(in, items)
	for len(items) > 0 && EstimateTokens(shared) > room/2 {
		items = items[:len(items)-1]
		shared = sharedPrompt(in, items)
	}
	if n := len(in.Context) - len(items); n > 0 {
		p.note(fmt.Sprintf("%s: %d of %d codebase context items left out to fit the %s window", pur, n, len(in.Context), model))
	}
	room -= EstimateTokens(shared)
	capTokens := min(room, target)

	// Impact facts travel with the first review chunk only, so each
	// symbol is explained once.
	var impact []dataItem
	impactTokens := 0
	if pur == purposeReview && len(in.Impact) > 0 {
		impact = impactItems(in.Impact)
		impactTokens = EstimateTokens(chunkPrompt(pur, chunkData{Parts: 1, Impact: impact}))
	}

	type group struct {
		files  []chunkFile
		names  []string
		tokens int
	}
	var groups []*group
	cur := &group{tokens: impactTokens}
	for _, f := range in.Files {
		entry := fileEntry(f, in.PathInstructions)
		t := EstimateTokens(chunkPrompt(pur, chunkData{Parts: 1, Files: []chunkFile{entry}}))
		if t+impactTokens > room {
			p.skip(f.Path, fmt.Sprintf("too large for one %s call: ~%d tokens, %s takes ~%d per call", pur, t, model, room-impactTokens))
			continue
		}
		if len(cur.files) > 0 && cur.tokens+t > capTokens {
			groups = append(groups, cur)
			cur = &group{}
		}
		cur.files = append(cur.files, entry)
		cur.names = append(cur.names, f.Path)
		cur.tokens += t
	}
	if len(cur.files) > 0 {
		groups = append(groups, cur)
	}

	sharedTokens := fixed + EstimateTokens(shared)
	// Cache the prefix only when several calls share it and it is long
	// enough for the model to cache at all.
	cache := cfg.Provider == ProviderBedrock && info.PromptCache && len(groups) > 1 && sharedTokens >= info.MinCacheTokens
	// Sending the first chunk alone lets it write the cache before the
	// others read it, at the price of one extra call's latency. That pays
	// only when the PR's own shared text is long; the system prompt and
	// tools alone are shared by every PR and stay cached on a busy server.
	warmup := cache && EstimateTokens(shared) >= warmupTokens
	calls := make([]*call, 0, len(groups))
	for i, g := range groups {
		d := chunkData{Part: i + 1, Parts: len(groups), Files: g.files}
		if i == 0 {
			d.Impact = impact
		}
		chunk := chunkPrompt(pur, d)
		calls = append(calls, &call{
			purpose: pur, tier: tier, model: model, files: g.names,
			system: system, shared: shared, chunk: chunk, cache: cache, warmup: warmup, maxOut: maxOut,
			tokens: sharedTokens + EstimateTokens(chunk),
		})
	}
	return calls
}

// skip lists a file as unreviewed, once, with every reason it has.
func (p *plan) skip(path, reason string) {
	for i := range p.unreviewed {
		if p.unreviewed[i].Path == path {
			p.unreviewed[i].Reason += "; " + reason
			return
		}
	}
	p.unreviewed = append(p.unreviewed, Skipped{Path: path, Reason: reason})
}

func (p *plan) note(s string) { p.notes = append(p.notes, s) }

// calls lists every call in the order Run starts them.
func (p *plan) calls() []*call {
	return append(append([]*call{}, p.summary...), p.review...)
}

// Plan assembles exactly the prompts Run would send, chunks included, with
// no network, and estimates their usage and cost from the price table.
func Plan(cfg Config, tier Tier, in Input) (*PlanResult, error) {
	cfg = cfg.withDefaults()
	p, err := buildPlan(cfg, tier, in)
	if err != nil {
		return nil, err
	}
	res := &PlanResult{Tier: p.tier, Unreviewed: p.unreviewed, Notes: p.notes, Usage: Usage{Estimated: true}}
	priced := map[string]bool{}
	for _, c := range p.calls() {
		res.Calls = append(res.Calls, PlannedCall{
			Model: c.model, Tier: c.tier, Purpose: string(c.purpose), Files: c.files,
			InputTokens: c.tokens, MaxOutputTokens: c.maxOut, Cached: c.cache,
			System: c.system, Prompt: userText(c),
		})
	}
	for _, group := range [][]*call{p.summary, p.review} {
		for i, c := range group {
			u := estimateUsage(c, i == 0)
			cost, note := Cost(c.model, u)
			u.CostUSD = cost
			if note != "" && !priced[c.model] {
				priced[c.model] = true
				res.Notes = append(res.Notes, note)
			}
			res.Usage.Add(u)
		}
	}
	return res, nil
}

// estimateUsage guesses one call's usage. Output is a heuristic (a few
// hundred tokens plus some per file), never the full reserve; with caching
// the first call writes the prefix and the others read it.
func estimateUsage(c *call, first bool) Usage {
	u := Usage{Calls: 1, Estimated: true, InputTokens: int64(c.tokens)}
	perFile := 40
	base := 300
	if c.purpose == purposeReview {
		perFile, base = 150, 600
	}
	u.OutputTokens = int64(min(c.maxOut, base+perFile*len(c.files)))
	if c.cache {
		prefix := int64(c.tokens - EstimateTokens(c.chunk))
		u.InputTokens -= prefix
		if first {
			u.CacheWriteTokens = prefix
		} else {
			u.CacheReadTokens = prefix
		}
	}
	return u
}

// userText is the first user message as plain text, as a dry run shows it.
func userText(c *call) string {
	return strings.TrimRight(c.shared, "\n") + "\n\n" + c.chunk
}
