package codebase

import (
	"path"
	"strings"

	"github.com/reviewbot/reviewbot/languages"
)

// detectLanguage names a file's linguist language through languages.Detect.
// Only the head of the content is passed: the extension settles nearly
// every file, and enry's classifier, used for the ambiguous rest, is slow
// on big inputs while a few kilobytes tell it as much.
func detectLanguage(p string, content []byte) string {
	if len(content) > 16<<10 {
		content = content[:16<<10]
	}
	return languages.Detect(p, content)
}

// languageGroup puts languages whose files reference each other's
// definitions into one bucket: a TypeScript function is called from TSX and
// JavaScript, a C header serves C++.
func languageGroup(lang string) string {
	switch lang {
	case "JavaScript", "TypeScript", "TSX", "JSX", "Vue", "Svelte":
		return "js"
	case "C", "C++", "Objective-C", "Objective-C++", "Cuda":
		return "c"
	case "Java", "Kotlin", "Scala", "Groovy":
		return "jvm"
	}
	return lang
}

// explicitImports lists languages where a name defined in another file is
// usable only after an import that names that file or module, so an import
// is required before a cross-file reference counts. In the others (C via
// headers, Ruby, PHP, Swift modules, C# and Java packages) visibility is
// implicit and matching is by name.
var explicitImports = map[string]bool{
	"Python": true, "JavaScript": true, "TypeScript": true, "TSX": true, "JSX": true,
}

// isTestPath reports whether a path holds tests, by the language's own
// conventions and by the naming patterns testNamesFor produces.
func isTestPath(lang, p string) bool {
	if lang != "" && languages.IsTestFile(lang, p) {
		return true
	}
	base := path.Base(p)
	stem := strings.TrimSuffix(base, path.Ext(base))
	switch {
	case strings.HasSuffix(stem, "_test"), strings.HasPrefix(stem, "test_"),
		strings.HasSuffix(stem, ".test"), strings.HasSuffix(stem, ".spec"),
		strings.HasSuffix(stem, "_spec"), strings.HasSuffix(stem, "Test"),
		strings.HasSuffix(stem, "Tests"), strings.HasSuffix(stem, "Spec"):
		return true
	}
	return strings.Contains("/"+p, "/__tests__/")
}

// testNamesFor returns the base names a test of file p is conventionally
// given: foo.go → foo_test.go, x.py → test_x.py and x_test.py, a.ts →
// a.test.ts and a.spec.ts, Foo.java → FooTest.java, foo.rb → foo_spec.rb.
func testNamesFor(p string) []string {
	base := path.Base(p)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if stem == "" || isTestPath("", p) {
		return nil
	}
	names := []string{
		stem + "_test" + ext, "test_" + stem + ext,
		stem + ".test" + ext, stem + ".spec" + ext, stem + "_spec" + ext,
		stem + "Test" + ext, stem + "Tests" + ext, stem + "Spec" + ext,
	}
	// A TypeScript module is often tested from .tsx and the reverse.
	switch ext {
	case ".ts":
		names = append(names, stem+".test.tsx", stem+".spec.tsx")
	case ".tsx":
		names = append(names, stem+".test.ts", stem+".spec.ts")
	case ".js", ".jsx", ".mjs":
		names = append(names, stem+".test.ts", stem+".spec.ts")
	}
	return names
}
