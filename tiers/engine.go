package tiers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Engine runs reviews against one provider.
type Engine struct {
	cfg   Config
	model Model
}

// NewEngine builds the provider client from the configuration: Bedrock
// through the AWS SDK's default chain, or an OpenAI-compatible endpoint.
func NewEngine(ctx context.Context, cfg Config) (*Engine, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	var (
		m   Model
		err error
	)
	switch cfg.Provider {
	case ProviderOpenAI:
		m, err = newOpenAIModel(cfg)
	default:
		m, err = newBedrockModel(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	return &Engine{cfg: cfg, model: m}, nil
}

// NewEngineWithModel builds an engine around any Model, for providers this
// package does not ship and for tests of the layers above.
func NewEngineWithModel(cfg Config, m Model) *Engine {
	return &Engine{cfg: cfg.withDefaults(), model: m}
}

// NewPlanner returns an engine that can only plan: it estimates the calls
// and cost of a review from cfg without any provider client, for dry runs
// that must work with no credentials. Its Run fails with ErrConfig.
func NewPlanner(cfg Config) *Engine {
	return &Engine{cfg: cfg.withDefaults()}
}

// Plan assembles the calls Run would make with this engine's own
// configuration, so that an estimate and the calls it estimates never
// disagree about models or prices.
func (e *Engine) Plan(tier Tier, in Input) (*PlanResult, error) {
	return Plan(e.cfg, tier, in)
}

// outcome is what one planned call produced, after fallback and repair.
type outcome struct {
	usage   Usage
	models  []string
	notes   []string
	summary *summaryReply
	review  *reviewReply
	err     error
}

// Run performs a real review at tier Free (summary only, cheap model) or
// Team (cheap summary and premium findings with impact narrative, run
// concurrently); Auto is routed from the measured signals first. When every
// call of a purpose fails after retries, the fallback model and one repair,
// Run returns an error wrapping ErrUpstream, never an empty result. Calls
// that fail while others succeed leave their files in Result.Unreviewed.
func (e *Engine) Run(ctx context.Context, tier Tier, in Input) (*Result, error) {
	if e.model == nil {
		return nil, fmt.Errorf("%w: this engine only plans; configure a provider to run a review", ErrConfig)
	}
	p, err := buildPlan(e.cfg, tier, in)
	if err != nil {
		return nil, err
	}
	res := &Result{Tier: p.tier, Unreviewed: slices.Clone(p.unreviewed), Notes: slices.Clone(p.notes)}
	var (
		wg             sync.WaitGroup
		sumOut, revOut []outcome
	)
	wg.Go(func() { sumOut = e.runGroup(ctx, p.summary, p.paths) })
	wg.Go(func() { revOut = e.runGroup(ctx, p.review, p.paths) })
	wg.Wait()

	var models []string
	collect := func(calls []*call, outs []outcome) error {
		var errs []error
		for i, o := range outs {
			res.Usage.Add(o.usage)
			for _, m := range o.models {
				if !slices.Contains(models, m) {
					models = append(models, m)
				}
			}
			for _, n := range o.notes {
				if !slices.Contains(res.Notes, n) {
					res.Notes = append(res.Notes, n)
				}
			}
			if o.err != nil {
				errs = append(errs, o.err)
				for _, f := range calls[i].files {
					res.Unreviewed = append(res.Unreviewed, Skipped{Path: f, Reason: fmt.Sprintf("%s call failed: %v", calls[i].purpose, o.err)})
				}
			}
		}
		if len(outs) > 0 && len(errs) == len(outs) {
			return errors.Join(errs...)
		}
		return nil
	}
	errSummary := collect(p.summary, sumOut)
	errReview := collect(p.review, revOut)
	res.Model = strings.Join(models, ", ")
	if err := errors.Join(errSummary, errReview); err != nil {
		// Each outcome error already wraps ErrUpstream.
		return nil, err
	}

	res.Summary = mergeSummaries(sumOut, &res.Dropped)
	switch {
	case len(in.Files) == 0:
		res.Summary.Summary = "No reviewable file changes."
	case len(p.summary) == 0:
		res.Summary.Summary = "No file could be summarised; see the unreviewed files."
	}
	if p.tier == Team {
		e.mergeReviews(res, revOut, in)
	}
	return res, nil
}

// runGroup runs the calls of one purpose with at most MaxConcurrency in
// flight. When the shared prefix is long, the first call goes alone so
// that it writes the cache before the others read it; calls started
// together would all miss.
func (e *Engine) runGroup(ctx context.Context, calls []*call, paths map[string]bool) []outcome {
	out := make([]outcome, len(calls))
	start := 0
	if len(calls) > 1 && calls[0].warmup {
		out[0] = e.runCall(ctx, calls[0], paths)
		start = 1
	}
	sem := make(chan struct{}, e.cfg.MaxConcurrency)
	var wg sync.WaitGroup
	for i := start; i < len(calls); i++ {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = outcome{err: fmt.Errorf("%w: %w", ErrUpstream, ctx.Err())}
				return
			}
			defer func() { <-sem }()
			out[i] = e.runCall(ctx, calls[i], paths)
		})
	}
	wg.Wait()
	return out
}

