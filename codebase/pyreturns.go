package codebase

import (
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// Two more sources of receiver types, read from the syntax: the return
// annotation of a repository function or method (def make() -> Foo makes
// make().m a Foo's; -> dict[str, int] a builtin's), and isinstance
// narrowing (inside if isinstance(x, C): x holds a C).

// defReturnType is what calling function definition fn gives, when its
// return annotation names one class (a repository class or a builtin).
// A decorator other than staticmethod and classmethod may wrap the
// result, and an async def gives a coroutine: both unknown.
func (ps *pyScopes) defReturnType(pf *parsedFile, fn *sitter.Node) pyType {
	return ps.annotatedReturn(pf, fn, false)
}

// propertyType is what reading property fn (a def under @property or
// @cached_property) gives, by its return annotation.
func (ps *pyScopes) propertyType(pf *parsedFile, fn *sitter.Node) pyType {
	return ps.annotatedReturn(pf, fn, true)
}

// annotatedReturn reads fn's return annotation; prop asks for a
// property's, whose def must be decorated as one.
func (ps *pyScopes) annotatedReturn(pf *parsedFile, fn *sitter.Node, prop bool) pyType {
	if fn == nil || fn.Type() != "function_definition" {
		return unknownType
	}
	isProp := false
	if fn.ChildCount() > 0 && fn.Child(0).Type() == "async" {
		return unknownType
	}
	if p := fn.Parent(); p != nil && p.Type() == "decorated_definition" {
		for i := 0; i < int(p.NamedChildCount()); i++ {
			d := p.NamedChild(i)
			if d.Type() != "decorator" {
				continue
			}
			switch strings.TrimSpace(strings.TrimPrefix(d.Content(pf.src), "@")) {
			case "staticmethod", "classmethod":
			case "property", "cached_property", "functools.cached_property":
				isProp = true
			default:
				return unknownType
			}
		}
	}
	if isProp != prop {
		return unknownType
	}
	rt := ps.annotType(pf, fn.ChildByFieldName("return_type"))
	if rt.kind == pyInstance || rt.kind == pyForeign {
		return rt
	}
	return unknownType
}

// defsReturnType merges the return types of bindings bs of a called
// name: every one must be a def (in pf) or a from-import of a repository
// module's def.
func (ps *pyScopes) defsReturnType(pf *parsedFile, bs []binding, name string, depth int) pyType {
	if len(bs) == 0 || depth > maxTypeDepth {
		return unknownType
	}
	t := pyType{kind: pyNone}
	for _, b := range bs {
		var bt pyType
		switch b.kind {
		case "def":
			bt = ps.defReturnType(pf, b.node)
		case "from":
			bt = ps.importedReturnType(pf, b.node, name, depth+1)
		default:
			return unknownType
		}
		t = t.merge(bt)
		if t == unknownType {
			return t
		}
	}
	if t.kind == pyNone {
		return unknownType
	}
	return t
}

// importedReturnType is what calling name, bound by from M import name
// with M a module of the repository, gives when M defines it by def.
func (ps *pyScopes) importedReturnType(pf *parsedFile, stmt *sitter.Node, name string, depth int) pyType {
	orig, _ := fromImportBinds(pf.src, stmt, name)
	mod := stmt.ChildByFieldName("module_name")
	if mod == nil || orig == "" || orig == "*" {
		return unknownType
	}
	res, rel := ps.s.resolve(ps.ctx, pf, mod.Content(pf.src))
	if !rel && !ps.inRepo(res) {
		return unknownType
	}
	key := res
	if !rel {
		key = ps.repoKey(res)
	}
	if key == "" {
		return unknownType
	}
	if mf := ps.moduleFile(key); mf != nil {
		return ps.moduleDefReturnType(mf, orig, depth)
	}
	return unknownType
}

// moduleDefReturnType is what calling module-level name of module file mf
// gives, when mf defines it by def (or imports it from a module that
// does).
func (ps *pyScopes) moduleDefReturnType(mf *parsedFile, name string, depth int) pyType {
	bs, _ := ps.scopeOf(mf, ps.root(mf), name)
	return ps.defsReturnType(mf, bs, name, depth)
}

// methodReturnType is what calling member name of an instance (or the
// class object) of the repository class named class gives: the return
// annotation of the method the class declares or inherits. Every class
// of that name must agree.
func (ps *pyScopes) methodReturnType(class, name string, depth int) pyType {
	return ps.memberType(class, name, false, depth)
}

// memberType is methodReturnType, or with prop the type property name
// of the class reads as.
func (ps *pyScopes) memberType(class, name string, prop bool, depth int) pyType {
	if depth > maxTypeDepth+4 {
		return unknownType
	}
	cs := ps.h.byName[class]
	if len(cs) == 0 {
		return unknownType
	}
	t := pyType{kind: pyNone}
	for _, c := range cs {
		var ct pyType
		if fn, found := ps.classMember(c, name); found {
			ct = ps.annotatedReturn(c.pf, fn, prop)
		} else if definesMember(c, name) {
			ct = unknownType // a class variable or property of that name
		} else {
			ct = unknownType
			for i, b := range c.bases {
				bt := ps.memberType(b, name, prop, depth+1)
				if i == 0 {
					ct = bt
				} else if bt != unknownType && ct == unknownType {
					ct = bt
				}
				if ct != unknownType {
					break
				}
			}
		}
		t = t.merge(ct)
		if t == unknownType {
			return t
		}
	}
	if t.kind == pyNone {
		return unknownType
	}
	return t
}

// classMember finds the def of name directly in the body of class c
// (found is false when the class's body does not def it).
func (ps *pyScopes) classMember(c pyClass, name string) (fn *sitter.Node, found bool) {
	root := ps.root(c.pf)
	if root == nil {
		return nil, false
	}
	cls := findClassNode(c.pf.src, root, c.def.Name, uint32(c.def.StartLine-1), uint32(c.def.EndLine-1))
	if cls == nil {
		return nil, false
	}
	body := cls.ChildByFieldName("body")
	if body == nil {
		return nil, false
	}
	for i := 0; i < int(body.NamedChildCount()); i++ {
		d := body.NamedChild(i)
		if d.Type() == "decorated_definition" {
			if accessorDef(c.pf.src, d) {
				continue // @x.setter: the getter says what x reads as
			}
			d = d.ChildByFieldName("definition")
		}
		if d == nil || d.Type() != "function_definition" {
			continue
		}
		if id := d.ChildByFieldName("name"); id != nil && id.Content(c.pf.src) == name {
			fn, found = d, true // the last def of name wins
		}
	}
	return fn, found
}

// findClassNode is the class_definition named name within rows
// [start, end] of the tree under n.
func findClassNode(src []byte, n *sitter.Node, name string, start, end uint32) *sitter.Node {
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if c.EndPoint().Row < start || c.StartPoint().Row > end {
			continue
		}
		if c.Type() == "class_definition" {
			if id := c.ChildByFieldName("name"); id != nil && id.Content(src) == name && c.StartPoint().Row >= start {
				return c
			}
		}
		if found := findClassNode(src, c, name, start, end); found != nil {
			return found
		}
	}
	return nil
}

