package ghtest

import (
	"encoding/base64"
	"fmt"
	"path"
	"sort"
	"strings"
)

// GitHub's caps on what the pull request diff media type returns
// (https://docs.github.com/rest/pulls/pulls#get-a-pull-request answers 406
// beyond them) and on the files endpoint, which lists at most 3,000 files
// (https://docs.github.com/rest/pulls/pulls#list-pull-requests-files).
const (
	maxDiffFiles = 300
	maxDiffLines = 20000
	maxListFiles = 3000
	maxCommits   = 250
)

// defaultBranch is every repository's default branch.
const defaultBranch = "main"

func (c *call) getPull() {
	p, ok := c.pull()
	if !ok {
		return
	}
	accept := strings.ToLower(c.r.Header.Get("Accept"))
	switch {
	case strings.Contains(accept, ".diff"): // application/vnd.github.diff or .v3.diff
		tooLarge := []any{fieldError{Resource: "PullRequest", Field: "diff", Code: "too_large"}}
		if n := len(p.diff.Files); n > maxDiffFiles {
			c.fail(406, fmt.Sprintf("Sorry, the diff exceeded the maximum number of files (%d). Consider using 'List pull requests files' API or locally cloning the repository instead.", maxDiffFiles), tooLarge)
			return
		}
		// GitHub counts the diff's lines, context and headers included: a
		// pull request of 8,302 additions and 8,257 deletions has been
		// refused (pascalgn/size-label-action#53).
		if p.diff.Lines > maxDiffLines {
			c.fail(406, fmt.Sprintf("Sorry, the diff exceeded the maximum number of lines (%d)", maxDiffLines), tooLarge)
			return
		}
		c.text(200, "application/vnd.github.diff; charset=utf-8", p.Diff)
		return
	case strings.Contains(accept, ".patch"):
		c.fail(415, "ghtest: the patch media type (format-patch text with commit headers) is not modelled; ask for the diff media type", nil)
		return
	}
	c.json(200, c.wirePull(p))
}

// wirePull is the pull request's JSON.
func (c *call) wirePull(p *pullRequest) wirePull {
	s, r := c.s, c.repo
	api := s.apiRepoURL(r)
	web := webRepoURL(r)
	baseRepo := c.wireRepo(r, false)
	headOwner, headName, _ := strings.Cut(p.HeadRepo, "/")
	fork := !strings.EqualFold(p.HeadRepo, r.owner+"/"+r.name)
	headRepo := baseRepo
	if fork {
		headRepo = c.wireRepo(s.repoLocked(headOwner, headName), true)
	}
	add, del := 0, 0
	for _, f := range p.diff.Files {
		add += f.Additions
		del += f.Deletions
	}
	nIssue, nReview := 0, 0
	for _, ic := range r.issueCmts {
		if ic.number == p.Number {
			nIssue++
		}
	}
	for _, rc := range r.reviewCmts {
		if rc.number == p.Number && !rc.pending {
			nReview++
		}
	}
	w := wirePull{
		URL: fmt.Sprintf("%s/pulls/%d", api, p.Number), ID: p.id, NodeID: nodeID("PR", p.id),
		HTMLURL:           fmt.Sprintf("%s/pull/%d", web, p.Number),
		DiffURL:           fmt.Sprintf("%s/pull/%d.diff", web, p.Number),
		PatchURL:          fmt.Sprintf("%s/pull/%d.patch", web, p.Number),
		IssueURL:          fmt.Sprintf("%s/issues/%d", api, p.Number),
		CommitsURL:        fmt.Sprintf("%s/pulls/%d/commits", api, p.Number),
		ReviewCommentsURL: fmt.Sprintf("%s/pulls/%d/comments", api, p.Number),
		CommentsURL:       fmt.Sprintf("%s/issues/%d/comments", api, p.Number),
		StatusesURL:       fmt.Sprintf("%s/statuses/%s", api, p.HeadSHA),
		Number:            p.Number, State: p.State, Title: p.Title, User: s.user(p.Author),
		Labels: []struct{}{}, CreatedAt: stamp(p.created), UpdatedAt: stamp(p.updated),
		MergeCommitSHA: fakeSHA("merge " + p.BaseSHA + " " + p.HeadSHA), Draft: p.Draft,
		Head: wireBranch{Label: headOwner + ":" + p.HeadRef, Ref: p.HeadRef, SHA: p.HeadSHA,
			User: s.user(headOwner), Repo: headRepo},
		Base: wireBranch{Label: r.owner + ":" + p.BaseRef, Ref: p.BaseRef, SHA: p.BaseSHA,
			User: s.user(r.owner), Repo: baseRepo},
		AuthorAssociation: r.association(p.Author), MergeableState: "unknown",
		Comments: nIssue, ReviewComments: nReview, Commits: len(r.history(p)),
		Additions: add, Deletions: del, ChangedFiles: len(p.diff.Files),
	}
	if p.Body != "" {
		w.Body = str(p.Body)
	}
	if p.State == "closed" {
		w.ClosedAt = stamp(p.updated)
	}
	return w
}

