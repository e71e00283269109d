package codebase

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-enry/go-enry/v2"

	"github.com/reviewbot/reviewbot/languages"
)

// maxFileSize is the largest file analysed. Bigger files are nearly always
// generated (serializers, bundles, fixtures) and cost more than they tell.
const maxFileSize = 1 << 20

// parsedFile is one file read and run through its language's extractor.
type parsedFile struct {
	path string
	lang string
	src  []byte
	syms *languages.FileSymbols // nil when the language has no extractor
	// lineStarts[i] is the byte offset where line i+1 begins; built lazily.
	lineOnce   sync.Once
	lineStarts []int
}

// lines returns the text of lines from..to (1-based, inclusive, clamped),
// joined by "\n": a CRLF file's CRs are dropped, as the diff parser drops
// them, so context never shows the model a stray \r.
func (f *parsedFile) lines(from, to int) string {
	f.lineOnce.Do(func() {
		f.lineStarts = []int{0}
		for i, c := range f.src {
			// A newline ending the file starts no further line.
			if c == '\n' && i+1 < len(f.src) {
				f.lineStarts = append(f.lineStarts, i+1)
			}
		}
	})
	n := len(f.lineStarts)
	from, to = max(from, 1), min(to, n)
	if from > to || len(f.src) == 0 {
		return ""
	}
	end := len(f.src)
	if to < n {
		end = f.lineStarts[to] - 1 // drop the newline ending line `to`
	} else if f.src[end-1] == '\n' {
		end--
	}
	text := string(f.src[f.lineStarts[from-1]:end])
	return strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\r")
}

// lineCount is the number of lines as an editor shows them: a final
// newline ends the last line rather than starting an empty one.
func (f *parsedFile) lineCount() int {
	if len(f.src) == 0 {
		return 0
	}
	f.lines(1, 1)
	return len(f.lineStarts)
}

// fileEntry caches the outcome of loading one file of a snapshot.
type fileEntry struct {
	pf  *parsedFile
	err error
}

// snapshot wraps a Source for one analysis: the file list, indexes over it,
// and a cache of parsed files so that no file is read or parsed twice.
type snapshot struct {
	src     Source
	files   []string
	has     map[string]bool
	byDir   map[string][]string
	byBase  map[string][]string // base name → paths
	modules []goModule

	mu       sync.Mutex
	cache    map[string]*fileEntry
	pkgNames map[string]string // Go directory → package name
	// reexported memoizes snapshot.reexports: module + "\x00" + key.
	reexported map[string]bool

	// jsOnce reads the JavaScript package manifests once (jsPkgs);
	// jsSelf holds package names inferred to stand for the repository.
	jsOnce sync.Once
	jsPkgs *jsPackages
	jsSelf map[string]jsPackage

	modOnce sync.Once
	modIdx  moduleIndex

	stats *counters
}

// counters are the shared, concurrently updated parts of Stats and Notes.
type counters struct {
	scanned, parsed atomic.Int64

	mu          sync.Mutex
	bigFiles    []string
	binaryFiles []string
	unsupported map[string]int // language → files
	readErrors  []string
}

func (c *counters) skip(list *[]string, p string) {
	c.mu.Lock()
	*list = append(*list, p)
	c.mu.Unlock()
}

// goModule maps one go.mod to the directory holding it.
type goModule struct {
	dir  string // "" at the root
	path string // module path
}

// errSkipped marks a file deliberately left out (too big, binary); the
// reason is recorded in counters, not returned to the user as a failure.
var errSkipped = errors.New("skipped")

func newSnapshot(ctx context.Context, src Source, stats *counters) (*snapshot, error) {
	files, err := src.Files(ctx)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	s := &snapshot{
		src: src, files: files,
		has:        make(map[string]bool, len(files)),
		byDir:      make(map[string][]string),
		byBase:     make(map[string][]string),
		cache:      make(map[string]*fileEntry),
		pkgNames:   make(map[string]string),
		reexported: make(map[string]bool),
		stats:      stats,
	}
	for _, f := range files {
		s.has[f] = true
		d, b := path.Split(f)
		d = strings.TrimSuffix(d, "/")
		s.byDir[d] = append(s.byDir[d], f)
		s.byBase[b] = append(s.byBase[b], f)
	}
	for _, f := range s.byBase["go.mod"] {
		if ignoredDir(f) {
			continue
		}
		data, err := src.ReadFile(ctx, f)
		if err != nil {
			continue // a module we cannot read resolves nothing; not fatal
		}
		if mp := modulePath(data); mp != "" {
			s.modules = append(s.modules, goModule{dir: dirOf(f), path: mp})
		}
	}
	// Longest module path first, so nested modules win over their parent.
	sort.Slice(s.modules, func(i, j int) bool { return len(s.modules[i].path) > len(s.modules[j].path) })
	return s, nil
}

