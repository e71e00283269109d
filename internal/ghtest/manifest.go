package ghtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Manifests is GitHub's side of the App manifest flow
// (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest)
// in front of a fake REST API, as one host serves both on an Enterprise
// Server: the web pages at the root, the API under /api/v3/.
//
//   - POST /settings/apps/new?state=S and
//     POST /organizations/{org}/settings/apps/new?state=S take the form
//     field manifest, check it as GitHub does, create the App and answer
//     302 to the manifest's redirect_url with ?code=...&state=S, as GitHub
//     does once the user confirms its page (the fake confirms at once);
//   - POST /api/v3/app-manifests/{code}/conversions, which needs no
//     authentication, answers 201 with the App's credentials, once per
//     code and within an hour of the App's creation (404 otherwise), and
//     makes the API server verify that App's JWTs from then on;
//   - every other /api/v3/ request goes to the API server.
type Manifests struct {
	// URL is the web URL (REVIEWBOT_GITHUB_URL); APIURL is URL+"/api/v3/".
	URL, APIURL string
	// Now is the clock for code expiry; nil means time.Now.
	Now func() time.Time

	api *Server
	srv *httptest.Server

	mu     sync.Mutex
	nextID int64
	posts  []ManifestPost
	apps   []*CreatedApp
	codes  map[string]*CreatedApp
}

// ManifestPost is one manifest form GitHub received.
type ManifestPost struct {
	// Org is the organization of /organizations/{org}/settings/apps/new,
	// "" for the user's own account.
	Org   string
	State string
	// Raw is the manifest field as posted; Manifest is it decoded.
	Raw      string
	Manifest map[string]any
	// Refused is GitHub's error for a manifest it does not accept, "" when
	// the App was created.
	Refused string
}

// CreatedApp is an App the flow created, secrets included, so that tests
// can check where they end up (and where they must not).
type CreatedApp struct {
	ID                                    int64
	Slug, Name, Owner                     string
	ClientID, ClientSecret, WebhookSecret string
	PEM                                   string
	Key                                   *rsa.PrivateKey
	Code                                  string
	Created                               time.Time
	Converted                             int // successful conversions of its code
}

var _ http.Handler = (*Manifests)(nil)

// NewManifests starts the web side in front of api; t.Cleanup stops it.
func NewManifests(t testing.TB, api *Server) *Manifests {
	t.Helper()
	m := &Manifests{api: api, nextID: 900000, codes: map[string]*CreatedApp{}}
	m.srv = httptest.NewServer(m)
	m.URL = m.srv.URL
	m.APIURL = m.srv.URL + apiPrefix
	t.Cleanup(m.srv.Close)
	return m
}

func (m *Manifests) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Posts returns the manifest forms received, oldest first.
func (m *Manifests) Posts() []ManifestPost {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]ManifestPost(nil), m.posts...)
}

// Apps returns the Apps created, oldest first.
func (m *Manifests) Apps() []CreatedApp {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []CreatedApp
	for _, a := range m.apps {
		out = append(out, *a)
	}
	return out
}

var (
	newAppPath  = regexp.MustCompile(`^/(?:organizations/([^/]+)/)?settings/apps/new$`)
	convertPath = regexp.MustCompile(`^` + apiPrefix + `app-manifests/([^/]+)/conversions$`)
)

// ServeHTTP routes the web form, the conversion and the rest of the API.
func (m *Manifests) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && newAppPath.MatchString(r.URL.Path):
		m.newApp(w, r, newAppPath.FindStringSubmatch(r.URL.Path)[1])
	case r.Method == http.MethodPost && convertPath.MatchString(r.URL.Path):
		m.convert(w, convertPath.FindStringSubmatch(r.URL.Path)[1])
	case strings.HasPrefix(r.URL.Path, apiPrefix):
		m.api.ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}

// unsupportedEvents are events GitHub refuses in default_events: they
// reach every App without a subscription.
var unsupportedEvents = map[string]bool{"installation": true, "installation_repositories": true}

// eventPermission is the permission each event needs, for the events
// reviewbot might list; GitHub refuses "Default events are not supported
// by permissions" otherwise.
var eventPermission = map[string][]string{
	"pull_request":                {"pull_requests"},
	"pull_request_review_comment": {"pull_requests"},
	"pull_request_review":         {"pull_requests"},
	"issue_comment":               {"issues", "pull_requests"},
	"check_run":                   {"checks"},
	"check_suite":                 {"checks"},
	"push":                        {"contents"},
}