// wireRepo is a repository object.
func (c *call) wireRepo(r *repo, fork bool) wireRepo {
	return wireRepo{ID: r.id, NodeID: nodeID("R", r.id), Name: r.name, FullName: r.owner + "/" + r.name,
		Owner: c.s.user(r.owner), HTMLURL: webRepoURL(r), Fork: fork, URL: c.s.apiRepoURL(r),
		DefaultBranch: defaultBranch}
}

func (c *call) getRepo() {
	c.json(200, c.wireRepo(c.repo, false))
}

func (c *call) listFiles() {
	p, ok := c.pull()
	if !ok {
		return
	}
	files := p.diff.Files
	if len(files) > maxListFiles {
		files = files[:maxListFiles]
	}
	lo, hi := c.pageBounds(len(files))
	out := []wireFile{}
	for _, f := range files[lo:hi] {
		out = append(out, c.wireFile(f, p.HeadSHA))
	}
	c.json(200, out)
}

// wireFile is one entry of the files of a pull request or a comparison.
// Binary files and pure renames carry no patch, as on GitHub.
func (c *call) wireFile(f *fileDiff, head string) wireFile {
	p := f.Path()
	web := webRepoURL(c.repo)
	w := wireFile{SHA: blobSHA(head + ":" + p), Filename: p, Status: f.Status,
		Additions: f.Additions, Deletions: f.Deletions, Changes: f.Additions + f.Deletions,
		BlobURL:     fmt.Sprintf("%s/blob/%s/%s", web, head, p),
		RawURL:      fmt.Sprintf("%s/raw/%s/%s", web, head, p),
		ContentsURL: fmt.Sprintf("%s/contents/%s?ref=%s", c.s.apiRepoURL(c.repo), p, head),
		Patch:       f.Patch}
	if f.Status == "renamed" || f.Status == "copied" {
		w.PreviousFilename = f.OldPath
	}
	return w
}