// narrowedType is the type an isinstance test gives identifier n: inside
// the block of if isinstance(x, C): (or of its elif, or an and of such
// tests), x holds a C. The innermost such test in n's function wins.
func (ps *pyScopes) narrowedType(pf *parsedFile, n *sitter.Node) (pyType, bool) {
	name := n.Content(pf.src)
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Type() {
		case "function_definition", "lambda", "class_definition", "module":
			return unknownType, false
		case "if_statement", "elif_clause":
			cons := p.ChildByFieldName("consequence")
			if cons == nil || n.StartByte() < cons.StartByte() || n.EndByte() > cons.EndByte() {
				continue
			}
			if cls := isinstanceClass(pf.src, p.ChildByFieldName("condition"), name); cls != nil {
				if t := ps.classExprType(pf, cls); t != unknownType {
					return t, true
				}
			}
		}
	}
	return unknownType, false
}

// isinstanceClass is C of isinstance(name, C) in condition c, alone or
// among the operands of and.
func isinstanceClass(src []byte, c *sitter.Node, name string) *sitter.Node {
	if c == nil {
		return nil
	}
	switch c.Type() {
	case "parenthesized_expression":
		return isinstanceClass(src, c.NamedChild(0), name)
	case "boolean_operator":
		if op := c.ChildByFieldName("operator"); op == nil || op.Type() != "and" {
			return nil
		}
		if l := isinstanceClass(src, c.ChildByFieldName("left"), name); l != nil {
			return l
		}
		return isinstanceClass(src, c.ChildByFieldName("right"), name)
	case "call":
		fn, args := c.ChildByFieldName("function"), c.ChildByFieldName("arguments")
		if fn == nil || fn.Content(src) != "isinstance" || args == nil || args.NamedChildCount() != 2 {
			return nil
		}
		if x := args.NamedChild(0); x.Type() == "identifier" && x.Content(src) == name {
			return args.NamedChild(1)
		}
	}
	return nil
}

