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
