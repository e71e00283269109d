package codebase

import (
	"slices"
	"strings"
	"testing"
)

// An npm package's src/ as published: no package.json, tests importing the
// package by its own name.
const tsPkgSchemas = `export function _fn(n: number): number {
  return n + 1;
}

export function httpUrl(): string {
  return "u";
}

export { _fn as fn };
`

const tsPkgIndex = `export * from "./schemas.js";
`

const tsPkgTest = `import { expect } from "vitest";
import * as z from "pkg/v4";
import { httpUrl as h } from "pkg/v4";

const httpUrl = h();
expect(z.fn(1)).toBe(2);
expect(httpUrl.length).toBe(1);
`

func TestTypeScriptOwnPackageNameAndExportAliases(t *testing.T) {
	requireExtractor(t, "TypeScript", "v4/schemas.ts", tsPkgSchemas)
	base := map[string]string{
		"index.ts":            "export * from \"./v4/index.js\";\n",
		"v4/index.ts":         tsPkgIndex,
		"v4/schemas.ts":       tsPkgSchemas,
		"v4/tests/fn.test.ts": tsPkgTest,
	}
	newSrc := strings.Replace(tsPkgSchemas, "return n + 1;", "return n + 2;", 1)
	newSrc = strings.Replace(newSrc, `return "u";`, `return "v";`, 1)
	a, _ := analyzeCommits(t, base, map[string]string{"v4/schemas.ts": newSrc}, 0)
	// "pkg/v4" resolves to v4/index.ts, which re-exports schemas; _fn is
	// used as z.fn through its export alias.
	im := findImpact(a, "schemas._fn")
	if im == nil {
		t.Fatalf("no impact for _fn:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("v4/schemas.ts", lineOf(t, tsPkgSchemas, "export { _fn")),
		loc("v4/tests/fn.test.ts", lineOf(t, tsPkgTest, "z.fn(1)")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("_fn locations = %v, want %v", im.Locations, want)
	}
	// The local const httpUrl is not the export: only the named import is.
	im = findImpact(a, "schemas.httpUrl")
	if im == nil {
		t.Fatalf("no impact for httpUrl:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("v4/tests/fn.test.ts", lineOf(t, tsPkgTest, "import { httpUrl"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("httpUrl locations = %v, want %v", im.Locations, want)
	}
}

func TestTypeScriptPackageJSONNameAndTSConfigPaths(t *testing.T) {
	requireExtractor(t, "TypeScript", "v4/schemas.ts", tsPkgSchemas)
	use := "import { httpUrl } from \"@acme/kit/v4\";\nimport { fn } from \"@lib/schemas\";\n\nexport const u = httpUrl() + fn(1);\n"
	base := map[string]string{
		"package.json":        `{"name": "@acme/kit", "exports": {".": "./src/index.ts", "./v4": {"types": "./src/v4/index.ts"}}}`,
		"tsconfig.json":       "{\n  // comment\n  \"compilerOptions\": {\"baseUrl\": \".\", \"paths\": {\"@lib/*\": [\"src/v4/*\"],},},\n}\n",
		"src/index.ts":        "export * from \"./v4/index.js\";\n",
		"src/v4/index.ts":     tsPkgIndex,
		"src/v4/schemas.ts":   tsPkgSchemas,
		"app/use.ts":          use,
		"app/other.ts":        "import { httpUrl } from \"other-kit/v4\";\nexport const x = httpUrl();\n",
		"app/other-helper.ts": "export function unrelated() {}\n",
	}
	newSrc := strings.Replace(tsPkgSchemas, `return "u";`, `return "v";`, 1)
	newSrc = strings.Replace(newSrc, "return n + 1;", "return n + 2;", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"src/v4/schemas.ts": newSrc}, 0)
	im := findImpact(a, "schemas.httpUrl")
	if im == nil {
		t.Fatalf("no impact for httpUrl:\n%s", dumpAnalysis(a))
	}
	// Through the package.json exports subpath; other-kit is another package.
	want := []string{loc("app/use.ts", 1), loc("app/use.ts", 4)}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("httpUrl locations = %v, want %v", im.Locations, want)
	}
	// fn is the export alias of _fn, imported through the tsconfig path.
	im = findImpact(a, "schemas._fn")
	if im == nil || !slices.Contains(im.Locations, loc("app/use.ts", 4)) {
		t.Errorf("_fn through the tsconfig path: %+v\n%s", im, dumpAnalysis(a))
	}
}

const tsShapes = `export interface Def {
  type: string;
}

export interface Other {
  type: number;
}

export interface Third {
  type: boolean;
}

export interface Fourth {
  type: string[];
}

export class Fn {
  implement(x: number): number {
    return x;
  }
}
`

const tsShapesUse = `import type { Def } from "./shapes";
import { Fn } from "./shapes";

export function kind(d: Def): string {
  return d.type;
}

export function run(f: Fn) {
  return f.implement(1);
}
`

const tsShapesOther = `import { Fn } from "./shapes";

export function size(o: { type: number }, f: Fn): number {
  return o.type + f.implement(2);
}
`

func TestTypeScriptSharedMemberNamesNeedTheirContainer(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/shapes.ts", tsShapes)
	wrap := "import type { AnyDef } from \"./shapes\";\n\nexport const kindOf = (d: AnyDef) => d.type;\n"
	base := map[string]string{"src/shapes.ts": tsShapes, "src/use.ts": tsShapesUse, "src/other.ts": tsShapesOther, "src/wrap.ts": wrap}
	newSrc := strings.Replace(tsShapes, "  type: string;", "  type: \"a\" | \"b\";", 1)
	newSrc = strings.Replace(newSrc, "return x;", "return x + 1;", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"src/shapes.ts": newSrc}, 0)
	// Four interfaces declare type: only the files that name Def (or a
	// name built on it, AnyDef) count.
	im := findImpact(a, "Def.type")
	if im == nil {
		t.Fatalf("no impact for Def.type:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("src/use.ts", lineOf(t, tsShapesUse, "d.type")), "src/wrap.ts:3"}; !slices.Equal(im.Locations, want) {
		t.Errorf("Def.type locations = %v, want %v", im.Locations, want)
	}
	// implement is declared once: matched by name in every importer.
	im = findImpact(a, "Fn.implement")
	if im == nil || len(im.Locations) != 2 {
		t.Errorf("Fn.implement: %+v", im)
	}
}

func TestTypeScriptClassMovedBetweenModulesKeepsItsUses(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/shapes.ts", tsShapes)
	fnClass := tsShapes[strings.Index(tsShapes, "export class Fn"):]
	base := map[string]string{
		"src/shapes.ts": tsShapes,
		"src/fn.ts":     "export const version = 1;\n",
		"src/index.ts":  "export * from \"./shapes\";\nexport * from \"./fn\";\n",
		"src/use.ts":    "import { Fn } from \"./index\";\n\nexport const n = new Fn().implement(1);\n",
	}
	moved := strings.Replace(fnClass, "return x;", "return x * 2;", 1)
	a, _ := analyzeCommits(t, base, map[string]string{
		"src/shapes.ts": strings.TrimSuffix(tsShapes, fnClass),
		"src/fn.ts":     "export const version = 1;\n\n" + moved,
	}, 0)
	im := findImpact(a, "Fn.implement")
	if im == nil {
		t.Fatalf("no impact for the moved Fn.implement:\n%s", dumpAnalysis(a))
	}
	if want := []string{"src/use.ts:3"}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
	for _, x := range a.Impact {
		if x.Change == ChangeDeleted && strings.Contains(x.Symbol, "Fn") {
			t.Errorf("moved definition reported deleted: %+v", x)
		}
	}
}

const tsErrors = `export class AppError extends Error {
  code: string;
  constructor(code: string) {
    super(code);
    this.code = code;
  }
}
`

const tsErrorsUse = `import { AppError } from "./errors";

export function fail(): never {
  throw new AppError("x");
}

export function isApp(e: unknown): e is AppError {
  return e instanceof AppError;
}

export type Code = AppError["code"];
`

func TestTypeScriptConstructorIsUsedByNewAndIndexedTypesNameMembers(t *testing.T) {
	requireExtractor(t, "TypeScript", "src/errors.ts", tsErrors)
	base := map[string]string{"src/errors.ts": tsErrors, "src/use.ts": tsErrorsUse}
	newSrc := strings.Replace(tsErrors, "    super(code);", "    super(\"app: \" + code);", 1)
	newSrc = strings.Replace(newSrc, "  code: string;", "  code: \"a\" | \"b\";", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"src/errors.ts": newSrc}, 0)
	im := findImpact(a, "AppError.constructor")
	if im == nil {
		t.Fatalf("no impact for the constructor:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("src/use.ts", lineOf(t, tsErrorsUse, "new AppError"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("constructor locations = %v, want %v", im.Locations, want)
	}
	im = findImpact(a, "AppError.code")
	if im == nil || !slices.Contains(im.Locations, loc("src/use.ts", lineOf(t, tsErrorsUse, `AppError["code"]`))) {
		t.Errorf("AppError[\"code\"] not a use of AppError.code: %+v", im)
	}
}

func TestTypeScriptNamespaceImportIsNotTheDefaultExport(t *testing.T) {
	schema := "export type Base = { a: number };\n\nconst Schema = { version: 1 };\nexport default Schema;\n"
	useNS := "import type * as Schema from \"./schema\";\n\nexport type B = Schema.Base;\n"
	useDefault := "import Schema from \"./schema\";\n\nexport const v = Schema.version;\n"
	requireExtractor(t, "TypeScript", "src/schema.ts", schema)
	base := map[string]string{"src/schema.ts": schema, "src/ns.ts": useNS, "src/def.ts": useDefault}
	a, _ := analyzeCommits(t, base, map[string]string{"src/schema.ts": strings.Replace(schema, "version: 1", "version: 2", 1)}, 0)
	im := findImpact(a, "schema.Schema")
	if im == nil {
		t.Fatalf("no impact for the default export:\n%s", dumpAnalysis(a))
	}
	want := []string{"src/def.ts:3", "src/schema.ts:4"}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}
