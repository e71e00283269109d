package codebase

import (
	"context"
	"path"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/reviewbot/reviewbot/languages"
)

// Python reference rules: module qualifiers, self and class bodies, stubs.

// pyAttributeExisted reports a Python attribute that is new as a
// declaration only (self.name: T added in __init__) while the base
// version of the file already set or read self.name: the attribute is
// not new, and its uses are those of the declaration.
func (a *analyzer) pyAttributeExisted(ctx context.Context, cd *changedDef) bool {
	if cd.file.lang != "Python" || cd.def.Kind != languages.KindVariable || a.base == nil || !a.base.has[cd.file.path] {
		return false
	}
	bf, err := a.base.get(ctx, cd.file.path)
	return err == nil && bf != nil && strings.Contains(string(bf.src), "self."+cd.def.Name)
}

// pyStub reports a Python stub file (.pyi). A stub restates the module's
// definitions for type checkers (class Attribute(Generic[_T]):, repr:
// _ReprArgType, def f(x: T) -> R: ...) and runs no code: its names declare
// an interface rather than use the definitions they name, so no line of it
// is a reference. (Skipping only the lines inside a stub definition's
// header left its imports and module-level aliases, which measured worse.)
func pyStub(pf *parsedFile) bool {
	return pf.lang == "Python" && strings.HasSuffix(pf.path, ".pyi")
}

// pyModuleName reports whether q is the local name of a module this
// Python file imports (import os, import numpy as np).
func (iv *importView) pyModuleName(q string) bool {
	for _, im := range iv.pf.syms.Imports {
		if strings.HasPrefix(im.Path, ".") {
			continue
		}
		if im.Alias == q || im.Alias == "" && strings.SplitN(im.Path, ".", 2)[0] == q {
			return true
		}
	}
	return false
}

// pyQualifiedBy reports whether, in this Python file, qualifier q names
// the module defined in defPath: from pkg import mod, import pkg.mod (as
// q), or a package whose __init__ defines the name.
func (iv *importView) pyQualifiedBy(defPath, q string) bool {
	key := moduleKey(defPath)
	same := func(c string, rel bool) bool {
		return c != "" && (c == key || !rel && pyRootedMatch(iv.s, key, c))
	}
	for _, im := range iv.pf.syms.Imports {
		res, rel := iv.s.resolve(iv.ctx, iv.pf, im.Path)
		if res == "" && !rel {
			continue
		}
		switch {
		case same(strings.TrimPrefix(res+"/"+q, "/"), rel):
			return true // from pkg import mod
		case im.Alias == q && same(res, rel):
			return true // import pkg.mod as q
		case im.Alias == "" && path.Base(res) == q && same(res, rel):
			return true // import pkg.mod; pkg.mod.f
		}
	}
	return false
}

// inClassBody reports whether line lies in the body of class container in
// pf, outside every function of it.
func inClassBody(pf *parsedFile, container string, line int) bool {
	in := false
	for _, d := range pf.syms.Definitions {
		if d.StartLine > line {
			break
		}
		if line > d.EndLine {
			continue
		}
		switch {
		case d.Kind == languages.KindClass && d.Name == container:
			in = true
		case d.Kind == languages.KindFunction || d.Kind == languages.KindMethod:
			in = false
		}
	}
	return in
}

