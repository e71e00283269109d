package review

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
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

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
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
	if len(r.Walkthrough) > 0 {
		b.WriteString("### Walkthrough\n\n| File | Change |\n|---|---|\n")
		for _, w := range r.Walkthrough {
			fmt.Fprintf(&b, "| %s | %s |\n", code(w.Path), cell(w.Change))
		}
		b.WriteString("\n")
	} else if len(r.Files) > 0 {
		b.WriteString("### Files\n\n| File | Status | Lines |\n|---|---|---|\n")
		for _, f := range r.Files {
			fmt.Fprintf(&b, "| %s | %s | +%d −%d |\n", code(f.Path), f.Status, f.Additions, f.Deletions)
		}
		b.WriteString("\n")
	}
	if len(r.Impact) > 0 {
		b.WriteString("### Downstream impact\n\n")
		for _, im := range r.Impact {
			fmt.Fprintf(&b, "- %s — %s", code(im.Symbol), oneLine(im.Summary))
			if len(im.Locations) > 0 {
				b.WriteString(": ")
				for i, l := range im.Locations {
					if i == 10 {
						fmt.Fprintf(&b, " and %d more", len(im.Locations)-10)
						break
					}
					if i > 0 {
						b.WriteString(", ")
					}
					b.WriteString(code(l))
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
		fmt.Fprintf(&b, "**%d finding(s)** are posted as review comments.\n\n", inline)
	}
	if len(off) > 0 {
		b.WriteString("### Findings not posted inline\n\n")
		for _, f := range off {
			loc := f.Path
			if f.Line > 0 {
				loc = fmt.Sprintf("%s:%d", f.Path, f.Line)
			}
			fmt.Fprintf(&b, "- **%s** %s %s — %s", f.Severity, code(loc), cell(f.Title), cell(f.Body))
			if f.AnchorReason != "" {
				fmt.Fprintf(&b, " _(%s)_", cell(f.AnchorReason))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(&b, "<details>\n<summary>%d file(s) not reviewed</summary>\n\n| File | Reason |\n|---|---|\n", len(r.Skipped))
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "| %s | %s |\n", code(s.Path), cell(s.Reason))
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
		fmt.Fprintf(w, "  %s: %s\n", c("1", wt.Path), oneLine(wt.Change))
	}
	if len(r.Walkthrough) > 0 {
		fmt.Fprintln(w)
	}
	if len(r.Findings) > 0 {
		fmt.Fprintln(w, c("1", fmt.Sprintf("Findings (%d)", len(r.Findings))))
		for _, f := range r.Findings {
			loc := fmt.Sprintf("%s:%d", f.Path, f.Line)
			if f.StartLine > 0 && f.StartLine != f.Line {
				loc = fmt.Sprintf("%s:%d-%d", f.Path, f.StartLine, f.Line)
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
	if len(r.Impact) > 0 {
		fmt.Fprintln(w, c("1", fmt.Sprintf("Downstream impact (%d)", len(r.Impact))))
		for _, im := range r.Impact {
			fmt.Fprintf(w, "  %s: %s\n", im.Symbol, oneLine(im.Summary))
			for _, l := range im.Locations {
				fmt.Fprintf(w, "      %s\n", l)
			}
		}
		fmt.Fprintln(w)
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintln(w, c("1", fmt.Sprintf("Skipped (%d)", len(r.Skipped))))
		for _, s := range r.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", s.Path, s.Reason)
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
