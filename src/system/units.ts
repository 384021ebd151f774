/**
 * A system's unit tree: what `etc/systemd/system` of a toplevel (or of an installed root)
 * holds, read into memory so that trees can be compared without touching the disk again.
 *
 * The directory has, per entry:
 * - `NAME` a unit file (usually a symlink into the store), or a symlink to /dev/null
 *   (masked), or a symlink to another unit of the tree (an alias);
 * - `NAME.d/*.conf` drop-ins;
 * - `NAME.wants/`, `NAME.requires/`, `NAME.upholds/` directories of links `../OTHER`,
 *   whose names say which units NAME pulls in.
 *
 * Store paths inside a toplevel are logical (`/nix/store/…`); when the store lives under a
 * physical root (`--store ROOT`) a symlink's absolute target is mapped to where it really
 * is before it is followed (`PathMapper`). A symlink that leads nowhere is an absent entry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseUnitWithDropins, UnitInfo } from './ini';

export interface UnitFile {
  /** The unit's text, or null when masked (linked to /dev/null). */
  text: string | null;
  /** Drop-ins (`NAME.d/*.conf`): file name → text. */
  dropins: Map<string, string>;
  /** Set when NAME is a symlink to another unit of the tree. */
  aliasOf?: string;
  /** Only drop-ins, for a unit defined elsewhere (upstream, or a template's instance). */
  dropinOnly?: boolean;
}

export type DepKind = 'wants' | 'requires' | 'upholds';

export interface UnitTree {
  units: Map<string, UnitFile>;
  /** `NAME.wants/`…: owner → kind → names it pulls in (sorted). */
  deps: Map<string, Map<DepKind, string[]>>;
}

/** Translates an absolute symlink target to where it is on this machine. */
export type PathMapper = (abs: string) => string;

export const identityMapper: PathMapper = (p) => p;

/** A mapper for a store whose logical directory `storeDir` lives physically under `root`. */
export function storeMapper(storeDir: string, root: string): PathMapper {
  if (root === '') return identityMapper;
  return (p) => (p === storeDir || p.startsWith(storeDir + '/') ? root + p : p);
}

const MAX_LINKS = 64;

/**
 * Resolves `p` component by component, following symlinks (absolute targets through
 * `map`); undefined when something along the way does not exist or links loop.
 */
export function resolvePath(p: string, map: PathMapper = identityMapper): string | undefined {
  let todo = path.resolve(p).split('/').filter((c) => c !== '');
  let cur = '/';
  let links = 0;
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === '.') continue;
    if (c === '..') {
      cur = path.dirname(cur);
      continue;
    }
    const next = path.join(cur, c);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(next);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) return undefined;
      const target = fs.readlinkSync(next);
      const abs = target.startsWith('/') ? map(target) : path.join(cur, target);
      todo = [...abs.split('/').filter((x) => x !== ''), ...todo];
      cur = '/';
    } else cur = next;
  }
  return cur;
}

/** Whether `name` names a unit (has a unit type suffix). */
export function isUnitName(name: string): boolean {
  return /^[^/]+\.(service|socket|target|timer|path|mount|automount|swap|slice|scope|device)$/.test(name);
}

const DEP_DIR = /^(.+)\.(wants|requires|upholds)$/;

/**
 * Reads the unit tree in directory `dir` (which may itself be reached through symlinks).
 * A missing directory is an empty tree.
 */
