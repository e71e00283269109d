package languages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

func init() { extractors["Go"] = extractGo }

// extractGo reads Go source with the standard library's parser. A file with
// syntax errors still yields whatever the parser recovered: a review often
// looks at work in progress, and half a symbol table beats none.
func extractGo(path string, src []byte) (*FileSymbols, error) {
	fset := token.NewFileSet()
	// SkipObjectResolution: we resolve nothing ourselves and it saves time.
	f, _ := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	fs := &FileSymbols{}
	if f == nil {
		return fs, nil
	}
	g := goWalker{fset: fset, fs: fs, skip: map[*ast.Ident]bool{}, qual: map[*ast.Ident]string{}}
	if f.Name != nil {
		fs.Package = f.Name.Name
		g.skip[f.Name] = true
	}
	for _, imp := range f.Imports {
		g.addImport(imp)
	}
	for _, decl := range f.Decls {
		g.addDecl(decl)
	}
	ast.Inspect(f, g.visit)
	return fs, nil
}

// goWalker collects Go symbols. skip holds identifiers that name something
// rather than use it; qual holds the qualifier of each selector's right side,
// filled when the selector is visited so the identifier below can read it.
type goWalker struct {
	fset *token.FileSet
	fs   *FileSymbols
	skip map[*ast.Ident]bool
	qual map[*ast.Ident]string
}

func (g *goWalker) line(p token.Pos) int {
	if !p.IsValid() {
		return 0
	}
	return g.fset.Position(p).Line
}

func (g *goWalker) addImport(imp *ast.ImportSpec) {
	if imp.Path == nil {
		return
	}
	path, err := strconv.Unquote(imp.Path.Value)
	if err != nil {
		// A broken literal in a half-typed import: keep the raw text.
		path = imp.Path.Value
	}
	im := Import{Path: path, Line: g.line(imp.Pos())}
	if imp.Name != nil {
		im.Alias = imp.Name.Name
		g.skip[imp.Name] = true
	}
	g.fs.Imports = append(g.fs.Imports, im)
}

// addDecl records the package-level definitions of one declaration.
func (g *goWalker) addDecl(decl ast.Decl) {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		g.addFunc(d)
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			// An unparenthesised declaration starts at its keyword, which
			// may sit on an earlier line than the spec in odd layouts.
			start := spec.Pos()
			if !d.Lparen.IsValid() {
				start = d.Pos()
			}
			switch s := spec.(type) {
			case *ast.TypeSpec:
				g.addType(s, start)
			case *ast.ValueSpec:
				g.addValues(s, d.Tok, start)
			}
		}
	}
}

func (g *goWalker) addFunc(d *ast.FuncDecl) {
	if d.Name == nil {
		return
	}
	g.skip[d.Name] = true
	def := Definition{
		Name:         d.Name.Name,
		Kind:         KindFunction,
		StartLine:    g.line(d.Pos()),
		SignatureEnd: g.line(d.Type.End()),
		EndLine:      g.line(d.End()),
		Exported:     ast.IsExported(d.Name.Name),
	}
	if d.Recv != nil && len(d.Recv.List) > 0 {
		def.Kind = KindMethod
		def.Container = receiverTypeName(d.Recv.List[0].Type)
	}
	g.fs.Definitions = append(g.fs.Definitions, def)
}