// modulePath reads the module directive of a go.mod file.
func modulePath(gomod []byte) string {
	for _, line := range bytes.Split(gomod, []byte{'\n'}) {
		line = bytes.TrimSpace(line)
		rest, ok := bytes.CutPrefix(line, []byte("module"))
		if !ok || len(rest) == 0 || (rest[0] != ' ' && rest[0] != '\t' && rest[0] != '"') {
			continue
		}
		mp := string(bytes.TrimSpace(rest))
		if i := strings.Index(mp, "//"); i >= 0 {
			mp = strings.TrimSpace(mp[:i])
		}
		if u, err := strconv.Unquote(mp); err == nil {
			mp = u
		}
		return mp
	}
	return ""
}

// dirOf is path.Dir with "" for the root instead of ".".
func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}

// ignoredDir reports paths whose code is not part of the build: vendored
// third-party copies and Go testdata.
func ignoredDir(p string) bool {
	return strings.HasPrefix(p, "testdata/") || strings.Contains(p, "/testdata/") || enry.IsVendor(p)
}

// goImportDir maps a Go import path to a directory of the snapshot, using
// the go.mod files found; without one, an import path ending in an existing
// directory's path is taken to name it (GOPATH-style layouts).
func (s *snapshot) goImportDir(imp string) (string, bool) {
	for _, m := range s.modules {
		if imp == m.path {
			return m.dir, true
		}
		if strings.HasPrefix(imp, m.path+"/") {
			return path.Join(m.dir, imp[len(m.path)+1:]), true
		}
	}
	if len(s.modules) > 0 {
		return "", false
	}
	for cand := imp; cand != ""; {
		if _, ok := s.byDir[cand]; ok {
			return cand, true
		}
		i := strings.IndexByte(cand, '/')
		if i < 0 {
			break
		}
		cand = cand[i+1:]
	}
	return "", false
}

// get returns the cached parse of p, loading it on first use. A file over
// maxFileSize or binary yields errSkipped (and is recorded once).
func (s *snapshot) get(ctx context.Context, p string) (*parsedFile, error) {
	if pf, err, ok := s.lookup(p); ok {
		return pf, err
	}
	data, err := s.read(ctx, p)
	if err != nil {
		return nil, s.store(p, nil, err).err
	}
	e := s.store(p, s.parse(p, data), nil)
	return e.pf, e.err
}

// lookup returns a cached result, if any.
func (s *snapshot) lookup(p string) (*parsedFile, error, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.cache[p]; ok {
		return e.pf, e.err, true
	}
	return nil, nil, false
}

// store caches a result unless another goroutine got there first, in which
// case the earlier result wins so that every caller sees the same value.
// Two goroutines may parse the same file at once; that costs time, never
// correctness, and is rare because each path is scanned by one worker.
func (s *snapshot) store(p string, pf *parsedFile, err error) *fileEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.cache[p]; ok {
		return e
	}
	e := &fileEntry{pf: pf, err: err}
	s.cache[p] = e
	return e
}

// read fetches a file, refusing oversized and binary ones.
func (s *snapshot) read(ctx context.Context, p string) ([]byte, error) {
	if sz, ok := s.src.(sizer); ok {
		if n, err := sz.Size(ctx, p); err == nil && n > maxFileSize {
			s.stats.skip(&s.stats.bigFiles, p)
			return nil, errSkipped
		}
	}
	data, err := s.src.ReadFile(ctx, p)
	if err != nil {
		return nil, err
	}
	s.stats.scanned.Add(1)
	if len(data) > maxFileSize {
		s.stats.skip(&s.stats.bigFiles, p)
		return nil, errSkipped
	}
	if enry.IsBinary(data) {
		s.stats.skip(&s.stats.binaryFiles, p)
		return nil, errSkipped
	}
	return data, nil
}

// reparse parses a cached file again as another language and caches that.
func (s *snapshot) reparse(pf *parsedFile, lang string) *parsedFile {
	np := s.parseAs(pf.path, pf.src, lang)
	s.mu.Lock()
	s.cache[pf.path] = &fileEntry{pf: np}
	s.mu.Unlock()
	return np
}

