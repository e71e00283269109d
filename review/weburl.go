package review

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// githubName is what GitHub allows in an owner or repository name.
var githubName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// GitHubWebURL returns the web address of a repository on github.com from
// a git remote URL (https://github.com/o/r.git, git@github.com:o/r.git,
// ssh://git@github.com/o/r), or "" for a remote anywhere else. Credentials
// in the remote never reach the result. A GitHub Enterprise host cannot be
// told from a remote alone; the Action and the App know their server and
// set Result.WebURL themselves.
func GitHubWebURL(remote string) string {
	remote = strings.TrimSpace(remote)
	var host, p string
	if u, err := url.Parse(remote); err == nil && u.Scheme != "" && u.Host != "" {
		host, p = u.Hostname(), u.Path
	} else if at := strings.Index(remote, ":"); at > 0 && !strings.Contains(remote[:at], "/") {
		// scp-like syntax: [user@]host:owner/name
		host, p = remote[:at], remote[at+1:]
		if i := strings.LastIndex(host, "@"); i >= 0 {
			host = host[i+1:]
		}
	} else {
		return ""
	}
	host = strings.ToLower(host)
	if host != "github.com" && host != "www.github.com" {
		return ""
	}
	parts := strings.Split(strings.Trim(strings.TrimSuffix(strings.Trim(p, "/"), ".git"), "/"), "/")
	if len(parts) != 2 || !githubName.MatchString(parts[0]) || !githubName.MatchString(parts[1]) {
		return ""
	}
	return "https://github.com/" + parts[0] + "/" + parts[1]
}

// blobURL links lines start..end (end 0 or equal to start for one line,
// start 0 for the whole file) of a file at a commit, in GitHub's URL form
// {web}/blob/{sha}/{path}#L{start}-L{end}; "" when the repository's web
// address or the commit is unknown.
func blobURL(web, sha, p string, start, end int) string {
	if web == "" || sha == "" || p == "" {
		return ""
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	u := strings.TrimSuffix(web, "/") + "/blob/" + url.PathEscape(sha) + "/" + strings.Join(segs, "/")
	switch {
	case start <= 0:
	case end > start:
		u += fmt.Sprintf("#L%d-L%d", start, end)
	default:
		u += fmt.Sprintf("#L%d", start)
	}
	return u
}

// splitLocation splits "path:line" into its parts; line is 0 when the
// location has no line number.
func splitLocation(loc string) (string, int) {
	i := strings.LastIndex(loc, ":")
	if i <= 0 {
		return loc, 0
	}
	n := 0
	for _, c := range loc[i+1:] {
		if c < '0' || c > '9' || n > 1e8 {
			return loc, 0
		}
		n = n*10 + int(c-'0')
	}
	if i == len(loc)-1 {
		return loc, 0
	}
	return loc[:i], n
}
