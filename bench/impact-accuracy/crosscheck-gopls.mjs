#!/usr/bin/env node
// Cross-checks the Go reference side: the benchmark asks gopls over LSP
// (one server per pair, fast); this asks the `gopls references` command line
// for the same definitions and reports any difference, so the LSP path can
// be trusted to give what the CLI gives.
//
// usage: node crosscheck-gopls.mjs [--cache DIR] [--per-pair N]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addedLines } from './lib/diff.mjs';
import { keepLocation } from './lib/changed.mjs';
import { run } from './lib/util.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
let cache = process.env.CACHE || '/tmp/reviewbot-impact-cache';
let perPair = 10;
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--cache') cache = process.argv[++i];
  else if (process.argv[i] === '--per-pair') perPair = Number(process.argv[++i]);
  else throw new Error(`unknown argument ${process.argv[i]}`);
}
const gopls = path.join(cache, 'bin', 'gopls');
const env = { ...process.env, GOMODCACHE: path.join(cache, 'gomod'), GOFLAGS: '-mod=mod', GOWORK: 'off', GOTOOLCHAIN: 'local', GOTELEMETRY: 'off' };
const pairs = JSON.parse(fs.readFileSync(path.join(benchDir, 'pairs.json'), 'utf8')).filter((p) => p.language === 'Go');
let checked = 0;
let differ = 0;
for (const pair of pairs) {
  const tf = path.join(cache, 'truth', `${pair.id}.json`);
  if (!fs.existsSync(tf)) { console.log(`${pair.id}: no truth yet; run run.sh first`); continue; }
  const repo = path.join(cache, 'repos', pair.id);
  const added = addedLines(repo);
  const defs = JSON.parse(fs.readFileSync(tf, 'utf8')).defs;
  // the definitions with references first, then some without
  const sample = [...defs.filter((d) => d.refs.length), ...defs.filter((d) => !d.refs.length)].slice(0, perPair);
  for (const d of sample) {
    const out = run(gopls, ['references', `${d.path}:${d.selLine + 1}:${d.selChar + 1}`], { cwd: repo, env });
    const cli = new Set();
    for (const line of out.split('\n')) {
      const m = /^(.*):(\d+):\d+(?:-\d+)?$/.exec(line.trim());
      if (!m) continue;
      const rel = path.relative(repo, m[1]).split(path.sep).join('/');
      if (rel.startsWith('..')) continue;
      if (keepLocation(d, d.path, rel, Number(m[2]), added)) cli.add(`${rel}:${m[2]}`);
    }
    const lsp = new Set(d.refs);
    const onlyCli = [...cli].filter((x) => !lsp.has(x));
    const onlyLsp = [...lsp].filter((x) => !cli.has(x));
    checked++;
    if (onlyCli.length || onlyLsp.length) {
      differ++;
      console.log(`${pair.id} ${d.name} ${d.path}:${d.start}: only CLI ${onlyCli.join(' ') || '-'}; only LSP ${onlyLsp.join(' ') || '-'}`);
    }
  }
}
console.log(`gopls CLI vs LSP: ${checked} definitions checked, ${differ} differ`);