// parse runs the extractor. Languages without one still get a parsedFile so
// that line windows can be cut from them.
func (s *snapshot) parse(p string, data []byte) *parsedFile {
	return s.parseAs(p, data, detectLanguage(p, data))
}

func (s *snapshot) parseAs(p string, data []byte, lang string) *parsedFile {
	pf := &parsedFile{path: p, src: data, lang: lang}
	if pf.lang == "" {
		return pf
	}
	syms, err := languages.Extract(pf.lang, p, data)
	if err != nil {
		if errors.Is(err, languages.ErrUnsupported) {
			s.stats.mu.Lock()
			if s.stats.unsupported == nil {
				s.stats.unsupported = map[string]int{}
			}
			s.stats.unsupported[pf.lang]++
			s.stats.mu.Unlock()
		}
		return pf
	}
	s.stats.parsed.Add(1)
	pf.syms = syms
	return pf
}

// goFilesIn lists the .go files of the given directories, sorted.
func (s *snapshot) goFilesIn(dirs map[string]bool) []string {
	var paths []string
	for d := range dirs {
		for _, p := range s.byDir[d] {
			if strings.HasSuffix(p, ".go") {
				paths = append(paths, p)
			}
		}
	}
	sort.Strings(paths)
	return paths
}

// scan returns the parsed files among paths whose text contains one of
// words as a whole identifier, the way `git grep -w` would find them. Only
// those files are parsed; the rest are read once and dropped. Work is spread
// over runtime.NumCPU() goroutines.
func (s *snapshot) scan(ctx context.Context, paths []string, words map[string]bool) ([]*parsedFile, error) {
	if len(words) == 0 || len(paths) == 0 {
		return nil, nil
	}
	minLen, maxLen := 1<<30, 0
	for w := range words {
		minLen, maxLen = min(minLen, len(w)), max(maxLen, len(w))
	}
	hits := make([]*parsedFile, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(paths) || ctx.Err() != nil {
					return
				}
				hits[i] = s.scanOne(ctx, paths[i], words, minLen, maxLen)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := hits[:0]
	for _, h := range hits {
		if h != nil {
			out = append(out, h)
		}
	}
	return out, nil
}

func (s *snapshot) scanOne(ctx context.Context, p string, words map[string]bool, minLen, maxLen int) *parsedFile {
	if pf, err, ok := s.lookup(p); ok {
		if err == nil && containsWord(pf.src, words, minLen, maxLen) {
			return pf
		}
		return nil
	}
	data, err := s.read(ctx, p)
	if err != nil {
		if !errors.Is(err, errSkipped) && !isNotExist(err) {
			s.stats.skip(&s.stats.readErrors, p)
		}
		s.store(p, nil, err)
		return nil
	}
	if !containsWord(data, words, minLen, maxLen) {
		// Not cached: keeping every scanned file in memory would cost more
		// than the rare second read.
		return nil
	}
	return s.store(p, s.parse(p, data), nil).pf
}

// containsWord scans src for identifier-shaped runs ([A-Za-z0-9_$] and any
// non-ASCII byte) and reports whether one of them is in words. One pass with
// a map lookup per identifier costs the same for 1 name or 500.
func containsWord(src []byte, words map[string]bool, minLen, maxLen int) bool {
	i, n := 0, len(src)
	for i < n {
		if !identByte[src[i]] {
			i++
			continue
		}
		j := i + 1
		for j < n && identByte[src[j]] {
			j++
		}
		if l := j - i; l >= minLen && l <= maxLen && words[string(src[i:j])] {
			return true
		}
		i = j
	}
	return false
}

// identByte marks bytes that can be part of an identifier in the languages
// we read. Non-ASCII bytes count so that a UTF-8 identifier stays one run.
var identByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
	}
	return t
}()

// moduleIndex finds files by the module key imports use: exactly (relative
// imports) or by any trailing run of path elements (package paths, aliases).
type moduleIndex struct {
	exact, suffix map[string][]string
}

// moduleIdx builds the module index on first use.
func (s *snapshot) moduleIdx() *moduleIndex {
	s.modOnce.Do(func() {
		s.modIdx = moduleIndex{exact: map[string][]string{}, suffix: map[string][]string{}}
		for _, p := range s.files {
			k := moduleKey(p)
			s.modIdx.exact[k] = append(s.modIdx.exact[k], p)
			for i := 0; ; {
				s.modIdx.suffix[k[i:]] = append(s.modIdx.suffix[k[i:]], p)
				j := strings.IndexByte(k[i:], '/')
				if j < 0 {
					break
				}
				i += j + 1
			}
		}
	})
	return &s.modIdx
}
