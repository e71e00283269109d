package codebase

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/reviewbot/reviewbot/languages"
)

// Change kinds of an Impact.
const (
	ChangeModified  = "modified"  // body changed, header unchanged
	ChangeSignature = "signature" // header (name line, parameters, results) changed
	ChangeDeleted   = "deleted"
	ChangeRenamed   = "renamed"
)

// DefaultTokenBudget is the context budget when Options.TokenBudget is 0.
const DefaultTokenBudget = 8000

// changedDef is one definition the change touched.
type changedDef struct {
	def     languages.Definition
	file    *parsedFile // head file, or base file for deleted and renamed
	change  string      // one of the Change* constants, or "added"
	newName string      // for renamed: the name at head
	what    string      // what changed, when more precise than change says
	headDef *languages.Definition
	headPF  *parsedFile
}

const changeAdded = "added"

// movedUnchanged reports an added Go definition that moved, body and all,
// from another file of its package: nothing about it changed.
func (a *analyzer) movedUnchanged(c *changedDef) bool {
	if c.change != changeAdded || c.file.lang != "Go" || c.file.syms == nil {
		return false
	}
	m, ok := a.movedFrom(c)
	return ok && bodyText(m.bf, m.def) == bodyText(c.file, c.def)
}

// movedDef is a Go definition as it was at base, in the file it left.
type movedDef struct {
	bf  *parsedFile
	def languages.Definition
}

// movedFrom returns the base version of an added Go definition that left
// another file of its package: it is not new, and what changed in it is
// found by comparing the two.
func (a *analyzer) movedFrom(c *changedDef) (movedDef, bool) {
	if c.change != changeAdded || c.file.lang != "Go" || c.file.syms == nil {
		return movedDef{}, false
	}
	m, ok := a.moved[c.dir()+"\x00"+c.file.syms.Package+"\x00"+c.def.QualifiedName()]
	return m, ok
}

// dir is the definition's package directory.
func (c *changedDef) dir() string { return dirOf(c.file.path) }

// pkgName is the package or module the definition belongs to, for display.
func (c *changedDef) pkgName() string {
	if c.file.syms != nil && c.file.syms.Package != "" && c.file.lang == "Go" {
		return c.file.syms.Package
	}
	base := path.Base(c.file.path)
	stem := strings.TrimSuffix(base, path.Ext(base))
	if stem == "__init__" || stem == "index" {
		if d := dirOf(c.file.path); d != "" {
			return path.Base(d)
		}
	}
	return stem
}

// symbol is the display name: pkg.Func at top level, Type.Method inside a
// type, module.func for other languages.
func (c *changedDef) symbol() string {
	if c.def.Container != "" {
		return c.def.Container + "." + c.def.Name
	}
	return c.pkgName() + "." + c.def.Name
}

// analyzer holds the state of one Analyze call.
type analyzer struct {
	opt        Options
	head, base *snapshot
	stats      *counters
	notes      []string
	added      map[string]map[int]bool // head path → added lines
	pyHier     *pyHierarchy            // Python classes by name, for self.name
	changed    []*changedDef
	headFiles  map[string]*parsedFile // changed files at head
	gone       []goneSet
	// moved maps dir, package and qualified name of a Go definition that
	// left its file for another file of the same package to its base
	// version.
	moved map[string]movedDef
	// goImports is the head's Go import graph, read as needed.
	goImports goImportGraph
}

