package ghtest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// This file is the fake's own reading of a unified git diff. It is
// deliberately independent of the product's parser in review/: the fake is
// the judge of whether an anchor is inside the diff, so a bug shared by both
// parsers would hide itself.

// fileDiff is one file of a git diff as GitHub's pull-request APIs see it.
type fileDiff struct {
	OldPath, NewPath string // "" stands for /dev/null
	Status           string // added, removed, modified, renamed, copied, changed
	Binary           bool
	Hunks            []hunk
	// Patch is what GitHub's "patch" field holds: the hunks from the first
	// "@@" line on, joined by "\n", without a trailing newline.
	Patch                string
	Additions, Deletions int
}

// hunk is one "@@ -a,b +c,d @@" section.
type hunk struct {
	Header                                 string
	OldStart, OldLines, NewStart, NewLines int
	Lines                                  []diffLine
}

// diffLine is one line of a hunk body.
type diffLine struct {
	Kind byte // ' ' context, '+' added, '-' deleted, '\\' "\ No newline at end of file"
	Old  int  // line number in the old file, 0 if the line is not on the LEFT
	New  int  // line number in the new file, 0 if the line is not on the RIGHT
	// Pos is the legacy "position": lines below the file's first "@@" line,
	// counting later "@@" lines too, as
	// https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request
	// describes it.
	Pos  int
	Text string
}

// Path is the name GitHub files the change under: the new name, or the old
// one for a deleted file.
func (f *fileDiff) Path() string {
	if f.NewPath != "" {
		return f.NewPath
	}
	return f.OldPath
}

// lookup finds the hunk and the line of that hunk that carry line number n on
// side ("LEFT" or "RIGHT"). RIGHT lines are added or context lines of the new
// file, LEFT lines deleted or context lines of the old file: the only lines
// GitHub lets a comment sit on.
func (f *fileDiff) lookup(side string, n int) (h, i int, ok bool) {
	if n <= 0 {
		return 0, 0, false
	}
	for hi, hk := range f.Hunks {
		for li, l := range hk.Lines {
			switch {
			case side == "RIGHT" && l.Kind != '-' && l.Kind != '\\' && l.New == n,
				side == "LEFT" && l.Kind != '+' && l.Kind != '\\' && l.Old == n:
				return hi, li, true
			}
		}
	}
	return 0, 0, false
}

// atPos returns the hunk and line at a legacy diff position.
func (f *fileDiff) atPos(pos int) (h, i int, ok bool) {
	for hi, hk := range f.Hunks {
		for li, l := range hk.Lines {
			if l.Pos == pos && l.Kind != '\\' {
				return hi, li, true
			}
		}
	}
	return 0, 0, false
}

// hunkText is GitHub's "diff_hunk" of a review comment: the hunk header and
// its lines down to the commented one.
func (f *fileDiff) hunkText(h, i int) string {
	hk := f.Hunks[h]
	var b strings.Builder
	b.WriteString(hk.Header)
	for _, l := range hk.Lines[:i+1] {
		b.WriteByte('\n')
		b.WriteString(l.Text)
	}
	return b.String()
}

// parsedDiff is a whole diff, file by file in diff order.
type parsedDiff struct {
	Raw   string
	Files []*fileDiff
	Lines int // lines of raw diff text, what GitHub's 20,000-line cap counts
}

// file returns the file filed under path, or nil.
func (d *parsedDiff) file(path string) *fileDiff {
	if d == nil {
		return nil
	}
	for _, f := range d.Files {
		if f.Path() == path {
			return f
		}
	}
	return nil
}

