package codebase

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/reviewbot/reviewbot/languages"
)

// Context item kinds, in the order they are given budget.
const (
	KindEnclosing  = "enclosing"
	KindDefinition = "definition"
	KindCaller     = "caller"
	KindTest       = "test"
)

// Size limits for single items. A whole function is the best context when
// it is short; a long one is cut to its header and a window around the
// change, so that one giant function cannot eat the budget.
const (
	wholeDefLines    = 80  // enclosing definitions up to this size go in whole
	windowMargin     = 15  // lines kept either side of a change
	maxWindowLines   = 120 // longest window cut from one enclosing definition
	maxUsedDefLines  = 60  // longest definition of a used symbol
	maxUsedPerHunk   = 12  // used definitions per hunk
	wholeCallerLines = 30  // callers up to this size go in whole
	callerMargin     = 8   // lines either side of a call site otherwise
	callersPerSymbol = 3
	maxTestDefs      = 3 // test functions per changed file
)

// hunk is a run of changed lines in one head file.
type hunk struct {
	file       *parsedFile
	start, end int
	added      []int // head lines added in start..end
}

// contextPack builds, ranks, deduplicates and budgets the context items.
func (a *analyzer) contextPack(ctx context.Context, sites map[*changedDef][]refSite) ([]ContextItem, error) {
	var items []ContextItem
	dropped := map[string]int{}
	var hs []hunk
	for _, c := range a.opt.Changes {
		if hf := a.headFiles[c.Path]; hf != nil && !c.Skipped {
			hs = append(hs, a.hunks(c, hf)...)
		}
	}
	used, err := a.usedDefinitions(ctx, hs)
	if err != nil {
		return nil, err
	}
	for i, h := range hs {
		items = append(items, enclosingItems(h)...)
		u := used[i]
		if len(u) > maxUsedPerHunk {
			dropped[KindDefinition] += len(u) - maxUsedPerHunk
			u = u[:maxUsedPerHunk]
		}
		items = append(items, u...)
	}
	for _, cd := range a.changed {
		items = append(items, callerItems(cd, sites[cd], dropped)...)
	}
	tests, err := a.testItems(ctx)
	if err != nil {
		return nil, err
	}
	items = append(items, tests...)

	rank := map[string]int{KindEnclosing: 0, KindDefinition: 1, KindCaller: 2, KindTest: 3}
	sort.SliceStable(items, func(i, j int) bool { return rank[items[i].Kind] < rank[items[j].Kind] })
	var out []ContextItem
	total, overTokens := 0, 0
	for _, it := range items {
		if it.Text == "" || covered(out, it) {
			continue
		}
		if total+it.Tokens > a.opt.TokenBudget {
			// Keep going: a smaller item further down may still fit.
			dropped[it.Kind]++
			overTokens += it.Tokens
			continue
		}
		total += it.Tokens
		out = append(out, it)
	}
	var parts []string
	n := 0
	for _, k := range []string{KindEnclosing, KindDefinition, KindCaller, KindTest} {
		if dropped[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", dropped[k], k))
			n += dropped[k]
		}
	}
	if n > 0 {
		note := fmt.Sprintf("context: %d items left out to stay within %d tokens (%s)", n, a.opt.TokenBudget, strings.Join(parts, ", "))
		if overTokens > 0 {
			note += fmt.Sprintf("; ~%d tokens did not fit", overTokens)
		}
		a.notes = append(a.notes, note)
	}
	return out, nil
}

// covered reports whether an accepted item already shows all of it's lines.
func covered(acc []ContextItem, it ContextItem) bool {
	for _, o := range acc {
		if o.Path == it.Path && o.StartLine <= it.StartLine && it.EndLine <= o.EndLine {
			return true
		}
	}
	return false
}

// newItem cuts lines from..to of f into an item.
func newItem(f *parsedFile, from, to int, kind, symbol, forPath string, forLine int) ContextItem {
	from, to = max(from, 1), min(to, f.lineCount())
	text := f.lines(from, to)
	return ContextItem{
		Path: f.path, StartLine: from, EndLine: to, Kind: kind, Symbol: symbol,
		ForPath: forPath, ForLine: forLine, Text: text, Tokens: estimateTokens(text),
	}
}

// estimateTokens uses the usual ~4 characters per token of code.
func estimateTokens(s string) int { return (len(s) + 3) / 4 }

