package codebase

import (
	"context"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"

	"github.com/reviewbot/reviewbot/languages"
)

// Python scopes and receiver types, read from the syntax tree: which
// scope binds a bare name, and what kind of value stands left of a dot.
// Without them every x.items() in the repository is a use of a changed
// method items, and every local named request a use of a module-level
// request.

// pyKind is what a Python expression is known to hold.
type pyKind int

const (
	pyUnknown pyKind = iota
	// pyNone is the None constant, which has no members: it drops out
	// when several bindings are merged (x = None, later x = {}).
	pyNone
	// pyForeign is a value no class of the repository can make: a
	// literal, a builtin container, an object or module from outside.
	pyForeign
	// pyModule is a module bound by import; its attributes are the
	// module's names, never a class's members.
	pyModule
	// pyInstance is an instance (or the class object) of the repository
	// class named in class.
	pyInstance
)

type pyType struct {
	kind  pyKind
	class string
	// repo marks a module of the repository (its attributes may be
	// instances of its classes).
	repo bool
}

var unknownType = pyType{}

// merge joins the types of two bindings of one name: only agreement is
// knowledge.
func (a pyType) merge(b pyType) pyType {
	switch {
	case a.kind == pyNone:
		return b
	case b.kind == pyNone:
		return a
	case a == b:
		return a
	case a.kind == pyForeign && b.kind == pyForeign:
		return a
	}
	return unknownType
}

// pyBuiltinCalls are builtins whose result is a builtin value (str(x),
// sorted(xs), dict(a=1)), never an object of the caller's classes.
var pyBuiltinCalls = setOfStrings("str", "bytes", "bytearray", "int", "float", "complex", "bool",
	"dict", "list", "set", "frozenset", "tuple", "hex", "oct", "bin", "repr", "ascii", "chr", "ord",
	"len", "abs", "round", "sorted", "reversed", "enumerate", "zip", "range", "format", "globals",
	"locals", "vars", "open", "memoryview", "divmod", "hash", "id", "isinstance", "issubclass",
	"callable", "map", "filter")

// pyBuiltinTypes are annotations naming builtin classes (list[str] too),
// with the typing module's aliases for them.
var pyBuiltinTypes = setOfStrings("str", "bytes", "bytearray", "int", "float", "complex", "bool",
	"dict", "list", "set", "frozenset", "tuple", "Dict", "List", "Set", "FrozenSet", "Tuple", "Text",
	"DefaultDict", "OrderedDict")

// pyBuiltinClasses are the builtin classes whose unbound name, used as a
// receiver (dict.__setitem__(self, k, v), list.insert(self, i, v)),
// reaches the builtin's member even from a subclass of the repository.
var pyBuiltinClasses = setOfStrings("str", "bytes", "bytearray", "int", "float", "complex", "bool",
	"dict", "list", "set", "frozenset", "tuple", "object", "type")

// pyTypingModules describe types rather than hold them: t.Any, t.Callable
// and typing.Iterable can stand for any class.
var pyTypingModules = setOfStrings("typing", "typing_extensions", "abc", "collections", "types")

// pyPassThrough are calls that return (a copy of) an argument or a stored
// value of any class: typing.cast(T, x), copy.copy(x), d.get(k), s.pop().
var pyPassThrough = setOfStrings("cast", "copy", "deepcopy", "get", "pop", "popitem", "setdefault",
	"__getitem__", "get_nowait", "result", "value", "__next__", "getattr", "reduce", "partial", "wraps")

// pyModuleDunders are the strings Python sets in every module.
var pyModuleDunders = setOfStrings("__name__", "__file__", "__doc__", "__qualname__", "__module__", "__package__")

// maxTypeDepth bounds the chain of bindings followed (x = y, y = z.copy()).
const maxTypeDepth = 4

// pyScopes holds the parsed trees of the Python files asked about.
type pyScopes struct {
	ctx   context.Context
	s     *snapshot
	h     *pyHierarchy
	trees map[*parsedFile]*sitter.Node
	// modules are the repository's module keys, to tell its own absolute
	// imports from the standard library's and third parties'.
	modules map[string]bool
	keys    map[string]string // repoKey's answers
	stars   map[*parsedFile]bool
	// modBinds memoizes the module-level bindings of a name in a file.
	modBinds map[pyBindKey][]binding
	// funcBinds and classBinds memoize the same for function and class
	// scopes.
	funcBinds  map[pyNodeKey]funcBindings
	classBinds map[pyNodeKey][]binding
	// selfAssigns indexes, per class, the self.name assignments of its
	// methods by name.
	selfAssigns map[pyNodeKey]map[string][]binding
	// paramTypes memoizes inheritedParamType by parameter.
	paramTypes map[pyNodeKey]pyType
	// recvTypes memoizes receiverType: every target sharing a name asks
	// for the same receivers.
	recvTypes map[pySpan]pyType
}

// pySpan names one expression of a file by its byte range.
type pySpan struct {
	pf         *parsedFile
	start, end uint32
}

// receiverType is typeOf(recv), once per receiver expression.
func (ps *pyScopes) receiverType(pf *parsedFile, recv *sitter.Node) pyType {
	k := pySpan{pf, recv.StartByte(), recv.EndByte()}
	if t, ok := ps.recvTypes[k]; ok {
		return t
	}
	t := ps.typeOf(pf, recv, 0)
	ps.recvTypes[k] = t
	return t
}

