package codebase

import (
	"slices"
	"strings"
	"testing"
)

// Receivers the round-6 rules settle: a builtin class named as receiver,
// super(), a Protocol's members, a module from a from-import, and an
// untyped receiver named after a class.

const pyTable = `class Table(dict):
    def __setitem__(self, key, value):
        dict.__setitem__(self, key, value)
        return None

    def put(self, key, value):
        self[key] = value
        return self.__setitem__(key, value)


class Sub(Table):
    def __setitem__(self, key, value):
        super().__setitem__(key, value)


class Number(int):
    def __add__(self, other):
        return super().__add__(other)
`

const pyTableUse = `from .table import Table


def fill(t, k, v):
    object.__setattr__(t, "x", v)
    list.__setitem__(t, k, v)
    return t.__setitem__(k, v)
`

func TestPythonBuiltinClassAndSuperReceivers(t *testing.T) {
	requireExtractor(t, "Python", "pkg/table.py", pyTable)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/table.py": pyTable, "pkg/use.py": pyTableUse}
	newSrc := strings.Replace(pyTable, "        return None\n", "        return key\n", 1)
	newSrc = strings.Replace(newSrc, "return super().__add__(other)", "return super().__add__(other + 0)", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/table.py": newSrc}, 0)
	im := findImpact(a, "Table.__setitem__")
	if im == nil {
		t.Fatalf("no impact for Table.__setitem__:\n%s", dumpAnalysis(a))
	}
	// dict.__setitem__ and list.__setitem__ are the builtins'; Sub's
	// super().__setitem__ is Table's.
	want := []string{
		loc("pkg/table.py", lineOf(t, pyTable, "return self.__setitem__(key, value)")),
		loc("pkg/table.py", lineOf(t, pyTable, "super().__setitem__(key, value)")),
		loc("pkg/use.py", lineOf(t, pyTableUse, "return t.__setitem__(k, v)")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyNumbers = `class Number(int):
    def __add__(self, other):
        return 1


class Other(int):
    def __add__(self, other):
        return super().__add__(other)


class More(Number):
    def __add__(self, other):
        return super().__add__(other)
`

func TestPythonSuperSkipsItsOwnClass(t *testing.T) {
	requireExtractor(t, "Python", "pkg/numbers.py", pyNumbers)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/numbers.py": pyNumbers}
	newSrc := strings.Replace(pyNumbers, "return 1", "return 2", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/numbers.py": newSrc}, 0)
	im := findImpact(a, "Number.__add__")
	if im == nil {
		t.Fatalf("no impact for Number.__add__:\n%s", dumpAnalysis(a))
	}
	// Other's super() is int; More's is Number.
	want := []string{loc("pkg/numbers.py", lineOf(t, pyNumbers, "class More")+2)}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyProtocols = `from typing import Protocol


class Validator(Protocol):
    def check(self, instance) -> bool:
        ...
`

const pyImpl = `from .protocols import Validator


class Real:
    def check(self, instance):
        return True


def run(validator, x):
    return validator.check(x)


def typed(v: Validator, x):
    return v.check(x)


def quoted(v: "Validator", x):
    return v.check(x)
`

func TestPythonProtocolMembersNeedATypedReceiver(t *testing.T) {
	requireExtractor(t, "Python", "pkg/protocols.py", pyProtocols)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/protocols.py": pyProtocols, "pkg/impl.py": pyImpl}
	newSrc := strings.Replace(pyProtocols, "def check(self, instance) -> bool:", "def check(self, instance, strict=False) -> bool:", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/protocols.py": newSrc}, 0)
	im := findImpact(a, "Validator.check")
	if im == nil {
		t.Fatalf("no impact for Validator.check:\n%s", dumpAnalysis(a))
	}
	// The untyped validator holds an implementation; v: Validator and a
	// quoted annotation may be the protocol.
	want := []string{
		loc("pkg/impl.py", lineOf(t, pyImpl, "def typed")+1),
		loc("pkg/impl.py", lineOf(t, pyImpl, "def quoted")+1),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyLexer = `class Lexer:
    def parse(self):
        return 1
`

const pyParser = `def parse(code):
    return code
`

const pyTemplate = `from pkg import parser
from . import parser as p2


def compile(lexer, code):
    parser.parse(code)
    p2.parse(code)
    return lexer.parse()
`

func TestPythonFromImportedModuleHasNoMembers(t *testing.T) {
	requireExtractor(t, "Python", "pkg/lexer.py", pyLexer)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/lexer.py": pyLexer, "pkg/parser.py": pyParser, "pkg/template.py": pyTemplate}
	newSrc := strings.Replace(pyLexer, "return 1", "return 2", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/lexer.py": newSrc}, 0)
	im := findImpact(a, "Lexer.parse")
	if im == nil {
		t.Fatalf("no impact for Lexer.parse:\n%s", dumpAnalysis(a))
	}
	want := []string{loc("pkg/template.py", lineOf(t, pyTemplate, "return lexer.parse()"))}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyCheckers = `class TypeChecker:
    def is_type(self, instance, name):
        return 1


class Validator:
    def is_type(self, instance, name):
        return 2


class _Case:
    pass
`

const pyKeywords = `def properties(validator, checker, case, type_checker, instance):
    validator.is_type(instance, "object")
    checker.is_type(instance, "object")
    case.is_type(instance, "object")
    return type_checker.is_type(instance, "object")
`

func TestPythonReceiverNamedAfterAClass(t *testing.T) {
	requireExtractor(t, "Python", "pkg/checkers.py", pyCheckers)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/checkers.py": pyCheckers, "pkg/keywords.py": pyKeywords}
	newSrc := strings.Replace(pyCheckers, "return 1", "return 3", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/checkers.py": newSrc}, 0)
	im := findImpact(a, "TypeChecker.is_type")
	if im == nil {
		t.Fatalf("no impact for TypeChecker.is_type:\n%s", dumpAnalysis(a))
	}
	// validator is a Validator, which has its own is_type; type_checker
	// is a TypeChecker. checker and case name no class with is_type, and
	// with two classes declaring it an untyped receiver proves neither.
	want := []string{
		loc("pkg/keywords.py", lineOf(t, pyKeywords, "type_checker.is_type")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyURL = `class URL:
    def rebuild(self, **kw):
        return 1

    def fetch(self):
        return 2
`

const pyURLUse = `import os.path
from urllib.parse import urlsplit


def serve(self, name, location):
    parts = urlsplit(self.location)
    parts.rebuild(scheme="x")
    os.path.join(self.root, name).rebuild("/", ".")
    hex(len(name))[2:].rebuild("0", "")
    hex(len(name))[2].rebuild("0", "")
    with open(name) as f:
        f.fetch()
    with self.opener(name) as g:
        g.fetch()
    return location.rebuild(scheme="y")
`

func TestPythonStdlibResultsSlicesAndWithTargets(t *testing.T) {
	requireExtractor(t, "Python", "pkg/urls.py", pyURL)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/urls.py": pyURL, "pkg/serve.py": pyURLUse}
	newSrc := strings.Replace(pyURL, "return 1", "return 3", 1)
	newSrc = strings.Replace(newSrc, "return 2", "return 4", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/urls.py": newSrc}, 0)
	im := findImpact(a, "URL.rebuild")
	if im == nil {
		t.Fatalf("no impact for URL.rebuild:\n%s", dumpAnalysis(a))
	}
	// urlsplit's and os.path.join's results (whatever they are handed)
	// and a slice of a str are the standard library's; an element of a
	// str and an untyped parameter may be a URL. (The methods are not
	// named replace and read: builtin method names need a receiver that
	// proves the class, see TestPythonBuiltinMethodNamesNeedAProvenReceiver.)
	want := []string{
		loc("pkg/serve.py", lineOf(t, pyURLUse, `hex(len(name))[2].rebuild`)),
		loc("pkg/serve.py", lineOf(t, pyURLUse, `location.rebuild(scheme="y")`)),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("rebuild locations = %v, want %v", im.Locations, want)
	}
	im = findImpact(a, "URL.fetch")
	if im == nil {
		t.Fatalf("no impact for URL.fetch:\n%s", dumpAnalysis(a))
	}
	// with open(...) as f holds a file; a repository opener's may be a URL.
	if want := []string{loc("pkg/serve.py", lineOf(t, pyURLUse, "g.fetch()"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("fetch locations = %v, want %v", im.Locations, want)
	}
}

const pyErrors = `class ParseError(ValueError):
    def __init__(self, line, col, message=None):
        self.line = line
        return None


class Other(ParseError):
    def __init__(self, line, col):
        super().__init__(line, col, message="x")


class Unrelated(ValueError):
    def __init__(self, line):
        super().__init__(line)
`

const pyErrorsUse = `from .errors import ParseError


class Third(ParseError):
    def __init__(self, line, col):
        super().__init__(line, col, message="m")


def reset(err: ParseError, other):
    err.__init__(1, 2)
    other.__init__(3, 4)
`

func TestPythonCommonMemberKeepsProvenReceivers(t *testing.T) {
	requireExtractor(t, "Python", "pkg/errors.py", pyErrors)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/errors.py": pyErrors, "pkg/use.py": pyErrorsUse}
	newSrc := strings.Replace(pyErrors, "return None", "return 1", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/errors.py": newSrc}, 0)
	im := findImpact(a, "ParseError.__init__")
	if im == nil {
		t.Fatalf("no impact for ParseError.__init__:\n%s", dumpAnalysis(a))
	}
	// __init__ is too common to match by name: the subclasses' super()
	// calls and a ParseError-typed receiver prove the class; Unrelated's
	// super() and an untyped receiver do not.
	want := []string{
		loc("pkg/errors.py", lineOf(t, pyErrors, `super().__init__(line, col, message="x")`)),
		loc("pkg/use.py", lineOf(t, pyErrorsUse, `super().__init__(line, col, message="m")`)),
		loc("pkg/use.py", lineOf(t, pyErrorsUse, "err.__init__(1, 2)")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v\n%s", im.Locations, want, dumpAnalysis(a))
	}
}

const pyKeywordsAttr = `class Case:
    def run(self, instance):
        self.Validator({}).is_type(instance, "object")
        self.validator.is_type(instance, "object")
        return self.type_checker.is_type(instance, "object")
`

func TestPythonAttributeAndCalleeNamedAfterAClass(t *testing.T) {
	requireExtractor(t, "Python", "pkg/checkers.py", pyCheckers)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/checkers.py": pyCheckers, "pkg/case.py": pyKeywordsAttr}
	newSrc := strings.Replace(pyCheckers, "return 1", "return 3", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/checkers.py": newSrc}, 0)
	im := findImpact(a, "TypeChecker.is_type")
	if im == nil {
		t.Fatalf("no impact for TypeChecker.is_type:\n%s", dumpAnalysis(a))
	}
	// self.Validator(...) makes and self.validator holds a Validator.
	want := []string{loc("pkg/case.py", lineOf(t, pyKeywordsAttr, "self.type_checker.is_type"))}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyFrame = `class Frame:
    def copy(self):
        return 1
`

const pyDefaults = `DEFAULT_FILTERS = {"upper": str.upper}
DEFAULT_FRAME = make()
`

const pyEnv = `from .defaults import DEFAULT_FILTERS, DEFAULT_FRAME


def setup(frame):
    filters = DEFAULT_FILTERS.copy()
    DEFAULT_FRAME.copy()
    return frame.copy()
`

func TestPythonImportedModuleConstantHasItsType(t *testing.T) {
	requireExtractor(t, "Python", "pkg/frame.py", pyFrame)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/frame.py": pyFrame, "pkg/defaults.py": pyDefaults, "pkg/env.py": pyEnv}
	newSrc := strings.Replace(pyFrame, "return 1", "return 2", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/frame.py": newSrc}, 0)
	im := findImpact(a, "Frame.copy")
	if im == nil {
		t.Fatalf("no impact for Frame.copy:\n%s", dumpAnalysis(a))
	}
	// DEFAULT_FILTERS is a dict where it is defined. copy is a dict and
	// list method too, so only receivers that prove a Frame count:
	// frame, named after the class, does; DEFAULT_FRAME, whose make()
	// says nothing, does not.
	want := []string{
		loc("pkg/env.py", lineOf(t, pyEnv, "return frame.copy()")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}
