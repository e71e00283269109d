package codebase

import (
	"strings"

	"github.com/reviewbot/reviewbot/languages"
)

// codeLines keeps the added and removed lines of a change that change code: blank
// lines, comment lines and lines whose code equals a removed line of the
// same change block (only a trailing comment or the spacing changed) alter
// no behaviour and no signature, so they do not make the definition around
// them changed; nor do docstring lines. The same holds for removed lines,
// seen from the base side. A new field's doc comment would otherwise mark its whole
// struct, and every use of it, as impacted. All added lines still count for
// "excluding the change itself".
//
// A change block is a maximal run of removed and added lines between two
// unchanged lines, which is what `git diff -U0` calls a hunk; it is rebuilt
// here from the line numbers alone, since unchanged lines pair up in order.
func codeLines(c Change, hf, bf *parsedFile) (added, removed []int) {
	if hf == nil || bf == nil {
		return c.Added, c.Removed
	}
	lang := hf.lang
	headDocs, baseDocs := docLines(hf), docLines(bf)
	isAdded, isRemoved := setOf(c.Added), setOf(c.Removed)
	maxHead, maxBase := 0, 0
	for _, l := range c.Added {
		maxHead = max(maxHead, l)
	}
	for _, l := range c.Removed {
		maxBase = max(maxBase, l)
	}
	i, j := 1, 1
	for i <= maxHead || j <= maxBase {
		if !isAdded[i] && !isRemoved[j] {
			i, j = i+1, j+1
			continue
		}
		oldCode, newCode := map[string]bool{}, map[string]bool{}
		bi, hi := j, i
		for ; isRemoved[j]; j++ {
			oldCode[codeOf(bf.lines(j, j), lang)] = true
		}
		for ; isAdded[i]; i++ {
			newCode[codeOf(hf.lines(i, i), lang)] = true
		}
		for l := hi; l < i; l++ {
			if code := codeOf(hf.lines(l, l), lang); code != "" && !oldCode[code] && !headDocs[l] {
				added = append(added, l)
			}
		}
		for l := bi; l < j; l++ {
			if code := codeOf(bf.lines(l, l), lang); code != "" && !newCode[code] && !baseDocs[l] {
				removed = append(removed, l)
			}
		}
	}
	return added, removed
}

// docLines are the lines of a file that hold documentation written as
// code (Python docstrings), which count like comment lines.
func docLines(pf *parsedFile) map[int]bool {
	if pf.syms == nil || len(pf.syms.Docs) == 0 {
		return nil
	}
	m := map[int]bool{}
	for _, d := range pf.syms.Docs {
		for l := d.Start; l <= d.End; l++ {
			m[l] = true
		}
	}
	return m
}

// codeOf reduces a line to its code: without a trailing line comment (unless
// a quote precedes the marker, which may then sit in a string), without
// block-comment lines, with runs of white space collapsed.
func codeOf(line, lang string) string {
	marker, block := "//", true
	if l, ok := languages.Lookup(lang); ok {
		marker, block = l.LineComment, l.BlockComment[0] == "/*"
	}
	s := line
	if marker != "" {
		if i := strings.Index(s, marker); i >= 0 && !strings.ContainsAny(s[:i], "\"'`") {
			s = s[:i]
		}
	}
	s = strings.TrimSpace(s)
	if block && (strings.HasPrefix(s, "/*") || strings.HasPrefix(s, "*")) {
		s = ""
	}
	return normalizeSpace(s)
}
