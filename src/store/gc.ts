/**
 * Garbage-collector roots and collection.
 *
 * Roots live under STATEDIR/gcroots (ROOT/nix/var/nixling/gcroots): a symlink there that
 * points into the store is a direct root (generations, later); `gcroots/auto/HASH` links
 * are indirect roots made for `result` links — they point at the link, and the link's
 * target (a physical store path) is the root, for as long as the link exists and still
 * points into the store. Collection deletes every registered store path not in the closure
 * of the roots (keeping the derivations of live outputs, like Nix's keep-derivations, and
 * their sibling outputs), plus
 * leftovers nixling itself made: unregistered outputs of interrupted builds whose lock is
 * stale, and temporary names of dead processes. Paths nixling never registered and did not
 * create are left alone, so a store directory shared with something else is not damaged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { pidAlive, tryLock } from './lock';
import { fsPath } from './nar';
import { HASH_PART_LEN } from './store-path';
import { outputPathOf } from './derivation';
import { removeTree, Store } from './store';

export function gcRootsDir(store: Store): string {
  return path.join(store.config.stateDir, 'gcroots');
}

/** Converts a physical path inside the store to its logical store path (or undefined). */
export function toStorePath(store: Store, physical: string): string | undefined {
  const physDir = store.physicalPath(store.storeDir) + '/';
  if (!physical.startsWith(physDir)) return undefined;
  const base = physical.slice(physDir.length).split('/')[0];
  if (base.length <= HASH_PART_LEN || base[HASH_PART_LEN] !== '-') return undefined;
  return store.storeDir + '/' + base;
}

/** Registers `link` (an absolute path, e.g. ./result) as an indirect root. */
export function addIndirectRoot(store: Store, link: string): void {
  const dir = path.join(gcRootsDir(store), 'auto');
  fs.mkdirSync(dir, { recursive: true });
  const name = createHash('sha256').update(link).digest('hex').slice(0, 32);
  const file = path.join(dir, name);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(link, tmp);
  fs.renameSync(tmp, file);
}

/** Creates (or replaces) a symlink atomically. */
export function replaceSymlink(target: string, link: string): void {
  const tmp = `${link}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(target, tmp);
  fs.renameSync(tmp, link);
}

/** The store paths the roots point at (removing indirect roots whose link is gone). */
export function findRoots(store: Store): Map<string, string> {
  const roots = new Map<string, string>(); // store path → where the root is
  const addTarget = (target: string, where: string): boolean => {
    let real: string;
    try {
      real = fs.realpathSync(target);
    } catch {
      return false;
    }
    const sp = toStorePath(store, real) ?? toStorePath(store, target);
    if (sp === undefined || !store.isValidPath(sp)) return false;
    roots.set(sp, where);
    return true;
  };
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isSymbolicLink()) {
        const target = fs.readlinkSync(p);
        if (path.basename(dir) === 'auto') {
          // Indirect: the link named by `target` must still exist and point into the store.
          let linkTarget: string;
          try {
            linkTarget = fs.readlinkSync(target);
          } catch {
            fs.rmSync(p, { force: true });
            continue;
          }
          if (!addTarget(path.resolve(path.dirname(target), linkTarget), target)) fs.rmSync(p, { force: true });
        } else addTarget(path.resolve(dir, target), p);
      }
    }
  };
  walk(gcRootsDir(store));
  // Builds running right now keep what they use (temporary roots, one file per process).
  const tempDir = path.join(store.config.stateDir, 'temproots');
  for (const f of safeReaddir(tempDir)) {
    const pid = Number(f);
    if (!pidAlive(pid)) {
      fs.rmSync(path.join(tempDir, f), { force: true });
      continue;
    }
    for (const l of fs.readFileSync(path.join(tempDir, f), 'utf8').split('\n')) {
      if (l !== '' && store.isValidPath(l)) roots.set(l, `{temp:${pid}}`);
    }
  }
  return roots;
}

/** Records store paths the current process is using, so that a concurrent gc keeps them. */
export function addTempRoots(store: Store, paths: string[]): void {
  const dir = path.join(store.config.stateDir, 'temproots');
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(path.join(dir, String(process.pid)), paths.map((p) => p + '\n').join(''));
}

export function removeTempRoots(store: Store): void {
  fs.rmSync(path.join(store.config.stateDir, 'temproots', String(process.pid)), { force: true });
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Every registered path (from the database). */
export function allValidPaths(store: Store): string[] {
  const out: string[] = [];
  for (const f of safeReaddir(store.db.dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      const info = JSON.parse(fs.readFileSync(path.join(store.db.dir, f), 'utf8'));
      if (typeof info.path === 'string') out.push(info.path);
    } catch {
      // a torn entry cannot exist (entries are renamed into place); ignore anything odd
    }
  }
  return out.sort();
}

/** The live set: the closure of the roots, plus the derivers of live paths (and theirs). */
export function liveClosure(store: Store, roots: Iterable<string>): Set<string> {
  const live = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (live.has(p)) continue;
    live.add(p);
    const info = store.queryPathInfo(p);
    for (const r of info?.references ?? []) todo.push(r);
    if (info?.deriver && store.isValidPath(info.deriver)) {
      todo.push(info.deriver);
      // The other outputs of its derivation stay too: nixling cannot rebuild only some
      // outputs of a derivation (their paths are baked into what the builder writes).
      try {
        for (const o of store.readDerivation(info.deriver).outputs.values()) {
          const sib = outputPathOf(o);
          if (sib !== undefined && store.isValidPath(sib)) todo.push(sib);
        }
      } catch {
        // an unreadable derivation keeps just itself
      }
    }
  }
  return live;
}

export interface GcResult {
  deleted: string[];
  freedBytes: number;
}

/** Deletes what no root reaches; `dryRun` only reports it. */
export function collectGarbage(store: Store, dryRun = false): GcResult {
  const roots = findRoots(store);
  const live = liveClosure(store, roots.keys());
  const dead = allValidPaths(store).filter((p) => !live.has(p));
  const deleted: string[] = [];
  let freed = 0;
  const physDir = store.physicalPath(store.storeDir);
  for (const p of dead) {
    const lockFile = store.physicalPath(p) + '.lock';
    if (!dryRun) {
      if (!tryLock(lockFile)) continue; // being built or used right now
      try {
        freed += store.queryPathInfo(p)?.narSize ?? 0;
        store.db.invalidate(p); // invalid first: a crash leaves an unregistered leftover
        removeTree(store.physicalPath(p));
      } finally {
        fs.rmSync(lockFile, { force: true });
      }
    } else freed += store.queryPathInfo(p)?.narSize ?? 0;
    deleted.push(p);
  }
  if (!dryRun) {
    // Leftovers: temporary names of dead processes, unregistered outputs with stale locks.
    for (const name of safeReaddir(physDir)) {
      const m = /^\.tmp-(\d+)-/.exec(name);
      if (m && !pidAlive(Number(m[1]))) removeTree(path.join(physDir, name));
      else if (name.endsWith('.lock')) {
        const lockFile = path.join(physDir, name);
        const sp = store.storeDir + '/' + name.slice(0, -'.lock'.length);
        if (!tryLock(lockFile)) continue;
        try {
          if (!store.isValidPath(sp) && fs.existsSync(fsPath(store.physicalPath(sp)))) removeTree(store.physicalPath(sp));
        } finally {
          fs.rmSync(lockFile, { force: true });
        }
      }
    }
  }
  return { deleted, freedBytes: freed };
}
