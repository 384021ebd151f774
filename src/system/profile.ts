/**
 * A profile: the numbered generations of a system, as NixOS keeps them in
 * /nix/var/nix/profiles/system-N-link. The directory (`--profile DIR`; by default
 * /var/lib/nixling/profiles/system for root, else $XDG_STATE_HOME/nixling/profiles/system,
 * i.e. ~/.local/state/…; with `--root DIR` other than /, DIR/var/lib/nixling/profiles/system)
 * holds:
 *
 *   N/toplevel          symlink to the generation's toplevel (where it is on disk)
 *   N/generation.json   { number, toplevel (the store path), created (ISO 8601 date) }
 *   N/metadata.json     what building the system recorded (option snapshot, images)
 *   current             symlink to N, the generation the system is switched to
 *   .lock               held by a switch while it runs
 *
 * A generation is written to a temporary directory and renamed to N, so a generation
 * either exists completely or not at all; `current` is replaced by renaming a new
 * symlink over it. Each N/toplevel is registered with the store as an indirect
 * garbage-collector root, so `nixling gc` keeps every generation's closure.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NixError } from '../eval/errors';
import { pidAlive, tryLock } from '../store/lock';
import { addIndirectRoot, replaceSymlink, toStorePath } from '../store/gc';
import type { Store } from '../store/store';

export interface Generation {
  number: number;
  /** The toplevel's store path (or, for a toplevel outside the store, its directory). */
  toplevel: string;
  /** Where the toplevel is on this machine (N/toplevel points there). */
  physical: string;
  /** ISO 8601 creation date. */
  created: string;
  /** The generation's directory. */
  dir: string;
}

/**
 * The default profile directory: for a root other than / (a system being set up in a
 * directory, as with nixos-install) the one inside it; else root's, or this user's.
 */
export function defaultProfileDir(root = '/', env: NodeJS.ProcessEnv = process.env): string {
  if (path.resolve(root) !== '/') return path.join(path.resolve(root), 'var/lib/nixling/profiles/system');
  if (typeof process.getuid === 'function' && process.getuid() === 0) return '/var/lib/nixling/profiles/system';
  const state = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME || os.homedir(), '.local/state');
  return path.join(state, 'nixling/profiles/system');
}

function readGeneration(dir: string, n: number): Generation | undefined {
  const gdir = path.join(dir, String(n));
  try {
    const info = JSON.parse(fs.readFileSync(path.join(gdir, 'generation.json'), 'utf8'));
    const physical = fs.readlinkSync(path.join(gdir, 'toplevel'));
    return { number: n, toplevel: String(info.toplevel), physical, created: String(info.created), dir: gdir };
  } catch {
    return undefined;
  }
}

/** The generations of a profile, oldest first (none when the directory does not exist). */
export function listGenerations(dir: string): Generation[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^[1-9][0-9]*$/.test(n))
    .map(Number)
    .sort((a, b) => a - b)
    .map((n) => readGeneration(dir, n))
    .filter((g): g is Generation => g !== undefined);
}

/** The number `current` points at, if any. */
export function currentNumber(dir: string): number | undefined {
  try {
    const t = fs.readlinkSync(path.join(dir, 'current'));
    return /^[1-9][0-9]*$/.test(t) ? Number(t) : undefined;
  } catch {
    return undefined;
  }
}

export function currentGeneration(dir: string): Generation | undefined {
  const n = currentNumber(dir);
  return n === undefined ? undefined : readGeneration(dir, n);
}

export function getGeneration(dir: string, n: number): Generation | undefined {
  return readGeneration(dir, n);
}

/** What building the generation recorded (an empty object when nothing was). */
export function readMetadata(gen: Generation): Record<string, unknown> {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(gen.dir, 'metadata.json'), 'utf8'));
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

export interface NewGeneration {
  toplevel: string;
  physical: string;
  metadata?: unknown;
  /** Called with N/toplevel once the generation exists, to register it as a gc root. */
  onCreated?: (toplevelLink: string) => void;
  /** The creation date (now by default). */
  created?: Date;
}

/**
 * Records a new generation numbered one past the newest, without making it current.
 * The caller holds the profile's lock.
 */
export function addGeneration(dir: string, g: NewGeneration): Generation {
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  const all = listGenerations(dir);
  const n = (all.length > 0 ? all[all.length - 1].number : 0) + 1;
  const tmp = path.join(dir, `.tmp-${process.pid}-${n}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  const created = (g.created ?? new Date()).toISOString();
  fs.symlinkSync(g.physical, path.join(tmp, 'toplevel'));
  fs.writeFileSync(path.join(tmp, 'generation.json'), JSON.stringify({ number: n, toplevel: g.toplevel, created }, null, 2) + '\n');
  fs.writeFileSync(path.join(tmp, 'metadata.json'), JSON.stringify(g.metadata ?? {}, null, 2) + '\n');
  const gdir = path.join(dir, String(n));
  fs.renameSync(tmp, gdir);
  g.onCreated?.(path.join(gdir, 'toplevel'));
  return { number: n, toplevel: g.toplevel, physical: g.physical, created, dir: gdir };
}

/**
 * Registers a generation's toplevel link as an indirect garbage-collector root of `store`
 * when it leads into that store; returns a warning when the store's state is not writable.
 */
export function registerRoot(store: Store, link: string): string | undefined {
  let target: string;
  try {
    target = fs.realpathSync(link);
  } catch {
    return undefined;
  }
  if (toStorePath(store, target) === undefined) return undefined;
  try {
    addIndirectRoot(store, link);
    return undefined;
  } catch (e) {
    return `could not register '${link}' as a garbage-collector root: ${(e as Error).message}`;
  }
}

/** Points `current` at generation `n` (atomically). */
export function setCurrent(dir: string, n: number): void {
  if (!readGeneration(dir, n)) throw new NixError('io', `generation ${n} does not exist in profile '${dir}'`);
  replaceSymlink(String(n), path.join(dir, 'current'));
}

/** The newest generation older than `n`. */
export function previousGeneration(dir: string, n: number): Generation | undefined {
  const older = listGenerations(dir).filter((g) => g.number < n);
  return older[older.length - 1];
}

function removeStaleTemps(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^\.tmp-(\d+)-/.exec(name);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Takes the profile's lock (waiting up to `waitMs` for another switch to finish); returns
 * the function that releases it. A lock left by a killed process is taken over.
 */
export function lockProfile(dir: string, waitMs = 10_000): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, '.lock');
  const deadline = Date.now() + waitMs;
  while (!tryLock(file)) {
    if (Date.now() > deadline) {
      let owner = '';
      try {
        owner = fs.readFileSync(file, 'utf8').trim().split(/\s+/)[0];
      } catch {
        // gone meanwhile
      }
      throw new NixError('io', `profile '${dir}' is locked by another nixling process${owner ? ` (pid ${owner})` : ''}`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  return () => fs.rmSync(file, { force: true });
}
