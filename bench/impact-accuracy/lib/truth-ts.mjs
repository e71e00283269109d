// Reference side for TypeScript: the typescript package's LanguageService,
// driven in-process. getNavigationTree gives the changed definitions,
// findReferences their uses.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { changedDefs, keepLocation } from './changed.mjs';
import { walk, log } from './util.mjs';

const CONTAINER = new Set(['class', 'interface', 'enum', 'module', 'local class']);
// Navigation-tree kinds that name a definition someone else can reference.
// Imports and re-exports ("alias") are not definitions; "local *" kinds
// only appear inside function bodies, which are not descended into.
const DEFINITION = new Set([
  'class', 'interface', 'enum', 'module', 'function', 'method', 'property', 'getter', 'setter',
  'constructor', 'const', 'let', 'var', 'type', 'enum member',
]);

export async function tsTruth(pair, repo, added, code, { benchDir }) {
  const require = createRequire(path.join(benchDir, 'package.json'));
  const ts = require('typescript');
  // JavaScript pairs (CommonJS packages) go through the same language
  // service with allowJs: it binds require(), module.exports, exports.f =
  // and X.prototype.m = function as declarations of their own.
  const js = pair.language === 'JavaScript';
  const files = walk(repo).filter((f) => (js ? /\.(m|c)?jsx?$/ : /\.(m|c)?tsx?$/).test(f)).map((f) => path.join(repo, f));
  const options = js ? {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    allowJs: true,
    checkJs: false,
    noEmit: true,
    skipLibCheck: true,
    lib: ['lib.es2023.d.ts'],
  } : {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    jsx: ts.JsxEmit.Preserve,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  };
  // A package that imports itself by name (zod's tests: "zod/v4") needs
  // the mapping its own build config gives; pairs.json carries it.
  if (pair.tsPaths) {
    options.baseUrl = repo;
    options.paths = pair.tsPaths;
  }
  const texts = new Map();
  const host = {
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      if (!fs.existsSync(f)) return undefined;
      if (!texts.has(f)) texts.set(f, fs.readFileSync(f, 'utf8'));
      return ts.ScriptSnapshot.fromString(texts.get(f));
    },
    getCurrentDirectory: () => repo,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const ls = ts.createLanguageService(host, ts.createDocumentRegistry());
  const program = ls.getProgram();
  const lineOf = (file, pos) => program.getSourceFile(file).getLineAndCharacterOfPosition(pos).line + 1;
  const notes = [];
  const unresolved = ts.getPreEmitDiagnostics(program).filter((d) => d.code === 2307);
  if (unresolved.length) notes.push(`${unresolved.length} unresolved imports (code 2307), e.g. ${ts.flattenDiagnosticMessageText(unresolved[0].messageText, ' ')}`);

  const toNodes = (file, items, container) => {
    const out = [];
    for (const it of items || []) {
      // A nameless container (module.exports = class X {...} gives
      // "class <unknown>" around "class X") is descended into, so the
      // members of a class expression count as definitions (rule 13).
      if (!it.nameSpan && it.kind !== 'constructor') {
        if (CONTAINER.has(it.kind)) out.push(...toNodes(file, it.childItems, container));
        continue;
      }
      for (const span of it.spans) {
        const isContainer = CONTAINER.has(it.kind);
        const at = it.nameSpan ? it.nameSpan.start : span.start;
        out.push({
          name: it.text, kind: it.kind, container,
          start: lineOf(file, span.start), end: lineOf(file, span.start + span.length),
          pos: at, isContainer, isDefinition: DEFINITION.has(it.kind),
          children: isContainer ? toNodes(file, it.childItems, container ? `${container}.${it.text}` : it.text) : [],
        });
      }
    }
    return out;
  };

  const defs = [];
  for (const abs of files) {
    const rel = path.relative(repo, abs).split(path.sep).join('/');
    const add = code.get(rel);
    if (!add || add.size === 0) continue;
    const tree = ls.getNavigationTree(abs);
    for (const d of changedDefs(toNodes(abs, tree.childItems, ''), add)) defs.push({ ...d, path: rel, abs });
  }
  log(`${pair.id}: ${defs.length} changed definitions; asking for references`);
  for (const d of defs) {
    d.refs = [];
    let groups = [];
    try {
      groups = ls.findReferences(d.abs, d.pos) || [];
    } catch (e) {
      notes.push(`${d.path}:${d.start} ${d.name}: findReferences failed: ${e.message}`);
    }
    for (const g of groups) {
      // findReferences returns one group per symbol: the queried one, one
      // per import/re-export alias of it (kind "alias"), and groups for
      // related symbols, the base class or interface members this member
      // overrides or implements and the subclass members overriding it. A
      // use through a related symbol is a use of that other definition, so
      // only the queried symbol's own group and its alias groups count.
      // Merged declarations (a const and an interface of one name) share a
      // group whose definition may point at either, hence the test on the
      // references rather than on the group's definition.
      const own = g.references.some((r) => r.fileName === d.abs && d.pos >= r.textSpan.start && d.pos <= r.textSpan.start + r.textSpan.length);
      const alias = g.definition.kind === 'alias';
      // A group whose definition lies outside the repository
      // (PropertyDescriptor.get of lib.es5.d.ts for the get() of an
      // Object.defineProperty descriptor) lists the other objects that
      // implement that library member, not uses of this one (rule 13).
      const gdef = path.relative(repo, g.definition.fileName);
      if (own && (gdef.startsWith('..') || path.isAbsolute(gdef))) continue;
      // The related groups are kept apart (relatedRefs) so the report can
      // also score against findReferences' full answer.
      const into = own || alias ? d.refs : (d.relatedRefs = d.relatedRefs || []);
      for (const r of g.references) {
        // Declarations are not references, except an alias's own
        // declaration: the import or export line in another file, which
        // pyright counts as a reference too.
        if (r.isDefinition && !alias) continue;
        const rel = path.relative(repo, r.fileName).split(path.sep).join('/');
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue; // lib.d.ts and the like
        const line = lineOf(r.fileName, r.textSpan.start);
        if (keepLocation(d, d.path, rel, line, added)) into.push(`${rel}:${line}`);
      }
    }
    d.refs = [...new Set(d.refs)].sort();
    if (d.relatedRefs) d.relatedRefs = [...new Set(d.relatedRefs)].sort();
    delete d.abs;
  }
  return { defs, notes };
}
