package codebase

import (
	"regexp"
	"strings"

	"github.com/reviewbot/reviewbot/languages"
)

// Rules for plain JavaScript (CommonJS) files, where no type annotation
// says what a name holds: the evidence is how the file binds the name
// (require, a local declaration, an assignment) and what the line does
// with it (new C, x.m = v). TypeScript keeps the shared rules.

// jsMatches decides, where these rules have something to say, whether r
// in pf refers to t; decided is false when the shared rules should judge.
func jsMatches(t *target, pf *parsedFile, iv *importView, r languages.Reference) (ok, decided bool) {
	line := pf.lines(r.Line, r.Line)
	if callableOrClass(t.cd.def.Kind) && jsAssigned(line, r) {
		// x.send = v or send = v rebinds the name; the extractor marks no
		// writes in JavaScript, so the line says it.
		return false, true
	}
	if r.Member && jsExternalBinding(iv, r.Qualifier) {
		// tls.connect with const tls = require('tls'): a member of a
		// package from outside the repository, whatever its name.
		return false, true
	}
	if r.Qualifier == "" && !r.Member && !t.member && jsShadowed(pf, r, t) {
		// const net = require('net') inside the function: that local, not
		// the module's net.
		return false, true
	}
	sameFile := pf.path == t.cd.file.path || t.cd.headPF != nil && pf.path == t.cd.headPF.path
	if t.common {
		// A name as common as close or get is taken only where the
		// receiver says whose it is: this in the class's own methods, or
		// a value spelled after the class (this._sender.close for Sender).
		if !r.Member {
			return false, true
		}
		if jsSelfLike[r.Qualifier] {
			c, ok := enclosingClass(pf, r.Line)
			return ok && c == t.cd.def.Container, true
		}
		return jsNamesContainer(r.Qualifier, t.cd.def.Container) && (sameFile || iv.importsModule(t.cd.file.path, "")), true
	}
	if !t.member && jsObjectMethod(t.cd) && sameFile {
		// A method of an object literal (module.exports = { redirect(url)
		// {...} }) binds no name in scope: its own object reaches it as
		// this.redirect, as the TypeScript service types this there.
		return r.Member && jsSelfLike[r.Qualifier], true
	}
	if t.ctor && t.cd.def.Name == "constructor" {
		return jsClassConstructed(t, pf, iv, r, line, sameFile), true
	}
	if t.ctor && !constructorCall(line, t.name) {
		return false, true // a constructor function: only new X and X.call(this) call it
	}
	if t.member && jsSelfLike[r.Qualifier] && !sameFile && jsOtherClassDeclares(pf, t) {
		// this.cursor() in aggregate.js, whose Aggregate declares cursor
		// and Query does not: where the method around it is not one the
		// extractor names (X.prototype[Symbol.asyncIterator] = ...), the
		// file's own class is still the likely owner.
		return false, true
	}
	if t.member && r.Member && sameFile && t.sharers > maxMemberSharers && !jsSelfLike[r.Qualifier] && !jsNamesContainer(r.Qualifier, t.cd.def.Container) {
		// transport.log in Logger's own file, where four or more classes
		// declare log: the file says nothing about transport, so it is as
		// likely any of them. Outside the file the sharers rule asks the
		// file to name the class; here the value itself has to.
		return false, true
	}
	if !t.member && r.Member && !sameFile {
		// shared.resolveContent(...) reaches the module's export only
		// through a name the file bound to that module; mail.resolveContent
		// is some object's method of the same name.
		return jsModuleQualifier(t, iv, jsQualifierOf(line, r)), true
	}
	return false, false
}

// jsQualifierOf is what stands left of member r: its qualifier, or, for
// the call require('./m').name, which the extractor leaves unnamed, that
// call.
func jsQualifierOf(line string, r languages.Reference) string {
	if r.Qualifier != "" || r.Column < 1 || r.Column-1 > len(line) {
		return r.Qualifier
	}
	if m := jsInlineRequire.FindStringSubmatch(line[:r.Column-1]); m != nil {
		return m[1]
	}
	return ""
}

// jsObjectMethod reports a function defined as a method or property of an
// object literal (name(args) {...}, get name() {...}, name: function or
// arrow), which the extractor gives no container.
func jsObjectMethod(cd *changedDef) bool {
	d := cd.def
	if d.Kind != languages.KindFunction || d.Container != "" || cd.file == nil {
		return false
	}
	head := strings.TrimSpace(cd.file.lines(d.StartLine, d.StartLine))
	for trimmed := true; trimmed; {
		trimmed = false
		for _, p := range []string{"async ", "*", "get ", "set "} {
			if strings.HasPrefix(head, p) {
				head, trimmed = strings.TrimSpace(head[len(p):]), true
			}
		}
	}
	head = strings.TrimLeft(head, `'"`)
	if !strings.HasPrefix(head, d.Name) {
		return false
	}
	rest := strings.TrimSpace(strings.TrimLeft(head[len(d.Name):], `'"`))
	if strings.HasPrefix(rest, "(") {
		return true // name(args) {...}
	}
	value, ok := strings.CutPrefix(rest, ":")
	if !ok {
		return false
	}
	value = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(value), "async "))
	return strings.HasPrefix(value, "function") || strings.HasPrefix(value, "(") || jsArrowParam.MatchString(value)
}