// Analyze computes the context pack and the downstream impact of a change.
// It reads only what the change needs: the changed files, then files that
// mention a changed or used name as a whole word, parsing only those.
// Failures to analyse parts (unsupported languages, oversized files) are
// reported in Notes; an error is returned only when the head snapshot
// cannot be listed or the context is cancelled.
func Analyze(ctx context.Context, opt Options) (*Analysis, error) {
	start := time.Now()
	if opt.Head == nil {
		return nil, errors.New("analyze: no head snapshot")
	}
	if opt.TokenBudget <= 0 {
		opt.TokenBudget = DefaultTokenBudget
	}
	a := &analyzer{opt: opt, stats: &counters{}, added: map[string]map[int]bool{}, headFiles: map[string]*parsedFile{}, moved: map[string]movedDef{}}
	var err error
	if a.head, err = newSnapshot(ctx, opt.Head, a.stats); err != nil {
		return nil, fmt.Errorf("analyze head: %w", err)
	}
	if opt.Base != nil {
		if a.base, err = newSnapshot(ctx, opt.Base, a.stats); err != nil {
			return nil, fmt.Errorf("analyze base: %w", err)
		}
	} else {
		a.notes = append(a.notes, "no base snapshot: deleted and renamed definitions were not detected")
	}
	for _, c := range opt.Changes {
		if c.Path != "" {
			a.added[c.Path] = setOf(c.Added)
		}
	}
	if err := a.findChanged(ctx); err != nil {
		return nil, err
	}
	impacts, refs, err := a.impact(ctx)
	if err != nil {
		return nil, err
	}
	items, err := a.contextPack(ctx, refs)
	if err != nil {
		return nil, err
	}
	res := &Analysis{Context: items, Impact: impacts}
	res.Notes = append(a.notes, a.stats.notes()...)
	res.Stats = Stats{
		FilesListed:  len(a.head.files),
		FilesScanned: int(a.stats.scanned.Load()),
		FilesParsed:  int(a.stats.parsed.Load()),
		Duration:     time.Since(start),
	}
	for _, c := range a.changed {
		if c.change != changeAdded {
			res.Stats.ChangedDefs++
		}
	}
	for _, it := range items {
		res.Stats.ContextTokens += it.Tokens
	}
	return res, nil
}

// notes turns the skip counters into human-readable notes.
func (c *counters) notes() []string {
	var out []string
	list := func(kind, why string, ps []string) {
		if len(ps) == 0 {
			return
		}
		sort.Strings(ps)
		shown := ps[:min(len(ps), 5)]
		more := ""
		if len(ps) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(ps)-len(shown))
		}
		out = append(out, fmt.Sprintf("skipped %s%s: %s%s", plural(len(ps), kind), why, strings.Join(shown, ", "), more))
	}
	list("file", " over 1 MB", c.bigFiles)
	list("binary file", "", c.binaryFiles)
	list("unreadable file", "", c.readErrors)
	langs := make([]string, 0, len(c.unsupported))
	for l := range c.unsupported {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		out = append(out, fmt.Sprintf("no symbol extractor for %s (%d files): those files get line windows only and are not searched for references", l, c.unsupported[l]))
	}
	return out
}

func setOf(lines []int) map[int]bool {
	m := make(map[int]bool, len(lines))
	for _, l := range lines {
		m[l] = true
	}
	return m
}

// findChanged works out which definitions the change touched, at head
// (added lines) and at base (removed lines, deletions, renames).
func (a *analyzer) findChanged(ctx context.Context) error {
	for _, c := range a.opt.Changes {
		if err := ctx.Err(); err != nil {
			return err
		}
		var hf, bf *parsedFile
		if c.Path != "" && c.Status != "deleted" {
			pf, err := a.head.get(ctx, c.Path)
			if err != nil && !errors.Is(err, errSkipped) {
				a.notes = append(a.notes, fmt.Sprintf("could not read %s at head: %v", c.Path, err))
			}
			if pf != nil {
				if c.Language != "" && pf.lang != c.Language {
					// The diff knew better (e.g. from .gitattributes).
					pf = a.head.reparse(pf, c.Language)
				}
				hf = pf
				a.headFiles[c.Path] = pf
			}
		}
		old := c.OldPath
		if old == "" && c.Status != "added" {
			old = c.Path
		}
		if a.base != nil && old != "" && c.Status != "added" && a.base.has[old] {
			pf, err := a.base.get(ctx, old)
			if err != nil && !errors.Is(err, errSkipped) {
				a.notes = append(a.notes, fmt.Sprintf("could not read %s at base: %v", old, err))
			}
			bf = pf
		}
		a.compareFile(c, hf, bf)
	}
	return a.settleGone(ctx)
}

