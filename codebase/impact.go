package codebase

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/go-enry/go-enry/v2"

	"github.com/reviewbot/reviewbot/languages"
)

// maxLocations caps the locations listed per impact (a guard against a
// helper called from everywhere in a huge repository); the summary still
// counts them all. The prompt lists fewer (tiers.maxPromptLocations), the
// summary comment ten.
const maxLocations = 1000

// commonNames are method (and implicitly visible function) names shared by
// so many unrelated types that matching them by name alone, without type
// information, would list mostly false references. Their impact entry says
// so instead of listing noise.
var commonNames = setOfStrings(
	// Go's well-known interface methods and conventional names.
	"String", "Error", "Close", "Len", "Less", "Swap", "Read", "Write", "Get", "Set",
	"Run", "Init", "Reset", "Next", "Equal", "Hash", "Lock", "Unlock", "Start", "Stop",
	"Open", "Name", "Type", "Value", "Key", "Do", "Apply", "Validate", "Handle",
	"ServeHTTP", "MarshalJSON", "UnmarshalJSON", "Unwrap", "Is", "As", "Format",
	// Python, JavaScript, Java, Ruby conventions.
	"__init__", "__str__", "__repr__", "__eq__", "__hash__", "__call__", "__enter__", "__exit__",
	"toString", "equals", "hashCode", "constructor", "render", "main", "init", "new",
	"get", "set", "run", "close", "update", "setUp", "tearDown", "initialize", "to_s", "call",
	"length", "size", "push", "add", "remove", "then", "map", "filter",
)

