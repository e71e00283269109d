package codebase

import (
	"slices"
	"strings"
	"testing"
)

// Receivers the round-7 rules settle: the return annotation of a
// repository function or method, and isinstance narrowing.

const pyShapes = `class Shape:
    def area(self):
        return 0


class Other:
    def area(self):
        return 1
`

const pyMakers = `from .shapes import Shape, Other


def make() -> Shape:
    return Shape()


def names() -> dict[str, int]:
    return {}


class Factory:
    def build(self) -> Other:
        return Other()

    @property
    def first(self) -> Other:
        return Other()

    @first.setter
    def first(self, v):
        pass

    @property
    def second(self) -> Shape:
        return Shape()


def use(f: Factory, s):
    a = make().area()
    b = names().area()
    c = f.build().area()
    d = Factory().build().area()
    e = f.first.area()
    g = f.second.area()
    return a, b, c, d, e, g
`

const pyMakersUse = `from .makers import make


def far():
    return make().area()
`

func TestPythonReturnAnnotations(t *testing.T) {
	requireExtractor(t, "Python", "pkg/shapes.py", pyShapes)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/shapes.py": pyShapes, "pkg/makers.py": pyMakers, "pkg/use.py": pyMakersUse}
	newSrc := strings.Replace(pyShapes, "return 0", "return 2", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/shapes.py": newSrc}, 0)
	im := findImpact(a, "Shape.area")
	if im == nil {
		t.Fatalf("no impact for Shape.area:\n%s", dumpAnalysis(a))
	}
	// names() is a dict, build() and the property first an Other: only
	// make() and the property second give a Shape.
	want := []string{
		loc("pkg/makers.py", lineOf(t, pyMakers, "a = make().area()")),
		loc("pkg/makers.py", lineOf(t, pyMakers, "g = f.second.area()")),
		loc("pkg/use.py", lineOf(t, pyMakersUse, "return make().area()")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyNarrow = `from .shapes import Shape, Other


def pick(x, y):
    if isinstance(x, Other):
        x.area()
    elif isinstance(y, (str, bytes)):
        y.area()
    if isinstance(x, Shape) and x:
        return x.area()
    return None
`

func TestPythonIsinstanceNarrowing(t *testing.T) {
	requireExtractor(t, "Python", "pkg/shapes.py", pyShapes)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/shapes.py": pyShapes, "pkg/narrow.py": pyNarrow}
	newSrc := strings.Replace(pyShapes, "return 0", "return 2", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/shapes.py": newSrc}, 0)
	im := findImpact(a, "Shape.area")
	if im == nil {
		t.Fatalf("no impact for Shape.area:\n%s", dumpAnalysis(a))
	}
	want := []string{loc("pkg/narrow.py", lineOf(t, pyNarrow, "return x.area()"))}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyResponses = `class Base:
    def drain(self):
        raise NotImplementedError()


class Real(Base):
    def drain(self):
        return 1


class Apart:
    def drain(self):
        return 2


def fetch() -> Base:
    return Real()


def go():
    fetch().drain()


def other() -> Apart:
    return Apart()


def stay():
    other().drain()
`

func TestPythonBaseTypedReceiverReachesOverride(t *testing.T) {
	requireExtractor(t, "Python", "pkg/resp.py", pyResponses)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/resp.py": pyResponses}
	newSrc := strings.Replace(pyResponses, "return 1", "return 3", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/resp.py": newSrc}, 0)
	im := findImpact(a, "Real.drain")
	if im == nil {
		t.Fatalf("no impact for Real.drain:\n%s", dumpAnalysis(a))
	}
	// fetch() is a Base, which may be a Real; other() an Apart.
	want := []string{loc("pkg/resp.py", lineOf(t, pyResponses, "    fetch().drain()"))}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyWriters = `class Doc:
    def append(self, x):
        return x


class BaseWriter:
    def __init__(self):
        self.body = []
        self.doc = Doc()


class Writer(BaseWriter):
    def visit(self, x):
        self.body.append(x)
        self.doc.append(x)
`

func TestPythonSelfAttributeFromBaseClass(t *testing.T) {
	requireExtractor(t, "Python", "pkg/writers.py", pyWriters)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/writers.py": pyWriters}
	newSrc := strings.Replace(pyWriters, "return x", "return [x]", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/writers.py": newSrc}, 0)
	im := findImpact(a, "Doc.append")
	if im == nil {
		t.Fatalf("no impact for Doc.append:\n%s", dumpAnalysis(a))
	}
	// self.body is the list BaseWriter assigns; self.doc its Doc.
	want := []string{loc("pkg/writers.py", lineOf(t, pyWriters, "self.doc.append(x)"))}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}