func newPyScopes(ctx context.Context, s *snapshot, h *pyHierarchy) *pyScopes {
	ps := &pyScopes{ctx: ctx, s: s, h: h, trees: map[*parsedFile]*sitter.Node{}, modules: map[string]bool{}, keys: map[string]string{}, stars: map[*parsedFile]bool{}, modBinds: map[pyBindKey][]binding{}, funcBinds: map[pyNodeKey]funcBindings{}, classBinds: map[pyNodeKey][]binding{}, selfAssigns: map[pyNodeKey]map[string][]binding{}, paramTypes: map[pyNodeKey]pyType{}, recvTypes: map[pySpan]pyType{}}
	for _, p := range s.files {
		if strings.HasSuffix(p, ".py") || strings.HasSuffix(p, ".pyi") {
			ps.modules[moduleKey(p)] = true
		}
	}
	return ps
}

// root parses pf once; nil when it cannot be parsed.
func (ps *pyScopes) root(pf *parsedFile) *sitter.Node {
	if n, ok := ps.trees[pf]; ok {
		return n
	}
	parser := sitter.NewParser()
	defer parser.Close()
	parser.SetLanguage(python.GetLanguage())
	var n *sitter.Node
	if tree, err := parser.ParseCtx(ps.ctx, nil, pf.src); err == nil {
		n = tree.RootNode()
	}
	ps.trees[pf] = n
	return n
}

// identAt is the identifier node at a reference's position.
func (ps *pyScopes) identAt(pf *parsedFile, line, col int) *sitter.Node {
	root := ps.root(pf)
	if root == nil {
		return nil
	}
	pt := sitter.Point{Row: uint32(line - 1), Column: uint32(col - 1)}
	n := root.NamedDescendantForPointRange(pt, pt)
	if n == nil || n.Type() != "identifier" {
		return nil
	}
	return n
}

// receiverOf is x in x.name for the identifier name, or nil.
func receiverOf(n *sitter.Node) *sitter.Node {
	p := n.Parent()
	if p == nil || p.Type() != "attribute" {
		return nil
	}
	if a := p.ChildByFieldName("attribute"); a == nil || !a.Equal(n) {
		return nil
	}
	return p.ChildByFieldName("object")
}

// inRepo reports whether an absolute import names a module of the
// repository. Its first part must be a top-level package: import json
// is the standard library's json even beside a pkg/json/ whose parent
// pkg/ is itself a package.
func (ps *pyScopes) inRepo(res string) bool {
	return ps.repoKey(res) != ""
}

// pyRootedMatch reports whether key (a module path of the repository) is
// what the absolute import res names: equal, or res under a directory
// that is not a package (src/ in src/pkg/mod.py).
func pyRootedMatch(s *snapshot, key, res string) bool {
	if key == res {
		return true
	}
	if !strings.HasSuffix(key, "/"+res) {
		return false
	}
	parent := strings.TrimSuffix(key, "/"+res)
	return !s.has[parent+"/__init__.py"] && !s.has[parent+"/__init__.pyi"]
}

// binding is one statement that binds a name in a scope.
type binding struct {
	node *sitter.Node // the binding statement or parameter
	kind string       // "assign", "param", "import", "from", "class", "def", "other"
	// value and annot are the assigned expression and the annotation.
	value, annot *sitter.Node
	star         int // 1 for *args, 2 for **kwargs
}

// scopeOf finds the bindings of name visible at n: those of the
// innermost enclosing function that binds it, else the module's. local
// reports a function's.
func (ps *pyScopes) scopeOf(pf *parsedFile, n *sitter.Node, name string) (bs []binding, local bool) {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() != "function_definition" && p.Type() != "lambda" {
			continue
		}
		var global bool
		bs, global = ps.functionBindings(pf, p, name)
		if global {
			break
		}
		if len(bs) > 0 {
			return bs, true
		}
	}
	key := pyBindKey{pf, name}
	if out, ok := ps.modBinds[key]; ok {
		return out, false
	}
	var out []binding
	collectBindings(pf.src, ps.root(pf), name, &out, nil)
	ps.modBinds[key] = out
	return out, false
}

// pyNodeKey names a name in one scope (function or class, by where it
// starts) of one file.
type pyNodeKey struct {
	pf    *parsedFile
	start uint32
	name  string
}

type funcBindings struct {
	bs     []binding
	global bool
}

// pyBindKey names a module-level name of one file: every reference to it
// asks for the same bindings, and walking the module's statements through
// cgo for each costs.
type pyBindKey struct {
	pf   *parsedFile
	name string
}

// functionBindings are fn's parameters and body statements binding name;
// global reports a global or nonlocal statement for it.
func (ps *pyScopes) functionBindings(pf *parsedFile, fn *sitter.Node, name string) (bs []binding, global bool) {
	key := pyNodeKey{pf, fn.StartByte(), name}
	if fb, ok := ps.funcBinds[key]; ok {
		return fb.bs, fb.global
	}
	defer func() { ps.funcBinds[key] = funcBindings{bs, global} }()
	if params := fn.ChildByFieldName("parameters"); params != nil {
		for i := 0; i < int(params.NamedChildCount()); i++ {
			if b, ok := paramBinding(pf.src, params.NamedChild(i), name); ok {
				bs = append(bs, b)
			}
		}
	}
	if body := fn.ChildByFieldName("body"); body != nil {
		collectBindings(pf.src, body, name, &bs, &global)
	}
	return bs, global
}

