package codebase

import (
	"context"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/reviewbot/reviewbot/languages"
)

// goTypesFor decides which Go member targets need types to tell their
// references apart and type-checks the packages holding those candidate
// references. It returns nil when no Go member is searched.
//
// Types pay for themselves only where names are ambiguous: a member name
// declared by one type alone (in the files that mention it) is matched by
// name as before, which costs nothing more. A name that several types
// declare (fifty Edit methods), a common name (String, Write), and a
// member that was added, deleted or renamed are resolved with types.
func (a *analyzer) goTypesFor(ctx context.Context, targets []*target, found []*parsedFile, byName map[string][]*target, viewOf func(*parsedFile) *importView) *goTypes {
	names := map[string]map[string]bool{} // member name → declaring dir+container
	for _, t := range targets {
		if t.lang == "Go" && t.member {
			names[t.name] = map[string]bool{}
		}
	}
	if len(names) == 0 {
		return nil
	}
	for _, pf := range found {
		if pf.syms == nil || pf.lang != "Go" {
			continue
		}
		for _, d := range pf.syms.Definitions {
			if set, ok := names[d.Name]; ok && d.Container != "" {
				set[dirOf(pf.path)+"\x00"+d.Container] = true
			}
		}
	}
	need := map[string]bool{}
	for _, t := range targets {
		if t.lang != "Go" || !t.member {
			continue
		}
		switch {
		case t.common, len(names[t.name]) > 1, goInterfaceMethod(t),
			t.cd.change == changeAdded, t.cd.change == ChangeDeleted, t.cd.change == ChangeRenamed:
			t.ambiguous = true
			need[t.name] = true
		}
	}
	if len(need) == 0 {
		return nil
	}
	g := newGoTypes(ctx, a.head)
	g.members = names
	g.interfaces = map[string]bool{}
	for _, pf := range found {
		if pf.syms == nil || pf.lang != "Go" {
			continue
		}
		for _, d := range pf.syms.Definitions {
			if d.Kind == languages.KindInterface {
				g.interfaces[dirOf(pf.path)+"\x00"+d.Name] = true
			}
		}
	}
	count := map[string]int{} // package key → candidate references
	dirs := map[string][2]string{}
	for _, pf := range found {
		if pf.syms == nil || pf.lang != "Go" {
			continue
		}
		iv := viewOf(pf)
		for _, r := range pf.syms.References {
			if !r.Member || !need[r.Name] || r.Qualifier != "" && iv.isPackage(r.Qualifier) || a.added[pf.path][r.Line] {
				continue
			}
			if !reachable(byName[r.Name], pf) || g.decidedBySyntax(byName[r.Name], pf, iv, r) {
				// No target of that name can be used here (a common or
				// unexported name outside its package), or the declared
				// type of the receiver settles it.
				continue
			}
			g.want(pf.path, r.Line)
			k := pkgKey(dirOf(pf.path), pf.syms.Package)
			count[k]++
			dirs[k] = [2]string{dirOf(pf.path), pf.syms.Package}
		}
	}
	// The packages densest in candidates first, so that the budget goes
	// where it settles most references per byte checked.
	sizes := map[string]int{}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
		sizes[k] = a.head.goDirSize(ctx, dirs[k][0])
	}
	sort.Slice(keys, func(i, j int) bool {
		di, dj := count[keys[i]]*sizes[keys[j]], count[keys[j]]*sizes[keys[i]]
		if di != dj {
			return di > dj
		}
		return keys[i] < keys[j]
	})
	free := goFreeBytes
	for _, k := range keys {
		if ctx.Err() != nil {
			break
		}
		dir, size := dirs[k][0], sizes[k]
		if size > count[k]*goBytesPerCandidate {
			if size > free {
				// Checking a big package for a handful of references
				// costs more than it tells: those are matched by name,
				// with a note.
				g.cheap = append(g.cheap, dirLabel(dir))
				continue
			}
			free -= size
		}
		g.load(dir, dirs[k][1])
	}
	return g
}

