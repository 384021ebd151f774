/**
 * Installing a generation's units into ROOT/etc/systemd/system so that no one ever sees a
 * partly written tree: at every instant the directory is the old generation's units or
 * the new one's. Like NixOS's /etc/static, the switch is the rename of one symlink:
 *
 *   ROOT/etc/nixling/units/NAME/systemd/system/…   a generation's units, materialised:
 *                                                  unit files and drop-ins copied out of
 *                                                  the store, `.wants` links and aliases
 *                                                  kept as relative links. Written under
 *                                                  units/.tmp-PID-… and renamed to NAME
 *                                                  (the toplevel's store name) when complete.
 *   ROOT/etc/nixling/static -> units/NAME          the installed generation; replaced by
 *                                                  renaming a new link over it.
 *
 * and ROOT/etc/systemd/system reaches the units through it, in one of two layouts:
 *
 * - **owned** (a root with no etc/systemd/system yet, as a fresh root or a NixOS-like
 *   machine): etc/systemd/system is itself a link, `-> ../nixling/static/systemd/system`.
 *   Switching is exactly the one rename.
 * - **shared** (an ordinary host, whose etc/systemd/system is a real directory with the
 *   distribution's own links in it): each of our entries is a link
 *   `NAME -> ../../nixling/static/systemd/system/NAME` (inside `X.wants/` and `X.d/`
 *   directories, one level deeper), so the host's entries stay untouched. Links for the
 *   new generation's entries are made before the rename — until it they lead nowhere, so
 *   they are no unit — and the old generation's leftovers, which lead nowhere after it,
 *   are removed afterwards. An entry of the host's own that is in the way stops the switch
 *   before anything changes.
 *
 * An interrupted install leaves the old generation in place (or the new one, once the
 * rename happened); running it again finishes the job. Materialised trees other than the
 * installed one are removed at the end, each renamed to a temporary name first, so that a
 * tree under its final name is always complete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { NixError } from '../eval/errors';
import { pidAlive } from '../store/lock';
import { identityMapper, PathMapper, readUnitTree, resolvePath, UnitTree } from './units';

const OWNED_LINK = '../nixling/static/systemd/system';

export interface InstallLayout {
  etcDir: string;
  unitsDir: string;
  staticLink: string;
  systemDir: string;
}

export function layoutOf(root: string): InstallLayout {
  const etcDir = path.join(root, 'etc/nixling');
  return {
    etcDir,
    unitsDir: path.join(etcDir, 'units'),
    staticLink: path.join(etcDir, 'static'),
    systemDir: path.join(root, 'etc/systemd/system'),
  };
}

/** The unit tree installed in ROOT (empty when nothing is). */
export function readInstalledTree(root: string): UnitTree {
  return readUnitTree(path.join(layoutOf(root).staticLink, 'systemd/system'));
}

/** The name of the installed materialised tree (the toplevel's store name), if any. */
export function installedName(root: string): string | undefined {
  try {
    return path.basename(fs.readlinkSync(layoutOf(root).staticLink));
  } catch {
    return undefined;
  }
}

/**
 * A pause between steps, for tests that interrupt an install at random points:
 * NIXLING_SWITCH_STEP_DELAY_MS, read when called (never at load, which a startup
 * snapshot would freeze).
 */
