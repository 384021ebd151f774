import { describe, expect, it } from 'vitest';
import { nix32Decode, nix32Encode } from '../../src/store/nix32';
import {
  compressHash,
  Hash,
  hashString,
  parseHashAllowEmpty,
  parseHashAny,
  parseHashAnyWithFormat,
  parseHashFormat,
} from '../../src/store/hash';

// Digests of "abc" and their nix32 forms, as `nix-hash --to-base32` prints them.
const ABC = {
  md5: ['900150983cd24fb0d6963f7d28e17f72', '3jgzhjhz9zjvbb0kyj7jc500ch'],
  sha1: ['a9993e364706816aba3e25717850c26c9cd0d89d', 'kpcd173cq987hw957sx6m0868wv3x6d9'],
  sha256: [
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s',
  ],
  sha512: [
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    '2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly1ai7xac99vxfc4ii84hawjbk876blyk1jfhkbbyx',
  ],
} as const;

describe('nix32', () => {
  it('encodes and decodes the digests of "abc"', () => {
    for (const [algo, [hex, b32]] of Object.entries(ABC)) {
      const h = hashString(algo as keyof typeof ABC, 'abc');
      expect(h.base16).toBe(hex);
      expect(h.nix32).toBe(b32);
      expect(nix32Decode(b32).toString('hex')).toBe(hex);
    }
  });
  it('round-trips every length', () => {
    for (let n = 1; n < 70; n++) {
      const b = Buffer.alloc(n, 0).map((_, i) => (i * 37 + n) & 0xff);
      expect(nix32Decode(nix32Encode(b)).equals(Buffer.from(b))).toBe(true);
    }
  });
  it('rejects characters outside the alphabet', () => {
    expect(() => nix32Decode('0e')).toThrow("invalid character in Nix32 (Nix's Base32 variation) string: 'e'");
  });
});

describe('hash forms', () => {
  const h = hashString('sha256', 'abc');
  it('prints base16, nix32, base64 and SRI', () => {
    expect(h.toString('base16', true)).toBe('sha256:' + ABC.sha256[0]);
    expect(h.toString('nix32', true)).toBe('sha256:' + ABC.sha256[1]);
    expect(h.toString('base64')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    expect(h.toString('sri')).toBe('sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  });
  it('parses any form and recognises the encoding by length', () => {
    for (const s of [
      'sha256:' + ABC.sha256[0],
      'sha256:' + ABC.sha256[1],
      'sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=',
      'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=',
    ]) {
      expect(parseHashAny(s).equals(h)).toBe(true);
    }
    expect(parseHashAny(ABC.sha256[1], 'sha256').equals(h)).toBe(true);
    expect(parseHashAnyWithFormat(ABC.sha256[0], 'sha256')[1]).toBe('base16');
    expect(parseHashAnyWithFormat('sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=')[1]).toBe('sri');
  });
  it('gives Nix’s messages for bad hashes', () => {
    expect(() => parseHashAny('abc')).toThrow(
      "hash 'abc' does not include a type, nor is the type otherwise known from context",
    );
    expect(() => parseHashAny('sha1:' + ABC.sha256[0], 'sha256')).toThrow(
      `hash 'sha1:${ABC.sha256[0]}' should have type 'sha256'`,
    );
    expect(() => parseHashAny('sha256:abcd')).toThrow("hash 'abcd' has wrong length for hash algorithm 'sha256'");
    expect(() => parseHashAny('foo:abcd')).toThrow("unknown hash algorithm 'foo'");
    expect(() => parseHashAny('sha256-AAAA')).toThrow("invalid SRI hash 'AAAA', length 3 != expected length 32");
  });
  it('treats an empty hash as zero, with a warning', () => {
    const warnings: string[] = [];
    const z = parseHashAllowEmpty('', 'sha256', (m) => warnings.push(m));
    expect(z.equals(Hash.zero('sha256'))).toBe(true);
    expect(warnings).toEqual(["found empty hash, assuming 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='"]);
  });
  it('knows the hash format names', () => {
    expect(parseHashFormat('nix32')).toBe('nix32');
    const w: string[] = [];
    expect(parseHashFormat('base32', (m) => w.push(m))).toBe('nix32');
    expect(w.length).toBe(1);
    expect(() => parseHashFormat('hex')).toThrow("unknown hash format 'hex'");
  });
  it('compresses by XOR-folding', () => {
    const c = compressHash(h, 20);
    expect(c.bytes.length).toBe(20);
    const manual = Buffer.alloc(20);
    h.bytes.forEach((b, i) => (manual[i % 20] ^= b));
    expect(c.bytes.equals(manual)).toBe(true);
  });
});