// compareFile finds the touched definitions of one changed file.
func (a *analyzer) compareFile(c Change, hf, bf *parsedFile) {
	var headDefs, baseDefs []languages.Definition
	if hf != nil && hf.syms != nil {
		headDefs = hf.syms.Definitions
	}
	if bf != nil && bf.syms != nil {
		baseDefs = bf.syms.Definitions
	}
	headByName := indexDefs(headDefs)
	baseByName := indexDefs(baseDefs)
	seen := map[string]bool{}

	addedCode, removedCode := codeLines(c, hf, bf)
	// Head side: the innermost definition around each added line of code.
	var hits []int // indexes of headDefs, with the line that hit each
	var hitLines []int
	aliasLeaf := hf != nil && typeScriptLike[hf.lang] || bf != nil && typeScriptLike[bf.lang]
	valueLeaf := hf != nil && jsMembers[hf.lang] || bf != nil && jsMembers[bf.lang]
	headLocal, baseLocal := localDefs(headDefs, aliasLeaf, valueLeaf), localDefs(baseDefs, aliasLeaf, valueLeaf)
	for _, l := range sortedLines(addedCode) {
		i := innermostChanged(headDefs, headLocal, l)
		if i < 0 {
			continue
		}
		hits, hitLines = append(hits, i), append(hitLines, l)
		// An attribute set inside a method (Python's self.x = ...) is a
		// member of the class, and the line changes the method too.
		if j := enclosingCallable(headDefs, i, l); j >= 0 {
			hits, hitLines = append(hits, j), append(hitLines, l)
		}
	}
	for k, i := range hits {
		l := hitLines[k]
		d := headDefs[i]
		q := d.QualifiedName()
		if seen[q] {
			continue
		}
		seen[q] = true
		cd := &changedDef{def: d, file: hf, headDef: &headDefs[i], headPF: hf}
		switch bi, ok := baseByName[q]; {
		case ok:
			cd.change, cd.what = compareDefs(bf, baseDefs[bi], hf, d)
		case a.base != nil || c.Status == "added":
			cd.change = changeAdded // renames are paired below
		case l <= d.SignatureEnd:
			// Without a base only the line position tells what changed.
			cd.change = ChangeSignature
		default:
			cd.change = ChangeModified
		}
		a.changed = append(a.changed, cd)
	}

	// Base side: definitions that survive at head but lost a line of their
	// header (a parameter of a multi-line signature). Lines removed from a
	// body alone do not make a definition changed, as in the impact
	// reference: the added lines decide.
	for _, l := range sortedLines(removedCode) {
		i := innermostChanged(baseDefs, baseLocal, l)
		if i < 0 {
			continue
		}
		d := baseDefs[i]
		q := d.QualifiedName()
		if seen[q] || l > d.SignatureEnd {
			continue
		}
		if hi, ok := headByName[q]; ok {
			seen[q] = true
			cd := &changedDef{def: headDefs[hi], file: hf, headDef: &headDefs[hi], headPF: hf}
			cd.change, cd.what = compareDefs(bf, d, hf, headDefs[hi])
			a.changed = append(a.changed, cd)
		}
	}

	// Definitions present at base and gone from the file at head. A head
	// file we could not parse proves nothing is gone.
	if hf != nil && hf.syms == nil {
		return
	}
	// A name still defined in the file under another container (a method
	// whose class became an interface plus a function, an overload set
	// rewritten) is not gone: its remaining uses may well resolve to that.
	headNames := map[string]bool{}
	for _, d := range headDefs {
		headNames[d.Name] = true
	}
	var gone []languages.Definition
	for _, d := range baseDefs {
		if _, ok := headByName[d.QualifiedName()]; !ok && d.Kind != languages.KindModule && !(d.Container != "" && headNames[d.Name]) {
			gone = append(gone, d)
		}
	}
	if len(gone) > 0 {
		a.gone = append(a.gone, goneSet{bf: bf, hf: hf, defs: gone})
	}
}

// goneSet is the definitions of one file that vanished from it at head.
type goneSet struct {
	bf, hf *parsedFile
	defs   []languages.Definition
}

// settleGone decides, for every vanished definition, whether it moved to
// another file of the same Go package (no impact), was renamed, or deleted.
// The move check for all files is one scan of the packages concerned.
func (a *analyzer) settleGone(ctx context.Context) error {
	words := map[string]bool{}
	dirs := map[string]bool{}
	for _, g := range a.gone {
		if g.bf.lang != "Go" {
			continue
		}
		dirs[a.goneDir(g)] = true
		for _, d := range g.defs {
			words[d.Name] = true
		}
	}
	found, err := a.head.scan(ctx, a.head.goFilesIn(dirs), words)
	if err != nil {
		return fmt.Errorf("check moved definitions: %w", err)
	}
	// dir + package + qualified name of every candidate present at head.
	present := map[string]bool{}
	for _, pf := range found {
		if pf.syms == nil {
			continue
		}
		for _, d := range pf.syms.Definitions {
			if words[d.Name] {
				present[dirOf(pf.path)+"\x00"+pf.syms.Package+"\x00"+d.QualifiedName()] = true
			}
		}
	}
	for _, g := range a.gone {
		var still []languages.Definition
		for _, d := range g.defs {
			if key := a.goneDir(g) + "\x00" + g.bf.syms.Package + "\x00" + d.QualifiedName(); g.bf.lang == "Go" && present[key] {
				a.moved[key] = movedDef{bf: g.bf, def: d}
				continue
			}
			still = append(still, d)
		}
		a.pairRenames(g.bf, g.hf, still)
	}
	return nil
}

