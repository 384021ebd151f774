/**
 * Store paths: `STOREDIR/HASH-NAME`, where HASH is 32 nix32 characters (160 bits) computed
 * from a fingerprint `TYPE:sha256:HEX:STOREDIR:NAME`. The TYPE says how the path was made:
 *
 *   text[:REF…]            a text file added with its references (toFile, .drv files)
 *   source[:REF…][:self]   a NAR-hashed (recursive, sha256) content-addressed path
 *   output:ID              output ID of an input-addressed derivation (HEX = hash modulo)
 *   output:out             other fixed outputs (HEX = sha256 of "fixed:out:METHOD ALGO:HEX:")
 *
 * Names are checked with Nix's rules and messages. Paths here are printed paths (strings).
 */
import { canonPath } from '../../grammar/build';
import { compressedNix32, Hash, hashString } from './hash';

export const HASH_PART_LEN = 32;
export const MAX_NAME_LEN = 211;
export const DRV_EXTENSION = '.drv';

/** A bad store path name (message is Nix's). */
export class BadStorePathName extends Error {}
export class BadStorePath extends Error {}

/** Checks a store path name (`checkName`). */
export function checkName(name: string): void {
  if (name.length === 0) throw new BadStorePathName('name must not be empty');
  if (name.length > MAX_NAME_LEN) {
    throw new BadStorePathName(`name '${name}' must be no longer than ${MAX_NAME_LEN} characters`);
  }
  if (name[0] === '.') {
    if (name.length === 1) throw new BadStorePathName(`name '${name}' is not valid`);
    if (name[1] === '-') {
      throw new BadStorePathName(`name '${name}' is not valid: first dash-separated component must not be '.'`);
    }
    if (name[1] === '.') {
      if (name.length === 2) throw new BadStorePathName(`name '${name}' is not valid`);
      if (name[2] === '-') {
        throw new BadStorePathName(`name '${name}' is not valid: first dash-separated component must not be '..'`);
      }
    }
  }
  const m = /[^0-9a-zA-Z+\-._?=]/.exec(name);
  if (m) throw new BadStorePathName(`name '${name}' contains illegal character '${m[0]}'`);
}

/** How content is turned into a content address. */
export type ContentAddressMethod = 'flat' | 'nar' | 'text';

/** The prefix Nix prints before the algorithm (`r:sha256` for NAR, `text:sha256`). */
export function methodPrefix(method: ContentAddressMethod): string {
  return method === 'nar' ? 'r:' : method === 'text' ? 'text:' : '';
}

/** Parses the `outputHashMode` values and the `r:`/`text:` prefixes. */
export function parseMethodAlgo(s: string): { method: ContentAddressMethod; algo: string } {
  if (s.startsWith('r:')) return { method: 'nar', algo: s.slice(2) };
  if (s.startsWith('text:')) return { method: 'text', algo: s.slice(5) };
  return { method: 'flat', algo: s };
}

export class StoreDir {
  constructor(readonly dir: string) {}

  /** `makeStorePath`: the path for a fingerprint type, an inner hash and a name. */
  makeStorePath(type: string, hash: Hash | string, name: string): string {
    const hex = typeof hash === 'string' ? hash : hash.toString('base16', true);
    const fingerprint = `${type}:${hex}:${this.dir}:${name}`;
    const h = compressedNix32(hashString('sha256', fingerprint), 20);
    checkName(name);
    return `${this.dir}/${h}-${name}`;
  }

  /** The path of output `id` of an input-addressed derivation with hash modulo `hash`. */
  makeOutputPath(id: string, hash: Hash, drvName: string): string {
    return this.makeStorePath('output:' + id, hash, outputPathName(drvName, id));
  }

  /** A text file with references (toFile, .drv files). */
  makeTextPath(name: string, hash: Hash, references: Iterable<string>): string {
    // Derivations sharing their inputs share their references array: its type is made once.
    if (!Array.isArray(references)) return this.makeStorePath(makeType('text', references, false), hash, name);
    let type = textTypes.get(references);
    if (type === undefined) textTypes.set(references, (type = makeType('text', references, false)));
    return this.makeStorePath(type, hash, name);
  }

