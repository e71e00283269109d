package codebase

import (
	"slices"
	"strings"
	"testing"
)

const tsSchemas = `export interface Shape {
  kind: string;
  size: number;
}

export const Shape = { make(kind: string): Shape { return { kind, size: 1 }; } };

export class Box {
  width = 1;
  area(): number { return this.width; }
}
`

const tsIndex = `export * from "./schemas.js";
`

const tsUse = `import * as core from "./core/index.js";

export function build(): core.Shape {
  const s: core.Shape = core.Shape.make("x");
  return s;
}

export function measure(b: core.Box): number {
  return b.width + b.area();
}
`

const tsUnrelated = `export function other(o: { width: number }): number {
  return o.width;
}
`

func tsShapesRepo() map[string]string {
	return map[string]string{
		"src/core/schemas.ts": tsSchemas,
		"src/core/index.ts":   tsIndex,
		"src/use.ts":          tsUse,
		"src/unrelated.ts":    tsUnrelated,
	}
}

func TestTypeScriptConstIsNotTheInterfaceAndReexportsAreFollowed(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/use.ts", tsUse)
	newSchemas := strings.Replace(tsSchemas, "return { kind, size: 1 }", "return { kind, size: 2 }", 1)
	a, _ := analyzeCommits(t, tsShapesRepo(), map[string]string{"src/core/schemas.ts": newSchemas}, 0)
	im := findImpact(a, "schemas.Shape")
	if im == nil {
		t.Fatalf("no impact for the const Shape:\n%s", dumpAnalysis(a))
	}
	// Only the value use, reached through index.ts's export *; the type
	// annotations name the interface.
	if want := []string{loc("src/use.ts", lineOf(t, tsUse, "core.Shape.make"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func TestTypeScriptPropertyIsAMemberOfItsClass(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/use.ts", tsUse)
	newSchemas := strings.Replace(tsSchemas, "  width = 1;", "  width = 2;", 1)
	a, _ := analyzeCommits(t, tsShapesRepo(), map[string]string{"src/core/schemas.ts": newSchemas}, 0)
	if im := findImpact(a, "schemas.Box"); im != nil {
		t.Errorf("the class itself reported: %+v", *im)
	}
	im := findImpact(a, "Box.width")
	if im == nil {
		t.Fatalf("no impact for Box.width:\n%s", dumpAnalysis(a))
	}
	// unrelated.ts imports nothing of schemas: its o.width is another type's.
	want := []string{
		loc("src/core/schemas.ts", lineOf(t, tsSchemas, "return this.width")),
		loc("src/use.ts", lineOf(t, tsUse, "b.width")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}