// goneDir is the package directory a vanished definition belonged to at
// head: that of the file's new path when it was renamed.
func (a *analyzer) goneDir(g goneSet) string {
	if g.hf != nil {
		return dirOf(g.hf.path)
	}
	return dirOf(g.bf.path)
}

// pairRenames turns definitions gone from a file into renames when a new
// definition of the same kind and container took their place: with the same
// body, or as the only candidate on both sides.
func (a *analyzer) pairRenames(bf, hf *parsedFile, gone []languages.Definition) {
	var fresh []*changedDef
	for _, cd := range a.changed {
		if cd.change == changeAdded && cd.file == hf && hf != nil {
			fresh = append(fresh, cd)
		}
	}
	key := func(d languages.Definition) string { return string(d.Kind) + "\x00" + d.Container }
	count := func(k string) (g, f int) {
		for _, d := range gone {
			if key(d) == k {
				g++
			}
		}
		for _, cd := range fresh {
			if key(cd.def) == k {
				f++
			}
		}
		return g, f
	}
	used := map[*changedDef]bool{}
	for _, d := range gone {
		cd := &changedDef{def: d, file: bf, change: ChangeDeleted}
		g, f := count(key(d))
		for _, n := range fresh {
			if used[n] || key(n.def) != key(d) {
				continue
			}
			if bodyText(bf, d) == bodyText(hf, n.def) || g == 1 && f == 1 {
				used[n] = true
				cd.change, cd.newName = ChangeRenamed, n.def.Name
				cd.headDef, cd.headPF = n.headDef, hf
				break
			}
		}
		a.changed = append(a.changed, cd)
	}
}

// compareDefs classifies a definition present on both sides; what, when
// set, says more precisely what changed ("value changed").
func compareDefs(bf *parsedFile, bd languages.Definition, hf *parsedFile, hd languages.Definition) (change, what string) {
	if bf == nil || hf == nil {
		return ChangeModified, ""
	}
	b := headerOnly(normalizeSpace(bf.lines(bd.StartLine, bd.SignatureEnd)))
	h := headerOnly(normalizeSpace(hf.lines(hd.StartLine, hd.SignatureEnd)))
	if bf.lang == "Go" && hf.lang == "Go" {
		if c, w, ok := compareGoDecls(bf, bd, hf, hd); ok {
			return c, w
		}
	}
	// The header's last line may carry body text ("func f() { return 1 }"):
	// when one side merely extends the other, only the body moved.
	if b == h || strings.HasPrefix(b, h) || strings.HasPrefix(h, b) {
		return ChangeModified, ""
	}
	return ChangeSignature, ""
}

// headerOnly cuts a definition's header lines where its body opens, so
// that a one-line definition ("func f() int { return 1 }", "def f(): return
// 1") compares by signature alone: at the last "{" that follows the closing
// parenthesis of the parameters, else at a ":" after it.
func headerOnly(s string) string {
	paren := strings.LastIndex(s, ")")
	if i := strings.Index(s[max(paren, 0):], "{"); i >= 0 {
		return strings.TrimSpace(s[:max(paren, 0)+i])
	}
	if paren >= 0 {
		if i := strings.Index(s[paren:], ":"); i >= 0 && !strings.HasPrefix(s[paren+i:], "::") {
			return strings.TrimSpace(s[:paren+i])
		}
	}
	return s
}

