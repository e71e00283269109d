package tiers

import (
	"context"
	"encoding/json"
)

// Model is one chat endpoint that answers a single request. The Bedrock
// Converse client and the OpenAI-compatible client implement it; retries of
// transient errors happen inside, fallback and repair happen above it.
type Model interface {
	Converse(ctx context.Context, req *Request) (*Reply, error)
}

// Request is one provider-neutral model call.
type Request struct {
	Model  string
	System string
	// SystemCache ends the system prompt with a cache point.
	SystemCache bool
	Messages    []Message
	// Tool, when set, is offered to the model; ForceTool makes the model call
	// it (toolChoice tool) instead of leaving the choice to it.
	Tool        *ToolSpec
	ForceTool   bool
	MaxTokens   int
	Temperature float32
}

// Message is one conversation turn.
type Message struct {
	Role   string // "user" or "assistant"
	Blocks []Block
}

// Block is one content block of a message; exactly one field is set.
type Block struct {
	Text string
	// CachePoint marks the end of a prefix the provider may cache.
	CachePoint bool
	ToolUse    *ToolUse
	ToolResult *ToolResult
}

// ToolSpec is a tool the model is asked to call, with its input schema.
type ToolSpec struct {
	Name        string
	Description string
	Schema      map[string]any
}

// ToolUse is a tool call made by the model.
type ToolUse struct {
	ID    string
	Name  string
	Input json.RawMessage
}

// ToolResult answers a tool call; IsError tells the model it was rejected.
type ToolResult struct {
	ToolUseID string
	Text      string
	IsError   bool
}

// Reply is what a model answered.
type Reply struct {
	Text       string
	ToolUse    *ToolUse
	StopReason string // end_turn, tool_use, max_tokens, ...
	Usage      Usage  // one call's tokens; cost is filled in by the engine
}

// Stop reasons the engine branches on, in Converse spelling; the OpenAI
// client maps finish_reason onto them.
const (
	StopMaxTokens = "max_tokens"
	StopToolUse   = "tool_use"
	StopEndTurn   = "end_turn"
)
