package tiers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeChat is an OpenAI-compatible chat endpoint whose answer is chosen
// per request by Answer.
type fakeChat struct {
	Answer func(n int, body map[string]any) (status int, reply string)

	mu     sync.Mutex
	bodies []map[string]any
	paths  []string
	auths  []string
}

func (f *fakeChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	data, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(data, &body)
	f.mu.Lock()
	n := len(f.bodies)
	f.bodies = append(f.bodies, body)
	f.paths = append(f.paths, r.URL.Path)
	f.auths = append(f.auths, r.Header.Get("Authorization"))
	f.mu.Unlock()
	status, reply := f.Answer(n, body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, reply)
}

var _ http.Handler = (*fakeChat)(nil)

// chatToolReply is a chat completion that calls a function; the arguments
// travel as a JSON string, as the API defines.
func chatToolReply(name string, args any) string {
	a, _ := json.Marshal(args)
	s, _ := json.Marshal(string(a))
	return fmt.Sprintf(`{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":%q,"arguments":%s}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":500,"completion_tokens":60,"prompt_tokens_details":{"cached_tokens":100}}}`, name, s)
}

func chatTextReply(text string) string {
	t, _ := json.Marshal(text)
	return fmt.Sprintf(`{"choices":[{"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],"usage":{"prompt_tokens":500,"completion_tokens":60}}`, t)
}

func TestOpenAICompatibleProvider(t *testing.T) {
	tests := []struct {
		name     string
		baseURL  string // suffix after the server URL
		models   map[string]ModelInfo
		answer   func(n int, body map[string]any) (int, string)
		wantCall int
		wantForc bool
	}{
		{
			name:    "tool call reply with forced tool choice",
			baseURL: "/v1",
			models:  map[string]ModelInfo{"qwen2.5-coder": {ContextWindow: 32_000, MaxOutput: 4_096, Tools: true, ForcedToolChoice: true}},
			answer: func(int, map[string]any) (int, string) {
				return http.StatusOK, chatToolReply(ToolSummary, goodSummary)
			},
			wantCall: 1, wantForc: true,
		},
		{
			name:    "plain text reply after a 503",
			baseURL: "",
			answer: func(n int, _ map[string]any) (int, string) {
				if n == 0 {
					return http.StatusServiceUnavailable, `{"error":"loading"}`
				}
				return http.StatusOK, chatTextReply("```json\n" + jsonString(goodSummary) + "\n```")
			},
			wantCall: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeChat{Answer: tt.answer}
			srv := httptest.NewServer(f)
			defer srv.Close()
			cfg := fastConfig()
			cfg.Provider = ProviderOpenAI
			cfg.OpenAIBaseURL = srv.URL + tt.baseURL
			cfg.OpenAIAPIKey = "sk-test"
			cfg.CheapModel = "qwen2.5-coder"
			cfg.Models = tt.models
			e, err := NewEngine(context.Background(), cfg)
			if err != nil {
				t.Fatalf("NewEngine: %v", err)
			}
			res, err := e.Run(context.Background(), Free, testInput())
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if len(f.bodies) != tt.wantCall {
				t.Fatalf("requests = %d, want %d", len(f.bodies), tt.wantCall)
			}
			if f.paths[0] != "/v1/chat/completions" || f.auths[0] != "Bearer sk-test" {
				t.Errorf("request to %s with %q", f.paths[0], f.auths[0])
			}
			body := f.bodies[0]
			if dig(body, "model") != "qwen2.5-coder" || dig(body, "messages", 0, "role") != "system" || dig(body, "messages", 1, "role") != "user" {
				t.Errorf("body = %.300s", jsonString(body))
			}
			if dig(body, "tools", 0, "function", "name") != ToolSummary || dig(body, "tools", 0, "function", "parameters", "type") != "object" {
				t.Errorf("tools = %s", jsonString(body["tools"]))
			}
			if forced := dig(body, "tool_choice", "function", "name") == ToolSummary; forced != tt.wantForc {
				t.Errorf("tool_choice = %v, want forced %v", body["tool_choice"], tt.wantForc)
			}
			if !strings.Contains(jsonString(body["messages"]), "reviewbot-data") {
				t.Errorf("user message lacks the data delimiters")
			}
			if res.Summary.Summary != "Adds a retry to the client." || res.Summary.Risk != "medium" {
				t.Errorf("summary = %+v", res.Summary)
			}
			if res.Usage.Calls != 1 || res.Usage.OutputTokens != 60 || res.Usage.InputTokens+res.Usage.CacheReadTokens != 500 {
				t.Errorf("usage = %+v", res.Usage)
			}
			// A local model has no price: cost 0 and a note, no failure.
			if res.Usage.CostUSD != 0 || !strings.Contains(strings.Join(res.Notes, "\n"), `no price known for model "qwen2.5-coder"`) {
				t.Errorf("cost %v, notes %q", res.Usage.CostUSD, res.Notes)
			}
		})
	}
}

func TestOpenAIRepairReplaysToolCall(t *testing.T) {
	f := &fakeChat{Answer: func(n int, _ map[string]any) (int, string) {
		if n == 0 {
			return http.StatusOK, chatToolReply(ToolSummary, map[string]any{"walkthrough": "none"})
		}
		return http.StatusOK, chatToolReply(ToolSummary, goodSummary)
	}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	cfg := fastConfig()
	cfg.Provider, cfg.OpenAIBaseURL, cfg.CheapModel = ProviderOpenAI, srv.URL, "qwen2.5-coder"
	e, err := NewEngine(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Run(context.Background(), Free, testInput()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(f.bodies) != 2 {
		t.Fatalf("requests = %d, want the answer and one repair", len(f.bodies))
	}
	msgs := f.bodies[1]["messages"].([]any)
	roles := []string{}
	for _, m := range msgs {
		roles = append(roles, dig(m, "role").(string))
	}
	if got := strings.Join(roles, ","); got != "system,user,assistant,tool,user" {
		t.Errorf("repair roles = %s", got)
	}
	if dig(msgs, 3, "tool_call_id") != "call_1" {
		t.Errorf("tool result = %s", jsonString(msgs[3]))
	}
}
