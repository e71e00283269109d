package codebase

import (
	"slices"
	"strings"
	"testing"
)

func expressRepo(t *testing.T) map[string]string {
	return map[string]string{
		"lib/response.js":     fixture(t, "express_response.js"),
		"lib/router/route.js": fixture(t, "express_route.js"),
		"lib/router/index.js": fixture(t, "express_router.js"),
	}
}

// X.prototype.m = function is method m of X; route._handles_method(...) in
// a file that requires the route module and this._handles_method(...) in
// Route's own methods are its callers.
func TestJSPrototypeMethodCallers(t *testing.T) {
	base := expressRepo(t)
	src := base["lib/router/route.js"]
	head := strings.Replace(src, "if (this.methods._all) {", "if (this.methods && this.methods._all) {", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"lib/router/route.js": head}, 0)
	im := findImpact(a, "Route._handles_method")
	if im == nil {
		t.Fatalf("no impact for Route._handles_method:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("lib/router/index.js", lineOf(t, base["lib/router/index.js"], "route._handles_method(req.method)")),
		loc("lib/router/route.js", lineOf(t, src, "if (!this._handles_method(method))")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// this.dispatch(...) inside Layer's own prototype method is Layer's
// dispatch, which Layer declares itself; route.dispatch(...) is Route's.
func TestJSThisInAnotherPrototypeIsThatType(t *testing.T) {
	base := expressRepo(t)
	src := base["lib/router/route.js"]
	head := strings.Replace(src, "req.route = this;", "req.route = this;\n  return done();", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"lib/router/route.js": head}, 0)
	im := findImpact(a, "Route.dispatch")
	if im == nil {
		t.Fatalf("no impact for Route.dispatch:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("lib/router/index.js", lineOf(t, base["lib/router/index.js"], "route.dispatch(req, res, out)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (this.dispatch in Layer.prototype.run is Layer's)", im.Locations, want)
	}
}

// res.location = function is a method of res, called as this.location in
// res.redirect.
func TestJSObjectMethodAssignment(t *testing.T) {
	base := expressRepo(t)
	src := base["lib/response.js"]
	head := strings.Replace(src, "return this.set('Location', encodeURI(loc));", "return this.set('Location', encodeURI(String(loc)));", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"lib/response.js": head}, 0)
	im := findImpact(a, "res.location")
	if im == nil {
		t.Fatalf("no impact for res.location:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("lib/response.js", lineOf(t, src, "address = this.location(address)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// function Route() {} with prototype methods is a class: a change to its
// body reaches new Route(...), not the Route.prototype lines that define
// its methods nor the module.exports line.
func TestJSConstructorFunctionUsedThroughNew(t *testing.T) {
	base := expressRepo(t)
	src := base["lib/router/route.js"]
	head := strings.Replace(src, "this.methods = {};", "this.methods = Object.create(null);", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"lib/router/route.js": head}, 0)
	im := findImpact(a, "route.Route")
	if im == nil {
		t.Fatalf("no impact for route.Route:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("lib/router/index.js", lineOf(t, base["lib/router/index.js"], "new Route(path)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// exports.BIT = 0x10 is an exported constant, used as Types.BIT where the
// module is required as Types.
func TestJSExportsConstant(t *testing.T) {
	base := map[string]string{"lib/types.js": fixture(t, "mysql_types.js"), "lib/field.js": fixture(t, "mysql_field.js")}
	head := strings.Replace(base["lib/types.js"], "exports.BIT         = 0x10;", "exports.BIT         = 0x11;", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"lib/types.js": head}, 0)
	im := findImpact(a, "types.BIT")
	if im == nil {
		t.Fatalf("no impact for types.BIT:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("lib/field.js", lineOf(t, base["lib/field.js"], "case Types.BIT:"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (VAR_STRING is another constant)", im.Locations, want)
	}
}

// A change inside a method of a const's object literal changes the const
// (the object is its value), and a module's default export required under
// another name (const ArrayMethods = require('../array/methods')) is used
// through that name.
func TestJSObjectLiteralConstAndRenamedDefaultImport(t *testing.T) {
	base := map[string]string{
		"lib/types/array/methods/index.js":   fixture(t, "mongoose_methods.js"),
		"lib/types/DocumentArray/methods.js": fixture(t, "mongoose_documentarray.js"),
	}
	src := base["lib/types/array/methods/index.js"]
	head := strings.Replace(src, "const ret = [].shift.call(this);", "const ret = [].shift.call(this.__array);", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"lib/types/array/methods/index.js": head}, 0)
	im := findImpact(a, "methods.methods")
	if im == nil {
		t.Fatalf("no impact for the const methods:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("lib/types/DocumentArray/methods.js", lineOf(t, base["lib/types/DocumentArray/methods.js"], "require('../array/methods')")), // the binding, as an import line
		loc("lib/types/DocumentArray/methods.js", lineOf(t, base["lib/types/DocumentArray/methods.js"], "ArrayMethods.shift.apply")),
		loc("lib/types/array/methods/index.js", lineOf(t, src, "module.exports = methods;")), // where the value leaves the module, as TypeScript counts it
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}
