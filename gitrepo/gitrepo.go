// Package gitrepo reads a local git repository: the range a review covers,
// its diff, files at a revision, and the commits an Action checkout lacks.
// It runs the real git binary, whose output the review package parses.
package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNotGitRepo is returned when the review directory is not inside a git
// work tree.
var ErrNotGitRepo = errors.New("not a git repository")

// LocalRange is a resolved base..head range of a local repository.
type LocalRange struct {
	Dir     string // top level of the work tree
	Name    string // owner/name from the origin remote, else the directory name
	Remote  string // the origin remote's URL, "" when there is none
	Base    string // full SHA
	Head    string // full SHA
	BaseRef string // as given or chosen ("origin/HEAD", "main", ...)
	HeadRef string
}

// git runs one git command in dir and returns its stdout. Errors carry
// git's own message, which is usually the best explanation.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return out, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out, nil
}

// ResolveRange finds the repository around dir and resolves base and head.
// head defaults to HEAD. The review starts at the merge-base of base and
// head, as GitHub's pull request diff does (SPEC section 1): with no base,
// of head and the default branch (origin/HEAD, else main, else master).
// BaseRef names what was asked for; Base is the merge-base commit used.
func ResolveRange(ctx context.Context, dir, base, head string) (*LocalRange, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errors.New("git is not installed or not on PATH; install git to review a local range")
	}
	top, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		if out, berr := git(ctx, dir, "rev-parse", "--is-bare-repository"); berr == nil && strings.TrimSpace(string(out)) == "true" {
			return nil, fmt.Errorf("%s is a bare repository: %w with a work tree; clone it (git clone %s) and review the clone", dir, ErrNotGitRepo, dir)
		}
		return nil, fmt.Errorf("%s: %w; run reviewbot inside a git repository or pass --repo DIR", dir, ErrNotGitRepo)
	}
	r := &LocalRange{Dir: strings.TrimSpace(string(top)), HeadRef: head}
	if r.HeadRef == "" {
		r.HeadRef = "HEAD"
	}
	if out, err := git(ctx, r.Dir, "rev-list", "-n", "1", "--all"); err == nil && len(bytes.TrimSpace(out)) == 0 {
		return nil, fmt.Errorf("%s has no commits yet: commit your work first, then review a range (e.g. --base main --head my-branch)", r.Dir)
	}
	if r.Head, err = r.commit(ctx, r.HeadRef); err != nil {
		return nil, fmt.Errorf("head %q: %w", r.HeadRef, err)
	}
	candidates := []string{"origin/HEAD", "main", "master"}
	if base != "" {
		candidates = []string{base}
	}
	var tried []string
	for _, cand := range candidates {
		tip, err := r.commit(ctx, cand)
		if err != nil {
			if base != "" {
				return nil, fmt.Errorf("base %q: %w", base, err)
			}
			continue
		}
		tried = append(tried, cand)
		mb, err := git(ctx, r.Dir, "merge-base", tip, r.Head)
		if err != nil {
			continue
		}
		r.BaseRef, r.Base = cand, strings.TrimSpace(string(mb))
		break
	}
	if r.Base == "" {
		if len(tried) == 0 {
			return nil, errors.New("no default branch found (tried origin/HEAD, main, master); pass --base REF, e.g. --base HEAD~1")
		}
		if r.shallow(ctx) {
			return nil, fmt.Errorf("%s and %s share no history in this shallow clone: fetch the history with `git fetch --unshallow` (in GitHub Actions, actions/checkout with `fetch-depth: 0`), then run again", strings.Join(tried, ", "), r.HeadRef)
		}
		return nil, fmt.Errorf("%s share no history with %s; pass --base REF", strings.Join(tried, ", "), r.HeadRef)
	}
	r.Name = repoName(ctx, r.Dir)
	if out, err := git(ctx, r.Dir, "remote", "get-url", "origin"); err == nil {
		r.Remote = strings.TrimSpace(string(out))
	}
	return r, nil
}

// shallow reports whether the repository is a shallow clone.
func (r *LocalRange) shallow(ctx context.Context) bool {
	out, err := git(ctx, r.Dir, "rev-parse", "--is-shallow-repository")
	return err == nil && strings.TrimSpace(string(out)) == "true"
}

