/**
 * The store flags every command that reads or writes the store takes (--store, --store-dir,
 * --state-dir). Apart from build.ts, so that `eval` does not load the builder.
 */
import * as path from 'node:path';
import { NixError } from '../eval/errors';
import { resolveStoreConfig, setStoreConfig, StoreOptions } from '../store/config';

/** Removes --store ROOT / --store-dir DIR / --state-dir DIR from argv; returns the store options. */
export function extractStoreOptions(argv: string[], readOnly: boolean): { opts: StoreOptions; rest: string[] } {
  const opts: StoreOptions = { readOnly };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--store' || a === '--store-dir' || a === '--state-dir') {
      if (i + 1 >= argv.length) throw new NixError('eval', `flag '${a}' requires an argument`);
      const v = argv[++i];
      if (a === '--store') opts.root = v === 'auto' || v === 'local' ? '' : v.replace(/^local\?root=/, '');
      else if (a === '--state-dir') opts.stateDir = path.resolve(v);
      else opts.storeDir = v;
    } else rest.push(a);
  }
  return { opts, rest };
}

/**
 * Applies store options: resolves and installs the process-wide configuration. A store
 * directory other than /nix/store with no separate root (`--store-dir DIR`) keeps its
 * state (path database, roots, logs) beside it, in DIR/../var/nixling and DIR/../var/log,
 * rather than in the system's /nix/var; `--state-dir DIR` chooses it explicitly.
 */
export function useStore(opts: StoreOptions): void {
  const c = resolveStoreConfig(opts);
  if (opts.stateDir === undefined && c.root === '' && c.storeDir !== '/nix/store') {
    c.stateDir = path.join(path.dirname(c.storeDir), 'var/nixling');
  }
  setStoreConfig(c);
}
