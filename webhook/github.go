package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/store"
)

// GitHubApp builds authenticated GitHub clients for the App's
// installations: one ghinstallation transport per installation (it signs
// the App's JWT, exchanges it for an installation token and refreshes the
// token before it expires), all over one shared base transport, cached so
// that every job of an installation shares its token and its pacing.
//
// Each installation's requests go, outermost first, through:
//
//	write gate (PostgreSQL: serial and spaced across replicas)
//	→ gh.Pacer (serial in this process; waits out Retry-After and
//	  x-ratelimit-reset; retries 5xx on idempotent requests)
//	→ ghinstallation (installation token)
//	→ metrics (each attempt counted)
//	→ the base transport.
type GitHubApp struct {
	APIURL     string
	AppID      int64
	PrivateKey []byte
	// Base is the shared transport; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Gate spaces writes across replicas; nil (SQLite) leaves the
	// spacing to each installation's Pacer.
	Gate *store.WriteGate
	// WriteGap is the least time between two writes of one installation;
	// 0 means gh.DefaultWriteGap.
	WriteGap time.Duration
	Metrics  *Metrics
	Logger   *slog.Logger

	mu      sync.Mutex
	clients map[int64]*installationClient
}

// installationClient is one installation's client and transport.
type installationClient struct {
	client    *gh.Client
	transport http.RoundTripper
}

// Installation returns the client of installation id.
func (a *GitHubApp) Installation(id int64) (*gh.Client, error) {
	ic, err := a.installation(id)
	if err != nil {
		return nil, err
	}
	return ic.client, nil
}

func (a *GitHubApp) installation(id int64) (*installationClient, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ic := a.clients[id]; ic != nil {
		return ic, nil
	}
	base := a.Base
	if base == nil {
		base = http.DefaultTransport
	}
	tr, err := gh.InstallationTransport(a.Metrics.instrument(base, id), a.APIURL, a.AppID, id, a.PrivateKey)
	if err != nil {
		return nil, err
	}
	rt := pacedTransport(tr, a.Gate, id, a.WriteGap, a.Logger)
	c, err := gh.NewClient(a.APIURL, &http.Client{Transport: rt})
	if err != nil {
		return nil, err
	}
	ic := &installationClient{client: c, transport: rt}
	if a.clients == nil {
		a.clients = map[int64]*installationClient{}
	}
	a.clients[id] = ic
	return ic, nil
}

// pacedTransport is the transport of installation id's client: the Pacer
// keeps writes serial and waits out rate limits and server errors. With a
// gate (PostgreSQL), every attempt it sends, a retry too, passes the gate,
// which spaces writes across replicas by the database clock; the Pacer
// then keeps no gap of its own, which would double the wait, and no
// replica holds the gate while it sleeps on a rate limit.
func pacedTransport(tr http.RoundTripper, gate *store.WriteGate, id int64, gap time.Duration, log *slog.Logger) http.RoundTripper {
	if gate == nil {
		return &gh.Pacer{Base: tr, Gap: gap, Logger: log}
	}
	return &gh.Pacer{Base: &gatedTransport{gate: gate, installation: id, next: tr}, Gap: -1, Logger: log}
}

// gatedTransport sends content-creating requests through the write gate.
type gatedTransport struct {
	gate         *store.WriteGate
	installation int64
	next         http.RoundTripper
}

var _ http.RoundTripper = (*gatedTransport)(nil)

func (g *gatedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	switch r.Method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
	default:
		return g.next.RoundTrip(r)
	}
	var resp *http.Response
	err := g.gate.Do(r.Context(), g.installation, func() error {
		var err error
		resp, err = g.next.RoundTrip(r)
		return err
	})
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	return resp, nil
}

// installationKey carries the installation a request is made for.
type installationKey struct{}

// withInstallation marks ctx as work for installation id, so that the
// shared tarball cache's downloads authenticate as it.
func withInstallation(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, installationKey{}, id)
}

// TarballTransport authenticates tarball downloads (GET
// /repos/{owner}/{repo}/tarball/{sha}) as the installation the request's
// context names; the redirect to codeload, on another host, carries its
// own signed URL and goes out unauthenticated, as net/http would send it.
func (a *GitHubApp) TarballTransport() http.RoundTripper {
	apiHost := ""
	if u, err := url.Parse(a.APIURL); err == nil {
		apiHost = u.Host
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		base := a.Base
		if base == nil {
			base = http.DefaultTransport
		}
		id, _ := r.Context().Value(installationKey{}).(int64)
		if r.URL.Host != apiHost || id == 0 {
			return base.RoundTrip(r)
		}
		ic, err := a.installation(id)
		if err != nil {
			return nil, fmt.Errorf("authenticate the tarball download: %w", err)
		}
		return ic.transport.RoundTrip(r)
	})
}
