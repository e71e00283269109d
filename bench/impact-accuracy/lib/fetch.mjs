// Fetches both versions of a pair from its registry and lays them down as a
// two-commit git repository: tag "base" holds version A, tag "head" holds
// version B. Nothing fetched is kept outside $CACHE.
import fs from 'node:fs';
import path from 'node:path';
import { run, git, walk, log } from './util.mjs';

// publish moves a finished download into place; when a concurrent run got
// there first, its copy is kept and ours dropped.
function publish(tmp, dest) {
  try {
    fs.renameSync(tmp, dest);
  } catch {
    if (!fs.existsSync(path.join(dest, '.done'))) {
      fs.rmSync(dest, { recursive: true, force: true });
      fs.renameSync(tmp, dest);
      return;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// fetchVersion returns a directory holding the unpacked files of one
// version of the pair's source, before subdir/include filtering.
function fetchVersion(pair, which, cache) {
  const ver = pair[which];
  const dl = path.join(cache, 'dl');
  fs.mkdirSync(dl, { recursive: true });
  switch (pair.source) {
    case 'gomod': {
      // go mod download verifies the module against the checksum database.
      // headModule: the head version lives under another module path (a
      // new major version, github.com/x/y/v68 after .../v66).
      const mod = which === 'head' && pair.headModule ? pair.headModule : pair.module;
      const out = run('go', ['mod', 'download', '-json', `${mod}@${ver}`], {
        cwd: dl,
        env: { ...process.env, GOMODCACHE: path.join(cache, 'gomod'), GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
      });
      return JSON.parse(out).Dir;
    }
    case 'npm': {
      const dest = path.join(dl, 'npm', `${pair.package.replace(/[@/]/g, '_')}-${ver}`);
      if (!fs.existsSync(path.join(dest, '.done'))) {
        const tmp = `${dest}.tmp-${process.pid}`;
        fs.rmSync(tmp, { recursive: true, force: true });
        fs.mkdirSync(tmp, { recursive: true });
        const out = run('npm', ['pack', '--json', '--pack-destination', tmp, `${pair.package}@${ver}`], { cwd: tmp });
        const tgz = path.join(tmp, JSON.parse(out)[0].filename);
        run('tar', ['-xzf', tgz, '-C', tmp]);
        fs.rmSync(tgz);
        fs.writeFileSync(path.join(tmp, '.done'), '');
        publish(tmp, dest);
      }
      return path.join(dest, 'package');
    }
    case 'deb': {
      // A private apt state (in $CACHE) that knows the suites named by the
      // pairs, so the machine's own apt configuration is left untouched.
      const apt = path.join(cache, 'apt');
      const suites = ['bookworm', 'trixie'];
      const opts = [
        '-o', `Dir::Etc::SourceList=${path.join(apt, 'sources.list')}`,
        '-o', 'Dir::Etc::SourceParts=/nonexistent',
        '-o', `Dir::State::Lists=${path.join(apt, 'lists')}`,
        '-o', `Dir::Cache=${path.join(apt, 'cache')}`,
        '-o', 'Dir::State::status=/var/lib/dpkg/status',
      ];
      const dest = path.join(dl, 'deb', `${pair.package}-${ver.replace(/[^\w.+-]/g, '_')}`);
      if (!fs.existsSync(path.join(dest, '.done'))) {
        if (!fs.existsSync(path.join(apt, 'updated'))) {
          fs.mkdirSync(path.join(apt, 'lists', 'partial'), { recursive: true });
          fs.mkdirSync(path.join(apt, 'cache', 'archives', 'partial'), { recursive: true });
          fs.writeFileSync(path.join(apt, 'sources.list'), suites.map((s) =>
            `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${s} main\n`).join(''));
          log('apt-get update (private state under $CACHE/apt)');
          run('apt-get', [...opts, 'update']);
          fs.writeFileSync(path.join(apt, 'updated'), '');
        }
        const tmp = `${dest}.tmp-${process.pid}`;
        fs.rmSync(tmp, { recursive: true, force: true });
        fs.mkdirSync(tmp, { recursive: true });
        run('apt-get', [...opts, 'download', `${pair.package}=${ver}`], { cwd: tmp });
        const deb = fs.readdirSync(tmp).find((f) => f.endsWith('.deb'));
        run('dpkg-deb', ['-x', deb, 'root'], { cwd: tmp });
        fs.rmSync(path.join(tmp, deb));
        fs.writeFileSync(path.join(tmp, '.done'), '');
        publish(tmp, dest);
      }
      return path.join(dest, 'root');
    }
    default:
      throw new Error(`pair ${pair.id}: unknown source ${pair.source}`);
  }
}

// copyTree copies the selected files of one version into the work tree.
function copyTree(pair, srcRoot, repo) {
  const root = pair.subdir ? path.join(srcRoot, pair.subdir) : srcRoot;
  let n = 0;
  for (const rel of walk(root)) {
    if (pair.include && !pair.include.some((p) => rel === p || rel.startsWith(p))) continue;
    const dst = path.join(repo, rel);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(path.join(root, rel), dst);
    fs.chmodSync(dst, 0o644);
    n++;
  }
  if (n === 0) throw new Error(`pair ${pair.id}: no files selected under ${root}`);
  return n;
}

// materialize returns the pair's repository, building it when missing.
export function materialize(pair, cache) {
  const repo = path.join(cache, 'repos', pair.id);
  const stamp = path.join(cache, 'repos', `${pair.id}.json`);
  const want = JSON.stringify(pair);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want && fs.existsSync(path.join(repo, '.git'))) {
    return repo;
  }
  log(`building ${pair.id}: ${pair.package || pair.module} ${pair.base} -> ${pair.head}`);
  const a = fetchVersion(pair, 'base', cache);
  const b = fetchVersion(pair, 'head', cache);
  // Built aside and renamed into place, so concurrent runs sharing $CACHE
  // never see (or delete) a half-built repository.
  const work = `${repo}.tmp-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  git(work, 'init', '-q', '-b', 'main');
  const commit = (dir, label, ver) => {
    for (const e of fs.readdirSync(work)) if (e !== '.git') fs.rmSync(path.join(work, e), { recursive: true, force: true });
    const n = copyTree(pair, dir, work);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '--allow-empty', '-m', `${pair.package || pair.module} ${ver}`);
    git(work, 'tag', '-f', label);
    log(`  ${label}: ${n} files from ${pair.package || pair.module}@${ver}`);
  };
  commit(a, 'base', pair.base);
  commit(b, 'head', pair.head);
  const old = `${repo}.old-${process.pid}`;
  if (fs.existsSync(repo)) fs.renameSync(repo, old);
  fs.renameSync(work, repo);
  fs.rmSync(old, { recursive: true, force: true });
  fs.writeFileSync(`${stamp}.${process.pid}`, want);
  fs.renameSync(`${stamp}.${process.pid}`, stamp);
  return repo;
}
