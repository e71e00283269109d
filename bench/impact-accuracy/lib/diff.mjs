// Head-side added lines of base..head, from git's own unified diff.
import fs from 'node:fs';
import path from 'node:path';
import { git } from './util.mjs';

// addedLines maps each head path to the Set of its added line numbers
// (1-based). Deleted files do not appear; renamed files appear under their
// head path with only the lines the rename changed.
export function addedLines(repo, base = 'base', head = 'head') {
  const out = git(repo, '-c', 'core.quotePath=false', 'diff', '-U0', '--no-color', '--no-ext-diff', '-M', base, head);
  const files = new Map();
  let cur = null;
  for (const line of out.split('\n')) {
    if (line.startsWith('+++ ')) {
      const p = line.slice(4);
      cur = p === '/dev/null' ? null : p.replace(/^b\//, '');
      if (cur && !files.has(cur)) files.set(cur, new Set());
      continue;
    }
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m && cur) {
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let i = 0; i < count; i++) files.get(cur).add(start + i);
    }
  }
  return files;
}

// codeLines keeps the added lines that carry code: blank lines and lines
// holding only a comment change no behaviour and no signature, so they do
// not make the definition around them "changed" (a new field's doc comment
// inside a struct would otherwise mark the whole struct, and every use of
// it, as impacted). All added lines still count for "excluding the change
// itself".
export function codeLines(repo, added, language) {
  const comment = language === 'Python' ? /^\s*(#.*)?$/ : /^\s*(\/\/.*|\/\*.*|\*.*)?$/;
  const out = new Map();
  for (const [file, lines] of added) {
    let text;
    try { text = fs.readFileSync(path.join(repo, file), 'utf8').split('\n'); } catch { continue; }
    out.set(file, new Set([...lines].filter((l) => !comment.test(text[l - 1] ?? ''))));
  }
  return out;
}
