package codebase

import (
	"go/scanner"
	"go/token"
)

// blankBodies returns src with the bodies of its top-level functions
// blanked (every byte between the braces but newlines turned into a
// space), except those spanning a line of keep. Offsets and lines stay
// where they were, so positions in the parse of the result are positions
// in src; the type-checker then sees declarations only, and parsing them
// costs a fraction of parsing the bodies. Tokens are read with go/scanner,
// so braces in strings, runes and comments are not counted; src that does
// not scan is returned as far as it was understood.
func blankBodies(src []byte, keep map[int]bool) []byte {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	var out []byte
	next := func() (token.Pos, token.Token) {
		pos, tok, _ := s.Scan()
		return pos, tok
	}
	// skip reads to the brace matching one just read and returns its
	// position (NoPos at the end of the file).
	skip := func() token.Pos {
		for depth := 1; ; {
			pos, tok := next()
			switch tok {
			case token.LBRACE:
				depth++
			case token.RBRACE:
				if depth--; depth == 0 {
					return pos
				}
			case token.EOF:
				return token.NoPos
			}
		}
	}
	depth := 0 // braces open at top level (composite literals of a var)
	last := token.SEMICOLON
	for {
		_, tok := next()
		atDecl := last == token.SEMICOLON && depth == 0
		last = tok
		switch tok {
		case token.EOF:
			if out == nil {
				return src
			}
			return out
		case token.LBRACE:
			depth++
			continue
		case token.RBRACE:
			depth--
			continue
		case token.FUNC:
			if !atDecl {
				continue // a function type or literal, not a declaration
			}
		default:
			continue
		}
		// A declaration's signature, up to its body or its end; what
		// follows starts a new declaration.
		last = token.SEMICOLON
		parens, prev := 0, token.FUNC
	signature:
		for {
			pos, tok := next()
			switch tok {
			case token.LPAREN, token.LBRACK:
				parens++
			case token.RPAREN, token.RBRACK:
				parens--
			case token.LBRACE:
				if parens > 0 || prev == token.STRUCT || prev == token.INTERFACE {
					skip() // a struct or interface type in the signature
					break
				}
				end := skip()
				if end == token.NoPos {
					break signature
				}
				from, to := file.Line(pos), file.Line(end)
				if spansAny(keep, from, to) {
					break signature
				}
				if out == nil {
					out = append([]byte(nil), src...)
				}
				for i := file.Offset(pos) + 1; i < file.Offset(end); i++ {
					if out[i] != '\n' {
						out[i] = ' '
					}
				}
				break signature
			case token.SEMICOLON:
				if parens == 0 {
					break signature // no body: an assembly function
				}
			case token.EOF:
				break signature
			}
			prev = tok
		}
	}
}

// spansAny reports whether a line of keep lies in [from, to].
func spansAny(keep map[int]bool, from, to int) bool {
	if len(keep) == 0 {
		return false
	}
	if to-from < len(keep) {
		for l := from; l <= to; l++ {
			if keep[l] {
				return true
			}
		}
		return false
	}
	for l := range keep {
		if l >= from && l <= to {
			return true
		}
	}
	return false
}
