package languages

import (
	"errors"
	"testing"
)

var heuristicCases = []symbolCase{
	{
		language: "Lua", file: "cache.lua", heuristic: true,
		defs:     []string{"function helper 5-5-7", "method M.get 9-9-12", "method M.put 14-14-16"},
		refs:     []string{"self.items@10", "json.encode@11", ".helper@11", "self.items@15"},
		imports:  []string{"json"},
		notRefs:  []string{"add", "one", "local", "helper@5:16", "get@9:12"},
		exported: []string{"M.get"}, hidden: []string{"helper"},
	},
	{
		language: "Perl", file: "Store.pm", heuristic: true, pkg: "Acme::Store",
		defs:    []string{"module Acme::Store 1-1-1", "function new 5-5-8", "function get 9-9-13"},
		refs:    []string{"Util.format@12", ".fetch@12", ".$key@12", ".bless@7"},
		imports: []string{"strict", "JSON::PP"},
		notRefs: []string{"fetch@11:7", "my"},
	},
	{
		language: "Dart", file: "cache.dart", heuristic: true,
		defs:     []string{"class Cache 5-5-12", "method Cache.get 8-8-11", "function main 14-14-16"},
		refs:     []string{"http.get@9", "Uri.parse@9", "res.body@10", ".Cache@15"},
		imports:  []string{"package:http/http.dart"},
		notRefs:  []string{"Fake", "comment", "https", "get@8:18"},
		exported: []string{"Cache.get"},
	},
	{
		language: "Elixir", file: "store.ex", heuristic: true,
		defs: []string{"module Acme.Store 1-1-10", "function Acme.Store.get 5-5-7",
			"function Acme.Store.render 9-9-9"},
		refs:     []string{"Repo.get@6", ".render@6", ".Item@6", "Acme.Repo@2"},
		imports:  []string{"Acme.Repo", "Ecto.Query"},
		notRefs:  []string{"defp", "do", "end", "render@9:8"},
		exported: []string{"Acme.Store.get"}, hidden: []string{"Acme.Store.render"},
	},
}

func TestHeuristicExtractor(t *testing.T) { runSymbolCases(t, heuristicCases) }

func TestHeuristicBraceAndIndentExtents(t *testing.T) {
	src := "package demo;\n" + // 1
		"sub outer {\n" + // 2
		"    my $h = { a => 1 };\n" + // 3
		"    if ($x) { y(); }\n" + // 4
		"}\n" + // 5
		"sub decl;\n" + // 6
		"sub never_closed {\n" + // 7
		"    z();\n" // 8, then the empty line 9
	fs, err := Extract("Perl", "demo.pl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]int{"outer": {2, 2, 5}, "decl": {6, 6, 6}, "never_closed": {7, 7, 9}}
	for _, d := range fs.Definitions {
		if w, ok := want[d.Name]; ok {
			if got := [3]int{d.StartLine, d.SignatureEnd, d.EndLine}; got != w {
				t.Errorf("%s: lines %v, want %v", d.Name, got, w)
			}
			delete(want, d.Name)
		}
	}
	if len(want) != 0 {
		t.Errorf("not found: %v", want)
	}
}

func TestExtractUnsupportedKinds(t *testing.T) {
	for _, lang := range []string{"JSON", "YAML", "Markdown", "HTML", "", "NoSuchLanguage"} {
		if _, err := Extract(lang, "x", []byte("a: b\n")); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Extract(%q): got %v, want ErrUnsupported", lang, err)
		}
	}
	// A programming language with no grammar falls back rather than failing.
	fs, err := Extract("Haskell", "Main.hs", []byte("module Main where\nmain = putStrLn greeting\n"))
	if err != nil || !fs.Heuristic {
		t.Fatalf("Haskell: %v, %+v", err, fs)
	}
	mustHaveRef(t, fs, Reference{Name: "putStrLn", Line: 2})
}
