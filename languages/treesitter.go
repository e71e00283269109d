package languages

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
)

// tsLanguage describes one tree-sitter grammar to the shared driver. The
// per-language files (ts_*.go) hold nothing but these descriptions.
//
// The query's capture names tell the driver what each node is:
//
//	@def.function @def.method @def.class @def.type   a whole definition;
//	@def.interface @def.variable @def.constant       one per match, with:
//	@def.module                                       (suffix is the DefKind)
//	@def.attribute  an instance attribute set in a method (self.x = ...):
//	                a variable of the enclosing class, once per name
//	  @name       its name
//	  @body       its body, where the header ends; the "body" field
//	              when not captured
//	@ref          an identifier used
//	  @qualifier  what it is reached through (obj in obj.m, Foo in Foo::bar)
//	@import       an import path, with @alias for a local name
//	@reexport     the path of a re-export (export ... from)
//	@package      the file's package or namespace name
//	@skip         an identifier that is declared here, not used
//	@skiptree     a node none of whose identifiers are uses (import lines)
//	@write        an identifier assigned to (also captured as @ref)
//	@doc          a statement that is documentation only (a docstring)
//	@exportname   a name an export list exports (export { a, b }): the
//	              top-level definition of that name is exported
//	  @exportalias  the name it is exported as (export { a as b })
//	@exportdefault  the name export default exports (ExportedAs "default")
//	@importname   a name an @import brings in by name (import { a })
//	@importdefault  the local name of a default import (Named "default")
//	@visibility   an access marker applying to the definitions after it
//	@container    with a definition: the name of its container as the
//	              definition itself spells it (X in JavaScript's
//	              X.prototype.m = function), which makes a function a method
//
// Captures starting with "_" only serve predicates such as #eq?.
type tsLanguage struct {
	name    string // linguist name, the key in extractors
	grammar func() *sitter.Language
	query   string
	// containers maps node types that enclose definitions (classes, impls,
	// modules) to the field holding their name; "" takes the first
	// identifier child, for grammars without fields. Functions inside a
	// class-like container are methods.
	containers map[string]tsContainer
	// scopes are node types (functions, lambdas) whose contents are local:
	// a definition inside one has no container.
	scopes []string
	// exported says whether a definition is visible outside its file or
	// package; nil means everything not local to a function is.
	exported func(site tsSite) bool
	// hidden lists the @visibility marker words ("private" for C++'s
	// private: and Ruby's private line) that hide the definitions after
	// them in the same block, overriding exported.
	hidden []string
	// importPath turns an @import node into a path; nil takes its text
	// without quotes.
	importPath func(n *sitter.Node, src []byte) string

	once  sync.Once
	q     *sitter.Query
	qErr  error
	names []string // capture names by id, read once instead of per capture
}

// tsContainer says how to name an enclosing node and whether functions in it
// are methods (classes, impls) or plain functions (namespaces, modules).
type tsContainer struct {
	field  string
	module bool
}

// registerTreeSitter adds a grammar-backed extractor. Called from init in
// the ts_*.go files.
func registerTreeSitter(l *tsLanguage) {
	extractors[l.name] = l.extract
}

// compiled returns the language's query, compiling it on first use: a
// query compiles in milliseconds but is read-only afterwards, so one copy
// serves every goroutine.
func (l *tsLanguage) compiled() (*sitter.Query, error) {
	l.once.Do(func() {
		q, err := sitter.NewQuery([]byte(l.query), l.grammar())
		if err != nil {
			l.qErr = fmt.Errorf("compile %s query: %w", l.name, err)
			return
		}
		l.q = q
		for i := uint32(0); i < q.CaptureCount(); i++ {
			l.names = append(l.names, q.CaptureNameForId(i))
		}
	})
	return l.q, l.qErr
}

// tsMatch is one query match with its captures sorted by role.
type tsMatch struct {
	def, name, body, ref, qualifier, imp, alias, pkg *sitter.Node
	kind                                             DefKind
	reexport, attribute                              bool
	skips, skipTrees, visibility, writes, docs       []*sitter.Node
	exportNames                                      []*sitter.Node
	exportAlias, importName, exportDefault           *sitter.Node
	importDefault, container                         *sitter.Node
}

