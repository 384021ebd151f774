import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPath, narOf, narOfContents } from '../../src/store/nar';

const hasNix = spawnSync('nix-store', ['--version']).status === 0;
let dir: string;

/** A tree with every kind of node: files, an executable, symlinks, nested and empty dirs. */
function makeTree(root: string): void {
  fs.mkdirSync(path.join(root, 'sub/deeper'), { recursive: true });
  fs.mkdirSync(path.join(root, 'empty'));
  fs.writeFileSync(path.join(root, 'a.txt'), 'hello\n');
  fs.writeFileSync(path.join(root, 'empty-file'), '');
  fs.writeFileSync(path.join(root, 'seven'), '1234567');
  fs.writeFileSync(path.join(root, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  fs.writeFileSync(path.join(root, 'sub/deeper/b'), Buffer.alloc(3000, 7));
  fs.writeFileSync(path.join(root, 'Z-upper'), 'sorted before lower case');
  fs.symlinkSync('a.txt', path.join(root, 'link'));
  fs.symlinkSync('/nonexistent/target', path.join(root, 'sub/dangling'));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-nar-'));
  makeTree(path.join(dir, 'tree'));
  fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(3 * 1024 * 1024 + 5, 1));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('NAR serialisation', () => {
  it('serialises a single file with padding', () => {
    const nar = narOfContents(Buffer.from('hi'));
    const strs: string[] = [];
    let off = 0;
    while (off < nar.length) {
      const n = Number(nar.readBigUInt64LE(off));
      strs.push(nar.subarray(off + 8, off + 8 + n).toString());
      off += 8 + Math.ceil(n / 8) * 8;
    }
    expect(strs).toEqual(['nix-archive-1', '(', 'type', 'regular', 'contents', 'hi', ')']);
    expect(nar.length % 8).toBe(0);
  });

  it('hashes a file the same way as its contents', () => {
    const f = path.join(dir, 'tree', 'a.txt');
    expect(narOf(f).equals(narOfContents(Buffer.from('hello\n')))).toBe(true);
  });

  it('applies a filter below the top', () => {
    const all = narOf(path.join(dir, 'tree'));
    const some = narOf(path.join(dir, 'tree'), (p) => !p.endsWith('/sub'));
    expect(some.length).toBeLessThan(all.length);
  });

  it.skipIf(!hasNix)('matches nix-store --dump on files, executables, symlinks and directories', () => {
    for (const p of ['tree', 'tree/a.txt', 'tree/run.sh', 'tree/link', 'tree/empty', 'tree/empty-file', 'big']) {
      const full = path.join(dir, p);
      const ref = spawnSync('nix-store', ['--dump', full], { maxBuffer: 64 << 20 });
      expect(ref.status).toBe(0);
      const mine = narOf(full);
      expect(mine.equals(ref.stdout), p).toBe(true);
      const { hash, size } = hashPath(full);
      expect(hash.base16).toBe(createHash('sha256').update(ref.stdout).digest('hex'));
      expect(size).toBe(ref.stdout.length);
    }
  });

  it.skipIf(!hasNix)('matches nix-hash --base32', () => {
    const full = path.join(dir, 'tree');
    const ref = spawnSync('nix-hash', ['--type', 'sha256', '--base32', full], { encoding: 'utf8' });
    expect(hashPath(full).hash.nix32).toBe(ref.stdout.trim());
    const md5 = spawnSync('nix-hash', ['--type', 'md5', full], { encoding: 'utf8' });
    expect(hashPath(full, 'md5').hash.base16).toBe(md5.stdout.trim());
  });
});
