package codebase

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultTarballCacheBytes is the cache cap when TarballCache.MaxBytes is 0.
const DefaultTarballCacheBytes = 4 << 30

// ErrUnsafeArchive is returned for a tarball with an entry that would land
// outside its directory (absolute or ".." paths). GitHub never produces one,
// so the whole archive is refused rather than partly extracted.
var ErrUnsafeArchive = errors.New("unsafe path in archive")

// ErrTooLarge is returned when a tarball alone exceeds the cache cap.
var ErrTooLarge = errors.New("archive larger than the cache cap")

// TarballCache fetches repository snapshots as GitHub tarballs and keeps
// them extracted on disk, keyed by (owner, repo, sha), evicting the least
// recently used snapshots when the total size passes MaxBytes. The GitHub
// App uses it instead of a clone: one REST call, no git on the server.
//
// The cache is safe for concurrent use within one process; concurrent
// requests for the same snapshot share one download. Several processes
// must not share a Dir. A snapshot in use by a running analysis can be
// evicted by another's arrival, so MaxBytes should comfortably exceed the
// snapshots analysed at once.
type TarballCache struct {
	Dir      string       // cache root; created when missing
	MaxBytes int64        // cap on the extracted total; 0 means DefaultTarballCacheBytes
	BaseURL  string       // REST API base URL; "" means https://api.github.com/
	Client   *http.Client // nil means http.DefaultClient; may carry App authentication
	Token    string       // sent as a bearer token when set

	mu       sync.Mutex
	inflight map[string]*fetch
}

// fetch is one download in progress, shared by concurrent callers.
type fetch struct {
	done chan struct{}
	dir  string
	err  error
}

// Tarball returns a Source over the tree of commit sha of owner/repo,
// downloading it through c on first use. See TarballCache.
func Tarball(ctx context.Context, c *TarballCache, owner, repo, sha string) (Source, error) {
	return c.Source(ctx, owner, repo, sha)
}

// GitHub owner and repository names, and commit SHAs. Refs other than a SHA
// are refused: a branch name would cache a moving target.
var (
	nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	shaRE  = regexp.MustCompile(`^[0-9a-fA-F]{7,64}$`)
)

// Source returns a Dir source over the extracted snapshot, fetching it when
// it is not cached.
func (c *TarballCache) Source(ctx context.Context, owner, repo, sha string) (Source, error) {
	if !nameRE.MatchString(owner) || !nameRE.MatchString(repo) || !shaRE.MatchString(sha) {
		return nil, fmt.Errorf("tarball %s/%s@%s: invalid owner, repository or commit sha", owner, repo, sha)
	}
	key := filepath.Join(owner, repo, strings.ToLower(sha))
	entry := filepath.Join(c.Dir, key)

	c.mu.Lock()
	if f, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.err != nil {
			return nil, f.err
		}
		return Dir(f.dir), nil
	}
	if _, err := os.Stat(filepath.Join(entry, "size")); err == nil {
		touch(entry)
		c.mu.Unlock()
		return Dir(filepath.Join(entry, "tree")), nil
	}
	f := &fetch{done: make(chan struct{})}
	if c.inflight == nil {
		c.inflight = map[string]*fetch{}
	}
	c.inflight[key] = f
	c.mu.Unlock()

	f.err = c.download(ctx, owner, repo, sha, entry)
	f.dir = filepath.Join(entry, "tree")
	c.mu.Lock()
	delete(c.inflight, key)
	if f.err == nil {
		c.evictLocked(entry)
	}
	c.mu.Unlock()
	close(f.done)
	if f.err != nil {
		return nil, f.err
	}
	return Dir(f.dir), nil
}

func (c *TarballCache) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultTarballCacheBytes
}

