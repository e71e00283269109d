// Head-side added lines of base..head, from git's own unified diff.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { git } from './util.mjs';

// pyInfo runs pyinfo.py (Python's own parser) over the named files of repo:
// per file, { doc: [docstring lines], defs: [{scope, name, start, end}] }.
// Returns null when python3 is missing.
export function pyInfo(repo, files) {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pyinfo.py');
  const r = spawnSync('python3', [script], { cwd: repo, input: files.join('\n'), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) return null;
  return new Map(Object.entries(JSON.parse(r.stdout)));
}

// parseDiff reads `git diff -U0 base head` into, per head path, its hunks
// with the text of their removed and added lines. Deleted files do not
// appear; renamed files appear under their head path.
function parseDiff(repo, base, head) {
  const out = git(repo, '-c', 'core.quotePath=false', 'diff', '-U0', '--no-color', '--no-ext-diff', '-M', base, head);
  const files = new Map();
  let cur = null;
  let hunk = null;
  let inHeader = true;
  for (const line of out.split('\n')) {
    if (line.startsWith('diff --git ')) { inHeader = true; cur = null; hunk = null; continue; }
    if (inHeader && line.startsWith('+++ ')) {
      const p = line.slice(4);
      cur = p === '/dev/null' ? null : p.replace(/^b\//, '');
      if (cur && !files.has(cur)) files.set(cur, []);
      continue;
    }
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m) {
      inHeader = false;
      hunk = cur ? { next: Number(m[1]), added: [], removed: [] } : null;
      if (hunk) files.get(cur).push(hunk);
      continue;
    }
    if (inHeader || !hunk) continue;
    if (line.startsWith('+')) hunk.added.push({ line: hunk.next++, text: line.slice(1) });
    else if (line.startsWith('-')) hunk.removed.push(line.slice(1));
  }
  return files;
}

// addedLines maps each head path to the Set of its added line numbers
// (1-based).
export function addedLines(repo, base = 'base', head = 'head') {
  const out = new Map();
  for (const [file, hunks] of parseDiff(repo, base, head)) {
    out.set(file, new Set(hunks.flatMap((h) => h.added.map((a) => a.line))));
  }
  return out;
}

// codeOf reduces a line to its code: trailing comment and runs of
// whitespace removed. A comment marker after a quote is left alone, since
// it may sit inside a string.
function codeOf(text, language) {
  const marker = language === 'Python' ? '#' : '//';
  let s = text;
  const i = s.indexOf(marker);
  if (i >= 0 && !/["'`]/.test(s.slice(0, i))) s = s.slice(0, i);
  s = s.trim();
  if (language !== 'Python' && /^(\/\*|\*)/.test(s)) s = ''; // block comment lines
  // Go: `type X struct {` and `X struct {` inside `type ( ... )` declare the
  // same thing; moving a declaration into or out of a group changes neither
  // its signature nor its behaviour (a const keeps its value only when its
  // whole line, value included, is unchanged).
  if (language === 'Go') s = s.replace(/^(type|const|var)\s+/, '');
  return s.replace(/\s+/g, ' ');
}

// codeLines keeps the added lines that change code. Blank lines, comment
// lines, Python docstring lines, and lines whose code equals a removed line of the same hunk (only
// a comment or the spacing changed) change no behaviour and no signature,
// so they do not make the definition around them "changed": a new field's
// doc comment inside a struct would otherwise mark the whole struct, and
// every use of it, as impacted. All added lines still count for "excluding
// the change itself".
export function codeLines(repo, language, base = 'base', head = 'head') {
  const out = new Map();
  const diff = parseDiff(repo, base, head);
  // Python docstrings are documentation too.
  const info = language === 'Python' ? pyInfo(repo, [...diff.keys()].filter((f) => f.endsWith('.py'))) : null;
  const docs = info && new Map([...info].map(([f, i]) => [f, new Set(i.doc)]));
  if (language === 'Python' && !info) throw new Error('python3 is needed to tell docstrings from code; install it or pass --count-comment-lines');
  for (const [file, hunks] of diff) {
    const keep = new Set();
    const doc = docs && docs.get(file);
    for (const h of hunks) {
      const removed = new Set(h.removed.map((t) => codeOf(t, language)));
      for (const a of h.added) {
        const c = codeOf(a.text, language);
        if (c !== '' && !removed.has(c) && !(doc && doc.has(a.line))) keep.add(a.line);
      }
    }
    out.set(file, keep);
  }
  return out;
}
