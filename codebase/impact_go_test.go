package codebase

import (
	"slices"
	"strings"
	"testing"
)

const shapesGo = `package shapes

// Box holds two fields.
type Box struct {
	Width  int
	Height int
}

// NewBox builds a Box.
func NewBox() *Box { return &Box{Width: 1, Height: 2} }

func (b *Box) Parent() *Box { return b }

// Area multiplies.
func (b *Box) Area() int {
	return b.Width * b.Height
}

func Tall(b *Box) bool { return b.Parent().Area() > 10 }
`

const shapesUseGo = `package shapes

var Height = 3

func useLocal() int {
	Height := 5
	return Height
}

func useGlobal() int { return Height }

func fact(n int) int {
	if n == 0 {
		return 1
	}
	return n * fact(n-1)
}

func useFact() int { return fact(3) }
`

func shapesRepo() map[string]string {
	return map[string]string{"go.mod": goMod, "shapes/shapes.go": shapesGo, "shapes/use.go": shapesUseGo}
}

func TestGoChangedFieldIsTheFieldNotTheStruct(t *testing.T) {
	newShapes := strings.Replace(shapesGo, "\tWidth  int\n", "\tWidth  int64\n", 1)
	a, _ := analyzeCommits(t, shapesRepo(), map[string]string{"shapes/shapes.go": newShapes}, 0)
	if im := findImpact(a, "shapes.Box"); im != nil {
		t.Errorf("the struct itself reported: %+v", *im)
	}
	im := findImpact(a, "Box.Width")
	if im == nil {
		t.Fatalf("no impact for Box.Width:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("shapes/shapes.go", lineOf(t, shapesGo, "return &Box{Width")),
		loc("shapes/shapes.go", lineOf(t, shapesGo, "return b.Width")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func TestGoCommentOnlyChangeChangesNothing(t *testing.T) {
	newShapes := strings.Replace(shapesGo, "\tWidth  int\n", "\t// Width is in pixels.\n\tWidth int // wide\n", 1)
	newShapes = strings.Replace(newShapes, "// Area multiplies.", "// Area multiplies width by height.", 1)
	a, _ := analyzeCommits(t, shapesRepo(), map[string]string{"shapes/shapes.go": newShapes}, 0)
	if len(a.Impact) != 0 {
		t.Errorf("comment and spacing changes reported:\n%s", dumpAnalysis(a))
	}
}

func TestGoMethodThroughCallChain(t *testing.T) {
	newShapes := strings.Replace(shapesGo, "return b.Width * b.Height", "return b.Height * b.Width", 1)
	a, _ := analyzeCommits(t, shapesRepo(), map[string]string{"shapes/shapes.go": newShapes}, 0)
	im := findImpact(a, "Box.Area")
	if im == nil {
		t.Fatalf("no impact for Box.Area:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("shapes/shapes.go", lineOf(t, shapesGo, "b.Parent().Area()"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func TestGoLocalShadowAndOwnRangeExcluded(t *testing.T) {
	newUse := strings.Replace(shapesUseGo, "var Height = 3", "var Height = 4", 1)
	newUse = strings.Replace(newUse, "return n * fact(n-1)", "return fact(n-1) * n", 1)
	a, _ := analyzeCommits(t, shapesRepo(), map[string]string{"shapes/use.go": newUse}, 0)
	im := findImpact(a, "shapes.Height")
	if im == nil {
		t.Fatalf("no impact for shapes.Height:\n%s", dumpAnalysis(a))
	}
	// The local Height and the field b.Height are other things.
	if want := []string{loc("shapes/use.go", lineOf(t, shapesUseGo, "func useGlobal"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("Height locations = %v, want %v", im.Locations, want)
	}
	fact := findImpact(a, "shapes.fact")
	if fact == nil {
		t.Fatalf("no impact for shapes.fact:\n%s", dumpAnalysis(a))
	}
	// The recursive call lies inside the changed function itself.
	if want := []string{loc("shapes/use.go", lineOf(t, shapesUseGo, "func useFact"))}; !slices.Equal(fact.Locations, want) {
		t.Errorf("fact locations = %v, want %v", fact.Locations, want)
	}
}

const valueGo = `package flags

// Value is what a flag holds.
type Value interface {
	Set(string) error
}

type intValue struct{ n int }

func (v *intValue) Set(s string) error {
	v.n = len(s)
	return nil
}

// Apply sets a flag through the interface.
func Apply(v Value, s string) error { return v.Set(s) }
`

const otherPkgGo = `package other

import "example.com/app/flags"

func use(v flags.Value) error { return v.Set("x") }
`

func TestGoCommonMethodNameSearchedInItsPackage(t *testing.T) {
	base := map[string]string{"go.mod": goMod, "flags/flags.go": valueGo, "other/other.go": otherPkgGo}
	newValue := strings.Replace(valueGo, "v.n = len(s)", "v.n = len(s) + 1", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"flags/flags.go": newValue}, 0)
	im := findImpact(a, "intValue.Set")
	if im == nil {
		t.Fatalf("no impact for intValue.Set:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("flags/flags.go", lineOf(t, valueGo, "return v.Set(s)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (other packages are not searched)", im.Locations, want)
	}
	if !strings.Contains(im.Summary, "receiver types checked") {
		t.Errorf("summary %q does not say how it matched", im.Summary)
	}
}

func TestGoAddedMethodReachedThroughInterface(t *testing.T) {
	base := map[string]string{"go.mod": goMod, "flags/flags.go": valueGo}
	head := map[string]string{"flags/str.go": "package flags\n\ntype strValue struct{ s string }\n\nfunc (v *strValue) Set(s string) error {\n\tv.s = s\n\treturn nil\n}\n"}
	a, _ := analyzeCommits(t, base, head, 0)
	im := findImpact(a, "strValue.Set")
	if im == nil || im.Change != "added" {
		t.Fatalf("no added impact for strValue.Set:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("flags/flags.go", lineOf(t, valueGo, "return v.Set(s)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
	// The new field s is a member matched by name only: not searched.
	if im := findImpact(a, "strValue.s"); im != nil {
		t.Errorf("new field reported: %+v", *im)
	}
}

func TestGoLinesRemovedFromABodyChangeNothing(t *testing.T) {
	newShapes := strings.Replace(shapesGo, "func (b *Box) Parent() *Box { return b }", "func (b *Box) Parent() *Box {\n\treturn b\n}", 1)
	// Base has a three-line Parent; head drops its middle line only.
	r := map[string]string{"go.mod": goMod, "shapes/shapes.go": newShapes, "shapes/use.go": shapesUseGo}
	cut := strings.Replace(newShapes, "\treturn b\n", "", 1)
	a, _ := analyzeCommits(t, r, map[string]string{"shapes/shapes.go": cut}, 0)
	if im := findImpact(a, "Box.Parent"); im != nil {
		t.Errorf("body-only removal reported: %+v", *im)
	}
}
