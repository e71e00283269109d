#!/usr/bin/env node
// Measures reviewbot's downstream impact list against compiler-grade
// references (gopls, the TypeScript language service, pyright) on real
// version pairs of published packages. See README.md beside this file.
//
// usage: node measure.mjs [--cache DIR] [--reviewbot CMD] [--only ID,ID]
//                         [--truth-only] [--markdown FILE] [--samples N]
//                         [--count-comment-lines]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { materialize } from './lib/fetch.mjs';
import { addedLines, codeLines } from './lib/diff.mjs';
import { lspTruth } from './lib/truth-lsp.mjs';
import { tsTruth } from './lib/truth-ts.mjs';
import { log } from './lib/util.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const a = { cache: process.env.CACHE || '/tmp/reviewbot-impact-cache', reviewbot: process.env.REVIEWBOT || '', only: null, truthOnly: false, markdown: '', samples: 8, commentLines: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    if (k === '--cache') a.cache = v();
    else if (k === '--reviewbot') a.reviewbot = v();
    else if (k === '--only') a.only = new Set(v().split(','));
    else if (k === '--truth-only') a.truthOnly = true;
    else if (k === '--markdown') a.markdown = v();
    else if (k === '--samples') a.samples = Number(v());
    else if (k === '--count-comment-lines') a.commentLines = true;
    else throw new Error(`unknown argument ${k}; see the usage line at the top of measure.mjs`);
  }
  if (!a.reviewbot) a.reviewbot = path.join(a.cache, 'bin', 'reviewbot');
  return a;
}

// Reference side, cached per pair and tool version: it only changes when
// the pair or the reference tools change.
async function truthFor(pair, repo, added, cache, commentLines) {
  const file = path.join(cache, 'truth', `${pair.id}${commentLines ? '.comments' : ''}.json`);
  const key = JSON.stringify({ pair, tools: toolVersions(cache), rules: 14, commentLines });
  // --count-comment-lines: the literal rule, where a blank or comment-only
  // added line also marks the definition around it as changed.
  const code = commentLines ? added : codeLines(repo, pair.language);
  if (fs.existsSync(file)) {
    const t = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (t.key === key) return t;
  }
  const t0 = Date.now();
  const r = pair.language === 'TypeScript' || pair.language === 'JavaScript'
    ? await tsTruth(pair, repo, added, code, { benchDir })
    : await lspTruth(pair, repo, added, code, { cache, benchDir });
  const out = { key, seconds: (Date.now() - t0) / 1000, ...r };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // write then rename, so a concurrent run never reads half a file
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(out, null, 1));
  fs.renameSync(tmp, file);
  return out;
}

let toolCache = null;
function toolVersions(cache) {
  if (toolCache) return toolCache;
  const req = (p) => JSON.parse(fs.readFileSync(path.join(benchDir, 'node_modules', p, 'package.json'), 'utf8')).version;
  const gopls = spawnSync(path.join(cache, 'bin', 'gopls'), ['version'], { encoding: 'utf8' });
  toolCache = {
    gopls: (gopls.stdout || '').trim().split('\n').find((l) => l.includes('gopls')) || 'missing',
    go: spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim(),
    typescript: req('typescript'),
    pyright: req('pyright'),
    node: process.version,
  };
  return toolCache;
}

// Reviewbot side: one dry run per pair, its impact list read from JSON.
function predict(pair, repo, reviewbot) {
  const args = ['review', '--repo', repo, '--base', 'base', '--head', 'head', '--dry-run', '--format', 'json', '--tier', 'team'];
  const cmd = reviewbot.split(' ').filter(Boolean);
  const t0 = Date.now();
  let r = spawnSync(cmd[0], [...cmd.slice(1), ...args], { encoding: 'utf8', maxBuffer: 1 << 30, cwd: repo, timeout: 600000 });
  if (r.status === 2 && /tier/i.test(r.stderr || '')) {
    // a build without --tier: fall back to its default routing
    args.splice(args.indexOf('--tier'), 2);
    r = spawnSync(cmd[0], [...cmd.slice(1), ...args], { encoding: 'utf8', maxBuffer: 1 << 30, cwd: repo, timeout: 600000 });
  }
  const res = { command: `${reviewbot} ${args.join(' ')}`, seconds: (Date.now() - t0) / 1000, exit: r.status, error: '', impact: [] };
  if (r.error) { res.error = r.error.message; return res; }
  let j = null;
  try {
    const s = r.stdout.indexOf('{');
    j = JSON.parse(r.stdout.slice(s));
  } catch {
    res.error = `no JSON on stdout (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().slice(-600)}`;
    return res;
  }
  if (!Array.isArray(j.impact)) res.error = 'JSON has no "impact" list';
  res.impact = Array.isArray(j.impact) ? j.impact : [];
  res.stderrTail = (r.stderr || '').trim().slice(-600);
  return res;
}

