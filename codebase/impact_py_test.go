package codebase

import (
	"slices"
	"strings"
	"testing"
)

const pySessions = `class Session:
    """Keeps settings."""

    timeout = 5
    """Seconds to wait."""

    def request(self, method):
        """Send one request."""
        return method.upper()

    def get(self, url):
        request = url
        return self.request(request)
`

const pyAdapters = `from .sessions import Session


def send(session, req):
    response = session.request(req)
    response.request = req
    return response.request
`

func pySessionsRepo() map[string]string {
	return map[string]string{
		"pkg/__init__.py": "\n",
		"pkg/sessions.py": pySessions,
		"pkg/adapters.py": pyAdapters,
	}
}

func TestPythonDocstringOnlyChangeChangesNothing(t *testing.T) {
	requireExtractor(t, "Python", "pkg/sessions.py", pySessions)
	newSrc := strings.Replace(pySessions, `"""Keeps settings."""`, `"""Keeps settings and cookies."""`, 1)
	newSrc = strings.Replace(newSrc, `"""Seconds to wait."""`, `"""Seconds to wait for a reply."""`, 1)
	newSrc = strings.Replace(newSrc, `"""Send one request."""`, "\"\"\"Send one request.\n\n        Returns the response.\n        \"\"\"", 1)
	a, _ := analyzeCommits(t, pySessionsRepo(), map[string]string{"pkg/sessions.py": newSrc}, 0)
	if len(a.Impact) != 0 {
		t.Errorf("docstring edits reported as impact:\n%s", dumpAnalysis(a))
	}
}