  /** A content-addressed path (builtins.path, fixed-output derivations, sources). */
  makeFixedOutputPath(
    name: string,
    method: ContentAddressMethod,
    hash: Hash,
    references: Iterable<string> = [],
    self = false,
  ): string {
    if (method === 'text') return this.makeTextPath(name, hash, references);
    if (hash.algo === 'sha256' && method === 'nar') {
      return this.makeStorePath(makeType('source', references, self), hash, name);
    }
    const refs = [...references];
    if (refs.length > 0 || self) {
      throw new Error(
        `fixed output derivation '${name}' is not allowed to refer to other store paths.\nYou may need to use the 'unsafeDiscardReferences' derivation attribute, see the manual for more details.`,
      );
    }
    const inner = hashString('sha256', `fixed:out:${methodPrefix(method)}${hash.toString('base16', true)}:`);
    return this.makeStorePath('output:out', inner, name);
  }

  /** Is `p` directly a store path (STOREDIR/HASH-NAME, nothing below)? */
  isStorePath(p: string): boolean {
    try {
      this.parseStorePath(p);
      return true;
    } catch {
      return false;
    }
  }

  /** Is `p` inside the store (a store path or something below one)? */
  isInStore(p: string): boolean {
    return p.startsWith(this.dir + '/') && p.length > this.dir.length + 1;
  }

  /** The store path containing `p` and the rest below it. */
  toStorePath(p: string): [string, string] {
    if (!this.isInStore(p)) throw new BadStorePath(`path '${p}' is not in the Nix store`);
    const rest = p.slice(this.dir.length + 1);
    const slash = rest.indexOf('/');
    const base = slash < 0 ? rest : rest.slice(0, slash);
    const sp = this.parseStorePath(this.dir + '/' + base);
    return [sp, slash < 0 ? '' : rest.slice(slash)];
  }

  /**
   * Validates a printed store path and returns it. As Nix's parseStorePath, the path is
   * canonicalised first (`/nix//store/HASH-NAME/` names a store path too).
   */
  parseStorePath(path: string): string {
    const p = path.includes('//') || path.endsWith('/') || path.includes('/.') ? canonPath(path) : path;
    const slash = p.lastIndexOf('/');
    const dir = p.slice(0, slash);
    if (dir !== this.dir) throw new BadStorePath(`path '${p}' is not in the Nix store`);
    checkBaseName(p.slice(slash + 1));
    return p;
  }
}

/** Checks a store path base name `HASH-NAME` (the StorePath constructor). */
export function checkBaseName(base: string): void {
  if (base.length < HASH_PART_LEN + 1) throw new BadStorePath(`'${base}' is too short to be a valid store path`);
  if (base[HASH_PART_LEN] !== '-') {
    throw new BadStorePath(`'${base}' can't name a store path because the hash part is not followed by a '-'`);
  }
  for (let i = 0; i < HASH_PART_LEN; i++) {
    const c = base[i];
    if (c === 'e' || c === 'o' || c === 'u' || c === 't' || !/[0-9a-z]/.test(c)) {
      throw new BadStorePath(`store path '${base}' contains illegal base-32 character '${c}'`);
    }
  }
  try {
    checkName(base.slice(HASH_PART_LEN + 1));
  } catch (e) {
    throw new BadStorePath(`path '${base}' is not a valid store path: ${(e as Error).message}`);
  }
}

/** The types of text paths by their references array (see makeTextPath). */
const textTypes = new WeakMap<readonly string[], string>();

/** `type[:ref…][:self]`: references are stuffed into the fingerprint type, sorted. */
export function makeType(type: string, references: Iterable<string>, self: boolean): string {
  for (const r of [...references].sort()) type += ':' + r;
  if (self) type += ':self';
  return type;
}

/** The name of an output path: the derivation name, plus `-ID` for outputs other than out. */
export function outputPathName(drvName: string, id: string): string {
  return id === 'out' ? drvName : drvName + '-' + id;
}

export function baseNameOf(storePath: string): string {
  return storePath.slice(storePath.lastIndexOf('/') + 1);
}

/** The 32-character hash part of a store path. */
export function hashPartOf(storePath: string): string {
  return baseNameOf(storePath).slice(0, HASH_PART_LEN);
}

/** The name part of a store path. */
export function namePartOf(storePath: string): string {
  return baseNameOf(storePath).slice(HASH_PART_LEN + 1);
}

export function isDerivationPath(storePath: string): boolean {
  return storePath.endsWith(DRV_EXTENSION);
}