// paramBinding reads one parameter: x, x: T, x=v, x: T = v, *a, **kw.
func paramBinding(src []byte, p *sitter.Node, name string) (binding, bool) {
	b := binding{node: p, kind: "param"}
	id := p
	switch p.Type() {
	case "typed_parameter":
		b.annot = p.ChildByFieldName("type")
		id = p.NamedChild(0)
	case "default_parameter", "typed_default_parameter":
		b.annot = p.ChildByFieldName("type")
		id = p.ChildByFieldName("name")
	}
	if id == nil {
		return b, false
	}
	switch id.Type() {
	case "list_splat_pattern":
		b.star, id = 1, id.NamedChild(0)
	case "dictionary_splat_pattern":
		b.star, id = 2, id.NamedChild(0)
	}
	return b, id != nil && id.Type() == "identifier" && id.Content(src) == name
}

// collectBindings walks the statements of one scope (not into nested
// functions, classes or lambdas, which are scopes of their own) for those
// binding name.
func collectBindings(src []byte, n *sitter.Node, name string, out *[]binding, global *bool) {
	if n == nil {
		return
	}
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		switch c.Type() {
		case "function_definition", "class_definition":
			if id := c.ChildByFieldName("name"); id != nil && id.Content(src) == name {
				kind := "def"
				if c.Type() == "class_definition" {
					kind = "class"
				}
				*out = append(*out, binding{node: c, kind: kind})
			}
			continue
		case "decorated_definition":
			collectBindings(src, c, name, out, global)
			continue
		case "lambda":
			continue
		case "global_statement", "nonlocal_statement":
			for j := 0; j < int(c.NamedChildCount()); j++ {
				if c.NamedChild(j).Content(src) == name && global != nil {
					*global = true
				}
			}
			continue
		case "assignment":
			left := c.ChildByFieldName("left")
			if left != nil && left.Type() == "identifier" && left.Content(src) == name {
				*out = append(*out, binding{node: c, kind: "assign", value: c.ChildByFieldName("right"), annot: c.ChildByFieldName("type")})
			} else if left != nil && left.Type() != "attribute" && left.Type() != "subscript" && bindsName(src, left, name) {
				*out = append(*out, binding{node: c, kind: "other"}) // a, b = ...
			}
		case "for_statement", "for_in_clause", "with_item", "as_pattern", "except_clause", "named_expression", "augmented_assignment":
			target := c.ChildByFieldName("left")
			switch c.Type() {
			case "as_pattern":
				target = c.ChildByFieldName("alias")
			case "except_clause", "with_item":
				target = nil // their as_pattern child is met below
			case "named_expression":
				target = c.ChildByFieldName("name")
			}
			if target != nil && bindsName(src, target, name) {
				b := binding{node: c, kind: "other"}
				if c.Type() == "as_pattern" && c.Parent() != nil && c.Parent().Type() == "with_item" && target.NamedChildCount() == 1 && target.NamedChild(0).Type() == "identifier" {
					b.kind, b.value = "with", c.NamedChild(0) // with open(p) as f
				}
				*out = append(*out, b)
			}
		case "import_statement":
			for j := 0; j < int(c.NamedChildCount()); j++ {
				im := c.NamedChild(j)
				local := strings.SplitN(im.Content(src), ".", 2)[0]
				if im.Type() == "aliased_import" {
					if a := im.ChildByFieldName("alias"); a != nil {
						local = a.Content(src)
					}
				}
				if local == name {
					*out = append(*out, binding{node: c, kind: "import"})
				}
			}
			continue
		case "import_from_statement":
			if _, ok := fromImportBinds(src, c, name); ok {
				*out = append(*out, binding{node: c, kind: "from"})
			}
			continue
		}
		collectBindings(src, c, name, out, global)
	}
}

// bindsName reports whether an assignment target (a, (b, c), *d) binds
// name.
func bindsName(src []byte, n *sitter.Node, name string) bool {
	if n.Type() == "identifier" {
		return n.Content(src) == name
	}
	switch n.Type() {
	case "pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern", "parenthesized_expression", "as_pattern_target", "tuple", "list":
		for i := 0; i < int(n.NamedChildCount()); i++ {
			if bindsName(src, n.NamedChild(i), name) {
				return true
			}
		}
	}
	return false
}

// fromImportBinds reports whether from M import ... binds name (or is a
// star import), with the name as M spells it.
func fromImportBinds(src []byte, stmt *sitter.Node, name string) (orig string, ok bool) {
	mod := stmt.ChildByFieldName("module_name")
	for j := 0; j < int(stmt.NamedChildCount()); j++ {
		c := stmt.NamedChild(j)
		if mod != nil && c.Equal(mod) {
			continue
		}
		switch c.Type() {
		case "wildcard_import":
			return "*", true
		case "dotted_name":
			if c.Content(src) == name {
				return name, true
			}
		case "aliased_import":
			if a := c.ChildByFieldName("alias"); a != nil && a.Content(src) == name {
				if n := c.ChildByFieldName("name"); n != nil {
					return n.Content(src), true
				}
			}
		}
	}
	return "", false
}

