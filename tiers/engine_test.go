package tiers

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeModel is a Model whose behaviour each test supplies.
type fakeModel struct {
	ConverseFunc func(ctx context.Context, req *Request) (*Reply, error)
}

var _ Model = (*fakeModel)(nil)

func (f *fakeModel) Converse(ctx context.Context, req *Request) (*Reply, error) {
	return f.ConverseFunc(ctx, req)
}

// toolReply answers a request with a valid tool call for its purpose.
func toolReply(req *Request) *Reply {
	input := goodSummary
	if req.Tool != nil && req.Tool.Name == ToolReview {
		input = map[string]any{"findings": []any{}}
	}
	raw, _ := json.Marshal(input)
	return &Reply{ToolUse: &ToolUse{ID: "t", Name: req.Tool.Name, Input: raw}, StopReason: StopToolUse, Usage: Usage{InputTokens: 10, OutputTokens: 5}}
}

func TestEngineBoundsConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int32
	m := &fakeModel{ConverseFunc: func(_ context.Context, req *Request) (*Reply, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		return toolReply(req), nil
	}}
	cfg := fastConfig()
	cfg.MaxConcurrency = 2
	cfg.ChunkTokens = 2_000
	in := bigInput(6)
	in.Instructions = "" // no warm-up: all chunks are eligible at once
	res, err := NewEngineWithModel(cfg, m).Run(context.Background(), Free, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Usage.Calls != 6 {
		t.Errorf("calls = %d, want 6 one-file chunks", res.Usage.Calls)
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrent calls = %d, want MaxConcurrency 2", p)
	}
}

func TestEnginePartialFailureListsUnreviewedFiles(t *testing.T) {
	var mu sync.Mutex
	m := &fakeModel{ConverseFunc: func(_ context.Context, req *Request) (*Reply, error) {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(req.Messages[0].Blocks[len(req.Messages[0].Blocks)-1].Text, "pkg/fileb.go") {
			return nil, errors.New("bedrock converse: ServiceUnavailableException")
		}
		return toolReply(req), nil
	}}
	cfg := fastConfig()
	cfg.ChunkTokens = 2_000
	res, err := NewEngineWithModel(cfg, m).Run(context.Background(), Team, bigInput(3))
	if err != nil {
		t.Fatalf("Run = %v; one failed chunk of three must not fail the run", err)
	}
	var got []string
	for _, s := range res.Unreviewed {
		got = append(got, s.Path+": "+s.Reason)
	}
	if len(got) != 2 || !strings.Contains(got[0], "pkg/fileb.go: summary call failed") || !strings.Contains(got[1], "pkg/fileb.go: review call failed") {
		t.Errorf("unreviewed = %q", got)
	}
}

func TestEngineTimeoutFailsVisibly(t *testing.T) {
	m := &fakeModel{ConverseFunc: func(ctx context.Context, _ *Request) (*Reply, error) {
		<-ctx.Done() // a model that never answers
		return nil, ctx.Err()
	}}
	cfg := fastConfig()
	cfg.CallTimeout = 20 * time.Millisecond
	res, err := NewEngineWithModel(cfg, m).Run(context.Background(), Free, testInput())
	if !errors.Is(err, ErrUpstream) || !errors.Is(err, context.DeadlineExceeded) || res != nil {
		t.Fatalf("Run = %v, %v; want ErrUpstream wrapping the deadline", res, err)
	}
}

func TestCallTimeoutGrowsWithOutput(t *testing.T) {
	e := NewEngineWithModel(Config{}, &fakeModel{})
	short, long := e.callTimeout(1_000), e.callTimeout(8_192)
	// 60s + 8192/30 s ≈ 333s for a full premium answer.
	if long-short < 3*time.Minute || long < 5*time.Minute {
		t.Errorf("timeouts %v and %v do not grow with the output budget", short, long)
	}
}

func TestJitterBackoff(t *testing.T) {
	j := jitterBackoff{base: 100 * time.Millisecond, max: time.Second}
	for attempt, ceiling := range map[int]time.Duration{1: 100 * time.Millisecond, 3: 400 * time.Millisecond, 10: time.Second, 64: time.Second} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d, err := j.BackoffDelay(attempt, nil)
			if err != nil || d < 0 || d >= ceiling {
				t.Fatalf("attempt %d: delay %v outside [0, %v)", attempt, d, ceiling)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Errorf("attempt %d: only %d distinct delays, want jitter", attempt, len(seen))
		}
	}
}

func TestEngineEmptyInputMakesNoCall(t *testing.T) {
	m := &fakeModel{ConverseFunc: func(context.Context, *Request) (*Reply, error) {
		t.Error("a PR without files must not call the model")
		return nil, errors.New("unexpected")
	}}
	res, err := NewEngineWithModel(Config{}, m).Run(context.Background(), Team, Input{})
	if err != nil || res.Summary.Summary != "No reviewable file changes." || res.Usage.Calls != 0 {
		t.Errorf("Run = %+v, %v", res, err)
	}
}

func TestRepairPromptForModelsWithoutTools(t *testing.T) {
	var (
		mu   sync.Mutex
		asks []string
	)
	m := &fakeModel{ConverseFunc: func(_ context.Context, req *Request) (*Reply, error) {
		if len(req.Messages) == 1 {
			return &Reply{Text: "I think the code is fine."}, nil
		}
		mu.Lock()
		asks = append(asks, req.Messages[2].Blocks[0].Text)
		mu.Unlock()
		if strings.Contains(req.System, ToolReview) {
			return &Reply{Text: jsonString(goodReview)}, nil
		}
		return &Reply{Text: jsonString(goodSummary)}, nil
	}}
	cfg := Config{CheapModel: "meta.llama3-8b-instruct-v1:0", PremiumModel: "meta.llama3-8b-instruct-v1:0"}
	res, err := NewEngineWithModel(cfg, m).Run(context.Background(), Team, testInput())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || len(asks) != 2 {
		t.Fatalf("findings %d after %d repairs", len(res.Findings), len(asks))
	}
	for _, ask := range asks {
		if strings.Contains(ask, "Call the tool") || !strings.Contains(ask, "only the JSON object") || !strings.Contains(ask, "no JSON object found") {
			t.Errorf("repair prompt for a model without tools = %q", ask)
		}
	}
}
