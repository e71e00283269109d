package tiers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// openAIModel calls an OpenAI-compatible /v1/chat/completions endpoint
// (vLLM, Ollama, LiteLLM, OpenAI itself).
type openAIModel struct {
	url     string
	apiKey  string
	http    *http.Client
	retries int
	backoff jitterBackoff
}

var _ Model = (*openAIModel)(nil)

// newOpenAIModel accepts a base URL with or without the /v1 suffix, since
// servers document it both ways (Ollama "http://host:11434/v1", vLLM
// "http://host:8000").
func newOpenAIModel(cfg Config) (*openAIModel, error) {
	base := strings.TrimRight(cfg.OpenAIBaseURL, "/")
	if base == "" {
		return nil, fmt.Errorf("%w: REVIEWBOT_OPENAI_BASE_URL is not set", ErrConfig)
	}
	if !strings.HasSuffix(base, "/v1") {
		base += "/v1"
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	return &openAIModel{
		url:     base + "/chat/completions",
		apiKey:  cfg.OpenAIAPIKey,
		http:    client,
		retries: cfg.MaxAttempts,
		backoff: jitterBackoff{base: cfg.RetryBaseDelay, max: cfg.RetryMaxBackoff},
	}, nil
}

// The wire types hold only the fields this package sends or reads.
type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Tools       []chatTool    `json:"tools,omitempty"`
	ToolChoice  any           `json:"tool_choice,omitempty"`
	MaxTokens   int           `json:"max_tokens,omitempty"`
	Temperature float32       `json:"temperature"`
}

type chatMessage struct {
	Role       string         `json:"role"`
	Content    string         `json:"content"`
	ToolCalls  []chatToolCall `json:"tool_calls,omitempty"`
	ToolCallID string         `json:"tool_call_id,omitempty"`
}

type chatTool struct {
	Type     string       `json:"type"`
	Function chatFunction `json:"function"`
}

type chatFunction struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Parameters  map[string]any `json:"parameters,omitempty"`
}

type chatToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type chatResponse struct {
	Choices []struct {
		Message      chatMessage `json:"message"`
		FinishReason string      `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens        int64 `json:"prompt_tokens"`
		CompletionTokens    int64 `json:"completion_tokens"`
		PromptTokensDetails struct {
			CachedTokens int64 `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
	} `json:"usage"`
}

// statusError is a non-2xx answer; 429 and 5xx are worth retrying.
type statusError struct {
	code int
	body string
}

// Error implements error.
func (e *statusError) Error() string {
	return fmt.Sprintf("status %d: %s", e.code, e.body)
}

func (e *statusError) retryable() bool {
	return e.code == http.StatusTooManyRequests || e.code >= 500
}

// Converse implements Model with jittered retries on 429 and 5xx.
func (m *openAIModel) Converse(ctx context.Context, req *Request) (*Reply, error) {
	body, err := json.Marshal(chatBody(req))
	if err != nil {
		return nil, fmt.Errorf("encode chat request: %w", err)
	}
	var lastErr error
	for attempt := 1; attempt <= max(1, m.retries); attempt++ {
		if attempt > 1 {
			d, _ := m.backoff.BackoffDelay(attempt-1, lastErr)
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("openai chat %s: %w", req.Model, ctx.Err())
			case <-time.After(d):
			}
		}
		reply, err := m.post(ctx, body)
		if err == nil {
			return reply, nil
		}
		lastErr = err
		var se *statusError
		if ctx.Err() != nil || (errors.As(err, &se) && !se.retryable()) {
			break
		}
	}
	return nil, fmt.Errorf("openai chat %s: %w", req.Model, lastErr)
}

// post sends one attempt.
func (m *openAIModel) post(ctx context.Context, body []byte) (*Reply, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if m.apiKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+m.apiKey)
	}
	resp, err := m.http.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &statusError{code: resp.StatusCode, body: strings.TrimSpace(string(data[:min(len(data), 500)]))}
	}
	var cr chatResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return nil, fmt.Errorf("decode response: %w", err)
	}
	if len(cr.Choices) == 0 {
		return nil, errors.New("response has no choices")
	}
	ch := cr.Choices[0]
	r := &Reply{Text: ch.Message.Content, StopReason: finishToStop(ch.FinishReason), Usage: Usage{
		Calls:           1,
		InputTokens:     cr.Usage.PromptTokens - cr.Usage.PromptTokensDetails.CachedTokens,
		OutputTokens:    cr.Usage.CompletionTokens,
		CacheReadTokens: cr.Usage.PromptTokensDetails.CachedTokens,
	}}
	if len(ch.Message.ToolCalls) > 0 {
		tc := ch.Message.ToolCalls[0]
		r.ToolUse = &ToolUse{ID: tc.ID, Name: tc.Function.Name, Input: argumentsJSON(tc.Function.Arguments)}
	}
	return r, nil
}

// argumentsJSON returns the tool arguments as JSON. They are a JSON string
// by the API's definition; a server that sends invalid JSON still gets its
// text through to the parser, which reports the error for a repair.
func argumentsJSON(args string) json.RawMessage {
	if json.Valid([]byte(args)) {
		return json.RawMessage(args)
	}
	quoted, _ := json.Marshal(args)
	return quoted
}

// finishToStop maps OpenAI finish reasons onto Converse stop reasons.
func finishToStop(reason string) string {
	switch reason {
	case "length":
		return StopMaxTokens
	case "tool_calls", "function_call":
		return StopToolUse
	}
	return StopEndTurn
}

// chatBody translates a Request. Cache points have no equivalent: OpenAI
// style servers cache shared prefixes on their own.
func chatBody(req *Request) chatRequest {
	out := chatRequest{Model: req.Model, MaxTokens: req.MaxTokens, Temperature: req.Temperature}
	if req.System != "" {
		out.Messages = append(out.Messages, chatMessage{Role: "system", Content: req.System})
	}
	for _, msg := range req.Messages {
		var text []string
		for _, b := range msg.Blocks {
			switch {
			case b.ToolUse != nil:
				tc := chatToolCall{ID: b.ToolUse.ID, Type: "function"}
				tc.Function.Name = b.ToolUse.Name
				tc.Function.Arguments = string(b.ToolUse.Input)
				out.Messages = append(out.Messages, chatMessage{Role: "assistant", ToolCalls: []chatToolCall{tc}})
			case b.ToolResult != nil:
				out.Messages = append(out.Messages, chatMessage{Role: "tool", ToolCallID: b.ToolResult.ToolUseID, Content: b.ToolResult.Text})
			case b.Text != "":
				text = append(text, b.Text)
			}
		}
		if len(text) > 0 {
			out.Messages = append(out.Messages, chatMessage{Role: msg.Role, Content: strings.Join(text, "\n\n")})
		}
	}
	if req.Tool != nil {
		out.Tools = []chatTool{{Type: "function", Function: chatFunction{
			Name: req.Tool.Name, Description: req.Tool.Description, Parameters: req.Tool.Schema,
		}}}
		if req.ForceTool {
			out.ToolChoice = map[string]any{"type": "function", "function": map[string]string{"name": req.Tool.Name}}
		}
	}
	return out
}
