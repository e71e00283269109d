package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// converseFake is an in-process Bedrock Converse endpoint for end-to-end
// runs of the binary's code: the real AWS SDK client signs and sends, the
// fake answers with the wire shapes of the SDK's own snapshots.
type converseFake struct {
	mu    sync.Mutex
	calls []string // tool name of each request, or "" when none was offered
	// bodies are the request bodies, in the order they came.
	bodies []string
	// answer returns status, X-Amzn-Errortype and body for a request that
	// offered the given tool.
	answer func(tool string) (int, string, string)
}

var _ http.Handler = (*converseFake)(nil)

func (f *converseFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/bedrock/aws4_request") {
		http.Error(w, `{"message":"missing SigV4 for bedrock"}`, http.StatusForbidden)
		return
	}
	var body struct {
		ToolConfig struct {
			Tools []struct {
				ToolSpec struct{ Name string } `json:"toolSpec"`
			} `json:"tools"`
		} `json:"toolConfig"`
	}
	data, _ := io.ReadAll(r.Body)
	json.Unmarshal(data, &body)
	tool := ""
	if len(body.ToolConfig.Tools) > 0 {
		tool = body.ToolConfig.Tools[0].ToolSpec.Name
	}
	f.mu.Lock()
	f.calls = append(f.calls, tool)
	f.bodies = append(f.bodies, string(data))
	f.mu.Unlock()
	status, errType, out := f.answer(tool)
	w.Header().Set("Content-Type", "application/json")
	if errType != "" {
		w.Header().Set("X-Amzn-Errortype", errType)
	}
	w.WriteHeader(status)
	io.WriteString(w, out)
}

func toolUse(name string, input any) string {
	in, _ := json.Marshal(input)
	return fmt.Sprintf(`{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":%q,"input":%s}}]}},"stopReason":"tool_use","usage":{"inputTokens":2000,"outputTokens":300,"totalTokens":2300},"metrics":{"latencyMs":5}}`, name, in)
}

func startBedrock(t testing.TB, answer func(tool string) (int, string, string)) *converseFake {
	f := &converseFake{answer: answer}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	none := filepath.Join(t.TempDir(), "absent")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_ENDPOINT_URL_BEDROCK_RUNTIME": srv.URL, "AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "",
	} {
		t.Setenv(k, v)
	}
	return f
}

// calcRepo is a small Go module whose head changes calc.Add, called from
// main.go line 6.
func calcRepo(t *testing.T) string {
	body := "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n" + strings.Repeat("\n// padding\n", 20) + "\n// Sub subtracts.\nfunc Sub(a, b int) int { return a - b }\n"
	return repo(t,
		map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n", "calc/calc.go": body,
			"main.go": "package main\n\nimport \"example.com/m/calc\"\n\nfunc main() {\n\tprintln(calc.Add(1, 2))\n}\n"},
		map[string]string{"calc/calc.go": strings.Replace(body, "return a + b", "return a - b", 1)})
}

var summaryInput = map[string]any{
	"summary": "Changes Add to subtract.", "risk": "high", "labels": []string{"bug"},
	"walkthrough": []any{map[string]any{"path": "calc/calc.go", "change": "Add now subtracts"}},
}

func TestReviewTeamAgainstFakeBedrock(t *testing.T) {
	f := startBedrock(t, func(tool string) (int, string, string) {
		if tool == "submit_summary" {
			return 200, "", toolUse(tool, summaryInput)
		}
		return 200, "", toolUse("submit_review", map[string]any{
			"findings": []any{
				map[string]any{"path": "calc/calc.go", "line": 5, "severity": "critical", "category": "bug", "title": "Add subtracts", "body": "Breaks every caller.", "suggestion": "\treturn a + b"},
				map[string]any{"path": "calc/calc.go", "line": 40, "severity": "minor", "category": "maintainability", "title": "Far away", "body": "Not in the diff."},
				map[string]any{"path": "nope.go", "line": 1, "severity": "major", "category": "bug", "title": "Invented", "body": "x"},
				map[string]any{"path": "calc/calc.go", "line": 5, "severity": "loud", "category": "bug", "title": "Bad enum", "body": "x"},
			},
			"impact": []any{map[string]any{"symbol": "calc.Add", "summary": "main prints the wrong sum.", "locations": []string{"main.go:6"}}},
		})
	})
	dir := calcRepo(t)
	code, out, stderr := runCLI(t, nil, "review", "--repo", dir, "--tier", "team", "--format", "json", "--base", "main")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Tier     string
		Summary  string
		Risk     string
		Findings []struct {
			Path, Title, Anchor, Suggestion, Side string
			Line                                  int
		}
		Impact []struct {
			Symbol, Summary string
			Locations       []string
		}
		Usage struct {
			Calls       int     `json:"calls"`
			InputTokens int64   `json:"input_tokens"`
			CostUSD     float64 `json:"cost_usd"`
			Estimated   bool    `json:"estimated"`
		}
		Notes []string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if res.Tier != "team" || res.Summary != "Changes Add to subtract." || res.Risk != "high" {
		t.Errorf("tier %q summary %q risk %q", res.Tier, res.Summary, res.Risk)
	}
	if len(res.Findings) != 2 {
		t.Fatalf("findings = %+v, want the two valid ones", res.Findings)
	}
	if f := res.Findings[0]; f.Title != "Add subtracts" || f.Anchor != "inline" || f.Line != 5 || f.Side != "RIGHT" || f.Suggestion != "\treturn a + b" {
		t.Errorf("inline finding = %+v", f)
	}
	if f := res.Findings[1]; f.Title != "Far away" || f.Anchor != "file" {
		t.Errorf("out-of-hunk finding = %+v", f)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "2 invalid item(s)") {
		t.Errorf("dropped items not counted in notes: %v", res.Notes)
	}
	if len(res.Impact) == 0 || res.Impact[0].Symbol != "calc.Add" || res.Impact[0].Summary != "main prints the wrong sum." || strings.Join(res.Impact[0].Locations, ",") != "main.go:6" {
		t.Errorf("impact = %+v", res.Impact)
	}
	if res.Usage.Estimated || res.Usage.Calls != 2 || res.Usage.InputTokens != 4000 || res.Usage.CostUSD <= 0 {
		t.Errorf("usage = %+v", res.Usage)
	}
	if strings.Join(f.calls, ",") != "submit_summary,submit_review" && strings.Join(f.calls, ",") != "submit_review,submit_summary" {
		t.Errorf("calls = %v", f.calls)
	}
}