// goBytesPerCandidate is the most Go source (of the package's directory)
// type-checked per candidate reference it settles. Checking costs about
// 0.15 s per MB on the benchmark machine, so 2 KB is some 0.3 ms a
// reference: a package dense with same-named calls (go-github's service
// package has one every 1.3 KB) is checked, one that mentions a name a
// few times in a hundred kilobytes is matched by name. Chosen on the
// speed benchmarks (x/tools v0.28 -> v0.30 checked 149 packages at 32 KB,
// 13 at 2 KB), not on the accuracy pairs.
const goBytesPerCandidate = 2 << 10

// goFreeBytes is source checked whatever the density, spent on the
// packages the density rule leaves out: small packages cost little (some
// 60 ms for all of it), and a small repository (pflag's 300 KB) fits in it
// whole.
const goFreeBytes = 384 << 10

// goDirSize is the size of the Go files of a directory, from the listing
// where the source knows sizes, else from the files read.
func (s *snapshot) goDirSize(ctx context.Context, dir string) int {
	n := 0
	sz, _ := s.src.(sizer)
	for _, p := range s.byDir[dir] {
		if !strings.HasSuffix(p, ".go") {
			continue
		}
		if sz != nil {
			if b, err := sz.Size(ctx, p); err == nil {
				n += int(b)
				continue
			}
		}
		if data, err := s.read(ctx, p); err == nil {
			n += len(data)
		}
	}
	return n
}

// matchTarget decides, from what a selector resolved to, whether it is a
// reference of target t: the member declared at t's definition, an
// interface method t implements (or, for an interface method, a method of
// a type implementing the interface), as gopls counts them; or, for a
// deleted or renamed member, the old name selected on its old container.
func (g *goTypes) matchTarget(t *target, sel goSel) bool {
	if sel.obj == nil {
		if sel.recv != nil && goInterfaceReachable(t) && g.viaOutsideEmbedded(t, sel.recv) {
			return true
		}
		if sel.recv == nil || t.cd.change != ChangeDeleted && t.cd.change != ChangeRenamed {
			return false
		}
		n := named(sel.recv)
		return n != nil && n.Obj().Name() == t.cd.def.Container
	}
	if sel.obj.Name() != t.name || t.cd.headDef == nil || t.cd.headPF == nil {
		return false
	}
	d := t.cd.headDef
	pos := g.fset.Position(sel.obj.Pos())
	if pos.Filename == t.cd.headPF.path && pos.Line >= d.StartLine && pos.Line <= d.EndLine {
		return true
	}
	fn, ok := sel.obj.(*types.Func)
	if !ok || t.cd.def.Kind != languages.KindMethod {
		return false
	}
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return false
	}
	own := g.lookupType(t.cd.dir(), t.cd.file.syms.Package, t.cd.def.Container)
	if own == nil {
		return false
	}
	if types.IsInterface(recv.Type()) {
		// A call through an interface the target's type satisfies.
		return !types.IsInterface(own) && implements(own, recv.Type())
	}
	if types.IsInterface(own) && t.cd.change != changeAdded {
		// The target is an interface method: a concrete method of a
		// type that implements the interface. (A method the interface
		// only now requires breaks no call: its implementations are
		// listed instead.)
		if c := named(recv.Type()); c != nil {
			return implements(c, own)
		}
	}
	return false
}

// viaOutsideEmbedded reports a call of method t through an interface of
// the module that embeds one from outside it (afero.File embeds
// io.ReaderAt: file.ReadAt reaches every afero.File's ReadAt). Outside
// packages are not type-checked, so the member is missing from the
// interface as the checker sees it; code that compiles has it, from the
// embedded interface. It is t's when t's type implements the rest of the
// interface, as gopls counts calls through interfaces.
func (g *goTypes) viaOutsideEmbedded(t *target, recv types.Type) bool {
	n := named(recv)
	if n == nil {
		return false
	}
	it, ok := n.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	outside := false
	for e := range it.EmbeddedTypes() {
		if !valid(e) {
			outside = true
		}
	}
	if !outside {
		return false
	}
	own := g.lookupType(t.cd.dir(), t.cd.file.syms.Package, t.cd.def.Container)
	return own != nil && !types.IsInterface(own) && hasMethod(own, t.name) && implements(own, n)
}

