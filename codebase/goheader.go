package codebase

import (
	"github.com/reviewbot/reviewbot/languages"
)

// Change descriptions that are not the change kind's default wording.
const (
	whatValue   = "value changed"
	whatTag     = "struct tag changed"
	whatRegroup = "moved into or out of a declaration group; type and value unchanged"
	whatMoved   = "moved within its struct; type and tag unchanged"
)

// spanText is a byte span of a file's source with white space collapsed.
func spanText(pf *parsedFile, s languages.ByteSpan) string {
	if s.End <= s.Start || s.End > len(pf.src) {
		return ""
	}
	return normalizeSpace(string(pf.src[s.Start:s.End]))
}

// compareGoDecls classifies a Go definition present on both sides by what
// its declaration promises (the extractor's Header and Value spans) rather
// than by its lines: a changed header (receiver, name, type parameters,
// parameters, results; a const's or var's type; a type's underlying type)
// is a signature change; a changed value or tag, or a body edit (also on a
// one-line function), is not; a const moved into a const (...) group is
// neither. ok is false when the extractor gave no header for a function
// or type (a file it could only partly parse).
func compareGoDecls(bf *parsedFile, bd languages.Definition, hf *parsedFile, hd languages.Definition) (change, what string, ok bool) {
	bh, hh := spanText(bf, bd.Header), spanText(hf, hd.Header)
	if (bh == "" || hh == "") && hd.Kind != languages.KindConstant && hd.Kind != languages.KindVariable {
		return "", "", false
	}
	bv, hv := spanText(bf, bd.Value), spanText(hf, hd.Value)
	switch {
	case bh != hh:
		return ChangeSignature, "", true
	case bv != hv && hd.Container == "":
		return ChangeModified, whatValue, true
	case bv != hv:
		return ChangeModified, whatTag, true
	case hd.Container == "" && (hd.Kind == languages.KindConstant || hd.Kind == languages.KindVariable):
		// Same type, same value: the text around it moved (a const
		// (...) group opened or closed, a neighbour changed).
		return ChangeModified, whatRegroup, true
	case hd.Kind == languages.KindVariable:
		// A field moved within its struct: unkeyed literals of the
		// struct see the new order.
		return ChangeModified, whatMoved, true
	}
	return ChangeModified, "", true
}
