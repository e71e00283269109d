package review

import (
	"fmt"
	"sort"
)

// Side is the side of a diff a comment refers to, as GitHub names it.
type Side string

// GitHub's review comment sides: LEFT is the base (deleted and context lines
// by old number), RIGHT the head (added and context lines by new number).
const (
	SideLeft  Side = "LEFT"
	SideRight Side = "RIGHT"
)

// AnchorKind is where a finding can be shown.
type AnchorKind string

// Anchor kinds, best first (STYLE convention 5).
const (
	AnchorInline  AnchorKind = "inline"  // a review comment on the lines
	AnchorFile    AnchorKind = "file"    // a file-level comment (subject_type=file)
	AnchorSummary AnchorKind = "summary" // only an entry in the summary comment
)

// Anchor is the verdict for one finding's location. For AnchorInline,
// StartLine..Line on Side are guaranteed to lie in one hunk of the file, which
// is exactly what GitHub's create-review endpoint checks before answering 422
// "line must be part of the diff" for the whole review.
type Anchor struct {
	Kind      AnchorKind
	Path      string
	StartLine int // equals Line for a single-line comment
	Line      int
	Side      Side
	// Suggestion reports whether a ```suggestion block may be attached:
	// GitHub applies it to the commented RIGHT lines, so it must be an inline
	// RIGHT range.
	Suggestion bool
	// Reason explains a downgrade from inline, for the summary.
	Reason string
}

// Anchor decides where a finding on path, lines start..end of side can be
// shown. start 0 means a single line. It never returns AnchorInline for a
// range that is not entirely inside one hunk on that side.
func (d *Diff) Anchor(path string, start, end int, side Side) Anchor {
	if side == "" {
		side = SideRight
	}
	if start == 0 {
		start = end
	}
	a := Anchor{Kind: AnchorSummary, Path: path, StartLine: start, Line: end, Side: side}
	f := d.File(path)
	if f == nil {
		a.Reason = fmt.Sprintf("%s is not part of this diff", path)
		return a
	}
	// GitHub addresses every comment by the file's current name.
	a.Path = f.Path()
	a.Kind = AnchorFile
	switch {
	case side != SideLeft && side != SideRight:
		a.Reason = fmt.Sprintf("unknown side %q", side)
	case end < 1 || start < 1 || start > end:
		a.Reason = fmt.Sprintf("invalid line range %d-%d", start, end)
	case f.Binary:
		a.Reason = "binary file: no lines to comment on"
	case f.PatchOmitted:
		a.Reason = "GitHub omitted this file's patch (too large), so no line can be commented on"
	case side == SideRight && f.NewPath == "":
		a.Reason = "the file is deleted: it has no RIGHT-side lines"
	case side == SideLeft && f.OldPath == "":
		a.Reason = "the file is new: it has no LEFT-side lines"
	default:
		h := f.hunkAt(side, end)
		switch {
		case h == nil:
			a.Reason = fmt.Sprintf("line %d (%s) is outside the changed hunks", end, side)
		case !h.Covers(side, start):
			a.Reason = fmt.Sprintf("lines %d-%d (%s) span more than one hunk", start, end, side)
		default:
			a.Kind = AnchorInline
			a.Suggestion = side == SideRight
		}
	}
	return a
}

// hunkAt returns the hunk covering line on side, by binary search over the
// ordered hunks.
func (f *FileDiff) hunkAt(side Side, line int) *Hunk {
	i := sort.Search(len(f.Hunks), func(i int) bool {
		h := &f.Hunks[i]
		if side == SideLeft {
			return h.OldStart+h.OldLines > line
		}
		return h.NewStart+h.NewLines > line
	})
	for ; i < len(f.Hunks); i++ {
		h := &f.Hunks[i]
		if h.Covers(side, line) {
			return h
		}
		// Hunks with an empty range on this side (pure additions or
		// deletions) can sit at the search position; skip past them.
		start := h.NewStart
		if side == SideLeft {
			start = h.OldStart
		}
		if start > line {
			return nil
		}
	}
	return nil
}

// LinesOf returns the text of lines start..end on side when they lie in one
// hunk, for fingerprints and for checking what a suggestion replaces.
func (f *FileDiff) LinesOf(side Side, start, end int) ([]string, bool) {
	h := f.hunkAt(side, end)
	if h == nil || !h.Covers(side, start) {
		return nil, false
	}
	var out []string
	for _, l := range h.Lines {
		n := l.NewLine
		if side == SideLeft {
			n = l.OldLine
		}
		// n is 0 for lines that do not exist on this side.
		if n >= start && n <= end {
			out = append(out, l.Text)
		}
	}
	return out, len(out) == end-start+1
}
