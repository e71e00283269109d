package codebase

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

const blankSrc = `package p

import "fmt"

type T struct{ f func() int }

var table = map[string]func() string{
	"a": func() string { return "}" },
}

func (t *T) M(x struct{ a int }) interface{ N() } {
	s := "{ not a brace"
	_ = '{'
	return nil // }
}

func G[K comparable](k K) struct{ v K } {
	fmt.Println(k)
	return struct{ v K }{k}
}

func Kept() {
	fmt.Println("kept")
}

func asm(x int) int
func after() { fmt.Println("after") }
`

func TestBlankBodiesKeepsDeclarationsAndPositions(t *testing.T) {
	keep := map[int]bool{lineOf(t, blankSrc, `fmt.Println("kept")`): true}
	out := blankBodies([]byte(blankSrc), keep)
	if len(out) != len(blankSrc) || bytes.Count(out, []byte("\n")) != strings.Count(blankSrc, "\n") {
		t.Fatalf("length or lines changed:\n%s", out)
	}
	for i := range out {
		if (out[i] == '\n') != (blankSrc[i] == '\n') {
			t.Fatalf("newline moved at offset %d", i)
		}
	}
	s := string(out)
	for _, gone := range []string{`not a brace`, `fmt.Println(k)`, `return nil`, `"after"`} {
		if strings.Contains(s, gone) {
			t.Errorf("body text %q left:\n%s", gone, s)
		}
	}
	for _, kept := range []string{`fmt.Println("kept")`, `"a": func() string { return "}" }`, `func (t *T) M(x struct{ a int }) interface{ N() } {`, `func G[K comparable](k K) struct{ v K } {`, `func asm(x int) int`} {
		if !strings.Contains(s, kept) {
			t.Errorf("%q lost:\n%s", kept, s)
		}
	}
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", out, 0)
	if err != nil {
		t.Fatalf("blanked source does not parse: %v\n%s", err, s)
	}
	var names []string
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			names = append(names, fd.Name.Name)
		}
	}
	if got := strings.Join(names, " "); got != "M G Kept asm after" {
		t.Errorf("functions = %q", got)
	}
}

// FuzzBlankBodies: whatever the input, blanking keeps the length and the
// newlines, and never turns source that parses into source that does not.
func FuzzBlankBodies(f *testing.F) {
	f.Add(blankSrc)
	f.Add("package p\nfunc f() {\n\tif x { y() }\n}\n")
	f.Add("package p\nfunc (")
	f.Add("package p\nvar x = func() { `\n}` }\n")
	f.Fuzz(func(t *testing.T, src string) {
		out := blankBodies([]byte(src), nil)
		if len(out) != len(src) {
			t.Fatalf("length %d, want %d", len(out), len(src))
		}
		for i := range out {
			if (out[i] == '\n') != (src[i] == '\n') {
				t.Fatalf("newline moved at offset %d", i)
			}
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0); err == nil {
			if _, err := parser.ParseFile(token.NewFileSet(), "p.go", out, 0); err != nil {
				t.Fatalf("parsed before blanking, not after: %v\n%s", err, out)
			}
		}
	})
}
