package codebase

import (
	"context"
	"path"
	"strings"

	"github.com/reviewbot/reviewbot/languages"
)

// Python reference rules: module qualifiers, self and class bodies, stubs.

// pyAttributeExisted reports a Python attribute that is new as a
// declaration only (self.name: T added in __init__) while the base
// version of the file already set or read self.name: the attribute is
// not new, and its uses are those of the declaration.
func (a *analyzer) pyAttributeExisted(ctx context.Context, cd *changedDef) bool {
	if cd.file.lang != "Python" || cd.def.Kind != languages.KindVariable || a.base == nil || !a.base.has[cd.file.path] {
		return false
	}
	bf, err := a.base.get(ctx, cd.file.path)
	return err == nil && bf != nil && strings.Contains(string(bf.src), "self."+cd.def.Name)
}

// pyStub reports a Python stub file (.pyi). A stub restates the module's
// definitions for type checkers (class Attribute(Generic[_T]):, repr:
// _ReprArgType, def f(x: T) -> R: ...) and runs no code: its names declare
// an interface rather than use the definitions they name, so no line of it
// is a reference. (Skipping only the lines inside a stub definition's
// header left its imports and module-level aliases, which measured worse.)
func pyStub(pf *parsedFile) bool {
	return pf.lang == "Python" && strings.HasSuffix(pf.path, ".pyi")
}

// pyModuleName reports whether q is the local name of a module this
// Python file imports (import os, import numpy as np).
func (iv *importView) pyModuleName(q string) bool {
	for _, im := range iv.pf.syms.Imports {
		if strings.HasPrefix(im.Path, ".") {
			continue
		}
		if im.Alias == q || im.Alias == "" && strings.SplitN(im.Path, ".", 2)[0] == q {
			return true
		}
	}
	return false
}

// pyQualifiedBy reports whether, in this Python file, qualifier q names
// the module defined in defPath: from pkg import mod, import pkg.mod (as
// q), or a package whose __init__ defines the name.
func (iv *importView) pyQualifiedBy(defPath, q string) bool {
	key := moduleKey(defPath)
	same := func(c string, rel bool) bool {
		return c != "" && (c == key || !rel && strings.HasSuffix(key, "/"+c))
	}
	for _, im := range iv.pf.syms.Imports {
		res, rel := iv.s.resolve(iv.ctx, iv.pf, im.Path)
		if res == "" && !rel {
			continue
		}
		switch {
		case same(strings.TrimPrefix(res+"/"+q, "/"), rel):
			return true // from pkg import mod
		case im.Alias == q && same(res, rel):
			return true // import pkg.mod as q
		case im.Alias == "" && path.Base(res) == q && same(res, rel):
			return true // import pkg.mod; pkg.mod.f
		}
	}
	return false
}

// inClassBody reports whether line lies in the body of class container in
// pf, outside every function of it.
func inClassBody(pf *parsedFile, container string, line int) bool {
	in := false
	for _, d := range pf.syms.Definitions {
		if d.StartLine > line {
			break
		}
		if line > d.EndLine {
			continue
		}
		switch {
		case d.Kind == languages.KindClass && d.Name == container:
			in = true
		case d.Kind == languages.KindFunction || d.Kind == languages.KindMethod:
			in = false
		}
	}
	return in
}