// pyDecides applies Python's scoping to reference r of target t, where
// the syntax tree settles it (sure); otherwise the shared name rules go
// on.
//   - A member is reached through a receiver: one that holds a builtin
//     or outside value ("".join, **kwargs' items, os.environ.copy), or a
//     module (click.command), has none of the repository's members; one
//     that holds an instance of a known class has the members that class
//     declares or inherits.
//   - A module-level name is shadowed by a local of the same name (a
//     parameter request, an assignment app_ctx = ...) and reaches another
//     module only through from M import name.
func (a *analyzer) pyDecides(t *target, pf *parsedFile, r languages.Reference, sameFile bool) (ok, sure bool) {
	if a.pyHier == nil || a.pyHier.scopes == nil {
		return false, false
	}
	ps := a.pyHier.scopes
	n := ps.identAt(pf, r.Line, r.Column)
	if n == nil || n.Content(pf.src) != r.Name {
		return false, false // an __all__ string, or a position the tree disagrees on
	}
	if t.member {
		recv := receiverOf(n)
		if recv == nil || recv.Type() == "identifier" && (r.Qualifier == "self" || r.Qualifier == "cls") {
			return false, false
		}
		if ok, sure := a.pyHier.superReaches(pf, recv, t.cd.def.Container, t.name); sure {
			return ok, true
		}
		rt := ps.receiverType(pf, recv)
		switch {
		case rt.kind == pyForeign || rt.kind == pyModule || rt.kind == pyNone:
			return false, true
		case rt.kind == pyInstance && len(a.pyHier.byName[rt.class]) > 0:
			// A receiver typed as a base class may hold the subclass
			// whose override changed (r: Base, r.m() reaches Sub.m).
			return a.pyHier.reaches(rt.class, t.cd.def.Container, t.name) || a.pyHier.overrides(t.cd.def.Container, rt.class, t.name), true
		case rt.kind == pyUnknown && pyReceiverName(pf, recv) != "":
			// An untyped validator.is_type(...): a receiver named after
			// a repository class (validator, _Test's test) is taken for
			// that class when it has a member of that name; another
			// class declaring the name is then not reached.
			if recv.Type() == "identifier" && a.pyHier.protocol(t.cd.file.path, t.cd.def.Container) && !ps.annotated(pf, recv) {
				return false, true
			}
			if recv.Type() == "call" && a.pyHier.protocol(t.cd.file.path, t.cd.def.Container) {
				return false, true
			}
			if ok, sure := a.pyHier.namedReaches(pyReceiverName(pf, recv), t.cd.def.Container, t.name); sure {
				return ok, true
			}
		case rt.kind == pyUnknown && recv.Type() == "call" && a.pyHier.protocol(t.cd.file.path, t.cd.def.Container):
			// A Protocol declares an interface: a receiver not typed as
			// it (an unannotated name, what an untyped call returns)
			// reaches some implementation's member, not this one.
			return false, true
		}
		return false, false
	}
	if r.Member {
		return ps.qualifiedBy(pf, n, t.cd.file.path)
	}
	if stmt := enclosingOfType(n, "import_from_statement"); stmt != nil {
		return ps.fromImports(pf, stmt, t.cd.file.path), true
	}
	bs, local := ps.scopeOf(pf, n, r.Name)
	own := false
	for _, b := range bs {
		switch {
		case b.kind == "from" && ps.fromImports(pf, b.node, t.cd.file.path):
			return true, true
		case b.kind != "from" && b.kind != "import":
			own = true
		}
	}
	if local {
		return false, true
	}
	if sameFile {
		// Bound here only by imports: the name is another module's.
		return false, !own && len(bs) > 0
	}
	return false, true
}

// enclosingOfType is the nearest ancestor of n of the given node type.
func enclosingOfType(n *sitter.Node, typ string) *sitter.Node {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == typ {
			return p
		}
	}
	return nil
}

// reaches reports whether an instance of the class named class has the
// member name of container: class is container, or inherits it without
// overriding name.
func (h *pyHierarchy) reaches(class, container, name string) bool {
	for _, c := range h.byName[class] {
		if h.selfReaches(c.pf, c.def, container, name) {
			return true
		}
	}
	return false
}

// fromImports reports whether the from-import statement stmt of pf takes
// its names from the module defined in defPath, directly or through a
// package whose __init__ imports them from it.
func (ps *pyScopes) fromImports(pf *parsedFile, stmt *sitter.Node, defPath string) bool {
	mod := stmt.ChildByFieldName("module_name")
	if mod == nil {
		return false
	}
	key := moduleKey(defPath)
	res, rel := ps.s.resolve(ps.ctx, pf, mod.Content(pf.src))
	if !rel {
		res = ps.repoKey(res)
	}
	return res != "" && (res == key || ps.pyReexports(res, key, maxReexportDepth))
}

// repoKey is the repository module an absolute import names, or "".
func (ps *pyScopes) repoKey(res string) string {
	if ps.modules[res] {
		return res
	}
	if k, ok := ps.keys[res]; ok {
		return k
	}
	found := ""
	for k := range ps.modules {
		if pyRootedMatch(ps.s, k, res) && (found == "" || k < found) {
			found = k // the same answer on every run
		}
	}
	ps.keys[res] = found
	return found
}

// pyReexports reports whether Python module mod (a module key) imports
// names from module key, itself or through modules it imports from.
func (ps *pyScopes) pyReexports(mod, key string, depth int) bool {
	if depth == 0 {
		return false
	}
	for _, p := range []string{mod + "/__init__.py", mod + ".py"} {
		if !ps.s.has[p] {
			continue
		}
		mf, err := ps.s.get(ps.ctx, p)
		if err != nil || mf == nil || mf.syms == nil {
			return false
		}
		for _, im := range mf.syms.Imports {
			res, rel := ps.s.resolve(ps.ctx, mf, im.Path)
			if !rel {
				res = ps.repoKey(res)
			}
			if res != "" && res != mod && (res == key || ps.pyReexports(res, key, depth-1)) {
				return true
			}
		}
		return false
	}
	return false
}

