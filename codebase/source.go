package codebase

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// sizer is implemented by sources that know a file's size without reading
// it, so that Analyze can skip oversized files cheaply. It is optional.
type sizer interface {
	Size(ctx context.Context, path string) (int64, error)
}

// Dir returns a Source over a plain directory tree. .git directories,
// symlinks and other non-regular files are left out. Reads go through
// os.Root, so a path cannot escape root even through a symlink.
func Dir(root string) Source {
	return &dirSource{root: root}
}

type dirSource struct {
	root string

	once    sync.Once
	openErr error
	r       *os.Root
}

var (
	_ Source = (*dirSource)(nil)
	_ sizer  = (*dirSource)(nil)
)

// Files walks the tree; the result is sorted.
func (d *dirSource) Files(ctx context.Context) ([]string, error) {
	var out []string
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if e.Name() == ".git" && p != d.root {
				return filepath.SkipDir
			}
			// Checking once per directory keeps cancellation responsive
			// on huge trees without a per-file cost.
			return ctx.Err()
		}
		if !e.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", d.root, err)
	}
	sort.Strings(out)
	return out, nil
}

func (d *dirSource) open() (*os.Root, error) {
	d.once.Do(func() { d.r, d.openErr = os.OpenRoot(d.root) })
	return d.r, d.openErr
}

// ReadFile reads one file below root.
func (d *dirSource) ReadFile(_ context.Context, path string) ([]byte, error) {
	r, err := d.open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d.root, err)
	}
	b, err := r.ReadFile(filepath.FromSlash(path))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

// Size stats one file below root.
func (d *dirSource) Size(_ context.Context, path string) (int64, error) {
	r, err := d.open()
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", d.root, err)
	}
	fi, err := r.Stat(filepath.FromSlash(path))
	if err != nil {
		return 0, fmt.Errorf("stat %s: %w", path, err)
	}
	return fi.Size(), nil
}

// GitTree returns a Source over the tree of commit rev in the git repository
// at repoDir. Files come from one `git ls-tree` call; contents stream from a
// single long-lived `git cat-file --batch` process shared by all callers. The
// returned value also implements io.Closer to stop that process early;
// otherwise it is stopped when the Source becomes unreachable.
func GitTree(repoDir, rev string) Source {
	g := &gitTree{dir: repoDir, rev: rev, cat: &catFile{dir: repoDir}}
	// The cleanup holds only the process, never g, so g can be collected.
	runtime.AddCleanup(g, func(c *catFile) { c.close() }, g.cat)
	return g
}

type gitTree struct {
	dir, rev string

	once    sync.Once
	listErr error
	paths   []string
	blobs   map[string]gitBlob

	cat *catFile
}

// gitBlob is one ls-tree entry: object name and size.
type gitBlob struct {
	oid  string
	size int64
}

var (
	_ Source    = (*gitTree)(nil)
	_ sizer     = (*gitTree)(nil)
	_ io.Closer = (*gitTree)(nil)
)

// list runs ls-tree once; -l adds sizes so big blobs can be skipped unread.
func (g *gitTree) list(ctx context.Context) error {
	g.once.Do(func() {
		cmd := exec.CommandContext(ctx, "git", "-C", g.dir, "ls-tree", "-r", "-z", "-l", "--full-tree", g.rev)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			g.listErr = fmt.Errorf("git ls-tree %s: %w: %s", g.rev, err, strings.TrimSpace(stderr.String()))
			return
		}
		g.blobs = make(map[string]gitBlob)
		for _, rec := range bytes.Split(out, []byte{0}) {
			// "<mode> SP <type> SP <oid> SP+ <size> TAB <path>"
			meta, path, ok := bytes.Cut(rec, []byte{'\t'})
			if !ok {
				continue
			}
			f := strings.Fields(string(meta))
			// Submodules (commit) and symlinks (mode 120000) are not files
			// whose text we can analyse.
			if len(f) != 4 || f[1] != "blob" || f[0] == "120000" {
				continue
			}
			size, _ := strconv.ParseInt(f[3], 10, 64)
			p := string(path)
			g.blobs[p] = gitBlob{oid: f[2], size: size}
			g.paths = append(g.paths, p)
		}
		sort.Strings(g.paths)
	})
	return g.listErr
}

// Files lists the blobs of the tree, sorted.
func (g *gitTree) Files(ctx context.Context) ([]string, error) {
	if err := g.list(ctx); err != nil {
		return nil, err
	}
	return append([]string(nil), g.paths...), nil
}

// ReadFile reads one blob through the shared cat-file process.
func (g *gitTree) ReadFile(ctx context.Context, path string) ([]byte, error) {
	if err := g.list(ctx); err != nil {
		return nil, err
	}
	b, ok := g.blobs[path]
	if !ok {
		return nil, fmt.Errorf("read %s at %s: %w", path, g.rev, fs.ErrNotExist)
	}
	data, err := g.cat.read(ctx, b.oid)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, g.rev, err)
	}
	return data, nil
}

// Size returns a blob's size from the listing.
func (g *gitTree) Size(ctx context.Context, path string) (int64, error) {
	if err := g.list(ctx); err != nil {
		return 0, err
	}
	b, ok := g.blobs[path]
	if !ok {
		return 0, fmt.Errorf("stat %s at %s: %w", path, g.rev, fs.ErrNotExist)
	}
	return b.size, nil
}

// Close stops the cat-file process; a later ReadFile starts a new one.
func (g *gitTree) Close() error {
	g.cat.close()
	return nil
}

// catFile is one `git cat-file --batch` process. The protocol is strictly
// request/response, so callers take turns under mu.
type catFile struct {
	dir string

	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func (c *catFile) start() error {
	// Not CommandContext: the process outlives any one request's context.
	cmd := exec.Command("git", "-C", c.dir, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start git cat-file: %w", err)
	}
	c.cmd, c.in, c.out = cmd, in, bufio.NewReaderSize(out, 1<<16)
	return nil
}

func (c *catFile) read(ctx context.Context, oid string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		if err := c.start(); err != nil {
			return nil, err
		}
	}
	data, err := c.request(oid)
	if err != nil {
		// The stream is in an unknown state; the next call starts afresh.
		c.stopLocked()
		return nil, err
	}
	return data, nil
}

// request sends one object name and reads "<oid> <type> <size>\n<data>\n".
func (c *catFile) request(oid string) ([]byte, error) {
	if _, err := io.WriteString(c.in, oid+"\n"); err != nil {
		return nil, fmt.Errorf("git cat-file write: %w", err)
	}
	header, err := c.out.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("git cat-file read header: %w", err)
	}
	f := strings.Fields(header)
	if len(f) == 2 && f[1] == "missing" {
		return nil, fmt.Errorf("object %s: %w", oid, fs.ErrNotExist)
	}
	if len(f) != 3 {
		return nil, fmt.Errorf("git cat-file: unexpected header %q", header)
	}
	size, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, fmt.Errorf("git cat-file: bad size in %q: %w", header, err)
	}
	data := make([]byte, size+1) // +1 for the trailing newline
	if _, err := io.ReadFull(c.out, data); err != nil {
		return nil, fmt.Errorf("git cat-file read body: %w", err)
	}
	return data[:size], nil
}

func (c *catFile) stopLocked() {
	if c.cmd == nil {
		return
	}
	// Killing rather than waiting for EOF on stdin: after a failed read the
	// process may be blocked writing a body nobody will read.
	c.in.Close()
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
	c.cmd, c.in, c.out = nil, nil, nil
}

func (c *catFile) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked()
}

// isNotExist reports whether err means a missing file in any Source.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