var hunkHeaderRE = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@`)

// parseDiff reads the output of `git diff` (with or without the extended
// "diff --git" headers): new and deleted files, renames and copies, mode
// changes, binary files (both "Binary files ... differ" and "GIT binary
// patch"), quoted paths and "\ No newline at end of file" markers.
func parseDiff(raw string) (*parsedDiff, error) {
	d := &parsedDiff{Raw: raw}
	text := strings.TrimSuffix(raw, "\n")
	if text == "" {
		return d, nil
	}
	lines := strings.Split(text, "\n")
	d.Lines = len(lines)
	var cur *fileDiff
	inBinaryPatch := false
	finish := func() {
		if cur == nil {
			return
		}
		if cur.Status == "" {
			switch {
			case len(cur.Hunks) > 0 || cur.Binary:
				cur.Status = "modified"
			default:
				cur.Status = "changed" // mode change only
			}
		}
		d.Files = append(d.Files, cur)
		cur = nil
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		hl := strings.TrimSuffix(l, "\r") // header lines of a CRLF diff
		switch {
		case strings.HasPrefix(hl, "diff --git "):
			finish()
			inBinaryPatch = false
			cur = &fileDiff{}
			cur.OldPath, cur.NewPath = gitHeaderPaths(strings.TrimPrefix(hl, "diff --git "))
			continue
		case inBinaryPatch:
			continue // base85 data up to the next file
		case strings.HasPrefix(hl, "--- ") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "+++ "):
			if cur == nil || len(cur.Hunks) > 0 {
				// A plain unified diff without "diff --git" lines.
				finish()
				cur = &fileDiff{}
			}
			old := diffPath(strings.TrimPrefix(hl, "--- "), "a/")
			nw := diffPath(strings.TrimSuffix(strings.TrimPrefix(lines[i+1], "+++ "), "\r"), "b/")
			cur.OldPath, cur.NewPath = old, nw
			if old == "" && cur.Status == "" {
				cur.Status = "added"
			}
			if nw == "" && cur.Status == "" {
				cur.Status = "removed"
			}
			i++
			continue
		case strings.HasPrefix(hl, "@@ "):
			if cur == nil {
				return nil, fmt.Errorf("diff line %d: hunk before any file header", i+1)
			}
			n, err := parseHunk(cur, lines, i)
			if err != nil {
				return nil, err
			}
			i = n - 1
			continue
		}
		if cur == nil || len(cur.Hunks) > 0 {
			continue // text outside any file (e.g. a commit message)
		}
		switch {
		case strings.HasPrefix(hl, "new file mode "):
			cur.Status, cur.OldPath = "added", ""
		case strings.HasPrefix(hl, "deleted file mode "):
			cur.Status, cur.NewPath = "removed", ""
		case strings.HasPrefix(hl, "rename from "):
			cur.Status, cur.OldPath = "renamed", unquote(strings.TrimPrefix(hl, "rename from "))
		case strings.HasPrefix(hl, "rename to "):
			cur.NewPath = unquote(strings.TrimPrefix(hl, "rename to "))
		case strings.HasPrefix(hl, "copy from "):
			cur.Status, cur.OldPath = "copied", unquote(strings.TrimPrefix(hl, "copy from "))
		case strings.HasPrefix(hl, "copy to "):
			cur.NewPath = unquote(strings.TrimPrefix(hl, "copy to "))
		case strings.HasPrefix(hl, "Binary files ") && strings.HasSuffix(hl, " differ"):
			cur.Binary = true
		case hl == "GIT binary patch":
			cur.Binary, inBinaryPatch = true, true
		}
	}
	finish()
	for _, f := range d.Files {
		var patch []string
		for _, h := range f.Hunks {
			patch = append(patch, h.Header)
			for _, l := range h.Lines {
				patch = append(patch, l.Text)
			}
		}
		f.Patch = strings.Join(patch, "\n")
	}
	return d, nil
}

// parseHunk reads the hunk whose header is lines[at] into f and returns the
// index of the first line after it. The header's line counts decide where
// the hunk ends, so a deleted line reading "-- x" or an added "++ y" is
// never mistaken for a file header.
func parseHunk(f *fileDiff, lines []string, at int) (int, error) {
	header := strings.TrimSuffix(lines[at], "\r")
	m := hunkHeaderRE.FindStringSubmatch(header)
	if m == nil {
		return 0, fmt.Errorf("diff line %d: malformed hunk header %q", at+1, header)
	}
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	h := hunk{Header: header, OldStart: num(m[1], 0), OldLines: num(m[2], 1), NewStart: num(m[3], 0), NewLines: num(m[4], 1)}
	// Positions run on through the file: the first "@@" is position 0, and
	// every later line, later "@@" lines included, adds one.
	pos := 0
	if n := len(f.Hunks); n > 0 {
		last := f.Hunks[n-1]
		pos = last.Lines[len(last.Lines)-1].Pos + 1
	}
	oldN, newN := h.OldStart, h.NewStart
	if h.OldLines == 0 {
		oldN++ // "-0,0" or "-5,0": no old lines; keep numbering sane anyway
	}
	if h.NewLines == 0 {
		newN++
	}
	oldLeft, newLeft := h.OldLines, h.NewLines
	i := at + 1
	for ; i < len(lines) && (oldLeft > 0 || newLeft > 0 || strings.HasPrefix(lines[i], "\\")); i++ {
		l := lines[i]
		pos++
		kind := byte(' ')
		if l != "" {
			kind = l[0]
		}
		dl := diffLine{Kind: kind, Pos: pos, Text: l}
		switch kind {
		case ' ':
			if oldLeft == 0 || newLeft == 0 {
				return 0, fmt.Errorf("diff line %d: hunk %q has more context than its header counts", i+1, header)
			}
			dl.Old, dl.New = oldN, newN
			oldN, newN, oldLeft, newLeft = oldN+1, newN+1, oldLeft-1, newLeft-1
		case '-':
			if oldLeft == 0 {
				return 0, fmt.Errorf("diff line %d: hunk %q has more deletions than its header counts", i+1, header)
			}
			dl.Old = oldN
			oldN, oldLeft = oldN+1, oldLeft-1
			f.Deletions++
		case '+':
			if newLeft == 0 {
				return 0, fmt.Errorf("diff line %d: hunk %q has more additions than its header counts", i+1, header)
			}
			dl.New = newN
			newN, newLeft = newN+1, newLeft-1
			f.Additions++
		case '\\':
			// "\ No newline at end of file": takes a position, carries no line.
		default:
			return 0, fmt.Errorf("diff line %d: hunk %q ends early (header counts %d old, %d new lines more)", i+1, header, oldLeft, newLeft)
		}
		h.Lines = append(h.Lines, dl)
	}
	if oldLeft > 0 || newLeft > 0 {
		return 0, fmt.Errorf("diff: hunk %q is cut short at the end of the diff", header)
	}
	if len(h.Lines) == 0 {
		return 0, fmt.Errorf("diff line %d: empty hunk %q", at+1, header)
	}
	// A body line right after the counted ones means the header undercounts
	// (a hand-edited diff); "--- "/"+++ " pairs and format-patch's "-- "
	// signature are not body lines.
	if i < len(lines) {
		next := lines[i]
		header := strings.HasPrefix(next, "--- ") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "+++ ")
		if !header && next != "-- " && next != "" && strings.ContainsRune("+- ", rune(next[0])) {
			return 0, fmt.Errorf("diff line %d: hunk %q has more lines than its header counts", i+1, h.Header)
		}
	}
	f.Hunks = append(f.Hunks, h)
	return i, nil
}

// diffPath reads the path of a "---" or "+++" line: "/dev/null" is "", the
// a/ or b/ prefix goes, and so does a tab-separated timestamp.
func diffPath(s, prefix string) string {
	if !strings.HasPrefix(s, `"`) {
		if i := strings.IndexByte(s, '\t'); i >= 0 {
			s = s[:i]
		}
	}
	s = unquote(s)
	if s == "/dev/null" {
		return ""
	}
	return strings.TrimPrefix(s, prefix)
}