// hunks groups a change's added lines into runs (gaps of up to 3 lines are
// bridged), plus one-line hunks where lines were only removed, placed at the
// head line that follows the removal.
func (a *analyzer) hunks(c Change, hf *parsedFile) []hunk {
	var out []hunk
	added := sortedLines(c.Added)
	for i := 0; i < len(added); {
		j := i + 1
		for j < len(added) && added[j]-added[j-1] <= 4 {
			j++
		}
		out = append(out, hunk{file: hf, start: added[i], end: added[j-1], added: added[i:j]})
		i = j
	}
	for _, h := range removalPoints(c.Removed, added) {
		inside := false
		for _, o := range out {
			if h >= o.start-1 && h <= o.end+1 {
				inside = true
				break
			}
		}
		if !inside && h <= hf.lineCount() {
			out = append(out, hunk{file: hf, start: h, end: h})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// removalPoints maps each run of removed base lines to the head line that
// now stands where it was, by walking both sides of the diff in step.
func removalPoints(removed, added []int) []int {
	if len(removed) == 0 {
		return nil
	}
	rm, ad := setOf(removed), setOf(added)
	last := slicesMax(removed)
	var out []int
	b, h := 1, 1
	prevRemoved := false
	for b <= last {
		switch {
		case rm[b]:
			if !prevRemoved {
				out = append(out, h)
			}
			prevRemoved = true
			b++
		case ad[h]:
			h++
		default:
			prevRemoved = false
			b++
			h++
		}
	}
	return out
}

func slicesMax(xs []int) int {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// enclosingItems returns the definitions around a hunk, trimmed, or a line
// window when no definition encloses it.
func enclosingItems(h hunk) []ContextItem {
	f := h.file
	var defs []languages.Definition
	if f.syms != nil {
		seen := map[int]bool{}
		for l := h.start; l <= h.end; l++ {
			if i := innermost(f.syms.Definitions, l); i >= 0 && !seen[i] {
				seen[i] = true
				defs = append(defs, f.syms.Definitions[i])
			}
		}
	}
	if len(defs) == 0 {
		return []ContextItem{newItem(f, h.start-10, h.end+10, KindEnclosing, "", f.path, h.start)}
	}
	var out []ContextItem
	for _, d := range defs {
		sym := d.QualifiedName()
		if d.EndLine-d.StartLine+1 <= wholeDefLines {
			out = append(out, newItem(f, d.StartLine, d.EndLine, KindEnclosing, sym, f.path, h.start))
			continue
		}
		from := max(h.start-windowMargin, d.StartLine)
		to := min(h.end+windowMargin, d.EndLine, from+maxWindowLines-1)
		if from > d.SignatureEnd {
			// The header says what the function is; keep it apart from
			// the window so that both stay citable by their own lines.
			out = append(out, newItem(f, d.StartLine, min(d.SignatureEnd, d.StartLine+15), KindEnclosing, sym, f.path, h.start))
		}
		out = append(out, newItem(f, from, to, KindEnclosing, sym, f.path, h.start))
	}
	return out
}

// defRef is a definition found in a file.
type defRef struct {
	file *parsedFile
	def  languages.Definition
}

// scope is where one used name may be defined: tiers in order of
// preference, each of directories (a Go package) and single files (a
// module); the first tier with a match wins, so a name defined in the file
// itself shadows an imported one. member says the use is x.Name.
type scope struct {
	tiers  []tier
	member bool
}

type tier struct {
	dirs, files []string
}

// usedDefinitions resolves the names used on each hunk's added lines to
// their definitions at head, in order of first use. All hunks are planned
// first and searched with one scan, so a change touching many functions of
// a big package reads that package once.
func (a *analyzer) usedDefinitions(ctx context.Context, hs []hunk) ([][]ContextItem, error) {
	refs := make([][]languages.Reference, len(hs))
	scopes := make([][]scope, len(hs))
	words := map[string]bool{}
	pathSet := map[string]bool{}
	dirSet := map[string]bool{}
	for i, h := range hs {
		f := h.file
		if f.syms == nil || len(h.added) == 0 {
			continue
		}
		onHunk := setOf(h.added)
		seen := map[string]bool{}
		for _, r := range f.syms.References {
			k := r.Qualifier + "." + r.Name
			if onHunk[r.Line] && !seen[k] && !predeclared[r.Name] {
				seen[k] = true
				refs[i] = append(refs[i], r)
			}
		}
		if f.lang == "Go" {
			scopes[i] = a.goScopes(ctx, f, refs[i])
		} else {
			scopes[i] = a.otherScopes(f, refs[i])
		}
		for j, r := range refs[i] {
			for _, tr := range scopes[i][j].tiers {
				words[r.Name] = true
				for _, d := range tr.dirs {
					dirSet[d] = true
				}
				for _, p := range tr.files {
					pathSet[p] = true
				}
			}
		}
	}
	var paths []string
	for d := range dirSet {
		for _, p := range a.head.byDir[d] {
			if strings.HasSuffix(p, ".go") && !pathSet[p] {
				paths = append(paths, p)
			}
		}
	}
	for p := range pathSet {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	files, err := a.head.scan(ctx, paths, words)
	if err != nil {
		return nil, fmt.Errorf("resolve used names: %w", err)
	}
	index := map[string][]defRef{}
	for _, pf := range files {
		if pf.syms == nil {
			continue
		}
		for _, d := range pf.syms.Definitions {
			if words[d.Name] {
				index[d.Name] = append(index[d.Name], defRef{file: pf, def: d})
			}
		}
	}

	out := make([][]ContextItem, len(hs))
	for i, h := range hs {
		done := map[string]bool{}
		for j, r := range refs[i] {
			for _, dr := range resolveIn(index[r.Name], scopes[i][j], h.file) {
				d := dr.def
				k := fmt.Sprintf("%s:%d", dr.file.path, d.StartLine)
				// The hunk's own enclosing definition is already in the pack.
				if done[k] || dr.file.path == h.file.path && d.StartLine <= h.end && d.EndLine >= h.start {
					continue
				}
				done[k] = true
				out[i] = append(out[i], newItem(dr.file, d.StartLine, min(d.EndLine, d.StartLine+maxUsedDefLines-1), KindDefinition, d.QualifiedName(), h.file.path, h.start))
			}
		}
	}
	return out, nil
}

// resolveIn picks the candidates in the first tier of the scope that has
// any. Member uses match members (or, outside Go, module-level names reached
// through a module qualifier); bare uses match top-level definitions.
func resolveIn(cands []defRef, sc scope, from *parsedFile) []defRef {
	ok := func(dr defRef) bool {
		isMember := dr.def.Container != ""
		if from.lang == "Go" {
			return isMember == sc.member
		}
		return sc.member || !isMember || dr.file == from
	}
	for _, tr := range sc.tiers {
		var out []defRef
		for _, f := range tr.files {
			for _, dr := range cands {
				if dr.file.path == f && ok(dr) {
					out = append(out, dr)
				}
			}
		}
		for _, d := range tr.dirs {
			for _, dr := range cands {
				if dirOf(dr.file.path) == d && ok(dr) {
					out = append(out, dr)
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// goScopes: bare names in the file's package, pkg.Name in the imported
// package's directory, x.Name among methods of the file's package and of the
// in-repository packages it imports. Packages outside the repository
// (standard library, dependencies) resolve to nothing.
func (a *analyzer) goScopes(ctx context.Context, f *parsedFile, refs []languages.Reference) []scope {
	iv := newImportView(ctx, a.head, f)
	own := dirOf(f.path)
	var imported []string
	for _, im := range f.syms.Imports {
		if d, ok := a.head.goImportDir(im.Path); ok {
			imported = append(imported, d)
		}
	}
	out := make([]scope, len(refs))
	for i, r := range refs {
		switch {
		case r.Qualifier == "":
			out[i] = scope{tiers: []tier{{dirs: []string{own}}}}
		case iv.isPackage(r.Qualifier):
			for _, im := range f.syms.Imports {
				d, ok := a.head.goImportDir(im.Path)
				if !ok {
					continue
				}
				local := im.Alias
				if local == "" {
					local = a.head.goPackageName(ctx, d)
				}
				if local == r.Qualifier {
					out[i] = scope{tiers: []tier{{dirs: []string{d}}}}
				}
			}
		default:
			out[i] = scope{tiers: []tier{{dirs: []string{own}}, {dirs: imported}}, member: true}
		}
	}
	return out
}

// otherScopes: the file itself, then the modules it imports, then (where
// visibility is implicit, as in C or Ruby) the files of its directory.
func (a *analyzer) otherScopes(f *parsedFile, refs []languages.Reference) []scope {
	group := languageGroup(f.lang)
	groupCache := map[string]string{}
	seen := map[string]bool{f.path: true}
	var imported, near []string
	add := func(list *[]string, p string) {
		if !seen[p] && pathGroup(p, groupCache) == group {
			seen[p] = true
			*list = append(*list, p)
		}
	}
	idx := a.head.moduleIdx()
	for _, im := range f.syms.Imports {
		res, rel := resolveImport(f, im.Path)
		if res == "" {
			continue
		}
		cands := idx.suffix[res]
		if rel {
			cands = idx.exact[res]
		}
		for _, p := range cands {
			add(&imported, p)
		}
	}
	if !explicitImports[f.lang] {
		for _, p := range a.head.byDir[dirOf(f.path)] {
			add(&near, p)
		}
	}
	tiers := []tier{{files: []string{f.path}}, {files: imported}, {files: near}}
	out := make([]scope, len(refs))
	for i, r := range refs {
		out[i] = scope{tiers: tiers, member: r.Qualifier != ""}
	}
	return out
}

// callerItems shows where a changed definition is used: the function around
// each of the first few reference sites, preferring distinct files.
func callerItems(cd *changedDef, sites []refSite, dropped map[string]int) []ContextItem {
	if len(sites) == 0 {
		return nil
	}
	forPath, forLine := cd.file.path, cd.def.StartLine
	// Uses inside a function say more than an import line: they go first.
	inside := func(s refSite) bool {
		return s.file.syms != nil && innermost(s.file.syms.Definitions, s.line) >= 0
	}
	ordered := make([]refSite, 0, len(sites))
	for _, s := range sites {
		if inside(s) {
			ordered = append(ordered, s)
		}
	}
	for _, s := range sites {
		if !inside(s) {
			ordered = append(ordered, s)
		}
	}
	sites = ordered
	var picked []refSite
	files := map[string]bool{}
	for pass := 0; pass < 2 && len(picked) < callersPerSymbol; pass++ {
		for _, s := range sites {
			if len(picked) == callersPerSymbol {
				break
			}
			// First pass: one site per file; second: fill up.
			if pass == 0 && files[s.file.path] || pass == 1 && containsSite(picked, s) {
				continue
			}
			files[s.file.path] = true
			picked = append(picked, s)
		}
	}
	dropped[KindCaller] += len(sites) - len(picked)
	var out []ContextItem
	for _, s := range picked {
		from, to := s.line-callerMargin, s.line+callerMargin
		if s.file.syms != nil {
			if i := innermost(s.file.syms.Definitions, s.line); i >= 0 {
				d := s.file.syms.Definitions[i]
				if d.EndLine-d.StartLine+1 <= wholeCallerLines {
					from, to = d.StartLine, d.EndLine
				} else {
					from, to = max(from, d.StartLine), min(to, d.EndLine)
				}
			}
		}
		// A test calling the change is both; it ranks with the tests.
		kind := KindCaller
		if isTestPath(s.file.lang, s.file.path) {
			kind = KindTest
		}
		out = append(out, newItem(s.file, from, to, kind, cd.symbol(), forPath, forLine))
	}
	return out
}

func containsSite(ss []refSite, s refSite) bool {
	for _, o := range ss {
		if o.file == s.file && o.line == s.line {
			return true
		}
	}
	return false
}

// testItems finds the tests of each changed file by naming convention and
// picks the test functions that mention what changed, or failing that the
// top of the test file.
func (a *analyzer) testItems(ctx context.Context) ([]ContextItem, error) {
	var out []ContextItem
	for _, c := range a.opt.Changes {
		hf := a.headFiles[c.Path]
		if hf == nil || c.Skipped {
			continue
		}
		names := map[string]bool{}
		for _, cd := range a.changed {
			if cd.headPF == hf || cd.file == hf {
				names[cd.def.Name] = true
			}
		}
		for _, tp := range a.testFilesFor(c.Path) {
			tf, err := a.head.get(ctx, tp)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				continue
			}
			var picked []ContextItem
			if tf.syms != nil && len(names) > 0 {
				for _, d := range tf.syms.Definitions {
					if len(picked) == maxTestDefs {
						break
					}
					text := tf.lines(d.StartLine, d.EndLine)
					if d.Kind == languages.KindClass || !containsWord([]byte(text), names, 1, 1<<30) {
						continue
					}
					picked = append(picked, newItem(tf, d.StartLine, min(d.EndLine, d.StartLine+maxUsedDefLines-1), KindTest, d.QualifiedName(), c.Path, firstLine(c.Added)))
				}
			}
			if len(picked) == 0 {
				picked = append(picked, newItem(tf, 1, 30, KindTest, "", c.Path, firstLine(c.Added)))
			}
			out = append(out, picked...)
		}
	}
	return out, nil
}

func firstLine(ls []int) int {
	if len(ls) == 0 {
		return 0
	}
	return slicesMin(ls)
}

func slicesMin(xs []int) int {
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

// testFilesFor lists existing test files named after p: in p's directory
// first, then anywhere (tests/, __tests__/, spec/ trees), at most three.
func (a *analyzer) testFilesFor(p string) []string {
	var near, far []string
	for _, name := range testNamesFor(p) {
		for _, cand := range a.head.byBase[name] {
			if dirOf(cand) == dirOf(p) {
				near = append(near, cand)
			} else {
				far = append(far, cand)
			}
		}
	}
	sort.Strings(far)
	out := append(near, far...)
	return out[:min(len(out), 3)]
}

// predeclared are names no repository defines in a useful way: Go's
// built-ins and the most common literals of other languages.
var predeclared = setOfStrings(
	"nil", "true", "false", "iota", "err", "ctx", "len", "cap", "make", "new", "append",
	"copy", "delete", "panic", "recover", "print", "println", "min", "max", "clear", "close",
	"string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
	"uint64", "uintptr", "byte", "rune", "bool", "float32", "float64", "error", "any",
	"complex64", "complex128", "comparable",
	"self", "this", "None", "True", "False", "null", "undefined", "super",
)