// bodyText is a definition's text after its header, whitespace-normalized.
func bodyText(f *parsedFile, d languages.Definition) string {
	if f == nil {
		return ""
	}
	return normalizeSpace(f.lines(d.SignatureEnd+1, d.EndLine))
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// indexDefs maps qualified names to the first definition carrying them.
func indexDefs(defs []languages.Definition) map[string]int {
	m := make(map[string]int, len(defs))
	for i, d := range defs {
		if _, ok := m[d.QualifiedName()]; !ok {
			m[d.QualifiedName()] = i
		}
	}
	return m
}

// innermost returns the index of the smallest definition spanning line, or
// -1. The smallest wins so that a changed method counts as the method, not
// as its whole class.
func innermost(defs []languages.Definition, line int) int {
	best := -1
	for i, d := range defs {
		if d.StartLine > line {
			break // sorted by StartLine
		}
		if line > d.EndLine || d.Kind == languages.KindModule {
			continue
		}
		if best < 0 || d.EndLine-d.StartLine < defs[best].EndLine-defs[best].StartLine {
			best = i
		}
	}
	return best
}

// innermostChanged is innermost for deciding what a line changed:
// functions and methods are leaves, so a definition local to one (a nested
// function, a const arrow function in a method body) gives the line to the
// function around it, as compilers' document outlines do.
func innermostChanged(defs []languages.Definition, local []bool, line int) int {
	best := -1
	for i, d := range defs {
		if d.StartLine > line {
			break
		}
		if line > d.EndLine || d.Kind == languages.KindModule || local[i] {
			continue
		}
		if best < 0 || d.EndLine-d.StartLine < defs[best].EndLine-defs[best].StartLine {
			best = i
		}
	}
	return best
}

// localDefs marks the definitions without a container that lie inside a
// function or method of the same file (defs sorted by StartLine), or, with
// valueLeaf, inside the value of a top-level const or var; and, with
// aliasLeaf (TypeScript), the properties of an object type alias.
// Members with a container, such as Python's self.x attributes set in a
// method, stay definitions of their class.
func localDefs(defs []languages.Definition, aliasLeaf, valueLeaf bool) []bool {
	local := make([]bool, len(defs))
	var open []languages.Definition    // enclosing functions, outermost first
	var members []languages.Definition // enclosing member variables
	for i, d := range defs {
		for len(open) > 0 && open[len(open)-1].EndLine < d.StartLine {
			open = open[:len(open)-1]
		}
		inside := false
		for _, f := range open {
			if f.EndLine >= d.EndLine && (f.StartLine < d.StartLine || f.EndLine > d.EndLine) {
				inside = true
				break
			}
		}
		// A class member that holds a value (a property whose initializer
		// defines helpers, private observer = (() => { const get = ... })())
		// is a leaf like a method: what its initializer declares is local.
		for len(members) > 0 && members[len(members)-1].EndLine < d.StartLine {
			members = members[:len(members)-1]
		}
		inMember := false
		for _, m := range members {
			if m.EndLine >= d.EndLine && (m.StartLine < d.StartLine || m.EndLine > d.EndLine) {
				inMember = true
				break
			}
		}
		local[i] = (inside || inMember) && d.Container == ""
		if d.Kind == languages.KindVariable && d.Container != "" ||
			valueLeaf && d.Container == "" && (d.Kind == languages.KindConstant || d.Kind == languages.KindVariable) {
			// With valueLeaf (JavaScript, TypeScript) a top-level const
			// or var is a leaf too: the methods of its object literal
			// (const methods = { shift() {...} }) are part of its value.
			members = append(members, d)
		}
		if d.Kind == languages.KindFunction || d.Kind == languages.KindMethod || aliasLeaf && d.Kind == languages.KindType {
			open = append(open, d)
		}
		if inside && aliasLeaf && open[len(open)-1].Kind == languages.KindType && d.Container == open[len(open)-1].Name {
			// A property of an object type alias (type Ctx = { a: T }):
			// the alias is the unit that changed, as outlines show it.
			local[i] = true
		}
	}
	return local
}

// enclosingCallable returns, for a variable member defs[i] that lies inside
// a function or method, the smallest such function around line, or -1.
func enclosingCallable(defs []languages.Definition, i, line int) int {
	d := defs[i]
	if d.Kind != languages.KindVariable || d.Container == "" {
		return -1
	}
	best := -1
	for j, e := range defs {
		if e.StartLine > line {
			break
		}
		if j == i || line > e.EndLine || e.Kind != languages.KindMethod && e.Kind != languages.KindFunction {
			continue
		}
		if e.StartLine <= d.StartLine && e.EndLine >= d.EndLine && (best < 0 || e.EndLine-e.StartLine < defs[best].EndLine-defs[best].StartLine) {
			best = j
		}
	}
	return best
}

func sortedLines(ls []int) []int {
	out := append([]int(nil), ls...)
	sort.Ints(out)
	return out
}
