package webhook

import "regexp"

// secretPatterns match what must never reach a page or the review log:
// GitHub tokens (https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/),
// AWS access key IDs, bearer credentials, PEM blocks, and URL query
// strings (a codeload tarball redirect carries a signed token there).
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)`),
	regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{16,})`),
	regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`),
	regexp.MustCompile(`(?i)\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{16,}`),
	regexp.MustCompile(`(https?://[^\s?"'<>]+)\?[^\s"'<>]*`),
}

// RedactSecrets removes credentials from an error message before it is
// stored or shown.
func RedactSecrets(s string) string {
	for i, re := range secretPatterns {
		if i == len(secretPatterns)-1 {
			s = re.ReplaceAllString(s, "$1?[redacted]")
			continue
		}
		s = re.ReplaceAllString(s, "[redacted]")
	}
	return s
}