// typeOf is what expression n of pf holds, as far as its bindings say.
func (ps *pyScopes) typeOf(pf *parsedFile, n *sitter.Node, depth int) pyType {
	if n == nil || depth > maxTypeDepth {
		return unknownType
	}
	switch n.Type() {
	case "string", "concatenated_string", "integer", "float", "true", "false", "list", "dictionary", "set",
		"tuple", "list_comprehension", "dictionary_comprehension", "set_comprehension", "comparison_operator", "not_operator":
		return pyType{kind: pyForeign}
	case "none":
		return pyType{kind: pyNone}
	case "parenthesized_expression":
		return ps.typeOf(pf, n.NamedChild(0), depth)
	case "conditional_expression":
		return ps.typeOf(pf, n.NamedChild(0), depth+1).merge(ps.typeOf(pf, n.NamedChild(2), depth+1))
	case "boolean_operator", "binary_operator":
		l := ps.typeOf(pf, n.ChildByFieldName("left"), depth+1)
		r := ps.typeOf(pf, n.ChildByFieldName("right"), depth+1)
		if l.kind == pyForeign && (r.kind == pyForeign || n.Type() == "binary_operator" && isStringNode(n.ChildByFieldName("left"))) {
			return l // "a" + b, "%s" % x, [] + []
		}
		if n.Type() == "boolean_operator" {
			return l.merge(r)
		}
	case "identifier":
		return ps.nameType(pf, n, depth)
	case "attribute":
		return ps.attrType(pf, n, depth)
	case "call":
		return ps.callType(pf, n, depth)
	case "subscript":
		// A slice of a foreign value (hex(n)[2:], data[:4] of a str or
		// bytes) is one too; an element of a container may be anything.
		if sub := n.ChildByFieldName("subscript"); sub != nil && sub.Type() == "slice" && ps.typeOf(pf, n.ChildByFieldName("value"), depth+1).kind == pyForeign {
			return pyType{kind: pyForeign}
		}
	}
	return unknownType
}

func isStringNode(n *sitter.Node) bool {
	return n != nil && (n.Type() == "string" || n.Type() == "concatenated_string")
}

// nameType merges the types of the bindings of identifier n.
func (ps *pyScopes) nameType(pf *parsedFile, n *sitter.Node, depth int) pyType {
	name := n.Content(pf.src)
	if name == "self" || name == "cls" {
		if cls := enclosingOfType(n, "class_definition"); cls != nil && cls.ChildByFieldName("name") != nil {
			return pyType{kind: pyInstance, class: cls.ChildByFieldName("name").Content(pf.src)}
		}
		return unknownType
	}
	if t, ok := ps.narrowedType(pf, n); ok {
		return t
	}
	bs, _ := ps.scopeOf(pf, n, name)
	if len(bs) == 0 {
		if pyModuleDunders[name] || pyBuiltinClasses[name] && !ps.starImports(pf) {
			// dict.__setitem__(self, k, v), object.__setattr__: the
			// builtin class's own member, not one of the repository's.
			return pyType{kind: pyForeign}
		}
		return unknownType // a builtin, a star import, a class-body name
	}
	return ps.bindingsType(pf, bs, name, depth)
}

// bindingsType merges the types bindings bs give name: unknown as soon as
// one is, or when there is none.
func (ps *pyScopes) bindingsType(pf *parsedFile, bs []binding, name string, depth int) pyType {
	t := pyType{kind: pyNone}
	for _, b := range bs {
		t = t.merge(ps.bindingType(pf, b, name, depth+1))
		if t == unknownType {
			return t
		}
	}
	if t.kind == pyNone {
		return unknownType
	}
	return t
}

// bindingType is the type one binding gives name.
func (ps *pyScopes) bindingType(pf *parsedFile, b binding, name string, depth int) pyType {
	switch b.kind {
	case "param":
		if b.star > 0 {
			return pyType{kind: pyForeign} // *args is a tuple, **kwargs a dict
		}
		if b.annot == nil {
			return ps.inheritedParamType(pf, b.node, name, depth)
		}
		return ps.annotType(pf, b.annot)
	case "assign":
		if b.annot != nil {
			return ps.annotType(pf, b.annot)
		}
		return ps.typeOf(pf, b.value, depth)
	case "with":
		// with open(p) as f: what a foreign value's __enter__ gives is
		// foreign; a repository class's may be anything.
		if ps.typeOf(pf, b.value, depth).kind == pyForeign {
			return pyType{kind: pyForeign}
		}
		return unknownType
	case "class":
		return pyType{kind: pyInstance, class: name}
	case "import":
		return ps.importType(pf, b.node)
	case "from":
		return ps.fromType(pf, b.node, name, depth)
	}
	return unknownType
}

// importType is the module import a.b binds: the repository's or not.
func (ps *pyScopes) importType(pf *parsedFile, stmt *sitter.Node) pyType {
	t := pyType{kind: pyModule}
	for j := 0; j < int(stmt.NamedChildCount()); j++ {
		im := stmt.NamedChild(j)
		if im.Type() == "aliased_import" {
			im = im.ChildByFieldName("name")
		}
		if im == nil {
			continue
		}
		if res, rel := ps.s.resolve(ps.ctx, pf, im.Content(pf.src)); rel || ps.inRepo(res) {
			t.repo = true
		}
	}
	return t
}