func (l *tsLanguage) extract(path string, src []byte) (*FileSymbols, error) {
	q, err := l.compiled()
	if err != nil {
		return nil, err
	}
	// A parser is cheap to make and not safe to share, so each call has one.
	parser := sitter.NewParser()
	defer parser.Close()
	parser.SetLanguage(l.grammar())
	tree, err := parser.ParseCtx(context.Background(), nil, src)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	defer tree.Close()

	qc := sitter.NewQueryCursor()
	defer qc.Close()
	qc.Exec(q, tree.RootNode())

	c := tsCollector{lang: l, src: src, fs: &FileSymbols{},
		refs: map[uint32]Reference{}, declared: map[uint32]bool{},
		defs: map[uint32]int{}, imports: map[uint32]int{}, markers: map[uintptr]string{},
		writes: map[uint32]bool{}, exports: map[string]bool{}, aliases: map[string]string{}}
	for {
		m, ok := qc.NextMatch()
		if !ok {
			break
		}
		m = qc.FilterPredicates(m, src)
		if len(m.Captures) == 0 {
			continue // a predicate rejected it
		}
		c.add(l.sortCaptures(m))
	}
	c.resolveDefs(tree.RootNode())
	c.flushRefs()
	return c.fs, nil
}

func (l *tsLanguage) sortCaptures(m *sitter.QueryMatch) tsMatch {
	var tm tsMatch
	for _, capt := range m.Captures {
		n := capt.Node
		name := l.names[capt.Index]
		switch {
		case name == "def.attribute":
			tm.def, tm.kind, tm.attribute = n, KindVariable, true
		case strings.HasPrefix(name, "def."):
			tm.def, tm.kind = n, DefKind(strings.TrimPrefix(name, "def."))
		case name == "name":
			tm.name = n
		case name == "body":
			tm.body = n
		case name == "ref":
			tm.ref = n
		case name == "qualifier":
			tm.qualifier = n
		case name == "import":
			tm.imp = n
		case name == "reexport":
			tm.imp, tm.reexport = n, true
		case name == "alias":
			tm.alias = n
		case name == "package":
			tm.pkg = n
		case name == "skip":
			tm.skips = append(tm.skips, n)
		case name == "skiptree":
			tm.skipTrees = append(tm.skipTrees, n)
		case name == "visibility":
			tm.visibility = append(tm.visibility, n)
		case name == "write":
			tm.writes = append(tm.writes, n)
		case name == "doc":
			tm.docs = append(tm.docs, n)
		case name == "exportname":
			tm.exportNames = append(tm.exportNames, n)
		case name == "exportalias":
			tm.exportAlias = n
		case name == "importname":
			tm.importName = n
		case name == "exportdefault":
			tm.exportDefault = n
		case name == "importdefault":
			tm.importDefault = n
		case name == "container":
			tm.container = n
		}
	}
	return tm
}

// tsCollector accumulates one file's symbols. References are held by start
// byte until the end, because the capture that marks an identifier as a
// declaration (a definition's @name, a @skip) may come after its @ref.
type tsCollector struct {
	lang     *tsLanguage
	src      []byte
	fs       *FileSymbols
	refs     map[uint32]Reference
	declared map[uint32]bool
	skipped  [][2]uint32        // byte ranges of @skiptree nodes
	defs     map[uint32]int     // name start byte -> index in pending
	pending  []tsPending        // definitions awaiting resolveDefs
	imports  map[uint32]int     // path start byte -> index in fs.Imports
	markers  map[uintptr]string // @visibility node id -> its text
	writes   map[uint32]bool    // start bytes of @write identifiers
	exports  map[string]bool    // names of @exportname captures
	aliases  map[string]string
}

// tsPending is a definition whose container and visibility are still to be
// settled by resolveDefs.
type tsPending struct {
	node      *sitter.Node
	def       Definition
	rank      int
	fixed     bool   // the container came from the name itself (C++ A::f)
	attribute bool   // self.x = ...: belongs to the class around the method
	local     bool   // inside a function: visible there only
	nameStart uint32 // start byte of the name
}

