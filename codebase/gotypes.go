package codebase

import (
	"context"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Go member references need types: x.Edit is a use of
// PullRequestsService.Edit only when x's type says so, and a repository
// with fifty Edit methods would otherwise list every .Edit call under each.
// goTypes type-checks, from the head snapshot's source, the packages that
// hold candidate member references, and answers what each candidate
// selector resolves to.
//
// Only what pays for itself is checked: the candidate packages with
// function bodies kept only where a candidate reference lies (every other
// body is dropped before checking, so the checker sees declarations), and
// the in-module packages they import as declarations only. Imports from
// outside the module are empty fake packages: their names are undefined,
// values of their types have an invalid type, and a selector on such a
// value is "unknown", for which the caller falls back to name matching and
// says so. Errors are expected and ignored.
type goTypes struct {
	ctx  context.Context
	s    *snapshot
	fset *token.FileSet
	pkgs map[string]*goPkg // key: directory + "\x00" + package name
	busy map[string]bool   // packages being checked (import cycles)
	fake map[string]*types.Package
	// keep lists, per candidate file, the lines holding candidate
	// references: the bodies of the functions around them are checked.
	keep map[string]map[int]bool
	// budget is the source bytes still allowed to be type-checked; a
	// package that does not fit is left unchecked (its selectors unknown).
	budget int
	// depBudget is what is left for in-module packages imported by the
	// candidate ones, checked for their declarations.
	depBudget int
	checked   []string // candidate packages checked, for the note
	over      []string // candidate packages left out for the budget
	cheap     []string // candidate packages with too few candidates for their size
	// members maps a member name to the directory and container of each
	// type declaring it, in the files searched; interfaces holds the
	// directory and name of each interface there.
	members    map[string]map[string]bool
	interfaces map[string]bool
	decls      map[string]*goDecls // per file, for stdReceiver
}

// goTypeBudget bounds the Go source type-checked in one analysis. Checking
// with most bodies dropped costs about 0.1 s per MB on the benchmark
// machine; a package bigger than what is left (a generated SDK service of
// tens of MB) is matched by name instead, with a note.
const goTypeBudget = 12 << 20

// goDepBudget bounds the source of the in-module packages imported by the
// candidate packages, checked for their declarations only: imports spread
// (x/tools' candidate packages import some twenty others), and a value of
// a type from a package beyond it is only as unknown as one from outside.
const goDepBudget = 512 << 10

// goPkg is one type-checked package.
type goPkg struct {
	key   string
	dir   string
	pkg   *types.Package
	info  *types.Info          // candidate packages only
	files map[string]*ast.File // head path → syntax, candidate files only
	idx   map[string]map[token.Pos]goIdent
	size  int
	// dropped lists, per candidate file, the line spans of the function
	// bodies checked without their statements: nothing in them resolves.
	dropped map[string][][2]int
}

func newGoTypes(ctx context.Context, s *snapshot) *goTypes {
	return &goTypes{ctx: ctx, s: s, fset: token.NewFileSet(), pkgs: map[string]*goPkg{},
		busy: map[string]bool{}, fake: map[string]*types.Package{}, keep: map[string]map[int]bool{}, budget: goTypeBudget, depBudget: goDepBudget}
}

// want marks a reference line of a candidate file.
func (g *goTypes) want(p string, line int) {
	if g.keep[p] == nil {
		g.keep[p] = map[int]bool{}
	}
	g.keep[p][line] = true
}

// pkgKey names the package of a Go file: its directory and package clause.
func pkgKey(dir, name string) string { return dir + "\x00" + name }

// goBuildTags are the build tags a default build on linux/amd64 satisfies,
// as gopls sees a module by default; go1.N tags are all taken as met.
var goBuildTags = map[string]bool{"linux": true, "amd64": true, "unix": true, "gc": true, "cgo": true}

// knownOS and knownArch are the GOOS and GOARCH values a file name suffix
// may name (name_linux.go, name_arm64.go, name_windows_386.go).
var knownOS = setOfStrings("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
	"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")
var knownArch = setOfStrings("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
	"mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64",
	"s390", "s390x", "sparc", "sparc64", "wasm")

// goBuildIncluded reports whether a Go file is part of the default build:
// its name's _GOOS/_GOARCH suffix and its //go:build line (or legacy
// // +build lines) must hold for linux/amd64.
func goBuildIncluded(p string, src []byte) bool {
	stem := strings.TrimSuffix(strings.TrimSuffix(path.Base(p), ".go"), "_test")
	parts := strings.Split(stem, "_")
	if n := len(parts); n >= 2 {
		last := parts[n-1]
		switch {
		case knownArch[last]:
			if last != "amd64" {
				return false
			}
			if n >= 3 && knownOS[parts[n-2]] && parts[n-2] != "linux" {
				return false
			}
		case knownOS[last] && last != "linux":
			return false
		}
	}
	eval := func(tag string) bool { return goBuildTags[tag] || strings.HasPrefix(tag, "go1.") }
	// Constraints sit in the comments before the package clause.
	for _, line := range strings.Split(string(src[:min(len(src), 4096)]), "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "package ") {
			break
		}
		if constraint.IsGoBuild(l) || constraint.IsPlusBuild(l) {
			if e, err := constraint.Parse(l); err == nil && !e.Eval(eval) {
				return false
			}
		}
	}
	return true
}