// classExprType is the type an instance of class expression n has: a
// repository class, a builtin one, one from an outside module; a tuple
// of them only when all agree.
func (ps *pyScopes) classExprType(pf *parsedFile, n *sitter.Node) pyType {
	switch n.Type() {
	case "tuple", "parenthesized_expression":
		t := pyType{kind: pyNone}
		for i := 0; i < int(n.NamedChildCount()); i++ {
			t = t.merge(ps.classExprType(pf, n.NamedChild(i)))
			if t == unknownType {
				return t
			}
		}
		if t.kind == pyNone {
			return unknownType
		}
		return t
	case "identifier":
		if pyBuiltinClasses[n.Content(pf.src)] && n.Content(pf.src) != "object" && n.Content(pf.src) != "type" {
			if bs, _ := ps.scopeOf(pf, n, n.Content(pf.src)); len(bs) == 0 {
				return pyType{kind: pyForeign}
			}
			return unknownType
		}
		t := ps.annotType(pf, n)
		if t.kind == pyInstance || t.kind == pyForeign {
			return t
		}
	case "attribute":
		t := ps.annotType(pf, n)
		if t.kind == pyInstance || t.kind == pyForeign {
			return t
		}
	}
	return unknownType
}

// accessorDef reports a decorated def that is a property's setter or
// deleter (@x.setter).
func accessorDef(src []byte, d *sitter.Node) bool {
	for i := 0; i < int(d.NamedChildCount()); i++ {
		if dec := d.NamedChild(i); dec.Type() == "decorator" {
			c := strings.TrimSpace(dec.Content(src))
			if strings.HasSuffix(c, ".setter") || strings.HasSuffix(c, ".deleter") {
				return true
			}
		}
	}
	return false
}

// overrides reports whether class sub inherits, through the repository's
// classes, from class base, and base (or a class it inherits) declares
// member name: a receiver typed as base may hold a sub, whose name then
// runs.
func (h *pyHierarchy) overrides(sub, base, name string) bool {
	if sub == base || !h.hasMember(base, name) {
		return false
	}
	return h.anyUp(sub, func(c pyClass) bool { return slices.Contains(c.bases, base) })
}

