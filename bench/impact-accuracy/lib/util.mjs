// Small process and file helpers shared by the benchmark scripts.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// run executes a command and returns its stdout; it throws with the
// command's stderr when the command fails.
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || '').slice(-4000)}`);
  }
  return opts.allowFail ? r : r.stdout;
}

export const git = (dir, ...args) => execFileSync('git', ['-C', dir, ...args], {
  encoding: 'utf8', maxBuffer: 1 << 30,
  env: {
    ...process.env,
    GIT_AUTHOR_NAME: 'impact-bench', GIT_AUTHOR_EMAIL: 'impact-bench@localhost',
    GIT_COMMITTER_NAME: 'impact-bench', GIT_COMMITTER_EMAIL: 'impact-bench@localhost',
    GIT_AUTHOR_DATE: '2000-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2000-01-01T00:00:00Z',
  },
});

// walk lists every regular file under dir, as slash-separated paths
// relative to dir, skipping .git.
export function walk(dir) {
  const out = [];
  const rec = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) rec(p, r);
      else if (e.isFile()) out.push(r);
    }
  };
  rec(dir, '');
  return out.sort();
}

export const log = (...a) => console.error('[impact-bench]', ...a);