// normLoc turns "path:line" (optionally "path:line:col", "./path") into
// "path:line" relative to the repository root.
function normLoc(s, repo) {
  const m = /^(.*?):(\d+)(?::\d+)?$/.exec(String(s).trim());
  if (!m) return null;
  let p = m[1].replace(/\\/g, '/');
  if (p.startsWith(repo + '/')) p = p.slice(repo.length + 1);
  p = p.replace(/^\.\//, '');
  return `${p}:${Number(m[2])}`;
}

// simpleName reduces "pkg.Func", "(*T).M", "Type.Method", "mod.func()" to
// the last identifier, the only part every tool and reviewbot agree on.
export function simpleName(s) {
  const cleaned = String(s).replace(/\(\)$/, '').replace(/[()*&\s]/g, '');
  const parts = cleaned.split(/[.:#]+/).filter(Boolean);
  return parts.length ? parts[parts.length - 1] : cleaned;
}

function score(P, T) {
  let hit = 0;
  for (const x of P) if (T.has(x)) hit++;
  return {
    truth: T.size, predicted: P.size, hit,
    recall: T.size ? hit / T.size : null,
    precision: P.size ? hit / P.size : null,
  };
}

const importLine = {
  Go: /^\s*(import\b|"[^"]+"\s*$)/,
  TypeScript: /^\s*(import\b|export\s*(\*|\{|type\s*\{))/,
  Python: /^\s*(from\s+\S+\s+import\b|import\s)/,
  JavaScript: /^\s*(import\b|export\s*(\*|\{)|(const|let|var)\s.*=\s*require\()/,
};

function lineText(repo, loc) {
  const i = loc.lastIndexOf(':');
  const f = path.join(repo, loc.slice(0, i));
  try {
    return fs.readFileSync(f, 'utf8').split('\n')[Number(loc.slice(i + 1)) - 1]?.trim().slice(0, 100) ?? '';
  } catch { return '<no such file at head>'; }
}

const fmt = (x) => (x === null || x === undefined ? '  n/a' : x.toFixed(3));

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const pairs = JSON.parse(fs.readFileSync(path.join(benchDir, 'pairs.json'), 'utf8'))
    .filter((p) => !args.only || args.only.has(p.id));
  const results = [];
  for (const pair of pairs) {
    const repo = materialize(pair, args.cache);
    const added = addedLines(repo);
    const truth = await truthFor(pair, repo, added, args.cache, args.commentLines);
    const T = new Set(truth.defs.flatMap((d) => d.refs));
    // findReferences' full answer, related symbols included (TypeScript only)
    const Tfull = new Set([...T, ...truth.defs.flatMap((d) => d.relatedRefs || [])]);
    const defsWithRefs = truth.defs.filter((d) => d.refs.length).length;
    const row = { id: pair.id, language: pair.language, pair, repo, defs: truth.defs, truthSeconds: truth.seconds, changedDefs: truth.defs.length, defsWithRefs, truthNotes: truth.notes, T: [...T].sort() };
    if (!args.truthOnly) {
      const pr = predict(pair, repo, args.reviewbot);
      const locs = (entries) => new Set(entries.flatMap((e) => (e.locations || []).map((l) => normLoc(l, repo)).filter(Boolean)));
      const P = locs(pr.impact);
      // Entries about a definition the reference also calls changed, by
      // simple name: separates "found the wrong places" from "reported a
      // definition the reference does not count as changed".
      const truthNames = new Set(truth.defs.map((d) => simpleName(d.name)));
      const Pm = locs(pr.impact.filter((e) => truthNames.has(simpleName(e.symbol))));
      const tNames = new Set(truth.defs.filter((d) => d.refs.length).map((d) => simpleName(d.name)));
      const pNames = new Set(pr.impact.map((e) => simpleName(e.symbol)));
      // Entries about definitions deleted at head ("references remaining"):
      // the reference side has no answer for them (nothing to ask a tool
      // about at head), so they are also scored apart.
      const isDeleted = (e) => e.change === 'deleted' || /^deleted\b/i.test(e.summary || '');
      const Pnd = locs(pr.impact.filter((e) => !isDeleted(e)));
      Object.assign(row, {
        reviewbot: { command: pr.command, exit: pr.exit, error: pr.error, seconds: pr.seconds, entries: pr.impact.length, withLocations: pr.impact.filter((e) => (e.locations || []).length).length, impact: pr.impact, stderrTail: pr.stderrTail },
        all: score(P, T),
        matchedSymbols: { entries: pr.impact.filter((e) => truthNames.has(simpleName(e.symbol))).length, ...score(Pm, T) },
        full: score(P, Tfull),
        noDeleted: { entries: pr.impact.filter((e) => !isDeleted(e)).length, ...score(Pnd, T) },
        symbolRecall: tNames.size ? [...tNames].filter((n) => pNames.has(n)).length / tNames.size : null,
        // definitions one side calls changed and the other does not (by simple name)
        extraSymbols: pr.impact.filter((e) => !truthNames.has(simpleName(e.symbol))).map((e) => `${e.symbol} (${(e.locations || []).length} locs)`),
        missedSymbols: truth.defs.filter((d) => d.refs.length && !pNames.has(simpleName(d.name))).map((d) => `${d.container ? d.container + '.' : ''}${d.name} ${d.path}:${d.start} (${d.refs.length} locs)`),
        misses: [...T].filter((x) => !P.has(x)).sort(),
        falsePositives: [...P].filter((x) => !T.has(x)).sort(),
      });
    }
    results.push(row);
  }
  report(results, args);
}

function micro(rows, key) {
  const hit = rows.reduce((s, r) => s + r[key].hit, 0);
  const T = rows.reduce((s, r) => s + r[key].truth, 0);
  const P = rows.reduce((s, r) => s + r[key].predicted, 0);
  return { truth: T, predicted: P, hit, recall: T ? hit / T : null, precision: P ? hit / P : null };
}

function report(results, args) {
  const tv = toolVersions(args.cache);
  const date = new Date().toISOString();
  const lines = [];
  const say = (s = '') => lines.push(s);
  say(`impact accuracy — ${date}${args.commentLines ? ' — rule variant: comment-only and blank added lines count as changes' : ''}`);
  if (!args.truthOnly) say(`reviewbot: ${process.env.REVIEWBOT_REV ? `built from ${process.env.REVIEWBOT_REV}` : args.reviewbot}`);
  say(`machine: ${os.cpus().length} cpus, ${os.cpus()[0]?.model || '?'}; tools: ${tv.gopls}, go ${tv.go}, typescript ${tv.typescript}, pyright ${tv.pyright}, node ${tv.node}`);
  say();
  if (args.truthOnly) {
    say('| pair | language | changed defs | defs with refs | reference locations | seconds |');
    say('|---|---|---:|---:|---:|---:|');
    for (const r of results) say(`| ${r.id} | ${r.language} | ${r.changedDefs} | ${r.defsWithRefs} | ${r.T.length} | ${r.truthSeconds.toFixed(1)} |`);
  } else {
    say('| pair | language | changed defs (with refs) | reference locs | reviewbot entries (with locs) | reviewbot locs | hit | recall | precision | precision, matched symbols | symbol recall | reviewbot s |');
    say('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of results) {
      say(`| ${r.id} | ${r.language} | ${r.changedDefs} (${r.defsWithRefs}) | ${r.all.truth} | ${r.reviewbot.entries} (${r.reviewbot.withLocations}) | ${r.all.predicted} | ${r.all.hit} | ${fmt(r.all.recall)} | ${fmt(r.all.precision)} | ${fmt(r.matchedSymbols.precision)} | ${fmt(r.symbolRecall)} | ${r.reviewbot.seconds.toFixed(1)} |`);
    }
    say();
    say('Per language: micro-averaged over the pairs\' locations (the headline), and the plain mean over pairs (macro):');
    say();
    say('| language | pairs | reference locs | reviewbot locs | hit | recall | precision | precision, matched symbols | precision, deleted entries left out | macro recall | macro precision | target (R>=0.9, P>=0.8) |');
    say('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const lang of ['Go', 'TypeScript', 'JavaScript', 'Python']) {
      const rows = results.filter((r) => r.language === lang);
      if (!rows.length) continue;
      const m = micro(rows, 'all');
      const mm = micro(rows, 'matchedSymbols');
      const nd = micro(rows, 'noDeleted');
      const mean = (k) => {
        const v = rows.map((r) => r.all[k]).filter((x) => x !== null);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      const met = m.recall !== null && m.precision !== null && m.recall >= 0.9 && m.precision >= 0.8;
      say(`| ${lang} | ${rows.length} | ${m.truth} | ${m.predicted} | ${m.hit} | ${fmt(m.recall)} | ${fmt(m.precision)} | ${fmt(mm.precision)} | ${fmt(nd.precision)} | ${fmt(mean('recall'))} | ${fmt(mean('precision'))} | ${met ? 'met' : 'not met'} |`);
    }
    const tsRows = results.filter((r) => r.language === 'TypeScript');
    if (tsRows.length) {
      const f = micro(tsRows, 'full');
      say();
      say(`TypeScript against findReferences' full answer (related base/derived/interface member groups included): ${f.truth} reference locs, recall ${fmt(f.recall)}, precision ${fmt(f.precision)}.`);
    }
    say();
    for (const r of results) {
      if (r.reviewbot.error) say(`- ${r.id}: reviewbot: ${r.reviewbot.error}`);
    }
    say();
    say('Samples (first per pair; full lists in the results JSON):');
    for (const r of results) {
      const imp = importLine[r.language];
      const missImports = r.misses.filter((m) => imp.test(lineText(r.repo, m))).length;
      say();
      say(`${r.id}: ${r.misses.length} misses (${missImports} on import/export lines), ${r.falsePositives.length} false positives`);
      if (r.extraSymbols.length) say(`  reported, not changed per reference: ${r.extraSymbols.slice(0, args.samples).join('; ')}${r.extraSymbols.length > args.samples ? ` ... (${r.extraSymbols.length})` : ''}`);
      if (r.missedSymbols.length) say(`  changed per reference, not reported: ${r.missedSymbols.slice(0, args.samples).join('; ')}${r.missedSymbols.length > args.samples ? ` ... (${r.missedSymbols.length})` : ''}`);
      for (const m of r.misses.slice(0, args.samples)) {
        const def = r.defs.find((d) => d.refs.includes(m));
        say(`  miss ${m}  [uses ${def ? `${def.container ? def.container + '.' : ''}${def.name} (${def.kind}, ${def.path}:${def.start})` : '?'}]  ${lineText(r.repo, m)}`);
      }
      for (const m of r.falsePositives.slice(0, args.samples)) say(`  fp   ${m}  ${lineText(r.repo, m)}`);
    }
  }
  for (const r of results) for (const n of r.truthNotes) say(`note ${r.id}: ${n}`);
  const text = lines.join('\n');
  console.log(text);
  const outDir = path.join(args.cache, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = date.replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(outDir, `${stamp}.json`), JSON.stringify({ date, reviewbot: process.env.REVIEWBOT_REV || args.reviewbot, tools: tv, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model }, results }, null, 1));
  fs.writeFileSync(path.join(outDir, `${stamp}.md`), text + '\n');
  if (args.markdown) fs.writeFileSync(args.markdown, text + '\n');
  log(`results: ${path.join(outDir, stamp)}.{json,md}`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
