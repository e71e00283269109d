package languages

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// symbolCase is one language's sample file and some of what must be found
// in it. Definitions are written "kind Container.Name start-sigEnd-end",
// references "qualifier.name@line" (".name" when bare), imports
// "path" or "path as alias", and names that must not be references
// "name" (anywhere) or "name@line:column" (a declaration there).
type symbolCase struct {
	language, file, pkg string
	defs, refs, imports []string
	notRefs             []string
	exported, hidden    []string // Container.Name of definitions
	heuristic           bool     // expected from the fallback, not a grammar
}

var symbolCases = []symbolCase{
	{
		language: "Python", file: "store.py",
		defs: []string{"class Store 4-4-7", "method Store.get 5-5-7", "function inner 6-6-6",
			"variable MAX 8-8-8", "function top 9-9-9"},
		refs:     []string{".Base@4", "self.db@7", "db.fetch@7", ".key@7", "path.join@9", "os.path@9", ".helper@3"},
		imports:  []string{"os.path", "numpy as np", ".util"},
		notRefs:  []string{"Store", "get", "top", "inner", "h", "np"},
		exported: []string{"Store", "Store.get"}, hidden: []string{"inner"},
	},
	{
		language: "JavaScript", file: "app.js",
		defs:    []string{"function f 1-1-1", "function g 2-2-2", "class A 3-3-3", "method A.handle 3-3-3", "method A.s 3-3-3", "function gen 5-5-5"},
		refs:    []string{".x@2", ".obj@6"},
		imports: []string{"./m"},
		notRefs: []string{"a", "default"},
		hidden:  []string{"A.#priv", "f"},
	},
	{
		language: "TypeScript", file: "cache.ts",
		defs: []string{"constant MAX 5-5-5", "variable counter 6-6-6", "interface Store 7-7-7", "method Store.get 7-7-7",
			"type ID 8-8-8", "module NS 10-10-10", "function NS.inner 10-10-10", "class Cache 11-11-17",
			"variable Cache.items 12-12-12", "method Cache.get 13-13-15", "method Cache.create 16-16-16", "function top 18-18-18",
			"function arrow 19-19-19", "method A.run 20-20-20"},
		refs:     []string{"this.items@14", "items.get@14", "util.fallback@14", "Math.max@18", ".Base@11", ".T@12", ".fetch@19", ".dirname@2", ".join@2"},
		imports:  []string{"fs as fs", "path", "./util as util", "./cfg"},
		notRefs:  []string{"j", "top", "arrow"},
		exported: []string{"MAX", "Cache", "Cache.get", "top"}, hidden: []string{"counter", "arrow"},
	},
	{
		language: "TSX", file: "Panel.tsx",
		defs:     []string{"type Props 4-4-4", "function Panel 6-6-12", "function load 8-8-10", "function Row 14-14-14"},
		refs:     []string{"api.fetchItem@9", ".useState@7", ".load@11", "props.id@14", ".Props@6"},
		imports:  []string{"react as React", "../api"},
		notRefs:  []string{"data@7:10", "setData@7:16"},
		exported: []string{"Panel", "Row"}, hidden: []string{"load"}, // Row: export default Row
	},
	{
		language: "Java", file: "Store.java", pkg: "com.acme.store",
		defs: []string{"class Store 5-5-16", "constant Store.MAX 6-6-6", "variable Store.items 7-7-7",
			"method Store.Store 8-8-8", "method Store.get 9-10-12", "interface Store.Inner 13-13-13",
			"method Inner.run 13-13-13", "type Store.Color 14-14-14", "class Store.Pt 15-15-15"},
		refs:     []string{"this.items@11", "items.get@11", "Util.format@11", ".toString@11", ".Override@9", ".IOException@10"},
		imports:  []string{"java.util.List", "java.lang.Math.max", "java.io"},
		notRefs:  []string{"acme", "util", "key@10:30", "n@8:22"},
		exported: []string{"Store", "Store.get", "Inner.run"}, hidden: []string{"Store.MAX", "Store.items"},
	},
	{
		language: "C", file: "buf.c",
		defs: []string{"function MAX 2-2-2", "constant LIMIT 3-3-3", "type buf 4-4-4", "type buf_t 4-4-4",
			"variable counter 5-5-5", "variable names 6-6-6", "function buf_new 7-7-7", "function split 8-8-8",
			"function buf_len 9-9-12"},
		refs:     []string{"b.len@10", "b.data@11", ".strlen@11", ".MAX@11", ".LIMIT@10", ".buf_t@9"},
		imports:  []string{"stdlib.h"},
		notRefs:  []string{"n@10:9", "s", "count"},
		exported: []string{"buf_len", "buf_new"}, hidden: []string{"split", "counter"},
	},
	{
		language: "C++", file: "cache.cpp",
		defs: []string{"module store 3-3-22", "class store.Cache 8-8-16", "method Cache.Cache 10-10-10",
			"method Cache.get 11-11-11", "method Cache.put 12-12-12", "method Cache.evict 14-14-14",
			"method Cache.get 17-17-19", "function store.maxOf 20-20-20", "function make_buf 23-23-23"},
		refs:     []string{"util.format@18", "this.name_@18", "ptr.field@18", "items_.insert@12", "std.string@17", ".helper@12"},
		imports:  []string{"stdio.h", "util/buf.h"},
		notRefs:  []string{"key@17:43", "get"},
		exported: []string{"Cache.put", "Cache.Cache"}, hidden: []string{"make_buf", "store.MAX", "Cache.evict"},
	},
	{
		language: "C#", file: "Cache.cs", pkg: "Acme.Store",
		defs: []string{"interface IGetter 5-5-5", "method IGetter.Get 5-5-5", "class Cache 6-6-14",
			"constant Cache.Max 8-8-8", "variable Cache.Name 10-10-10", "method Cache.Get 12-12-12",
			"method Cache.Put 13-13-13", "type Color 15-15-15", "class Pt 16-16-16", "class Person 17-17-17"},
		refs:     []string{"Util.Format@12", "items.Add@13", "Console.WriteLine@13", "v.Key@13", ".Dictionary@9"},
		imports:  []string{"System", "System.IO as IO"},
		notRefs:  []string{"Acme", "key@12:34"},
		exported: []string{"Cache.Get", "IGetter.Get"}, hidden: []string{"Cache.Put", "Cache.Max"},
	},
	{
		language: "Ruby", file: "store.rb",
		defs: []string{"module Acme 3-3-18", "constant Acme.MAX 4-4-4", "class Acme.Store 5-5-17",
			"method Store.initialize 8-8-10", "method Store.get 11-11-13", "method Store.create 14-14-14",
			"method Store.helper 16-16-16"},
		refs:     []string{"@db.fetch@12", "Util.Format@12", "Format.call@12", ".helper@12", ".Enumerable@6"},
		imports:  []string{"json", "../lib/util"},
		notRefs:  []string{"db@8:20", "default"},
		exported: []string{"Store.get"}, hidden: []string{"Store.helper"},
	},
	{
		language: "Rust", file: "cache.rs",
		defs: []string{"constant MAX 3-3-3", "variable COUNT 4-4-4", "type Cache 5-5-5", "interface Getter 6-6-6",
			"method Getter.get 6-6-6", "method Cache.get 8-8-10", "module inner 12-12-12", "function inner.run 12-12-12",
			"type Color 13-13-13", "type Alias 14-14-14", "function m 15-15-15"},
		refs:     []string{"self.items@9", "items.get@9", "fmt.show@9", "Cache.fallback@9", ".HashMap@5"},
		imports:  []string{"std::collections::HashMap", "crate::util::{fmt as f, helper}"},
		notRefs:  []string{"v@9:34", "key@8:19", "collections"},
		exported: []string{"MAX", "Cache", "Cache.get", "inner.run"}, hidden: []string{"COUNT", "inner"},
	},
	{
		language: "PHP", file: "Cache.php", pkg: `App\Store`,
		defs: []string{"constant MAX 6-6-6", "interface Getter 7-7-7", "class Loggable 8-8-8", "class Cache 9-9-16",
			"constant Cache.TTL 10-10-10", "variable Cache.items 11-11-11", "method Cache.get 12-12-14",
			"method Cache.make 15-15-15", "function helper 17-17-17", "type Suit 18-18-18"},
		refs:     []string{"this.items@13", "Format.str@13", "this.db@13", "db.fetch@13", ".helper@13", ".strlen@17"},
		imports:  []string{`App\Util\Format`, `Psr\Log\LoggerInterface as Logger`, "/helpers.php"},
		notRefs:  []string{"Util", "Log"},
		exported: []string{"Cache.get", "Loggable.log"}, hidden: []string{"Cache.make", "Cache.TTL"},
	},
	{
		language: "Kotlin", file: "Cache.kt", pkg: "com.acme.store",
		defs: []string{"constant MAX 4-4-4", "variable counter 5-5-5", "interface Getter 6-6-6", "method Getter.get 6-6-6",
			"class Cache 7-7-13", "method Cache.get 8-8-10", "method Cache.create 11-11-11", "method Cache.helper 12-12-12",
			"class Registry 14-14-14", "function top 15-15-15", "type Id 17-17-17", "constant Color.RED 18-18-18"},
		refs:     []string{"db.fetch@9", "Util.format@9", ".trim@9", ".maxOf@15", ".Getter@7"},
		imports:  []string{"java.util.Date", "kotlinx.coroutines.flow.Flow as F"},
		notRefs:  []string{"coroutines", "key@8:22", "x@12:24"},
		exported: []string{"Cache.get", "top"}, hidden: []string{"counter", "Cache.helper"},
	},
	{
		language: "Swift", file: "Cache.swift",
		defs: []string{"constant maxItems 3-3-3", "interface Getter 4-4-4", "method Getter.get 4-4-4", "class Cache 5-5-12",
			"variable Cache.items 6-6-6", "method Cache.init 7-7-7", "method Cache.get 8-8-10",
			"class Pt 13-13-13", "method Cache.extra 15-15-15", "function top 16-16-16", "type Id 17-17-17"},
		refs:     []string{"db.fetch@9", "Util.format@9", "self.db@7", ".max@16", ".Getter@5"},
		imports:  []string{"Foundation", "Darwin.size_t"},
		notRefs:  []string{"key@8:23", "_"},
		exported: []string{"Cache.get", "top"}, hidden: []string{"Cache.items"},
	},
	{
		language: "Scala", file: "Cache.scala", pkg: "com.acme.store",
		defs: []string{"interface Getter 4-4-4", "method Getter.get 4-4-4", "class Cache 5-5-9", "variable Cache.items 6-6-6",
			"method Cache.get 7-7-8", "class Cache 10-10-10", "method Cache.apply 10-10-10", "type Id 12-12-12",
			"variable top 13-13-13", "function helper 14-14-14"},
		refs:     []string{"db.fetch@8", "Util.format@8", "mutable.Map@6", ".getOrElse@8"},
		imports:  []string{"scala.collection.mutable", "java.util"},
		notRefs:  []string{"acme", "key@7:20", "a@14:12"},
		exported: []string{"Cache.get"}, hidden: []string{"Cache.items"},
	},
	{
		language: "Shell", file: "deploy.sh",
		defs:    []string{"variable MAX 4-4-4", "variable COUNT 5-5-5", "function log 6-6-9", "function main 10-10-13"},
		refs:    []string{".log@11", ".COUNT@11", ".grep@12", ".main@14", ".msg@8", ".HOME@3"},
		imports: []string{"./lib.sh", "$HOME/env.sh"},
		notRefs: []string{"1"},
	},
}

