/**
 * Reference scanning: which of a set of candidate store paths a built output refers to,
 * found as Nix finds them — by looking for each candidate's 32-character hash part
 * anywhere in the output's file contents, symlink targets and the names of entries below the top.
 */
import * as fs from 'node:fs';
import { fsPath } from './nar';
import { hashPartOf, HASH_PART_LEN } from './store-path';
import { NIX32_ALPHABET } from './nix32';

const IS_NIX32 = new Uint8Array(256);
for (const c of NIX32_ALPHABET) IS_NIX32[c.charCodeAt(0)] = 1;

/** Adds to `found` every hash in `hashes` that occurs in `data`. */
function scanBuffer(data: Buffer, hashes: Set<string>, found: Set<string>): void {
  const n = data.length;
  let i = 0;
  while (i + HASH_PART_LEN <= n) {
    // Find a run of base-32 characters, then test each 32-character window of it.
    if (!IS_NIX32[data[i]]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && IS_NIX32[data[j]]) j++;
    for (let k = i; k + HASH_PART_LEN <= j; k++) {
      const h = data.toString('latin1', k, k + HASH_PART_LEN);
      if (hashes.has(h)) found.add(h);
    }
    i = j;
  }
}

/**
 * Scans the tree at `physical` for the hash parts of `candidates` (logical store paths);
 * returns the candidates referred to, sorted.
 */
export function scanForReferences(physical: string, candidates: Iterable<string>): string[] {
  const byHash = new Map<string, string>();
  for (const c of candidates) byHash.set(hashPartOf(c), c);
  const hashes = new Set(byHash.keys());
  const found = new Set<string>();
  const visit = (p: string, top: boolean): void => {
    const b = fsPath(p);
    const st = fs.lstatSync(b);
    if (!top) scanBuffer(Buffer.from(p.slice(p.lastIndexOf('/') + 1), 'latin1'), hashes, found);
    if (st.isSymbolicLink()) scanBuffer(fs.readlinkSync(b, { encoding: 'buffer' }) as Buffer, hashes, found);
    else if (st.isFile()) scanBuffer(fs.readFileSync(b), hashes, found);
    else if (st.isDirectory()) {
      for (const nb of fs.readdirSync(b, { encoding: 'buffer' }) as Buffer[]) visit(p + '/' + nb.toString('latin1'), false);
    }
  };
  visit(physical, true);
  return [...found].map((h) => byHash.get(h)!).sort();
}
