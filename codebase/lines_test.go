package codebase

import "testing"

func TestParsedFileLinesAreExact(t *testing.T) {
	for _, tc := range []struct {
		src       string
		count     int
		from, to  int
		want      string
		wantWhole string
	}{
		{"a\nb\nc\n", 3, 2, 3, "b\nc", "a\nb\nc"},
		{"a\nb\nc", 3, 3, 3, "c", "a\nb\nc"},
		{"a\r\nb\r\nc\r\n", 3, 1, 2, "a\nb", "a\nb\nc"},
		{"x\r\n", 1, 1, 1, "x", "x"},
		{"", 0, 1, 1, "", ""},
	} {
		f := &parsedFile{src: []byte(tc.src)}
		if got := f.lineCount(); got != tc.count {
			t.Errorf("%q: lineCount %d, want %d", tc.src, got, tc.count)
		}
		if got := f.lines(tc.from, tc.to); got != tc.want {
			t.Errorf("%q: lines(%d, %d) = %q, want %q", tc.src, tc.from, tc.to, got, tc.want)
		}
		if got := f.lines(1, 1<<20); got != tc.wantWhole {
			t.Errorf("%q: whole file = %q, want %q", tc.src, got, tc.wantWhole)
		}
	}
}