// qualifiedBy decides mod.f for a module-level f where mod is bound by
// an import (import mod, import a.b as mod, from pkg import mod as mod):
// mod must be f's module, or a package importing f's names from it. A
// local mod is no module.
func (ps *pyScopes) qualifiedBy(pf *parsedFile, n *sitter.Node, defPath string) (ok, sure bool) {
	recv := receiverOf(n)
	if recv == nil || recv.Type() != "identifier" {
		return false, false
	}
	q := recv.Content(pf.src)
	bs, local := ps.scopeOf(pf, recv, q)
	if len(bs) == 0 {
		return false, false
	}
	key := moduleKey(defPath)
	for _, b := range bs {
		switch b.kind {
		case "import":
			if mod := ps.importedAs(pf, b.node, q); mod != "" && (mod == key || ps.pyReexports(mod, key, maxReexportDepth)) {
				return true, true
			}
		case "from":
			orig, _ := fromImportBinds(pf.src, b.node, q)
			mod := b.node.ChildByFieldName("module_name")
			if mod == nil || orig == "*" {
				return false, false
			}
			res, rel := ps.s.resolve(ps.ctx, pf, mod.Content(pf.src))
			full := strings.TrimPrefix(res+"/"+orig, "/")
			if !rel {
				full = ps.repoKey(full)
			}
			if full == key {
				return true, true
			}
		}
	}
	// Bound here, by a local, a definition or imports of other modules.
	return false, local || len(bs) > 0
}

// importedAs is the repository module that import statement stmt binds
// to local name q (import a.b binds a; import a.b as q binds a.b), or "".
func (ps *pyScopes) importedAs(pf *parsedFile, stmt *sitter.Node, q string) string {
	for j := 0; j < int(stmt.NamedChildCount()); j++ {
		im := stmt.NamedChild(j)
		dotted := im.Content(pf.src)
		if im.Type() == "aliased_import" {
			name, alias := im.ChildByFieldName("name"), im.ChildByFieldName("alias")
			if name == nil || alias == nil || alias.Content(pf.src) != q {
				continue
			}
			dotted = name.Content(pf.src)
		} else if dotted = strings.SplitN(dotted, ".", 2)[0]; dotted != q {
			continue
		}
		res, rel := ps.s.resolve(ps.ctx, pf, dotted)
		if !rel {
			res = ps.repoKey(res)
		}
		return res
	}
	return ""
}

// pyBuiltinMethods are the methods of Python's builtin containers,
// strings, files and regular expression matches (list.append, str.encode,
// re.Match.group). A repository class declaring one (a tree node's
// append, a writer's write) shares its name with every list, string and
// file of the code: a call on a receiver whose type the syntax does not
// show is far more often the builtin's. Such members are matched like the
// common names, through receivers that prove the class.
var pyBuiltinMethods = setOfStrings(
	// list, tuple
	"append", "extend", "insert", "remove", "pop", "clear", "index", "count", "sort", "reverse", "copy",
	// dict
	"keys", "values", "items", "setdefault", "popitem", "fromkeys",
	// set
	"discard", "union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint",
	"intersection_update", "difference_update", "symmetric_difference_update",
	// str, bytes
	"join", "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "replace", "startswith", "endswith",
	"format", "format_map", "encode", "decode", "lower", "upper", "casefold", "capitalize", "swapcase", "title",
	"find", "rfind", "rindex", "partition", "rpartition", "translate", "maketrans", "center", "ljust", "rjust",
	"zfill", "expandtabs", "removeprefix", "removesuffix", "isalnum", "isalpha", "isascii", "isdecimal",
	"isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "hex", "fromhex",
	// files
	"read", "readline", "readlines", "write", "writelines", "seek", "tell", "flush", "fileno", "isatty",
	"readable", "writable", "seekable", "truncate", "detach",
	// re.Match, re.Pattern
	"group", "groups", "groupdict", "span", "expand", "fullmatch", "findall", "finditer", "subn",
)