func TestTreeSitterExtractors(t *testing.T) { runSymbolCases(t, symbolCases) }

func runSymbolCases(t *testing.T, cases []symbolCase) {
	for _, tc := range cases {
		t.Run(tc.language, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "symbols", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			fs, err := Extract(tc.language, tc.file, src)
			if err != nil {
				t.Fatal(err)
			}
			if fs.Heuristic != tc.heuristic || fs.Language != tc.language || fs.Package != tc.pkg {
				t.Errorf("heuristic %v, language %q, package %q (want %q)", fs.Heuristic, fs.Language, fs.Package, tc.pkg)
			}
			checkSymbols(t, fs, tc)
		})
	}
}

func checkSymbols(t *testing.T, fs *FileSymbols, tc symbolCase) {
	t.Helper()
	defs := map[string]bool{}
	exported := map[string]bool{}
	for _, d := range fs.Definitions {
		defs[fmt.Sprintf("%s %s %d-%d-%d", d.Kind, d.QualifiedName(), d.StartLine, d.SignatureEnd, d.EndLine)] = true
		exported[d.QualifiedName()] = d.Exported
	}
	for _, want := range tc.defs {
		if !defs[want] {
			t.Errorf("missing definition %q; have %v", want, keys(defs))
		}
	}
	for _, name := range tc.exported {
		if e, ok := exported[name]; !ok || !e {
			t.Errorf("%s: want exported", name)
		}
	}
	for _, name := range tc.hidden {
		if e, ok := exported[name]; !ok || e {
			t.Errorf("%s: want a definition that is not exported (found %v)", name, ok)
		}
	}
	refs := map[string]bool{}
	for _, r := range fs.References {
		refs[fmt.Sprintf("%s.%s@%d", r.Qualifier, r.Name, r.Line)] = true
		for _, bad := range tc.notRefs {
			name, pos, _ := strings.Cut(bad, "@")
			if r.Name == name && (pos == "" || pos == fmt.Sprintf("%d:%d", r.Line, r.Column)) {
				t.Errorf("%q reported as a reference: %+v", bad, r)
			}
		}
	}
	for _, want := range tc.refs {
		if !refs[want] {
			t.Errorf("missing reference %q; have %v", want, keys(refs))
		}
	}
	var imports []string
	for _, im := range fs.Imports {
		s := im.Path
		if im.Alias != "" {
			s += " as " + im.Alias
		}
		imports = append(imports, s)
	}
	if strings.Join(imports, "|") != strings.Join(tc.imports, "|") {
		t.Errorf("imports %q, want %q", imports, tc.imports)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestExtractConcurrent runs every grammar from several goroutines at once:
// compiled queries are shared, parsers and cursors are not, and -race
// checks that this holds.
func TestExtractConcurrent(t *testing.T) {
	done := make(chan error)
	for i := 0; i < 4; i++ {
		go func() {
			for _, tc := range symbolCases {
				src, err := os.ReadFile(filepath.Join("testdata", "symbols", tc.file))
				if err == nil {
					var fs *FileSymbols
					fs, err = Extract(tc.language, tc.file, src)
					if err == nil && len(fs.Definitions) == 0 {
						err = fmt.Errorf("%s: no definitions", tc.language)
					}
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// CommonJS and prototype definitions are definitions: X.prototype.m =
// function is method m of X (also when wrapped in a call), obj.m =
// function method m of obj, exports.f = and module.exports.f = exported
// functions, exports.C = 1 an exported constant, the functions of a
// module.exports object exported; require() binds its module.
func TestExtractJavaScriptCommonJS(t *testing.T) {
	src := []byte(`var http = require('http');
var { format } = require('./util');
var res = Object.create(http.ServerResponse.prototype);
module.exports = res;
res.send = function send(body) {
  return this.location(body);
};
function Query(conn) { this.conn = conn; }
Query.prototype.exec = function(cb) {
  return this._run(cb);
};
Query.prototype._find = wrapThunk(function(cb) {
  return cb();
});
exports.helper = function (a) { return a; };
module.exports.other = function () {};
exports.BIT = 0x10;
exports.Query = Query;
module.exports = { plain: function () {}, arrow: () => 1 };
`)
	fs, err := Extract("JavaScript", "lib/x.js", src)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"res.send": "method", "Query": "function", "Query.exec": "method", "Query._find": "method",
		"helper": "function", "other": "function", "BIT": "constant", "plain": "function", "arrow": "function",
	}
	for _, d := range fs.Definitions {
		k, ok := want[d.QualifiedName()]
		if !ok {
			continue
		}
		if string(d.Kind) != k || !d.Exported {
			t.Errorf("%s: kind %s exported %v, want %s and exported", d.QualifiedName(), d.Kind, d.Exported, k)
		}
		delete(want, d.QualifiedName())
	}
	for q := range want {
		t.Errorf("no definition %s in %+v", q, fs.Definitions)
	}
	// The X of X.prototype.m = ... defines X's member; it is no use of X.
	lines := strings.Split(string(src), "\n")
	for _, r := range fs.References {
		if r.Name == "Query" && !r.Member && strings.Contains(lines[r.Line-1], "Query.prototype") {
			t.Errorf("Query.prototype line counted as a use of Query: %+v", r)
		}
	}
	var named []string
	for _, n := range fs.Named {
		named = append(named, n.Name+"@"+n.Path)
	}
	if !slices.Contains(named, "format@./util") || !slices.Contains(named, "default@http") {
		t.Errorf("require bindings = %v, want format from ./util and the default of http", named)
	}
}
