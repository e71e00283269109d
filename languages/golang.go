package languages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
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
	g := goWalker{fset: fset, fs: fs, skip: map[*ast.Ident]bool{}, qual: map[*ast.Ident]string{}, qtype: map[*ast.Ident]string{}, member: map[*ast.Ident]bool{}}
	g.tf = fset.File(f.Pos())
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
// filled when the selector is visited so the identifier below can read it;
// member holds selector right sides and keyed composite-literal fields.
//
// Inside functions the walker keeps the block scopes and the names declared
// in them (parameters, results, :=, var, const, type, range variables), so
// that a bare identifier naming a local is not reported as a use of a
// package-level definition of the same name.
type goWalker struct {
	fset   *token.FileSet
	tf     *token.File // the file, for byte offsets
	fs     *FileSymbols
	skip   map[*ast.Ident]bool
	qual   map[*ast.Ident]string
	qtype  map[*ast.Ident]string // selector right side → its qualifier's declared type
	member map[*ast.Ident]bool
	stack  []ast.Node // the path from the file to the current node
	scopes []goScope  // open local scopes, innermost last
	// importNames holds the names the file's imports may go by, built on
	// first use.
	importNames map[string]bool
}

// goScope is one local scope: the node that opened it and the names
// declared in it so far (nil until the first), each with the type its
// declaration spells ("" when the syntax does not say).
type goScope struct {
	node  ast.Node
	names map[string]string
}

// span is the byte range from..to of the file, empty when either is
// invalid.
func (g *goWalker) span(from, to token.Pos) ByteSpan {
	if g.tf == nil || !from.IsValid() || !to.IsValid() || to < from {
		return ByteSpan{}
	}
	return ByteSpan{Start: g.tf.Offset(from), End: g.tf.Offset(to)}
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
		Header:       g.span(d.Type.Func, d.Type.End()),
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
		Header:       g.span(s.Name.Pos(), s.Type.End()),
	}
	// For structs and interfaces the header ends at the opening brace; the
	// members below it are the body.
	switch t := s.Type.(type) {
	case *ast.StructType:
		if t.Fields != nil && t.Fields.Opening.IsValid() {
			def.SignatureEnd = g.line(t.Fields.Opening)
			def.Header = g.span(s.Name.Pos(), t.Fields.Opening)
		}
		g.addFields(s.Name.Name, t)
	case *ast.InterfaceType:
		def.Kind = KindInterface
		if t.Methods != nil && t.Methods.Opening.IsValid() {
			def.SignatureEnd = g.line(t.Methods.Opening)
			def.Header = g.span(s.Name.Pos(), t.Methods.Opening)
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
				Header:       g.span(field.Type.Pos(), field.Type.End()),
			})
		}
	}
}

// addFields records struct fields as members of the struct, so that a
// change to one field line is traced to the uses of that field rather than
// to every use of the type. An embedded field is named by its type.
func (g *goWalker) addFields(typ string, t *ast.StructType) {
	for _, field := range t.Fields.List {
		def := Definition{
			Container:    typ,
			Kind:         KindVariable,
			StartLine:    g.line(field.Pos()),
			SignatureEnd: g.line(field.End()),
			EndLine:      g.line(field.End()),
			Header:       g.span(field.Type.Pos(), field.Type.End()),
		}
		if field.Tag != nil {
			def.Value = g.span(field.Tag.Pos(), field.Tag.End())
		}
		if len(field.Names) == 0 {
			name := embeddedName(field.Type)
			if name == "" {
				continue
			}
			def.Name, def.Exported = name, ast.IsExported(name)
			g.fs.Definitions = append(g.fs.Definitions, def)
			continue
		}
		for _, name := range field.Names {
			if name.Name == "_" {
				continue
			}
			def.Name, def.Exported = name.Name, ast.IsExported(name.Name)
			g.fs.Definitions = append(g.fs.Definitions, def)
		}
	}
}

// embeddedName is the field name of an embedded type: T for T, *T, pkg.T
// and T[A].
func embeddedName(e ast.Expr) string {
	if sel, ok := e.(*ast.SelectorExpr); ok && sel.Sel != nil {
		return sel.Sel.Name
	}
	if star, ok := e.(*ast.StarExpr); ok {
		return embeddedName(star.X)
	}
	return receiverTypeName(e)
}