func (c *tsCollector) add(m tsMatch) {
	for _, n := range m.skips {
		c.declared[n.StartByte()] = true
	}
	for _, n := range m.skipTrees {
		c.skipped = append(c.skipped, [2]uint32{n.StartByte(), n.EndByte()})
	}
	for _, n := range m.writes {
		c.writes[n.StartByte()] = true
	}
	if n := m.exportDefault; n != nil {
		c.exports[n.Content(c.src)] = true
		c.aliases[n.Content(c.src)] = "default"
	}
	for _, n := range m.exportNames {
		c.exports[n.Content(c.src)] = true
		if m.exportAlias != nil && len(m.exportNames) == 1 {
			c.aliases[n.Content(c.src)] = m.exportAlias.Content(c.src)
		}
	}
	for _, n := range m.docs {
		c.fs.Docs = append(c.fs.Docs, LineSpan{Start: int(n.StartPoint().Row) + 1, End: endLine(n)})
	}
	for _, n := range m.visibility {
		c.markers[n.ID()] = strings.TrimSuffix(strings.TrimSpace(n.Content(c.src)), ":")
	}
	if m.pkg != nil && c.fs.Package == "" {
		c.fs.Package = m.pkg.Content(c.src)
	}
	if m.imp != nil {
		c.addImport(m.imp, m.alias, m.reexport)
		if m.importDefault != nil {
			i := c.imports[m.imp.StartByte()]
			c.fs.Named = append(c.fs.Named, NamedImport{Name: "default", Local: m.importDefault.Content(c.src),
				Path: c.fs.Imports[i].Path, Line: int(m.importDefault.StartPoint().Row) + 1})
		}
		if m.importName != nil {
			i := c.imports[m.imp.StartByte()]
			n := NamedImport{Name: m.importName.Content(c.src), Path: c.fs.Imports[i].Path, Line: int(m.importName.StartPoint().Row) + 1}
			if a := m.importName.Parent().ChildByFieldName("alias"); a != nil {
				n.Local = a.Content(c.src)
			}
			c.fs.Named = append(c.fs.Named, n)
		}
	}
	if m.def != nil && m.name != nil {
		c.addDef(m)
	}
	if m.ref != nil {
		c.addRef(m.ref, m.qualifier)
	}
}

// addImport records an import once: a general pattern and one that also
// captures the alias may both match it.
func (c *tsCollector) addImport(path, alias *sitter.Node, export bool) {
	i, seen := c.imports[path.StartByte()]
	if !seen {
		i = len(c.fs.Imports)
		c.imports[path.StartByte()] = i
		text := unquote(path.Content(c.src))
		if c.lang.importPath != nil {
			text = c.lang.importPath(path, c.src)
		}
		c.fs.Imports = append(c.fs.Imports, Import{Path: text, Line: int(path.StartPoint().Row) + 1})
	}
	if alias != nil {
		c.fs.Imports[i].Alias = alias.Content(c.src)
	}
	if export {
		c.fs.Imports[i].Export = true
	}
}

// addDef records a definition. When several patterns match the same name
// the richest reading wins: a function or class beats a plain variable (in
// const f = () => {} the binding is the function), a constant beats a
// variable, and a match with a body beats one without.
func (c *tsCollector) addDef(m tsMatch) {
	start := m.name.StartByte()
	c.declared[start] = true
	if leaf := nameLeaf(m.name); leaf != nil {
		c.declared[leaf.StartByte()] = true
	}
	rank := defRank(m)
	prev, seen := c.defs[start]
	if seen && c.pending[prev].rank >= rank {
		return
	}
	name := nodeName(m.name, c.src)
	if name == "" {
		return
	}
	p := tsPending{node: m.def, rank: rank, attribute: m.attribute, nameStart: start, def: Definition{
		Name:      name,
		Kind:      m.kind,
		StartLine: int(m.def.StartPoint().Row) + 1,
		EndLine:   endLine(m.def),
	}}
	p.def.SignatureEnd = p.def.EndLine
	if m.body == nil {
		m.body = m.def.ChildByFieldName("body")
	}
	if m.body != nil {
		// The header ends with whatever precedes the body: ")" or ":" on a
		// line of its own in a long signature, the name line otherwise.
		p.def.SignatureEnd = int(m.body.StartPoint().Row) + 1
		if prev := m.body.PrevSibling(); prev != nil {
			p.def.SignatureEnd = endLine(prev)
		}
	}
	if m.container != nil {
		p.def.Container, p.fixed = m.container.Content(c.src), true
		if p.def.Kind == KindFunction {
			p.def.Kind = KindMethod
		}
	} else if scope := m.name.ChildByFieldName("scope"); scope != nil {
		// A name spelled with its scope (C++'s Cache::get defined outside
		// the class) names its own container.
		p.def.Container, p.fixed = nodeName(scope, c.src), true
		if p.def.Kind == KindFunction {
			p.def.Kind = KindMethod
		}
	}
	if seen {
		c.pending[prev] = p
		return
	}
	c.defs[start] = len(c.pending)
	c.pending = append(c.pending, p)
}

// defRank orders readings of one name. An interface outranks a class
// because Kotlin and Scala grammars spell both with one node type, and only
// the interface pattern checks the keyword.
func defRank(m tsMatch) int {
	rank := 4
	switch m.kind {
	case KindVariable:
		rank = 0
	case KindConstant:
		rank = 2
	case KindInterface:
		rank = 6
	}
	if m.body != nil {
		rank++
	}
	return rank
}

