// Package gh is reviewbot's GitHub adapter: it builds authenticated REST
// clients (App installation tokens or a plain token) and turns what GitHub
// returns into the review package's types. The App server and the Action
// use it; the review pipeline never sees GitHub's wire types.
package gh

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v66/github"
)

// DefaultAPIURL is github.com's REST base URL.
const DefaultAPIURL = "https://api.github.com/"

// Client is a GitHub REST client for one installation or token.
type Client struct {
	gh *github.Client
}

// NewClient returns a client for apiURL (github.com, a GitHub Enterprise
// Server "https://host/api/v3/", or a test server) over hc, whose transport
// carries the authentication.
func NewClient(apiURL string, hc *http.Client) (*Client, error) {
	c := github.NewClient(hc)
	if apiURL == "" || apiURL == DefaultAPIURL {
		return &Client{gh: c}, nil
	}
	if !strings.HasSuffix(apiURL, "/") {
		// go-github resolves paths relative to BaseURL, which must end in
		// a slash or the last path segment (e.g. "v3") is dropped.
		apiURL += "/"
	}
	c, err := c.WithEnterpriseURLs(apiURL, apiURL)
	if err != nil {
		return nil, fmt.Errorf("github api url %q: %w", apiURL, err)
	}
	// WithEnterpriseURLs appends "api/v3/" to a bare host; keep a URL that
	// already names its API path exactly as given.
	c.BaseURL, _ = c.BaseURL.Parse(apiURL)
	return &Client{gh: c}, nil
}

// TokenTransport authenticates every request with a bearer token (the
// Action's GITHUB_TOKEN or a personal token).
func TokenTransport(base http.RoundTripper, token string) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+token)
		return base.RoundTrip(r)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

var _ http.RoundTripper = roundTripFunc(nil)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// ErrPrivateKey is returned for an App private key that cannot be used.
var ErrPrivateKey = errors.New("invalid GitHub App private key")

// InstallationTransport authenticates as one installation of a GitHub App:
// it signs a JWT with the App's private key and exchanges it for an
// installation token at apiURL, refreshing it before it expires
// (ghinstallation does both).
func InstallationTransport(base http.RoundTripper, apiURL string, appID, installationID int64, privateKeyPEM []byte) (http.RoundTripper, error) {
	if base == nil {
		base = http.DefaultTransport
	}
	tr, err := ghinstallation.New(base, appID, installationID, privateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("%w: %v; set REVIEWBOT_PRIVATE_KEY to the PEM the App settings page generated", ErrPrivateKey, err)
	}
	if apiURL != "" {
		tr.BaseURL = strings.TrimRight(apiURL, "/")
	}
	return tr, nil
}