func TestReviewFreeTierIsSummaryOnly(t *testing.T) {
	f := startBedrock(t, func(tool string) (int, string, string) {
		return 200, "", toolUse(tool, summaryInput)
	})
	code, out, stderr := runCLI(t, nil, "review", "--repo", calcRepo(t), "--tier", "free", "--format", "json", "--base", "main")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Findings []any
		Impact   []any
		Tier     string
	}
	json.Unmarshal([]byte(out), &res)
	if res.Tier != "free" || len(res.Findings) != 0 || len(res.Impact) != 0 || len(f.calls) != 1 || f.calls[0] != "submit_summary" {
		t.Errorf("free tier: %+v calls %v", res, f.calls)
	}
}

func TestReviewUpstreamFailureExits3(t *testing.T) {
	startBedrock(t, func(string) (int, string, string) {
		return 503, "ServiceUnavailableException", `{"__type":"ServiceUnavailableException","message":"try later"}`
	})
	code, out, stderr := runCLI(t, map[string]string{"REVIEWBOT_RETRY_BASE_DELAY": "1ms"}, "review", "--repo", calcRepo(t), "--tier", "free", "--format", "json", "--base", "main")
	if code != 3 {
		t.Fatalf("exit %d, want 3; stderr %s", code, stderr)
	}
	if out != "" || !strings.Contains(stderr, "ServiceUnavailable") {
		t.Errorf("a failed review must print no result and say why: out %q stderr %q", out, stderr)
	}
}

func TestReviewFailOnExits1AndStillPrints(t *testing.T) {
	startBedrock(t, func(tool string) (int, string, string) {
		if tool == "submit_summary" {
			return 200, "", toolUse(tool, summaryInput)
		}
		return 200, "", toolUse("submit_review", map[string]any{"findings": []any{
			map[string]any{"path": "calc/calc.go", "line": 5, "severity": "minor", "category": "bug", "title": "Sign flipped", "body": "Add subtracts."},
		}})
	})
	dir := calcRepo(t)
	for _, tt := range []struct {
		failOn string
		want   int
	}{{"major", 0}, {"minor", 1}, {"nit", 1}} {
		code, out, stderr := runCLI(t, nil, "review", "--repo", dir, "--tier", "team", "--base", "main", "--fail-on", tt.failOn)
		if code != tt.want {
			t.Errorf("--fail-on %s: exit %d, want %d (stderr %s)", tt.failOn, code, tt.want, stderr)
		}
		if !strings.Contains(out, "MINOR calc/calc.go:5") {
			t.Errorf("--fail-on %s: review not printed:\n%s", tt.failOn, out)
		}
	}
}

func TestReviewCostCapExits2WithoutCallingTheModel(t *testing.T) {
	f := startBedrock(t, func(tool string) (int, string, string) { return 200, "", toolUse(tool, summaryInput) })
	code, out, stderr := runCLI(t, nil, "review", "--repo", calcRepo(t), "--tier", "team", "--base", "main", "--max-cost", "0.0000001")
	if code != 2 || out != "" || !strings.Contains(stderr, "max_cost_usd") || !strings.Contains(stderr, "flag --max-cost") {
		t.Fatalf("exit %d out %q stderr %q", code, out, stderr)
	}
	if len(f.calls) != 0 {
		t.Errorf("the model was called %d times despite the cap", len(f.calls))
	}
}
