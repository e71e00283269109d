package codebase

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"
)

const goMod = "module example.com/app\n\ngo 1.22\n"

const utilBase = `package util

// Parse turns s into a number.
func Parse(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func helper() int { return 1 }

// Config is loaded from disk.
type Config struct{ Name string }

// Load reads the configuration.
func (c *Config) Load() error { return nil }
`

const otherGo = `package other

// Parse is unrelated to util.Parse.
func Parse(s string) int { return len(s) }

func use() int { return Parse("x") }
`

const mainGo = `package main

import (
	"fmt"

	o "example.com/app/other"
	"example.com/app/util"
)

func main() {
	fmt.Println(util.Parse("12"))
	fmt.Println(o.Parse("12"))
	var c util.Config
	_ = c.Load()
}
`

const apiGo = `package api

import u "example.com/app/util"

// Run parses a constant.
func Run() int {
	return u.Parse("7") + 1
}
`

const extraGo = `package util

// Extra uses the unexported helper.
func Extra() int { return helper() + Parse("1") }
`

const utilTest = `package util

import "testing"

func TestParse(t *testing.T) {
	if Parse("42") != 42 {
		t.Fatal("bad")
	}
}

func TestOther(t *testing.T) {}
`

func goRepoBase() map[string]string {
	return map[string]string{
		"go.mod":            goMod,
		"util/util.go":      utilBase,
		"util/extra.go":     extraGo,
		"util/util_test.go": utilTest,
		"other/other.go":    otherGo,
		"cmd/app/main.go":   mainGo,
		"api/api.go":        apiGo,
		"README.md":         "# app\n",
	}
}

// analyzeCommits commits base and head trees and analyses the change
// between them through GitTree sources.
func analyzeCommits(t *testing.T, base, head map[string]string, budget int) (*Analysis, *gittest.Repo) {
	t.Helper()
	r := gittest.New(t)
	r.Write(base)
	b := r.Commit("base")
	r.Write(head)
	h := r.Commit("head")
	hs, bs := GitTree(r.Dir, h), GitTree(r.Dir, b)
	t.Cleanup(func() {
		hs.(interface{ Close() error }).Close()
		bs.(interface{ Close() error }).Close()
	})
	a, err := Analyze(context.Background(), Options{Base: bs, Head: hs, Changes: changesBetween(t, r, b, h), TokenBudget: budget})
	if err != nil {
		t.Fatal(err)
	}
	return a, r
}

