package review

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	godiff "github.com/sourcegraph/go-diff/diff"
)

// FileStatus is how a file changed.
type FileStatus string

// File statuses. A binary or mode-only change keeps the status of what
// happened to the path (added, modified, ...) and sets FileDiff.Binary or
// FileDiff.ModeChanged; StatusModeChanged is used when nothing but the mode
// changed.
const (
	StatusAdded       FileStatus = "added"
	StatusDeleted     FileStatus = "deleted"
	StatusModified    FileStatus = "modified"
	StatusRenamed     FileStatus = "renamed"
	StatusCopied      FileStatus = "copied"
	StatusModeChanged FileStatus = "mode-changed"
)

// LineKind says whether a diff line was kept, added or deleted.
type LineKind byte

// Line kinds, as the unified diff prefix character.
const (
	LineContext LineKind = ' '
	LineAdded   LineKind = '+'
	LineDeleted LineKind = '-'
)

// Line is one line of a hunk. OldLine is 0 for added lines, NewLine is 0 for
// deleted lines.
type Line struct {
	Kind    LineKind
	OldLine int
	NewLine int
	Text    string // without the prefix, the newline and a trailing CR
	// NoNewline marks the last line of a file that has no final newline.
	NoNewline bool
	// CR marks a line that ended in CRLF in the file.
	CR bool
}

// Hunk is one @@ block. OldStart..OldStart+OldLines-1 and
// NewStart..NewStart+NewLines-1 are the line ranges it covers; every line in
// those ranges appears in Lines, which is what makes anchoring arithmetic.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	Section            string
	Lines              []Line
}

// Covers reports whether line lies in the hunk on the given side.
func (h *Hunk) Covers(side Side, line int) bool {
	start, n := h.NewStart, h.NewLines
	if side == SideLeft {
		start, n = h.OldStart, h.OldLines
	}
	return n > 0 && line >= start && line < start+n
}

// FileDiff is one file of a diff.
type FileDiff struct {
	OldPath     string // "" when added
	NewPath     string // "" when deleted
	Status      FileStatus
	Binary      bool
	ModeChanged bool
	OldMode     string
	NewMode     string
	Similarity  int // rename/copy similarity index in percent, when given
	Hunks       []Hunk
	// PatchOmitted marks a file GitHub listed without a patch (too large or
	// binary): it is in the diff, but no line can be anchored.
	PatchOmitted bool
	Additions    int
	Deletions    int
}

// Path is the name GitHub uses for the file: the new path, or the old one
// for a deleted file.
func (f *FileDiff) Path() string {
	if f.NewPath != "" {
		return f.NewPath
	}
	return f.OldPath
}

// Diff is a parsed multi-file diff with a path index.
type Diff struct {
	Files []*FileDiff
	// Unparsed lists file sections the parser could not read; they are
	// reported, never silently dropped.
	Unparsed []Unparsed
	byPath   map[string]*FileDiff
}

// Unparsed is a file section of a diff that could not be parsed.
type Unparsed struct {
	Path string // best guess from the "diff --git" line, may be ""
	Err  error
}

// File returns the file with the given path (new path, or old path of a
// deleted or renamed file), or nil.
func (d *Diff) File(path string) *FileDiff {
	if d == nil {
		return nil
	}
	return d.byPath[path]
}

func (d *Diff) index() {
	d.byPath = make(map[string]*FileDiff, len(d.Files))
	for _, f := range d.Files {
		// Old paths first so that a new file reusing a deleted or renamed
		// file's path wins the lookup.
		if f.OldPath != "" {
			if _, taken := d.byPath[f.OldPath]; !taken {
				d.byPath[f.OldPath] = f
			}
		}
	}
	for _, f := range d.Files {
		if f.NewPath != "" {
			d.byPath[f.NewPath] = f
		}
	}
}

// ParseGitDiff parses the output of `git diff` or GitHub's
// application/vnd.github.diff media type. A file section that cannot be
// parsed is recorded in Diff.Unparsed and the rest is still returned; the
// error is non-nil only when nothing could be read.
func ParseGitDiff(data []byte) (*Diff, error) {
	d := &Diff{}
	for _, sec := range splitSections(data) {
		fds, err := godiff.NewMultiFileDiffReaderOptions(bytes.NewReader(sec), godiff.ParseOptions{KeepCR: true}).ReadAllFiles()
		if err != nil {
			d.Unparsed = append(d.Unparsed, Unparsed{Path: guessPath(sec), Err: fmt.Errorf("parse diff: %w", err)})
			continue
		}
		if len(fds) == 0 {
			// go-diff only recognises header-only sections in the exact
			// shapes git writes with an index line; take the others
			// (e.g. "Binary files ... differ" without index) from the
			// "diff --git" line.
			if fd := headerOnly(sec); fd != nil {
				fds = append(fds, fd)
			}
		}
		for _, fd := range fds {
			f, err := convertFile(fd)
			if err != nil {
				d.Unparsed = append(d.Unparsed, Unparsed{Path: guessPath(sec), Err: err})
				continue
			}
			d.Files = append(d.Files, f)
		}
	}
	d.index()
	switch {
	case len(d.Files) == 0 && len(d.Unparsed) > 0:
		return d, fmt.Errorf("no file of the diff could be parsed: %w", d.Unparsed[0].Err)
	case len(d.Files) == 0 && len(bytes.TrimSpace(data)) > 0:
		return d, errors.New("no file header (\"diff --git\" or \"---\"/\"+++\") found: this is not a unified diff, or only hunks without headers")
	}
	return d, nil
}

