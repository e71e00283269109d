package languages

import (
	"errors"
	"fmt"
)

// DefKind says what sort of definition a Definition is.
type DefKind string

// Definition kinds shared by every extractor.
const (
	KindFunction  DefKind = "function"
	KindMethod    DefKind = "method"
	KindClass     DefKind = "class"
	KindType      DefKind = "type"
	KindInterface DefKind = "interface"
	KindVariable  DefKind = "variable"
	KindConstant  DefKind = "constant"
	KindModule    DefKind = "module"
)

// Definition is one named definition found in a file. Lines are 1-based and
// inclusive; StartLine..EndLine covers the whole definition including its body,
// StartLine..SignatureEnd only its header (name, parameters, result).
type Definition struct {
	Name         string  // simple name as written: "Run"
	Container    string  // receiver type or enclosing class/module, "" at top level
	Kind         DefKind // function, method, class, ...
	StartLine    int
	SignatureEnd int
	EndLine      int
	Exported     bool // visible outside its file/package by the language's rules
	// ExportedAs is another name the definition is exported under
	// (JavaScript's export { a as b }; "default" for export default a),
	// "" when none.
	ExportedAs string
	// Header and Value locate in the file what the declaration promises
	// its users and, apart, its value (Go only, empty elsewhere): a
	// function's "func (recv) Name[T](params) results", a type's name,
	// type parameters and underlying type (its kind for a struct or
	// interface), a field's or a typed const's type; a const or var
	// initializer, a struct tag. A changed Header is a signature change;
	// a changed Value is not.
	Header, Value ByteSpan
}

// ByteSpan is a half-open range of byte offsets in a file; the zero value
// is empty.
type ByteSpan struct {
	Start, End int
}

// QualifiedName is Container.Name, or Name at top level.
func (d Definition) QualifiedName() string {
	if d.Container == "" {
		return d.Name
	}
	return d.Container + "." + d.Name
}

// Reference is one use of an identifier. Qualifier is the text before the
// selector when the syntax shows one ("pkg" in pkg.Func, "s" in s.Run,
// "Foo" in Foo::bar), "" for a bare identifier.
//
// Member is set when the syntax shows a member access, whatever stands left
// of it: x.Name, f().Name, this.name, self.name, a keyed field in a Go
// composite literal (T{Name: v}). A member reference can only name a
// method, field or property, never a package-level function or variable,
// even when Qualifier is "" because the left side is a call or an index.
type Reference struct {
	Name      string
	Qualifier string
	// QualifierType is the type the qualifier's declaration spells, when
	// it is a local, parameter or receiver declared with a named type
	// (Go's "T" or "pkg.T" for c in func (c T) m() { c.Name() }, "*T" or
	// "*pkg.T" through a pointer, which is never an interface); "" when
	// the syntax does not say.
	QualifierType string
	Member        bool
	// InType is set for a name in a type position (TypeScript's
	// type_identifier: an annotation, a generic argument), which names a
	// type, an interface or a class, never a plain value.
	InType bool
	// Write is set for the target of a plain assignment (x.name = v,
	// name = v), which rebinds the name rather than using what it held.
	Write  bool
	Line   int // 1-based
	Column int // 1-based, in bytes
}

// Import is one import/include/require statement.
type Import struct {
	Path  string // as written: "net/http", "./util", "os.path"
	Alias string // local name when the syntax gives one ("" otherwise)
	Line  int
	// Export is set for a re-export (JavaScript's export ... from), whose
	// names this file passes on to its importers.
	Export bool
}

// NamedImport is one name an import brings in by name, as the imported
// module spells it (JavaScript's import { a, b as c } from "m": a and b;
// a default import X is Name "default", Local X).
type NamedImport struct {
	Name  string
	Local string // the name bound in this file when renamed (b), "" otherwise
	Path  string // the import's Path
	Line  int    // the line of the name
}

// FileSymbols is everything an extractor found in one file.
type FileSymbols struct {
	Language    string // linguist name, e.g. "Go", "TypeScript"
	Package     string // package/namespace/module declared by the file, if any
	Definitions []Definition
	References  []Reference
	Imports     []Import
	Heuristic   bool // true when found by the brace/indent fallback, not a syntax tree
	// Docs are the line spans that hold documentation written as code
	// (Python docstrings and attribute docstrings: a statement that is a
	// bare string), which, like comments, change no behaviour.
	Docs []LineSpan
	// Named lists the names imported by name, for the languages that
	// import that way (JavaScript, TypeScript).
	Named []NamedImport
}

// LineSpan is an inclusive range of 1-based lines.
type LineSpan struct {
	Start, End int
}

// ErrUnsupported is returned by Extract for languages with no extractor and
// no usable fallback: data, markup and prose formats, and names linguist
// does not know.
var ErrUnsupported = errors.New("no symbol extractor for this language")

// extractor parses one language. Implementations register themselves in
// extractors from their own files (one file per language family).
type extractor func(path string, src []byte) (*FileSymbols, error)

// extractors maps a linguist language name to its extractor.
var extractors = map[string]extractor{}

// Extract returns the definitions, references and imports of src, written in
// the named linguist language. Programming languages without a syntax-tree
// extractor fall back to a brace/indentation heuristic (FileSymbols.Heuristic
// is then set); other languages give ErrUnsupported.
func Extract(language, path string, src []byte) (*FileSymbols, error) {
	if ex, ok := extractors[language]; ok {
		fs, err := ex(path, src)
		if err != nil {
			return nil, fmt.Errorf("extract %s symbols from %s: %w", language, path, err)
		}
		fs.Language = language
		fs.normalize(src)
		return fs, nil
	}
	if languageType(language) == "programming" {
		fs := extractHeuristic(language, src)
		fs.Language = language
		fs.normalize(src)
		return fs, nil
	}
	return nil, fmt.Errorf("extract symbols from %s (%s): %w", path, language, ErrUnsupported)
}
