package codebase

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"strconv"

	"github.com/reviewbot/reviewbot/languages"
)

// goDecl is what a Go declaration promises its users, read from the syntax
// tree: its header (receiver, name, type parameters, parameters, results;
// for a const or var its declared type; for a type its kind or underlying
// type; for a field its type) and, apart, its value (a const or var
// initializer, a struct tag), which users see but which is no signature.
type goDecl struct {
	header, value string
}

// Change descriptions that are not the change kind's default wording.
const (
	whatValue   = "value changed"
	whatTag     = "struct tag changed"
	whatRegroup = "moved into or out of a declaration group; type and value unchanged"
	whatMoved   = "moved within its struct; type and tag unchanged"
)

// goDecls reads the declarations of a Go file once, keyed like
// Definition.QualifiedName, with the line of the name so that a name
// declared twice (methods of two build variants) is told apart.
func goDecls(pf *parsedFile) map[string]goDecl {
	pf.declOnce.Do(func() {
		pf.decls = map[string]goDecl{}
		fset := token.NewFileSet()
		f, _ := parser.ParseFile(fset, pf.path, pf.src, parser.SkipObjectResolution)
		if f == nil {
			return
		}
		text := func(n ast.Node) string {
			if n == nil {
				return ""
			}
			var b bytes.Buffer
			if printer.Fprint(&b, fset, n) != nil {
				return ""
			}
			return normalizeSpace(b.String())
		}
		put := func(container string, id *ast.Ident, d goDecl) {
			if id == nil || id.Name == "_" {
				return
			}
			q := id.Name
			if container != "" {
				q = container + "." + q
			}
			pf.decls[q] = d
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				h := "func "
				recv := ""
				if d.Recv != nil && len(d.Recv.List) > 0 {
					h += "(" + text(d.Recv.List[0].Type) + ") "
					recv = receiverName(d.Recv.List[0].Type)
				}
				put(recv, d.Name, goDecl{header: h + d.Name.Name + text(d.Type)})
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.ValueSpec:
						for i, n := range s.Names {
							v := ""
							if len(s.Values) == len(s.Names) {
								v = text(s.Values[i])
							} else if len(s.Values) > 0 {
								v = text(s.Values[0]) + "#" + strconv.Itoa(i)
							}
							put("", n, goDecl{header: d.Tok.String() + " " + text(s.Type), value: v})
						}
					case *ast.TypeSpec:
						h := "type" + text(s.TypeParams)
						if s.Assign.IsValid() {
							h += " ="
						}
						switch t := s.Type.(type) {
						case *ast.StructType:
							h += " struct"
							for _, fl := range t.Fields.List {
								tag := ""
								if fl.Tag != nil {
									tag = fl.Tag.Value
								}
								if len(fl.Names) == 0 {
									put(s.Name.Name, &ast.Ident{Name: languages.GoEmbeddedName(fl.Type)}, goDecl{header: "embedded " + text(fl.Type), value: tag})
								}
								for _, n := range fl.Names {
									put(s.Name.Name, n, goDecl{header: "field " + text(fl.Type), value: tag})
								}
							}
						case *ast.InterfaceType:
							h += " interface"
							for _, m := range t.Methods.List {
								for _, n := range m.Names {
									put(s.Name.Name, n, goDecl{header: "method " + text(m.Type)})
								}
							}
						default:
							h += " " + text(s.Type)
						}
						put("", s.Name, goDecl{header: h})
					}
				}
			}
		}
	})
	return pf.decls
}

// receiverName is the receiver's type name without pointer or type
// arguments, as Definition.Container has it.
func receiverName(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// compareGoDecls classifies a Go definition present on both sides by its
// declaration rather than its text: a changed header is a signature
// change; a changed value or tag, or only a body edit (also on a one-line
// function), is not; a const moved into a const (...) group is neither.
// ok is false when either side could not be read.
func compareGoDecls(bf *parsedFile, bd languages.Definition, hf *parsedFile, hd languages.Definition) (change, what string, ok bool) {
	b, okb := goDecls(bf)[bd.QualifiedName()]
	h, okh := goDecls(hf)[hd.QualifiedName()]
	if !okb || !okh {
		return "", "", false
	}
	switch {
	case b.header != h.header:
		return ChangeSignature, "", true
	case b.value != h.value && (hd.Kind == languages.KindConstant || hd.Kind == languages.KindVariable && hd.Container == ""):
		return ChangeModified, whatValue, true
	case b.value != h.value:
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