func setOfStrings(ss ...string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// maxCommonSites is the most references a Go method with a common name
// may have in its own package to be listed: a few calls of Set or Type are
// usually the type's own and its interface's; dozens of String calls are
// mostly other types'.
const maxCommonSites = 10

// refSite is one reference found to a changed definition.
type refSite struct {
	file *parsedFile
	line int
	// guess marks a Go member reference matched by name because the
	// receiver's type was unknown.
	guess bool
}

// target is a changed definition being searched for.
type target struct {
	cd     *changedDef
	name   string // the name its references use (the old name when renamed)
	group  string // language group of its file
	lang   string
	member bool // a method or other member: found as x.Name
	common bool // name too common to match without types
	ctor   bool // a TypeScript constructor, searched as its class
	// sharers counts the containers of the searched files that declare a
	// member of this name (TypeScript).
	sharers int
	// unsearched: common, and either not searched (outside Go) or with
	// too many candidates in its package to list
	unsearched bool
	sites      []refSite
	// ambiguous: a Go member whose name another type declares too, or
	// that was added, deleted or renamed, so that its references need
	// types to be told apart.
	ambiguous bool
	impls     int // implementations listed (Go interface methods)
	// silent: nothing its users see changed (a const moved into a
	// group); reported as such, not searched.
	silent bool
}

// impact finds the references of every changed definition and turns them
// into the Impact list. It returns the reference sites too, for callers in
// the context pack.
func (a *analyzer) impact(ctx context.Context) ([]Impact, map[*changedDef][]refSite, error) {
	var targets []*target
	byName := map[string][]*target{}
	groupWords := map[string]map[string]bool{}
	// A definition deleted from one file and added to another of the
	// same language group (a class moved between modules) is one
	// definition that changed place: its uses are searched under the new
	// file, and the deletion is not reported.
	deleted, movedIn := map[string]bool{}, map[string]bool{}
	for _, cd := range a.changed {
		if cd.change == ChangeDeleted && cd.file != nil && cd.file.lang != "Go" {
			deleted[languageGroup(cd.file.lang)+"\x00"+cd.def.QualifiedName()] = true
		}
	}
	for _, cd := range a.changed {
		if cd.change == changeAdded && cd.file != nil && deleted[languageGroup(cd.file.lang)+"\x00"+cd.def.QualifiedName()] {
			movedIn[languageGroup(cd.file.lang)+"\x00"+cd.def.QualifiedName()] = true
		}
	}
	for _, cd := range a.changed {
		if cd.file == nil || cd.file.syms == nil || a.movedUnchanged(cd) {
			continue
		}
		if m, ok := a.movedFrom(cd); ok {
			// Moved to another file of its package and changed on the
			// way: judged against its old self, not as new.
			cd.change, cd.what = compareDefs(m.bf, m.def, cd.file, cd.def)
		}
		if cd.what == whatRegroup || cd.what == whatMoved {
			// Nothing its users can see changed: said, not searched. (A
			// field moved within its struct changes only unkeyed
			// literals of the struct, which the summary names.)
			targets = append(targets, &target{cd: cd, name: cd.def.Name, lang: cd.file.lang, group: languageGroup(cd.file.lang), silent: true})
			continue
		}
		if cd.file.lang == "Go" && (cd.def.Kind == languages.KindType || cd.def.Kind == languages.KindInterface) && cd.def.Container == "" && cd.change == ChangeModified {
			// A struct, interface or defined type whose header is
			// unchanged: what changed is inside its fields or methods,
			// which are targets of their own (an interface's new method
			// lists the implementations that lack it); no use of the
			// type itself breaks.
			continue
		}
		moveKey := languageGroup(cd.file.lang) + "\x00" + cd.def.QualifiedName()
		if cd.change == ChangeDeleted && movedIn[moveKey] {
			continue
		}
		moved := cd.change == changeAdded && movedIn[moveKey]
		t := &target{cd: cd, name: cd.def.Name, lang: cd.file.lang, group: languageGroup(cd.file.lang)}
		t.member = cd.def.Kind == languages.KindMethod || cd.def.Container != ""
		if t.lang == "Go" {
			// Go functions resolve through imports, so only methods are
			// matched by bare name.
			t.common = t.member && commonNames[t.name]
		} else {
			t.common = (t.member || !explicitImports[t.lang]) && commonNames[t.name] || t.lang == "Python" && t.member && pyBuiltinMethods[t.name]
		}
		if jsMembers[t.lang] && cd.def.Name == "constructor" && cd.def.Container != "" {
			// A TypeScript or JavaScript class's constructor is used where
			// its class is: as new C(...).
			t.name, t.member, t.common, t.ctor = cd.def.Container, false, false, true
		}
		if t.lang == "JavaScript" && jsConstructorFunction(cd) {
			// function X() {} with X.prototype.m = ... is a class written
			// the old way: a change to X's body reaches new X(...) and
			// the subclasses' X.call(this) / X.apply(this), not every
			// X.prototype line that defines a member.
			t.ctor = true
		}
		if cd.change == changeAdded && t.member && !moved && t.lang != "Go" && !a.pyAttributeExisted(ctx, cd) {
			// A new member can only be used by unchanged code through an
			// interface (Go's Set, String, Type, ...); matched by name
			// alone its "references" would be other types' members.
			continue
		}
		targets = append(targets, t)
		if t.common && !jsCommonByReceiver(t) && !pyCommonByReceiver(t) {
			if t.lang == "Go" {
				// Searched in its own package only, below.
				byName[t.name] = append(byName[t.name], t)
			}
			continue
		}
		byName[t.name] = append(byName[t.name], t)
		if groupWords[t.group] == nil {
			groupWords[t.group] = map[string]bool{}
		}
		if as := cd.def.ExportedAs; as != "" && as != t.name {
			// export { _function as function }: importers use the new name.
			byName[as] = append(byName[as], t)
			groupWords[t.group][as] = true
		}
		// A private #name is found in the source as the identifier after "#".
		groupWords[t.group][strings.TrimPrefix(t.name, "#")] = true
	}

	// Candidate files: those of the same language group. Unexported Go
	// names are visible in their own directory only, so when every Go
	// target is unexported the scan stays inside those directories.
	goDirs, goAll := map[string]bool{}, false
	for _, t := range targets {
		if t.lang == "Go" && !t.common && !t.silent {
			goDirs[t.cd.dir()] = true
			goAll = goAll || t.cd.def.Exported
		}
	}
	groupCache := map[string]string{}
	var paths []string
	words := map[string]bool{}
	for _, ws := range groupWords {
		for w := range ws {
			words[w] = true
		}
	}
	for _, p := range a.head.files {
		if ignoredDir(p) {
			continue
		}
		g := pathGroup(p, groupCache)
		if groupWords[g] == nil {
			continue
		}
		if g == "Go" && !goAll && !goDirs[dirOf(p)] {
			continue
		}
		paths = append(paths, p)
	}
	found, err := a.head.scan(ctx, paths, words)
	if err != nil {
		return nil, nil, fmt.Errorf("search references: %w", err)
	}
	// Go methods with a common name (String, Set, Type) are looked for in
	// their own package only, where calls through the package's own
	// interfaces (flag.Value.Set) reach them; the scan is kept separate so
	// that these words do not make every file of a large repository a
	// candidate.
	commonWords, commonDirs := map[string]bool{}, map[string]bool{}
	for _, t := range targets {
		if t.common && t.lang == "Go" {
			commonWords[t.name], commonDirs[t.cd.dir()] = true, true
		}
	}
	if len(commonWords) > 0 {
		more, err := a.head.scan(ctx, a.head.goFilesIn(commonDirs), commonWords)
		if err != nil {
			return nil, nil, fmt.Errorf("search references: %w", err)
		}
		seen := map[string]bool{}
		for _, pf := range found {
			seen[pf.path] = true
		}
		for _, pf := range more {
			if !seen[pf.path] {
				found = append(found, pf)
			}
		}
	}

	a.head.inferSelfPackages(ctx, found)
	for _, t := range targets {
		if t.lang == "Python" && a.pyHier == nil {
			h, err := a.pyHierarchyOf(ctx, found)
			if err != nil {
				return nil, nil, fmt.Errorf("read Python classes: %w", err)
			}
			a.pyHier = h
		}
	}
	countSharers(targets, found)
	if a.pyHier != nil {
		a.pyHier.pySharedNames(targets, found)
	}
	views := map[*parsedFile]*importView{}
	viewOf := func(pf *parsedFile) *importView {
		if iv, ok := views[pf]; ok {
			return iv
		}
		iv := newImportView(ctx, a.head, pf)
		views[pf] = iv
		return iv
	}
	gt := a.goTypesFor(ctx, targets, found, byName, viewOf)
	aliases := a.defaultAliases(ctx, targets, found)
	a.jsRequireSites(ctx, targets, found)
	for _, pf := range found {
		if pf.syms == nil || pyStub(pf) {
			continue
		}
		added := a.added[pf.path]
		imports := viewOf(pf)
		for _, r := range pf.syms.References {
			ts := byName[r.Name]
			if extra := aliases[pf][r.Name]; len(extra) > 0 {
				ts = append(ts[:len(ts):len(ts)], extra...)
			}
			if len(ts) == 0 || added[r.Line] || onDefinitionLine(pf, r) {
				continue
			}
			var sel goSel
			resolved := false
			for _, t := range ts {
				if t.inOwnRange(pf, r.Line) || t.common && !pyCommonByReceiver(t) && dirOf(pf.path) != t.cd.dir() {
					continue
				}
				if languageGroup(pf.lang) != t.group {
					continue
				}
				if t.lang == "Go" && pf.lang == "Go" && t.member && r.Member && !a.goReaches(ctx, dirOf(pf.path), t.cd.dir()) {
					// A package that cannot name the target's type does
					// not use its members statically (w.WriteHeader on an
					// http.ResponseWriter in a package that never imports
					// the wrapper's). Types may still prove a call through
					// an interface of the module that its type implements.
					if gt != nil && gt.throughModuleInterface(t, pf, r) {
						t.sites = append(t.sites, refSite{file: pf, line: r.Line})
					}
					continue
				}
				if gt != nil && t.lang == "Go" && pf.lang == "Go" && t.member && r.Member && t.ambiguous {
					switch gt.syntactic(t, pf, imports, r) {
					case synTarget:
						t.sites = append(t.sites, refSite{file: pf, line: r.Line})
						continue
					case synOther:
						continue
					}
				}
				if gt != nil && t.lang == "Go" && pf.lang == "Go" && t.member && r.Member {
					if !resolved {
						sel, resolved = gt.resolve(pf.path, pf.syms.Package, r.Line, r.Column), true
					}
					if sel.known {
						if gt.matchTarget(t, sel) {
							t.sites = append(t.sites, refSite{file: pf, line: r.Line})
						}
						continue
					}
					if t.ambiguous && t.cd.change == changeAdded {
						// A new member is used by untouched code only where
						// types prove it (shadowing, promotion); a name
						// alone proves nothing.
						continue
					}
					if gt.covers(pf.path, pf.syms.Package, r.Line) && !goInterfaceReachable(t) {
						// In a type-checked file every value of a type of
						// the module has a known type: an unknown receiver
						// is a type from outside, whose fields and missing
						// members are not this target. Only a method can
						// still be reached that way, through an interface
						// declared outside (w.Write on an http.ResponseWriter).
						continue
					}
					if gt.covers(pf.path, pf.syms.Package, r.Line) && (!gt.stdReachable(t) && gt.stdReceiver(pf.path, pf.syms.Package, r.Line, r.Column) || gt.stdConcreteReceiver(pf.path, pf.syms.Package, r.Line, r.Column)) {
						// A value of a standard-library type, and no
						// standard interface has this method; or a value
						// of a concrete standard type, whose methods are
						// all the library's.
						continue
					}
				}
				if a.matches(t, pf, imports, r) {
					t.sites = append(t.sites, refSite{file: pf, line: r.Line, guess: t.lang == "Go" && t.member && t.ambiguous || pyCommonByReceiver(t) && !a.pyProven(t, pf, r)})
				}
			}
		}
	}
	if gt != nil {
		for _, t := range targets {
			if goInterfaceMethod(t) {
				impls := a.implementations(ctx, gt, t, found)
				t.impls = len(impls)
				t.sites = append(t.sites, impls...)
			}
		}
		if n := gt.note(); n != "" {
			a.notes = append(a.notes, n)
		}
	}

	var out []Impact
	sites := map[*changedDef][]refSite{}
	for _, t := range targets {
		t.sites = dedupeSites(t.sites)
		if t.common && (t.lang != "Go" || countGuesses(t.sites) > maxCommonSites) {
			// Too many calls of a common name whose receiver could not
			// be checked: mostly other types'. Those proven by types stay.
			t.sites, t.unsearched = provenSites(t.sites), true
		}
		sites[t.cd] = t.sites
		if im, ok := t.impact(); ok {
			out = append(out, im)
		}
	}
	rank := map[string]int{ChangeDeleted: 0, ChangeRenamed: 1, ChangeSignature: 2, ChangeModified: 3, changeAdded: 4}
	sort.SliceStable(out, func(i, j int) bool {
		if rank[out[i].Change] != rank[out[j].Change] {
			return rank[out[i].Change] < rank[out[j].Change]
		}
		return out[i].Symbol < out[j].Symbol
	})
	return out, sites, nil
}

// inOwnRange reports whether a line of pf lies inside the changed
// definition itself at head (its header, its body, a recursive call), which
// is part of the change rather than a use of it.
func (t *target) inOwnRange(pf *parsedFile, line int) bool {
	d := t.cd.headDef
	return d != nil && t.cd.headPF != nil && pf.path == t.cd.headPF.path &&
		line >= d.StartLine && line <= d.EndLine
}

// impact renders one target; a body-only change with no references is left
// out, since it says nothing a reader of the diff does not already know.
func (t *target) impact() (Impact, bool) {
	im := Impact{Symbol: t.cd.symbol(), Change: t.cd.change, Locations: []string{}}
	var what string
	switch t.cd.change {
	case ChangeSignature:
		what = "signature changed"
	case ChangeModified:
		what = "body changed"
		if t.cd.what != "" {
			what = t.cd.what
		}
	case ChangeDeleted:
		what = "deleted"
	case ChangeRenamed:
		what = "renamed to " + t.cd.newName
	case changeAdded:
		// New here, yet used by unchanged code: moved from another file,
		// or reached through an interface or a base class.
		what = "added"
	}
	if t.silent {
		im.Summary = what + "; nothing its users see changed, so no references are listed"
		if t.cd.what == whatMoved {
			im.Summary = what + "; uses by name see no change (only unkeyed literals of " + t.cd.def.Container + " would), so none are listed"
		}
		return im, true
	}
	if t.unsearched && len(t.sites) == 0 {
		if t.cd.change == ChangeModified || t.cd.change == changeAdded {
			return im, false
		}
		im.Summary = what + "; name too common to trace without type information, references not searched"
		return im, true
	}
	if len(t.sites) == 0 && (t.cd.change == ChangeModified || t.cd.change == changeAdded) {
		return im, false
	}
	files := map[string]bool{}
	for _, s := range t.sites {
		files[s.file.path] = true
		if len(im.Locations) < maxLocations {
			im.Locations = append(im.Locations, s.file.path+":"+strconv.Itoa(s.line))
		}
	}
	gone := t.cd.change == ChangeDeleted || t.cd.change == ChangeRenamed
	switch {
	case len(t.sites) == 0 && gone:
		im.Summary = what + "; no remaining references found"
	case len(t.sites) == 0:
		im.Summary = what + "; no references found outside the change"
	default:
		remaining := ""
		if gone {
			remaining = " remaining"
		}
		im.Summary = fmt.Sprintf("%s; %s%s in %s", what, plural(len(t.sites), "reference"), remaining, plural(len(files), "file"))
		if len(t.sites) > maxLocations {
			im.Summary += fmt.Sprintf(" (first %d listed)", maxLocations)
		}
		guesses := countGuesses(t.sites)
		if t.impls > 0 {
			im.Summary += fmt.Sprintf(" (%s that must follow)", plural(t.impls, "implementation"))
		}
		switch {
		case t.unsearched && jsCommonByReceiver(t):
			im.Summary += "; only uses through this or a receiver named after its class are listed: the name is too common to match the others by name"
		case t.unsearched:
			im.Summary += "; only calls whose receiver type was checked are listed: the name is too common to match the others by name"
		case t.lang == "Go" && t.member && t.ambiguous && guesses == 0:
			im.Summary += "; receiver types checked"
		case t.lang == "Go" && t.member && t.ambiguous:
			im.Summary += fmt.Sprintf("; %d matched by member name where the receiver's type is unknown (outside the module or not type-checked)", guesses)
		case t.lang == "Go" && t.member:
			im.Summary += "; matched by member name, which no other type here declares"
		case t.common:
			im.Summary += "; common method name matched in its own package only, receiver type not checked"
		case t.member:
			im.Summary += "; matched by member name, receiver type not checked"
		case t.lang != "Go" && !explicitImports[t.lang]:
			im.Summary += "; matched by name"
		}
	}
	return im, true
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func dedupeSites(ss []refSite) []refSite {
	sort.Slice(ss, func(i, j int) bool {
		if ss[i].file.path != ss[j].file.path {
			return ss[i].file.path < ss[j].file.path
		}
		if ss[i].line != ss[j].line {
			return ss[i].line < ss[j].line
		}
		return !ss[i].guess && ss[j].guess // a proven site wins over a guess
	})
	out := ss[:0]
	for i, s := range ss {
		if i > 0 && s.file.path == ss[i-1].file.path && s.line == ss[i-1].line {
			continue
		}
		out = append(out, s)
	}
	return out
}

// onDefinitionLine reports whether r names a definition in its own header,
// which some extractors list as a reference.
func onDefinitionLine(pf *parsedFile, r languages.Reference) bool {
	for _, d := range pf.syms.Definitions {
		if d.StartLine > r.Line {
			break
		}
		if d.Name == r.Name && r.Line <= d.SignatureEnd {
			return true
		}
	}
	return false
}

// pathGroup is the language group of a path judged by its name alone; an
// ambiguous extension (.h) counts when all its candidates share a group.
func pathGroup(p string, cache map[string]string) string {
	ext := path.Ext(p)
	if ext == "" {
		ext = path.Base(p)
	}
	if g, ok := cache[ext]; ok {
		return g
	}
	g := ""
	if lang := detectLanguage(p, nil); lang != "" {
		g = languageGroup(lang)
	} else if cands := enry.GetLanguagesByExtension(p, nil, nil); len(cands) > 0 {
		g = languageGroup(cands[0])
		for _, c := range cands[1:] {
			if languageGroup(c) != g {
				g = ""
				break
			}
		}
	}
	cache[ext] = g
	return g
}

// refRules are one language family's rules for telling whether a
// reference names a target from the syntax (types, where there are any,
// are asked before): Go's package and import scoping, or the import,
// module and class evidence of the languages matched by name.
type refRules interface {
	matches(a *analyzer, t *target, pf *parsedFile, iv *importView, r languages.Reference) bool
}

// rulesFor picks the rules of a target's language family.
func rulesFor(t *target, pf *parsedFile) refRules {
	if t.lang == "Go" && pf.lang == "Go" {
		return goRules{}
	}
	return syntaxRules{}
}

// matches decides whether reference r in file pf refers to target t, as far
// as syntax can tell.
func (a *analyzer) matches(t *target, pf *parsedFile, iv *importView, r languages.Reference) bool {
	return rulesFor(t, pf).matches(a, t, pf, iv, r)
}

// syntaxRules match JavaScript, TypeScript, Python and the languages
// without explicit imports by name, narrowed by imports, modules and
// classes (the family-specific parts live in impact_javascript.go and
// impact_py.go).
type syntaxRules struct{}

func (syntaxRules) matches(a *analyzer, t *target, pf *parsedFile, iv *importView, r languages.Reference) bool {
	if t.lang == "JavaScript" && pf.lang == "JavaScript" {
		if ok, decided := jsMatches(t, pf, iv, r); decided {
			return ok
		}
	}
	sameFile := pf.path == t.cd.file.path || t.cd.headPF != nil && pf.path == t.cd.headPF.path
	if t.ctor && !constructorCall(pf.lines(r.Line, r.Line), t.name) {
		// Of a class's uses, only new C(...) calls its constructor.
		return false
	}
	if typeScriptLike[t.lang] && (t.ctor || !typeOrClass(t.cd.def.Kind)) && r.InType {
		// A type annotation names a type; a function or constant of the
		// same name (TypeScript merges const X and interface X) is another
		// declaration.
		return false
	}
	if r.Write && callableOrClass(t.cd.def.Kind) {
		// x.request = v or request = v rebinds the name: it does not use
		// a method, function or class of that name.
		return false
	}
	if t.lang == "Python" && pf.lang == "Python" {
		if ok, sure := a.pyDecides(t, pf, r, sameFile); sure {
			return ok
		}
	}
	if t.member {
		// obj.method(): the receiver's type is unknown, so any member
		// access with that name counts; a bare call only in its own file
		// (Ruby's implicit self, a Python class body).
		if t.lang == "Python" && r.Member && (r.Qualifier == "self" || r.Qualifier == "cls") && a.pyHier != nil {
			// self.name inside a class reaches that class's member or an
			// inherited one, never an unrelated class's.
			if cls, ok := enclosingPyClass(pf, r.Line); ok {
				return a.pyHier.selfReaches(pf, cls, t.cd.def.Container, t.name)
			}
		}
		if sameFile && !r.Member && t.lang == "Python" {
			// Python reaches a method or attribute through self, cls or
			// the class; a bare name is one only in the class body itself.
			return inClassBody(pf, t.cd.def.Container, r.Line)
		}
		if jsMembers[t.lang] && r.Qualifier == "this" {
			// this.name inside another class (or prototype) that declares
			// name itself is that class's member, wherever the file is.
			if c, ok := enclosingClass(pf, r.Line); ok && c != t.cd.def.Container && declaresMember(pf, c, t.name) {
				return false
			}
		}
		if sameFile && jsMembers[t.lang] {
			// JavaScript and TypeScript reach a member only as x.name or
			// this.name; with many types declaring the name, x.name counts
			// where the sharers rule below would take it.
			if !r.Member {
				return false
			}
			if r.Qualifier == "this" {
				c, ok := enclosingClass(pf, r.Line)
				return !ok || c == t.cd.def.Container || t.sharers <= maxMemberSharers
			}
			return true
		}
		if sameFile {
			return true
		}
		if !r.Member {
			return false
		}
		if pf.lang == "Python" && r.Qualifier != "" && iv.pyModuleName(r.Qualifier) {
			// os.name, re.compile: an attribute of an imported module.
			return false
		}
		// Outside its file a member is reached through a value whose
		// type some import brought in: a file that imports nothing of
		// the definition's module is using another type's member. Python
		// code passes objects around untyped, so there any file counts.
		if !jsMembers[t.lang] {
			return true
		}
		if !iv.importsModule(t.cd.file.path, "") {
			// In JavaScript too (require counts as an import).
			return false
		}
		// A member name that many types of the repository declare (type,
		// state, options) is taken for this one only where the file
		// names its container.
		return t.sharers <= maxMemberSharers || mentions(pf, t.cd.def.Container)
	}
	if typeScriptLike[t.lang] && !t.cd.def.Exported {
		// A TypeScript module shares only what it exports; a definition
		// inside a function is visible in that function only.
		if !sameFile || r.Member {
			return false
		}
		if d := t.cd.headDef; d != nil {
			if fn, ok := enclosingFunction(pf, *d); ok && (r.Line < fn.StartLine || r.Line > fn.EndLine) {
				return false
			}
		}
	}
	if r.Member && r.Qualifier == "" {
		return false // f().name is a member, not a module-level name
	}
	if sameFile {
		return r.Qualifier == ""
	}
	if !explicitImports[t.lang] {
		return true
	}
	if jsMembers[pf.lang] && r.Qualifier == "" {
		// A bare name from another JavaScript or TypeScript module
		// arrives by name (import { name }, const { name } = require())
		// or as a default import (import X from, const X = require()
		// of a module.exports = X); a namespace import is used as ns.name.
		return iv.importsModuleAs(t.cd.file.path, func(im languages.Import) bool {
			return iv.namedImport(im.Path, r) ||
				t.cd.def.ExportedAs == "default" && iv.defaultImport(im.Path, r.Name)
		})
	}
	if pf.lang == "Python" && r.Qualifier != "" {
		// mod.f: mod must be the definition's module as imported here.
		return iv.pyQualifiedBy(t.cd.file.path, r.Qualifier)
	}
	// Python and JS/TS: the file must import the definition's module,
	// directly or through a module that re-exports it.
	return iv.importsModule(t.cd.file.path, r.Qualifier)
}

// callableOrClass reports kinds whose name a plain assignment cannot use.
func callableOrClass(k languages.DefKind) bool {
	return k == languages.KindFunction || k == languages.KindMethod || k == languages.KindClass
}

// importView answers questions about one file's imports.
type importView struct {
	ctx context.Context
	s   *snapshot
	pf  *parsedFile
	loc map[string]bool // Go local package names in scope
}

func newImportView(ctx context.Context, s *snapshot, pf *parsedFile) *importView {
	iv := &importView{ctx: ctx, s: s, pf: pf}
	if pf.lang == "Go" {
		iv.loc = map[string]bool{}
		for _, im := range pf.syms.Imports {
			if im.Alias != "" {
				iv.loc[im.Alias] = true
			} else {
				iv.loc[goGuessPackageName(im.Path)] = true
				// The real package name may differ from the path; an
				// in-repository package tells us.
				if d, ok := s.goImportDir(im.Path); ok {
					if n := s.goPackageName(ctx, d); n != "" {
						iv.loc[n] = true
					}
				}
			}
		}
	}
	return iv
}

// importsModule reports whether the file imports the module defined in
// defPath (Python or JS/TS), directly or, when qual is set, through a
// package whose member qual is that module.
func (iv *importView) importsModule(defPath, qual string) bool {
	return iv.importsModuleVia(defPath, qual, nil)
}

// importsModuleAs is importsModule over the imports that keep says bring
// in the name looked for.
func (iv *importView) importsModuleAs(defPath string, keep func(languages.Import) bool) bool {
	return iv.importsModuleVia(defPath, "", keep)
}

func (iv *importView) importsModuleVia(defPath, qual string, keep func(languages.Import) bool) bool {
	key := moduleKey(defPath)
	for _, im := range iv.pf.syms.Imports {
		if keep != nil && !keep(im) {
			continue
		}
		res, rel := iv.s.resolve(iv.ctx, iv.pf, im.Path)
		if res == "" {
			continue
		}
		cands := []string{res, dirOf(res)} // `from pkg.mod import f` may arrive as "pkg.mod.f"
		if qual != "" {
			cands = append(cands, res+"/"+qual)
		}
		for _, c := range cands {
			if c == "" {
				continue
			}
			if c == key || !rel && strings.HasSuffix(key, "/"+c) {
				return true
			}
		}
		if rel && iv.s.reexports(iv.ctx, res, key, maxReexportDepth) {
			return true
		}
	}
	return false
}

// moduleKey is a source path as imports name it: without extension, and a
// package's __init__.py or index.ts standing for its directory.
func moduleKey(p string) string {
	base := path.Base(p)
	stem := strings.TrimSuffix(base, path.Ext(base))
	if stem == "__init__" || stem == "index" || stem == "mod" && strings.HasSuffix(p, ".rs") {
		return dirOf(p)
	}
	return strings.TrimSuffix(p, path.Ext(p))
}

// resolveImport turns an import as written into a slash path comparable
// with moduleKey. rel reports a relative import, resolved exactly; others
// are matched as a suffix (absolute package paths, TS path aliases).
func resolveImport(pf *parsedFile, imp string) (res string, rel bool) {
	imp = strings.Trim(imp, "\"'`<> ")
	if imp == "" {
		return "", false
	}
	if pf.lang == "Python" {
		n := len(imp) - len(strings.TrimLeft(imp, "."))
		rest := strings.ReplaceAll(imp[n:], ".", "/")
		if n == 0 {
			return rest, false
		}
		base := dirOf(pf.path)
		for range n - 1 {
			base = dirOf(base)
		}
		return strings.TrimPrefix(path.Join(base, rest), "/"), true
	}
	if strings.HasPrefix(imp, "./") || strings.HasPrefix(imp, "../") {
		p := path.Join(dirOf(pf.path), imp)
		switch path.Ext(p) {
		case ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".h", ".hpp":
			p = strings.TrimSuffix(p, path.Ext(p))
		}
		if strings.HasPrefix(p, "../") {
			return "", false // outside the repository
		}
		return moduleKey(p + ".x"), true
	}
	for _, alias := range []string{"@/", "~/"} {
		imp = strings.TrimPrefix(imp, alias)
	}
	switch path.Ext(imp) {
	case ".js", ".jsx", ".ts", ".tsx", ".h", ".hpp":
		imp = strings.TrimSuffix(imp, path.Ext(imp))
	}
	return imp, false
}