// tsSite is a definition in its place in the tree, for the per-language
// exported rules.
type tsSite struct {
	node      *sitter.Node
	ancestors []*sitter.Node // root first, parent last
	name      string
	src       []byte
}

// parent is the nth ancestor (1 is the parent), or nil past the root.
func (s tsSite) parent(n int) *sitter.Node {
	if n > len(s.ancestors) {
		return nil
	}
	return s.ancestors[len(s.ancestors)-n]
}

// parentType is the type of the nth ancestor, or "" past the root.
func (s tsSite) parentType(n int) string {
	if p := s.parent(n); p != nil {
		return p.Type()
	}
	return ""
}

// inside reports whether an ancestor has the given type.
func (s tsSite) inside(typ string) bool {
	for _, a := range s.ancestors {
		if a.Type() == typ {
			return true
		}
	}
	return false
}

// resolveDefs settles each definition's container and visibility in one
// walk over the tree. Asking nodes for their parents instead would scan
// the parent's children at every step in tree-sitter, which is quadratic
// in a file with many top-level definitions. The walk descends only into
// subtrees where a definition starts.
func (c *tsCollector) resolveDefs(root *sitter.Node) {
	byID := map[uintptr][]int{}
	starts := make([]uint32, 0, len(c.pending))
	for i, p := range c.pending {
		byID[p.node.ID()] = append(byID[p.node.ID()], i)
		starts = append(starts, p.node.StartByte())
	}
	slices.Sort(starts)
	holdsDef := func(n *sitter.Node) bool {
		i, _ := slices.BinarySearch(starts, n.StartByte())
		return i < len(starts) && starts[i] < n.EndByte()
	}

	cur := sitter.NewTreeCursor(root)
	defer cur.Close()
	var ancestors []*sitter.Node
	var marks []string // the visibility in force at each enclosing level
	mark := ""
walk:
	for len(c.pending) > 0 {
		n := cur.CurrentNode()
		if text, ok := c.markers[n.ID()]; ok {
			mark = text
		}
		for _, i := range byID[n.ID()] {
			c.settle(&c.pending[i], ancestors, mark)
		}
		if holdsDef(n) && cur.GoToFirstChild() {
			ancestors = append(ancestors, n)
			marks = append(marks, mark)
			mark = ""
			continue
		}
		for !cur.GoToNextSibling() {
			if !cur.GoToParent() {
				break walk
			}
			ancestors = ancestors[:len(ancestors)-1]
			mark, marks = marks[len(marks)-1], marks[:len(marks)-1]
		}
	}
	attrs := map[string]bool{}
	for _, p := range c.pending {
		if p.attribute {
			// Only the first assignment declares the attribute (and only
			// inside a class); later ones are uses of it.
			key := p.def.Container + "." + p.def.Name
			if p.def.Container == "" || attrs[key] {
				delete(c.declared, p.nameStart)
				continue
			}
			attrs[key] = true
		}
		if !p.local && p.def.Container == "" && c.exports[p.def.Name] {
			p.def.Exported = true
			p.def.ExportedAs = c.aliases[p.def.Name]
		}
		c.fs.Definitions = append(c.fs.Definitions, p.def)
	}
}

// settle gives a definition the nearest enclosing class-like node as its
// container. A function or lambda met first makes it local: then it has no
// container and is not exported.
func (c *tsCollector) settle(p *tsPending, ancestors []*sitter.Node, mark string) {
	local := false
	for k := len(ancestors) - 1; k >= 0 && !p.fixed; k-- {
		a := ancestors[k]
		if ct, ok := c.lang.containers[a.Type()]; ok {
			var n *sitter.Node
			if ct.field != "" {
				n = a.ChildByFieldName(ct.field)
			} else {
				n = firstIdentifier(a)
			}
			p.def.Container = nodeName(n, c.src)
			if p.def.Kind == KindFunction && !ct.module {
				p.def.Kind = KindMethod
			}
			break
		}
		if slices.Contains(c.lang.scopes, a.Type()) && !p.attribute {
			local = true
			break
		}
	}
	p.local = local
	site := tsSite{node: p.node, ancestors: ancestors, name: p.def.Name, src: c.src}
	p.def.Exported = !local && (c.lang.exported == nil || c.lang.exported(site))
	if mark != "" && !local {
		p.def.Exported = !slices.Contains(c.lang.hidden, mark)
	}
}