// source returns a file's text, from the parse cache when it is there.
func (g *goTypes) source(p string) ([]byte, bool) {
	if pf, _, ok := g.s.lookup(p); ok {
		if pf == nil {
			return nil, false
		}
		return pf.src, true
	}
	data, err := g.s.read(g.ctx, p)
	return data, err == nil
}

// load type-checks the package named name in dir (once), candidate or
// dependency. It returns nil when the package has no files, does not fit
// the budget, or is already being checked further up an import chain.
func (g *goTypes) load(dir, name string) *goPkg {
	key := pkgKey(dir, name)
	if gp, ok := g.pkgs[key]; ok {
		return gp
	}
	if g.busy[key] {
		return nil
	}
	g.busy[key] = true
	defer delete(g.busy, key)
	gp := g.check(dir, name)
	g.pkgs[key] = gp
	return gp
}

func (g *goTypes) check(dir, name string) *goPkg {
	key := pkgKey(dir, name)
	candidate := false
	type src struct {
		path string
		data []byte
	}
	var srcs, tagged []src
	size, taggedSize := 0, 0
	for _, p := range g.s.byDir[dir] {
		if !strings.HasSuffix(p, ".go") {
			continue
		}
		// A dependency is checked without its tests; a candidate package
		// with the internal test files that share its name.
		if g.keep[p] != nil {
			candidate = true
		}
		data, ok := g.source(p)
		if !ok {
			continue
		}
		if !goBuildIncluded(p, data) {
			tagged = append(tagged, src{p, data})
			taggedSize += len(data)
			continue
		}
		srcs = append(srcs, src{p, data})
		size += len(data)
	}
	if len(srcs) == 0 {
		// A directory that exists only under a build tag (integration
		// tests, //go:build integration) is checked as that build sees
		// it: with all its files. Files left out beside included ones
		// stay out, as they would redeclare what the others declare.
		srcs, size = tagged, taggedSize
	}
	if size > g.budget {
		if candidate {
			g.over = append(g.over, dirLabel(dir))
		}
		return nil
	}
	var files []*ast.File
	gp := &goPkg{key: key, dir: dir, files: map[string]*ast.File{}}
	testCandidates := false
	for _, sf := range srcs {
		if strings.HasSuffix(sf.path, "_test.go") && g.keep[sf.path] != nil {
			testCandidates = true
		}
	}
	if !testCandidates {
		// A dependency, or a package whose candidates all lie outside its
		// tests, is checked without its test files: nothing else depends
		// on them.
		kept := srcs[:0]
		for _, sf := range srcs {
			if !strings.HasSuffix(sf.path, "_test.go") {
				kept = append(kept, sf)
			}
		}
		srcs = kept
	}
	// Parsing is most of the cost and files are independent: parse them
	// on every core (a token.FileSet is safe for concurrent use).
	parsed := make([]*ast.File, len(srcs))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(srcs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				// Bodies no candidate lies in are blanked before parsing:
				// only declarations are asked about there.
				src := blankBodies(srcs[i].data, g.keep[srcs[i].path])
				parsed[i], _ = parser.ParseFile(g.fset, srcs[i].path, src, parser.SkipObjectResolution)
			}
		}()
	}
	for i := range srcs {
		work <- i
	}
	close(work)
	wg.Wait()
	for i, sf := range srcs {
		f := parsed[i]
		if f == nil || f.Name == nil || f.Name.Name != name {
			continue
		}
		gp.size += len(sf.data)
		lines := g.keep[sf.path]
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if !g.spans(lines, fd) {
				// Only the declarations matter here: what the function
				// does is not asked about, and checking it costs.
				if lines != nil {
					if gp.dropped == nil {
						gp.dropped = map[string][][2]int{}
					}
					gp.dropped[sf.path] = append(gp.dropped[sf.path], [2]int{g.fset.Position(fd.Body.Pos()).Line, g.fset.Position(fd.Body.End()).Line})
				}
				fd.Body = nil
			}
		}
		if lines != nil {
			gp.files[sf.path] = f
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil
	}
	g.budget -= gp.size
	conf := types.Config{
		Importer:    goImporter{g, dir},
		Error:       func(error) {}, // incomplete by design: keep going
		FakeImportC: true,
	}
	if candidate {
		gp.info = &types.Info{
			Selections: map[*ast.SelectorExpr]*types.Selection{},
			Uses:       map[*ast.Ident]types.Object{},
			Types:      map[ast.Expr]types.TypeAndValue{},
		}
		g.checked = append(g.checked, dirLabel(dir))
	}
	func() {
		// go/types on code that does not compile may panic; a package it
		// cannot check is treated as unknown.
		defer func() {
			if recover() != nil {
				gp.pkg, gp.info = nil, nil
			}
		}()
		gp.pkg, _ = conf.Check(dir+"/"+name, g.fset, files, gp.info)
	}()
	if gp.pkg == nil {
		return nil
	}
	return gp
}

