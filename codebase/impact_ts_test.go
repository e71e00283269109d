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

const tsRetryer = `export type Ctx = {
  client: string
  signal: number
}

export class Retryer {
  #count = 0

  bump(): number {
    this.#count++
    return this.#count
  }
}

function helper(): number {
  return 1
}

export function createRetryer(ctx: Ctx) {
  const cancel = () => helper()
  return { cancel, ctx }
}

export { helper as helperAlias }
`

const tsRetryerUse = `import { createRetryer, type Ctx } from './retryer'

export function run(ctx: Ctx, client: string) {
  const r = createRetryer(ctx)
  r.cancel()
  return ctx.client + client
}

function cancel() {}
`

func tsRetryerRepo() map[string]string {
	return map[string]string{"src/retryer.ts": tsRetryer, "src/use.ts": tsRetryerUse}
}

func TestTypeScriptPrivateNamesAreMembersOfTheirClass(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/retryer.ts", tsRetryer)
	newSrc := strings.Replace(tsRetryer, "#count = 0", "#count = 1", 1)
	a, _ := analyzeCommits(t, tsRetryerRepo(), map[string]string{"src/retryer.ts": newSrc}, 0)
	im := findImpact(a, "Retryer.#count")
	if im == nil {
		t.Fatalf("no impact for Retryer.#count:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("src/retryer.ts", lineOf(t, tsRetryer, "this.#count++")),
		loc("src/retryer.ts", lineOf(t, tsRetryer, "return this.#count")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func TestTypeScriptObjectTypeAliasChangesAsAWhole(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/retryer.ts", tsRetryer)
	newSrc := strings.Replace(tsRetryer, "client: string", "client: number", 1)
	a, _ := analyzeCommits(t, tsRetryerRepo(), map[string]string{"src/retryer.ts": newSrc}, 0)
	// Its properties are members of Ctx, yet, as in compilers' outlines,
	// a line of an object type alias changes the alias: the uses of Ctx
	// are listed, and the parameter named client is nobody's.
	if im := findImpact(a, "Ctx.client"); im != nil {
		t.Errorf("the property reported: %+v", *im)
	}
	im := findImpact(a, "retryer.Ctx")
	if im == nil {
		t.Fatalf("no impact for Ctx:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("src/retryer.ts", lineOf(t, tsRetryer, "createRetryer(ctx: Ctx)")),
		loc("src/use.ts", 1),
		loc("src/use.ts", lineOf(t, tsRetryerUse, "run(ctx: Ctx")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func TestTypeScriptLocalsStayInTheirFunction(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/retryer.ts", tsRetryer)
	newSrc := strings.Replace(tsRetryer, "const cancel = () => helper()", "const cancel = () => helper() + 1", 1)
	newSrc = strings.Replace(newSrc, "  return 1\n", "  return 2\n", 1)
	a, _ := analyzeCommits(t, tsRetryerRepo(), map[string]string{"src/retryer.ts": newSrc}, 0)
	// cancel is local to createRetryer, and functions are leaves: the
	// line changes createRetryer, whose uses are listed; r.cancel() and
	// another file's function cancel are nobody's uses.
	if im := findImpact(a, "retryer.cancel"); im != nil {
		t.Errorf("local cancel reported: %+v", *im)
	}
	im := findImpact(a, "retryer.createRetryer")
	if im == nil {
		t.Fatalf("no impact for createRetryer:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("src/use.ts", lineOf(t, tsRetryerUse, "import { createRetryer")),
		loc("src/use.ts", lineOf(t, tsRetryerUse, "createRetryer(ctx)")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("createRetryer locations = %v, want %v", im.Locations, want)
	}
	// helper is not exported by declaration but by the export list, and
	// used in its own file.
	im = findImpact(a, "retryer.helper")
	if im == nil {
		t.Fatalf("no impact for helper:\n%s", dumpAnalysis(a))
	}
	want = []string{loc("src/retryer.ts", lineOf(t, tsRetryer, "export { helper"))}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

const tsVirtualizer = `export class Virtualizer {
  private observer = (() => {
    let ro: ResizeObserver | null = null

    const get = () => {
      if (ro) {
        return ro
      }
      return (ro = new ResizeObserver(() => {}))
    }

    return {
      observe: (el: Element) => get()?.observe(el),
      disconnect: () => get()?.disconnect(),
    }
  })()

  cleanup = () => {
    this.observer.disconnect()
  }

  measure(node: Element) {
    this.observer.observe(node)
  }
}
`

func TestTypeScriptPropertyInitializerChangeIsTheProperty(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/index.ts", tsVirtualizer)
	newSrc := strings.Replace(tsVirtualizer, "return ro\n", "return ro ?? null\n", 1)
	a, _ := analyzeCommits(t, map[string]string{"src/index.ts": tsVirtualizer}, map[string]string{"src/index.ts": newSrc}, 0)
	// get is local to the property's initializer: the property changed,
	// and its uses are this.observer in the class's methods.
	if im := findImpact(a, "index.get"); im != nil {
		t.Errorf("the initializer's local reported: %+v", *im)
	}
	im := findImpact(a, "Virtualizer.observer")
	if im == nil {
		t.Fatalf("no impact for Virtualizer.observer:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("src/index.ts", lineOf(t, tsVirtualizer, "this.observer.disconnect()")),
		loc("src/index.ts", lineOf(t, tsVirtualizer, "this.observer.observe(node)")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}
