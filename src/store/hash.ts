/**
 * Cryptographic hashes as Nix uses them: the four algorithms (md5, sha1, sha256, sha512),
 * their printed forms (base16, nix32, base64, SRI `algo-base64`, and the `algo:` prefixed
 * forms), parsing any of those back (`Hash::parseAny`: the encoding is recognised by its
 * length), and `compressHash`, which folds a hash to 20 bytes for store path names.
 *
 * Data to hash is either a Buffer or a byte string (one char per byte, latin1), the way
 * strings are represented by the evaluator.
 */
import { createHash, hash as oneShotHash, Hash as NodeHash } from 'node:crypto';
import { nix32Decode, nix32Encode, nix32Length } from './nix32';

export type HashAlgo = 'md5' | 'sha1' | 'sha256' | 'sha512';
export type HashFormat = 'base16' | 'nix32' | 'base64' | 'sri';

export const HASH_SIZES: Record<HashAlgo, number> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

/** A hash error (Nix's BadHash / FormatError); the message is Nix's. */
export class BadHash extends Error {}

export function parseHashAlgoOpt(s: string): HashAlgo | undefined {
  return s === 'md5' || s === 'sha1' || s === 'sha256' || s === 'sha512' ? s : undefined;
}

export function parseHashAlgo(s: string): HashAlgo {
  const a = parseHashAlgoOpt(s);
  if (a === undefined) {
    throw new BadHash(`unknown hash algorithm '${s}', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'`);
  }
  return a;
}

export class Hash {
  private raw: Buffer | undefined;
  private hex: string | undefined;

  /** A hash from its bytes, or (bytes undefined) from its base16 form. */
  constructor(
    readonly algo: HashAlgo,
    bytes: Buffer | undefined,
    base16?: string,
  ) {
    this.raw = bytes;
    this.hex = base16;
  }

  /** The all-zero hash (what an empty `outputHash` stands for). */
  static zero(algo: HashAlgo): Hash {
    return new Hash(algo, Buffer.alloc(HASH_SIZES[algo]));
  }

  get bytes(): Buffer {
    return (this.raw ??= Buffer.from(this.hex!, 'hex'));
  }

  /** Prints the hash; `withAlgo` adds `algo:` (or `algo-` for SRI, which always has it). */
  toString(format: HashFormat, withAlgo = false): string {
    switch (format) {
      case 'base16':
        return (withAlgo ? this.algo + ':' : '') + this.base16;
      case 'nix32':
        return (withAlgo ? this.algo + ':' : '') + nix32Encode(this.bytes);
      case 'base64':
        return (withAlgo ? this.algo + ':' : '') + this.bytes.toString('base64');
      case 'sri':
        return this.algo + '-' + this.bytes.toString('base64');
    }
  }

  /** Base16, kept: derivation hashes are printed again each time they are an input. */
  get base16(): string {
    return (this.hex ??= this.raw!.toString('hex'));
  }
  get nix32(): string {
    return nix32Encode(this.bytes);
  }

  equals(other: Hash): boolean {
    return this.algo === other.algo && this.bytes.equals(other.bytes);
  }
}

const scratch = Buffer.allocUnsafe(1 << 16);

/** Hashes a byte string (latin1) or a buffer. */
export function hashString(algo: HashAlgo, data: string | Uint8Array): Hash {
  // The one-shot hash would take a string as UTF-8: its latin1 bytes go through a reused
  // buffer instead (hashing is synchronous), saving an allocation per hash.
  if (typeof data === 'string') {
    if (data.length > scratch.length) data = Buffer.from(data, 'latin1');
    else data = scratch.subarray(0, scratch.write(data, 0, 'latin1'));
  }
  // Base16 output is much cheaper than a Buffer; most hashes are only printed that way.
  return new Hash(algo, undefined, oneShotHash(algo, data, 'hex'));
}

/**
 * Hashes the concatenation of byte strings without making it: each is written into the
 * reused buffer in turn (a derivation's ATerm is hashed twice, in two variants, and only
 * written out as one string when it goes to the store).
 */
export function hashStrings(algo: HashAlgo, parts: readonly string[]): Hash {
  let off = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (off + p.length > scratch.length) return hashString(algo, parts.join(''));
    off += scratch.write(p, off, 'latin1');
  }
  return new Hash(algo, undefined, oneShotHash(algo, scratch.subarray(0, off), 'hex'));
}

/** An incremental hasher (`HashSink`). */
export class HashSink {
  private readonly h: NodeHash;
  size = 0;
  constructor(readonly algo: HashAlgo) {
    this.h = createHash(algo);
  }
  update(data: Uint8Array): void {
    this.h.update(data);
    this.size += data.length;
  }
  finish(): Hash {
    return new Hash(this.algo, this.h.digest());
  }
}

/** Folds a hash to `newSize` bytes by XOR (used to shorten sha256 to 160 bits). */
export function compressHash(hash: Hash, newSize: number): Hash {
  const out = Buffer.alloc(newSize);
  const bytes = hash.bytes;
  for (let i = 0; i < bytes.length; i++) out[i % newSize] ^= bytes[i];
  return new Hash(hash.algo, out);
}

const folded = new Uint8Array(64);

