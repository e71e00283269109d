package codebase

import (
	"context"
	"go/types"
	"sort"

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
		case t.common, len(names[t.name]) > 1,
			t.cd.change == changeAdded, t.cd.change == ChangeDeleted, t.cd.change == ChangeRenamed:
			t.ambiguous = true
			need[t.name] = true
		}
	}
	if len(need) == 0 {
		return nil
	}
	g := newGoTypes(ctx, a.head)
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
			g.want(pf.path, r.Line)
			k := pkgKey(dirOf(pf.path), pf.syms.Package)
			count[k]++
			dirs[k] = [2]string{dirOf(pf.path), pf.syms.Package}
		}
	}
	// The packages with most candidates first, so that the budget goes
	// where it settles most references.
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		if ctx.Err() != nil {
			break
		}
		g.load(dirs[k][0], dirs[k][1])
	}
	return g
}

// matchTarget decides, from what a selector resolved to, whether it is a
// reference of target t: the member declared at t's definition, an
// interface method t implements (or, for an interface method, a method of
// a type implementing the interface), as gopls counts them; or, for a
// deleted or renamed member, the old name selected on its old container.
func (g *goTypes) matchTarget(t *target, sel goSel) bool {
	if sel.obj == nil {
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
	if types.IsInterface(own) {
		// The target is an interface method: a concrete method of a
		// type that implements the interface.
		if c := named(recv.Type()); c != nil {
			return implements(c, own)
		}
	}
	return false
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