// jsCommonByReceiver reports a JavaScript member whose name is too common
// to match by name (close, get) but which is still searched, through
// receivers that name its class (see jsMatches).
func jsCommonByReceiver(t *target) bool {
	return t.lang == "JavaScript" && t.member && t.cd.def.Container != ""
}

// jsSelfLike are the names JavaScript code conventionally gives this
// (var self = this) to reach it from a callback.
var jsSelfLike = map[string]bool{"this": true, "self": true, "that": true, "_this": true}

// jsOtherClassDeclares reports whether pf declares t's member name for
// another container and not for t's own.
func jsOtherClassDeclares(pf *parsedFile, t *target) bool {
	other := false
	for _, d := range pf.syms.Definitions {
		if d.Name != t.name || d.Container == "" {
			continue
		}
		if d.Container == t.cd.def.Container {
			return false
		}
		other = true
	}
	return other
}

// jsNamesContainer reports whether the last name of qualifier q spells
// class c (Logger as logger, this.logger, parentLogger).
func jsNamesContainer(q, c string) bool {
	if c == "" {
		return false
	}
	last := q[strings.LastIndex(q, ".")+1:]
	return strings.HasSuffix(strings.ToLower(last), strings.ToLower(c))
}

// jsAssigned reports whether r is the target of a plain assignment on its
// line (name = v, x.name = v, not name == v or name => v).
func jsAssigned(line string, r languages.Reference) bool {
	i := r.Column - 1 + len(r.Name)
	if r.Column < 1 || i > len(line) || line[r.Column-1:i] != r.Name {
		return false
	}
	rest := strings.TrimLeft(line[i:], " \t")
	return strings.HasPrefix(rest, "=") && !strings.HasPrefix(rest, "==") && !strings.HasPrefix(rest, "=>")
}

// jsExternalBinding reports whether q is the local name a file binds to a
// module outside the repository (const tls = require('tls'), a package
// from node_modules), and to nothing of the repository.
func jsExternalBinding(iv *importView, q string) bool {
	if q == "" || !jsIdent.MatchString(q) {
		return false
	}
	external := false
	for _, im := range iv.pf.syms.Imports {
		if im.Alias != q {
			continue
		}
		if res, rel := iv.s.resolve(iv.ctx, iv.pf, im.Path); rel || res == "" {
			return false
		}
		external = true
	}
	return external
}

var (
	jsIdent       = regexp.MustCompile(`^[A-Za-z_$][\w$]*$`)
	jsRequireCall = regexp.MustCompile(`^require\(\s*['"]([^'"]+)['"]\s*\)$`)
	// jsForHead is a line up to the declaration in a for loop's head.
	jsForHead = regexp.MustCompile(`\bfor\s*(?:await\s*)?\(\s*$`)
	// jsArrowParam is an arrow function with one bare parameter (x => ...).
	jsArrowParam = regexp.MustCompile(`^[A-Za-z_$][\w$]*\s*=>`)
	// jsDeclHead is a line up to the name a const, let or var declares.
	jsDeclHead = regexp.MustCompile(`\b(?:const|let|var)\s+$`)
	// jsInlineRequire is a line up to the member of require('./m').name.
	jsInlineRequire = regexp.MustCompile(`(require\(\s*['"][^'"]+['"]\s*\))\s*\.\s*$`)
)

// jsModuleQualifier reports whether q, in q.name, stands for the target's
// module: a name bound to an import of it (const utils = require('./utils'),
// const { utils } = require('./lib') of a module passing it on) or an
// inline require('./utils').
func jsModuleQualifier(t *target, iv *importView, q string) bool {
	if m := jsRequireCall.FindStringSubmatch(q); m != nil {
		return iv.importsModuleAs(t.cd.file.path, func(im languages.Import) bool {
			return strings.Trim(im.Path, "\"'` ") == m[1]
		})
	}
	if !jsIdent.MatchString(q) {
		return false // this.loggers.get, a().f: a value's member
	}
	return iv.importsModuleVia(t.cd.file.path, q, func(im languages.Import) bool {
		return im.Alias == q || iv.namedImport(im.Path, languages.Reference{Name: q})
	})
}

// jsClassConstructed reports whether r calls the constructor of t's ES
// class: new C(...) where C is the class in its own file, or a name the
// file bound to the class's module (its default export or a named export).
func jsClassConstructed(t *target, pf *parsedFile, iv *importView, r languages.Reference, line string, sameFile bool) bool {
	if !strings.Contains(line, "new "+jsNewTarget(r)) {
		return false
	}
	if r.Qualifier != "" {
		return !sameFile && jsModuleQualifier(t, iv, r.Qualifier)
	}
	if sameFile {
		return r.Name == t.name
	}
	byDefault := jsDefaultExportsClass(t.cd.file, t.name)
	return iv.importsModuleAs(t.cd.file.path, func(im languages.Import) bool {
		return r.Name == t.name && iv.namedImport(im.Path, r) || byDefault && iv.defaultImport(im.Path, r.Name)
	})
}