// gitHeaderPaths splits the "a/x b/y" of a "diff --git" line. It is only a
// first guess: "---"/"+++" and "rename" lines, which are unambiguous,
// override it.
func gitHeaderPaths(s string) (old, nw string) {
	if strings.HasPrefix(s, `"`) {
		end := closingQuote(s)
		if end < 0 {
			return "", ""
		}
		old = unquote(s[:end+1])
		nw = unquote(strings.TrimSpace(s[end+1:]))
		return strings.TrimPrefix(old, "a/"), strings.TrimPrefix(nw, "b/")
	}
	if strings.HasSuffix(s, `"`) {
		if i := strings.Index(s, ` "`); i >= 0 {
			return strings.TrimPrefix(s[:i], "a/"), strings.TrimPrefix(unquote(s[i+1:]), "b/")
		}
	}
	// Same name on both sides: "a/P b/P" splits in the middle.
	if n := len(s); n%2 == 1 {
		l, r := s[:n/2], s[n/2+1:]
		if strings.HasPrefix(l, "a/") && strings.HasPrefix(r, "b/") && l[2:] == r[2:] {
			return l[2:], r[2:]
		}
	}
	if i := strings.Index(s, " b/"); i >= 0 {
		return strings.TrimPrefix(s[:i], "a/"), s[i+3:]
	}
	return s, s
}

// closingQuote returns the index of the quote that ends the C-style quoted
// string starting at s[0].
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// unquote undoes git's C-style quoting of unusual paths (core.quotePath):
// "\"" "\\" "\t" "\n" and octal bytes such as "\303\266".
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	s = s[1 : len(s)-1]
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'a':
			b = append(b, '\a')
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'v':
			b = append(b, '\v')
		case '0', '1', '2', '3':
			if i+2 < len(s) {
				if v, err := strconv.ParseUint(s[i:i+3], 8, 8); err == nil {
					b = append(b, byte(v))
					i += 2
					continue
				}
			}
			b = append(b, e)
		default:
			b = append(b, e)
		}
	}
	return string(b)
}
