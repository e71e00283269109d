package languages

import (
	"os"
	"path/filepath"
	"testing"
)

// fuzzLanguages are the extractors FuzzExtract exercises: go/parser, two
// tree-sitter grammars and the heuristic fallback.
var fuzzLanguages = []string{"Go", "Python", "TypeScript", "Lua"}

// FuzzExtract checks that no input makes an extractor panic or report a
// line outside the file, and that ranges are ordered.
func FuzzExtract(f *testing.F) {
	f.Add(uint8(0), []byte(goSample))
	for i, name := range []string{"store.py", "cache.ts", "cache.lua"} {
		src, err := os.ReadFile(filepath.Join("testdata", "symbols", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i+1), src)
	}
	f.Add(uint8(0), []byte("package p\nfunc (\n"))
	f.Add(uint8(1), []byte("class A:\n  def f(self,\n"))
	f.Add(uint8(2), []byte("export class {\n  get(\n"))
	f.Add(uint8(3), []byte("function M.f(\n  --[[ open\n"))
	f.Fuzz(func(t *testing.T, which uint8, src []byte) {
		lang := fuzzLanguages[int(which)%len(fuzzLanguages)]
		fs, err := Extract(lang, "fuzz", src)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		lines := lineCount(src)
		for _, d := range fs.Definitions {
			if !(1 <= d.StartLine && d.StartLine <= d.SignatureEnd && d.SignatureEnd <= d.EndLine && d.EndLine <= lines) {
				t.Fatalf("%s: bad range %+v in a %d-line file", lang, d, lines)
			}
			if d.Name == "" {
				t.Fatalf("%s: unnamed definition %+v", lang, d)
			}
		}
		for _, r := range fs.References {
			if r.Line < 1 || r.Line > lines || r.Column < 1 || r.Name == "" {
				t.Fatalf("%s: bad reference %+v in a %d-line file", lang, r, lines)
			}
		}
		for _, im := range fs.Imports {
			if im.Line < 1 || im.Line > lines {
				t.Fatalf("%s: bad import %+v in a %d-line file", lang, im, lines)
			}
		}
	})
}