func TestGoSignatureChangeListsCallSitesAcrossPackages(t *testing.T) {
	newUtil := strings.Replace(utilBase, "func Parse(s string) int {", "func Parse(s string, base int) int {", 1)
	a, _ := analyzeCommits(t, goRepoBase(), map[string]string{"util/util.go": newUtil}, 0)

	im := findImpact(a, "util.Parse")
	if im == nil {
		t.Fatalf("no impact for util.Parse:\n%s", dumpAnalysis(a))
	}
	if im.Change != ChangeSignature {
		t.Errorf("change = %q, want signature", im.Change)
	}
	want := []string{
		loc("api/api.go", lineOf(t, apiGo, "u.Parse")),
		loc("cmd/app/main.go", lineOf(t, mainGo, "util.Parse")),
		loc("util/extra.go", lineOf(t, extraGo, "Parse(\"1\")")),
		loc("util/util_test.go", lineOf(t, utilTest, "Parse(\"42\")")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (other.Parse and o.Parse must not match)", im.Locations, want)
	}
	if im.Summary != "signature changed; 4 references in 4 files" {
		t.Errorf("summary = %q", im.Summary)
	}
	// Nothing else changed, so nothing else is reported.
	if len(a.Impact) != 1 {
		t.Errorf("impacts = %d, want 1:\n%s", len(a.Impact), dumpAnalysis(a))
	}
}

func TestGoDeletedAndRenamed(t *testing.T) {
	// helper is deleted, Parse is renamed to ParseInt with the same body.
	newUtil := strings.Replace(utilBase, "func helper() int { return 1 }\n", "", 1)
	newUtil = strings.Replace(newUtil, "func Parse(s string) int {", "func ParseInt(s string) int {", 1)
	a, _ := analyzeCommits(t, goRepoBase(), map[string]string{"util/util.go": newUtil}, 0)

	del := findImpact(a, "util.helper")
	if del == nil || del.Change != ChangeDeleted {
		t.Fatalf("helper not reported deleted:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("util/extra.go", lineOf(t, extraGo, "helper()"))}; !slices.Equal(del.Locations, want) {
		t.Errorf("helper locations = %v, want %v", del.Locations, want)
	}
	if del.Summary != "deleted; 1 reference remaining in 1 file" {
		t.Errorf("summary = %q", del.Summary)
	}
	ren := findImpact(a, "util.Parse")
	if ren == nil || ren.Change != ChangeRenamed {
		t.Fatalf("Parse not reported renamed:\n%s", dumpAnalysis(a))
	}
	if !strings.HasPrefix(ren.Summary, "renamed to ParseInt; 4 references remaining in 4 files") {
		t.Errorf("summary = %q", ren.Summary)
	}
	// Deletions and renames come before other kinds of change.
	if a.Impact[0].Change != ChangeDeleted {
		t.Errorf("first impact %q, want the deletion first", a.Impact[0].Change)
	}
}

func TestGoMovedDefinitionIsNotDeleted(t *testing.T) {
	// helper moves from util.go to extra.go: same package, nothing breaks.
	newUtil := strings.Replace(utilBase, "func helper() int { return 1 }\n", "", 1)
	a, _ := analyzeCommits(t, goRepoBase(), map[string]string{
		"util/util.go":  newUtil,
		"util/extra.go": extraGo + "\nfunc helper() int { return 1 }\n",
	}, 0)
	if im := findImpact(a, "util.helper"); im != nil {
		t.Errorf("moved helper reported as %+v", *im)
	}
}

func TestGoMethodBodyChangeAndExcludedChangedLines(t *testing.T) {
	// Load's body changes; main.go changes too and its own call of
	// util.Parse on a changed line must not be listed.
	newUtil := strings.Replace(utilBase, "func (c *Config) Load() error { return nil }", "func (c *Config) Load() error {\n\tc.Name = \"x\"\n\treturn nil\n}", 1)
	newMain := strings.Replace(mainGo, `fmt.Println(util.Parse("12"))`, `fmt.Println(util.Parse("13"))`, 1)
	newUtil = strings.Replace(newUtil, "n := 0", "n := 0 + 0", 1)
	a, _ := analyzeCommits(t, goRepoBase(), map[string]string{"util/util.go": newUtil, "cmd/app/main.go": newMain}, 0)

	load := findImpact(a, "Config.Load")
	if load == nil || load.Change != ChangeModified {
		t.Fatalf("Config.Load not reported modified:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("cmd/app/main.go", lineOf(t, mainGo, "c.Load()"))}; !slices.Equal(load.Locations, want) {
		t.Errorf("Load locations = %v, want %v", load.Locations, want)
	}
	if !strings.Contains(load.Summary, "matched by member name") {
		t.Errorf("method summary %q does not say how it matched", load.Summary)
	}
	parse := findImpact(a, "util.Parse")
	if parse == nil || parse.Change != ChangeModified {
		t.Fatalf("Parse not reported modified:\n%s", dumpAnalysis(a))
	}
	for _, l := range parse.Locations {
		if strings.HasPrefix(l, "cmd/app/main.go:") {
			t.Errorf("reference on a changed line listed: %s", l)
		}
	}
	if len(parse.Locations) != 3 {
		t.Errorf("Parse locations = %v, want api, extra and test", parse.Locations)
	}
}

func TestGoContextPack(t *testing.T) {
	// Run gains a line calling util.Parse and a method of Config.
	newAPI := strings.Replace(apiGo, "\treturn u.Parse(\"7\") + 1\n", "\tvar c u.Config\n\t_ = c.Load()\n\treturn u.Parse(\"7\") + 1\n", 1)
	newUtil := strings.Replace(utilBase, "\treturn n\n", "\treturn n + 0\n", 1)
	a, _ := analyzeCommits(t, goRepoBase(), map[string]string{"api/api.go": newAPI, "util/util.go": newUtil}, 0)

	byKind := map[string][]ContextItem{}
	for _, it := range a.Context {
		byKind[it.Kind] = append(byKind[it.Kind], it)
		if it.Tokens != (len(it.Text)+3)/4 {
			t.Errorf("%s:%d tokens %d for %d bytes", it.Path, it.StartLine, it.Tokens, len(it.Text))
		}
	}
	hasItem := func(kind, path string, start, end int) bool {
		for _, it := range byKind[kind] {
			if it.Path == path && it.StartLine == start && it.EndLine == end {
				return true
			}
		}
		return false
	}
	runStart, runEnd := lineOf(t, newAPI, "func Run"), lineOf(t, newAPI, "return u.Parse")+1
	if !hasItem(KindEnclosing, "api/api.go", runStart, runEnd) {
		t.Errorf("enclosing Run %d-%d missing:\n%s", runStart, runEnd, dumpAnalysis(a))
	}
	parseStart, parseEnd := lineOf(t, newUtil, "func Parse"), lineOf(t, newUtil, "return n + 0")+1
	if !hasItem(KindEnclosing, "util/util.go", parseStart, parseEnd) {
		t.Errorf("enclosing Parse %d-%d missing:\n%s", parseStart, parseEnd, dumpAnalysis(a))
	}
	// Config and Load are used on the new lines and defined in util; Parse
	// is used too but is already in the pack as an enclosing item.
	loadLine := lineOf(t, newUtil, "func (c *Config) Load")
	if !hasItem(KindDefinition, "util/util.go", loadLine, loadLine) {
		t.Errorf("definition of Config.Load missing:\n%s", dumpAnalysis(a))
	}
	cfgLine := lineOf(t, newUtil, "type Config")
	if !hasItem(KindDefinition, "util/util.go", cfgLine, cfgLine) {
		t.Errorf("definition of Config missing:\n%s", dumpAnalysis(a))
	}
	// Callers of the changed Parse, and its test.
	if len(byKind[KindCaller]) == 0 {
		t.Errorf("no caller items:\n%s", dumpAnalysis(a))
	}
	testStart := lineOf(t, utilTest, "func TestParse")
	if !hasItem(KindTest, "util/util_test.go", testStart, testStart+4) {
		t.Errorf("TestParse missing:\n%s", dumpAnalysis(a))
	}
	for _, it := range byKind[KindTest] {
		if strings.Contains(it.Text, "TestOther") {
			t.Errorf("unrelated test included: %s", it.Text)
		}
	}
	// Enclosing items are ranked first.
	if a.Context[0].Kind != KindEnclosing {
		t.Errorf("first item kind %q", a.Context[0].Kind)
	}
	if a.Stats.ContextTokens == 0 || a.Stats.FilesParsed == 0 || a.Stats.FilesListed != 8 {
		t.Errorf("stats = %+v", a.Stats)
	}
}

func TestGoContextBudget(t *testing.T) {
	newAPI := strings.Replace(apiGo, "\treturn u.Parse(\"7\") + 1\n", "\tvar c u.Config\n\t_ = c.Load()\n\treturn u.Parse(\"7\") + 1\n", 1)
	newUtil := strings.Replace(utilBase, "\treturn n\n", "\treturn n + 0\n", 1)
	const budget = 60
	a, _ := analyzeCommits(t, goRepoBase(), map[string]string{"api/api.go": newAPI, "util/util.go": newUtil}, budget)
	if a.Stats.ContextTokens > budget {
		t.Errorf("context tokens %d over budget %d", a.Stats.ContextTokens, budget)
	}
	if len(a.Context) == 0 {
		t.Errorf("budget %d left no items at all", budget)
	}
	found := false
	for _, n := range a.Notes {
		if strings.HasPrefix(n, "context: ") && strings.Contains(n, "within 60 tokens") {
			found = true
		}
	}
	if !found {
		t.Errorf("no note about left-out context: %q", a.Notes)
	}
}

func TestGoUnexportedStaysInPackage(t *testing.T) {
	// A same-named unexported function in another package is not a
	// reference of util.helper.
	base := goRepoBase()
	base["other/more.go"] = "package other\n\nfunc helper() int { return 2 }\n\nfunc x() int { return helper() }\n"
	newUtil := strings.Replace(utilBase, "func helper() int { return 1 }", "func helper() int { return 3 }", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"util/util.go": newUtil}, 0)
	im := findImpact(a, "util.helper")
	if im == nil {
		t.Fatalf("no impact:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("util/extra.go", lineOf(t, extraGo, "helper()"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func TestGoOneLineBodyChangeIsNotASignatureChange(t *testing.T) {
	newUtil := strings.Replace(utilBase, "func helper() int { return 1 }", "func helper() int { return 2 }", 1)
	newUtil = strings.Replace(newUtil, "func (c *Config) Load() error { return nil }", "func (c *Config) Load(force bool) error { return nil }", 1)
	a, _ := analyzeCommits(t, goRepoBase(), map[string]string{"util/util.go": newUtil}, 0)
	if h := findImpact(a, "util.helper"); h == nil || h.Change != ChangeModified {
		t.Errorf("helper's one-line body change: %+v\n%s", h, dumpAnalysis(a))
	}
	if l := findImpact(a, "Config.Load"); l == nil || l.Change != ChangeSignature {
		t.Errorf("Load's new parameter on a one-line method: %+v\n%s", l, dumpAnalysis(a))
	}
}

func TestHeaderOnly(t *testing.T) {
	for in, want := range map[string]string{
		"func f() int { return 1 }":                                "func f() int",
		"func (c *C) Load(x struct{ a int }) error { return nil }": "func (c *C) Load(x struct{ a int }) error",
		"def f(a, b): return a":                                    "def f(a, b)",
		"def f(a: int) -> int: return a":                           "def f(a: int) -> int",
		"public int f(int a)":                                      "public int f(int a)",
		"type Config struct{ Name string }":                        "type Config struct",
	} {
		if got := headerOnly(in); got != want {
			t.Errorf("headerOnly(%q) = %q, want %q", in, got, want)
		}
	}
}