// candidateDir reports a directory holding candidate references.
func (g *goTypes) candidateDir(dir string) bool {
	for p := range g.keep {
		if dirOf(p) == dir {
			return true
		}
	}
	return false
}

// spans reports whether a function holds one of the given lines.
func (g *goTypes) spans(lines map[int]bool, fd *ast.FuncDecl) bool {
	if len(lines) == 0 {
		return false
	}
	from, to := g.fset.Position(fd.Pos()).Line, g.fset.Position(fd.End()).Line
	for l := range lines {
		if l >= from && l <= to {
			return true
		}
	}
	return false
}

func dirLabel(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// goImporter resolves imports of the module from the tree and fakes the
// rest as empty packages.
type goImporter struct {
	g    *goTypes
	from string
}

func (im goImporter) Import(p string) (*types.Package, error) { return im.ImportFrom(p, im.from, 0) }

func (im goImporter) ImportFrom(p, _ string, _ types.ImportMode) (*types.Package, error) {
	g := im.g
	if dir, ok := g.s.goImportDir(p); ok {
		name := g.s.goPackageName(g.ctx, dir)
		key := pkgKey(dir, name)
		_, loaded := g.pkgs[key]
		if name != "" && !loaded && !g.candidateDir(dir) {
			// A dependency is worth its declarations only while it is
			// cheap: past the allowance it stays unknown like an import
			// from outside.
			size := g.s.goDirSize(g.ctx, dir)
			if size > g.depBudget {
				name = ""
			} else {
				g.depBudget -= size
			}
		}
		if name != "" {
			if gp := g.load(dir, name); gp != nil && gp.pkg != nil {
				return gp.pkg, nil
			}
		}
	}
	if fp, ok := g.fake[p]; ok {
		return fp, nil
	}
	fp := types.NewPackage(p, goGuessPackageName(p))
	fp.MarkComplete()
	g.fake[p] = fp
	return fp, nil
}

// goSel is what one candidate selector resolved to.
type goSel struct {
	known bool         // the checker had an answer
	obj   types.Object // the member selected; nil when not found
	// recv is the receiver's type when the member was not found on a type
	// the checker knows (a use of a deleted or renamed member).
	recv types.Type
}

// resolve answers what the member reference at line:col of file p names.
func (g *goTypes) resolve(p, pkgName string, line, col int) goSel {
	gp := g.pkgs[pkgKey(dirOf(p), pkgName)]
	if gp == nil || gp.info == nil {
		return goSel{}
	}
	id, sel := g.identAt(gp, p, line, col)
	if id == nil {
		return goSel{}
	}
	if sel != nil {
		if s, ok := gp.info.Selections[sel]; ok {
			return goSel{known: true, obj: s.Obj()}
		}
		if obj, ok := gp.info.Uses[id]; ok {
			return goSel{known: true, obj: obj} // pkg.Name
		}
		// Not found: known only when the receiver's type is, and then
		// the member is missing from it (deleted, renamed).
		if tv, ok := gp.info.Types[sel.X]; ok && valid(tv.Type) {
			return goSel{known: true, recv: tv.Type}
		}
		return goSel{}
	}
	if obj, ok := gp.info.Uses[id]; ok { // a keyed field of a composite literal
		return goSel{known: true, obj: obj}
	}
	return goSel{}
}

// covers reports whether line of file p was type-checked with the body
// around it: a file with candidate references keeps only the bodies that
// hold them, and a selector in another body has no type, whatever its
// receiver (a field of the file's own struct used in a function nobody
// asked about).
func (g *goTypes) covers(p, pkgName string, line int) bool {
	gp := g.pkgs[pkgKey(dirOf(p), pkgName)]
	if gp == nil || gp.info == nil || gp.files[p] == nil {
		return false
	}
	for _, sp := range gp.dropped[p] {
		if line >= sp[0] && line <= sp[1] {
			return false
		}
	}
	return true
}

// valid reports a type the checker could work out, without invalid parts
// at its root.
func valid(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	b, ok := t.Underlying().(*types.Basic)
	return !ok || b.Kind() != types.Invalid
}

// identAt finds the identifier starting at line:col and, when it is the
// right side of a selector, that selector. Each file is indexed once.
func (g *goTypes) identAt(gp *goPkg, p string, line, col int) (*ast.Ident, *ast.SelectorExpr) {
	f := gp.files[p]
	if f == nil {
		return nil, nil
	}
	if gp.idx == nil {
		gp.idx = map[string]map[token.Pos]goIdent{}
	}
	idx, ok := gp.idx[p]
	if !ok {
		idx = map[token.Pos]goIdent{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if n.Sel != nil {
					idx[n.Sel.Pos()] = goIdent{n.Sel, n}
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok {
					idx[id.Pos()] = goIdent{id, nil}
				}
			}
			return true
		})
		gp.idx[p] = idx
	}
	tf := g.fset.File(f.Pos())
	if tf == nil || line < 1 || line > tf.LineCount() {
		return nil, nil
	}
	e := idx[tf.LineStart(line)+token.Pos(col-1)]
	return e.id, e.sel
}

