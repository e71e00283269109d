package codebase

//go:generate go run ../internal/genstdiface

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"
)

// A value of a standard-library type reaches a method of the repository
// only through a standard-library interface holding the repository's
// value, whose method then has the same name and arity (w.WriteHeader on
// an http.ResponseWriter reaches a wrapper's WriteHeader; req.Header.Add
// on an http.Header never reaches Router.Add, as no standard interface
// declares an Add of three parameters). Imports from outside the module
// are not type-checked, so whether a receiver is such a value is read
// from syntax: the declaration of the identifier it starts from (a
// parameter typed *http.Request, rec := httptest.NewRecorder()), or the
// declared type of a member of a module type (a method returning
// http.Header). Anything else stays unknown and is matched by name.

// stdGeneric are standard packages whose functions and types hand back
// values of the caller's types (slices.Clone, atomic.Pointer[T].Load,
// sync.OnceValue): their results may well be the repository's.
var stdGeneric = map[string]bool{
	"slices": true, "maps": true, "iter": true, "cmp": true, "sync": true, "sync/atomic": true,
	"unique": true, "weak": true, "container/list": true, "container/ring": true, "container/heap": true,
}

// stdReachable reports whether a call through some standard-library
// interface could land on target method t.
func (g *goTypes) stdReachable(t *target) bool {
	counts, ok := stdInterfaceArity[t.name]
	if !ok {
		return false
	}
	own := g.lookupType(t.cd.dir(), t.cd.file.syms.Package, t.cd.def.Container)
	if own == nil {
		return true
	}
	m, ok := ownMethod(own, t.name).(*types.Func)
	if !ok {
		return true
	}
	sig := m.Type().(*types.Signature)
	return slices.Contains(counts, sig.Params().Len())
}

// stdReceiver reports whether the receiver of the member reference at
// line:col of file p is provably a value of a standard-library type.
func (g *goTypes) stdReceiver(p, pkgName string, line, col int) bool {
	gp, recv := g.receiverAt(p, pkgName, line, col)
	return recv != nil && g.stdValue(gp, recv, 0)
}

// receiverAt is the checked package of file p and the receiver x of the
// member reference x.name at line:col; a nil receiver when there is none.
func (g *goTypes) receiverAt(p, pkgName string, line, col int) (*goPkg, ast.Expr) {
	gp := g.pkgs[pkgKey(dirOf(p), pkgName)]
	if gp == nil || gp.info == nil {
		return nil, nil
	}
	if _, sel := g.identAt(gp, p, line, col); sel != nil {
		return gp, sel.X
	}
	return nil, nil
}

// declOf is the declaration index of the file declaring obj and obj's
// offset there; a nil index when the file is unknown.
func (g *goTypes) declOf(obj types.Object) (*goDecls, int) {
	pos := g.fset.Position(obj.Pos())
	if pos.Filename == "" {
		return nil, 0
	}
	return g.declsOf(pos.Filename), pos.Offset
}

func (g *goTypes) stdValue(gp *goPkg, e ast.Expr, depth int) bool {
	if depth > 8 {
		return false
	}
	if tv, ok := gp.info.Types[e]; ok && knownElems(tv.Type) {
		return false // a type the checker knows: the module's or a builtin's
	}
	switch x := e.(type) {
	case *ast.ParenExpr:
		return g.stdValue(gp, x.X, depth+1)
	case *ast.StarExpr:
		return g.stdValue(gp, x.X, depth+1)
	case *ast.IndexExpr:
		return g.stdValue(gp, x.X, depth+1)
	case *ast.CallExpr:
		if s, ok := x.Fun.(*ast.SelectorExpr); ok {
			if sl, ok := gp.info.Selections[s]; ok {
				return g.stdDecl(gp, sl.Obj(), 0, depth+1) // a module method's result
			}
		}
		return g.stdValue(gp, x.Fun, depth+1)
	case *ast.SelectorExpr:
		if sl, ok := gp.info.Selections[x]; ok {
			return g.stdDecl(gp, sl.Obj(), 0, depth+1) // a module type's field
		}
		return g.stdValue(gp, x.X, depth+1) // a member of a standard value
	case *ast.CompositeLit:
		if d := g.declsOf(g.fset.Position(x.Pos()).Filename); d != nil && x.Type != nil {
			return g.stdType(x.Type, d.imports)
		}
	case *ast.Ident:
		switch o := gp.info.Uses[x].(type) {
		case *types.PkgName:
			return g.stdPath(o.Imported().Path())
		case *types.Var:
			return g.stdDecl(gp, o, 0, depth+1)
		}
	}
	return false
}

