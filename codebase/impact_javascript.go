package codebase

import (
	"context"
	"strings"

	"github.com/reviewbot/reviewbot/languages"
)

// JavaScript and TypeScript reference rules: import and re-export
// resolution, the member-sharers rule, constructors.

// enclosingFunction is the innermost function or method of pf whose range
// holds d, which makes d local to it.
func enclosingFunction(pf *parsedFile, d languages.Definition) (languages.Definition, bool) {
	var out languages.Definition
	found := false
	for _, e := range pf.syms.Definitions {
		if e.StartLine > d.StartLine {
			break
		}
		if (e.Kind == languages.KindFunction || e.Kind == languages.KindMethod) && e.EndLine >= d.EndLine &&
			(e.StartLine < d.StartLine || e.EndLine > d.EndLine) {
			out, found = e, true
		}
	}
	return out, found
}

// maxMemberSharers is the most containers that may declare a TypeScript
// member name for a use of it to be matched by name alone.
const maxMemberSharers = 3

// countSharers sets, for TypeScript member targets, how many distinct
// containers of the searched files declare a member of that name.
func countSharers(targets []*target, found []*parsedFile) {
	names := map[string]map[string]bool{}
	for _, t := range targets {
		if t.member && jsMembers[t.lang] {
			names[t.name] = map[string]bool{}
		}
	}
	if len(names) == 0 {
		return
	}
	for _, pf := range found {
		if pf.syms == nil || !jsMembers[pf.lang] {
			continue
		}
		for _, d := range pf.syms.Definitions {
			if set, ok := names[d.Name]; ok && d.Container != "" {
				set[pf.path+"\x00"+d.Container] = true
			}
		}
	}
	for _, t := range targets {
		if set, ok := names[t.name]; ok {
			t.sharers = len(set)
		}
	}
}

// enclosingClass is the name of the innermost class-like definition of pf
// around line; in JavaScript a method assigned to a prototype or an object
// (X.prototype.m = function) stands in its container's place.
func enclosingClass(pf *parsedFile, line int) (string, bool) {
	name, ok := "", false
	for _, d := range pf.syms.Definitions {
		if d.StartLine > line {
			break
		}
		if line > d.EndLine {
			continue
		}
		switch {
		case d.Kind == languages.KindClass || d.Kind == languages.KindInterface:
			name, ok = d.Name, true
		case d.Kind == languages.KindMethod && d.Container != "" && pf.lang == "JavaScript":
			name, ok = d.Container, true
		}
	}
	return name, ok
}

// jsMembers are the languages whose member uses are matched with import
// and container evidence (the sharers rule): TypeScript and JavaScript,
// whose CommonJS require() counts as an import.
var jsMembers = map[string]bool{"TypeScript": true, "TSX": true, "JavaScript": true, "JSX": true}

// mentions reports whether pf refers to name anywhere, alone or inside a
// longer name built on it (AnyRouter, RouterDef for Router).
func mentions(pf *parsedFile, name string) bool {
	for _, r := range pf.syms.References {
		if strings.Contains(r.Name, name) {
			return true
		}
	}
	return false
}

// typeScriptLike are the languages whose extractor marks type positions.
var typeScriptLike = map[string]bool{"TypeScript": true, "TSX": true}

// typeOrClass reports kinds that may be named in a type position.
func typeOrClass(k languages.DefKind) bool {
	return k == languages.KindType || k == languages.KindInterface || k == languages.KindClass
}

// namedImport reports whether the import of path brings in the name r
// uses: imported under that name, or r is the imported name itself in a
// renaming import (import { a as b }).
func (iv *importView) namedImport(path string, r languages.Reference) bool {
	for _, n := range iv.pf.syms.Named {
		if n.Name == r.Name && n.Path == path && (n.Local == "" || n.Line == r.Line) {
			return true
		}
	}
	return false
}

// defaultImport reports whether the import of path binds local to the
// module's default export (import local from "m").
func (iv *importView) defaultImport(path, local string) bool {
	for _, n := range iv.pf.syms.Named {
		if n.Name == "default" && n.Local == local && n.Path == path {
			return true
		}
	}
	return false
}

// maxReexportDepth bounds the chain of index modules followed from an
// import to the module defining a name (index.ts -> v4/index.ts -> ...).
const maxReexportDepth = 4

// jsModuleFiles are the files a resolved JavaScript/TypeScript module key
// may stand for, in resolution order.
var jsModuleFiles = []string{".ts", ".tsx", ".d.ts", ".js", ".mjs", ".jsx", "/index.ts", "/index.tsx", "/index.js"}

// reexports reports whether the module mod (a key as resolveImport gives)
// passes on the names of module key through export ... from statements,
// directly or through further re-exporting modules.
func (s *snapshot) reexports(ctx context.Context, mod, key string, depth int) bool {
	if depth == 0 || mod == "" {
		return false
	}
	memo := mod + "\x00" + key
	s.mu.Lock()
	v, ok := s.reexported[memo]
	s.mu.Unlock()
	if ok {
		return v
	}
	found := false
	for _, ext := range jsModuleFiles {
		p := mod + ext
		if mod == rootModule {
			p = strings.TrimPrefix(ext, "/")
		}
		if !s.has[p] {
			continue
		}
		pf, err := s.get(ctx, p)
		if err != nil || pf.syms == nil {
			break
		}
		for _, im := range pf.syms.Imports {
			if !im.Export {
				continue
			}
			res, rel := s.resolve(ctx, pf, im.Path)
			if rel && (res == key || s.reexports(ctx, res, key, depth-1)) {
				found = true
				break
			}
		}
		break
	}
	s.mu.Lock()
	s.reexported[memo] = found
	s.mu.Unlock()
	return found
}

