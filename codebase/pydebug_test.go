package codebase

import (
	"context"
	"os"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
)

func TestPyDebugTypes(t *testing.T) {
	path := os.Getenv("PYDBG_FILE")
	if path == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(path)
	s := &snapshot{has: map[string]bool{}, reexported: map[string]bool{}}
	pf := &parsedFile{path: "x/mod.py", lang: "Python", src: src}
	h := &pyHierarchy{byName: map[string][]pyClass{"Flask": {{}}}}
	ps := newPyScopes(context.Background(), s, h)
	h.scopes = ps
	var walk func(n *sitter.Node)
	walk = func(n *sitter.Node) {
		if n.Type() == "attribute" {
			o := n.ChildByFieldName("object")
			t.Logf("%d %s -> %+v", n.StartPoint().Row+1, n.Content(src), ps.typeOf(pf, o, 0))
		}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			walk(n.NamedChild(i))
		}
	}
	walk(ps.root(pf))
}
