package codebase

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/languages"
)

// requireExtractor skips when the languages package has no syntax-tree
// extractor for lang yet; every other outcome runs the test.
func requireExtractor(t testing.TB, lang, path, src string) {
	t.Helper()
	if _, err := languages.Extract(lang, path, []byte(src)); errors.Is(err, languages.ErrUnsupported) {
		t.Skipf("languages.Extract has no %s extractor yet", lang)
	}
}

const pyUtil = `def parse(s):
    return int(s)


def helper():
    return 1


class Config:
    def load(self):
        return None
`

const pyMain = `from pkg.util import parse
from pkg import util


def run():
    return parse("1") + util.parse("2")


def other(c):
    return c.load()
`

const pyUnrelated = `def parse(s):
    return s


def use():
    return parse("x")
`

const pyTest = `from pkg.util import parse


def test_parse():
    assert parse("3") == 3


def test_nothing():
    assert True
`

func TestPythonImpactFollowsImports(t *testing.T) {
	requireExtractor(t, "Python", "pkg/util.py", pyUtil)
	base := map[string]string{
		"pkg/__init__.py":      "\n",
		"pkg/util.py":          pyUtil,
		"app/main.py":          pyMain,
		"app/unrelated.py":     pyUnrelated,
		"tests/test_util.py":   pyTest,
		"tests/test_nothin.py": "def test_x():\n    pass\n",
	}
	newUtil := strings.Replace(pyUtil, "def parse(s):", "def parse(s, base=10):", 1)
	newUtil = strings.Replace(newUtil, "        return None", "        return {}", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"pkg/util.py": newUtil}, 0)

	im := findImpact(a, "util.parse")
	if im == nil || im.Change != ChangeSignature {
		t.Fatalf("no signature impact for util.parse:\n%s", dumpAnalysis(a))
	}
	// Both calls on main.py's line count once; unrelated.parse never;
	// the from-imports count, as in pyright's references.
	want := []string{
		loc("app/main.py", lineOf(t, pyMain, "import")),
		loc("app/main.py", lineOf(t, pyMain, "return parse")),
		loc("tests/test_util.py", lineOf(t, pyTest, "import")),
		loc("tests/test_util.py", lineOf(t, pyTest, "assert parse")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
	load := findImpact(a, "Config.load")
	if load == nil || !slices.Equal(load.Locations, []string{loc("app/main.py", lineOf(t, pyMain, "c.load()"))}) {
		t.Errorf("Config.load impact = %+v:\n%s", load, dumpAnalysis(a))
	}
	// The related test is found by name in tests/, and only the test that
	// uses parse is shown.
	var tests []ContextItem
	for _, it := range a.Context {
		if it.Kind == KindTest {
			tests = append(tests, it)
		}
	}
	if len(tests) != 1 || tests[0].Path != "tests/test_util.py" || tests[0].StartLine != lineOf(t, pyTest, "def test_parse") {
		t.Errorf("test items = %+v", tests)
	}
}

const tsUtil = `export function parse(s: string): number {
  return Number(s);
}

export class Config {
  load(): void {}
}
`

const tsMain = `import { parse } from './util';

export function run(): number {
  return parse('1');
}
`

const tsOther = `function parse(s: string): string {
  return s;
}

export function use(): string {
  return parse('x');
}
`

const tsTest = `import { parse } from './util';

test('parse', () => {
  expect(parse('3')).toBe(3);
});
`

func TestTypeScriptImpactFollowsImports(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/util.ts", tsUtil)
	base := map[string]string{
		"src/util.ts":      tsUtil,
		"src/main.ts":      tsMain,
		"src/other.ts":     tsOther,
		"src/util.test.ts": tsTest,
	}
	newUtil := strings.Replace(tsUtil, "parse(s: string)", "parse(s: string, base = 10)", 1)
	newMain := strings.Replace(tsMain, "return parse('1');", "return parse('1') + 1;", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"src/util.ts": newUtil, "src/main.ts": newMain}, 0)

	im := findImpact(a, "util.parse")
	if im == nil || im.Change != ChangeSignature {
		t.Fatalf("no signature impact for util.parse:\n%s", dumpAnalysis(a))
	}
	// main.ts's call is on a changed line; other.ts has its own parse.
	// Import lines count, as in TypeScript's own findReferences.
	want := []string{
		loc("src/main.ts", lineOf(t, tsMain, "import")),
		loc("src/util.test.ts", lineOf(t, tsTest, "import")),
		loc("src/util.test.ts", lineOf(t, tsTest, "expect(parse")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
	// The changed run() uses parse: its definition is util.ts's (here
	// already shown as the enclosing item of the other hunk), never the
	// unexported namesake in other.ts that main.ts does not import.
	found := false
	for _, it := range a.Context {
		if it.Path == "src/other.ts" {
			t.Errorf("unimported other.ts in context: %+v", it)
		}
		if it.Path == "src/util.ts" && it.StartLine == 1 && it.EndLine == 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("definition of parse not in context:\n%s", dumpAnalysis(a))
	}
}
