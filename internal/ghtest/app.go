package ghtest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file adds what a GitHub App server needs of the fake: App JWTs
// verified as GitHub verifies them before an installation token is minted,
// the token's installation remembered (so tests can check per-installation
// pacing across processes, which each mint their own tokens), and
// repository tarballs.

// appInfo is the App-side state of one Server.
type appInfo struct {
	appID    int64
	key      *rsa.PublicKey
	tokens   map[string]int64  // installation token → installation id
	tarballs map[string][]byte // "owner/repo@sha" (lower case) → .tar.gz
	jwtFails int
}

// apps holds each Server's appInfo; the Server struct is another file's.
var apps sync.Map // *Server → *appInfo

// appLocked returns s's App state; s.mu must be held.
func (s *Server) appLocked() *appInfo {
	v, _ := apps.LoadOrStore(s, &appInfo{tokens: map[string]int64{}, tarballs: map[string][]byte{}})
	return v.(*appInfo)
}

func init() {
	// Ahead of the generic access-token route, so that this one answers.
	routes = append([]route{
		{"POST", "app/installations/{id}/access_tokens", "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app", (*call).appAccessToken},
		{"GET", "repos/{owner}/{repo}/tarball/{ref...}", "https://docs.github.com/rest/repos/contents#download-a-repository-archive-tar", (*call).tarball},
		{"GET", "repos/{owner}/{repo}/commits/{ref}/check-runs", "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference", (*call).listCheckRunsForRef},
	}, routes...)
}

// App makes the server verify App JWTs: from now on a token request must
// carry a JWT signed RS256 by key's private half, issued by appID, and
// valid now, as GitHub requires
// (https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app):
// iat not in the future (60 s of clock drift allowed), exp in the future
// and at most 10 minutes after iat.
func (s *Server) App(appID int64, key *rsa.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.appLocked()
	a.appID, a.key = appID, key
}

// InstallationOf returns the installation an installation token was
// minted for, 0 for any other token.
func (s *Server) InstallationOf(token string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appLocked().tokens[token]
}

// JWTRefusals counts the token requests refused for a bad App JWT.
func (s *Server) JWTRefusals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appLocked().jwtFails
}

// SetTarball serves data (a gzip tar whose entries sit under one
// top-level directory, as `git archive --format=tar.gz
// --prefix=owner-repo-sha/` makes) for GET /repos/{owner}/{repo}/tarball/{sha}.
func (s *Server) SetTarball(owner, repoName, sha string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repoLocked(owner, repoName)
	s.appLocked().tarballs[strings.ToLower(owner+"/"+repoName+"@"+sha)] = data
}

// appAccessToken checks the App JWT, when App was called, and mints an
// installation token through the generic route's handler.
func (c *call) appAccessToken() {
	a := c.s.appLocked()
	if a.key != nil {
		if msg := a.verifyJWT(c.token, time.Now()); msg != "" {
			a.jwtFails++
			c.fail(401, msg, nil)
			return
		}
	}
	id, err := strconv.ParseInt(c.params["id"], 10, 64)
	if err != nil || id <= 0 {
		c.notFound()
		return
	}
	before := make(map[string]bool, len(c.s.tokens))
	for t := range c.s.tokens {
		before[t] = true
	}
	c.accessToken()
	for t := range c.s.tokens {
		if !before[t] {
			a.tokens[t] = id
		}
	}
}

// verifyJWT returns "" for a valid App JWT, else the refusal's message.
// GitHub answers 401 with "A JSON web token could not be decoded" for a
// token it cannot parse; for the other failures its wording was not
// found, so the messages say "ghtest:".
func (a *appInfo) verifyJWT(tok string, now time.Time) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "A JSON web token could not be decoded"
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(raw, &hdr) != nil {
		return "A JSON web token could not be decoded"
	}
	if hdr.Alg != "RS256" {
		return fmt.Sprintf("ghtest: the JWT's alg is %q; GitHub Apps sign with RS256", hdr.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "A JSON web token could not be decoded"
	}
	h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(a.key, crypto.SHA256, h[:], sig) != nil {
		return "ghtest: the JWT's signature does not verify with the App's public key"
	}
	var claims struct {
		Iss json.RawMessage `json:"iss"`
		Iat int64           `json:"iat"`
		Exp int64           `json:"exp"`
	}
	raw, err = base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		return "A JSON web token could not be decoded"
	}
	// iss is the App ID (or client ID); ghinstallation sends it as a
	// string, others as a number.
	iss := strings.Trim(string(claims.Iss), `"`)
	if iss != strconv.FormatInt(a.appID, 10) {
		return fmt.Sprintf("ghtest: the JWT's iss %s is not the App ID %d", iss, a.appID)
	}
	const drift = 60
	switch {
	case claims.Iat > now.Unix()+drift:
		return "ghtest: the JWT's iat is in the future"
	case claims.Exp <= now.Unix():
		return "ghtest: the JWT has expired"
	case claims.Exp-claims.Iat > 10*60+drift:
		return "ghtest: the JWT's exp is more than 10 minutes after its iat"
	}
	return ""
}

// tarball serves a registered archive.
func (c *call) tarball() {
	data := c.s.appLocked().tarballs[strings.ToLower(c.params["owner"]+"/"+c.params["repo"]+"@"+c.params["ref"])]
	if data == nil {
		c.notFound()
		return
	}
	c.text(200, "application/x-gzip", string(data))
}

// listCheckRunsForRef lists the check runs on a commit SHA, filtered by
// check_name and status as GitHub filters them, newest first, one page.
func (c *call) listCheckRunsForRef() {
	q := c.r.URL.Query()
	var runs []wireCheckRun
	for i := len(c.repo.checkRuns) - 1; i >= 0; i-- {
		run := c.repo.checkRuns[i]
		if run.HeadSHA != c.params["ref"] {
			continue
		}
		if name := q.Get("check_name"); name != "" && run.Name != name {
			continue
		}
		if st := q.Get("status"); st != "" && run.Status != st {
			continue
		}
		runs = append(runs, c.wireCheckRun(run))
	}
	lo, hi := c.pageBounds(len(runs))
	c.json(200, struct {
		TotalCount int            `json:"total_count"`
		CheckRuns  []wireCheckRun `json:"check_runs"`
	}{len(runs), append([]wireCheckRun{}, runs[lo:hi]...)})
}