// throughModuleInterface reports a member reference, in a package that
// cannot name the type of method t, that types resolve to a call through
// an interface declared in the module (or through one it embeds from
// outside) which t's type implements: gopls lists those wherever the
// interface is used, whatever the caller imports.
func (g *goTypes) throughModuleInterface(t *target, pf *parsedFile, r languages.Reference) bool {
	if !t.ambiguous || !goInterfaceReachable(t) || goToolIgnored(pf.path) {
		return false // (outside the build: no use, as goReaches says)
	}
	sel := g.resolve(pf.path, pf.syms.Package, r.Line, r.Column)
	if !sel.known {
		return false
	}
	if sel.obj != nil {
		fn, ok := sel.obj.(*types.Func)
		if !ok || fn.Pkg() == nil {
			return false // error.Error and other universe methods
		}
		recv := fn.Type().(*types.Signature).Recv()
		if recv == nil || !types.IsInterface(recv.Type()) {
			return false
		}
	}
	return g.matchTarget(t, sel)
}

// countGuesses counts the sites matched by name alone.
func countGuesses(ss []refSite) int {
	n := 0
	for _, s := range ss {
		if s.guess {
			n++
		}
	}
	return n
}

// provenSites keeps the sites types proved.
func provenSites(ss []refSite) []refSite {
	var out []refSite
	for _, s := range ss {
		if !s.guess {
			out = append(out, s)
		}
	}
	return out
}

// goInterfaceReachable reports a target that a call through an interface
// declared outside the module may reach: a method that still exists.
func goInterfaceReachable(t *target) bool {
	return t.cd.def.Kind == languages.KindMethod && (t.cd.change == ChangeModified || t.cd.change == ChangeSignature)
}

// goInterfaceMethod reports a method of a Go interface that was added or
// whose signature changed: what breaks is the interface's implementations.
func goInterfaceMethod(t *target) bool {
	if t.lang != "Go" || t.cd.def.Kind != languages.KindMethod || t.cd.change != changeAdded && t.cd.change != ChangeSignature {
		return false
	}
	for _, d := range t.cd.file.syms.Definitions {
		if d.Name == t.cd.def.Container && d.Container == "" {
			return d.Kind == languages.KindInterface
		}
	}
	return false
}

// implementations lists, for an interface method that was added or
// changed, the types that have to follow: those that declare the method
// and otherwise implement the interface (their method must match the new
// signature), and those that implement everything else but lack it (they
// no longer satisfy the interface). Types are looked for in the packages
// already type-checked and in those declaring a method of that name.
func (a *analyzer) implementations(ctx context.Context, g *goTypes, t *target, found []*parsedFile) []refSite {
	iface := g.lookupType(t.cd.dir(), t.cd.file.syms.Package, t.cd.def.Container)
	if iface == nil {
		return nil
	}
	it, ok := iface.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	for _, pf := range found {
		if pf.lang != "Go" || pf.syms == nil {
			continue
		}
		for _, d := range pf.syms.Definitions {
			if d.Kind == languages.KindMethod && d.Name == t.name && d.Container != t.cd.def.Container {
				g.load(dirOf(pf.path), pf.syms.Package)
				break
			}
		}
	}
	// The interface without the method: a type implementing this but not
	// the whole interface lacks the method, or has it with another
	// signature.
	var rest []*types.Func
	for m := range it.Methods() {
		if m.Name() != t.name {
			rest = append(rest, m)
		}
	}
	others := types.NewInterfaceType(rest, nil)
	others.Complete()
	var out []refSite
	seen := map[types.Object]bool{}
	add := func(obj types.Object) {
		if seen[obj] {
			return
		}
		seen[obj] = true
		pos := g.fset.Position(obj.Pos())
		if pos.Filename == "" || a.added[pos.Filename][pos.Line] {
			return
		}
		if pf, err := a.head.get(ctx, pos.Filename); err == nil && pf != nil {
			out = append(out, refSite{file: pf, line: pos.Line})
		}
	}
	keys := make([]string, 0, len(g.pkgs))
	for k := range g.pkgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		gp := g.pkgs[k]
		if gp == nil || gp.pkg == nil {
			continue
		}
		scope := gp.pkg.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			n, ok := tn.Type().(*types.Named)
			if !ok || types.IsInterface(n) || len(rest) == 0 && !hasMethod(n, t.name) {
				continue
			}
			if !types.Implements(n, others) && !types.Implements(types.NewPointer(n), others) {
				continue
			}
			if m := ownMethod(n, t.name); m != nil {
				add(m) // must match the interface's method
			} else if t.cd.change == changeAdded && !implements(n, iface) {
				// No longer satisfies the interface. A type that gets the
				// method from an embedded field (the PR added it there)
				// still does: nothing of it breaks.
				add(tn)
			}
		}
	}
	return out
}

