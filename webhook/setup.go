package webhook

import (
	"context"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/reviewbot/reviewbot/gh"
	"github.com/reviewbot/reviewbot/store"
)

// Setup mode registers the GitHub App through GitHub's manifest flow
// (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest):
//
//  1. GET / shows what will be registered and asks for the App's name and
//     owner (the operator's account or an organization);
//  2. POST /setup records a random, single-use state (its hash, in the
//     database, for an hour), sets it in a cookie and answers a page whose
//     form posts the manifest to GitHub's new-App page with that state;
//  3. GitHub creates the App and redirects the browser to
//     GET /setup/callback?code=...&state=...; the state must match the
//     cookie and a recorded, unexpired, unused state;
//  4. the code is exchanged at POST /app-manifests/{code}/conversions
//     (GitHub accepts it once, within an hour) for the App ID, private
//     key, webhook secret and OAuth client; they are stored in the
//     database and the server switches to running the App.

// setupStateTTL is how long a manifest form stays usable: as long as
// GitHub's code does, an hour.
const setupStateTTL = time.Hour

// Manifest is the App manifest setup mode posts. Its fields are GitHub's
// (the parameters of the manifest flow).
type Manifest struct {
	Name               string            `json:"name"`
	URL                string            `json:"url"`
	Description        string            `json:"description"`
	HookAttributes     HookAttributes    `json:"hook_attributes"`
	RedirectURL        string            `json:"redirect_url"`
	Public             bool              `json:"public"`
	DefaultPermissions map[string]string `json:"default_permissions"`
	DefaultEvents      []string          `json:"default_events"`
}

// HookAttributes is the manifest's webhook.
type HookAttributes struct {
	URL    string `json:"url"`
	Active bool   `json:"active"`
}

// AppPermissions are what reviewbot needs of a repository: pull requests
// (the review and its comments, the diff), issues (the summary comment,
// which is an issue comment, and reactions), checks (the reviewbot check
// run), contents (the base branch's .github/reviewbot.yml and the code's
// tarball) and metadata (always granted; also the collaborator permission
// slash commands check).
var AppPermissions = map[string]string{
	"pull_requests": "write",
	"issues":        "write",
	"checks":        "write",
	"contents":      "read",
	"metadata":      "read",
}

// AppEvents are the webhook events the App subscribes to. installation
// and installation_repositories reach every App without a subscription,
// and GitHub refuses a manifest that lists them ("Default events
// unsupported: installation"); marketplace_purchase comes from a
// Marketplace listing's own webhook setting.
var AppEvents = []string{"pull_request", "issue_comment", "pull_request_review_comment"}

// NewManifest is the manifest of an App named name for a server at
// publicURL.
func NewManifest(name, publicURL string) Manifest {
	return Manifest{
		Name:               name,
		URL:                "https://github.com/reviewbot/reviewbot",
		Description:        "AI pull-request reviews: a summary on every pull request, line-level findings with fixes on the team plan.",
		HookAttributes:     HookAttributes{URL: publicURL + "/webhook", Active: true},
		RedirectURL:        publicURL + "/setup/callback",
		Public:             false,
		DefaultPermissions: AppPermissions,
		DefaultEvents:      AppEvents,
	}
}

// loginRE is a GitHub account name: letters, digits and single hyphens,
// at most 39 characters.
var loginRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)

// maxAppName is GitHub's limit on an App's name.
const maxAppName = 34

// defaultAppName proposes "reviewbot-<first label of the public host>".
func defaultAppName(publicURL string) string {
	name := "reviewbot"
	if u, err := url.Parse(publicURL); err == nil {
		label, _, _ := strings.Cut(u.Hostname(), ".")
		if label != "" && label != "reviewbot" && !strings.ContainsAny(label, ":[]") {
			name += "-" + label
		}
	}
	if len(name) > maxAppName {
		name = name[:maxAppName]
	}
	return name
}

// newAppURL is GitHub's new-App page for the operator's account, or for
// organization org.
func (s *Server) newAppURL(org, state string) string {
	path := "/settings/apps/new"
	if org != "" {
		path = "/organizations/" + url.PathEscape(org) + "/settings/apps/new"
	}
	return s.cfg.GitHubURL + path + "?state=" + url.QueryEscape(state)
}

// setupAllowed lets the request through setup, answering for it when
// not: setup needs the admin token's login when one is configured.
func (s *Server) setupAllowed(w http.ResponseWriter, r *http.Request) bool {
	if !s.auth.enabled() || s.auth.authenticated(r) {
		return true
	}
	if r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next=/", http.StatusSeeOther)
	} else {
		s.ui.message(w, http.StatusUnauthorized, "Not signed in", "Setup needs REVIEWBOT_ADMIN_TOKEN: sign in at /login first.")
	}
	return false
}

