/**
 * The store layer's surface: the process-wide store (opened from `storeConfig`, reopened
 * when the configuration is replaced) and re-exports of the pure parts.
 */
import { StoreConfig, storeConfig } from './config';
import { Store } from './store';

let current: Store | undefined;

/** The store for the current configuration. */
export function getStore(): Store {
  if (current === undefined || current.config !== storeConfig) current = new Store(storeConfig);
  return current;
}

/** Opens a store for an explicit configuration (tests, the realiser). */
export function openStore(config: StoreConfig): Store {
  return new Store(config);
}

export { Store } from './store';
export { resolveStoreConfig, setStoreConfig, storeConfig } from './config';
export type { StoreConfig, StoreOptions } from './config';
export * from './hash';
export * from './store-path';
export * from './derivation';
export { DerivationHasher, derivationPath } from './derivation-hash';
export { dumpPath, hashPath, narOf } from './nar';
export type { PathInfo } from './db';
