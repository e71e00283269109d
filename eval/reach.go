package eval

import (
	"strconv"
	"strings"

	"github.com/reviewbot/reviewbot/review"
)

// Reasons a reference cannot be seen by the model, as eval --dry-run
// counts them. Skipped files add the filter's or planner's reason class
// after "file skipped: ".
const (
	ReasonNotInDiff    = "file not in the diff"
	ReasonTruncated    = "hunk truncated: the file's diff does not parse"
	ReasonFreeTier     = "routed to the free tier: no line-level review"
	ReasonNoCall       = "file in no review call"
	ReasonOutsideHunks = "lines outside the diff's hunks"
	// ReasonNearHunks is ReasonOutsideHunks for a reference within the
	// tolerance of a line the model is shown: it cannot see the lines, yet
	// a finding on the hunk's edge would still match.
	ReasonNearHunks     = "lines outside the diff's hunks, within --tolerance of shown lines"
	ReasonBaselineCut   = "baseline: cut from the diff to fit the window"
	reasonSkippedPrefix = "file skipped: "
)

// skipClasses turn the filter's and planner's skip reasons (review/filter.go,
// tiers/plan.go), which carry numbers and advice, into stable classes a
// corpus can be counted by. The first match wins.
var skipClasses = []struct{ prefix, class string }{
	{"excluded by paths.exclude", "excluded by paths.exclude"},
	{"not matched by paths.include", "not matched by paths.include"},
	{"binary file", "binary"},
	{"GitHub omitted the patch", "patch omitted by GitHub"},
	{"only the file mode changed", "mode change only"},
	{"empty file", "no lines changed"},
	{"too large to review", "diff over the per-file limit"},
	{"too large for one review call", "over one review call's window"},
	{"too large for one summary call", "over one summary call's window"},
	{"lock file", "lock file"},
	{"test data or fixtures", "test data or fixtures (vendor rules)"},
	{"build output in dist/", "build output (vendor rules)"},
	{"third-party code", "third-party code (vendor rules)"},
	{"minified", "minified"},
	{"generated file", "generated"},
	{"could not parse its diff", "diff does not parse"},
	{"not reviewed by the model", "not reviewed by the model"},
}

// SkipClass is the class of one skip reason, for counting.
func SkipClass(reason string) string {
	for _, c := range skipClasses {
		if strings.HasPrefix(reason, c.prefix) {
			return c.class
		}
	}
	if strings.Contains(reason, "without content changes") {
		return "renamed or copied without changes"
	}
	// An unknown reason: its first clause, without numbers that would
	// split the count.
	r, _, _ := strings.Cut(reason, ":")
	r, _, _ = strings.Cut(r, " (")
	return strings.TrimSpace(r)
}

// PromptReach returns, for a dry run's result made with ShowPrompts, the reason a
// reference would not reach the premium prompt, or "" when its lines would:
// the file is in a review call and at least one line of the reference is
// numbered in that call's patch (the R<n>/L<n> references of
// review.NumberedPatch), read from the exact prompt text.
func PromptReach(res *review.Result) func(Reference) (reason string, gap int) {
	shown := map[string]map[string]bool{} // path -> "R12" -> true
	inCall := map[string]bool{}
	for _, c := range res.Planned {
		if c.Purpose != "review" {
			continue
		}
		for _, p := range c.Files {
			inCall[p] = true
			if shown[p] == nil {
				shown[p] = promptLines(c.Prompt, p)
			}
		}
	}
	inDiff := map[string]bool{}
	for _, f := range res.Files {
		inDiff[f.Path] = true
		if f.OldPath != "" {
			inDiff[f.OldPath] = true
		}
	}
	skipped := map[string]string{}
	for _, s := range res.Skipped {
		if _, ok := skipped[s.Path]; !ok {
			skipped[s.Path] = s.Reason
		}
	}
	return func(r Reference) (string, int) {
		lines := shown[r.Path]
		if lines != nil && anyLine(lines, r) {
			return "", 0
		}
		if why, ok := skipped[r.Path]; ok {
			if strings.HasPrefix(why, "could not parse its diff") && strings.Contains(why, "truncated patch") {
				return ReasonTruncated, -1
			}
			if !inCall[r.Path] {
				return reasonSkippedPrefix + SkipClass(why), -1
			}
		}
		switch {
		case !inDiff[r.Path]:
			return ReasonNotInDiff, -1
		case res.Tier != "team":
			return ReasonFreeTier, -1
		case !inCall[r.Path]:
			return ReasonNoCall, -1
		}
		return ReasonOutsideHunks, nearest(lines, r)
	}
}