func (g *goWalker) addValues(s *ast.ValueSpec, tok token.Token, start token.Pos) {
	kind := KindVariable
	if tok == token.CONST {
		kind = KindConstant
	}
	for i, name := range s.Names {
		if name.Name == "_" {
			continue
		}
		d := Definition{
			Name:         name.Name,
			Kind:         kind,
			StartLine:    g.line(start),
			SignatureEnd: g.line(name.End()),
			EndLine:      g.line(s.End()),
			Exported:     ast.IsExported(name.Name),
		}
		if s.Type != nil {
			d.Header = g.span(s.Type.Pos(), s.Type.End())
		}
		switch {
		case len(s.Values) == len(s.Names):
			d.Value = g.span(s.Values[i].Pos(), s.Values[i].End())
		case len(s.Values) > 0:
			d.Value = g.span(s.Values[0].Pos(), s.Values[len(s.Values)-1].End())
		}
		g.fs.Definitions = append(g.fs.Definitions, d)
	}
}

// visit is the ast.Inspect callback. Parents are visited before children, so
// a node can mark its own identifiers (as names or as selector right sides)
// before the walk reaches them. A nil node ends the current node's subtree.
func (g *goWalker) visit(n ast.Node) bool {
	if n == nil {
		top := g.stack[len(g.stack)-1]
		g.stack = g.stack[:len(g.stack)-1]
		if len(g.scopes) > 0 && g.scopes[len(g.scopes)-1].node == top {
			g.scopes = g.scopes[:len(g.scopes)-1]
		}
		return true
	}
	g.stack = append(g.stack, n)
	switch n := n.(type) {
	case *ast.FuncDecl:
		g.scopes = append(g.scopes, goScope{node: n})
		if n.Recv != nil {
			g.declareFields(n.Recv)
		}
		g.declareFuncType(n.Type)
	case *ast.FuncLit:
		g.scopes = append(g.scopes, goScope{node: n})
		g.declareFuncType(n.Type)
	case *ast.BlockStmt, *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt,
		*ast.TypeSwitchStmt, *ast.SelectStmt, *ast.CaseClause, *ast.CommClause:
		if len(g.scopes) > 0 {
			g.scopes = append(g.scopes, goScope{node: n})
		}
	}
	switch n := n.(type) {
	case *ast.SelectorExpr:
		if n.Sel != nil {
			g.qual[n.Sel] = selectorQualifier(n.X)
			if q := g.qual[n.Sel]; q != "" && g.importNamed(q) && !g.packageQualifier(n.X) {
				// A local or a field that shares an imported package's
				// name (fs := NewMemMapFs() beside import "io/fs"; s.fs):
				// not that package, whatever the name says.
				g.qual[n.Sel] = ""
			}
			g.member[n.Sel] = true
			if x, ok := n.X.(*ast.Ident); ok {
				if t := g.localType(x.Name); t != "" {
					g.qtype[n.Sel] = t
				}
			}
		}
	case *ast.CompositeLit:
		// T{Name: v} names field Name of T; a map literal's keys are values.
		if _, isMap := n.Type.(*ast.MapType); !isMap {
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						g.member[id] = true
					}
				}
			}
		}
	case *ast.Field:
		g.skipAll(n.Names)
	case *ast.ValueSpec:
		g.skipAll(n.Names)
		for _, id := range n.Names {
			g.declareTyped(id, typeText(n.Type))
		}
	case *ast.TypeSpec:
		g.skip[n.Name] = true
		g.declare(n.Name)
	case *ast.AssignStmt:
		// x := ... declares x; plain assignment uses it.
		if n.Tok == token.DEFINE {
			for i, e := range n.Lhs {
				if id, ok := e.(*ast.Ident); ok {
					g.skip[id] = true
					t := ""
					if len(n.Rhs) == len(n.Lhs) {
						t = constructedType(n.Rhs[i])
					}
					g.declareTyped(id, t)
				}
			}
		}
	case *ast.RangeStmt:
		if n.Tok == token.DEFINE {
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					g.skip[id] = true
					g.declare(id)
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
		q, isSel := g.qual[n]
		member := g.member[n]
		if !isSel && !member && g.isLocal(n.Name) {
			return true // a use of a local, not of a package-level name
		}
		pos := g.fset.Position(n.Pos())
		g.fs.References = append(g.fs.References, Reference{
			Name:          n.Name,
			Qualifier:     q,
			QualifierType: g.qtype[n],
			Member:        member,
			Line:          pos.Line,
			Column:        pos.Column,
		})
	}
	return true
}