func (c *tsCollector) addRef(ref, qualifier *sitter.Node) {
	r := Reference{
		Name:   ref.Content(c.src),
		Line:   int(ref.StartPoint().Row) + 1,
		Column: int(ref.StartPoint().Column) + 1,
	}
	if qualifier != nil {
		r.Qualifier = qualifierText(qualifier, c.src)
		r.Member = true
	}
	r.InType = ref.Type() == "type_identifier"
	// The same identifier may match a bare pattern and a qualified one;
	// the qualified reading says more.
	if old, ok := c.refs[ref.StartByte()]; ok && (old.Qualifier != "" || old.Member && !r.Member) {
		return
	}
	c.refs[ref.StartByte()] = r
}

func (c *tsCollector) flushRefs() {
refs:
	for start, r := range c.refs {
		if c.declared[start] || r.Name == "" {
			continue
		}
		for _, span := range c.skipped {
			if start >= span[0] && start < span[1] {
				continue refs
			}
		}
		r.Write = c.writes[start]
		c.fs.References = append(c.fs.References, r)
	}
}

// nodeName is the simple name a node spells, looking through wrappers such
// as generic types (Foo<T>), qualified names (a::B) and pointer
// declarators (*f) to the identifier that matters.
func nodeName(n *sitter.Node, src []byte) string {
	if leaf := nameLeaf(n); leaf != nil {
		return leaf.Content(src)
	}
	return ""
}

// nameLeaf finds the identifier node for nodeName.
func nameLeaf(n *sitter.Node) *sitter.Node {
	for depth := 0; n != nil && depth < 8; depth++ {
		if n.NamedChildCount() == 0 {
			return n
		}
		next := n.ChildByFieldName("name")
		for _, field := range []string{"declarator", "type"} {
			if next == nil {
				next = n.ChildByFieldName(field)
			}
		}
		if next == nil {
			next = n.NamedChild(0)
		}
		n = next
	}
	return nil
}

// firstIdentifier is the first child of n whose type names an identifier.
func firstIdentifier(n *sitter.Node) *sitter.Node {
	for i := 0; i < int(n.NamedChildCount()); i++ {
		if ch := n.NamedChild(i); strings.Contains(ch.Type(), "identifier") {
			return ch
		}
	}
	return nil
}

// qualifierText is the identifier immediately left of a member access: "x"
// for x.m, "b" for a.b.m. Calls, indexes and other expressions give "".
func qualifierText(n *sitter.Node, src []byte) string {
	if n.NamedChildCount() == 0 {
		return n.Content(src)
	}
	if n.ChildByFieldName("arguments") != nil {
		return "" // a call: obj.m().x is not qualified by m
	}
	if n.NamedChildCount() == 1 && n.NamedChild(0).NamedChildCount() == 0 {
		return n.NamedChild(0).Content(src) // a wrapper such as PHP's $this
	}
	if strings.Contains(n.Type(), "navigation") {
		// Kotlin and Swift spell a.b as (navigation_expression a (suffix b)).
		return qualifierText(n.NamedChild(int(n.NamedChildCount())-1), src)
	}
	for _, field := range []string{"property", "attribute", "field", "name", "type"} {
		if c := n.ChildByFieldName(field); c != nil && c.NamedChildCount() == 0 {
			return c.Content(src)
		}
	}
	return ""
}

// endLine is the last line a node covers. A node ending at column 0 ends
// with a newline, which belongs to the line before.
func endLine(n *sitter.Node) int {
	end := n.EndPoint()
	if end.Column == 0 && end.Row > n.StartPoint().Row {
		return int(end.Row)
	}
	return int(end.Row) + 1
}

// unquote strips the quotes or angle brackets around an import path.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 {
		switch first, last := s[0], s[len(s)-1]; {
		case first == last && strings.ContainsRune("\"'`", rune(first)),
			first == '<' && last == '>':
			return s[1 : len(s)-1]
		}
	}
	return s
}

// hasModifier reports whether def (or its modifiers child) carries one of
// the given keywords, such as public or static.
func hasModifier(def *sitter.Node, src []byte, words ...string) bool {
	for i := 0; i < int(def.ChildCount()); i++ {
		ch := def.Child(i)
		if !strings.Contains(ch.Type(), "modifier") && !strings.Contains(ch.Type(), "visibility") {
			continue
		}
		text := ch.Content(src)
		for _, w := range words {
			for _, f := range strings.FieldsFunc(text, isNotIdent) {
				if f == w {
					return true
				}
			}
		}
	}
	return false
}

func isNotIdent(r rune) bool {
	return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}