// history is the pull request's commits, oldest first: the head and its
// ancestors down to the base. After a force-push the old heads are no
// longer among them, as on GitHub.
func (r *repo) history(p *pullRequest) []*commit {
	var out []*commit
	for sha := p.HeadSHA; sha != "" && sha != p.BaseSHA; {
		cm := r.commits[sha]
		if cm == nil || cm.number != p.Number {
			break
		}
		out = append(out, cm)
		sha = cm.parent
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// inPR reports whether sha is one of the pull request's commits.
func (r *repo) inPR(p *pullRequest, sha string) bool {
	for _, cm := range r.history(p) {
		if cm.sha == sha {
			return true
		}
	}
	return false
}

func (c *call) listCommits() {
	p, ok := c.pull()
	if !ok {
		return
	}
	hist := c.repo.history(p)
	if len(hist) > maxCommits {
		hist = hist[:maxCommits]
	}
	lo, hi := c.pageBounds(len(hist))
	out := []wireCommit{}
	for _, cm := range hist[lo:hi] {
		out = append(out, c.wireCommit(cm))
	}
	c.json(200, out)
}

// wireCommit is a commit object.
func (c *call) wireCommit(cm *commit) wireCommit {
	api, web := c.s.apiRepoURL(c.repo), webRepoURL(c.repo)
	author := "octocat"
	if p := c.repo.prs[cm.number]; p != nil {
		author = p.Author
	}
	u := c.s.user(author)
	w := wireCommit{SHA: cm.sha, NodeID: nodeID("C", int64(len(cm.sha))), URL: api + "/commits/" + cm.sha,
		HTMLURL: web + "/commit/" + cm.sha, CommentsURL: api + "/commits/" + cm.sha + "/comments",
		Author: &u, Committer: &u, Parents: []wireSHAURL{}}
	w.Commit.URL = api + "/git/commits/" + cm.sha
	w.Commit.Author = wireGitActor{Name: author, Email: author + "@users.noreply.github.com", Date: stamp(cm.at)}
	w.Commit.Committer = w.Commit.Author
	w.Commit.Message = "commit " + cm.sha[:min(7, len(cm.sha))]
	w.Commit.Tree = wireSHAURL{SHA: fakeSHA("tree " + cm.sha), URL: api + "/git/trees/" + fakeSHA("tree "+cm.sha)}
	if cm.parent != "" {
		w.Parents = append(w.Parents, wireSHAURL{SHA: cm.parent, URL: api + "/commits/" + cm.parent, HTMLURL: web + "/commit/" + cm.parent})
	}
	return w
}

// resolve turns a ref of a compare or contents request into a known commit:
// a SHA (or a unique prefix of at least 7 hex digits), a pull request's base
// or head branch, "owner:branch" or "owner:repo:branch".
func (r *repo) resolve(ref string) (string, bool) {
	ref = strings.TrimPrefix(ref, "refs/heads/")
	if i := strings.LastIndexByte(ref, ':'); i >= 0 {
		ref = ref[i+1:]
	}
	if _, ok := r.commits[ref]; ok {
		return ref, true
	}
	sha := ""
	for _, n := range r.prNumbers() {
		p := r.prs[n]
		switch ref {
		case p.HeadRef:
			sha = p.HeadSHA
		case p.BaseRef:
			if sha == "" {
				sha = p.BaseSHA
			}
		}
	}
	if sha != "" {
		return sha, true
	}
	if len(ref) >= 7 {
		var found []string
		for k := range r.commits {
			if strings.HasPrefix(k, ref) {
				found = append(found, k)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return "", false
}

// prNumbers is the repository's pull request numbers in order.
func (r *repo) prNumbers() []int {
	ns := make([]int, 0, len(r.prs))
	for n := range r.prs {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return ns
}

// ancestry is sha and its ancestors, nearest first.
func (r *repo) ancestry(sha string) []string {
	var out []string
	seen := map[string]bool{}
	for sha != "" && !seen[sha] {
		seen[sha] = true
		out = append(out, sha)
		cm := r.commits[sha]
		if cm == nil {
			break
		}
		sha = cm.parent
	}
	return out
}

func (c *call) compare() {
	base, head, ok := strings.Cut(c.params["basehead"], "...")
	if !ok || base == "" || head == "" {
		c.notFound()
		return
	}
	r := c.repo
	baseSHA, ok1 := r.resolve(base)
	headSHA, ok2 := r.resolve(head)
	if !ok1 || !ok2 {
		missing := base
		if ok1 {
			missing = head
		}
		c.fail(404, "No commit found for the ref "+missing, nil)
		return
	}
	baseAnc, headAnc := r.ancestry(baseSHA), r.ancestry(headSHA)
	behindAt := map[string]int{}
	for i, sha := range baseAnc {
		behindAt[sha] = i
	}
	mb, ahead, behind := "", 0, 0
	for i, sha := range headAnc {
		if j, ok := behindAt[sha]; ok {
			mb, ahead, behind = sha, i, j
			break
		}
	}
	if mb == "" {
		c.fail(404, fmt.Sprintf("No common ancestor between %s and %s.", base, head), nil)
		return
	}
	status := "diverged"
	switch {
	case ahead == 0 && behind == 0:
		status = "identical"
	case behind == 0:
		status = "ahead"
	case ahead == 0:
		status = "behind"
	}
	api, web := c.s.apiRepoURL(r), webRepoURL(r)
	w := wireCompare{
		URL: fmt.Sprintf("%s/compare/%s...%s", api, base, head), HTMLURL: fmt.Sprintf("%s/compare/%s...%s", web, base, head),
		PermalinkURL: fmt.Sprintf("%s/compare/%s:%s...%s:%s", web, r.owner, baseSHA, r.owner, headSHA),
		DiffURL:      fmt.Sprintf("%s/compare/%s...%s.diff", web, base, head), PatchURL: fmt.Sprintf("%s/compare/%s...%s.patch", web, base, head),
		BaseCommit: c.wireCommit(r.commits[baseSHA]), MergeBaseCommit: c.wireCommit(r.commits[mb]),
		Status: status, AheadBy: ahead, BehindBy: behind, TotalCommits: ahead, Commits: []wireCommit{}, Files: []wireFile{},
	}
	for i := ahead - 1; i >= 0; i-- { // oldest first
		w.Commits = append(w.Commits, c.wireCommit(r.commits[headAnc[i]]))
	}
	for _, f := range r.compareFiles(base, head, baseSHA, headSHA, mb) {
		w.Files = append(w.Files, c.wireFile(f, headSHA))
	}
	c.json(200, w)
}

// compareFiles is the three-dot diff merge-base...head, file by file.
func (r *repo) compareFiles(base, head, baseSHA, headSHA, mb string) []*fileDiff {
	for _, key := range []string{base + "..." + head, baseSHA + "..." + headSHA} {
		if d := r.compares[key]; d != nil {
			return d.Files
		}
	}
	hc, mc := r.commits[headSHA], r.commits[mb]
	switch {
	case mb == headSHA || hc.diff == nil:
		return nil
	case mc.diff == nil || mc.number != hc.number:
		// The merge base is the pull request's base (a compare from the
		// base, or across a force-push): head's own diff is exact.
		return hc.diff.Files
	}
	// Both are heads of one pull request. The set of files that changed
	// between them is exact; a file that went back to its base content gets
	// the exact reverse of its old patch; a file changed on both gets its
	// whole pull-request patch (see SetCompareDiff).
	var out []*fileDiff
	seen := map[string]bool{}
	for _, f := range hc.diff.Files {
		seen[f.Path()] = true
		if old := mc.diff.file(f.Path()); old == nil || old.Patch != f.Patch || old.Status != f.Status {
			out = append(out, f)
		}
	}
	for _, f := range mc.diff.Files {
		if !seen[f.Path()] {
			out = append(out, reverseFile(f))
		}
	}
	return out
}

// reverseFile is the diff that undoes f.
func reverseFile(f *fileDiff) *fileDiff {
	r := &fileDiff{OldPath: f.NewPath, NewPath: f.OldPath, Binary: f.Binary,
		Additions: f.Deletions, Deletions: f.Additions}
	switch f.Status {
	case "added":
		r.Status = "removed"
	case "removed":
		r.Status = "added"
	default:
		r.Status = f.Status
	}
	var patch []string
	for _, h := range f.Hunks {
		rh := hunk{OldStart: h.NewStart, OldLines: h.NewLines, NewStart: h.OldStart, NewLines: h.OldLines}
		section := h.Header[len(hunkHeaderRE.FindString(h.Header)):]
		rh.Header = fmt.Sprintf("@@ -%d,%d +%d,%d @@%s", rh.OldStart, rh.OldLines, rh.NewStart, rh.NewLines, section)
		patch = append(patch, rh.Header)
		// Swap the sides, keeping git's order within a change: deletions
		// before additions, each "\ No newline" marker after its line.
		var dels, adds []diffLine
		flush := func() {
			rh.Lines = append(append(rh.Lines, dels...), adds...)
			dels, adds = nil, nil
		}
		last := byte(0)
		for _, l := range h.Lines {
			rl := diffLine{Kind: l.Kind, Old: l.New, New: l.Old, Text: l.Text}
			switch l.Kind {
			case '+':
				rl.Kind, rl.Text = '-', "-"+l.Text[1:]
				dels = append(dels, rl)
			case '-':
				rl.Kind, rl.Text = '+', "+"+l.Text[1:]
				adds = append(adds, rl)
			case '\\':
				if last == '+' {
					dels = append(dels, rl)
				} else if last == '-' {
					adds = append(adds, rl)
				} else {
					flush()
					rh.Lines = append(rh.Lines, rl)
				}
			default:
				flush()
				rh.Lines = append(rh.Lines, rl)
			}
			if l.Kind != '\\' {
				last = l.Kind
			}
		}
		flush()
		for _, l := range rh.Lines {
			patch = append(patch, l.Text)
		}
		r.Hunks = append(r.Hunks, rh)
	}
	r.Patch = strings.Join(patch, "\n")
	return r
}

// tree is the files at ref: those set for ref itself and for the refs that
// name the same commit (a pull request's base branch and base SHA, its head
// branch and head SHA). "" is the default branch.
func (r *repo) tree(ref string) map[string]string {
	ref = strings.TrimPrefix(ref, "refs/heads/")
	if ref == "" {
		ref = defaultBranch
	}
	names := []string{ref}
	for _, n := range r.prNumbers() {
		p := r.prs[n]
		switch ref {
		case p.BaseRef, p.BaseSHA:
			names = append(names, p.BaseRef, p.BaseSHA)
		case p.HeadRef, p.HeadSHA:
			names = append(names, p.HeadRef, p.HeadSHA)
		}
	}
	out := map[string]string{}
	for i := len(names) - 1; i >= 0; i-- { // the exact ref wins
		for k, v := range r.files[names[i]] {
			out[k] = v
		}
		if names[i] == defaultBranch {
			for k, v := range r.files[""] {
				out[k] = v
			}
		}
	}
	return out
}

func (c *call) contents() {
	p := strings.Trim(c.params["path"], "/")
	ref := c.r.URL.Query().Get("ref")
	files := c.repo.tree(ref)
	if ref == "" {
		ref = defaultBranch
	}
	api, web := c.s.apiRepoURL(c.repo), webRepoURL(c.repo)
	entry := func(name, typ, content string) wireContent {
		sha := blobSHA(content)
		w := wireContent{Type: typ, Size: len(content), Name: path.Base(name), Path: name, SHA: sha,
			URL:     fmt.Sprintf("%s/contents/%s?ref=%s", api, name, ref),
			GitURL:  fmt.Sprintf("%s/git/blobs/%s", api, sha),
			HTMLURL: fmt.Sprintf("%s/blob/%s/%s", web, ref, name)}
		if typ == "file" {
			w.DownloadURL = str(fmt.Sprintf("https://raw.githubusercontent.com/%s/%s/%s/%s", c.repo.owner, c.repo.name, ref, name))
		} else {
			w.Size, w.SHA = 0, fakeSHA("tree "+name)
			w.GitURL = fmt.Sprintf("%s/git/trees/%s", api, w.SHA)
			w.HTMLURL = fmt.Sprintf("%s/tree/%s/%s", web, ref, name)
		}
		return w
	}
	if content, ok := files[p]; ok && p != "" {
		accept := strings.ToLower(c.r.Header.Get("Accept"))
		if strings.Contains(accept, ".raw") {
			c.text(200, "application/vnd.github.raw; charset=utf-8", content)
			return
		}
		w := entry(p, "file", content)
		// Files over 1 MB come without content
		// (https://docs.github.com/rest/repos/contents#get-repository-content).
		if len(content) <= 1<<20 {
			w.Encoding, w.Content = "base64", wrap60(base64.StdEncoding.EncodeToString([]byte(content)))
		} else {
			w.Encoding = "none"
		}
		c.json(200, w)
		return
	}
	// A directory: its direct children, files before directories by name.
	prefix := ""
	if p != "" {
		prefix = p + "/"
	}
	dirs := map[string]bool{}
	var list []wireContent
	for _, name := range sortedKeys(files) {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		if d, _, isDir := strings.Cut(rest, "/"); isDir {
			if !dirs[d] {
				dirs[d] = true
				list = append(list, entry(prefix+d, "dir", ""))
			}
			continue
		}
		list = append(list, entry(name, "file", files[name]))
	}
	if len(list) == 0 {
		c.notFound()
		return
	}
	c.json(200, list)
}

// wrap60 breaks base64 text into lines of 60 characters, as GitHub's
// contents API does.
func wrap60(s string) string {
	var b strings.Builder
	for len(s) > 60 {
		b.WriteString(s[:60])
		b.WriteByte('\n')
		s = s[60:]
	}
	b.WriteString(s)
	b.WriteByte('\n')
	return b.String()
}
