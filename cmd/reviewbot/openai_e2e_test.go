package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestReviewThroughOpenAICompatibleServer runs a team review against an
// in-process chat-completions server the way a self-hosted vLLM, Ollama or
// LiteLLM would answer: the premium model has no tool support here, so it
// answers with the JSON in a ```json fence.
func TestReviewThroughOpenAICompatibleServer(t *testing.T) {
	// The summary and review calls arrive concurrently.
	var mu sync.Mutex
	var paths, auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		var req struct {
			Model string `json:"model"`
			Tools []struct {
				Function struct{ Name string } `json:"function"`
			} `json:"tools"`
		}
		data, _ := io.ReadAll(r.Body)
		json.Unmarshal(data, &req)
		w.Header().Set("Content-Type", "application/json")
		if req.Model == "small" {
			args, _ := json.Marshal(summaryInput)
			s, _ := json.Marshal(string(args))
			fmt.Fprintf(w, `{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"submit_summary","arguments":%s}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":800,"completion_tokens":90}}`, s)
			return
		}
		review := "Here is my review:\n```json\n" + `{"findings":[{"path":"calc/calc.go","line":5,"severity":"major","category":"bug","title":"Add subtracts","body":"Callers get a - b.","suggestion":"\treturn a + b"}],"impact":[]}` + "\n```\n"
		text, _ := json.Marshal(review)
		fmt.Fprintf(w, `{"choices":[{"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],"usage":{"prompt_tokens":1500,"completion_tokens":200}}`, text)
	}))
	defer srv.Close()
	env := map[string]string{
		"REVIEWBOT_PROVIDER": "openai", "REVIEWBOT_OPENAI_BASE_URL": srv.URL + "/v1", "REVIEWBOT_OPENAI_API_KEY": "sk-test",
		"REVIEWBOT_CHEAP_MODEL": "small", "REVIEWBOT_PREMIUM_MODEL": "big",
	}
	code, out, stderr := runCLI(t, env, "review", "--repo", calcRepo(t), "--tier", "team", "--format", "json", "--base", "main")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Summary  string
		Findings []struct{ Path, Anchor, Suggestion string }
		Usage    struct {
			Calls       int   `json:"calls"`
			InputTokens int64 `json:"input_tokens"`
			Estimated   bool  `json:"estimated"`
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if res.Summary != "Changes Add to subtract." || len(res.Findings) != 1 || res.Findings[0].Anchor != "inline" || res.Findings[0].Suggestion != "\treturn a + b" {
		t.Errorf("result: %+v", res)
	}
	if res.Usage.Calls != 2 || res.Usage.InputTokens != 2300 || res.Usage.Estimated {
		t.Errorf("usage = %+v", res.Usage)
	}
	for i, p := range paths {
		if p != "/v1/chat/completions" || auths[i] != "Bearer sk-test" {
			t.Errorf("request %d: %s with %q", i, p, auths[i])
		}
	}
}