function step(): void {
  const ms = Number(process.env.NIXLING_SWITCH_STEP_DELAY_MS ?? '');
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A file-system-safe name for a toplevel's materialised tree. */
export function treeName(toplevel: string): string {
  const base = path.basename(toplevel).replace(/[^A-Za-z0-9+._?=-]/g, '_');
  return base === '' || base.startsWith('.') ? `_${base}` : base;
}

export interface InstallOptions {
  /** The toplevel's store path (names the materialised tree). */
  toplevel: string;
  /** Where the toplevel is on disk. */
  physical: string;
  /** Maps absolute symlink targets inside the toplevel (store paths) to the disk. */
  map?: PathMapper;
}

export interface InstallResult {
  layout: 'owned' | 'shared';
  /** The materialised tree's directory. */
  tree: string;
}

/** Installs the toplevel's units into ROOT/etc/systemd/system. */
export function installUnits(root: string, opts: InstallOptions): InstallResult {
  const L = layoutOf(root);
  const map = opts.map ?? identityMapper;
  const name = treeName(opts.toplevel);
  fs.mkdirSync(L.unitsDir, { recursive: true });
  removeStaleTemps(L.unitsDir);
  const final = path.join(L.unitsDir, name);
  if (!fs.existsSync(final)) {
    const tmp = path.join(L.unitsDir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    fs.mkdirSync(path.join(tmp, 'systemd'), { recursive: true });
    materialise(path.join(opts.physical, 'etc/systemd/system'), path.join(tmp, 'systemd/system'), map);
    step();
    fs.renameSync(tmp, final);
    step();
  }
  const layout = layoutKind(L.systemDir);
  const previous = installedName(root);
  if (layout === 'owned') {
    replaceLink(`units/${name}`, L.staticLink);
    step();
    if (!isLink(L.systemDir)) {
      fs.mkdirSync(path.dirname(L.systemDir), { recursive: true });
      replaceLink(OWNED_LINK, L.systemDir);
      step();
    }
  } else {
    const entries = treeEntries(path.join(final, 'systemd/system'));
    checkConflicts(L.systemDir, entries);
    for (const e of entries) {
      const p = path.join(L.systemDir, e.rel);
      if (e.dir) {
        if (!isDir(p)) fs.mkdirSync(p);
      } else if (!isOurs(p, e.rel)) {
        replaceLink(staticLinkFor(e.rel), p);
        step();
      }
    }
    replaceLink(`units/${name}`, L.staticLink);
    step();
    const oldEntries = previous && previous !== name ? treeEntries(path.join(L.unitsDir, previous, 'systemd/system')) : [];
    removeLeftovers(L.systemDir, new Set(entries.map((e) => e.rel)), oldEntries);
  }
  // Trees no longer installed. Each is renamed away before it is deleted: a tree under
  // its final name is always complete (a later install reuses it as it is).
  for (const other of fs.readdirSync(L.unitsDir)) {
    if (other !== name && !other.startsWith('.tmp-')) {
      const doomed = path.join(L.unitsDir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
      fs.renameSync(path.join(L.unitsDir, other), doomed);
      step();
      fs.rmSync(doomed, { recursive: true, force: true });
      step();
    }
  }
  return { layout, tree: final };
}

function layoutKind(systemDir: string): 'owned' | 'shared' {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(systemDir);
  } catch {
    return 'owned';
  }
  if (st.isSymbolicLink()) {
    if (fs.readlinkSync(systemDir) === OWNED_LINK) return 'owned';
    throw new NixError('io', `'${systemDir}' is a symbolic link to '${fs.readlinkSync(systemDir)}', not a directory nixling can install into`);
  }
  if (st.isDirectory()) return 'shared';
  throw new NixError('io', `'${systemDir}' is not a directory`);
}

/** Copies a unit tree out of the store: files copied, links within the tree kept. */
function materialise(src: string, dst: string, map: PathMapper, rel = ''): void {
  fs.mkdirSync(dst, { recursive: true });
  const real = resolvePath(src, map);
  if (real === undefined) return; // a toplevel without units
  for (const name of fs.readdirSync(real).sort()) {
    const from = path.join(real, name);
    const to = path.join(dst, name);
    const here = rel === '' ? name : `${rel}/${name}`;
    const lst = fs.lstatSync(from);
    if (lst.isSymbolicLink()) {
      const target = fs.readlinkSync(from);
      // Links within the tree (`../foo.service` in a .wants directory, aliases) stay links.
      if (!target.startsWith('/')) {
        const within = path.posix.normalize(path.posix.join(path.posix.dirname(here), target));
        if (!within.startsWith('../') && within !== '..') {
          fs.symlinkSync(target, to);
          continue;
        }
      }
    }
    const resolved = resolvePath(from, map);
    if (resolved === undefined) continue; // leads nowhere: not part of the tree
    if (resolved === '/dev/null') {
      fs.symlinkSync('/dev/null', to);
      continue;
    }
    const st = fs.statSync(resolved);
    if (st.isDirectory()) materialise(resolved, to, map, here);
    else if (st.isFile()) fs.writeFileSync(to, fs.readFileSync(resolved), { mode: 0o644 });
    step();
  }
}

interface Entry {
  rel: string;
  dir: boolean;
}

/** The entries of a materialised tree: top-level entries, and the contents of its directories. */
function treeEntries(dir: string): Entry[] {
  const out: Entry[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const st = fs.lstatSync(path.join(dir, name));
    if (st.isDirectory()) {
      out.push({ rel: name, dir: true });
      for (const sub of fs.readdirSync(path.join(dir, name)).sort()) out.push({ rel: `${name}/${sub}`, dir: false });
    } else out.push({ rel: name, dir: false });
  }
  return out;
}

/** The link an entry of the shared layout has: through static, relative to its directory. */
function staticLinkFor(rel: string): string {
  const depth = rel.split('/').length - 1;
  return '../'.repeat(2 + depth) + 'nixling/static/systemd/system/' + rel;
}

function isOurs(p: string, rel: string): boolean {
  try {
    return fs.readlinkSync(p) === staticLinkFor(rel);
  } catch {
    return false;
  }
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Refuses, before changing anything, when an entry of the host's own is in the way. */
function checkConflicts(systemDir: string, entries: Entry[]): void {
  const clashes: string[] = [];
  for (const e of entries) {
    const p = path.join(systemDir, e.rel);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (e.dir ? !st.isDirectory() : !isOurs(p, e.rel)) clashes.push(p);
  }
  if (clashes.length > 0) {
    throw new NixError(
      'io',
      `these files in '${systemDir}' were not installed by nixling and are in the way:\n` + clashes.map((c) => `  ${c}`).join('\n') + '\nmove them away (or rename the units) and switch again',
    );
  }
}

/** Removes our links that the new generation no longer has, and directories they emptied. */
function removeLeftovers(systemDir: string, keep: Set<string>, oldEntries: Entry[]): void {
  const dirs = new Set<string>();
  const candidates = new Set(oldEntries.filter((e) => !e.dir).map((e) => e.rel));
  // Leftovers of interrupted switches: any link of ours that leads nowhere.
  for (const name of safeReaddir(systemDir)) {
    const p = path.join(systemDir, name);
    if (isDir(p)) for (const sub of safeReaddir(p)) candidates.add(`${name}/${sub}`);
    else candidates.add(name);
  }
  // Temporary links of killed switches (NAME.tmp-PID, made just before a rename).
  for (const rel of candidates) {
    const m = /\.tmp-(\d+)$/.exec(rel);
    if (m && !pidAlive(Number(m[1])) && isLink(path.join(systemDir, rel)) && isOurs(path.join(systemDir, rel), rel.slice(0, m.index))) {
      fs.rmSync(path.join(systemDir, rel), { force: true });
    }
  }
  for (const rel of candidates) {
    if (keep.has(rel)) continue;
    const p = path.join(systemDir, rel);
    if (isOurs(p, rel)) {
      fs.rmSync(p, { force: true });
      step();
      if (rel.includes('/')) dirs.add(rel.split('/')[0]);
    }
  }
  for (const d of [...dirs, ...oldEntries.filter((e) => e.dir).map((e) => e.rel)]) {
    if (keep.has(d)) continue;
    try {
      fs.rmdirSync(path.join(systemDir, d)); // only when empty
    } catch {
      // the host has entries there, or it is gone already
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function replaceLink(target: string, link: string): void {
  const tmp = `${link}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(target, tmp);
  fs.renameSync(tmp, link);
}

function removeStaleTemps(dir: string): void {
  for (const name of safeReaddir(dir)) {
    const m = /^\.tmp-(\d+)-/.exec(name);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}