// receiverTypeName strips pointers, parentheses and type arguments from a
// receiver so that (s *Server[T]) yields "Server".
func receiverTypeName(e ast.Expr) string {
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

func (g *goWalker) addType(s *ast.TypeSpec, start token.Pos) {
	if s.Name == nil {
		return
	}
	g.skip[s.Name] = true
	def := Definition{
		Name:         s.Name.Name,
		Kind:         KindType,
		StartLine:    g.line(start),
		SignatureEnd: g.line(s.End()),
		EndLine:      g.line(s.End()),
		Exported:     ast.IsExported(s.Name.Name),
	}
	// For structs and interfaces the header ends at the opening brace; the
	// members below it are the body.
	switch t := s.Type.(type) {
	case *ast.StructType:
		if t.Fields != nil && t.Fields.Opening.IsValid() {
			def.SignatureEnd = g.line(t.Fields.Opening)
		}
	case *ast.InterfaceType:
		def.Kind = KindInterface
		if t.Methods != nil && t.Methods.Opening.IsValid() {
			def.SignatureEnd = g.line(t.Methods.Opening)
		}
		g.addInterfaceMethods(s.Name.Name, t)
	}
	g.fs.Definitions = append(g.fs.Definitions, def)
}

// addInterfaceMethods records interface methods as methods of the interface,
// so that a changed method signature can be traced to its callers.
func (g *goWalker) addInterfaceMethods(iface string, t *ast.InterfaceType) {
	if t.Methods == nil {
		return
	}
	for _, field := range t.Methods.List {
		if _, ok := field.Type.(*ast.FuncType); !ok {
			continue // an embedded interface or a type-set term
		}
		for _, name := range field.Names {
			g.fs.Definitions = append(g.fs.Definitions, Definition{
				Name:         name.Name,
				Container:    iface,
				Kind:         KindMethod,
				StartLine:    g.line(field.Pos()),
				SignatureEnd: g.line(field.End()),
				EndLine:      g.line(field.End()),
				Exported:     ast.IsExported(name.Name),
			})
		}
	}
}

func (g *goWalker) addValues(s *ast.ValueSpec, tok token.Token, start token.Pos) {
	kind := KindVariable
	if tok == token.CONST {
		kind = KindConstant
	}
	for _, name := range s.Names {
		if name.Name == "_" {
			continue
		}
		g.fs.Definitions = append(g.fs.Definitions, Definition{
			Name:         name.Name,
			Kind:         kind,
			StartLine:    g.line(start),
			SignatureEnd: g.line(name.End()),
			EndLine:      g.line(s.End()),
			Exported:     ast.IsExported(name.Name),
		})
	}
}

// visit is the ast.Inspect callback. Parents are visited before children, so
// a node can mark its own identifiers (as names or as selector right sides)
// before the walk reaches them.
func (g *goWalker) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.SelectorExpr:
		if n.Sel != nil {
			g.qual[n.Sel] = selectorQualifier(n.X)
		}
	case *ast.Field:
		g.skipAll(n.Names)
	case *ast.ValueSpec:
		g.skipAll(n.Names)
	case *ast.TypeSpec:
		g.skip[n.Name] = true
	case *ast.AssignStmt:
		// x := ... declares x; plain assignment uses it.
		if n.Tok == token.DEFINE {
			for _, e := range n.Lhs {
				if id, ok := e.(*ast.Ident); ok {
					g.skip[id] = true
				}
			}
		}
	case *ast.RangeStmt:
		if n.Tok == token.DEFINE {
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					g.skip[id] = true
				}
			}
		}
	case *ast.LabeledStmt:
		g.skip[n.Label] = true
	case *ast.BranchStmt:
		if n.Label != nil {
			g.skip[n.Label] = true
		}
	case *ast.Ident:
		if g.skip[n] || n.Name == "_" {
			return true
		}
		pos := g.fset.Position(n.Pos())
		g.fs.References = append(g.fs.References, Reference{
			Name:      n.Name,
			Qualifier: g.qual[n],
			Line:      pos.Line,
			Column:    pos.Column,
		})
	}
	return true
}

func (g *goWalker) skipAll(ids []*ast.Ident) {
	for _, id := range ids {
		g.skip[id] = true
	}
}

// selectorQualifier is the identifier immediately left of a selector: "x" in
// x.Sel and "b" in a.b.Sel; calls, indexes and other expressions give "".
func selectorQualifier(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		if x.Sel != nil {
			return x.Sel.Name
		}
	}
	return ""
}