// ownMethod is the method name declared on n itself (value or pointer
// receiver), or nil.
func ownMethod(n *types.Named, name string) types.Object {
	for m := range n.Methods() {
		if m.Name() == name {
			return m
		}
	}
	return nil
}

func hasMethod(n *types.Named, name string) bool { return ownMethod(n, name) != nil }

// Syntactic verdicts on a member reference, from its receiver's declared
// type.
const (
	synUndecided = iota
	synTarget    // the receiver is declared as the target's own type
	synOther     // another type of the repository, declaring the member itself
)

// syntactic decides a member reference r of target t from the type the
// receiver's declaration spells (func (c *T) m() { c.Name() }, var x
// pkg.T): most method calls in Go are on a receiver or parameter whose
// type is written down, and those need no type-checker. A receiver
// declared as an interface or a type from outside the module, or whose
// type does not declare the member itself (it may be promoted), is left
// to types.
func (g *goTypes) syntactic(t *target, pf *parsedFile, iv *importView, r languages.Reference) int {
	qt := r.QualifierType
	if qt == "" || !t.member {
		return synUndecided
	}
	pointer := strings.HasPrefix(qt, "*")
	qt = strings.TrimPrefix(qt, "*")
	dir, name := dirOf(pf.path), qt
	if pkg, n, ok := strings.Cut(qt, "."); ok {
		d, found := iv.goImportDirOf(pkg)
		if !found {
			if pointer && iv.isPackage(pkg) {
				// A pointer to a type from outside the module (t
				// *testing.T): never an interface, so never this
				// module's method or field.
				return synOther
			}
			return synUndecided
		}
		dir, name = d, n
	}
	key := dir + "\x00" + name
	if dir == t.cd.dir() && name == t.cd.def.Container {
		return synTarget
	}
	if g.members[t.name][key] && !g.interfaces[key] {
		return synOther
	}
	return synUndecided
}

// decidedBySyntax reports whether syntax settles r for every ambiguous Go
// target of its name, so that its package need not be type-checked for it.
func (g *goTypes) decidedBySyntax(ts []*target, pf *parsedFile, iv *importView, r languages.Reference) bool {
	for _, t := range ts {
		if t.lang == "Go" && t.member && t.ambiguous && g.syntactic(t, pf, iv, r) == synUndecided {
			return false
		}
	}
	return true
}

// reachable reports whether some ambiguous Go member target of a name may
// be used from file pf: a common name is searched in its own package only,
// an unexported member is visible there only.
func reachable(ts []*target, pf *parsedFile) bool {
	for _, t := range ts {
		if t.lang != "Go" || !t.member || !t.ambiguous {
			continue
		}
		if (t.common || !t.cd.def.Exported) && dirOf(pf.path) != t.cd.dir() {
			continue
		}
		return true
	}
	return false
}

// matchesGo applies Go's scoping: pkg.Func only through an import of the
// definition's package directory, bare Func only inside that package,
// unexported names only inside their directory, x.Method for any method of
// that name unless x is an imported package.
// goRules are Go's scoping rules, for references types did not settle.
type goRules struct{}

func (goRules) matches(a *analyzer, t *target, pf *parsedFile, iv *importView, r languages.Reference) bool {
	return a.matchesGo(t, pf, iv, r)
}