// fromType is what from M import name binds: from outside the repository
// a foreign value, else one of its classes when the name is one.
func (ps *pyScopes) fromType(pf *parsedFile, stmt *sitter.Node, name string, depth int) pyType {
	orig, _ := fromImportBinds(pf.src, stmt, name)
	mod := stmt.ChildByFieldName("module_name")
	if mod == nil || orig == "*" {
		return unknownType
	}
	res, rel := ps.s.resolve(ps.ctx, pf, mod.Content(pf.src))
	if !rel && !ps.inRepo(res) {
		if pyTypingModules[strings.SplitN(res, "/", 2)[0]] {
			return unknownType // typing.cast, abc.ABC: they stand for other classes
		}
		return pyType{kind: pyForeign}
	}
	if len(ps.h.byName[orig]) > 0 {
		return pyType{kind: pyInstance, class: orig}
	}
	full := strings.TrimPrefix(res+"/"+orig, "/")
	if !rel {
		full = ps.repoKey(full)
	}
	if full != "" && ps.modules[full] {
		// from pkg import mod: a module of the repository, whose
		// attributes are its names, never a class's members.
		return pyType{kind: pyModule, repo: true}
	}
	key := res
	if !rel {
		key = ps.repoKey(res)
	}
	if key != "" && depth < maxTypeDepth {
		return ps.moduleNameType(key, orig, depth+1)
	}
	return unknownType
}

// moduleNameType is what module-level name has in the repository module
// key (from .defaults import DEFAULT_FILTERS, a dict literal there).
func (ps *pyScopes) moduleNameType(key, name string, depth int) pyType {
	mf := ps.moduleFile(key)
	if mf == nil {
		return unknownType
	}
	bs, _ := ps.scopeOf(mf, ps.root(mf), name)
	if len(bs) == 0 {
		return unknownType
	}
	for _, b := range bs {
		if b.kind != "assign" && b.kind != "from" {
			return unknownType
		}
	}
	return ps.bindingsType(mf, bs, name, depth)
}

// moduleFile is the parsed file of repository module key (key.py, else
// key/__init__.py), or nil when there is none or it cannot be parsed.
func (ps *pyScopes) moduleFile(key string) *parsedFile {
	for _, p := range []string{key + ".py", key + "/__init__.py"} {
		if !ps.s.has[p] {
			continue
		}
		mf, err := ps.s.get(ps.ctx, p)
		if err != nil || mf == nil || ps.root(mf) == nil {
			return nil
		}
		return mf
	}
	return nil
}

// starImports reports a from M import * in pf, which may bind any name.
func (ps *pyScopes) starImports(pf *parsedFile) bool {
	if v, ok := ps.stars[pf]; ok {
		return v
	}
	v := strings.Contains(string(pf.src), "import *")
	ps.stars[pf] = v
	return v
}

// attrType is what x.name holds: an attribute of a module or builtin
// from outside is foreign; self.name has the types its class assigns.
func (ps *pyScopes) attrType(pf *parsedFile, n *sitter.Node, depth int) pyType {
	obj := n.ChildByFieldName("object")
	attr := n.ChildByFieldName("attribute")
	if obj == nil || attr == nil {
		return unknownType
	}
	if obj.Type() == "identifier" && (obj.Content(pf.src) == "self" || obj.Content(pf.src) == "cls") {
		return ps.selfAttrType(pf, n, attr.Content(pf.src), depth)
	}
	ot := ps.typeOf(pf, obj, depth+1)
	switch {
	case ot.kind == pyForeign, ot.kind == pyModule && !ot.repo:
		return pyType{kind: pyForeign}
	case ot.kind == pyModule:
		if mf, name := ps.moduleMember(pf, n); mf != nil {
			return ps.moduleValueType(mf, name, depth+1)
		}
		if ps.moduleKeyOf(pf, n) != "" {
			return pyType{kind: pyModule, repo: true} // dns.message
		}
	case ot.kind == pyInstance:
		name := attr.Content(pf.src)
		if t := ps.memberType(ot.class, name, true, depth+1); t != unknownType || ps.h.hasMember(ot.class, name) {
			return t // an annotated @property
		}
		// No class of the hierarchy declares name: Python asks
		// __getattr__ (bs4's tag.p finds the child tag p), whose
		// return annotation says what it gives.
		return ps.methodReturnType(ot.class, "__getattr__", depth+1)
	}
	return unknownType
}

// moduleMember resolves x.name where x is a dotted module name of the
// repository bound by import (dns.rdatatype.RdataType after import
// dns.rdatatype, m.f after import pkg.mod as m) to the module file that
// defines name, and name; nil when x is not such a module or name is a
// submodule.
func (ps *pyScopes) moduleMember(pf *parsedFile, n *sitter.Node) (*parsedFile, string) {
	obj, attr := n.ChildByFieldName("object"), n.ChildByFieldName("attribute")
	if obj == nil || attr == nil {
		return nil, ""
	}
	key, name := ps.moduleKeyOf(pf, obj), attr.Content(pf.src)
	if key == "" || ps.modules[key+"/"+name] {
		return nil, ""
	}
	if mf := ps.moduleFile(key); mf != nil && mf.syms != nil {
		return mf, name
	}
	return nil, ""
}