// runCall sends one planned call to its model and, if that fails for any
// reason (retries exhausted, access denied, an answer unusable even after
// the repair request), once more to the fallback model.
func (e *Engine) runCall(ctx context.Context, c *call, paths map[string]bool) outcome {
	models := []string{c.model}
	if fb := e.cfg.FallbackModel; fb != "" && fb != c.model {
		models = append(models, fb)
	}
	var (
		o    outcome
		errs []error
	)
	for _, m := range models {
		o.models = append(o.models, m)
		err := e.attempt(ctx, c, m, paths, &o)
		if err == nil {
			return o
		}
		errs = append(errs, err)
		e.cfg.Logger.Warn("model call failed", "purpose", c.purpose, "model", m, "files", len(c.files), "err", err)
		if ctx.Err() != nil {
			break
		}
	}
	o.err = fmt.Errorf("%w: %s of %d %s: %w", ErrUpstream, c.purpose, len(c.files), plural(len(c.files), "file", "files"), errors.Join(errs...))
	return o
}

// attempt sends the call to one model and decodes the answer, with at
// most one repair request when the whole answer is unusable.
func (e *Engine) attempt(ctx context.Context, c *call, model string, paths map[string]bool, o *outcome) error {
	info := e.cfg.model(model)
	req := e.request(c, model, info)
	reply, err := e.send(ctx, c, req, o)
	if err != nil {
		return err
	}
	problem := decodeInto(c.purpose, reply, paths, o)
	if problem == nil {
		return nil
	}
	e.cfg.Logger.Info("asking for a repaired answer", "purpose", c.purpose, "model", model, "problem", problem)
	req.Messages = append(req.Messages, repairTurns(c.purpose, req.Tool != nil, reply, problem)...)
	reply, err = e.send(ctx, c, req, o)
	if err != nil {
		return err
	}
	if problem := decodeInto(c.purpose, reply, paths, o); problem != nil {
		return fmt.Errorf("answer unusable after one repair request: %w", problem)
	}
	return nil
}

// request builds the provider-neutral request of a call for one model. The
// fallback model may lack tools or caching, so this is decided per model.
func (e *Engine) request(c *call, model string, info ModelInfo) *Request {
	req := &Request{Model: model, System: c.system, MaxTokens: min(c.maxOut, info.MaxOutput)}
	if c.purpose == purposeSummary {
		req.Temperature = 0.2
	}
	// The shared prefix comes first and ends in a cache point, so every
	// chunk after the first reads it from the cache.
	if info.Tools {
		req.Tool = summaryTool
		if c.purpose == purposeReview {
			req.Tool = reviewTool
		}
		req.ForceTool = info.ForcedToolChoice
	}
	blocks := []Block{{Text: c.shared}}
	if c.cache && info.PromptCache {
		blocks = append(blocks, Block{CachePoint: true})
		// Tools and system prompt are the same for every PR, so their own
		// cache point pays off across runs, if they reach the minimum
		// (the tool schema counts: the cache covers tools, then system).
		req.SystemCache = EstimateTokens(c.system)+toolTokens(req.Tool) >= info.MinCacheTokens
	}
	blocks = append(blocks, Block{Text: c.chunk})
	req.Messages = []Message{{Role: "user", Blocks: blocks}}
	return req
}

// callTimeout bounds one model call, retries included. A slow model writes
// about 30 tokens a second, so a full-length answer gets that long, plus a
// minute for reading a large prompt and for backoff between attempts.
func (e *Engine) callTimeout(maxOut int) time.Duration {
	if e.cfg.CallTimeout > 0 {
		return e.cfg.CallTimeout
	}
	return time.Minute + time.Duration(maxOut)*time.Second/30
}

// send makes one model call and books its usage and cost.
func (e *Engine) send(ctx context.Context, c *call, req *Request, o *outcome) (*Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, e.callTimeout(req.MaxTokens))
	defer cancel()
	start := time.Now()
	reply, err := e.model.Converse(ctx, req)
	if err != nil {
		return nil, err
	}
	u := reply.Usage
	u.Calls = max(u.Calls, 1)
	cost, note := Cost(req.Model, u)
	u.CostUSD = cost
	if note != "" {
		o.notes = append(o.notes, note)
	}
	o.usage.Add(u)
	e.cfg.Logger.Info("model call", "purpose", c.purpose, "model", req.Model, "files", len(c.files),
		"input_tokens", u.InputTokens, "output_tokens", u.OutputTokens,
		"cache_read_tokens", u.CacheReadTokens, "cache_write_tokens", u.CacheWriteTokens,
		"stop", reply.StopReason, "duration", time.Since(start))
	return reply, nil
}

