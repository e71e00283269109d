package gh

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Pacing settings of GitHub's documented limits.
// https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api
const (
	// DefaultWriteGap is the least time between two content-creating
	// requests (POST, PATCH, PUT, DELETE): GitHub asks integrations to
	// make them serially and at least one second apart, or it answers
	// with a secondary rate limit.
	DefaultWriteGap = time.Second
	// secondaryWait is how long to wait on a secondary rate limit that
	// names no Retry-After: "wait for at least one minute".
	secondaryWait = time.Minute
	// DefaultMaxWait caps one wait for a rate limit. A primary limit that
	// resets later than this fails the run instead of holding it for up
	// to an hour; a queued job retries it later.
	DefaultMaxWait = 2 * time.Minute
	// serverRetries is how often a 5xx answer to an idempotent request
	// is retried, with exponential backoff from serverBackoff.
	serverRetries = 3
	serverBackoff = 500 * time.Millisecond
)

// Pacer is an http.RoundTripper that keeps one installation's requests
// within GitHub's limits: content-creating requests go one at a time, at
// least Gap apart; a 403 or 429 rate-limit answer is waited out
// (Retry-After, else x-ratelimit-reset, else a minute) and the request
// sent again, since GitHub refused it without acting; a 5xx answer to an
// idempotent request (GET, PUT, PATCH, DELETE) is retried with backoff. A
// POST that got a 5xx is not resent here: GitHub may have acted on it, and
// the publisher re-reads the pull request before trying again.
type Pacer struct {
	Base    http.RoundTripper // nil means http.DefaultTransport
	Gap     time.Duration     // 0 means DefaultWriteGap; negative means no gap
	MaxWait time.Duration     // 0 means DefaultMaxWait
	Logger  *slog.Logger

	mu        sync.Mutex // held across a write, so writes are serial
	lastWrite time.Time
	// sleep is time.Sleep honouring ctx; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	// Writes counts the content-creating requests sent (each attempt).
	writes int
}

var _ http.RoundTripper = (*Pacer)(nil)

// Writes returns how many content-creating requests went out.
func (p *Pacer) Writes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.writes
}

func (p *Pacer) base() http.RoundTripper {
	if p.Base == nil {
		return http.DefaultTransport
	}
	return p.Base
}

func (p *Pacer) gap() time.Duration {
	switch {
	case p.Gap == 0:
		return DefaultWriteGap
	case p.Gap < 0:
		return 0
	}
	return p.Gap
}

func (p *Pacer) maxWait() time.Duration {
	if p.MaxWait <= 0 {
		return DefaultMaxWait
	}
	return p.MaxWait
}

func (p *Pacer) wait(ctx context.Context, d time.Duration) error {
	if p.sleep != nil {
		return p.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// RoundTrip sends r within the limits described on Pacer.
func (p *Pacer) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	write := isWrite(r.Method)
	if write {
		p.mu.Lock()
		defer p.mu.Unlock()
	}
	backoff := serverBackoff
	for attempt := 0; ; attempt++ {
		if write {
			if d := p.gap() - time.Since(p.lastWrite); d > 0 {
				if err := p.wait(ctx, d); err != nil {
					return nil, err
				}
			}
			p.writes++
		}
		req, err := rewind(r, attempt)
		if err != nil {
			return nil, err
		}
		resp, err := p.base().RoundTrip(req)
		if write {
			p.lastWrite = time.Now()
		}
		if err != nil {
			return nil, err
		}
		if d, limited := rateLimitWait(resp); limited {
			if d > p.maxWait() {
				return resp, nil // the caller reports the limit and when it resets
			}
			p.log().Warn("GitHub rate limit; waiting before sending again", "method", r.Method, "path", r.URL.Path, "status", resp.StatusCode, "wait", d)
			drain(resp)
			if err := p.wait(ctx, d); err != nil {
				return nil, err
			}
			continue
		}
		if resp.StatusCode >= 500 && r.Method != http.MethodPost && attempt < serverRetries {
			p.log().Warn("GitHub server error; retrying", "method", r.Method, "path", r.URL.Path, "status", resp.StatusCode, "attempt", attempt+1)
			drain(resp)
			if err := p.wait(ctx, backoff); err != nil {
				return nil, err
			}
			backoff *= 2
			continue
		}
		return resp, nil
	}
}

func (p *Pacer) log() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}

// rewind returns the request for attempt n: the original first, then a
// clone with a fresh body.
func rewind(r *http.Request, n int) (*http.Request, error) {
	if n == 0 || r.Body == nil || r.Body == http.NoBody {
		return r, nil
	}
	if r.GetBody == nil {
		return nil, fmt.Errorf("%s %s: cannot resend a request whose body cannot be read again", r.Method, r.URL.Path)
	}
	body, err := r.GetBody()
	if err != nil {
		return nil, err
	}
	c := r.Clone(r.Context())
	c.Body = body
	return c, nil
}

// rateLimitWait recognises GitHub's rate-limit answers and how long to
// wait: a 403 or 429 with Retry-After (secondary limits), with
// x-ratelimit-remaining 0 (the primary limit, until x-ratelimit-reset), or
// a 403 whose message names the secondary rate limit without a time.
// Other 403s (permissions) are not limits. The body is left readable.
// https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
func rateLimitWait(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
	}
	if resp.Header.Get("X-Ratelimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			// One second past the reset, so the clock skew between
			// GitHub and this machine does not land us early.
			return max(time.Until(time.Unix(n, 0))+time.Second, 0), true
		}
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.Contains(bytes.ToLower(body), []byte("secondary rate limit")) {
		return secondaryWait, true
	}
	return 0, false
}

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}
