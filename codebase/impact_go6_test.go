package codebase

import (
	"slices"
	"strings"
	"testing"
)

// A file type-checked for another target's candidates keeps only the
// bodies holding them: a use of a changed field in another body of that
// file has no type there, and is matched by name as in an unchecked file,
// not taken for a value of a type from outside the module.
func TestGoFieldUseInBodyNotCheckedIsMatched(t *testing.T) {
	src := `package render

import "io"

type renderer struct {
	out io.Writer
}

type a struct{}

func (a) Flush() {}

type b struct{}

func (b) Flush() {}

func newA() a { return a{} }

func use() { newA().Flush() }

func (r *renderer) write(p []byte) {
	r.out.Write(p)
}
`
	base := map[string]string{"go.mod": goMod, "render/render.go": src}
	head := strings.Replace(src, "\tout io.Writer\n", "\tout io.ReadWriter\n", 1)
	head = strings.Replace(head, "func (a) Flush() {}", "func (a) Flush() { println() }", 1)
	an, _ := analyzeCommits(t, base, map[string]string{"render/render.go": head}, 0)
	if im := findImpact(an, "a.Flush"); im == nil || !slices.Equal(im.Locations, []string{loc("render/render.go", lineOf(t, src, "newA().Flush()"))}) {
		t.Fatalf("a.Flush: want the one typed call (the file must be type-checked for this test):\n%s", dumpAnalysis(an))
	}
	im := findImpact(an, "renderer.out")
	if im == nil {
		t.Fatalf("no impact for renderer.out:\n%s", dumpAnalysis(an))
	}
	if want := []string{loc("render/render.go", lineOf(t, src, "r.out.Write(p)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// The go command builds no directory starting with "_" or "." and nothing
// under testdata: an example there that calls the changed API is not a
// use of it, while the same call in a package of the module is.
func TestGoToolIgnoredDirsAreNotUses(t *testing.T) {
	val := `package val

type Validate struct{ tags string }

func New() *Validate { return &Validate{} }

func (v *Validate) Struct(s any) error { return nil }
`
	use := `package main

import "example.com/app/val"

func main() {
	v := val.New()
	_ = v.Struct(nil)
}
`
	base := map[string]string{"go.mod": goMod, "val/val.go": val, "cmd/app/main.go": use,
		"_examples/simple/main.go": use, "val/testdata/x/main.go": use}
	head := strings.Replace(val, "func New() *Validate {", "func New(opts ...int) *Validate {", 1)
	head = strings.Replace(head, "func (v *Validate) Struct(s any) error {", "func (v *Validate) Struct(s any, more ...int) error {", 1)
	an, _ := analyzeCommits(t, base, map[string]string{"val/val.go": head}, 0)
	for sym, needle := range map[string]string{"val.New": "val.New()", "Validate.Struct": "v.Struct(nil)"} {
		im := findImpact(an, sym)
		if im == nil {
			t.Fatalf("no impact for %s:\n%s", sym, dumpAnalysis(an))
		}
		if want := []string{loc("cmd/app/main.go", lineOf(t, use, needle))}; !slices.Equal(im.Locations, want) {
			t.Errorf("%s: locations = %v, want %v", sym, im.Locations, want)
		}
	}
}

// A local or a field named like an imported package (fs := NewMemMapFs()
// in a file importing "io/fs") is a value: its selectors are member uses.
func TestGoLocalShadowingImportIsAReceiver(t *testing.T) {
	lib := `package afero

type Fs interface {
	Rename(oldname, newname string) error
}

type MemMapFs struct{}

func NewMemMapFs() Fs { return &MemMapFs{} }

func (m *MemMapFs) Rename(oldname, newname string) error { return nil }

type OsFs struct{}

func (OsFs) Rename(oldname, newname string) error { return nil }
`
	use := `package afero

import (
	"io/fs"
	"testing"
)

type holder struct{ fs Fs }

func TestRename(t *testing.T) {
	fs := NewMemMapFs()
	_ = fs.Rename("a", "b")
}

func (h holder) move() error { return h.fs.Rename("a", "b") }

var _ fs.FileMode
`
	base := map[string]string{"go.mod": goMod, "afero/memmap.go": lib, "afero/memmap_test.go": use}
	head := strings.Replace(lib, "func (m *MemMapFs) Rename(oldname, newname string) error { return nil }", "func (m *MemMapFs) Rename(oldname, newname string) error {\n\treturn nil // checked\n}", 1)
	an, _ := analyzeCommits(t, base, map[string]string{"afero/memmap.go": head}, 0)
	im := findImpact(an, "MemMapFs.Rename")
	if im == nil {
		t.Fatalf("no impact for MemMapFs.Rename:\n%s", dumpAnalysis(an))
	}
	want := []string{loc("afero/memmap_test.go", lineOf(t, use, `fs.Rename("a", "b")`)), loc("afero/memmap_test.go", lineOf(t, use, `h.fs.Rename`))}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// An interface of the module that embeds one from outside (File embeds
// io.ReaderAt) has that interface's methods: file.ReadAt on a File is a
// call of every File's ReadAt, though the outside package is not checked.
func TestGoCallThroughOutsideEmbeddedInterface(t *testing.T) {
	lib := `package afero

import "io"

type File interface {
	io.ReaderAt
	Name() string
}

type Fs interface {
	Open(name string) (File, error)
}
`
	impl := `package mem

import "example.com/app/afero"

type File struct{ name string }

func (f *File) Name() string { return f.name }

func (f *File) ReadAt(p []byte, off int64) (int, error) { return 0, nil }

type Reader struct{}

func (Reader) ReadAt(p []byte, off int64) (int, error) { return 0, nil }

var _ afero.File = (*File)(nil)
`
	use := `package check

import "example.com/app/afero"

func read(fs afero.Fs) {
	f, _ := fs.Open("x")
	_, _ = f.ReadAt(nil, 0)
}
`
	base := map[string]string{"go.mod": goMod, "afero/afero.go": lib, "mem/file.go": impl, "check/check.go": use}
	head := strings.Replace(impl, "func (f *File) ReadAt(p []byte, off int64) (int, error) { return 0, nil }", "func (f *File) ReadAt(p []byte, off int64) (int, error) {\n\treturn len(p), nil\n}", 1)
	an, _ := analyzeCommits(t, base, map[string]string{"mem/file.go": head}, 0)
	im := findImpact(an, "File.ReadAt")
	if im == nil {
		t.Fatalf("no impact for File.ReadAt:\n%s", dumpAnalysis(an))
	}
	if want := []string{loc("check/check.go", lineOf(t, use, "f.ReadAt"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// A call through an interface of the module reaches the implementations
// of its method even from a package that imports none of them: types say
// what the call resolves to, and the implementing type's method is used.
func TestGoModuleInterfaceCallFromPackageNotImportingImpl(t *testing.T) {
	api := `package api

type Store interface {
	Lookup(key string) (string, error)
}
`
	impl := `package mem

type Store struct{ m map[string]string }

func (s *Store) Lookup(key string) (string, error) { return s.m[key], nil }

type Cache struct{}

func (Cache) Lookup(key string) (string, error) { return "", nil }
`
	use := `package use

import "example.com/app/api"

func load(s api.Store) string {
	v, _ := s.Lookup("k")
	return v
}

type Other struct{}

func (Other) Lookup(key string) (string, error) { return "", nil }

func other(o Other) { o.Lookup("k") }
`
	base := map[string]string{"go.mod": goMod, "api/api.go": api, "mem/mem.go": impl, "use/use.go": use,
		"_examples/use/use.go": use} // outside the build: not a use
	head := strings.Replace(impl, "func (s *Store) Lookup(key string) (string, error) { return s.m[key], nil }", "func (s *Store) Lookup(key string) (string, error) {\n\treturn s.m[key+\"/\"], nil\n}", 1)
	an, _ := analyzeCommits(t, base, map[string]string{"mem/mem.go": head}, 0)
	im := findImpact(an, "Store.Lookup")
	if im == nil {
		t.Fatalf("no impact for Store.Lookup:\n%s", dumpAnalysis(an))
	}
	if want := []string{loc("use/use.go", lineOf(t, use, `s.Lookup("k")`))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}