// splitSections cuts a git diff at its "diff --git " lines so that one
// malformed file section cannot take the others down with it. A diff
// without such lines (plain unified diff) is one section.
func splitSections(data []byte) [][]byte {
	var secs [][]byte
	start := 0
	for i := 0; i < len(data); {
		nl := bytes.IndexByte(data[i:], '\n')
		end := len(data)
		if nl >= 0 {
			end = i + nl + 1
		}
		if i > start && bytes.HasPrefix(data[i:], []byte("diff --git ")) {
			secs = append(secs, data[start:i])
			start = i
		}
		i = end
	}
	if start < len(data) {
		secs = append(secs, data[start:])
	}
	return secs
}

// headerOnly builds a go-diff FileDiff for a "diff --git" section that has
// extended headers but no hunks and no ---/+++ lines.
func headerOnly(sec []byte) *godiff.FileDiff {
	if !bytes.HasPrefix(sec, []byte("diff --git ")) || bytes.Contains(sec, []byte("\n@@ ")) || bytes.Contains(sec, []byte("\n--- ")) {
		return nil
	}
	lines := strings.Split(strings.TrimRight(string(sec), "\n"), "\n")
	p := guessPath(sec)
	if p == "" {
		return nil
	}
	return &godiff.FileDiff{OrigName: "a/" + p, NewName: "b/" + p, Extended: lines}
}

// guessPath takes the b/ path of a section's "diff --git" line, for error
// reports only.
func guessPath(sec []byte) string {
	line, _, _ := bytes.Cut(sec, []byte("\n"))
	s := strings.TrimSuffix(string(line), "\r")
	if !strings.HasPrefix(s, "diff --git ") {
		return ""
	}
	s = strings.TrimPrefix(s, "diff --git ")
	if i := strings.LastIndex(s, " b/"); i >= 0 {
		return s[i+3:]
	}
	return ""
}

// PatchFile is one entry of GitHub's pulls/list-files response: a file with
// its patch text, which has hunks but no headers.
type PatchFile struct {
	Filename         string
	PreviousFilename string
	Status           string // added, removed, modified, renamed, copied, changed, unchanged
	Patch            string // "" when GitHub omitted it
	Additions        int
	Deletions        int
}

// ParsePatches builds a Diff from pulls/list-files entries. A file whose
// patch GitHub omitted is kept with PatchOmitted set.
func ParsePatches(files []PatchFile) (*Diff, error) {
	d := &Diff{}
	for _, pf := range files {
		f := &FileDiff{NewPath: pf.Filename, OldPath: pf.Filename, Additions: pf.Additions, Deletions: pf.Deletions}
		switch pf.Status {
		case "added":
			f.Status, f.OldPath = StatusAdded, ""
		case "removed":
			f.Status, f.NewPath = StatusDeleted, ""
		case "renamed":
			f.Status, f.OldPath = StatusRenamed, pf.PreviousFilename
		case "copied":
			f.Status, f.OldPath = StatusCopied, pf.PreviousFilename
		case "changed":
			// GitHub's "changed" is a mode or type change without content
			// change, or both.
			f.Status, f.ModeChanged = StatusModeChanged, true
		default:
			f.Status = StatusModified
		}
		if pf.Patch == "" {
			f.PatchOmitted = pf.Additions+pf.Deletions > 0
			d.Files = append(d.Files, f)
			continue
		}
		hunks, err := godiff.ParseHunksOptions([]byte(pf.Patch), godiff.ParseOptions{KeepCR: true})
		if err != nil {
			d.Unparsed = append(d.Unparsed, Unparsed{Path: pf.Filename, Err: fmt.Errorf("parse patch of %s: %w", pf.Filename, err)})
			continue
		}
		if f.Hunks, err = convertHunks(hunks); err != nil {
			d.Unparsed = append(d.Unparsed, Unparsed{Path: pf.Filename, Err: fmt.Errorf("patch of %s: %w", pf.Filename, err)})
			continue
		}
		f.Additions, f.Deletions = countChanges(f.Hunks)
		d.Files = append(d.Files, f)
	}
	d.index()
	return d, nil
}

