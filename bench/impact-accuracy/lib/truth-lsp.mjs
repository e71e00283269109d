// Reference side for Go (gopls) and Python (pyright): document symbols give
// the changed definitions, textDocument/references gives their uses.
import fs from 'node:fs';
import path from 'node:path';
import { LSPClient, toURI, fromURI } from './lsp.mjs';
import { changedDefs, keepLocation } from './changed.mjs';
import { walk, log } from './util.mjs';
import { pyInfo } from './diff.mjs';

// LSP SymbolKind numbers (LSP 3.17 specification).
const CONTAINER = new Set([2, 3, 4, 5, 10, 11, 23]); // Module Namespace Package Class Enum Interface Struct
const DEFINITION = new Set([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 22, 23, 24, 25]);
const KIND_NAMES = {
  2: 'module', 3: 'namespace', 4: 'package', 5: 'class', 6: 'method', 7: 'property', 8: 'field',
  9: 'constructor', 10: 'enum', 11: 'interface', 12: 'function', 13: 'variable', 14: 'constant',
  22: 'enummember', 23: 'struct', 24: 'event', 25: 'operator',
};

function serverFor(language, cache, benchDir) {
  if (language === 'Go') {
    return {
      cmd: path.join(cache, 'bin', 'gopls'), args: ['serve'], ext: ['.go'], languageId: 'go',
      env: { ...process.env, GOMODCACHE: path.join(cache, 'gomod'), GOFLAGS: '-mod=mod', GOWORK: 'off', GOTOOLCHAIN: 'local', GOTELEMETRY: 'off' },
      settings: () => null,
    };
  }
  if (language === 'Python') {
    return {
      cmd: process.execPath,
      args: [path.join(benchDir, 'node_modules', 'pyright', 'langserver.index.js'), '--stdio'],
      ext: ['.py'], languageId: 'python', env: process.env,
      settings: (section) => {
        const analysis = { diagnosticMode: 'workspace', typeCheckingMode: 'off', autoSearchPaths: true, useLibraryCodeForTypes: true };
        if (section === 'python.analysis') return analysis;
        if (section === 'python') return { analysis };
        return {};
      },
    };
  }
  throw new Error(`no LSP reference server for ${language}`);
}

// toNodes turns DocumentSymbol[] into the shared node shape.
function toNodes(syms, container = '') {
  return (syms || []).map((s) => ({
    name: s.name,
    kind: KIND_NAMES[s.kind] || String(s.kind),
    container,
    start: s.range.start.line + 1,
    end: s.range.end.line + 1,
    selLine: s.selectionRange.start.line,
    selChar: s.selectionRange.start.character,
    isContainer: CONTAINER.has(s.kind),
    isDefinition: DEFINITION.has(s.kind),
    children: CONTAINER.has(s.kind) ? toNodes(s.children, container ? `${container}.${s.name}` : s.name) : [],
  }));
}

// withOverloads gives each Python function or method node the lines of
// every def of its name in the same scope (decorators included), so the
// @overload stubs that pyright's symbol list leaves out belong to it; and
// each variable assigned over several lines the whole statement.
function withOverloads(nodes, info) {
  if (!info) return;
  const visit = (list) => {
    for (const n of list) {
      if (n.kind === 'function' || n.kind === 'method') {
        const same = info.defs.filter((d) => !d.var && d.scope === n.container && d.name === n.name);
        if (same.length) n.ranges = [[n.start, n.end], ...same.map((d) => [d.start, d.end])];
      } else if (n.kind === 'variable' || n.kind === 'constant') {
        // A variable whose value spans lines covers the whole statement
        // (rule 14): a change on a continuation line changes it.
        const st = info.defs.find((d) => d.var && d.scope === n.container && d.name === n.name && d.start === n.start);
        if (st && st.end > n.end) n.end = st.end;
      }
      visit(n.children);
    }
  };
  visit(nodes);
}

export async function lspTruth(pair, repo, added, code, { cache, benchDir }) {
  const srv = serverFor(pair.language, cache, benchDir);
  const client = new LSPClient(srv.cmd, srv.args, { cwd: repo, env: srv.env, settings: srv.settings });
  const notes = [];
  const defs = [];
  try {
    await client.initialize(repo);
    const langFiles = walk(repo).filter((f) => srv.ext.some((e) => f.endsWith(e)));
    // Open every source file so both servers treat the whole tree as the
    // workspace under analysis (pyright checks open files first).
    for (const f of langFiles) {
      client.notify('textDocument/didOpen', {
        textDocument: { uri: toURI(path.join(repo, f)), languageId: srv.languageId, version: 1, text: fs.readFileSync(path.join(repo, f), 'utf8') },
      });
    }
    for (const f of langFiles) {
      const add = code.get(f);
      if (!add || add.size === 0) continue;
      const syms = await client.request('textDocument/documentSymbol', { textDocument: { uri: toURI(path.join(repo, f)) } });
      if (syms && syms.length && syms[0].location) {
        notes.push(`${f}: server returned flat SymbolInformation; skipped`);
        continue;
      }
      const nodes = toNodes(syms);
      if (pair.language === 'Python') withOverloads(nodes, pyInfo(repo, [f])?.get(f));
      for (const d of changedDefs(nodes, add)) defs.push({ ...d, path: f });
    }
    log(`${pair.id}: ${defs.length} changed definitions; asking for references`);
    for (const d of defs) {
      let locs;
      try {
        locs = await client.request('textDocument/references', {
          textDocument: { uri: toURI(path.join(repo, d.path)) },
          position: { line: d.selLine, character: d.selChar },
          context: { includeDeclaration: false },
        });
      } catch (e) {
        notes.push(`${d.path}:${d.start} ${d.name}: references failed: ${e.message}`);
        locs = [];
      }
      d.refs = [];
      for (const l of locs || []) {
        if (!l.uri.startsWith('file:')) continue;
        const rel = path.relative(repo, fromURI(l.uri)).split(path.sep).join('/');
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue; // stdlib, dependencies
        const line = l.range.start.line + 1;
        if (keepLocation(d, d.path, rel, line, added)) d.refs.push(`${rel}:${line}`);
      }
      d.refs = [...new Set(d.refs)].sort();
    }
  } finally {
    await client.shutdown();
  }
  return { defs, notes };
}