// goIdent is a member identifier and its selector (nil for a keyed field).
type goIdent struct {
	id  *ast.Ident
	sel *ast.SelectorExpr
}

// named is the defined type a type stands for, through one pointer.
func named(t types.Type) *types.Named {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n
}

// lookupType finds the defined type called name in the package of dir.
func (g *goTypes) lookupType(dir, pkgName, name string) *types.Named {
	gp := g.load(dir, pkgName)
	if gp == nil || gp.pkg == nil {
		return nil
	}
	tn, ok := gp.pkg.Scope().Lookup(name).(*types.TypeName)
	if !ok {
		return nil
	}
	n, _ := tn.Type().(*types.Named)
	return n
}

// implements reports whether T or *T has every method of interface I.
func implements(t *types.Named, iface types.Type) bool {
	it, ok := iface.Underlying().(*types.Interface)
	if !ok || it.NumMethods() == 0 {
		return false
	}
	return types.Implements(t, it) || types.Implements(types.NewPointer(t), it)
}

// note summarises what was type-checked, for Analysis.Notes.
func (g *goTypes) note() string {
	if len(g.checked) == 0 && len(g.over) == 0 && len(g.cheap) == 0 {
		return ""
	}
	sort.Strings(g.checked)
	deps, size := 0, 0
	for _, gp := range g.pkgs {
		if gp != nil {
			size += gp.size
			if gp.info == nil {
				deps++
			}
		}
	}
	n := fmt.Sprintf("Go member references resolved with types: %s type-checked from source with %s they import (%.1f MB; imports outside the module unknown; selectors on values of unknown type matched by name)",
		plural(len(g.checked), "package"), plural(deps, "package"), float64(size)/(1<<20))
	if len(g.cheap) > 0 {
		sort.Strings(g.cheap)
		n += fmt.Sprintf("; %s with too few candidate references for their size to pay for type-checking, matched by name: %s", plural(len(g.cheap), "package"), strings.Join(g.cheap[:min(5, len(g.cheap))], ", "))
		if len(g.cheap) > 5 {
			n += fmt.Sprintf(" and %d more", len(g.cheap)-5)
		}
	}
	if len(g.over) > 0 {
		sort.Strings(g.over)
		n += fmt.Sprintf("; %s too large for the type-checking budget, matched by name: %s", plural(len(g.over), "package"), strings.Join(g.over[:min(5, len(g.over))], ", "))
	}
	return n
}
