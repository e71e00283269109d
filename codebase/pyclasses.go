package codebase

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/reviewbot/reviewbot/languages"
)

// pyClass is one Python class definition with the base class names its
// header spells (the last element of a dotted base: Processor for
// util.Processor).
type pyClass struct {
	pf    *parsedFile
	def   languages.Definition
	bases []string
}

// pyHierarchy indexes the Python classes of the repository by name, to
// tell which class self.name inside a method can reach.
type pyHierarchy struct {
	byName map[string][]pyClass
	// scopes answers what a name or receiver is bound to.
	scopes *pyScopes
	// folded lists the class names by pyClassKey, for namedReaches.
	folded map[string][]string
	// seen are the files whose classes byName holds.
	seen map[string]bool
}

// maxClassRounds bounds the rounds of base-class lookups (each one scan
// of the Python files for the still unknown base names).
const maxClassRounds = 4

// pyHierarchyOf collects the classes of the given parsed files, then looks
// for the base classes they name in the other Python files of the
// repository, a few generations deep.
func (a *analyzer) pyHierarchyOf(ctx context.Context, found []*parsedFile) (*pyHierarchy, error) {
	h := &pyHierarchy{byName: map[string][]pyClass{}, seen: map[string]bool{}}
	h.scopes = newPyScopes(ctx, a.head, h)
	for _, pf := range found {
		h.add(pf)
	}
	var pyPaths []string
	for _, p := range a.head.files {
		if strings.HasSuffix(p, ".py") && !ignoredDir(p) {
			pyPaths = append(pyPaths, p)
		}
	}
	for range maxClassRounds {
		unknown := map[string]bool{}
		for _, cs := range h.byName {
			for _, c := range cs {
				for _, b := range c.bases {
					if _, ok := h.byName[b]; !ok && !pyBuiltinBase[b] {
						unknown[b] = true
					}
				}
			}
		}
		if len(unknown) == 0 {
			break
		}
		more, err := a.head.scan(ctx, pyPaths, unknown)
		if err != nil {
			return nil, err
		}
		for _, pf := range more {
			h.add(pf)
		}
		for b := range unknown {
			if _, ok := h.byName[b]; !ok {
				h.byName[b] = nil // outside the repository
			}
		}
	}
	for _, cs := range h.byName {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].pf.path < cs[j].pf.path })
	}
	return h, nil
}

// add records the classes of pf, once.
func (h *pyHierarchy) add(pf *parsedFile) {
	if pf.syms == nil || pf.lang != "Python" || h.seen[pf.path] {
		return
	}
	h.seen[pf.path] = true
	for _, d := range pf.syms.Definitions {
		if d.Kind == languages.KindClass {
			h.byName[d.Name] = append(h.byName[d.Name], pyClass{pf: pf, def: d, bases: pyBases(pf, d)})
			h.folded = nil
		}
	}
}

// pyBuiltinBase are base classes from Python itself, never defined in
// the repository.
var pyBuiltinBase = setOfStrings("object", "Exception", "BaseException", "ValueError", "TypeError",
	"RuntimeError", "KeyError", "dict", "list", "str", "int", "tuple", "set", "type", "Enum", "IntEnum")

var pyClassHeader = regexp.MustCompile(`(?s)\bclass\s+\w+\s*\((.*)\)\s*:`)

