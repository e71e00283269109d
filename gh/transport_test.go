package gh

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// scripted answers requests from a list of responses and records when
// each arrived.
type scripted struct {
	mu      sync.Mutex
	answers []func(*http.Request) *http.Response
	seen    []time.Time
	bodies  []string
}

func (s *scripted) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, time.Now())
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		s.bodies = append(s.bodies, string(b))
	}
	i := len(s.seen) - 1
	if i >= len(s.answers) {
		return answer(200, nil, "{}"), nil
	}
	return s.answers[i](r), nil
}

func answer(code int, h http.Header, body string) *http.Response {
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

func fixed(code int, h http.Header, body string) func(*http.Request) *http.Response {
	return func(*http.Request) *http.Response { return answer(code, h, body) }
}

func post(t *testing.T, rt http.RoundTripper, method, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, "https://api.github.test/repos/o/r/issues/1/comments", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// recordSleep makes the pacer's waits instant and records them.
func recordSleep(p *Pacer) *[]time.Duration {
	var waits []time.Duration
	p.sleep = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}
	return &waits
}

func TestPacerSpacesWrites(t *testing.T) {
	base := &scripted{}
	p := &Pacer{Base: base, Gap: 50 * time.Millisecond}
	for range 3 {
		post(t, p, http.MethodPost, "{}")
	}
	if len(base.seen) != 3 {
		t.Fatalf("sent %d", len(base.seen))
	}
	for i := 1; i < 3; i++ {
		if d := base.seen[i].Sub(base.seen[i-1]); d < 50*time.Millisecond {
			t.Errorf("writes %d and %d were %v apart, want at least the gap", i-1, i, d)
		}
	}
	if p.Writes() != 3 {
		t.Errorf("Writes() = %d", p.Writes())
	}
}

func TestPacerDoesNotSpaceReads(t *testing.T) {
	base := &scripted{}
	p := &Pacer{Base: base, Gap: time.Hour}
	waits := recordSleep(p)
	post(t, p, http.MethodGet, "")
	post(t, p, http.MethodGet, "")
	if len(*waits) != 0 || p.Writes() != 0 {
		t.Errorf("reads waited %v", *waits)
	}
}

func TestPacerWaitsOutSecondaryLimitAndResends(t *testing.T) {
	h := http.Header{}
	h.Set("Retry-After", "7")
	base := &scripted{answers: []func(*http.Request) *http.Response{
		fixed(403, h, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`),
		fixed(201, nil, `{"id":1}`),
	}}
	p := &Pacer{Base: base, Gap: -1}
	waits := recordSleep(p)
	resp := post(t, p, http.MethodPost, `{"body":"hello"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if len(*waits) != 1 || (*waits)[0] != 7*time.Second {
		t.Errorf("waits = %v, want Retry-After's 7s", *waits)
	}
	if len(base.bodies) != 2 || base.bodies[1] != `{"body":"hello"}` {
		t.Errorf("bodies = %q: the resent request must carry its body again", base.bodies)
	}
}

func TestPacerWaitsForPrimaryReset(t *testing.T) {
	h := http.Header{}
	h.Set("X-Ratelimit-Remaining", "0")
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(time.Now().Add(30*time.Second).Unix(), 10))
	base := &scripted{answers: []func(*http.Request) *http.Response{fixed(403, h, `{"message":"API rate limit exceeded"}`), fixed(200, nil, "{}")}}
	p := &Pacer{Base: base, Gap: -1}
	waits := recordSleep(p)
	if resp := post(t, p, http.MethodGet, ""); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if len(*waits) != 1 || (*waits)[0] < 28*time.Second || (*waits)[0] > 32*time.Second {
		t.Errorf("waits = %v, want about 30s until x-ratelimit-reset", *waits)
	}
}

func TestPacerGivesUpOnLateReset(t *testing.T) {
	h := http.Header{}
	h.Set("X-Ratelimit-Remaining", "0")
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(time.Now().Add(40*time.Minute).Unix(), 10))
	base := &scripted{answers: []func(*http.Request) *http.Response{fixed(429, h, `{}`)}}
	p := &Pacer{Base: base, Gap: -1}
	waits := recordSleep(p)
	if resp := post(t, p, http.MethodGet, ""); resp.StatusCode != 429 {
		t.Fatalf("status %d, want the 429 passed through", resp.StatusCode)
	}
	if len(*waits) != 0 {
		t.Errorf("waited %v for a reset 40 minutes away", *waits)
	}
}

func TestPacerPermission403IsNotALimit(t *testing.T) {
	base := &scripted{answers: []func(*http.Request) *http.Response{fixed(403, nil, `{"message":"Resource not accessible by integration"}`)}}
	p := &Pacer{Base: base, Gap: -1}
	waits := recordSleep(p)
	resp := post(t, p, http.MethodPost, "{}")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 403 || !strings.Contains(string(b), "not accessible") || len(base.seen) != 1 || len(*waits) != 0 {
		t.Errorf("status %d body %q sent %d waits %v", resp.StatusCode, b, len(base.seen), *waits)
	}
}

func TestPacerRetries5xxOnlyWhenIdempotent(t *testing.T) {
	five := fixed(502, nil, `{"message":"Server Error"}`)
	base := &scripted{answers: []func(*http.Request) *http.Response{five, five, fixed(200, nil, "{}")}}
	p := &Pacer{Base: base, Gap: -1}
	waits := recordSleep(p)
	if resp := post(t, p, http.MethodPatch, "{}"); resp.StatusCode != 200 {
		t.Fatalf("PATCH status %d", resp.StatusCode)
	}
	if len(*waits) != 2 || (*waits)[1] != 2*(*waits)[0] {
		t.Errorf("backoff waits = %v, want doubling", *waits)
	}
	base2 := &scripted{answers: []func(*http.Request) *http.Response{five, fixed(201, nil, "{}")}}
	p2 := &Pacer{Base: base2, Gap: -1}
	recordSleep(p2)
	if resp := post(t, p2, http.MethodPost, "{}"); resp.StatusCode != 502 || len(base2.seen) != 1 {
		t.Errorf("POST got %d after %d sends: a POST that may have landed is not resent here", resp.StatusCode, len(base2.seen))
	}
}