/** `compressHash(hash, newSize).nix32`, folding the base16 digits without allocating. */
export function compressedNix32(hash: Hash, newSize: number): string {
  const hex = hash.base16;
  folded.fill(0, 0, newSize);
  for (let i = 0; i < hex.length; i += 2) {
    folded[(i >> 1) % newSize] ^= (hexDigit(hex.charCodeAt(i)) << 4) | hexDigit(hex.charCodeAt(i + 1));
  }
  return nix32Encode(folded, newSize);
}

/** The value of a lowercase base16 digit. */
function hexDigit(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

function base64Length(size: number): number {
  return Math.floor((4 * size) / 3 + 3) & ~3;
}

const BASE16_RE = /^[0-9a-fA-F]*$/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase16(s: string): Buffer {
  if (!BASE16_RE.test(s)) {
    const bad = [...s].find((c) => !/[0-9a-fA-F]/.test(c));
    throw new BadHash(`invalid character in Base16 string: '${bad}'`);
  }
  return Buffer.from(s, 'hex');
}

function decodeBase64(s: string): Buffer {
  if (!BASE64_RE.test(s)) {
    const bad = [...s].find((c) => !/[A-Za-z0-9+/=]/.test(c));
    throw new BadHash(`invalid character in Base64 string: '${bad}'`);
  }
  return Buffer.from(s, 'base64');
}

function decodeWith(rest: string, algo: HashAlgo, format: HashFormat): Hash {
  let d: Buffer;
  let name: string;
  if (format === 'base16') {
    name = 'base16';
    d = decodeBase16(rest);
  } else if (format === 'nix32') {
    name = 'nix32';
    try {
      d = nix32Decode(rest);
    } catch (e) {
      throw new BadHash((e as Error).message);
    }
  } else {
    name = format === 'sri' ? 'SRI' : 'Base64';
    d = decodeBase64(rest);
  }
  const size = HASH_SIZES[algo];
  if (d.length !== size) {
    throw new BadHash(`invalid ${name} hash '${rest}', length ${d.length} != expected length ${size}`);
  }
  return new Hash(algo, d);
}

/** Recognises the encoding of an unprefixed hash by its length. */
function formatFromSize(rest: string, algo: HashAlgo): HashFormat {
  const size = HASH_SIZES[algo];
  if (rest.length === size * 2) return 'base16';
  if (rest.length === nix32Length(size)) return 'nix32';
  if (rest.length === base64Length(size)) return 'base64';
  throw new BadHash(`hash '${rest}' has wrong length for hash algorithm '${algo}'`);
}

/**
 * Parses a hash in any form: `algo:HASH` (base16, nix32 or base64), SRI `algo-BASE64`, or a
 * bare HASH whose algorithm `algo` gives. Returns the hash and the format it was written in.
 */
export function parseHashAnyWithFormat(original: string, algo?: HashAlgo): [Hash, HashFormat] {
  let rest = original;
  let isSRI = false;
  let parsedAlgo: HashAlgo | undefined;
  let sep = rest.indexOf(':');
  if (sep < 0) {
    sep = rest.indexOf('-');
    if (sep >= 0) isSRI = true;
  }
  if (sep >= 0) {
    parsedAlgo = parseHashAlgo(rest.slice(0, sep));
    rest = rest.slice(sep + 1);
  }
  if (!parsedAlgo && !algo) {
    throw new BadHash(`hash '${original}' does not include a type, nor is the type otherwise known from context`);
  }
  if (parsedAlgo && algo && parsedAlgo !== algo) {
    throw new BadHash(`hash '${original}' should have type '${algo}'`);
  }
  const a = (parsedAlgo ?? algo)!;
  const format = isSRI ? 'sri' : formatFromSize(rest, a);
  return [decodeWith(rest, a, format), format];
}

export function parseHashAny(original: string, algo?: HashAlgo): Hash {
  return parseHashAnyWithFormat(original, algo)[0];
}

/** An unprefixed, non-SRI hash of a known algorithm (encoding recognised by length). */
export function parseHashUnprefixed(s: string, algo: HashAlgo): Hash {
  return decodeWith(s, algo, formatFromSize(s, algo));
}

/**
 * `newHashAllowEmpty`: like parseHashAny, but an empty string stands for the all-zero hash
 * (with a warning, which `warn` receives).
 */
export function parseHashAllowEmpty(s: string, algo: HashAlgo | undefined, warn: (msg: string) => void): Hash {
  if (s === '') {
    if (!algo) throw new BadHash('empty hash requires explicit hash algorithm');
    const h = Hash.zero(algo);
    warn(`found empty hash, assuming '${h.toString('sri')}'`);
    return h;
  }
  return parseHashAny(s, algo);
}

export function parseHashFormat(s: string, warn?: (msg: string) => void): HashFormat {
  switch (s) {
    case 'base16':
    case 'nix32':
    case 'base64':
    case 'sri':
      return s;
    case 'base32':
      warn?.('"base32" is a deprecated alias for hash format "nix32".');
      return 'nix32';
  }
  throw new BadHash(`unknown hash format '${s}', expect 'base16', 'base32', 'base64', or 'sri'`);
}
