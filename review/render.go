package review

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// SummaryMarker identifies reviewbot's one summary comment per PR, which
// later runs edit in place (SPEC section 5).
const SummaryMarker = "<!-- reviewbot:summary -->"

// FindingMarker returns the hidden marker of an inline comment, used to
// skip findings already posted on an earlier run.
func FindingMarker(fingerprint string) string {
	return "<!-- reviewbot:finding:" + fingerprint + " -->"
}

// MaxCommentBody is GitHub's limit on a comment body, in characters.
// https://github.com/orgs/community/discussions/27190 (bodies over 65,536
// characters are rejected with 422 "body is too long").
const MaxCommentBody = 65536

var backtickRun = regexp.MustCompile("`{3,}")

// Fence wraps text in a code fence longer than any backtick run inside it,
// so that model-written text cannot close the fence early.
func Fence(text, info string) string {
	n := 3
	for _, m := range backtickRun.FindAllString(text, -1) {
		n = max(n, len(m)+1)
	}
	f := strings.Repeat("`", n)
	return f + info + "\n" + strings.TrimRight(text, "\n") + "\n" + f
}

// CommentBody renders an inline or file-level comment for a finding: the
// text, a committable suggestion where one is allowed, and the marker.
func CommentBody(f Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** · %s · %s\n\n%s\n", f.Severity, f.Category, oneLine(f.Title), strings.TrimSpace(f.Body))
	if f.Suggestion != "" && f.Anchor == string(AnchorInline) {
		b.WriteString("\n" + Fence(f.Suggestion, "suggestion") + "\n")
	}
	return Truncate(b.String(), MaxCommentBody-200) + "\n" + FindingMarker(f.Fingerprint)
}