// decodeInto parses a reply for the call's purpose into the outcome and
// returns what makes it unusable, if anything.
func decodeInto(p purpose, reply *Reply, paths map[string]bool, o *outcome) error {
	raw, err := replyJSON(reply)
	if err == nil {
		if p == purposeSummary {
			o.summary, err = decodeSummary(raw, paths)
		} else {
			o.review, err = decodeReview(raw, paths)
		}
	}
	if err != nil && reply.StopReason == StopMaxTokens {
		err = fmt.Errorf("%w (the answer hit the output token limit)", err)
	}
	return err
}

// repairTurns replays the unusable answer and asks for a valid one. A tool
// call is answered with an error tool result, as Converse requires a
// result for every tool call before the next user text.
func repairTurns(p purpose, hasTool bool, reply *Reply, problem error) []Message {
	d := repairData{Error: problem.Error(), HasTool: hasTool, Truncated: reply.StopReason == StopMaxTokens, Tool: ToolSummary}
	if p == purposeReview {
		d.Tool = ToolReview
	}
	ask := Block{Text: repairPrompt(d)}
	var obj map[string]json.RawMessage
	if reply.ToolUse != nil && json.Unmarshal(reply.ToolUse.Input, &obj) == nil {
		return []Message{
			{Role: "assistant", Blocks: []Block{{ToolUse: reply.ToolUse}}},
			{Role: "user", Blocks: []Block{{ToolResult: &ToolResult{ToolUseID: reply.ToolUse.ID, Text: problem.Error(), IsError: true}}, ask}},
		}
	}
	previous := reply.Text
	if reply.ToolUse != nil {
		previous = string(reply.ToolUse.Input)
	}
	if strings.TrimSpace(previous) == "" {
		previous = "(empty answer)"
	}
	return []Message{
		{Role: "assistant", Blocks: []Block{{Text: previous}}},
		{Role: "user", Blocks: []Block{ask}},
	}
}

// riskOrder ranks risk levels for merging chunk summaries.
var riskOrder = map[string]int{"": 0, "low": 1, "medium": 2, "high": 3}

// mergeSummaries joins the summaries of file groups: texts in order,
// walkthroughs concatenated, the highest risk, the union of labels.
func mergeSummaries(outs []outcome, dropped *[]Dropped) Summary {
	var s Summary
	var texts []string
	for _, o := range outs {
		if o.summary == nil {
			continue
		}
		*dropped = append(*dropped, o.summary.Dropped...)
		part := o.summary.Summary
		texts = append(texts, part.Summary)
		for _, w := range part.Walkthrough {
			if !slices.ContainsFunc(s.Walkthrough, func(x WalkthroughItem) bool { return x.Path == w.Path }) {
				s.Walkthrough = append(s.Walkthrough, w)
			}
		}
		if riskOrder[part.Risk] > riskOrder[s.Risk] {
			s.Risk = part.Risk
		}
		for _, l := range part.Labels {
			if !slices.Contains(s.Labels, l) {
				s.Labels = append(s.Labels, l)
			}
		}
	}
	s.Summary = strings.Join(texts, "\n\n")
	return s
}

// mergeReviews joins the findings of all chunks, applies the diff-level
// check of the caller, drops duplicates and impact notes with invented
// locations.
func (e *Engine) mergeReviews(res *Result, outs []outcome, in Input) {
	seen := map[string]bool{}
	var notes []ImpactNote
	for _, o := range outs {
		if o.review == nil {
			continue
		}
		res.Dropped = append(res.Dropped, o.review.Dropped...)
		for _, f := range o.review.Findings {
			if in.CheckFinding != nil {
				if err := in.CheckFinding(f); err != nil {
					res.Dropped = append(res.Dropped, Dropped{Item: findingLabel(f), Reason: err.Error()})
					continue
				}
			}
			key := fmt.Sprintf("%s|%s|%d|%d|%s", f.Path, f.Side, f.StartLine, f.Line, f.Title)
			if seen[key] {
				continue
			}
			seen[key] = true
			res.Findings = append(res.Findings, f)
		}
		for _, n := range o.review.Impact {
			if !slices.ContainsFunc(notes, func(x ImpactNote) bool { return x.Symbol == n.Symbol }) {
				notes = append(notes, n)
			}
		}
	}
	kept, dropped := checkImpact(notes, in.Impact)
	res.Impact = kept
	res.Dropped = append(res.Dropped, dropped...)
}
