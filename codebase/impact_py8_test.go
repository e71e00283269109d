package codebase

import (
	"slices"
	"strings"
	"testing"
)

// Receivers the round-8 rules settle: members named like a builtin
// method or like another class's member need a receiver that proves the
// class; module-qualified classes and functions, __getattr__ and quoted
// annotations give receivers their types.

const pyNodes = `class Node:
    def __init__(self):
        self.children = []

    def append(self, child):
        self.children.append(child)
        return self
`

const pyNodesUse = `from .nodes import Node


def build(node, items, parent: "Node", made: Node):
    items.append(1)
    node.append(2)
    parent.append(3)
    made.children.append(4)
    return made.append(5)
`

const pyNodesTest = `from pkg.nodes import Node


def test_append():
    n = Node()
    n.append(1)
`

func TestPythonBuiltinMethodNamesNeedAProvenReceiver(t *testing.T) {
	requireExtractor(t, "Python", "pkg/nodes.py", pyNodes)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/nodes.py": pyNodes, "pkg/use.py": pyNodesUse, "tests/test_nodes.py": pyNodesTest}
	newSrc := strings.Replace(pyNodes, "return self\n", "return None\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/nodes.py": newSrc}, 0)
	im := findImpact(a, "Node.append")
	if im == nil {
		t.Fatalf("no impact for Node.append:\n%s", dumpAnalysis(a))
	}
	// append is every list's: the untyped items and the list in
	// children are not listed; node (named after the class), a quoted
	// annotation, an annotation and Node() in another directory prove a
	// Node.
	want := []string{
		loc("pkg/use.py", lineOf(t, pyNodesUse, "node.append(2)")),
		loc("pkg/use.py", lineOf(t, pyNodesUse, "parent.append(3)")),
		loc("pkg/use.py", lineOf(t, pyNodesUse, "return made.append(5)")),
		loc("tests/test_nodes.py", lineOf(t, pyNodesTest, "n.append(1)")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
	if !strings.Contains(im.Summary, "receiver type was checked") {
		t.Errorf("summary %q does not say only checked receivers are listed", im.Summary)
	}
}

const pyTrees = `class Tree:
    def __init__(self, data, children):
        self.data = data
        self.children = children


class SymbolNode:
    def __init__(self, s):
        self.s = s

    @property
    def children(self):
        return [self.s]


class Visitor:
    def visit(self, tree):
        return tree


class Printer(Visitor):
    def visit(self, tree):
        return str(tree)
`

const pyTreesUse = `from .trees import SymbolNode


def walk(tree, exp, node: SymbolNode, v):
    a = tree.children
    b = exp.children
    c = node.children
    return a, b, c, v.visit(tree)
`

func TestPythonMemberNamesSharedByClasses(t *testing.T) {
	requireExtractor(t, "Python", "pkg/trees.py", pyTrees)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/trees.py": pyTrees, "pkg/use.py": pyTreesUse}
	newSrc := strings.Replace(pyTrees, "return [self.s]", "return (self.s,)", 1)
	newSrc = strings.Replace(newSrc, "        return tree\n", "        return None\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/trees.py": newSrc}, 0)
	im := findImpact(a, "SymbolNode.children")
	if im == nil {
		t.Fatalf("no impact for SymbolNode.children:\n%s", dumpAnalysis(a))
	}
	// Tree declares children too: tree is a Tree by its name, exp could
	// be either; node is annotated.
	if want := []string{loc("pkg/use.py", lineOf(t, pyTreesUse, "c = node.children"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("children locations = %v, want %v", im.Locations, want)
	}
	// A subclass overriding visit is one method family with its base:
	// an untyped v.visit is still matched by name.
	im = findImpact(a, "Visitor.visit")
	if im == nil {
		t.Fatalf("no impact for Visitor.visit:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("pkg/use.py", lineOf(t, pyTreesUse, "v.visit(tree)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("visit locations = %v, want %v", im.Locations, want)
	}
}

const pyKinds = `class Kind:
    @classmethod
    def make(cls, value):
        return cls()


class Other:
    def make(self, value):
        return value

    def to_wire(self):
        return None
`

const pyMessage = `from .kinds import Kind


class Query:
    def to_wire(self):
        return b""

    def make(self, value):
        return value


def make_query(name) -> Query:
    return Query()
`

const pyQuery = `import pkg.kinds
import pkg.message
import pkg.kinds as k


def send(value):
    a = pkg.kinds.Kind.make(value)
    b = k.Kind.make(value)
    c = k.Other().make(value)
    d = pkg.message.make_query("x").make(value)
    q = pkg.message.make_query("y")
    return a, b, c, d, q.to_wire(), value.to_wire()
`

func TestPythonModuleQualifiedClassesAndFunctions(t *testing.T) {
	requireExtractor(t, "Python", "pkg/kinds.py", pyKinds)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/kinds.py": pyKinds, "pkg/message.py": pyMessage, "pkg/query.py": pyQuery}
	newSrc := strings.Replace(pyKinds, "return cls()", "return cls(value)", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/kinds.py": newSrc}, 0)
	im := findImpact(a, "Kind.make")
	if im == nil {
		t.Fatalf("no impact for Kind.make:\n%s", dumpAnalysis(a))
	}
	// pkg.kinds.Kind and k.Kind are the class; k.Other() is an Other and
	// make_query's annotation says it returns a Query.
	want := []string{
		loc("pkg/query.py", lineOf(t, pyQuery, "a = pkg.kinds.Kind.make")),
		loc("pkg/query.py", lineOf(t, pyQuery, "b = k.Kind.make")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
	// q is what pkg.message.make_query returns by its annotation, a
	// Query; value is untyped and Other has a to_wire too.
	newMsg := strings.Replace(pyMessage, `return b""`, `return bytes()`, 1)
	a, _ = analyzeCommits(t, base, map[string]string{"pkg/message.py": newMsg}, 0)
	im = findImpact(a, "Query.to_wire")
	if im == nil {
		t.Fatalf("no impact for Query.to_wire:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("pkg/query.py", lineOf(t, pyQuery, "q.to_wire()"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("to_wire locations = %v, want %v", im.Locations, want)
	}
}

const pyTags = `class Tag:
    def __init__(self, name):
        self.name = name

    def __getattr__(self, sub) -> "Tag":
        return Tag(sub)

    def decode(self):
        return self.name


class Page:
    def decode(self):
        return ""
`

const pyTagsUse = `from .tags import Tag


def show(soup: Tag, raw):
    return soup.body.decode(), raw.body.decode(), soup.name.decode()
`

func TestPythonGetattrGivesMissingAttributes(t *testing.T) {
	requireExtractor(t, "Python", "pkg/tags.py", pyTags)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/tags.py": pyTags, "pkg/show.py": pyTagsUse}
	newSrc := strings.Replace(pyTags, "return self.name\n", "return str(self.name)\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/tags.py": newSrc}, 0)
	im := findImpact(a, "Tag.decode")
	if im == nil {
		t.Fatalf("no impact for Tag.decode:\n%s", dumpAnalysis(a))
	}
	// soup.body is what Tag.__getattr__ returns, a Tag; soup.name is an
	// attribute Tag assigns (from an untyped parameter), raw is untyped.
	if want := []string{loc("pkg/show.py", lineOf(t, pyTagsUse, "return soup.body.decode()"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyTokenizer = `class Tokenizer:
    def get_uint16(self):
        return 0


class Parser:
    def get_uint16(self):
        return 1
`

const pyRdata = `import pkg.tokenizer


class Rdata:
    @classmethod
    def from_text(cls, tok: pkg.tokenizer.Tokenizer, origin=None):
        raise NotImplementedError


class Quoted:
    def read(self, tok: "pkg.tokenizer.Tokenizer"):
        return tok.get_uint16()
`

const pyCert = `import pkg.rdata


class CERT(pkg.rdata.Rdata):
    @classmethod
    def from_text(cls, tok, origin=None):
        flags = tok.get_uint16()
        return origin.get_uint16(), flags


def loose(tok):
    return tok.get_uint16()
`

func TestPythonOverrideTakesItsBaseParameterAnnotations(t *testing.T) {
	requireExtractor(t, "Python", "pkg/tokenizer.py", pyTokenizer)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/tokenizer.py": pyTokenizer, "pkg/rdata.py": pyRdata, "pkg/cert.py": pyCert}
	newSrc := strings.Replace(pyTokenizer, "return 0", "return 2", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/tokenizer.py": newSrc}, 0)
	im := findImpact(a, "Tokenizer.get_uint16")
	if im == nil {
		t.Fatalf("no impact for Tokenizer.get_uint16:\n%s", dumpAnalysis(a))
	}
	// CERT.from_text's tok is the Tokenizer its base annotates (with a
	// dotted module name), as in the quoted annotation; origin is not
	// annotated there, and loose is no method.
	want := []string{
		loc("pkg/cert.py", lineOf(t, pyCert, "flags = tok.get_uint16()")),
		loc("pkg/rdata.py", lineOf(t, pyRdata, "return tok.get_uint16()")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyOldMath = `class math:
    def __init__(self):
        self.attributes = {}
`

const pyMathML = `import xml.etree.ElementTree as ET


class MathElement(ET.Element):
    def __init__(self):
        self.attrib = {}
`

const pyDocNodes = `class Element:
    def __init__(self):
        self.attributes = {}


class math(Element):
    pass
`

const pyDocUse = `def copy(node, raw):
    node.attributes["x"] = 1
    return raw.attributes
`

func TestPythonDeletedMemberAClassOfThatNameStillHas(t *testing.T) {
	requireExtractor(t, "Python", "pkg/latex.py", pyOldMath)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/latex.py": pyOldMath, "pkg/nodes.py": pyDocNodes, "pkg/use.py": pyDocUse}
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/latex.py": "def gone():\n    return None\n"}, 0)
	// latex.math and its attributes are gone, but nodes.math inherits
	// attributes from Element: a use by name does not break, and only a
	// receiver proving the class would be listed.
	if im := findImpact(a, "math.attributes"); im != nil && len(im.Locations) > 0 {
		t.Errorf("math.attributes lists %v; a class named math still has attributes", im.Locations)
	}
}

func TestPythonStandardLibraryBaseIsNotARepositoryClass(t *testing.T) {
	requireExtractor(t, "Python", "pkg/mathml.py", pyMathML)
	mathml := strings.Replace(pyMathML, "self.attrib = {}", "self.attributes = {}", 1)
	nodes := strings.Replace(pyDocNodes, "class math(Element):\n    pass\n", "", 1)
	use := "def f(e):\n    return e.attributes\n"
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/mathml.py": mathml, "pkg/nodes.py": nodes, "pkg/use.py": use}
	newSrc := strings.Replace(mathml, "self.attributes = {}", "self.attributes = dict()", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/mathml.py": newSrc}, 0)
	// MathElement's base is xml.etree's Element, not nodes.Element: the
	// two are unrelated classes sharing attributes, so the untyped e
	// proves neither.
	if im := findImpact(a, "MathElement.attributes"); im != nil && len(im.Locations) > 0 {
		t.Errorf("MathElement.attributes lists %v", im.Locations)
	}
}

func TestPythonOptionalReturnAnnotationInAnnotationSyntax(t *testing.T) {
	requireExtractor(t, "Python", "pkg/tags.py", pyTags)
	// In a def's return annotation Optional[Tag] parses as a generic
	// type (its argument inside a type_parameter), not as a subscript.
	src := "from typing import Optional\n\n\n" + strings.Replace(pyTags, `-> "Tag":`, `-> Optional[Tag]:`, 1)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/tags.py": src, "pkg/show.py": pyTagsUse}
	newSrc := strings.Replace(src, "return self.name\n", "return str(self.name)\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/tags.py": newSrc}, 0)
	im := findImpact(a, "Tag.decode")
	if im == nil {
		t.Fatalf("no impact for Tag.decode:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("pkg/show.py", lineOf(t, pyTagsUse, "return soup.body.decode()"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// Module-qualified names that lead back to themselves (X: pkg.b.Y with
// Y: pkg.a.X, Z = pkg.a.Z) must end: PR content is untrusted, and a file
// crafted this way must not hang or crash the review.
func TestPythonCircularModuleNamesEnd(t *testing.T) {
	requireExtractor(t, "Python", "pkg/shapes.py", pyShapes)
	base := map[string]string{
		"pkg/__init__.py": "\n",
		"pkg/shapes.py":   pyShapes,
		"pkg/a.py":        "import pkg.b\nimport pkg.a\n\nX: pkg.b.Y = pkg.b.Y\nZ = pkg.a.Z\nW: \"pkg.a.W\" = W\n",
		"pkg/b.py":        "import pkg.a\n\nY: pkg.a.X = pkg.a.X\n",
		"pkg/use.py":      "import pkg.a\n\n\ndef f():\n    pkg.a.X.area()\n    pkg.a.Z.area()\n    return pkg.a.W.area()\n",
	}
	newSrc := strings.Replace(pyShapes, "return 0", "return 2", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/shapes.py": newSrc}, 0)
	// Other declares area too: none of these receivers proves a Shape.
	if im := findImpact(a, "Shape.area"); im != nil && len(im.Locations) != 0 {
		t.Errorf("locations = %v, want none", im.Locations)
	}
}