// inheritedAttrType is the type of self.name in class node cls of pf when
// cls itself never binds name: the bindings of the first base class (of
// the repository, breadth first) that does, in its body or methods. A
// base outside the repository, or none binding it, leaves it unknown.
func (ps *pyScopes) inheritedAttrType(pf *parsedFile, cls *sitter.Node, name string, depth int) pyType {
	def, ok := enclosingPyClass(pf, int(cls.StartPoint().Row)+1)
	if !ok || def.Name != cls.ChildByFieldName("name").Content(pf.src) {
		return unknownType
	}
	queue := pyBases(pf, def)
	seen := map[string]bool{def.Name: true}
	for len(queue) > 0 && len(seen) < 32 {
		b := queue[0]
		queue = queue[1:]
		if seen[b] {
			continue
		}
		seen[b] = true
		cs := ps.h.byName[b]
		if len(cs) != 1 {
			return unknownType // outside the repository, or ambiguous
		}
		c := cs[0]
		root := ps.root(c.pf)
		if root == nil {
			return unknownType
		}
		node := findClassNode(c.pf.src, root, c.def.Name, uint32(c.def.StartLine-1), uint32(c.def.EndLine-1))
		if node == nil {
			return unknownType
		}
		if bs := ps.classBindings(c.pf, node, name); len(bs) > 0 {
			return ps.bindingsType(c.pf, bs, name, depth+1)
		}
		queue = append(queue, c.bases...)
	}
	return unknownType
}

// inheritedParamType is the type of an unannotated parameter name of a
// method that overrides a repository base class's method annotating its
// parameter of that name (def from_text(cls, tok) under a base's
// from_text(cls, tok: Tokenizer)), as type checkers take it.
func (ps *pyScopes) inheritedParamType(pf *parsedFile, param *sitter.Node, name string, depth int) pyType {
	key := pyNodeKey{pf, param.StartByte(), name}
	if t, ok := ps.paramTypes[key]; ok {
		return t
	}
	t := ps.baseParamType(pf, param, name, depth)
	ps.paramTypes[key] = t
	return t
}

// baseParamType computes inheritedParamType.
func (ps *pyScopes) baseParamType(pf *parsedFile, param *sitter.Node, name string, depth int) pyType {
	fn := enclosingOfType(param, "function_definition")
	if fn == nil || depth > maxTypeDepth {
		return unknownType
	}
	p := fn.Parent()
	if p != nil && p.Type() == "decorated_definition" {
		p = p.Parent()
	}
	if p == nil || p.Type() != "block" || p.Parent() == nil || p.Parent().Type() != "class_definition" {
		return unknownType // a function, not a method
	}
	cls := p.Parent()
	id, cid := fn.ChildByFieldName("name"), cls.ChildByFieldName("name")
	if id == nil || cid == nil {
		return unknownType
	}
	method, class := id.Content(pf.src), cid.Content(pf.src)
	var bases []string
	for _, c := range ps.h.byName[class] {
		if c.pf == pf && c.def.StartLine-1 == int(cls.StartPoint().Row) {
			bases = c.bases
		}
	}
	seen := map[string]bool{}
	for len(bases) > 0 && len(seen) < 64 {
		b := bases[0]
		bases = bases[1:]
		if seen[b] {
			continue
		}
		seen[b] = true
		for _, c := range ps.h.byName[b] {
			if bfn, found := ps.classMember(c, method); found {
				if pt, ok := annotatedParam(ps, c.pf, bfn, name); ok {
					return pt
				}
				continue
			}
			bases = append(bases, c.bases...)
		}
	}
	return unknownType
}

// annotatedParam is the annotated type of parameter name of function fn.
func annotatedParam(ps *pyScopes, pf *parsedFile, fn *sitter.Node, name string) (pyType, bool) {
	params := fn.ChildByFieldName("parameters")
	if params == nil {
		return unknownType, false
	}
	for i := 0; i < int(params.NamedChildCount()); i++ {
		if b, ok := paramBinding(pf.src, params.NamedChild(i), name); ok && b.annot != nil && b.star == 0 {
			return ps.annotType(pf, b.annot), true
		}
	}
	return unknownType, false
}