// resolve is resolveImport, with bare JavaScript/TypeScript specifiers
// that name the repository itself (its package name, a tsconfig path
// alias) resolved exactly to the module they stand for.
func (s *snapshot) resolve(ctx context.Context, pf *parsedFile, imp string) (string, bool) {
	res, rel := resolveImport(pf, imp)
	if rel || res == "" || !jsLike[pf.lang] {
		return res, rel
	}
	if key, ok := s.resolveBare(ctx, strings.Trim(imp, "\"'` ")); ok {
		return key, true
	}
	return res, rel
}

// rootModule is the key of a package's entry module at the repository
// root (index.ts), whose moduleKey would be empty.
const rootModule = "."

// constructorCall reports a line that calls class name's constructor:
// new C(...), or, for a JavaScript constructor function, a subclass's
// C.call(this, ...) or C.apply(this, ...).
func constructorCall(line, name string) bool {
	return strings.Contains(line, "new "+name) || strings.Contains(line, name+".call(this") || strings.Contains(line, name+".apply(this")
}

// jsConstructorFunction reports a top-level JavaScript function whose file
// assigns members to its prototype (X.prototype.m = function), which makes
// it a class's constructor.
func jsConstructorFunction(cd *changedDef) bool {
	if cd.def.Kind != languages.KindFunction || cd.def.Container != "" || cd.file.syms == nil {
		return false
	}
	for _, d := range cd.file.syms.Definitions {
		if d.Container == cd.def.Name && d.Kind == languages.KindMethod {
			return true
		}
	}
	return false
}

// declaresMember reports whether pf defines member name of container c.
func declaresMember(pf *parsedFile, c, name string) bool {
	for _, d := range pf.syms.Definitions {
		if d.Container == c && d.Name == name {
			return true
		}
	}
	return false
}

// defaultAliases finds, per file, the local names under which a module's
// default export is imported when they differ from its own name (const
// ArrayMethods = require('../array/methods') for a module.exports =
// methods; import Foo from './bar'): uses of that local name are uses of
// the export.
func (a *analyzer) defaultAliases(ctx context.Context, targets []*target, found []*parsedFile) map[*parsedFile]map[string][]*target {
	byModule := map[string][]*target{}
	for _, t := range targets {
		// A class's constructor is reached through the module's default
		// export when that is the class (const Conn = require('./connection')).
		ctorOfDefault := t.ctor && t.lang == "JavaScript" && t.cd.def.Name == "constructor" && jsDefaultExportsClass(t.cd.file, t.name)
		if jsMembers[t.lang] && !t.member && (t.cd.def.ExportedAs == "default" || ctorOfDefault) {
			byModule[moduleKey(t.cd.file.path)] = append(byModule[moduleKey(t.cd.file.path)], t)
		}
	}
	if len(byModule) == 0 {
		return nil
	}
	out := map[*parsedFile]map[string][]*target{}
	for _, pf := range found {
		if pf.syms == nil || !jsMembers[pf.lang] {
			continue
		}
		for _, n := range pf.syms.Named {
			if n.Name != "default" || n.Local == "" {
				continue
			}
			res, rel := a.head.resolve(ctx, pf, n.Path)
			if !rel {
				continue
			}
			for _, t := range byModule[res] {
				if n.Local == t.name {
					continue // found under its own name already
				}
				if out[pf] == nil {
					out[pf] = map[string][]*target{}
				}
				out[pf][n.Local] = append(out[pf][n.Local], t)
			}
		}
	}
	return out
}

// jsRequireSites lists, for a JavaScript module's default export (module.exports
// = methods), the lines of other files that bind it (const ArrayMethods =
// require('../array/methods')), as an import line of a TypeScript name is
// listed. A constructor is left out: binding a class calls nothing.
func (a *analyzer) jsRequireSites(ctx context.Context, targets []*target, found []*parsedFile) {
	byModule := map[string][]*target{}
	for _, t := range targets {
		if t.lang == "JavaScript" && !t.member && !t.ctor && t.cd.def.ExportedAs == "default" {
			byModule[moduleKey(t.cd.file.path)] = append(byModule[moduleKey(t.cd.file.path)], t)
		}
	}
	if len(byModule) == 0 {
		return
	}
	for _, pf := range found {
		if pf.syms == nil || pf.lang != "JavaScript" {
			continue
		}
		for _, n := range pf.syms.Named {
			if n.Name != "default" || n.Local == "" || a.added[pf.path][n.Line] {
				continue
			}
			res, rel := a.head.resolve(ctx, pf, n.Path)
			if !rel {
				continue
			}
			for _, t := range byModule[res] {
				if !t.inOwnRange(pf, n.Line) {
					t.sites = append(t.sites, refSite{file: pf, line: n.Line})
				}
			}
		}
	}
}