// declareFuncType declares a function's parameters and results in the
// function's scope.
func (g *goWalker) declareFuncType(t *ast.FuncType) {
	if t == nil {
		return
	}
	if t.TypeParams != nil {
		g.declareFields(t.TypeParams)
	}
	if t.Params != nil {
		g.declareFields(t.Params)
	}
	if t.Results != nil {
		g.declareFields(t.Results)
	}
}

func (g *goWalker) declareFields(fl *ast.FieldList) {
	for _, f := range fl.List {
		t := typeText(f.Type)
		for _, id := range f.Names {
			g.declareTyped(id, t)
		}
	}
}

// typeText is a named type as written, without type arguments: "T",
// "pkg.T", with a "*" before it through a pointer; "" for any other type
// expression.
func typeText(e ast.Expr) string {
	star := ""
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			if star != "" {
				return "" // a pointer to a pointer has no methods
			}
			star, e = "*", t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return star + t.Name
		case *ast.SelectorExpr:
			if x, ok := t.X.(*ast.Ident); ok && t.Sel != nil {
				return star + x.Name + "." + t.Sel.Name
			}
			return ""
		default:
			return ""
		}
	}
}

// constructedType is the type a := right side visibly builds: T{...},
// &T{...}, new(T); "" otherwise.
func constructedType(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			if t := constructedType(x.X); t != "" && t[0] != '*' {
				return "*" + t
			}
		}
	case *ast.CompositeLit:
		return typeText(x.Type)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "new" && len(x.Args) == 1 {
			if t := typeText(x.Args[0]); t != "" && t[0] != '*' {
				return "*" + t
			}
		}
	}
	return ""
}

// declare adds a name to the innermost local scope; outside functions it
// does nothing, package-level names being definitions.
func (g *goWalker) declare(id *ast.Ident) { g.declareTyped(id, "") }

// declareTyped declares a local with the type its declaration spells.
func (g *goWalker) declareTyped(id *ast.Ident, typ string) {
	if len(g.scopes) == 0 || id == nil || id.Name == "_" {
		return
	}
	s := &g.scopes[len(g.scopes)-1]
	if s.names == nil {
		s.names = map[string]string{}
	}
	s.names[id.Name] = typ
}

// localType is the declared type of the innermost local called name, ""
// when there is none or its declaration does not spell a named type.
func (g *goWalker) localType(name string) string {
	for i := len(g.scopes) - 1; i >= 0; i-- {
		if t, ok := g.scopes[i].names[name]; ok {
			return t
		}
	}
	return ""
}

// isLocal reports whether name is declared in an open local scope.
func (g *goWalker) isLocal(name string) bool {
	for i := len(g.scopes) - 1; i >= 0; i-- {
		if _, ok := g.scopes[i].names[name]; ok {
			return true
		}
	}
	return false
}

func (g *goWalker) skipAll(ids []*ast.Ident) {
	for _, id := range ids {
		g.skip[id] = true
	}
}

// selectorQualifier is the identifier immediately left of a selector: "x" in
// x.Sel and "b" in a.b.Sel; calls, indexes and other expressions give "".
// importNamed reports whether name may be the local name of one of the
// file's imports: its alias, or the last element of its path (before a
// major-version suffix, with and without a "go-" prefix).
func (g *goWalker) importNamed(name string) bool {
	if g.importNames == nil {
		g.importNames = map[string]bool{}
		for _, im := range g.fs.Imports {
			if im.Alias != "" {
				g.importNames[im.Alias] = true
				continue
			}
			elems := strings.Split(im.Path, "/")
			last := elems[len(elems)-1]
			if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
				last = elems[len(elems)-2]
			}
			g.importNames[last] = true
			g.importNames[strings.TrimPrefix(last, "go-")] = true
			g.importNames[strings.ReplaceAll(last, "-", "_")] = true
		}
	}
	return g.importNames[name]
}

// packageQualifier reports whether the left side of a selector can name an
// imported package: a bare identifier that no open local scope declares.
func (g *goWalker) packageQualifier(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	return ok && !g.isLocal(id.Name)
}

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