// jsNewTarget is how r reads after new: C, or q.C.
func jsNewTarget(r languages.Reference) string {
	if r.Qualifier != "" {
		return r.Qualifier + "." + r.Name
	}
	return r.Name
}

// jsDefaultExportsClass reports whether the module of pf exports class
// name as its whole value: module.exports = C for a class C, or
// module.exports = class C {...}, which declares no class of that name.
func jsDefaultExportsClass(pf *parsedFile, name string) bool {
	if pf == nil || pf.syms == nil {
		return false
	}
	for _, d := range pf.syms.Definitions {
		if d.Name == name && d.Container == "" && d.ExportedAs == "default" {
			return true
		}
	}
	return regexp.MustCompile(`module\.exports\s*=\s*class\s+` + regexp.QuoteMeta(name) + `\b`).Match(pf.src)
}

// jsShadowed reports whether bare name r, inside a function, names a
// local of that function declared before it: a parameter of an enclosing
// function, or a const, let or var whose block is still open at r. The
// target's own declaration does not count.
func jsShadowed(pf *parsedFile, r languages.Reference, t *target) bool {
	outer := -1
	for _, d := range pf.syms.Definitions {
		if d.Kind != languages.KindFunction && d.Kind != languages.KindMethod || d.StartLine >= r.Line || d.EndLine < r.Line {
			continue
		}
		if outer < 0 || d.StartLine < outer {
			outer = d.StartLine
		}
		if jsParamsName(pf.lines(d.StartLine, d.SignatureEnd), d.Name, r.Name) {
			return true
		}
	}
	if outer < 0 {
		return false
	}
	own := 0
	if d := t.cd.headDef; d != nil && t.cd.headPF != nil && t.cd.headPF.path == pf.path {
		own = d.StartLine
	}
	text := pf.lines(outer, r.Line)
	lines := strings.Split(text, "\n")
	lines[len(lines)-1] = lines[len(lines)-1][:min(max(r.Column-1, 0), len(lines[len(lines)-1]))]
	if jsDeclHead.MatchString(lines[len(lines)-1]) {
		return true // r is the local's own name (for (const x of xs), which the extractor lists)
	}
	if !jsRedeclares(strings.Join(lines, "\n"), r.Name) {
		return false // the common case, without compiling an expression
	}
	decl := regexp.MustCompile(`\b(const|let|var)\s+(?:` + regexp.QuoteMeta(r.Name) + `\b|[{\[][^=;]*\b` + regexp.QuoteMeta(r.Name) + `\b[^=;]*[}\]]\s*=)`)
	for i, l := range lines {
		m := decl.FindStringSubmatchIndex(l)
		if m == nil || outer+i == own {
			continue
		}
		rest := strings.Join(append([]string{l[m[1]:]}, lines[i+1:]...), "\n")
		if jsForHead.MatchString(l[:m[0]]) {
			// for (const x of xs) { ... }: x lives in the loop's body.
			if b := strings.Index(rest, "{"); b >= 0 {
				rest = rest[b+1:]
			}
		}
		if l[m[2]:m[3]] == "var" || !jsBlockCloses(rest) {
			return true
		}
	}
	return false
}

// jsParamsName reports whether a function header declares name among its
// parameters, the parenthesised list after the function's own name.
func jsParamsName(header, fn, name string) bool {
	if i := strings.Index(header, fn); i >= 0 {
		header = header[i+len(fn):]
	}
	open := strings.Index(header, "(")
	if open < 0 {
		return false
	}
	depth, end := 0, len(header)
	for i := open; i < len(header); i++ {
		if header[i] == '(' {
			depth++
		} else if header[i] == ')' {
			if depth--; depth == 0 {
				end = i
				break
			}
		}
	}
	params := header[open:end]
	return strings.Contains(params, name) && regexp.MustCompile(`\b`+regexp.QuoteMeta(name)+`\b`).MatchString(params)
}

// jsBlockCloses reports whether text closes the block it starts in (a "}"
// with no matching "{" before it); braces in strings and line comments
// do not count.
func jsBlockCloses(text string) bool {
	depth := 0
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\n' && quote != '`':
			quote = 0 // only a template literal spans lines
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth < 0 {
				return true
			}
		}
	}
	return false
}

// jsRedeclares is jsShadowed's quick test: text holds name and a const,
// let or var keyword at all.
func jsRedeclares(text, name string) bool {
	return strings.Contains(text, name) && (strings.Contains(text, "const") || strings.Contains(text, "let") || strings.Contains(text, "var"))
}