// knownElems is valid through pointers, slices, arrays, maps and
// channels: a []*http.Request is a slice the checker knows of elements it
// does not.
func knownElems(t types.Type) bool {
	for {
		switch x := t.(type) {
		case *types.Pointer:
			t = x.Elem()
		case *types.Slice:
			t = x.Elem()
		case *types.Array:
			t = x.Elem()
		case *types.Map:
			t = x.Elem()
		case *types.Chan:
			t = x.Elem()
		default:
			return valid(t)
		}
	}
}

// stdPath reports a standard-library import path that hands back only
// its own types.
func (g *goTypes) stdPath(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	if strings.Contains(first, ".") || p == "C" || stdGeneric[p] {
		return false
	}
	_, inModule := g.s.goImportDir(p)
	return !inModule
}

// stdDecl reports whether obj (a variable, field or function; for a
// function its result number i) is declared with a standard-library type,
// or, for a local declared without a type, initialised from a
// standard-library value.
func (g *goTypes) stdDecl(gp *goPkg, obj types.Object, i, depth int) bool {
	d, off := g.declOf(obj)
	if d == nil {
		return false
	}
	if fn, ok := d.funcs[off]; ok {
		if i < len(fn) {
			return g.stdType(fn[i], d.imports)
		}
		return false
	}
	if te, ok := d.types[off]; ok {
		return g.stdType(te, d.imports)
	}
	if v, ok := d.values[off]; ok && gp.files[d.path] == d.file {
		// Only in a file the checker saw with this very syntax can the
		// initialiser's identifiers be followed.
		if call, ok := v.expr.(*ast.CallExpr); ok && v.n > 1 {
			if s, ok := call.Fun.(*ast.SelectorExpr); ok {
				if sl, ok := gp.info.Selections[s]; ok {
					return g.stdDecl(gp, sl.Obj(), v.i, depth+1)
				}
			}
		}
		return g.stdValue(gp, v.expr, depth+1)
	}
	return false
}

// stdType reports a type expression naming a standard-library type, or a
// pointer, slice, array, map or channel of one (whose elements are then
// such values too). A generic instantiation is left unknown.
func (g *goTypes) stdType(e ast.Expr, imports map[string]string) bool {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.ArrayType:
			e = x.Elt
		case *ast.Ellipsis:
			e = x.Elt
		case *ast.MapType:
			e = x.Value
		case *ast.ChanType:
			e = x.Value
		case *ast.SelectorExpr:
			id, ok := x.X.(*ast.Ident)
			if !ok {
				return false
			}
			p, ok := imports[id.Name]
			return ok && g.stdPath(p)
		default:
			return false
		}
	}
}

// goDecls indexes one file's declarations by the offset of the name they
// declare.
type goDecls struct {
	path    string
	file    *ast.File
	imports map[string]string   // local package name → import path
	types   map[int]ast.Expr    // parameters, results, fields, typed vars
	funcs   map[int][]ast.Expr  // functions and methods: their result types
	values  map[int]goDeclValue // untyped vars, :=, range variables
}

type goDeclValue struct {
	expr ast.Expr
	i, n int // result i of n, for x, err := f()
}