// pyBases reads the base class names from a class header.
func pyBases(pf *parsedFile, d languages.Definition) []string {
	m := pyClassHeader.FindStringSubmatch(pf.lines(d.StartLine, d.SignatureEnd))
	if m == nil {
		return nil
	}
	var out []string
	for _, part := range strings.Split(m[1], ",") {
		part = strings.TrimSpace(part)
		if part == "" || strings.Contains(part, "=") {
			continue // metaclass=..., keyword arguments
		}
		if i := strings.IndexAny(part, "[("); i >= 0 {
			part = part[:i] // Generic[T]
		}
		if i := strings.LastIndex(part, "."); i >= 0 {
			if pyStdlibQualifier(pf, part[:strings.Index(part, ".")]) {
				continue // ET.Element: the standard library's, not a repository Element
			}
			part = part[i+1:]
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

// pyStdlibQualifier reports whether q is the local name of a module of
// the standard library that pf imports (import xml.etree.ElementTree as
// ET, import logging).
func pyStdlibQualifier(pf *parsedFile, q string) bool {
	for _, im := range pf.syms.Imports {
		if strings.HasPrefix(im.Path, ".") {
			continue
		}
		root := strings.SplitN(im.Path, ".", 2)[0]
		if im.Alias == q || im.Alias == "" && root == q {
			return pyStdlib[root]
		}
	}
	return false
}

// selfReaches reports whether self.name, written inside class cls of pf,
// can be the member name of class container: cls is container, or
// inherits it without a class on the way defining name itself. A class
// that cannot be found (from outside the repository) cannot lead to it.
func (h *pyHierarchy) selfReaches(pf *parsedFile, cls languages.Definition, container, name string) bool {
	type node struct {
		c     pyClass
		depth int
	}
	start := pyClass{pf: pf, def: cls, bases: pyBases(pf, cls)}
	queue := []node{{start, 0}}
	visited := map[string]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		key := n.c.pf.path + "\x00" + n.c.def.Name
		if visited[key] || n.depth > 8 {
			continue
		}
		visited[key] = true
		if n.c.def.Name == container {
			return true
		}
		if definesMember(n.c, name) {
			return false // overridden on the way: self.name is that one
		}
		for _, b := range n.c.bases {
			for _, c := range h.byName[b] {
				queue = append(queue, node{c, n.depth + 1})
			}
		}
	}
	return false
}

// definesMember reports whether class c declares a member called name: a
// method or a class-level attribute. An attribute first set in a method
// (self.x = v) does not count: it assigns what a base class may declare.
func definesMember(c pyClass, name string) bool {
	defs := c.pf.syms.Definitions
	for _, d := range defs {
		if d.Container != c.def.Name || d.Name != name || d.StartLine < c.def.StartLine || d.EndLine > c.def.EndLine {
			continue
		}
		if d.Kind != languages.KindVariable {
			return true
		}
		inMethod := false
		for _, m := range defs {
			if (m.Kind == languages.KindMethod || m.Kind == languages.KindFunction) && m.StartLine <= d.StartLine && m.EndLine >= d.EndLine && m.StartLine >= c.def.StartLine {
				inMethod = true
				break
			}
		}
		if !inMethod {
			return true
		}
	}
	return false
}

// enclosingPyClass is the innermost class definition of pf around line.
func enclosingPyClass(pf *parsedFile, line int) (languages.Definition, bool) {
	var out languages.Definition
	found := false
	for _, d := range pf.syms.Definitions {
		if d.StartLine > line {
			break
		}
		if d.Kind == languages.KindClass && line <= d.EndLine {
			out, found = d, true
		}
	}
	return out, found
}

// superReaches decides x.name where receiver x is super() (or
// super(C, self)) inside class C: it reaches the member of C's bases,
// never C's own. sure is false outside a known class.
func (h *pyHierarchy) superReaches(pf *parsedFile, recv *sitter.Node, container, name string) (ok, sure bool) {
	if recv.Type() != "call" {
		return false, false
	}
	fn := recv.ChildByFieldName("function")
	if fn == nil || fn.Type() != "identifier" || fn.Content(pf.src) != "super" {
		return false, false
	}
	cls, found := enclosingPyClass(pf, int(recv.StartPoint().Row)+1)
	if !found {
		return false, false
	}
	for _, b := range pyBases(pf, cls) {
		if h.reaches(b, container, name) {
			return true, true
		}
	}
	return false, true
}

// protocol reports whether the class named container, defined in file
// p, derives from typing.Protocol.
func (h *pyHierarchy) protocol(p, container string) bool {
	for _, c := range h.byName[container] {
		if c.pf.path == p && slices.Contains(c.bases, "Protocol") {
			return true
		}
	}
	return false
}

// pyClassKey folds a class or variable name for namedReaches: no
// underscores, lower case (_RefResolver and ref_resolver meet).
func pyClassKey(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}

// namedReaches decides x.name for an untyped receiver x whose name,
// folded, is that of repository classes: sure when one of them reaches
// member name of container (true), or when none does while one has a
// member of that name of its own (false: x is that class's).
func (h *pyHierarchy) namedReaches(recv, container, name string) (ok, sure bool) {
	if h.folded == nil {
		h.folded = map[string][]string{}
		for cn, cs := range h.byName {
			if len(cs) > 0 {
				k := pyClassKey(cn)
				h.folded[k] = append(h.folded[k], cn)
			}
		}
		for _, v := range h.folded {
			sort.Strings(v)
		}
	}
	classes := h.folded[pyClassKey(recv)]
	if len(classes) == 0 {
		return false, false
	}
	has := false
	for _, cn := range classes {
		if h.reaches(cn, container, name) {
			return true, true
		}
		has = has || h.hasMember(cn, name)
	}
	return false, has
}

// hasMember reports whether the class named class, or a class it
// inherits from in the repository, declares member name.
func (h *pyHierarchy) hasMember(class, name string) bool {
	return h.anyUp(class, func(c pyClass) bool { return definesMember(c, name) })
}

// anyUp reports whether found holds for a repository class named class or
// one it inherits from, visited breadth first by name (at most 64 names).
func (h *pyHierarchy) anyUp(class string, found func(pyClass) bool) bool {
	seen := map[string]bool{}
	queue := []string{class}
	for len(queue) > 0 && len(seen) < 64 {
		cn := queue[0]
		queue = queue[1:]
		if seen[cn] {
			continue
		}
		seen[cn] = true
		for _, c := range h.byName[cn] {
			if found(c) {
				return true
			}
			queue = append(queue, c.bases...)
		}
	}
	return false
}