// moduleKeyOf is the repository module a dotted name rooted in import
// statements names (dns, dns.message after import dns.message), or "".
func (ps *pyScopes) moduleKeyOf(pf *parsedFile, n *sitter.Node) string {
	switch n.Type() {
	case "identifier":
		bs, _ := ps.scopeOf(pf, n, n.Content(pf.src))
		key := ""
		for _, b := range bs {
			if b.kind != "import" {
				return ""
			}
			k := ps.importedAs(pf, b.node, n.Content(pf.src))
			if k == "" || key != "" && k != key {
				return ""
			}
			key = k
		}
		return key
	case "attribute":
		obj, attr := n.ChildByFieldName("object"), n.ChildByFieldName("attribute")
		if obj == nil || attr == nil {
			return ""
		}
		if k := ps.moduleKeyOf(pf, obj); k != "" && ps.modules[k+"/"+attr.Content(pf.src)] {
			return k + "/" + attr.Content(pf.src)
		}
	}
	return ""
}

// definesClass reports a top-level class name in module file mf.
func definesClass(mf *parsedFile, name string) bool {
	for _, d := range mf.syms.Definitions {
		if d.Kind == languages.KindClass && d.Name == name && d.Container == "" {
			return true
		}
	}
	return false
}

// moduleValueType is what module-level name of module file mf holds: an
// instance (or the class object) of a class it defines, else what its
// assignments give.
func (ps *pyScopes) moduleValueType(mf *parsedFile, name string, depth int) pyType {
	if definesClass(mf, name) {
		ps.h.add(mf)
		return pyType{kind: pyInstance, class: name}
	}
	if depth >= maxTypeDepth {
		return unknownType
	}
	return ps.moduleNameType(moduleKey(mf.path), name, depth+1)
}

// selfAttrType merges the values the enclosing class gives attribute
// name: name = v in its body, self.name = v in its methods.
func (ps *pyScopes) selfAttrType(pf *parsedFile, n *sitter.Node, name string, depth int) pyType {
	var cls *sitter.Node
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == "class_definition" {
			cls = p
			break
		}
	}
	if cls == nil {
		return unknownType
	}
	bs := ps.classBindings(pf, cls, name)
	if len(bs) == 0 && cls.ChildByFieldName("name") != nil {
		// Assigned only in a base class (self.body = [] in the base's
		// __init__): the types the nearest repository base gives it.
		return ps.inheritedAttrType(pf, cls, name, depth)
	}
	return ps.bindingsType(pf, bs, name, depth)
}

// classBindings are the bindings class cls of pf gives name: name = v
// in its body, self.name = v in its methods.
func (ps *pyScopes) classBindings(pf *parsedFile, cls *sitter.Node, name string) []binding {
	key := pyNodeKey{pf, cls.StartByte(), name}
	if bs, ok := ps.classBinds[key]; ok {
		return bs
	}
	var bs []binding
	collectBindings(pf.src, cls.ChildByFieldName("body"), name, &bs, nil)
	all, ok := ps.selfAssigns[pyNodeKey{pf, cls.StartByte(), ""}]
	if !ok {
		all = map[string][]binding{}
		indexSelfAssigns(pf.src, cls.ChildByFieldName("body"), all)
		ps.selfAssigns[pyNodeKey{pf, cls.StartByte(), ""}] = all
	}
	bs = append(bs, all[name]...)
	ps.classBinds[key] = bs
	return bs
}

// indexSelfAssigns finds every self.name = v (and self.name: T = v) in
// the methods of a class body, not in nested classes, by name: one walk
// of the class serves all its attributes.
func indexSelfAssigns(src []byte, n *sitter.Node, out map[string][]binding) {
	if n == nil {
		return
	}
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		switch c.Type() {
		case "class_definition":
			continue
		case "assignment":
			left := c.ChildByFieldName("left")
			if left != nil && left.Type() == "attribute" {
				o, a := left.ChildByFieldName("object"), left.ChildByFieldName("attribute")
				if o != nil && a != nil && o.Content(src) == "self" {
					out[a.Content(src)] = append(out[a.Content(src)], binding{node: c, kind: "assign", value: c.ChildByFieldName("right"), annot: c.ChildByFieldName("type")})
				}
			} else if left != nil && left.Type() != "identifier" {
				for _, name := range selfTargets(src, left) {
					out[name] = append(out[name], binding{node: c, kind: "other"})
				}
			}
		}
		indexSelfAssigns(src, c, out)
	}
}