// setupPage is GET / in setup mode.
func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	if !s.setupAllowed(w, r) {
		return
	}
	s.ui.render(w, http.StatusOK, "setup", s.setupData(w, r, defaultAppName(s.cfg.PublicURL), "", ""))
}

func (s *Server) setupData(w http.ResponseWriter, r *http.Request, name, org, problem string) map[string]any {
	m := NewManifest(name, s.cfg.PublicURL)
	return map[string]any{
		"CSRF": s.auth.csrfToken(w, r), "Name": name, "Org": org, "Error": problem,
		"PublicURL": s.cfg.PublicURL, "GitHubURL": s.cfg.GitHubURL, "Manifest": m,
		"Permissions": sortedPairs(m.DefaultPermissions), "AdminToken": s.auth.enabled(),
		"Insecure": !strings.HasPrefix(s.cfg.PublicURL, "https://"),
	}
}

// setupStart is POST /setup: it checks the form, records a state and
// answers the page whose form posts the manifest to GitHub.
func (s *Server) setupStart(w http.ResponseWriter, r *http.Request) {
	if s.Configured() {
		s.ui.message(w, http.StatusConflict, "Already configured", "reviewbot runs a GitHub App already; setup is over.")
		return
	}
	if !s.setupAllowed(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if !s.auth.csrfOK(r) {
		s.ui.message(w, http.StatusForbidden, "Form expired", "The form's CSRF token is missing or does not match this browser's: reload the setup page and submit it again.")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	org := ""
	if r.PostFormValue("owner") == "organization" {
		org = strings.TrimSpace(r.PostFormValue("org"))
	}
	var problem string
	switch {
	case name == "" || len(name) > maxAppName:
		problem = fmt.Sprintf("The App's name must be 1 to %d characters (GitHub's limit), and unique on GitHub.", maxAppName)
	case r.PostFormValue("owner") == "organization" && !loginRE.MatchString(org):
		problem = "Give the organization's login, as in its URL: letters, digits and hyphens."
	}
	if problem != "" {
		s.ui.render(w, http.StatusBadRequest, "setup", s.setupData(w, r, name, org, problem))
		return
	}
	state := randomToken()
	if err := store.AddWebToken(r.Context(), s.db, hashToken(state), store.TokenSetupState, "", s.now().Add(setupStateTTL)); err != nil {
		s.log.Error("record the setup state", "err", err)
		s.ui.message(w, http.StatusServiceUnavailable, "Database unavailable", "The setup state could not be stored; try again.")
		return
	}
	s.auth.setCookie(w, stateCookie, state, "/setup", setupStateTTL, http.SameSiteLaxMode)
	m := NewManifest(name, s.cfg.PublicURL)
	raw, _ := json.Marshal(m)
	pretty, _ := json.MarshalIndent(m, "", "  ")
	s.ui.render(w, http.StatusOK, "manifest", map[string]any{
		"Action": s.newAppURL(org, state), "Manifest": string(raw), "Pretty": string(pretty), "Org": org, "GitHubURL": s.cfg.GitHubURL,
	})
}

// setupCallback is GET /setup/callback: GitHub's redirect after the App
// was created.
func (s *Server) setupCallback(w http.ResponseWriter, r *http.Request) {
	if _, info := s.current(); s.Configured() {
		s.ui.message(w, http.StatusConflict, "Already configured",
			fmt.Sprintf("reviewbot runs GitHub App %d (%s) already, so this callback was not used. If you just created another App on GitHub, delete it in its settings.", info.AppID, info.Slug))
		return
	}
	q := r.URL.Query()
	state, code := q.Get("state"), q.Get("code")
	if state == "" || code == "" {
		s.ui.message(w, http.StatusBadRequest, "Incomplete callback", "GitHub's redirect carries code and state; this request lacks one. Start again at /.")
		return
	}
	c, err := r.Cookie(stateCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		s.log.Warn("setup callback refused: the state does not match the browser's setup cookie", "remote", r.RemoteAddr)
		s.ui.message(w, http.StatusForbidden, "Setup refused",
			"The state in GitHub's redirect is not the one this browser started setup with (the setup cookie is missing or different). Open / in the browser you finish setup in and start again; if GitHub created an App already, delete it in its settings.")
		return
	}
	ok, err := store.TakeWebToken(r.Context(), s.db, hashToken(state), store.TokenSetupState, s.now())
	if err != nil {
		s.log.Error("check the setup state", "err", err)
		s.ui.message(w, http.StatusServiceUnavailable, "Database unavailable", "The setup state could not be checked; reload this page to try again.")
		return
	}
	s.auth.setCookie(w, stateCookie, "", "/setup", -1, http.SameSiteLaxMode)
	if !ok {
		s.log.Warn("setup callback refused: unknown, used or expired state", "remote", r.RemoteAddr)
		s.ui.message(w, http.StatusForbidden, "Setup refused",
			"This setup state was used already or is more than an hour old. Start again at /; if GitHub created an App already, delete it in its settings.")
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	got, err := gh.CompleteAppManifest(ctx, s.cfg.App.APIURL, &http.Client{Transport: s.baseTransport()}, code)
	if err != nil {
		s.log.Error("setup: GitHub did not exchange the manifest code", "err", err)
		s.ui.message(w, http.StatusBadGateway, "GitHub refused the code",
			"GitHub did not exchange the code for the App's credentials ("+RedactSecrets(err.Error())+"). A code works once and within an hour; start again at /, and delete the App GitHub created in its settings.")
		return
	}
	creds, err := credentialsOf(got)
	if err != nil {
		s.log.Error("setup: GitHub's answer is not usable", "err", err)
		s.ui.message(w, http.StatusBadGateway, "Unusable answer from GitHub", err.Error()+" Start again at /.")
		return
	}
	switch err := s.db.SaveApp(ctx, creds, s.cfg.Sealer); {
	case errors.Is(err, store.ErrAppExists):
		s.ui.message(w, http.StatusConflict, "Already configured",
			fmt.Sprintf("Another setup finished first, so App %d (%s) was not stored; delete it in its settings on GitHub.", creds.AppID, creds.Slug))
		return
	case err != nil:
		s.log.Error("setup: store the App credentials", "err", err)
		s.ui.message(w, http.StatusServiceUnavailable, "Database unavailable",
			fmt.Sprintf("App %d was created on GitHub but could not be stored (%v). Delete it in its settings on GitHub and start again at /.", creds.AppID, err))
		return
	}
	creds.Sealed = s.cfg.Sealer != nil
	if err := s.activate(creds); err != nil {
		s.log.Error("setup: start the App", "err", err)
		s.ui.message(w, http.StatusInternalServerError, "App stored, not started",
			fmt.Sprintf("App %d is stored but could not start (%v); restart serve.", creds.AppID, err))
		return
	}
	install := strings.TrimRight(creds.HTMLURL, "/") + "/installations/new"
	if creds.HTMLURL == "" {
		install = s.cfg.GitHubURL + "/apps/" + url.PathEscape(creds.Slug) + "/installations/new"
	}
	s.ui.render(w, http.StatusOK, "done", map[string]any{"App": infoOf(creds), "Install": install, "AdminToken": s.auth.enabled()})
}

// credentialsOf checks GitHub's conversion answer and turns it into what
// the store keeps.
func credentialsOf(a *gh.AppFromManifest) (store.AppCredentials, error) {
	c := store.AppCredentials{AppID: a.ID, Slug: a.Slug, Name: a.Name, Owner: a.Owner, HTMLURL: a.HTMLURL, ClientID: a.ClientID,
		ClientSecret: []byte(a.ClientSecret), WebhookSecret: []byte(a.WebhookSecret), PrivateKey: []byte(a.PEM)}
	switch {
	case a.ID <= 0:
		return c, errors.New("GitHub's answer names no App ID.")
	case a.WebhookSecret == "":
		return c, errors.New("GitHub's answer holds no webhook secret, and serve does not accept unsigned deliveries.")
	}
	b, _ := pem.Decode(c.PrivateKey)
	if b == nil {
		return c, errors.New("GitHub's answer holds no PEM private key.")
	}
	// GitHub's App keys are PKCS #1 RSA keys; PKCS #8 is accepted too.
	if _, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return c, nil
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		if _, ok := k.(*rsa.PrivateKey); ok {
			return c, nil
		}
	}
	return c, errors.New("GitHub's private key does not parse as an RSA key.")
}

// baseTransport is the transport under GitHub requests.
func (s *Server) baseTransport() http.RoundTripper {
	if s.cfg.App.Base != nil {
		return s.cfg.App.Base
	}
	return http.DefaultTransport
}

// sortedPairs lists a map's entries by key.
func sortedPairs(m map[string]string) [][2]string {
	out := make([][2]string, 0, len(m))
	for k, v := range m {
		out = append(out, [2]string{k, v})
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return out
}