func (a *analyzer) matchesGo(t *target, pf *parsedFile, iv *importView, r languages.Reference) bool {
	sameDir := dirOf(pf.path) == t.cd.dir()
	if !t.cd.def.Exported && !sameDir {
		return false
	}
	if !sameDir && len(a.head.modules) > 0 && goToolIgnored(pf.path) {
		return false // not part of the module's build
	}
	samePkg := sameDir && pf.syms.Package == t.cd.file.syms.Package
	if r.Member && (r.Qualifier == "" || !iv.isPackage(r.Qualifier)) {
		// x.Name, f().Name, T{Name: v}: a method or field, never a
		// package-level definition.
		return t.member
	}
	if r.Qualifier == "" {
		if t.member {
			return false
		}
		return samePkg || iv.dotImports(t.cd.dir())
	}
	if iv.isPackage(r.Qualifier) {
		if t.member {
			return false // pkg.Name names a package member, never a method
		}
		return iv.goPackageDir(r.Qualifier, t.cd.dir(), t.cd.file.syms.Package)
	}
	// A qualifier that is not a package is a value or a type: x.Name can
	// be a method (or a field, which we cannot tell apart without types).
	return t.member
}

// isPackage reports whether a Go qualifier names an imported package.
func (iv *importView) isPackage(q string) bool { return iv.loc[q] }

// goImportDirOf returns the repository directory that qualifier q names
// through this file's imports.
func (iv *importView) goImportDirOf(q string) (string, bool) {
	for _, im := range iv.pf.syms.Imports {
		d, ok := iv.s.goImportDir(im.Path)
		if !ok {
			continue
		}
		local := im.Alias
		if local == "" {
			local = iv.s.goPackageName(iv.ctx, d)
		}
		if local == q {
			return d, true
		}
	}
	return "", false
}

// goPackageDir reports whether qualifier q is an import of directory dir,
// whose package is called pkgName.
func (iv *importView) goPackageDir(q, dir, pkgName string) bool {
	for _, im := range iv.pf.syms.Imports {
		d, ok := iv.s.goImportDir(im.Path)
		if !ok || d != dir {
			continue
		}
		local := im.Alias
		if local == "" {
			local = pkgName
		}
		if local == q {
			return true
		}
	}
	return false
}

// dotImports reports a dot import of directory dir.
func (iv *importView) dotImports(dir string) bool {
	for _, im := range iv.pf.syms.Imports {
		if im.Alias != "." {
			continue
		}
		if d, ok := iv.s.goImportDir(im.Path); ok && d == dir {
			return true
		}
	}
	return false
}

// goGuessPackageName guesses a Go package name from its import path: the
// last element without a major-version suffix or gopkg.in's ".vN".
func goGuessPackageName(imp string) string {
	elems := strings.Split(imp, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && isDigits(last[1:]) {
		last = elems[len(elems)-2]
	}
	if i := strings.Index(last, ".v"); i > 0 && isDigits(last[i+2:]) {
		last = last[:i]
	}
	last = strings.TrimPrefix(last, "go-")
	return strings.NewReplacer("-", "_", ".", "_").Replace(last)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// goPackageName returns the package clause of a directory's non-test Go
// files, reading one file if none is parsed yet.
func (s *snapshot) goPackageName(ctx context.Context, dir string) string {
	s.mu.Lock()
	if n, ok := s.pkgNames[dir]; ok {
		s.mu.Unlock()
		return n
	}
	s.mu.Unlock()
	name := ""
	for _, p := range s.byDir[dir] {
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			continue
		}
		if pf, _, ok := s.lookup(p); ok && pf != nil && pf.syms != nil {
			name = pf.syms.Package
			break
		}
		// Only the package clause is needed: reading it costs a fraction
		// of extracting the file's symbols.
		if data, err := s.read(ctx, p); err == nil {
			if f, _ := parser.ParseFile(token.NewFileSet(), p, data, parser.PackageClauseOnly); f != nil && f.Name != nil {
				name = f.Name.Name
				break
			}
		}
	}
	s.mu.Lock()
	s.pkgNames[dir] = name
	s.mu.Unlock()
	return name
}