// BaseNote says which commit the review starts at when it is not the tip
// of the base ref ("" when it is).
func (r *LocalRange) BaseNote(ctx context.Context) string {
	tip, err := r.commit(ctx, r.BaseRef)
	if err != nil || tip == r.Base {
		return ""
	}
	return fmt.Sprintf("the review starts at %s, the merge-base of %s and %s, as a pull request's diff does", r.Base[:min(12, len(r.Base))], r.BaseRef, r.HeadRef)
}

func (r *LocalRange) commit(ctx context.Context, ref string) (string, error) {
	out, err := git(ctx, r.Dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		if r.shallow(ctx) {
			return "", fmt.Errorf("no such commit in %s, a shallow clone: it may lie beyond the history fetched; fetch it with `git fetch --unshallow` (in GitHub Actions, actions/checkout with `fetch-depth: 0`), or check the name with git log", r.Dir)
		}
		return "", fmt.Errorf("no such commit in %s; check the name with git log", r.Dir)
	}
	return strings.TrimSpace(string(out)), nil
}

// Diff returns `git diff` of the range in the exact shape the parser
// expects: fixed a/ b/ prefixes, renames detected, no colour, no external
// diff driver and no textconv, whatever the user's git config says.
func (r *LocalRange) Diff(ctx context.Context) ([]byte, error) {
	return git(ctx, r.Dir, "-c", "core.quotePath=true", "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--src-prefix=a/", "--dst-prefix=b/", r.Base, r.Head, "--")
}

// ReadFile returns path at rev, or ok=false when it does not exist there.
func (r *LocalRange) ReadFile(ctx context.Context, rev, path string) (data []byte, ok bool, err error) {
	if _, err := git(ctx, r.Dir, "cat-file", "-e", rev+":"+path); err != nil {
		return nil, false, nil
	}
	out, err := git(ctx, r.Dir, "cat-file", "blob", rev+":"+path)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// repoName is owner/name from the origin remote URL when there is one.
func repoName(ctx context.Context, dir string) string {
	out, err := git(ctx, dir, "remote", "get-url", "origin")
	if err == nil {
		u := strings.TrimSuffix(strings.TrimSpace(string(out)), ".git")
		u = strings.ReplaceAll(u, ":", "/")
		parts := strings.Split(u, "/")
		if n := len(parts); n >= 2 && parts[n-2] != "" && parts[n-1] != "" {
			return parts[n-2] + "/" + parts[n-1]
		}
	}
	return filepath.Base(dir)
}

// Describe stands in for a PR's title and body on a local range: the
// newest commit's subject, and the subjects of every commit in the range.
func (r *LocalRange) Describe(ctx context.Context) (title, body string) {
	out, err := git(ctx, r.Dir, "log", "--format=%s", "--max-count=200", r.Base+".."+r.Head)
	if err != nil {
		return "", ""
	}
	subjects := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(subjects) == 0 || subjects[0] == "" {
		return "", ""
	}
	var b strings.Builder
	b.WriteString("Commits in this range (newest first):\n")
	for _, s := range subjects {
		b.WriteString("- " + s + "\n")
	}
	return subjects[0], b.String()
}

// Dirty reports whether the work tree has uncommitted changes to tracked
// files, which a review of commits does not see.
func (r *LocalRange) Dirty(ctx context.Context) bool {
	out, err := git(ctx, r.Dir, "status", "--porcelain", "--untracked-files=no")
	return err == nil && len(bytes.TrimSpace(out)) > 0
}

// HasCommit reports whether the repository at dir holds commit sha.
func HasCommit(ctx context.Context, dir, sha string) bool {
	_, err := git(ctx, dir, "cat-file", "-e", sha+"^{commit}")
	return err == nil
}

// Fetch makes sure the repository at dir holds each commit, fetching the
// missing ones from origin one level deep: an Actions checkout is shallow
// (actions/checkout's fetch-depth 1 holds only the test-merge commit),
// and GitHub serves any commit of the repository by its SHA, including
// pull request heads from forks. The credentials actions/checkout left in
// the repository's config authenticate the fetch. Nothing fetched is
// checked out or run: the trees are only read.
func Fetch(ctx context.Context, dir string, shas ...string) error {
	var missing []string
	for _, s := range shas {
		if s != "" && !HasCommit(ctx, dir, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	args := append([]string{"-c", "protocol.version=2", "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--depth=1", "origin"}, missing...)
	if _, err := git(ctx, dir, args...); err != nil {
		return fmt.Errorf("fetch %s from origin: %w", strings.Join(missing, ", "), err)
	}
	return nil
}
