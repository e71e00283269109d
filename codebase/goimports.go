package codebase

import (
	"context"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// goImportGraph answers which Go packages of the head snapshot can name
// another's types, from their import blocks alone (memoized per analysis).
type goImportGraph struct {
	closure  map[string]map[string]bool // directory → directories it imports, directly or not
	imported map[string][]string        // directory → directories its files import
}

// goReaches reports whether the Go package in directory from can name the
// types of the package in directory to: it is that package, or imports it
// directly or through other packages of the module (test files count).
// A package outside that closure holds a value of to's types only as an
// interface, so a selector there is not a static use of to's members;
// gopls searches references in the same packages. Outside module mode
// (no go.mod) import paths cannot be placed and everything reaches.
func (a *analyzer) goReaches(ctx context.Context, from, to string) bool {
	if from == to || len(a.head.modules) == 0 {
		return true
	}
	if goToolIgnored(from) {
		return false
	}
	g := &a.goImports
	if g.closure == nil {
		g.closure, g.imported = map[string]map[string]bool{}, map[string][]string{}
	}
	c, ok := g.closure[from]
	if !ok {
		c = map[string]bool{}
		queue := []string{from}
		for len(queue) > 0 {
			d := queue[0]
			queue = queue[1:]
			for _, im := range a.goImportedDirs(ctx, d) {
				if !c[im] {
					c[im] = true
					queue = append(queue, im)
				}
			}
		}
		g.closure[from] = c
	}
	return c[to]
}

// goImportedDirs lists the module directories the Go files of dir import.
func (a *analyzer) goImportedDirs(ctx context.Context, dir string) []string {
	g := &a.goImports
	if out, ok := g.imported[dir]; ok {
		return out
	}
	var out []string
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, p := range a.head.byDir[dir] {
		if !strings.HasSuffix(p, ".go") {
			continue
		}
		var data []byte
		if pf, _, ok := a.head.lookup(p); ok && pf != nil {
			data = pf.src
		} else if d, err := a.head.read(ctx, p); err == nil {
			data = d
		}
		f, _ := parser.ParseFile(fset, p, data, parser.ImportsOnly)
		if f == nil {
			continue
		}
		for _, is := range f.Imports {
			ip, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				continue
			}
			if d, ok := a.head.goImportDir(ip); ok && !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	g.imported[dir] = out
	return out
}

// goToolIgnored reports a path the go command leaves out of the module's
// packages: a directory or file whose name starts with "_" or "." and
// anything under testdata ("go build ./...", "go vet ./..." and gopls
// never compile _examples/main.go against the module). Code there uses
// the module only as an outside program would, unchecked; it is not listed
// as a use of another directory's definitions.
func goToolIgnored(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == "testdata" || strings.HasPrefix(e, "_") || strings.HasPrefix(e, ".") && e != "." && e != ".." {
			return true
		}
	}
	return false
}
