package tiers

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Baseline is the naive reviewer that `reviewbot eval --reviewer baseline`
// measures the pipeline against: the whole raw diff in one prompt to the
// premium model, with no numbered lines, codebase context, impact facts,
// per-language notes or chunking, as a bot that pastes the diff into a chat
// does. Its findings travel through the same tool and validation as the
// pipeline's, so the difference eval reports is the pipeline's own.
type Baseline struct {
	cfg   Config
	model Model // nil: plans only
}

// NewBaseline builds the baseline on the configured provider's client; it
// uses the premium model.
func NewBaseline(ctx context.Context, cfg Config) (*Baseline, error) {
	b := NewBaselinePlanner(cfg)
	if err := b.check(); err != nil {
		return nil, err
	}
	m, err := newClient(ctx, b.cfg)
	if err != nil {
		return nil, err
	}
	b.model = m
	return b, nil
}

// NewBaselineWithModel builds the baseline around any Model (tests, and
// providers this package does not ship).
func NewBaselineWithModel(cfg Config, m Model) *Baseline {
	b := NewBaselinePlanner(cfg)
	b.model = m
	return b
}

// NewBaselinePlanner returns a baseline that can only plan (dry runs).
func NewBaselinePlanner(cfg Config) *Baseline {
	return &Baseline{cfg: cfg.withDefaults()}
}

func (b *Baseline) check() error {
	if err := b.cfg.validate(); err != nil {
		return err
	}
	return b.cfg.modelNamed(Team)
}

// BaselinePrompt is the one call the baseline makes for a diff.
type BaselinePrompt struct {
	Model  string
	System string
	// Prompt is the user message; Diff is the part of the diff it holds,
	// which is all of it unless the diff had to be cut to fit the window.
	Prompt string
	Diff   string
	// Cut is the number of bytes of the diff left out to fit the window.
	Cut    int
	Tokens int
	MaxOut int
	Usage  Usage // estimate, with cost
	Notes  []string
}

// Prompt assembles the baseline's call for a diff, with its estimated
// usage and cost. A diff over the model's window is cut at the last file
// boundary that fits, as a naive bot would cut it, and the cut is noted.
func (b *Baseline) Prompt(diff string) (*BaselinePrompt, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	model := b.cfg.PremiumModel
	info := b.cfg.model(model)
	maxOut := min(reviewMaxOutput, info.MaxOutput)
	system := render("system_baseline.md", nil)
	fixed := EstimateTokens(system) + framingTokens
	if info.Tools {
		fixed += toolTokens(reviewTool)
	}
	room := info.ContextWindow - maxOut - fixed - info.ContextWindow/20
	p := &BaselinePrompt{Model: model, System: system, Diff: diff, MaxOut: maxOut}
	if EstimateTokens(diff) > room {
		keep := max(room*4, 0)
		cut := diff[:min(keep, len(diff))]
		if i := strings.LastIndex(cut, "\ndiff --git "); i > 0 {
			cut = cut[:i+1]
		} else if i := strings.LastIndex(cut, "\n"); i > 0 {
			cut = cut[:i+1]
		}
		p.Diff, p.Cut = cut, len(diff)-len(cut)
		p.Notes = append(p.Notes, fmt.Sprintf("baseline: the diff (%d bytes) is over %s's window; its last %d bytes were left out", len(diff), model, p.Cut))
	}
	p.Prompt = "```diff\n" + strings.TrimRight(p.Diff, "\n") + "\n```\n\nCall `submit_review` with your findings."
	p.Tokens = fixed + EstimateTokens(p.Prompt)
	p.Usage = Usage{Calls: 1, Estimated: true, InputTokens: int64(p.Tokens), OutputTokens: int64(min(maxOut, 1_000))}
	cost, note := Cost(model, p.Usage)
	p.Usage.CostUSD = cost
	if note != "" {
		p.Notes = append(p.Notes, note)
	}
	return p, nil
}

// Review sends the baseline's one call and validates its findings item by
// item; paths, when not nil, are the files of the diff, and a finding on
// any other path is dropped. There is no repair request and no fallback
// model: one call, as the naive bot makes it.
func (b *Baseline) Review(ctx context.Context, diff string, paths map[string]bool) (*Result, error) {
	if b.model == nil {
		return nil, fmt.Errorf("%w: this baseline only plans; configure a provider to run it", ErrConfig)
	}
	p, err := b.Prompt(diff)
	if err != nil {
		return nil, err
	}
	info := b.cfg.model(p.Model)
	req := &Request{Model: p.Model, System: p.System, MaxTokens: p.MaxOut,
		Messages: []Message{{Role: "user", Blocks: []Block{{Text: p.Prompt}}}}}
	if info.Tools {
		req.Tool, req.ForceTool = reviewTool, info.ForcedToolChoice
	}
	timeout := b.cfg.CallTimeout
	if timeout <= 0 {
		timeout = time.Minute + time.Duration(p.MaxOut)*time.Second/30
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	reply, err := b.model.Converse(cctx, req)
	if err != nil {
		return nil, fmt.Errorf("%w: baseline review: %w", ErrUpstream, err)
	}
	res := &Result{Tier: Team, Model: p.Model, Notes: p.Notes}
	res.Usage = reply.Usage
	res.Usage.Calls = max(res.Usage.Calls, 1)
	cost, note := Cost(p.Model, res.Usage)
	res.Usage.CostUSD = cost
	if note != "" && !strings.Contains(strings.Join(res.Notes, "\n"), note) {
		res.Notes = append(res.Notes, note)
	}
	raw, err := replyJSON(reply)
	if err != nil {
		return nil, fmt.Errorf("%w: baseline review: %w", ErrUpstream, err)
	}
	rr, err := decodeReview(raw, paths)
	if err != nil {
		return nil, fmt.Errorf("%w: baseline review: %w", ErrUpstream, err)
	}
	res.Findings, res.Dropped = rr.Findings, rr.Dropped
	return res, nil
}