func (g *goTypes) declsOf(p string) *goDecls {
	if g.decls == nil {
		g.decls = map[string]*goDecls{}
	}
	if d, ok := g.decls[p]; ok {
		return d
	}
	var f *ast.File
	var fset *token.FileSet
	for _, gp := range g.pkgs {
		if gp != nil && gp.files[p] != nil {
			f, fset = gp.files[p], g.fset
			break
		}
	}
	if f == nil {
		// A file the checker saw without its bodies or not at all (a
		// dependency): its declarations are read again.
		if src, ok := g.source(p); ok {
			fset = token.NewFileSet()
			f, _ = parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
		}
	}
	if f == nil {
		g.decls[p] = nil
		return nil
	}
	d := &goDecls{path: p, file: f, imports: map[string]string{}, types: map[int]ast.Expr{}, funcs: map[int][]ast.Expr{}, values: map[int]goDeclValue{}}
	for _, is := range f.Imports {
		ip, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		name := goGuessPackageName(ip)
		if is.Name != nil {
			name = is.Name.Name
		}
		d.imports[name] = ip
	}
	off := func(id *ast.Ident) int { return fset.Position(id.Pos()).Offset }
	fields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, fd := range fl.List {
			for _, n := range fd.Names {
				d.types[off(n)] = fd.Type
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			var res []ast.Expr
			if n.Type.Results != nil {
				for _, r := range n.Type.Results.List {
					for range max(len(r.Names), 1) {
						res = append(res, r.Type)
					}
				}
			}
			d.funcs[off(n.Name)] = res
			fields(n.Recv)
		case *ast.FuncType:
			fields(n.Params)
			fields(n.Results)
		case *ast.StructType:
			fields(n.Fields)
		case *ast.ValueSpec:
			for i, id := range n.Names {
				switch {
				case n.Type != nil:
					d.types[off(id)] = n.Type
				case len(n.Values) == len(n.Names):
					d.values[off(id)] = goDeclValue{n.Values[i], 0, 1}
				case len(n.Values) == 1:
					d.values[off(id)] = goDeclValue{n.Values[0], i, len(n.Names)}
				}
			}
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				break
			}
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok {
					continue
				}
				switch {
				case len(n.Rhs) == len(n.Lhs):
					d.values[off(id)] = goDeclValue{n.Rhs[i], 0, 1}
				case len(n.Rhs) == 1:
					d.values[off(id)] = goDeclValue{n.Rhs[0], i, len(n.Lhs)}
				}
			}
		case *ast.RangeStmt:
			// Ranging over a standard value yields standard values
			// (and ints, which the checker knows).
			if n.Tok == token.DEFINE {
				for _, l := range []ast.Expr{n.Key, n.Value} {
					if id, ok := l.(*ast.Ident); ok {
						d.values[off(id)] = goDeclValue{n.X, 0, 1}
					}
				}
			}
		}
		return true
	})
	g.decls[p] = d
	return d
}

// stdConcreteReceiver reports whether the receiver of the member
// reference at line:col of file p is an identifier declared with a
// concrete type of the standard library (var b bytes.Buffer, sb :=
// &strings.Builder{}, w *bufio.Writer, new(bytes.Buffer)): its methods
// are the library's, whatever their names, since only an interface value
// can hold the module's types.
func (g *goTypes) stdConcreteReceiver(p, pkgName string, line, col int) bool {
	gp, recv := g.receiverAt(p, pkgName, line, col)
	id, ok := recv.(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := gp.info.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	d, off := g.declOf(v)
	if d == nil {
		return false
	}
	if te, ok := d.types[off]; ok {
		return g.stdConcrete(te, d.imports)
	}
	dv, ok := d.values[off]
	if !ok || dv.n != 1 {
		return false
	}
	switch x := dv.expr.(type) {
	case *ast.UnaryExpr: // &bytes.Buffer{}
		if cl, ok := x.X.(*ast.CompositeLit); ok && x.Op == token.AND {
			return g.stdConcrete(cl.Type, d.imports)
		}
	case *ast.CompositeLit: // bytes.Buffer{}
		return g.stdConcrete(x.Type, d.imports)
	case *ast.CallExpr: // new(strings.Builder)
		if fn, ok := x.Fun.(*ast.Ident); ok && fn.Name == "new" && len(x.Args) == 1 && gp.info.Uses[fn] == types.Universe.Lookup("new") {
			return g.stdConcrete(x.Args[0], d.imports)
		}
	}
	return false
}

// stdConcrete reports a type expression naming a standard-library type
// that is not an interface, or a pointer to one.
func (g *goTypes) stdConcrete(e ast.Expr, imports map[string]string) bool {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X // a pointer is never an interface; what it points to may be
	}
	x, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := x.X.(*ast.Ident)
	if !ok {
		return false
	}
	p, ok := imports[id.Name]
	return ok && g.stdPath(p) && !stdInterfaceTypes[p+"."+x.Sel.Name]
}
