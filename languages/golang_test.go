package languages

import (
	"errors"
	"testing"
)

const goSample = `package store

import (
	"context"
	"fmt"
	sq "database/sql"
)

// MaxRows caps one query.
const MaxRows = 500

var defaultTimeout = 3

// Store wraps a database handle.
type Store[T any] struct {
	db *sq.DB
}

// Getter fetches by key.
type Getter interface {
	Get(ctx context.Context, key string) (string, error)
	fmt.Stringer
}

// Get looks a key up.
func (s *Store[T]) Get(ctx context.Context,
	key string) (string, error) {
	row := s.db.QueryRowContext(ctx, "SELECT v FROM kv WHERE k = ?", key)
	var v string
	if err := row.Scan(&v); err != nil {
		return "", fmt.Errorf("get %s: %w", key, err)
	}
	return v, nil
}

func helper() int { return MaxRows + defaultTimeout }
`

func TestExtractGoDefinitions(t *testing.T) {
	fs, err := Extract("Go", "store/store.go", []byte(goSample))
	if err != nil {
		t.Fatal(err)
	}
	if fs.Package != "store" || fs.Language != "Go" || fs.Heuristic {
		t.Errorf("package %q language %q heuristic %v", fs.Package, fs.Language, fs.Heuristic)
	}
	want := []Definition{
		{Name: "MaxRows", Kind: KindConstant, StartLine: 10, SignatureEnd: 10, EndLine: 10, Exported: true},
		{Name: "defaultTimeout", Kind: KindVariable, StartLine: 12, SignatureEnd: 12, EndLine: 12},
		{Name: "Store", Kind: KindType, StartLine: 15, SignatureEnd: 15, EndLine: 17, Exported: true},
		{Name: "db", Container: "Store", Kind: KindVariable, StartLine: 16, SignatureEnd: 16, EndLine: 16},
		{Name: "Getter", Kind: KindInterface, StartLine: 20, SignatureEnd: 20, EndLine: 23, Exported: true},
		{Name: "Get", Container: "Getter", Kind: KindMethod, StartLine: 21, SignatureEnd: 21, EndLine: 21, Exported: true},
		{Name: "Get", Container: "Store", Kind: KindMethod, StartLine: 26, SignatureEnd: 27, EndLine: 34, Exported: true},
		{Name: "helper", Kind: KindFunction, StartLine: 36, SignatureEnd: 36, EndLine: 36},
	}
	if len(fs.Definitions) != len(want) {
		t.Fatalf("got %d definitions, want %d: %+v", len(fs.Definitions), len(want), fs.Definitions)
	}
	for i, w := range want {
		got := fs.Definitions[i]
		got.Header, got.Value = ByteSpan{}, ByteSpan{} // checked in TestExtractGoHeaderAndValue
		if got != w {
			t.Errorf("definition %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
}

// The header and value spans hold what a signature comparison needs:
// the function's header without its body, a const's value apart from its
// (absent) type, a field's type apart from its tag.
func TestExtractGoHeaderAndValue(t *testing.T) {
	src := "package p\n\nconst Max int = 10\n\ntype T struct {\n\tA []string `json:\"a\"`\n}\n\nfunc (t *T) Len(n int) (int, error) { return len(t.A) + n, nil }\n"
	fs, err := Extract("Go", "p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	text := func(s ByteSpan) string { return src[s.Start:s.End] }
	want := map[string][2]string{
		"Max":   {"int", "10"},
		"T":     {"T struct ", ""},
		"T.A":   {"[]string", "`json:\"a\"`"},
		"T.Len": {"func (t *T) Len(n int) (int, error)", ""},
	}
	for _, d := range fs.Definitions {
		w, ok := want[d.QualifiedName()]
		if !ok {
			continue
		}
		if got := [2]string{text(d.Header), text(d.Value)}; got != w {
			t.Errorf("%s: header, value = %q, want %q", d.QualifiedName(), got, w)
		}
		delete(want, d.QualifiedName())
	}
	if len(want) > 0 {
		t.Errorf("not found: %v", want)
	}
}

func TestExtractGoReferencesAndImports(t *testing.T) {
	fs, err := Extract("Go", "store.go", []byte(goSample))
	if err != nil {
		t.Fatal(err)
	}
	wantImports := []Import{
		{Path: "context", Line: 4},
		{Path: "fmt", Line: 5},
		{Path: "database/sql", Alias: "sq", Line: 6},
	}
	if len(fs.Imports) != len(wantImports) {
		t.Fatalf("imports %+v", fs.Imports)
	}
	for i, w := range wantImports {
		if fs.Imports[i] != w {
			t.Errorf("import %d: got %+v want %+v", i, fs.Imports[i], w)
		}
	}
	// s.db.QueryRowContext: the qualifier is the identifier just left of it.
	mustHaveRef(t, fs, Reference{Name: "QueryRowContext", Qualifier: "db", Line: 28, Column: 14})
	mustHaveRef(t, fs, Reference{Name: "db", Qualifier: "s", Line: 28})
	mustHaveRef(t, fs, Reference{Name: "Errorf", Qualifier: "fmt", Line: 31})
	mustHaveRef(t, fs, Reference{Name: "DB", Qualifier: "sq", Line: 16})
	mustHaveRef(t, fs, Reference{Name: "Stringer", Qualifier: "fmt", Line: 22})
	mustHaveRef(t, fs, Reference{Name: "MaxRows", Line: 36})
	mustHaveRef(t, fs, Reference{Name: "Scan", Qualifier: "row", Line: 30})
	// Names being defined are not uses of themselves; Get, helper and Getter
	// are never used in the sample, row and key only after line 28.
	for _, r := range fs.References {
		if r.Name == "helper" || r.Name == "Getter" || r.Name == "Get" ||
			r.Name == "row" && r.Line == 28 || r.Name == "key" && r.Line == 27 {
			t.Errorf("definition reported as reference: %+v", r)
		}
	}
}

// mustHaveRef fails unless fs has a reference matching want; a zero Column
// in want matches any column.
func mustHaveRef(t *testing.T, fs *FileSymbols, want Reference) {
	t.Helper()
	for _, r := range fs.References {
		if r.Name == want.Name && r.Qualifier == want.Qualifier && r.Line == want.Line &&
			(want.Column == 0 || r.Column == want.Column) {
			return
		}
	}
	t.Errorf("no reference %+v among %d references", want, len(fs.References))
}

func TestExtractGoBrokenSource(t *testing.T) {
	src := "package p\n\nfunc Good() int { return 1 }\n\nfunc Broken( {\n\tx := \n"
	fs, err := Extract("Go", "p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs.Definitions) == 0 || fs.Definitions[0].Name != "Good" || fs.Definitions[0].EndLine != 3 {
		t.Errorf("partial AST lost the valid function: %+v", fs.Definitions)
	}
	for _, d := range fs.Definitions {
		if d.EndLine > lineCount([]byte(src)) {
			t.Errorf("definition past end of file: %+v", d)
		}
	}
}

func TestExtractUnknownLanguage(t *testing.T) {
	_, err := Extract("JSON", "a.json", []byte(`{"a": 1}`))
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("JSON: got %v, want ErrUnsupported", err)
	}
}

func TestExtractGoMembersAndLocals(t *testing.T) {
	src := `package p

var count = 1

func f(n int) int {
	count := n
	_ = T{Name: "x"}
	_ = map[string]int{key: 1}
	return count + g().Size + n
}
`
	fs, err := Extract("Go", "p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Reference{}
	for _, r := range fs.References {
		got[r.Name] = r
	}
	if _, ok := got["count"]; ok {
		t.Errorf("local count reported as a reference: %+v", fs.References)
	}
	if _, ok := got["n"]; ok {
		t.Errorf("parameter n reported as a reference")
	}
	if r := got["Name"]; !r.Member || r.Qualifier != "" {
		t.Errorf("keyed field Name = %+v, want a member reference", r)
	}
	if r := got["key"]; r.Member {
		t.Errorf("map key reported as a member: %+v", r)
	}
	if r := got["Size"]; !r.Member || r.Qualifier != "" {
		t.Errorf("g().Size = %+v, want a member reference without qualifier", r)
	}
	if r := got["g"]; r.Member {
		t.Errorf("call g() reported as a member: %+v", r)
	}
}