func convertFile(fd *godiff.FileDiff) (*FileDiff, error) {
	f := &FileDiff{Status: StatusModified}
	var renameFrom, renameTo, copyFrom, copyTo string
	isNew, isDeleted := false, false
	for _, ext := range fd.Extended {
		ext = strings.TrimSuffix(ext, "\r")
		switch {
		case strings.HasPrefix(ext, "new file mode "):
			isNew, f.NewMode = true, strings.TrimPrefix(ext, "new file mode ")
		case strings.HasPrefix(ext, "deleted file mode "):
			isDeleted, f.OldMode = true, strings.TrimPrefix(ext, "deleted file mode ")
		case strings.HasPrefix(ext, "old mode "):
			f.OldMode, f.ModeChanged = strings.TrimPrefix(ext, "old mode "), true
		case strings.HasPrefix(ext, "new mode "):
			f.NewMode, f.ModeChanged = strings.TrimPrefix(ext, "new mode "), true
		case strings.HasPrefix(ext, "rename from "):
			renameFrom = unquotePath(strings.TrimPrefix(ext, "rename from "))
		case strings.HasPrefix(ext, "rename to "):
			renameTo = unquotePath(strings.TrimPrefix(ext, "rename to "))
		case strings.HasPrefix(ext, "copy from "):
			copyFrom = unquotePath(strings.TrimPrefix(ext, "copy from "))
		case strings.HasPrefix(ext, "copy to "):
			copyTo = unquotePath(strings.TrimPrefix(ext, "copy to "))
		case strings.HasPrefix(ext, "similarity index "):
			f.Similarity, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(ext, "similarity index "), "%"))
		case strings.HasPrefix(ext, "Binary files ") || ext == "GIT binary patch":
			f.Binary = true
		case strings.HasPrefix(ext, "index ") && f.NewMode == "":
			// "index abc..def 100644" carries the unchanged mode.
			if fields := strings.Fields(ext); len(fields) == 3 {
				f.OldMode, f.NewMode = fields[2], fields[2]
			}
		}
	}
	oldName := strings.TrimSuffix(fd.OrigName, "\r")
	newName := strings.TrimSuffix(fd.NewName, "\r")
	f.OldPath = stripPrefix(unquotePath(oldName), "a/")
	f.NewPath = stripPrefix(unquotePath(newName), "b/")
	if oldName == "/dev/null" || isNew {
		f.OldPath, f.Status = "", StatusAdded
	}
	if newName == "/dev/null" || isDeleted {
		f.NewPath, f.Status = "", StatusDeleted
	}
	switch {
	case renameFrom != "" || renameTo != "":
		f.Status = StatusRenamed
		f.OldPath, f.NewPath = orDefault(renameFrom, f.OldPath), orDefault(renameTo, f.NewPath)
	case copyFrom != "" || copyTo != "":
		f.Status = StatusCopied
		f.OldPath, f.NewPath = orDefault(copyFrom, f.OldPath), orDefault(copyTo, f.NewPath)
	}
	if f.OldPath == "" && f.NewPath == "" {
		return nil, errors.New("file section names no path")
	}
	if newName == "" && f.Status != StatusDeleted {
		// diff -r's "Only in dir: name" lines say a file exists on one
		// side without saying which; git diff never writes them.
		return nil, fmt.Errorf("%s: no \"+++\" header (an \"Only in\" line of diff -r?); produce the diff with git diff", f.OldPath)
	}
	var err error
	if f.Hunks, err = convertHunks(fd.Hunks); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path(), err)
	}
	if f.Status == StatusModified && f.ModeChanged && len(f.Hunks) == 0 && !f.Binary {
		f.Status = StatusModeChanged
	}
	f.Additions, f.Deletions = countChanges(f.Hunks)
	return f, nil
}

func convertHunks(hs []*godiff.Hunk) ([]Hunk, error) {
	out := make([]Hunk, 0, len(hs))
	for i, h := range hs {
		hk, err := convertHunk(h)
		if err != nil {
			return nil, fmt.Errorf("hunk %d (@@ -%d,%d +%d,%d @@): %w", i+1, h.OrigStartLine, h.OrigLines, h.NewStartLine, h.NewLines, err)
		}
		if i > 0 {
			prev := out[len(out)-1]
			if hk.NewStart < prev.NewStart+prev.NewLines || hk.OldStart < prev.OldStart+prev.OldLines {
				return nil, errors.New("hunks overlap or are out of order")
			}
		}
		out = append(out, hk)
	}
	return out, nil
}

