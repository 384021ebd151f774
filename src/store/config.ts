/**
 * Store configuration: the logical store directory (what store paths are printed as and
 * hashed with, `/nix/store` by default so paths equal Nix's), the physical root under which
 * that directory lives (like Nix's `--store /root` chroot stores: paths are physically at
 * ROOT/STOREDIR), and whether the store may be written to.
 *
 * Precedence: explicit options (the command line: `--store-dir`, `--store`) over the
 * environment (`NIXLING_STORE_DIR`, `NIX_STORE_DIR`, `NIXLING_STORE`) over the defaults.
 */
import * as path from 'node:path';

export interface StoreConfig {
  /** The logical store directory, absolute, without a trailing slash. */
  storeDir: string;
  /** Physical root ('' for the real filesystem root): store paths live at root + storeDir. */
  root: string;
  /** Where the path database lives (physically): ROOT/nix/var/nixling by default. */
  stateDir: string;
  /**
   * Read-only: compute store paths but never write to the store (evaluation only, like
   * `nix-instantiate --eval --readonly-mode`).
   */
  readOnly: boolean;
}

export interface StoreOptions {
  storeDir?: string;
  root?: string;
  stateDir?: string;
  readOnly?: boolean;
}

/** Resolves the configuration from explicit options and the environment. */
export function resolveStoreConfig(opts: StoreOptions = {}, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const rawDir = opts.storeDir ?? env.NIXLING_STORE_DIR ?? env.NIX_STORE_DIR ?? '/nix/store';
  const storeDir = canonDir(rawDir, 'store directory');
  const rawRoot = opts.root ?? env.NIXLING_STORE ?? '';
  const root = rawRoot === '' || rawRoot === '/' ? '' : canonDir(path.resolve(rawRoot), 'store root');
  const stateDir = opts.stateDir ?? root + '/nix/var/nixling';
  const readOnly = opts.readOnly ?? (env.NIXLING_READONLY ? env.NIXLING_READONLY !== '0' : true);
  return { storeDir, root, stateDir, readOnly };
}

function canonDir(p: string, what: string): string {
  if (!p.startsWith('/')) throw new Error(`${what} '${p}' is not an absolute path`);
  const c = path.posix.normalize(p);
  return c.length > 1 && c.endsWith('/') ? c.slice(0, -1) : c;
}

/** The process-wide configuration (the CLI replaces it before evaluating). */
export let storeConfig: StoreConfig = resolveStoreConfig();

export function setStoreConfig(c: StoreConfig): void {
  storeConfig = c;
}