// newApp is GitHub's new-App page receiving the manifest form.
func (m *Manifests) newApp(w http.ResponseWriter, r *http.Request, org string) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "ghtest: unreadable form", http.StatusBadRequest)
		return
	}
	post := ManifestPost{Org: org, State: r.URL.Query().Get("state"), Raw: r.PostForm.Get("manifest")}
	refuse := func(msg string) {
		post.Refused = msg
		m.mu.Lock()
		m.posts = append(m.posts, post)
		m.mu.Unlock()
		// GitHub shows its error on an HTML page.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(w, "<p>Invalid GitHub App configuration</p><p>%s</p>", msg)
	}
	if err := json.Unmarshal([]byte(post.Raw), &post.Manifest); err != nil {
		refuse("The configuration does not appear to be a valid GitHub App manifest.")
		return
	}
	var man struct {
		Name string `json:"name"`
		URL  string `json:"url"`
		Hook *struct {
			URL string `json:"url"`
		} `json:"hook_attributes"`
		RedirectURL string            `json:"redirect_url"`
		Perms       map[string]string `json:"default_permissions"`
		Events      []string          `json:"default_events"`
	}
	json.Unmarshal([]byte(post.Raw), &man)
	switch {
	case man.URL == "":
		refuse("ghtest: the manifest has no url (GitHub requires the App's homepage)")
		return
	case man.Hook == nil || man.Hook.URL == "":
		refuse("ghtest: the manifest has no hook_attributes.url")
		return
	case man.RedirectURL == "":
		refuse("ghtest: the manifest has no redirect_url, so GitHub would not send the code back")
		return
	}
	for _, e := range man.Events {
		if unsupportedEvents[e] {
			refuse("Default events unsupported: " + e)
			return
		}
		if need, ok := eventPermission[e]; ok {
			covered := false
			for _, p := range need {
				covered = covered || man.Perms[p] != ""
			}
			if !covered {
				refuse("Default events are not supported by permissions: " + e)
				return
			}
		}
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	m.mu.Lock()
	m.nextID++
	owner := org
	if owner == "" {
		owner = "octocat"
	}
	a := &CreatedApp{ID: m.nextID, Name: man.Name, Owner: owner, Slug: slugOf(man.Name),
		ClientID: "Iv1." + randomHex(8), ClientSecret: randomHex(20), WebhookSecret: randomHex(20),
		PEM: string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
		Key: key, Code: randomHex(20), Created: m.now()}
	m.apps = append(m.apps, a)
	m.codes[a.Code] = a
	m.posts = append(m.posts, post)
	m.mu.Unlock()
	q := url.Values{"code": {a.Code}}
	if post.State != "" {
		q.Set("state", post.State)
	}
	sep := "?"
	if strings.Contains(man.RedirectURL, "?") {
		sep = "&"
	}
	http.Redirect(w, r, man.RedirectURL+sep+q.Encode(), http.StatusFound)
}

// codeTTL is GitHub's window for the conversion.
const codeTTL = time.Hour

// convert is POST /app-manifests/{code}/conversions.
func (m *Manifests) convert(w http.ResponseWriter, code string) {
	m.mu.Lock()
	a := m.codes[code]
	ok := a != nil && a.Converted == 0 && m.now().Sub(a.Created) < codeTTL
	if ok {
		a.Converted++
	}
	m.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if !ok {
		// GitHub's answer to an unknown, used or expired code; its exact
		// wording was not found, and "Not Found" is its generic 404 body.
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/apps/apps#create-a-github-app-from-a-manifest"})
		return
	}
	m.api.App(a.ID, &a.Key.PublicKey)
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{
		"id": a.ID, "slug": a.Slug, "node_id": "A_" + randomHex(6), "name": a.Name,
		"owner":    map[string]any{"login": a.Owner, "id": 1, "type": "User"},
		"html_url": m.URL + "/apps/" + a.Slug, "external_url": "https://example.com",
		"created_at": a.Created.UTC().Format(time.RFC3339), "updated_at": a.Created.UTC().Format(time.RFC3339),
		"client_id": a.ClientID, "client_secret": a.ClientSecret, "webhook_secret": a.WebhookSecret, "pem": a.PEM,
	})
}

// slugOf is GitHub's slug of an App name: lower case, runs of other
// characters as one hyphen.
func slugOf(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
