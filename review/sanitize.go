package review

import (
	"regexp"
	"strings"
)

// Model-written prose is untrusted: a prompt injection in the PR can make
// the model write anything. Before it is shown on GitHub it loses what
// could act beyond being read:
//   - @mentions, which notify people (neutralised with a zero-width space);
//   - images, which GitHub's image proxy fetches as soon as the comment is
//     shown, so a URL can carry code or secrets from the prompt to a server
//     (markdown images and <img> tags become plain text);
//   - reviewbot's own hidden markers, which would confuse deduplication and
//     the summary comment's lookup.
//
// Code spans and fences are left alone: GitHub does not notify or load
// anything inside them, and changing them would corrupt code.

var (
	mention     = regexp.MustCompile(`(^|[^\w/@.` + "`" + `])@([A-Za-z0-9][A-Za-z0-9-]*)`)
	mdImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	htmlImage   = regexp.MustCompile(`(?i)<\s*(img|picture|source|video|audio|iframe)\b[^>]*>`)
	ourMarker   = regexp.MustCompile(`(?i)<!--\s*reviewbot:`)
	inlineSpans = regexp.MustCompile("`[^`\n]*`")
)

// SanitizeProse makes model-written markdown safe to post.
func SanitizeProse(md string) string {
	var b strings.Builder
	fence := ""
	for _, line := range strings.SplitAfter(md, "\n") {
		var marker bool
		if fence, marker = nextFence(fence, line); marker || fence != "" {
			b.WriteString(line)
			continue
		}
		b.WriteString(sanitizeLine(line))
	}
	return b.String()
}

// sanitizeLine cleans one line outside fences, keeping inline code spans.
func sanitizeLine(line string) string {
	var b strings.Builder
	last := 0
	for _, loc := range inlineSpans.FindAllStringIndex(line, -1) {
		b.WriteString(cleanText(line[last:loc[0]]))
		b.WriteString(line[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(cleanText(line[last:]))
	return b.String()
}

func cleanText(s string) string {
	s = ourMarker.ReplaceAllString(s, "<!-- quoted-reviewbot:")
	s = mdImage.ReplaceAllString(s, "[image removed: $1]")
	s = htmlImage.ReplaceAllString(s, "[embedded media removed]")
	return mention.ReplaceAllString(s, "$1@\u200b$2")
}
