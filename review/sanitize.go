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
	inlineSpans = regexp.MustCompile("`[^`]*`")
)

// SanitizeProse makes model-written markdown safe to post. Prose is
// cleaned a block at a time (all lines between two fences), because an HTML
// tag or an image's alt text may span lines.
func SanitizeProse(md string) string {
	var b, prose strings.Builder
	flush := func() {
		b.WriteString(sanitizeBlock(prose.String()))
		prose.Reset()
	}
	fence := ""
	for _, line := range strings.SplitAfter(md, "\n") {
		var marker bool
		if fence, marker = nextFence(fence, line); marker || fence != "" {
			flush()
			b.WriteString(line)
			continue
		}
		prose.WriteString(line)
	}
	flush()
	return b.String()
}

// sanitizeBlock cleans prose outside fences, keeping inline code spans.
func sanitizeBlock(text string) string {
	var b strings.Builder
	last := 0
	for _, loc := range inlineSpans.FindAllStringIndex(text, -1) {
		b.WriteString(cleanText(text[last:loc[0]]))
		b.WriteString(text[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(cleanText(text[last:]))
	return b.String()
}

func cleanText(s string) string {
	s = ourMarker.ReplaceAllString(s, "<!-- quoted-reviewbot:")
	s = mdImage.ReplaceAllString(s, "[image removed: $1]")
	s = htmlImage.ReplaceAllString(s, "[embedded media removed]")
	// A match consumes the character before the next "@" ("@a-@b"), so
	// repeat until nothing changes; each pass only inserts.
	for {
		next := mention.ReplaceAllString(s, "$1@\u200b$2")
		if next == s {
			return s
		}
		s = next
	}
}