func TestPythonMethodWritesAndLocalsAreNotUses(t *testing.T) {
	requireExtractor(t, "Python", "pkg/sessions.py", pySessions)
	newSrc := strings.Replace(pySessions, "return method.upper()", "return method.lower()", 1)
	a, _ := analyzeCommits(t, pySessionsRepo(), map[string]string{"pkg/sessions.py": newSrc}, 0)
	im := findImpact(a, "Session.request")
	if im == nil {
		t.Fatalf("no impact for Session.request:\n%s", dumpAnalysis(a))
	}
	// The local variable request in get, the write response.request = req
	// are not uses; the read response.request cannot be told apart.
	want := []string{
		loc("pkg/adapters.py", lineOf(t, pyAdapters, "session.request(req)")),
		loc("pkg/adapters.py", lineOf(t, pyAdapters, "return response.request")),
		loc("pkg/sessions.py", lineOf(t, pySessions, "self.request(request)")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyDecorators = `def command(name):
    return name


class Path:
    def __init__(self):
        self.name = "p"
`

const pyCore = `import os
from . import decorators
from .decorators import Path


def run(ctx):
    if os.name == "nt":
        return ctx.command
    return decorators.command(Path().name)
`

func TestPythonQualifiersMustNameTheModule(t *testing.T) {
	requireExtractor(t, "Python", "pkg/decorators.py", pyDecorators)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/decorators.py": pyDecorators, "pkg/core.py": pyCore}
	newSrc := strings.Replace(pyDecorators, "    return name", "    return name.upper()", 1)
	newSrc = strings.Replace(newSrc, `self.name = "p"`, `self.name = "q"`, 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/decorators.py": newSrc}, 0)
	// ctx.command is a member of something else; decorators.command is the
	// function through its module.
	im := findImpact(a, "decorators.command")
	if im == nil {
		t.Fatalf("no impact for command:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("pkg/core.py", lineOf(t, pyCore, "decorators.command("))}; !slices.Equal(im.Locations, want) {
		t.Errorf("command locations = %v, want %v", im.Locations, want)
	}
	// os.name is the os module's attribute, not Path.name.
	im = findImpact(a, "Path.name")
	if im == nil {
		t.Fatalf("no impact for Path.name:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("pkg/core.py", lineOf(t, pyCore, "Path().name"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("Path.name locations = %v, want %v\n%s", im.Locations, want, dumpAnalysis(a))
	}
}

const pyProcessors = `from .util import Processor


class Base(Processor):
    def run(self, x):
        return self.emit(x)

    def emit(self, x):
        return x


class Child(Base):
    def go(self):
        return self.emit(1)


class Own(Processor):
    def emit(self, x):
        return x

    def go(self):
        return self.emit(2)


class Unrelated:
    def go(self):
        return self.emit(3)
`

func TestPythonSelfReachesItsClassAndBasesOnly(t *testing.T) {
	requireExtractor(t, "Python", "pkg/proc.py", pyProcessors)
	base := map[string]string{
		"pkg/__init__.py": "\n",
		"pkg/util.py":     "class Processor:\n    pass\n",
		"pkg/proc.py":     pyProcessors,
	}
	newSrc := strings.Replace(pyProcessors, "    def emit(self, x):\n        return x\n\n\nclass Child", "    def emit(self, x):\n        return x * 2\n\n\nclass Child", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/proc.py": newSrc}, 0)
	im := findImpact(a, "Base.emit")
	if im == nil {
		t.Fatalf("no impact for Base.emit:\n%s", dumpAnalysis(a))
	}
	// Base's own call and Child's inherited one; Own overrides emit and
	// Unrelated has no emit to inherit.
	want := []string{
		loc("pkg/proc.py", lineOf(t, pyProcessors, "return self.emit(x)")),
		loc("pkg/proc.py", lineOf(t, pyProcessors, "return self.emit(1)")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func TestPythonAnnotatedAttributeIsNotNew(t *testing.T) {
	src := "class Param:\n    def __init__(self, name):\n        self.name = name\n\n    def show(self):\n        return self.name\n"
	use := "from .param import Param\n\n\ndef label(p: Param):\n    return p.name\n"
	requireExtractor(t, "Python", "pkg/param.py", src)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/param.py": src, "pkg/use.py": use}
	newSrc := strings.Replace(src, "        self.name = name\n", "        self.name: str\n        self.name = name\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/param.py": newSrc}, 0)
	im := findImpact(a, "Param.name")
	if im == nil {
		t.Fatalf("the newly annotated attribute is skipped as new:\n%s", dumpAnalysis(a))
	}
	if !slices.Contains(im.Locations, "pkg/use.py:5") {
		t.Errorf("locations = %v, want pkg/use.py:5 among them", im.Locations)
	}
}

const pyMake = `class Attribute:
    def __init__(self, name):
        self.name = name


def evolve(inst, **changes):
    return inst
`

const pyAttrInit = `from ._make import Attribute, evolve

__all__ = [
    "Attribute",
    "evolve",
]
`

const pyAttrStub = `from typing import Any, TypeVar

from ._make import evolve as evolve

_T = TypeVar("_T")

class Attribute:
    name: str

def evolve(inst: _T, **changes: Any) -> _T: ...
`

func TestPythonDunderAllCountsAndStubsDoNot(t *testing.T) {
	requireExtractor(t, "Python", "pkg/_make.py", pyMake)
	base := map[string]string{"pkg/_make.py": pyMake, "pkg/__init__.py": pyAttrInit, "pkg/__init__.pyi": pyAttrStub}
	newSrc := strings.Replace(pyMake, "    return inst", "    return inst.copy()", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/_make.py": newSrc}, 0)
	im := findImpact(a, "_make.evolve")
	if im == nil {
		t.Fatalf("no impact for evolve:\n%s", dumpAnalysis(a))
	}
	// The import and the __all__ entry use it; the stub only declares
	// the module's interface again.
	want := []string{
		loc("pkg/__init__.py", lineOf(t, pyAttrInit, "from ._make import")),
		loc("pkg/__init__.py", lineOf(t, pyAttrInit, `"evolve",`)),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyHeaders = `class Headers:
    def __init__(self):
        self._list = []

    def items(self):
        return list(self._list)


class Other:
    def items(self):
        return []
`

const pyHeadersUse = `import os

from .headers import Headers, Other


def dump(h: Headers, o: Other, raw, **kwargs):
    buf = []
    for k, v in kwargs.items():
        buf.append(k)
    env = os.environ.copy()
    seen = {}
    seen.items()
    "".join(buf).items()
    o.items()
    made = Headers()
    made.items()
    raw.items()
    return h.items(), env.items()


def passed(ctx):
    back = ctx.ensure_object(Headers)
    return back.items()
`

func TestPythonReceiverTypesDecideMembers(t *testing.T) {
	requireExtractor(t, "Python", "pkg/headers.py", pyHeaders)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/headers.py": pyHeaders, "pkg/use.py": pyHeadersUse}
	newSrc := strings.Replace(pyHeaders, "return list(self._list)", "return tuple(self._list)", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/headers.py": newSrc}, 0)
	im := findImpact(a, "Headers.items")
	if im == nil {
		t.Fatalf("no impact for Headers.items:\n%s", dumpAnalysis(a))
	}
	// kwargs, a literal, a str, os.environ and an Other have no
	// Headers.items; a Headers (annotated or made) has. items is a dict
	// method and Other's too, so an untyped parameter and what outside
	// code hands back prove nothing and are not listed.
	want := []string{
		loc("pkg/use.py", lineOf(t, pyHeadersUse, "made.items()")),
		loc("pkg/use.py", lineOf(t, pyHeadersUse, "return h.items()")),
	}
	slices.Sort(want)
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyCli = `import click


class AppGroup(click.Group):
    def command(self, *args, **kwargs):
        return click.Group.command(self, *args, **kwargs)


@click.command("run")
def run_command():
    pass


def make(group: AppGroup):
    return group.command("x")
`

func TestPythonModuleReceiverInOwnFileIsNotAMember(t *testing.T) {
	requireExtractor(t, "Python", "pkg/cli.py", pyCli)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/cli.py": pyCli}
	newSrc := strings.Replace(pyCli, "return click.Group.command(self, *args, **kwargs)", "return click.Group.command(self, *args)", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/cli.py": newSrc}, 0)
	im := findImpact(a, "AppGroup.command")
	if im == nil {
		t.Fatalf("no impact for AppGroup.command:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("pkg/cli.py", lineOf(t, pyCli, `group.command("x")`))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const pyRetry = `import logging

log = logging.getLogger(__name__)


class Retry:
    pass
`

const pyPool = `import logging

from .retry import Retry

log = logging.getLogger(__name__)


def urlopen(retries: Retry):
    log.debug("retrying")
    return retries
`

const pyPoolUser = `from .retry import log


def warn(request):
    log.warning("x")
    return request
`

const pyGlobals = `request = None
`

const pyDebug = `from .globals import request


def explain(request):
    return request.form


def current():
    return request.url
`

func TestPythonBareNamesFollowPythonScopes(t *testing.T) {
	requireExtractor(t, "Python", "pkg/retry.py", pyRetry)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/retry.py": pyRetry, "pkg/pool.py": pyPool,
		"pkg/user.py": pyPoolUser, "pkg/globals.py": pyGlobals, "pkg/debug.py": pyDebug}
	a, _ := analyzeCommits(t, base, map[string]string{
		"pkg/retry.py":   strings.Replace(pyRetry, "getLogger(__name__)", `getLogger("pkg")`, 1),
		"pkg/globals.py": "request = object()\n",
	}, 0)
	// pool.py imports Retry only, and log there is its own; user.py
	// imports log.
	im := findImpact(a, "retry.log")
	if im == nil {
		t.Fatalf("no impact for log:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("pkg/user.py", lineOf(t, pyPoolUser, "from .retry import log")),
		loc("pkg/user.py", lineOf(t, pyPoolUser, `log.warning("x")`)),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("log locations = %v, want %v", im.Locations, want)
	}
	// The parameter request shadows the module's request.
	im = findImpact(a, "globals.request")
	if im == nil {
		t.Fatalf("no impact for request:\n%s", dumpAnalysis(a))
	}
	want = []string{
		loc("pkg/debug.py", lineOf(t, pyDebug, "from .globals import request")),
		loc("pkg/debug.py", lineOf(t, pyDebug, "return request.url")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("request locations = %v, want %v", im.Locations, want)
	}
}

const pyJSON = `def loads(s):
    return s
`

const pyConfig = `import json

from . import json as pjson


def load(s):
    std = json.loads(s)
    return std, pjson.loads(s)
`

func TestPythonAbsoluteImportNamesATopLevelPackage(t *testing.T) {
	requireExtractor(t, "Python", "pkg/json/__init__.py", pyJSON)
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/json/__init__.py": pyJSON, "pkg/config.py": pyConfig}
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/json/__init__.py": strings.Replace(pyJSON, "return s", "return s.strip()", 1)}, 0)
	im := findImpact(a, "json.loads")
	if im == nil {
		t.Fatalf("no impact for loads:\n%s", dumpAnalysis(a))
	}
	// import json is the standard library's: pkg/ is a package, so
	// pkg/json is pkg.json, reached as pjson here.
	if want := []string{loc("pkg/config.py", lineOf(t, pyConfig, "pjson.loads(s)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func TestPythonNameReexportedByAPackage(t *testing.T) {
	req := "def make_request(environ):\n    return environ\n"
	requireExtractor(t, "Python", "pkg/wrappers/request.py", req)
	use := "from .wrappers import make_request\n\n\ndef make(environ):\n    return make_request(environ)\n"
	base := map[string]string{"pkg/__init__.py": "\n", "pkg/wrappers/__init__.py": "from .request import make_request as make_request\n",
		"pkg/wrappers/request.py": req, "pkg/app.py": use}
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/wrappers/request.py": strings.Replace(req, "(environ):", "(environ, shallow=False):", 1)}, 0)
	im := findImpact(a, "request.make_request")
	if im == nil {
		t.Fatalf("no impact for make_request:\n%s", dumpAnalysis(a))
	}
	// The package passes make_request on: the import and the call use it.
	for _, l := range []string{loc("pkg/app.py", 1), loc("pkg/app.py", 5)} {
		if !slices.Contains(im.Locations, l) {
			t.Errorf("locations = %v, want %s among them", im.Locations, l)
		}
	}
}