// download fetches the tarball and extracts it into a temporary directory
// that is renamed into place only when complete, so a crash never leaves a
// half-extracted snapshot that looks valid.
func (c *TarballCache) download(ctx context.Context, owner, repo, sha, entry string) error {
	base := c.BaseURL
	if base == "" {
		base = "https://api.github.com/"
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	// GET /repos/{owner}/{repo}/tarball/{ref} answers 302 to a signed
	// codeload URL; net/http follows it and drops Authorization when the
	// host changes. https://docs.github.com/en/rest/repos/contents#download-a-repository-archive-tar
	u := base + "repos/" + url.PathEscape(owner) + "/" + url.PathEscape(repo) + "/tarball/" + url.PathEscape(sha)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("tarball request: %w", err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("download tarball %s/%s@%s: %w", owner, repo, sha, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("download tarball %s/%s@%s: %s: %s", owner, repo, sha, resp.Status, strings.TrimSpace(string(msg)))
	}

	parent := filepath.Dir(entry)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("tarball cache: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-")
	if err != nil {
		return fmt.Errorf("tarball cache: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op after the rename below
	size, err := extractTarball(resp.Body, filepath.Join(tmp, "tree"), c.maxBytes())
	if err != nil {
		return fmt.Errorf("extract tarball %s/%s@%s: %w", owner, repo, sha, err)
	}
	// The size file marks a complete entry; its mtime is the last use.
	if err := os.WriteFile(filepath.Join(tmp, "size"), []byte(strconv.FormatInt(size, 10)), 0o644); err != nil {
		return fmt.Errorf("tarball cache: %w", err)
	}
	os.RemoveAll(entry) // leftovers of an interrupted run
	if err := os.Rename(tmp, entry); err != nil {
		return fmt.Errorf("tarball cache: %w", err)
	}
	return nil
}

// extractTarball unpacks a gzip tar into dst, dropping the single top-level
// directory GitHub wraps around the tree ("owner-repo-sha/"). Regular files
// and directories are written; links are skipped because a Dir source does
// not follow them. It returns the bytes written.
func extractTarball(r io.Reader, dst string, limit int64) (int64, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return 0, fmt.Errorf("gunzip: %w", err)
	}
	defer gz.Close()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return 0, err
	}
	// os.Root refuses any path escaping dst, a second line of defence
	// behind the explicit check below.
	root, err := os.OpenRoot(dst)
	if err != nil {
		return 0, err
	}
	defer root.Close()
	tr := tar.NewReader(gz)
	var total int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, fmt.Errorf("read tar: %w", err)
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue // pax header carrying the commit id
		}
		name := strings.TrimPrefix(h.Name, "./")
		_, rest, ok := strings.Cut(name, "/")
		if !ok || rest == "" || rest == "/" {
			continue // the top-level directory itself
		}
		rest = strings.TrimSuffix(rest, "/")
		if !filepath.IsLocal(rest) || strings.Contains(rest, `\`) {
			return total, fmt.Errorf("%q: %w", h.Name, ErrUnsafeArchive)
		}
		rel := filepath.FromSlash(rest)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(rel, 0o755); err != nil {
				return total, fmt.Errorf("create %s: %w", rest, err)
			}
		case tar.TypeReg:
			if total+h.Size > limit {
				return total, ErrTooLarge
			}
			n, err := writeEntry(root, rel, tr, h)
			total += n
			if err != nil {
				return total, fmt.Errorf("write %s: %w", rest, err)
			}
		}
	}
}

func writeEntry(root *os.Root, rel string, r io.Reader, h *tar.Header) (int64, error) {
	if d := filepath.Dir(rel); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return 0, err
		}
	}
	mode := os.FileMode(0o644)
	if h.Mode&0o111 != 0 {
		mode = 0o755
	}
	f, err := root.OpenFile(rel, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, io.LimitReader(r, h.Size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// touch records a use of an entry as the mtime of its size file.
func touch(entry string) {
	now := time.Now()
	_ = os.Chtimes(filepath.Join(entry, "size"), now, now)
}

// cacheEntry is one snapshot found on disk.
type cacheEntry struct {
	dir  string
	size int64
	used time.Time
}

// evictLocked removes least recently used entries until the total fits the
// cap, never the one just added (keep).
func (c *TarballCache) evictLocked(keep string) {
	var entries []cacheEntry
	var total int64
	// Entries sit at Dir/owner/repo/sha; temporary directories are skipped.
	matches, _ := filepath.Glob(filepath.Join(c.Dir, "*", "*", "*", "size"))
	for _, m := range matches {
		fi, err := os.Stat(m)
		if err != nil {
			continue
		}
		data, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
		entries = append(entries, cacheEntry{dir: filepath.Dir(m), size: n, used: fi.ModTime()})
		total += n
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].used.Before(entries[j].used) })
	for _, e := range entries {
		if total <= c.maxBytes() {
			break
		}
		if e.dir == keep {
			continue
		}
		// Remove the marker first so a crash mid-removal leaves no entry
		// that looks complete.
		if err := os.Remove(filepath.Join(e.dir, "size")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		os.RemoveAll(e.dir)
		total -= e.size
	}
}