// selfTargets are the names of the self.name targets of a, self.name = ...
// (each once).
func selfTargets(src []byte, n *sitter.Node) []string {
	if n.Type() == "attribute" {
		o, a := n.ChildByFieldName("object"), n.ChildByFieldName("attribute")
		if o != nil && a != nil && o.Content(src) == "self" {
			return []string{a.Content(src)}
		}
		return nil
	}
	var out []string
	for i := 0; i < int(n.NamedChildCount()); i++ {
		for _, name := range selfTargets(src, n.NamedChild(i)) {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// callType is what f(...) returns: a builtin's builtin value, a class's
// instance, a foreign function's foreign value; calls that pass an
// argument or a stored value through are unknown.
func (ps *pyScopes) callType(pf *parsedFile, n *sitter.Node, depth int) pyType {
	fn := n.ChildByFieldName("function")
	if fn == nil {
		return unknownType
	}
	switch fn.Type() {
	case "identifier":
		name := fn.Content(pf.src)
		if pyPassThrough[name] {
			return unknownType
		}
		bs, _ := ps.scopeOf(pf, fn, name)
		if len(bs) == 0 {
			if pyBuiltinCalls[name] {
				return pyType{kind: pyForeign}
			}
			return unknownType
		}
		t := ps.nameType(pf, fn, depth)
		if t.kind == pyInstance || t.kind == pyForeign && (ps.foreignArgs(pf, n, depth) || ps.stdlibFrom(pf, bs, name)) {
			return t // C() makes a C; a foreign callable a foreign value
		}
		if t == unknownType {
			return ps.defsReturnType(pf, bs, name, depth+1) // def make() -> Foo
		}
	case "attribute":
		attr := fn.ChildByFieldName("attribute")
		if attr == nil || pyPassThrough[attr.Content(pf.src)] {
			return unknownType
		}
		obj := fn.ChildByFieldName("object")
		ot := ps.typeOf(pf, obj, depth+1)
		if ot.kind == pyModule && ot.repo {
			// dns.message.make_query(...), mod.Class(...): the module's
			// function's return annotation, or the class's instance.
			if mf, name := ps.moduleMember(pf, fn); mf != nil {
				if t := ps.moduleValueType(mf, name, depth+1); t.kind == pyInstance {
					return t
				}
				return ps.moduleDefReturnType(mf, name, depth+1)
			}
		}
		if ot.kind == pyInstance {
			// self.make(), Foo.create(), foo.clone(): the return
			// annotation of the method the class has.
			return ps.methodReturnType(ot.class, attr.Content(pf.src), depth+1)
		}
		if (ot.kind == pyForeign || ot.kind == pyModule && !ot.repo) && ps.foreignArgs(pf, n, depth) {
			return pyType{kind: pyForeign}
		}
		if (ot.kind == pyForeign || ot.kind == pyModule && !ot.repo) && ps.stdlibModule(pf, obj) && !pyStdlibPassThrough[attr.Content(pf.src)] {
			return pyType{kind: pyForeign} // urllib.parse.urlsplit(self.url)
		}
	}
	return unknownType
}

// foreignArgs reports whether every argument of call n is a foreign
// value: outside code handed one of the repository's objects or classes
// (ctx.ensure_object(ScriptInfo)) may hand it back.
func (ps *pyScopes) foreignArgs(pf *parsedFile, n *sitter.Node, depth int) bool {
	args := n.ChildByFieldName("arguments")
	if args == nil {
		return true
	}
	for i := 0; i < int(args.NamedChildCount()); i++ {
		a := args.NamedChild(i)
		if a.Type() == "keyword_argument" {
			a = a.ChildByFieldName("value")
		}
		if a == nil || a.Type() == "comment" {
			continue
		}
		switch ps.typeOf(pf, a, depth+1).kind {
		case pyForeign, pyNone, pyModule:
		default:
			return false
		}
	}
	return true
}

// annotType is the type an annotation names, where it names one class:
// a builtin (str, dict[str, int], t.List[str]), one from a module outside
// the repository (socket.socket), or one of the repository's.
func (ps *pyScopes) annotType(pf *parsedFile, n *sitter.Node) pyType {
	if n == nil {
		return unknownType
	}
	switch n.Type() {
	case "type":
		return ps.annotType(pf, n.NamedChild(0))
	case "none":
		return pyType{kind: pyNone}
	case "identifier":
		name := n.Content(pf.src)
		if pyBuiltinTypes[name] {
			return pyType{kind: pyForeign}
		}
		if len(ps.h.byName[name]) > 0 {
			return pyType{kind: pyInstance, class: name}
		}
	case "attribute":
		attr := n.ChildByFieldName("attribute")
		root := n.ChildByFieldName("object")
		if attr == nil || root == nil {
			return unknownType
		}
		if root.Type() == "attribute" {
			// tok: dns.tokenizer.Tokenizer, a class of a repository module.
			// Only a class of that module: an annotation names a type, and
			// following the module's assignments from here could come back
			// to this annotation (X: pkg.mod.X) without end.
			if mf, name := ps.moduleMember(pf, n); mf != nil && definesClass(mf, name) {
				ps.h.add(mf)
				return pyType{kind: pyInstance, class: name}
			}
			return unknownType
		}
		if root.Type() != "identifier" {
			return unknownType
		}
		bs, _ := ps.scopeOf(pf, root, root.Content(pf.src))
		if len(bs) != 1 || bs[0].kind != "import" {
			return unknownType
		}
		mt := ps.importType(pf, bs[0].node)
		typing := pyTypingModules[root.Content(pf.src)] || root.Content(pf.src) == "t"
		switch {
		case typing && pyBuiltinTypes[attr.Content(pf.src)]:
			return pyType{kind: pyForeign} // t.Dict[str, str]
		case !typing && !mt.repo:
			return pyType{kind: pyForeign} // socket.socket, ssl.SSLContext
		case mt.repo && len(ps.h.byName[attr.Content(pf.src)]) > 0:
			return pyType{kind: pyInstance, class: attr.Content(pf.src)}
		}
	case "generic_type", "subscript":
		base := n.ChildByFieldName("value")
		if base == nil {
			base = n.NamedChild(0)
		}
		last := base.Content(pf.src)
		if i := strings.LastIndex(last, "."); i >= 0 {
			last = last[i+1:]
		}
		if last == "Optional" || last == "Union" {
			// Optional[T] parses as a subscript in expressions and as a
			// generic_type, whose arguments sit in a type_parameter, in
			// annotations.
			var args []*sitter.Node
			for i := 1; i < int(n.NamedChildCount()); i++ {
				c := n.NamedChild(i)
				if c.Type() != "type_parameter" {
					args = append(args, c)
					continue
				}
				for j := 0; j < int(c.NamedChildCount()); j++ {
					args = append(args, c.NamedChild(j))
				}
			}
			t := pyType{kind: pyNone}
			for _, c := range args {
				t = t.merge(ps.annotType(pf, c))
			}
			return t
		}
		return ps.annotType(pf, base)
	case "binary_operator":
		return ps.annotType(pf, n.ChildByFieldName("left")).merge(ps.annotType(pf, n.ChildByFieldName("right")))
	case "string":
		// A forward reference, v: "Validator" or "dns.tokenizer.Tokenizer":
		// a repository class named by the quoted (dotted) name.
		name := strings.Trim(n.Content(pf.src), `"'`)
		if i := strings.LastIndex(name, "."); i >= 0 {
			name = name[i+1:]
		}
		if isPyIdentifier(name) && len(ps.h.byName[name]) > 0 {
			return pyType{kind: pyInstance, class: name}
		}
	}
	return unknownType
}

// isPyIdentifier reports a plain Python identifier (ASCII).
func isPyIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// annotated reports an identifier with an annotated binding in scope
// (x: "Proto", x: T = v), whose type the syntax may not spell out.
func (ps *pyScopes) annotated(pf *parsedFile, n *sitter.Node) bool {
	bs, _ := ps.scopeOf(pf, n, n.Content(pf.src))
	for _, b := range bs {
		if b.annot != nil {
			return true
		}
	}
	return false
}

// pyStdlib are top-level modules of Python's standard library whose
// functions make values of their own (urlsplit(url), os.path.join(a, b),
// json.loads(s)) whatever they are handed. Modules whose functions hand
// an argument back (copy, functools, operator, contextlib, weakref,
// dataclasses, typing) are not listed.
var pyStdlib = setOfStrings("os", "sys", "re", "json", "urllib", "http", "socket", "ssl", "io", "time",
	"datetime", "itertools", "string", "struct", "base64", "binascii", "hashlib", "hmac", "zlib", "gzip",
	"bz2", "lzma", "email", "mimetypes", "shutil", "tempfile", "pathlib", "posixpath", "ntpath", "glob",
	"fnmatch", "uuid", "random", "math", "decimal", "fractions", "textwrap", "unicodedata", "codecs",
	"locale", "platform", "subprocess", "threading", "logging", "warnings", "inspect", "ast", "tokenize",
	"keyword", "traceback", "linecache", "pprint", "html", "xml", "csv", "configparser", "argparse",
	"getpass", "errno", "stat", "select", "selectors", "signal", "calendar", "zoneinfo", "secrets",
	"ipaddress", "difflib", "shlex", "quopri", "zipfile", "tarfile", "sqlite3", "pickle", "marshal")

// pyStdlibPassThrough are standard library functions that return what
// they are handed or look it up: re.sub's result is a str, but
// os.fspath(p), getattr-like lookups and replace(obj, ...) are not.
var pyStdlibPassThrough = setOfStrings("fspath", "replace", "get", "pop", "getattr", "cast", "copy",
	"deepcopy", "loads", "load")

// stdlibFrom reports a name bound only by from M import name with M in
// the standard library (from urllib.parse import urlsplit).
func (ps *pyScopes) stdlibFrom(pf *parsedFile, bs []binding, name string) bool {
	if len(bs) == 0 || pyStdlibPassThrough[name] {
		return false
	}
	for _, b := range bs {
		if b.kind != "from" {
			return false
		}
		mod := b.node.ChildByFieldName("module_name")
		if mod == nil || !pyStdlib[strings.SplitN(mod.Content(pf.src), ".", 2)[0]] {
			return false
		}
	}
	return true
}

// stdlibModule reports a receiver naming a standard library module
// (os.path, urllib.parse, re), bound by import.
func (ps *pyScopes) stdlibModule(pf *parsedFile, obj *sitter.Node) bool {
	root := obj
	for root.Type() == "attribute" {
		root = root.ChildByFieldName("object")
		if root == nil {
			return false
		}
	}
	if root.Type() != "identifier" {
		return false
	}
	bs, _ := ps.scopeOf(pf, root, root.Content(pf.src))
	if len(bs) == 0 {
		return false
	}
	for _, b := range bs {
		if b.kind != "import" {
			return false
		}
		for j := 0; j < int(b.node.NamedChildCount()); j++ {
			im := b.node.NamedChild(j)
			if im.Type() == "aliased_import" {
				im = im.ChildByFieldName("name")
			}
			if im == nil || !pyStdlib[strings.SplitN(im.Content(pf.src), ".", 2)[0]] {
				return false
			}
		}
	}
	return true
}
