package gh

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
)

// AppFromManifest is a GitHub App that the manifest flow registered, as
// `POST /app-manifests/{code}/conversions` returns it: its ID, names and
// owner, and the secrets GitHub hands out this once (private key, webhook
// secret, OAuth client secret).
type AppFromManifest struct {
	ID            int64
	Slug, Name    string
	Owner         string
	HTMLURL       string
	ClientID      string
	ClientSecret  string
	WebhookSecret string
	PEM           string
}

// manifestCodeRE is what a manifest code may look like before it goes into
// a URL path: GitHub's are hex; anything outside this set is not one.
var manifestCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

// CompleteAppManifest exchanges the temporary code of GitHub's App
// manifest flow for the App's credentials. The request needs no
// authentication, and GitHub accepts a code once, within an hour of the
// App's creation:
// https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest
func CompleteAppManifest(ctx context.Context, apiURL string, hc *http.Client, code string) (*AppFromManifest, error) {
	if !manifestCodeRE.MatchString(code) {
		return nil, fmt.Errorf("%q is not a manifest code", code)
	}
	c, err := NewClient(apiURL, hc)
	if err != nil {
		return nil, err
	}
	cfg, _, err := c.gh.Apps.CompleteAppManifest(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("exchange the manifest code: %w", err)
	}
	out := &AppFromManifest{ID: cfg.GetID(), Slug: cfg.GetSlug(), Name: cfg.GetName(), HTMLURL: cfg.GetHTMLURL(),
		ClientID: cfg.GetClientID(), ClientSecret: cfg.GetClientSecret(), WebhookSecret: cfg.GetWebhookSecret(), PEM: cfg.GetPEM()}
	if cfg.Owner != nil {
		out.Owner = cfg.Owner.GetLogin()
	}
	return out, nil
}
