/**
 * Native builders: derivations whose builder is `builtin:NAME` run inside nixling instead
 * of as a process. Later parts (image writers) register theirs here; `builtin:fetchurl`
 * exists only to say that nixling has no network access.
 */
import type { Derivation } from './derivation';
import type { Store } from './store';

export interface NativeBuildContext {
  drvPath: string;
  drv: Derivation;
  /** Output name → the (physical) path the builder must create. */
  outputs: Map<string, string>;
  /** The environment a process builder would get. */
  env: Record<string, string>;
  /** The fresh temporary build directory. */
  buildDir: string;
  /** Writes to the build log. */
  log(text: string): void;
  /** Maps a logical store path to where it physically is. */
  physicalPath(storePath: string): string;
  /** The store being built into: references and closures of the (valid) inputs. */
  store: Store;
}

export type NativeBuilder = (ctx: NativeBuildContext) => Promise<void> | void;

const registry = new Map<string, NativeBuilder>();

/** Registers `builtin:NAME` (NAME without the prefix). */
export function registerNativeBuilder(name: string, builder: NativeBuilder): void {
  registry.set(name, builder);
}

export function nativeBuilder(name: string): NativeBuilder | undefined {
  return registry.get(name);
}

export function nativeBuilderNames(): string[] {
  return [...registry.keys()].sort();
}

registerNativeBuilder('fetchurl', (ctx) => {
  const url = ctx.env.url ?? ctx.env.urls ?? '(no url)';
  throw new Error(`builtin:fetchurl cannot fetch '${url}': nixling has no network access; add the file to the store first (e.g. with builtins.path) or build it elsewhere`);
});