// ParseCommentHeading reads the category and title back from a body
// CommentBody wrote, so that a finding discussed in its thread can be
// dismissed by what it says rather than only by its fingerprint.
func ParseCommentHeading(body string) (category, title string, ok bool) {
	line, _, _ := strings.Cut(body, "\n")
	if !strings.HasPrefix(line, "**") {
		return "", "", false
	}
	parts := strings.SplitN(line, " · ", 3)
	if len(parts) != 3 {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// Truncate cuts markdown to at most limit bytes at a line boundary outside
// any code fence, and says that it did.
func Truncate(md string, limit int) string {
	if len(md) <= limit {
		return md
	}
	const note = "\n\n_… truncated to fit GitHub's comment size limit; the full text is in the check run and `--format json` output._\n"
	cut := 0
	fence := ""
	pos := 0
	for _, line := range strings.SplitAfter(md, "\n") {
		if pos+len(line) > limit-len(note) {
			break
		}
		pos += len(line)
		fence, _ = nextFence(fence, line)
		if fence == "" {
			cut = pos
		}
	}
	return md[:cut] + note
}

// nextFence steps a code-fence tracker over one markdown line: fence is the
// opening backtick run of the fence the line is in ("" outside any), and
// marker reports whether the line itself opens or closes a fence. A fence
// closes only on a line of at least as many backticks and nothing else.
func nextFence(fence, line string) (next string, marker bool) {
	t := strings.TrimSpace(line)
	m := backtickRun.FindString(t)
	if m == "" || !strings.HasPrefix(t, m) {
		return fence, false
	}
	switch {
	case fence == "":
		return m, true
	case len(m) >= len(fence) && strings.TrimLeft(t, "`") == "":
		return "", true
	}
	return fence, false
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cell makes text safe inside a markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

// code renders s as inline code whatever backticks it holds.
func code(s string) string {
	n := 1
	for strings.Contains(s, strings.Repeat("`", n)) {
		n++
	}
	f := strings.Repeat("`", n)
	if n > 1 || strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return f + " " + s + " " + f
	}
	return f + s + f
}

// pathText shows a path with its control characters escaped as Go quotes
// them (\n, \t, \x1b). Git allows any byte but NUL in a path; a newline
// would end a table row or a list item, and an escape sequence would drive
// the reader's terminal.
func pathText(p string) string {
	if !strings.ContainsFunc(p, unicode.IsControl) {
		return p
	}
	var b strings.Builder
	for _, r := range p {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cellCode renders a path or symbol as inline code inside a table cell.
// GFM splits a row at every | that is not escaped, inside code spans too,
// and shows \| in a cell as |, code spans included (GFM spec, "Tables
// (extension)"). < and > need nothing: a code span shows them literally.
func cellCode(s string) string {
	return strings.ReplaceAll(code(pathText(s)), "|", `\|`)
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// showsTeamSections reports whether a result's tier has the team tier's
// sections (downstream impact, findings), which SPEC section 3 reserves for
// the team tier. A dry run of the free tier computes the impact list for
// the JSON output, but the summary does not show it.
func showsTeamSections(r *Result) bool { return r.Tier != "free" }

// locLink renders a path:line location as code, linked to that line at the
// head commit when the repository's web address is known.
func locLink(r *Result, loc string) string {
	p, line := splitLocation(loc)
	return link(code(pathText(loc)), blobURL(r.WebURL, r.Head, p, line, line))
}

// link wraps markdown text in a link, or returns it as is without a URL.
func link(text, url string) string {
	if url == "" {
		return text
	}
	return "[" + text + "](" + url + ")"
}

// findingLink renders a finding's location as code, linked to its lines:
// RIGHT lines at the head commit, LEFT lines at the base commit under the
// file's old path.
func findingLink(r *Result, f Finding) string {
	loc := pathText(f.Path)
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, f.Line)
		if f.StartLine > 0 && f.StartLine < f.Line {
			loc = fmt.Sprintf("%s:%d-%d", pathText(f.Path), f.StartLine, f.Line)
		}
	}
	sha, p := r.Head, f.Path
	if f.Side == string(SideLeft) {
		sha = r.Base
		for _, fe := range r.Files {
			if fe.Path == f.Path && fe.OldPath != "" {
				p = fe.OldPath
			}
		}
	}
	start := f.Line
	if f.StartLine > 0 {
		start = f.StartLine
	}
	return link(code(loc), blobURL(r.WebURL, sha, p, start, f.Line))
}

// Markdown renders the summary comment exactly as GitHub shows it.
func Markdown(r *Result) string {
	var b strings.Builder
	b.WriteString(SummaryMarker + "\n")
	b.WriteString("## reviewbot summary\n\n")
	fmt.Fprintf(&b, "**Risk:** %s · **Tier:** %s · **Commit:** %s\n\n", orDefault(r.Risk, "unknown"), r.Tier, code(short(r.Head)))
	fmt.Fprintf(&b, "> Tier choice: %s\n\n", oneLine(r.RouteReason))
	if r.DryRun {
		b.WriteString("> **Dry run** — no model was called; usage and cost below are estimates.\n\n")
	}
	fmt.Fprintf(&b, "### Summary\n\n%s\n\n", strings.TrimSpace(r.Summary))
	if len(r.Labels) > 0 {
		b.WriteString("**Suggested labels:** ")
		for i, l := range r.Labels {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(code(l))
		}
		b.WriteString("\n\n")
	}
	skipped := map[string]bool{}
	for _, s := range r.Skipped {
		skipped[s.Path] = true
	}
	if len(r.Walkthrough) > 0 {
		b.WriteString("### Walkthrough\n\n| File | Change |\n|---|---|\n")
		for _, w := range r.Walkthrough {
			fmt.Fprintf(&b, "| %s | %s |\n", cellCode(w.Path), cell(w.Change))
		}
		b.WriteString("\n")
	} else if len(r.Files) > 0 {
		// Every changed file is listed; one the review left out says so
		// here and why in the list of files not reviewed.
		b.WriteString("### Files\n\n| File | Status | Lines | Review |\n|---|---|---|---|\n")
		for _, f := range r.Files {
			review := "reviewed"
			if !f.Reviewed || skipped[f.Path] {
				review = "skipped, see below"
			}
			fmt.Fprintf(&b, "| %s | %s | +%d −%d | %s |\n", cellCode(f.Path), f.Status, f.Additions, f.Deletions, review)
		}
		b.WriteString("\n")
	}
	if showsTeamSections(r) {
		writeTeamSections(&b, r)
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(&b, "<details>\n<summary>%d file(s) not reviewed</summary>\n\n| File | Reason |\n|---|---|\n", len(r.Skipped))
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "| %s | %s |\n", cellCode(s.Path), cell(s.Reason))
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(r.Notes) > 0 {
		b.WriteString("<details>\n<summary>Notes</summary>\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", oneLine(n))
		}
		b.WriteString("\n</details>\n\n")
	}
	b.WriteString("---\n" + footer(r) + "\n")
	return Truncate(b.String(), MaxCommentBody)
}

// writeTeamSections renders the team tier's sections of the summary: the
// downstream impact and the findings that are not inline comments.
func writeTeamSections(b *strings.Builder, r *Result) {
	if len(r.Impact) > 0 {
		b.WriteString("### Downstream impact\n\n")
		for _, im := range r.Impact {
			fmt.Fprintf(b, "- %s — %s", code(im.Symbol), oneLine(im.Summary))
			if len(im.Locations) > 0 {
				b.WriteString(": ")
				for i, l := range im.Locations {
					if i == 10 {
						fmt.Fprintf(b, " and %d more", len(im.Locations)-10)
						break
					}
					if i > 0 {
						b.WriteString(", ")
					}
					b.WriteString(locLink(r, l))
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	var off []Finding
	inline := 0
	for _, f := range r.Findings {
		if f.Anchor == string(AnchorSummary) {
			off = append(off, f)
		} else {
			inline++
		}
	}
	if inline > 0 {
		fmt.Fprintf(b, "**%d finding(s)** are posted as review comments.\n\n", inline)
	}
	if len(off) > 0 {
		b.WriteString("### Findings not posted inline\n\n")
		for _, f := range off {
			fmt.Fprintf(b, "- **%s** %s %s — %s", f.Severity, findingLink(r, f), cell(f.Title), cell(f.Body))
			if f.AnchorReason != "" {
				fmt.Fprintf(b, " _(%s)_", cell(f.AnchorReason))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
}

func footer(r *Result) string {
	u := r.Usage
	est := ""
	if u.Estimated {
		est = "estimated "
	}
	return fmt.Sprintf("<sub>reviewbot · %s%d call(s) · %d input / %d output tokens (cache read %d, write %d) · %s$%.4f · %.1f s</sub>",
		est, u.Calls, u.InputTokens, u.OutputTokens, u.CacheReadTokens, u.CacheWriteTokens, est, u.CostUSD, float64(r.DurationMS)/1000)
}

// JSON writes the SPEC section 7 document.
func JSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// maxTextLocations caps the locations the terminal output prints per
// impact entry; the JSON carries every one.
const maxTextLocations = 25

// Text writes a review for a person at a terminal; color adds ANSI colours.
func Text(w io.Writer, r *Result, color bool) {
	c := func(code, s string) string {
		if !color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	sev := map[string]string{"critical": "1;31", "major": "31", "minor": "33", "nit": "36"}
	fmt.Fprintf(w, "%s %s..%s  tier %s  risk %s\n", c("1", r.Repo), short(r.Base), short(r.Head), c("1", r.Tier), r.Risk)
	fmt.Fprintf(w, "  %s\n\n", r.RouteReason)
	fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(r.Summary))
	for _, wt := range r.Walkthrough {
		fmt.Fprintf(w, "  %s: %s\n", c("1", pathText(wt.Path)), oneLine(wt.Change))
	}
	if len(r.Walkthrough) > 0 {
		fmt.Fprintln(w)
	}
	// The free tier has no findings or impact sections (SPEC section 3).
	if len(r.Findings) > 0 && showsTeamSections(r) {
		fmt.Fprintln(w, c("1", fmt.Sprintf("Findings (%d)", len(r.Findings))))
		for _, f := range r.Findings {
			loc := fmt.Sprintf("%s:%d", pathText(f.Path), f.Line)
			if f.StartLine > 0 && f.StartLine != f.Line {
				loc = fmt.Sprintf("%s:%d-%d", pathText(f.Path), f.StartLine, f.Line)
			}
			fmt.Fprintf(w, "  %s %s [%s, %s] %s\n", c(sev[f.Severity], strings.ToUpper(f.Severity)), loc, f.Category, f.Anchor, oneLine(f.Title))
			for _, l := range strings.Split(strings.TrimSpace(f.Body), "\n") {
				fmt.Fprintf(w, "      %s\n", l)
			}
			if f.Suggestion != "" {
				fmt.Fprintln(w, "      suggestion:")
				for _, l := range strings.Split(strings.TrimRight(f.Suggestion, "\n"), "\n") {
					fmt.Fprintf(w, "      %s %s\n", c("32", "+"), l)
				}
			}
		}
		fmt.Fprintln(w)
	}
	if len(r.Impact) > 0 && showsTeamSections(r) {
		fmt.Fprintln(w, c("1", fmt.Sprintf("Downstream impact (%d)", len(r.Impact))))
		for _, im := range r.Impact {
			fmt.Fprintf(w, "  %s: %s\n", pathText(im.Symbol), oneLine(im.Summary))
			for i, l := range im.Locations {
				if i == maxTextLocations {
					fmt.Fprintf(w, "      ... and %d more (--format json lists them all)\n", len(im.Locations)-i)
					break
				}
				fmt.Fprintf(w, "      %s\n", pathText(l))
			}
		}
		fmt.Fprintln(w)
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintln(w, c("1", fmt.Sprintf("Skipped (%d)", len(r.Skipped))))
		for _, s := range r.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", pathText(s.Path), s.Reason)
		}
		fmt.Fprintln(w)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "%s %s\n", c("2", "note:"), n)
	}
	for i, p := range r.Planned {
		if p.Prompt == "" {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", c("1", fmt.Sprintf("=== planned call %d/%d: %s with %s, ~%d input tokens", i+1, len(r.Planned), p.Purpose, p.Model, p.InputTokens)))
		fmt.Fprintf(w, "%s\n%s\n%s\n%s\n", c("2", "--- system"), p.System, c("2", "--- user"), p.Prompt)
	}
	fmt.Fprintln(w, c("2", strings.TrimSuffix(strings.TrimPrefix(footer(r), "<sub>"), "</sub>")))
}