// pySharedNames marks as common the Python members whose name another
// class of the searched files declares too (Tree.children beside
// SymbolNode.children, Rule.expansion beside a transformer's expansion
// method): a receiver whose type the syntax does not show holds any of
// them, so only the uses whose receiver proves the class are kept.
//
// Classes of one hierarchy (a base and the subclasses overriding its
// method) share the name as one method family and do not count.
func (h *pyHierarchy) pySharedNames(targets []*target, found []*parsedFile) {
	owners := map[string]map[string]bool{}
	for _, t := range targets {
		if t.lang == "Python" && t.member && t.cd.def.Container != "" && !t.common {
			owners[t.name] = map[string]bool{}
		}
	}
	if len(owners) == 0 {
		return
	}
	for _, pf := range found {
		if pf.syms == nil || pf.lang != "Python" {
			continue
		}
		for _, d := range pf.syms.Definitions {
			if set, ok := owners[d.Name]; ok && d.Container != "" {
				set[d.Container] = true
			}
		}
	}
	for _, t := range targets {
		set, ok := owners[t.name]
		if !ok || t.lang != "Python" || !t.member || t.common {
			continue
		}
		if t.cd.change == ChangeDeleted && h.anyUp(t.cd.def.Container, func(c pyClass) bool { return declaresName(c, t.name) }) {
			// Deleted here, yet a class of that name still has the
			// member (inherited, or a class of that name elsewhere):
			// a use by name does not break.
			t.common = true
			continue
		}
		for c := range set {
			if !h.related(c, t.cd.def.Container) {
				t.common = true
				break
			}
		}
	}
}

// declaresName reports whether class c declares member name, as a
// method, a class variable or an attribute its methods assign.
func declaresName(c pyClass, name string) bool {
	for _, d := range c.pf.syms.Definitions {
		if d.Container == c.def.Name && d.Name == name && d.StartLine >= c.def.StartLine && d.EndLine <= c.def.EndLine {
			return true
		}
	}
	return false
}

// related reports whether classes a and b are one class or one inherits
// from the other.
func (h *pyHierarchy) related(a, b string) bool {
	return a == b || h.anyUp(a, func(c pyClass) bool { return c.def.Name == b }) || h.anyUp(b, func(c pyClass) bool { return c.def.Name == a })
}

// pyCommonByReceiver reports a Python member whose name is too common to
// match by name (__init__, get, update): it is searched, and only uses
// whose receiver proves the class are kept (super().__init__ in a
// subclass, a receiver typed as the class, self in the class).
func pyCommonByReceiver(t *target) bool {
	return t.lang == "Python" && t.common && t.member && t.cd.def.Container != ""
}

// pyProven reports a use of Python member t that the receiver proves:
// super() or a value of a class that reaches the member, or self and cls
// in such a class.
func (a *analyzer) pyProven(t *target, pf *parsedFile, r languages.Reference) bool {
	if pf.lang != "Python" || a.pyHier == nil || a.pyHier.scopes == nil || !r.Member {
		return false
	}
	if r.Qualifier == "self" || r.Qualifier == "cls" {
		cls, ok := enclosingPyClass(pf, r.Line)
		return ok && a.pyHier.selfReaches(pf, cls, t.cd.def.Container, t.name)
	}
	ps := a.pyHier.scopes
	n := ps.identAt(pf, r.Line, r.Column)
	if n == nil {
		return false
	}
	recv := receiverOf(n)
	if recv == nil {
		return false
	}
	if ok, sure := a.pyHier.superReaches(pf, recv, t.cd.def.Container, t.name); sure {
		return ok
	}
	rt := ps.receiverType(pf, recv)
	if rt.kind == pyUnknown && pyReceiverName(pf, recv) != "" {
		// xcode_settings.GetCflags(): named after the class it holds.
		ok, sure := a.pyHier.namedReaches(pyReceiverName(pf, recv), t.cd.def.Container, t.name)
		return ok && sure
	}
	return rt.kind == pyInstance && (a.pyHier.reaches(rt.class, t.cd.def.Container, t.name) || a.pyHier.overrides(t.cd.def.Container, rt.class, t.name))
}

// pyReceiverName is the name an untyped receiver goes by: x, the
// attribute of self.type_checker, the callee of self.Validator(schema).
func pyReceiverName(pf *parsedFile, recv *sitter.Node) string {
	n := recv
	if n.Type() == "call" {
		n = n.ChildByFieldName("function")
		if n == nil {
			return ""
		}
	}
	switch n.Type() {
	case "identifier":
		return n.Content(pf.src)
	case "attribute":
		if a := n.ChildByFieldName("attribute"); a != nil {
			return a.Content(pf.src)
		}
	}
	return ""
}
