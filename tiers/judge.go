package tiers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ToolVerdict is the judge's structured output.
const ToolVerdict = "submit_verdict"

var verdictTool = &ToolSpec{
	Name:        ToolVerdict,
	Description: "Submit whether the finding and the reference comment name the same concern.",
	Schema: map[string]any{
		"type": "object",
		"properties": map[string]any{
			"same_concern": map[string]any{"type": "boolean", "description": "True when both comments name the same problem."},
			"reason":       str("One sentence saying why."),
		},
		"required": []string{"same_concern", "reason"},
	},
}

// judgeMaxOutput bounds a verdict: a boolean and one sentence.
const judgeMaxOutput = 300

// Judge asks a model whether a reviewer's finding and a labelled reference
// comment, already matched by location, name the same concern: the
// semantic matching step of AACR-Bench and the Martian code-review
// benchmark. It is a purpose of its own: one small call per pair.
type Judge struct {
	cfg   Config
	model Model
	id    string
}

// NewJudge builds a judge that calls modelID on the configured provider.
func NewJudge(ctx context.Context, cfg Config, modelID string) (*Judge, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(modelID) == "" {
		return nil, fmt.Errorf("%w: the judge needs a model ID", ErrConfig)
	}
	m, err := newClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Judge{cfg: cfg, model: m, id: modelID}, nil
}

// NewJudgeWithModel builds a judge around any Model (tests).
func NewJudgeWithModel(cfg Config, m Model, modelID string) *Judge {
	return &Judge{cfg: cfg.withDefaults(), model: m, id: modelID}
}

// Model is the judge's model ID.
func (j *Judge) Model() string { return j.id }

// JudgeCase is one location-matched pair. The texts are untrusted.
type JudgeCase struct {
	Path string
	// FindingLines and ReferenceLines name the lines each comment is on,
	// e.g. "RIGHT 40-42".
	FindingLines, ReferenceLines string
	FindingTitle, FindingBody    string
	ReferenceBody                string
	// Code, when known, is the diff around the lines.
	Code string
}

// Verdict is the judge's answer for one pair.
type Verdict struct {
	Same   bool
	Reason string
	Usage  Usage
}

func (j *Judge) prompt(c JudgeCase) string {
	var b strings.Builder
	fmt.Fprintf(&b, "File: `%s`\n\n", strings.ReplaceAll(c.Path, "`", "'"))
	if strings.TrimSpace(c.Code) != "" {
		b.WriteString(dataBlock("code", "", c.Code) + "\n\n")
	}
	b.WriteString(dataBlock("finding", attr("lines", c.FindingLines), strings.TrimSpace(c.FindingTitle+"\n\n"+c.FindingBody)) + "\n\n")
	b.WriteString(dataBlock("reference", attr("lines", c.ReferenceLines), c.ReferenceBody) + "\n\n")
	b.WriteString("Do the FINDING and the REFERENCE name the same concern? Call `" + ToolVerdict + "`.\n")
	return b.String()
}

// Estimate is the judge's estimated cost of one pair in USD.
func (j *Judge) Estimate(c JudgeCase) float64 {
	u := Usage{InputTokens: int64(EstimateTokens(render("system_judge.md", nil)) + EstimateTokens(j.prompt(c)) + toolTokens(verdictTool) + framingTokens), OutputTokens: 100}
	cost, _ := Cost(j.id, u)
	return cost
}

// Decide asks the model about one pair. An answer without a usable
// verdict is an error, never a silent "no".
func (j *Judge) Decide(ctx context.Context, c JudgeCase) (Verdict, error) {
	info := j.cfg.model(j.id)
	req := &Request{Model: j.id, System: render("system_judge.md", nil), MaxTokens: min(judgeMaxOutput, max(info.MaxOutput, judgeMaxOutput)),
		Messages: []Message{{Role: "user", Blocks: []Block{{Text: j.prompt(c)}}}}}
	if info.Tools {
		req.Tool, req.ForceTool = verdictTool, info.ForcedToolChoice
	}
	timeout := j.cfg.CallTimeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	reply, err := j.model.Converse(cctx, req)
	if err != nil {
		return Verdict{}, fmt.Errorf("%w: judge: %w", ErrUpstream, err)
	}
	v := Verdict{Usage: reply.Usage}
	v.Usage.Calls = max(v.Usage.Calls, 1)
	v.Usage.CostUSD, _ = Cost(j.id, v.Usage)
	raw, err := replyJSON(reply)
	if err != nil {
		return v, fmt.Errorf("judge: %w", err)
	}
	var out struct {
		Same   *bool  `json:"same_concern"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return v, fmt.Errorf("judge: %s input does not match the schema: %w", ToolVerdict, err)
	}
	if out.Same == nil {
		return v, errors.New(`judge: the verdict has no boolean "same_concern"`)
	}
	v.Same, v.Reason = *out.Same, strings.TrimSpace(out.Reason)
	return v, nil
}
