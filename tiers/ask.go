package tiers

import (
	"context"
	"fmt"
	"strings"
)

// Question is a question asked about a pull request in one of its threads
// (/ask, or a reply to one of reviewbot's findings). All text is untrusted.
type Question struct {
	PR PR
	// Text is the question as the person wrote it.
	Text string
	// Files are the patches the answer is about: the thread's file, or the
	// whole pull request, in the numbered form File.Patch documents.
	Files []File
	// Context is codebase context around the changes.
	Context []ContextItem
	// Thread holds the earlier comments of a review thread, root first
	// (the finding being discussed), as "login: text".
	Thread []string
	// Location is "path:line" of the thread's comment, "" for a question
	// in the conversation.
	Location       string
	ReviewLanguage string
}

// Answer is the model's reply to a Question.
type Answer struct {
	Text  string
	Model string
	Usage Usage
}

// askMaxOutput bounds an answer: a few paragraphs, not an essay.
const askMaxOutput = 1500

// Ask answers a question with the premium model: one plain-text call (no
// tool, since the answer is prose), with the diff and context budgeted to
// the model's window. Failures after the SDK's retries wrap ErrUpstream.
func (e *Engine) Ask(ctx context.Context, q Question) (*Answer, error) {
	if e.model == nil {
		return nil, fmt.Errorf("%w: this engine only plans; configure a provider to answer questions", ErrConfig)
	}
	if err := e.cfg.modelNamed(Team); err != nil {
		return nil, err
	}
	model := e.cfg.PremiumModel
	info := e.cfg.model(model)
	system := render("system_ask.md", struct{ Language string }{q.ReviewLanguage})
	room := info.ContextWindow - askMaxOutput - EstimateTokens(system) - framingTokens - info.ContextWindow/20
	prompt, left := askPrompt(q, min(room, reviewChunkTokens))
	req := &Request{Model: model, System: system, MaxTokens: min(askMaxOutput, info.MaxOutput), Temperature: 0.2,
		Messages: []Message{{Role: "user", Blocks: []Block{{Text: prompt}}}}}
	o := &outcome{}
	reply, err := e.send(ctx, &call{purpose: "ask", model: model}, req, o)
	if err != nil && e.cfg.FallbackModel != "" {
		req.Model = e.cfg.FallbackModel
		reply, err = e.send(ctx, &call{purpose: "ask", model: req.Model}, req, o)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: answer with %s: %v", ErrUpstream, req.Model, err)
	}
	text := strings.TrimSpace(reply.Text)
	if text == "" {
		return nil, fmt.Errorf("%w: %s returned an empty answer (stop reason %q)", ErrUpstream, req.Model, reply.StopReason)
	}
	if left > 0 {
		text += fmt.Sprintf("\n\n_(%d file(s) of the diff did not fit in the question's budget and were not read.)_", left)
	}
	return &Answer{Text: text, Model: req.Model, Usage: o.usage}, nil
}

// askPrompt renders the user turn of a question within budget tokens,
// dropping files from the end when they do not fit; it returns how many
// were dropped.
func askPrompt(q Question, budget int) (string, int) {
	var b strings.Builder
	fmt.Fprintf(&b, "# Pull request %s", q.PR.Repo)
	if q.PR.Number > 0 {
		fmt.Fprintf(&b, "#%d", q.PR.Number)
	}
	b.WriteString("\n\n" + dataBlock("pr-title", "", q.PR.Title) + "\n" + dataBlock("pr-description", "", q.PR.Body) + "\n")
	for _, c := range q.Context {
		b.WriteString("\n" + dataBlock("context", contextAttrs(c), c.Text) + "\n")
	}
	if len(q.Thread) > 0 {
		b.WriteString("\n## The thread so far\n")
		for _, t := range q.Thread {
			b.WriteString(dataBlock("thread-comment", attr("location", q.Location), t) + "\n")
		}
	}
	tail := "\n## The question\n" + dataBlock("question", attr("location", q.Location), q.Text) + "\n"
	used := EstimateTokens(b.String() + tail)
	b.WriteString("\n## The diff\n")
	dropped := 0
	for _, f := range q.Files {
		block := dataBlock("diff", attr("path", f.Path)+attr("old_path", f.OldPath)+attr("status", f.Status), f.Patch) + "\n"
		if t := EstimateTokens(block); used+t > budget {
			dropped++
			continue
		} else {
			used += t
		}
		b.WriteString(block)
	}
	b.WriteString(tail)
	return b.String(), dropped
}