// nearest is the distance in lines from r to the closest shown line of its
// side, or -1 when none is shown.
func nearest(lines map[string]bool, r Reference) int {
	prefix := "R"
	if r.Side == "LEFT" {
		prefix = "L"
	}
	best := -1
	for k := range lines {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		n, _ := strconv.Atoi(k[1:])
		if g := gap(n, n, r.StartLine, r.EndLine); best < 0 || g < best {
			best = g
		}
	}
	return best
}

// anyLine reports whether any line of r is in lines.
func anyLine(lines map[string]bool, r Reference) bool {
	prefix := "R"
	if r.Side == "LEFT" {
		prefix = "L"
	}
	for n := r.StartLine; n <= r.EndLine; n++ {
		if lines[prefix+strconv.Itoa(n)] {
			return true
		}
	}
	return false
}

// dataOpen is how tiers opens a file's data block in a review prompt
// (tiers/prompts.go: dataBlock with the file's attributes, path first).
const dataOpen = `<reviewbot-data kind="file" path="`

// promptLines collects the line references ("R12", "L7") of path's patch
// in a prompt.
func promptLines(prompt, path string) map[string]bool {
	// tiers writes the path attribute with the tag name altered and
	// double quotes replaced, so a crafted path cannot break out.
	attr := strings.ReplaceAll(strings.ReplaceAll(path, "reviewbot-data", "reviewbot_data"), `"`, "'")
	out := map[string]bool{}
	rest := prompt
	for {
		i := strings.Index(rest, dataOpen+attr+`"`)
		if i < 0 {
			return out
		}
		rest = rest[i:]
		body, after, _ := strings.Cut(rest, "\n</reviewbot-data>")
		rest = after
		// Skip the opening tag's line.
		if _, b, ok := strings.Cut(body, ">\n"); ok {
			body = b
		}
		for line := range strings.Lines(body) {
			ref, _, ok := strings.Cut(line, " ")
			if ok && len(ref) > 1 && (ref[0] == 'R' || ref[0] == 'L') {
				if _, err := strconv.Atoi(ref[1:]); err == nil {
					out[ref] = true
				}
			}
		}
	}
}

// diffReach is the reachability of a baseline prompt: a reference is seen
// when its file is in the part of the diff the prompt holds and a line of
// it is a line of a hunk.
func diffReach(full, sent *review.Diff) func(Reference) (string, int) {
	return func(r Reference) (string, int) {
		f := sent.File(r.Path)
		if f == nil {
			if full.File(r.Path) != nil {
				return ReasonBaselineCut, -1
			}
			for _, u := range full.Unparsed {
				if u.Path == r.Path {
					return ReasonTruncated, -1
				}
			}
			return ReasonNotInDiff, -1
		}
		best := -1
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				n := l.NewLine
				if r.Side == "LEFT" {
					n = l.OldLine
				}
				if (r.Side == "LEFT" && l.Kind == review.LineAdded) || (r.Side != "LEFT" && l.Kind == review.LineDeleted) {
					continue
				}
				g := gap(n, n, r.StartLine, r.EndLine)
				if g == 0 {
					return "", 0
				}
				if best < 0 || g < best {
					best = g
				}
			}
		}
		return ReasonOutsideHunks, best
	}
}