export function readUnitTree(dir: string, map: PathMapper = identityMapper): UnitTree {
  const tree: UnitTree = { units: new Map(), deps: new Map() };
  const real = resolvePath(dir, map);
  if (real === undefined) return tree;
  let names: string[];
  try {
    names = fs.readdirSync(real).sort();
  } catch {
    return tree;
  }
  const dropinDirs = new Map<string, Map<string, string>>();
  for (const name of names) {
    const full = path.join(real, name);
    const target = resolvePath(full, map);
    if (target === undefined) continue; // dangling: absent
    if (target === '/dev/null') {
      tree.units.set(name, { text: null, dropins: new Map() });
      continue;
    }
    const st = fs.statSync(target);
    if (st.isDirectory()) {
      const dep = DEP_DIR.exec(name);
      if (dep) {
        // systemd goes by the names in these directories, not by where the links lead
        // (a link may name an upstream unit that is not in this tree).
        const linked = fs.readdirSync(target).filter(isUnitName);
        if (linked.length > 0) {
          let kinds = tree.deps.get(dep[1]);
          if (!kinds) tree.deps.set(dep[1], (kinds = new Map()));
          kinds.set(dep[2] as DepKind, linked.sort());
        }
      } else if (name.endsWith('.d')) {
        const confs = new Map<string, string>();
        for (const f of fs.readdirSync(target).sort()) {
          if (!f.endsWith('.conf')) continue;
          const ft = resolvePath(path.join(target, f), map);
          if (ft === undefined || !fs.statSync(ft).isFile()) continue;
          confs.set(f, fs.readFileSync(ft, 'latin1'));
        }
        if (confs.size > 0) dropinDirs.set(name.slice(0, -2), confs);
      }
      continue;
    }
    if (!st.isFile()) continue;
    const file: UnitFile = { text: fs.readFileSync(target, 'latin1'), dropins: new Map() };
    const alias = aliasTarget(full, real);
    if (alias !== undefined && alias !== name) file.aliasOf = alias;
    tree.units.set(name, file);
  }
  for (const [unit, confs] of dropinDirs) {
    const u = tree.units.get(unit);
    if (u) u.dropins = confs;
    // Drop-ins for a unit that is not in the tree (an upstream unit, or a template
    // instance) are kept under the unit's name with no text of its own.
    else tree.units.set(unit, { text: '', dropins: confs, dropinOnly: true });
  }
  return tree;
}

/** For a symlink to another entry of the same directory (`../x.service`, `x.service`), that entry's name. */
function aliasTarget(full: string, dir: string): string | undefined {
  let target: string;
  try {
    target = fs.readlinkSync(full);
  } catch {
    return undefined;
  }
  if (target.startsWith('/')) return undefined;
  const abs = path.resolve(dir, target);
  return path.dirname(abs) === dir ? path.basename(abs) : undefined;
}

/** The unit file that defines `name`: itself, or for a template instance `a@b.x`, `a@.x`. */
export function lookupUnit(tree: UnitTree, name: string): { file: UnitFile; base: string } | undefined {
  const own = tree.units.get(name);
  if (own && !own.dropinOnly) return { file: own, base: name };
  const m = /^(.*)@[^.]*\.(.*)$/.exec(name);
  if (m) {
    const baseName = `${m[1]}@.${m[2]}`;
    const tmpl = tree.units.get(baseName);
    if (tmpl) {
      // The instance's own drop-ins apply after the template's.
      const dropins = new Map(tmpl.dropins);
      for (const [k, v] of own?.dropins ?? []) dropins.set(k, v);
      return { file: { text: tmpl.text, dropins }, base: baseName };
    }
  }
  return own ? { file: own, base: name } : undefined;
}

/** The parsed unit (text and drop-ins merged), or undefined when absent or masked. */
export function unitInfo(tree: UnitTree, name: string): UnitInfo | undefined {
  const u = lookupUnit(tree, name);
  if (!u || u.file.text === null) return undefined;
  return parseUnitWithDropins(u.file.text, u.file.dropins);
}

/** Whether two unit files are byte-identical (text and drop-ins). */
export function sameUnitFile(a: UnitFile, b: UnitFile): boolean {
  if (a.text !== b.text || a.aliasOf !== b.aliasOf || a.dropinOnly !== b.dropinOnly || a.dropins.size !== b.dropins.size) return false;
  for (const [k, v] of a.dropins) if (b.dropins.get(k) !== v) return false;
  return true;
}

/** The units `name` pulls in through its dependency directories. */
export function depsOf(tree: UnitTree, name: string): { kind: DepKind; unit: string }[] {
  const out: { kind: DepKind; unit: string }[] = [];
  for (const [kind, units] of tree.deps.get(name) ?? []) for (const u of units) out.push({ kind, unit: u });
  return out;
}

/** Whether two trees hold the same units and dependency links. */
export function sameTree(a: UnitTree, b: UnitTree): boolean {
  if (a.units.size !== b.units.size || a.deps.size !== b.deps.size) return false;
  for (const [n, u] of a.units) {
    const v = b.units.get(n);
    if (!v || !sameUnitFile(u, v)) return false;
  }
  for (const [n, kinds] of a.deps) {
    const other = b.deps.get(n);
    if (!other || other.size !== kinds.size) return false;
    for (const [k, us] of kinds) if ((other.get(k) ?? []).join('\0') !== us.join('\0')) return false;
  }
  return true;
}

/** The unit tree of a toplevel directory (its `etc/systemd/system`). */
export function readToplevelUnits(toplevel: string, map: PathMapper = identityMapper): UnitTree {
  return readUnitTree(path.join(toplevel, 'etc/systemd/system'), map);
}