// convertHunk numbers every line of a go-diff hunk body and checks the
// counts against the header: a mismatch means a truncated or hand-edited
// patch, and anchoring on it would post comments on the wrong lines.
func convertHunk(h *godiff.Hunk) (Hunk, error) {
	hk := Hunk{
		OldStart: int(h.OrigStartLine), OldLines: int(h.OrigLines),
		NewStart: int(h.NewStartLine), NewLines: int(h.NewLines),
		Section: strings.TrimSuffix(h.Section, "\r"),
	}
	if (hk.OldLines > 0 && hk.OldStart < 1) || (hk.NewLines > 0 && hk.NewStart < 1) || hk.OldStart < 0 || hk.NewStart < 0 || hk.OldLines < 0 || hk.NewLines < 0 {
		return hk, errors.New("hunk header names a line before line 1")
	}
	// "@@ -0,0 +1 @@" style headers: a zero count means the range starts
	// before line 1, so the first line is start+1.
	oldNo, newNo := hk.OldStart, hk.NewStart
	if hk.OldLines == 0 {
		oldNo++
	}
	if hk.NewLines == 0 {
		newNo++
	}
	body := h.Body
	// go-diff removes the final newline when the new side had "\ No
	// newline at end of file", and records OrigNoNewlineAt for the old side.
	newNoNL := len(body) > 0 && body[len(body)-1] != '\n'
	if !newNoNL {
		body = body[:max(len(body)-1, 0)]
	}
	oldNoNLAt := -1
	if h.OrigNoNewlineAt > 0 {
		oldNoNLAt = int(h.OrigNoNewlineAt)
	}
	nOld, nNew := 0, 0
	offset := 0
	var rawLines [][]byte
	if len(h.Body) > 0 {
		rawLines = bytes.Split(body, []byte("\n"))
	}
	// Sized from the body, never from the header's counts, which a hostile
	// diff could set to billions.
	hk.Lines = make([]Line, 0, len(rawLines))
	for _, raw := range rawLines {
		offset += len(raw) + 1
		l := Line{Kind: LineContext}
		if len(raw) > 0 {
			switch raw[0] {
			case '+', '-', ' ':
				l.Kind = LineKind(raw[0])
				raw = raw[1:]
			default:
				return hk, fmt.Errorf("line %q does not start with '+', '-' or ' '", truncate(string(raw), 40))
			}
		}
		// An empty body line is a context line whose space was stripped
		// (mail clients and some editors do that).
		if n := len(raw); n > 0 && raw[n-1] == '\r' {
			raw, l.CR = raw[:n-1], true
		}
		l.Text = string(raw)
		switch l.Kind {
		case LineAdded:
			l.NewLine = newNo
			newNo++
			nNew++
		case LineDeleted:
			l.OldLine = oldNo
			oldNo++
			nOld++
		default:
			l.OldLine, l.NewLine = oldNo, newNo
			oldNo++
			newNo++
			nOld++
			nNew++
		}
		if oldNoNLAt >= 0 && offset == oldNoNLAt && l.Kind != LineAdded {
			l.NoNewline = true
		}
		hk.Lines = append(hk.Lines, l)
	}
	if newNoNL && len(hk.Lines) > 0 {
		for i := len(hk.Lines) - 1; i >= 0; i-- {
			if hk.Lines[i].Kind != LineDeleted {
				hk.Lines[i].NoNewline = true
				break
			}
		}
	}
	if nOld != hk.OldLines || nNew != hk.NewLines {
		return hk, fmt.Errorf("header promises %d old and %d new lines but the body has %d and %d (truncated patch?)", hk.OldLines, hk.NewLines, nOld, nNew)
	}
	// Normalise the empty-range start so Covers never matches it.
	if hk.NewLines == 0 {
		hk.NewStart = newNo - 1
	}
	return hk, nil
}

func countChanges(hs []Hunk) (add, del int) {
	for _, h := range hs {
		for _, l := range h.Lines {
			switch l.Kind {
			case LineAdded:
				add++
			case LineDeleted:
				del++
			}
		}
	}
	return add, del
}

// unquotePath undoes git's C-style quoting of paths with special or
// non-ASCII characters ("a/\303\244.txt").
func unquotePath(p string) string {
	if len(p) >= 2 && p[0] == '"' && p[len(p)-1] == '"' {
		if u, err := strconv.Unquote(p); err == nil {
			return u
		}
	}
	return p
}

func stripPrefix(p, prefix string) string {
	if p == "/dev/null" {
		return ""
	}
	return strings.TrimPrefix(p, prefix)
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
