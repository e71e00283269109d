package languages

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-enry/go-enry/v2"
)

func TestDetectByName(t *testing.T) {
	tests := []struct{ path, want string }{
		{"cmd/reviewbot/main.go", "Go"},
		{"app/models.py", "Python"},
		{"src/index.ts", "TypeScript"},
		{"src/App.tsx", "TSX"},
		{"src/App.jsx", "JavaScript"},
		{"lib/util.js", "JavaScript"},
		{"include/buf.h", "C"},
		{"src/buf.hpp", "C++"},
		{"src/buf.cc", "C++"},
		{"src/main/java/Foo.java", "Java"},
		{"app/Main.kt", "Kotlin"},
		{"lib/thing.rb", "Ruby"},
		{"Gemfile", "Ruby"},
		{"Dockerfile", "Dockerfile"},
		{"Makefile", "Makefile"},
		{"scripts/build.sh", "Shell"},
		{"src/lib.rs", "Rust"},
		{"Program.cs", "C#"},
		{"public/index.php", "PHP"},
		{"Sources/App.swift", "Swift"},
		{"Main.scala", "Scala"},
		{"Classes/View.m", "Objective-C"},
		{"db/migrate/001.sql", "SQL"},
		{"infra/main.tf", "HCL"},
		{"lib/app.ex", "Elixir"},
		{"src/Lib.hs", "Haskell"},
		{"README.md", "Markdown"},
		{"config.yml", "YAML"},
		// GitHub Actions files are YAML that linguist does not tell apart.
		{".github/workflows/ci.yml", "GitHub Actions"},
		{".github/workflows/release.yaml", "GitHub Actions"},
		{".github/actions/setup/action.yml", "GitHub Actions"},
		{"action.yaml", "GitHub Actions"},
		{"packages/web/.github/workflows/test.yml", "GitHub Actions"},
		{"workflow-templates/go.yml", "GitHub Actions"},
		{".github/dependabot.yml", "YAML"},
		{".github/workflows/scripts/notify.yml", "YAML"}, // GitHub reads only the top level
		{".github/workflows/README.md", "Markdown"},
		{"docs/action.yml.md", "Markdown"},
		{".github/CODEOWNERS", "CODEOWNERS"},
		{"package.json", "JSON"},
		{"CMakeLists.txt", "CMake"},
		{"BUILD", "Starlark"},
		{"src/main.zig", "Zig"},
		{"no-extension", ""},
	}
	for _, tt := range tests {
		if got := Detect(tt.path, nil); got != tt.want {
			t.Errorf("Detect(%q, nil) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestDetectByContent(t *testing.T) {
	tests := []struct{ path, content, want string }{
		{"vec.h", "#include <vector>\nclass A { public: std::vector<int> v; };\n", "C++"},
		{"bin/tool", "#!/usr/bin/env python3\nprint(1)\n", "Python"},
		{"bin/run", "#!/bin/bash\nset -e\necho hi\n", "Shell"},
		{"View.m", "#import <Foundation/Foundation.h>\n@interface A : NSObject\n@end\n", "Objective-C"},
	}
	for _, tt := range tests {
		if got := Detect(tt.path, []byte(tt.content)); got != tt.want {
			t.Errorf("Detect(%q, content) = %q, want %q", tt.path, got, tt.want)
		}
	}
	if got := Detect("a.go", []byte{0, 1, 2, 0, 'x'}); got != "" {
		t.Errorf("binary content detected as %q", got)
	}
}

// TestKnowledge holds every language's knowledge to the same bar.
func TestKnowledge(t *testing.T) {
	// Build languages with no test-file naming convention of their own.
	noTestConvention := []string{"Dockerfile", "Makefile", "CMake", "GitHub Actions", "CODEOWNERS"}
	known := Known()
	if len(known) < 50 {
		t.Fatalf("review knowledge for %d languages, want at least 50", len(known))
	}
	if !slices.IsSorted(known) {
		t.Error("Known() is not sorted")
	}
	total := 0
	for _, family := range [][]Language{cFamilyLanguages, webLanguages, scriptingLanguages, jvmLanguages, functionalLanguages, otherLanguages, ciLanguages} {
		total += len(family)
	}
	if total != len(known) {
		t.Errorf("%d entries in the family lists but %d languages: a name is listed twice", total, len(known))
	}
	complete := 0
	for _, name := range known {
		l, ok := Lookup(name)
		if !ok || l.Name != name {
			t.Errorf("Lookup(%q) = %+v, %v", name, l, ok)
			continue
		}
		switch {
		case l.Base != "":
			// A dialect refines a linguist language and is not one itself.
			if enry.GetLanguageType(l.Base) == enry.Unknown || enry.GetLanguageType(name) != enry.Unknown || l.Type == "" {
				t.Errorf("dialect %q: base %q must be a linguist language and the name must not be one", name, l.Base)
			}
		case enry.GetLanguageType(name) == enry.Unknown || l.Type == "":
			t.Errorf("%q is not a linguist language name", name)
		}
		if l.LineComment == "" && l.BlockComment[0] == "" {
			t.Errorf("%s: no comment syntax", name)
		}
		if (l.BlockComment[0] == "") != (l.BlockComment[1] == "") {
			t.Errorf("%s: half a block comment %q", name, l.BlockComment)
		}
		if n := len(l.ReviewChecks); n < 3 || n > 6 {
			t.Errorf("%s: %d review checks, want 3 to 6", name, n)
		}
		for _, c := range l.ReviewChecks {
			if c == "" || len(c) > 110 {
				t.Errorf("%s: review check %q is empty or too long for a prompt line", name, c)
			}
		}
		for _, p := range l.TestPatterns {
			if !doublestar.ValidatePattern(p) {
				t.Errorf("%s: bad test pattern %q", name, p)
			}
		}
		switch {
		case len(l.TestPatterns) > 0:
			complete++
		case !slices.Contains(noTestConvention, name):
			t.Errorf("%s: no test patterns", name)
		}
	}
	if complete < 50 {
		t.Errorf("%d languages with comment syntax, test patterns and checks, want at least 50", complete)
	}
}

func TestLookup(t *testing.T) {
	goLang, ok := Lookup("Go")
	if !ok || goLang.Type != "programming" || goLang.LineComment != "//" || len(goLang.ReviewChecks) == 0 {
		t.Errorf("Lookup(Go) = %+v, %v", goLang, ok)
	}
	// Aliases resolve to the canonical name.
	if l, ok := Lookup("golang"); !ok || l.Name != "Go" || len(l.ReviewChecks) == 0 {
		t.Errorf("Lookup(golang) = %+v, %v", l, ok)
	}
	// Linguist knows YAML; we hold no checklist for it but still say what it is.
	if l, ok := Lookup("YAML"); !ok || l.Type != "data" || len(l.ReviewChecks) != 0 {
		t.Errorf("Lookup(YAML) = %+v, %v", l, ok)
	}
	if l, ok := Lookup("SQL"); !ok || l.Type != "data" || len(l.ReviewChecks) == 0 {
		t.Errorf("Lookup(SQL) = %+v, %v", l, ok)
	}
	if l, ok := Lookup("Markdown"); !ok || l.Type != "prose" {
		t.Errorf("Lookup(Markdown) = %+v, %v", l, ok)
	}
	// A dialect carries its own checks and its base language's type.
	if l, ok := Lookup(GitHubActions); !ok || l.Type != "data" || l.Base != "YAML" || l.LineComment != "#" || !containsWord(l.ReviewChecks, "persist-credentials") {
		t.Errorf("Lookup(%s) = %+v, %v", GitHubActions, l, ok)
	}
	if _, err := Extract(GitHubActions, ".github/workflows/ci.yml", []byte("on: push\n")); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Extract of a workflow: %v, want ErrUnsupported as for YAML", err)
	}
	if _, ok := Lookup("NoSuchLanguage"); ok {
		t.Error("Lookup(NoSuchLanguage) found something")
	}
}

func TestIsTestFile(t *testing.T) {
	tests := []struct {
		language, path string
		want           bool
	}{
		{"Go", "review/diff_test.go", true},
		{"Go", "main_test.go", true},
		{"Go", "review/diff.go", false},
		{"Go", "testdata/x.go", false},
		{"Python", "tests/unit/test_api.py", true},
		{"Python", "pkg/api_test.py", true},
		{"Python", "conftest.py", true},
		{"Python", "pkg/testing_utils.py", false},
		{"JavaScript", "src/__tests__/app.js", true},
		{"JavaScript", "src/app.test.js", true},
		{"JavaScript", "src/app.js", false},
		{"TypeScript", "src/app.spec.ts", true},
		{"Java", "module/src/test/java/com/x/FooTest.java", true},
		{"Java", "src/main/java/com/x/Foo.java", false},
		{"Ruby", "spec/models/user_spec.rb", true},
		{"Rust", "tests/integration.rs", true},
		{"Rust", "src/lib.rs", false},
		{"C#", "Api.Tests/ControllerTests.cs", true},
		{"Shell", "test/install.bats", true},
		{"Go", `windows\pkg\x_test.go`, true},
		{"Go", "/abs/x_test.go", true},
		// No knowledge: linguist's general rules apply.
		{"Brainfuck", "tests/x_test.go", true},
		{"Brainfuck", "src/x.b", false},
	}
	for _, tt := range tests {
		if got := IsTestFile(tt.language, tt.path); got != tt.want {
			t.Errorf("IsTestFile(%q, %q) = %v, want %v", tt.language, tt.path, got, tt.want)
		}
	}
}

func containsWord(list []string, word string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, word) })
}
