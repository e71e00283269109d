package codebase

import (
	"path"
	"strings"

	"github.com/go-enry/go-enry/v2"
)

// detectLanguage names a file's linguist language. The extension or file
// name decides when it is unambiguous; only otherwise is content consulted,
// and then only its head, because enry's classifier is slow on big files.
// TODO: switch to languages.Detect once the languages package offers it.
func detectLanguage(p string, content []byte) string {
	if lang, safe := enry.GetLanguageByExtension(p); safe {
		return lang
	}
	if lang, safe := enry.GetLanguageByFilename(p); safe {
		return lang
	}
	if content == nil {
		return ""
	}
	if len(content) > 16<<10 {
		content = content[:16<<10]
	}
	return enry.GetLanguage(path.Base(p), content)
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

// isTestPath reports whether a path looks like a test file by the usual
// conventions of the common languages.
// TODO: switch to languages.IsTestFile once it exists.
func isTestPath(p string) bool {
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
	if stem == "" || isTestPath(p) {
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
