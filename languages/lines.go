package languages

import (
	"bytes"
	"cmp"
	"slices"
)

// lineCount is the number of lines in src as an editor numbers them: a
// trailing newline opens one more (empty) line, so every byte offset up to
// len(src) falls on a line in 1..lineCount.
func lineCount(src []byte) int {
	return bytes.Count(src, []byte{'\n'}) + 1
}

// normalize makes every extractor's output obey the same rules, whatever its
// parser did with broken input: 1 <= StartLine <= SignatureEnd <= EndLine <=
// lineCount, and definitions, references and imports in source order.
// Doing it once here keeps the per-language code about the language.
func (fs *FileSymbols) normalize(src []byte) {
	n := lineCount(src)
	for i := range fs.Definitions {
		d := &fs.Definitions[i]
		d.StartLine = clamp(d.StartLine, 1, n)
		d.EndLine = clamp(d.EndLine, d.StartLine, n)
		d.SignatureEnd = clamp(d.SignatureEnd, d.StartLine, d.EndLine)
	}
	for i := range fs.References {
		fs.References[i].Line = clamp(fs.References[i].Line, 1, n)
	}
	for i := range fs.Imports {
		fs.Imports[i].Line = clamp(fs.Imports[i].Line, 1, n)
	}
	slices.SortStableFunc(fs.Definitions, func(a, b Definition) int {
		return cmp.Compare(a.StartLine, b.StartLine)
	})
	slices.SortStableFunc(fs.References, func(a, b Reference) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	slices.SortStableFunc(fs.Imports, func(a, b Import) int {
		return cmp.Compare(a.Line, b.Line)
	})
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}
