/**
 * Running one derivation's builder as Nix runs it: in a fresh temporary build directory,
 * with an environment made only of the derivation's attributes plus the variables Nix
 * adds (NIX_BUILD_TOP, TMPDIR and friends, HOME=/homeless-shelter, PATH=/path-not-set,
 * NIX_STORE, NIX_BUILD_CORES) — nothing from the caller's environment — the derivation's
 * arguments, stdin from /dev/null and stdout/stderr into the build log.
 *
 * Physical vs logical store: builders are given logical store paths, as Nix does. When the
 * store has a separate physical root (`--store ROOT`), nothing makes /nix/store resolve to
 * ROOT/nix/store for the builder (that needs a chroot or mount namespace), so strings
 * naming store paths in the builder, its arguments and its environment are mapped to their
 * physical locations instead; outputs built that way embed physical paths. With
 * `--store-dir DIR` and no root the two coincide and builds are exactly Nix's.
 */
import type * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashString } from './hash';
import type { Derivation } from './derivation';

/**
 * child_process is loaded when a builder first runs, not when the bundle loads: the bundle
 * is captured in a V8 startup snapshot, which child_process is not verified to survive.
 */
function spawn(...args: Parameters<typeof childProcess.spawn>): ReturnType<typeof childProcess.spawn> {
  const cp = require('node:child_process') as typeof childProcess;
  return cp.spawn(...args);
}

export interface BuilderSetup {
  drv: Derivation;
  storeDir: string;
  /** Physical root ('' when logical == physical). */
  root: string;
  buildDir: string;
  cores: number;
  logFd: number;
}

/** The builder's environment (before physical mapping). */
export function builderEnv(drv: Derivation, storeDir: string, buildDir: string, cores: number): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/path-not-set',
    HOME: '/homeless-shelter',
    NIX_STORE: storeDir,
    NIX_BUILD_CORES: String(cores),
  };
  const passAsFile = new Set((drv.env.get('passAsFile') ?? '').split(/\s+/).filter((s) => s !== ''));
  const structured = drv.env.has('__json');
  for (const [k, v] of drv.env) {
    if (structured && k === '__json') continue;
    if (passAsFile.has(k)) {
      const file = path.join(buildDir, '.attr-' + hashString('sha256', k).nix32);
      fs.writeFileSync(file, Buffer.from(v, 'latin1'));
      env[k + 'Path'] = file;
    } else env[k] = v;
  }
  if (structured) {
    const file = path.join(buildDir, '.attrs.json');
    fs.writeFileSync(file, Buffer.from(drv.env.get('__json')!, 'latin1'));
    env.NIX_ATTRS_JSON_FILE = file;
  }
  Object.assign(env, {
    NIX_BUILD_TOP: buildDir,
    TMPDIR: buildDir,
    TEMPDIR: buildDir,
    TMP: buildDir,
    TEMP: buildDir,
    PWD: buildDir,
    NIX_LOG_FD: '2',
    TERM: 'xterm-256color',
  });
  return env;
}

/** Rewrites logical store paths in a string to their physical locations. */
export function mapToPhysical(s: string, storeDir: string, root: string): string {
  if (root === '') return s;
  return s.split(storeDir + '/').join(root + storeDir + '/');
}

export interface BuilderResult {
  /** Exit code, or undefined when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the builder could not be started at all. */
  spawnError?: string;
}

/** Runs the builder process; `started` receives its pid (which is its process group). */
export function runBuilder(setup: BuilderSetup, started: (pid: number) => void): Promise<BuilderResult> {
  const { drv, storeDir, root, buildDir, cores, logFd } = setup;
  const env = builderEnv(drv, storeDir, buildDir, cores);
  const map = (s: string): string => mapToPhysical(s, storeDir, root);
  for (const k of Object.keys(env)) env[k] = map(env[k]);
  // Nix strings are byte strings; arguments and values go to the process as those bytes.
  const bytes = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');
  const envOut: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) envOut[bytes(k)] = bytes(v);
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(bytes(map(drv.builder)), drv.args.map((a) => bytes(map(a))), {
        cwd: buildDir,
        env: envOut,
        stdio: ['ignore', logFd, logFd],
        detached: true, // its own process group, so it can be stopped as a whole
      });
    } catch (e) {
      resolve({ code: null, signal: null, spawnError: (e as Error).message });
      return;
    }
    if (child.pid !== undefined) started(child.pid);
    child.on('error', (e) => resolve({ code: null, signal: null, spawnError: e.message }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}
