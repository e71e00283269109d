package action

import (
	"fmt"
	"strings"

	"github.com/reviewbot/reviewbot/review"
	"github.com/reviewbot/reviewbot/runner"
)

// stepSummary is the job summary: the summary comment's content plus
// every finding with its path and line, so that a run that could not post
// (read-only token, dry run) loses nothing.
func stepSummary(res *review.Result, out *runner.Outcome, readOnly, dryRun bool) string {
	var b strings.Builder
	switch {
	case dryRun:
		b.WriteString("> **reviewbot ran as a dry run**: no model credentials were available (a fork's pull request gets no secrets). Nothing was posted.\n\n")
	case readOnly:
		b.WriteString("> **reviewbot could not post to the pull request**: the token is read-only (a fork's pull request under `pull_request`, or a workflow without `pull-requests: write`). The review is here and in the annotations.\n\n")
	case out.Published != nil && out.Published.SummaryURL != "":
		fmt.Fprintf(&b, "> Posted to the pull request: [summary comment](%s), %d new inline finding(s).\n\n", out.Published.SummaryURL, out.Published.Posted)
	}
	b.WriteString(review.Markdown(res))
	if len(res.Findings) > 0 {
		fmt.Fprintf(&b, "\n### All findings (%d)\n\n| Severity | Location | Category | Finding |\n|---|---|---|---|\n", len(res.Findings))
		for _, f := range res.Findings {
			loc := f.Path
			if f.Line > 0 {
				loc = fmt.Sprintf("%s:%d", f.Path, f.Line)
				if f.StartLine > 0 && f.StartLine != f.Line {
					loc = fmt.Sprintf("%s:%d-%d", f.Path, f.StartLine, f.Line)
				}
				if f.Side == string(review.SideLeft) {
					loc += " (old)"
				}
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", f.Severity, strings.ReplaceAll(loc, "|", `\|`), f.Category, tableCell(f.Title+": "+f.Body))
		}
	}
	return b.String()
}

func tableCell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}
