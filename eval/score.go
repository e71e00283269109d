package eval

import (
	"sort"
	"strings"

	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/tiers"
)

// DefaultTolerance is SPEC section 8's default: a finding matches a
// reference when their line ranges are at most this many lines apart.
const DefaultTolerance = 3

// Finding is what the scorer needs of a reviewer's finding.
type Finding struct {
	Path      string
	Side      string
	StartLine int // equals Line for one line
	Line      int
	Severity  string
	Category  string
	Title     string
	Body      string
}

// FromReview converts the pipeline's findings. A finding the pipeline could
// only place in the summary keeps the lines the model named.
func FromReview(fs []review.Finding) []Finding {
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		out = append(out, newFinding(f.Path, f.Side, f.StartLine, f.Line, f.Severity, f.Category, f.Title, f.Body))
	}
	return out
}

// FromTiers converts model findings that no pipeline placed (the baseline).
func FromTiers(fs []tiers.Finding) []Finding {
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		out = append(out, newFinding(f.Path, f.Side, f.StartLine, f.Line, f.Severity, f.Category, f.Title, f.Body))
	}
	return out
}

func newFinding(path, side string, start, line int, sev, cat, title, body string) Finding {
	side = strings.ToUpper(side)
	if side == "" {
		side = "RIGHT"
	}
	if start <= 0 || start > line {
		start = line
	}
	return Finding{Path: path, Side: side, StartLine: start, Line: line, Severity: sev, Category: cat, Title: title, Body: body}
}

// Pair is a finding (index F) and a reference (index R) of one pull request.
type Pair struct{ F, R int }

// Dedupe merges duplicate findings: the same path and side with the same
// line range, or with overlapping ranges and the same title once case and
// spacing are normalised. The first of each group is kept; the pipeline
// lists the most severe first. It returns the kept findings and how many
// were merged away.
func Dedupe(fs []Finding) ([]Finding, int) {
	var out []Finding
	for _, f := range fs {
		dup := false
		for _, k := range out {
			if k.Path != f.Path || k.Side != f.Side {
				continue
			}
			same := k.StartLine == f.StartLine && k.Line == f.Line
			overlap := k.StartLine <= f.Line && f.StartLine <= k.Line
			if same || (overlap && normTitle(k.Title) == normTitle(f.Title)) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, f)
		}
	}
	return out, len(fs) - len(out)
}

func normTitle(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// gap is the number of lines between two ranges; 0 when they overlap.
func gap(aStart, aEnd, bStart, bEnd int) int {
	switch {
	case aEnd < bStart:
		return bStart - aEnd
	case bEnd < aStart:
		return aStart - bEnd
	}
	return 0
}

// near reports whether a finding and a reference pass the location test:
// same path and side, ranges at most tol lines apart.
func near(f Finding, r Reference, tol int) bool {
	return f.Path == r.Path && f.Side == r.Side && gap(f.StartLine, f.Line, r.StartLine, r.EndLine) <= tol
}

// Candidates lists every finding-reference pair that passes the location
// test, closest first for each finding.
func Candidates(fs []Finding, refs []Reference, tol int) []Pair {
	var out []Pair
	for i, f := range fs {
		var row []Pair
		for j, r := range refs {
			if near(f, r, tol) {
				row = append(row, Pair{i, j})
			}
		}
		sort.SliceStable(row, func(a, b int) bool {
			ra, rb := refs[row[a].R], refs[row[b].R]
			return gap(f.StartLine, f.Line, ra.StartLine, ra.EndLine) < gap(f.StartLine, f.Line, rb.StartLine, rb.EndLine)
		})
		out = append(out, row...)
	}
	return out
}

// Match pairs findings with references along the candidate edges so that
// each finding and each reference is used at most once and as many
// references as possible are credited (a maximum bipartite matching, by
// augmenting paths; corpora have tens of findings per PR, so the simple
// algorithm is plenty). Edges are tried in the order given, so closer
// references win when the count allows a choice. The result is sorted by
// finding.
func Match(nFindings int, edges []Pair) []Pair {
	adj := make([][]int, nFindings)
	for _, e := range edges {
		adj[e.F] = append(adj[e.F], e.R)
	}
	owner := map[int]int{} // reference -> finding
	var try func(f int, seen map[int]bool) bool
	try = func(f int, seen map[int]bool) bool {
		for _, r := range adj[f] {
			if seen[r] {
				continue
			}
			seen[r] = true
			if g, taken := owner[r]; !taken || try(g, seen) {
				owner[r] = f
				return true
			}
		}
		return false
	}
	for f := range adj {
		try(f, map[int]bool{})
	}
	out := make([]Pair, 0, len(owner))
	for r, f := range owner {
		out = append(out, Pair{f, r})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].F < out[j].F })
	return out
}

// Score is one pull request's location-only result.
type Score struct {
	Findings   []Finding // after Dedupe
	Duplicates int
	Candidates []Pair
	Matched    []Pair
	// Noise counts unmatched findings that match a comment the corpus's
	// annotators rejected.
	Noise int
}

// ScorePR merges duplicate findings and matches them to the references.
func ScorePR(fs []Finding, e Entry, tol int) Score {
	fs, dups := Dedupe(fs)
	s := Score{Findings: fs, Duplicates: dups}
	s.Candidates = Candidates(fs, e.References, tol)
	s.Matched = Match(len(fs), s.Candidates)
	s.Noise = len(noiseOf(fs, s.Matched, e.Noise, tol))
	return s
}

// noiseOf returns the findings outside matched that match a rejected
// comment, by index.
func noiseOf(fs []Finding, matched []Pair, rejected []Reference, tol int) map[int]bool {
	used := map[int]bool{}
	for _, p := range matched {
		used[p.F] = true
	}
	out := map[int]bool{}
	for i, f := range fs {
		if used[i] {
			continue
		}
		for _, r := range rejected {
			if near(f, r, tol) {
				out[i] = true
				break
			}
		}
	}
	return out
}
