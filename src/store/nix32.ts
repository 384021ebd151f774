/**
 * Nix's base-32 ("nix32"): the alphabet omits e, o, u and t, and the digits are written
 * from the most significant end of the little-endian bit string, so the first character
 * encodes the last bits of the hash. Store path hash parts use this encoding.
 */

export const NIX32_ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';

const REVERSE = new Int8Array(256).fill(-1);
for (let i = 0; i < NIX32_ALPHABET.length; i++) REVERSE[NIX32_ALPHABET.charCodeAt(i)] = i;

/** Length of the nix32 encoding of `size` bytes. */
export function nix32Length(size: number): number {
  return Math.floor((size * 8 - 1) / 5) + 1;
}

const CODES = Array.from(NIX32_ALPHABET, (c) => c.charCodeAt(0));
const chars: number[] = [];

/** Encodes `bytes` (its first `size` bytes). */
export function nix32Encode(bytes: Uint8Array, size = bytes.length): string {
  const len = nix32Length(size);
  chars.length = len;
  for (let n = len - 1, k = 0; n >= 0; n--, k++) {
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    const c = (bytes[i] >> j) | (i >= size - 1 ? 0 : bytes[i + 1] << (8 - j));
    chars[k] = CODES[c & 0x1f];
  }
  // One string from the character codes: cheaper than appending 32 times.
  return String.fromCharCode.apply(null, chars);
}

/** Decodes nix32; throws a message like Nix's on an invalid character. Returns null-free bytes. */
export function nix32Decode(s: string): Buffer {
  const out = Buffer.alloc(Math.floor((s.length * 5 + 7) / 8));
  let used = 0;
  for (let n = 0; n < s.length; n++) {
    const c = s.charCodeAt(s.length - n - 1);
    const digit = c < 256 ? REVERSE[c] : -1;
    if (digit < 0) {
      throw new Error(`invalid character in Nix32 (Nix's Base32 variation) string: '${s[s.length - n - 1]}'`);
    }
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    out[i] |= (digit << j) & 0xff;
    used = Math.max(used, i + 1);
    if (digit >> (8 - j)) {
      out[i + 1] |= digit >> (8 - j);
      used = Math.max(used, i + 2);
    }
  }
  return out.subarray(0, used);
}
