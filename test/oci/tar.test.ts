// The deterministic tar writer and reader (src/oci/tar.ts), the layer trees (tree.ts) and
// the popularity ordering of store paths (popularity.ts). GNU tar, when installed, checks
// that what we write is read back the same way by another implementation.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BufferSink, HashSink, readTarIndex, readEntry, TarWriter, BLOCK } from '../../src/oci/tar';
import { copyToRoot, emptyDir, readTree, symlinkJoin, TreeOptions, writeTree, addStorePath } from '../../src/oci/tree';
import { groupLayers, orderByPopularity } from '../../src/oci/popularity';
import { canonicalJson, checkConfig, epochOf } from '../../src/oci/image';
import { storePathsIn } from '../../src/oci/layered';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-oci-tar-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const owner = { mtime: 1, uid: 0, gid: 0 };
const LONG_DIR = 'd'.repeat(120) + '/' + 'e'.repeat(90);
const VERY_LONG = 'x'.repeat(150) + '/' + 'y'.repeat(150) + '/file';
const LONG_TARGET = '/nix/store/' + 'z'.repeat(200);
const UTF8_NAME = Buffer.from('caf\u00e9-\u2603.txt', 'utf8').toString('latin1');

function sample(): Buffer {
  const sink = new BufferSink();
  const t = new TarWriter(sink, owner);
  t.directory('bin', 0o755);
  t.bytes('bin/hello', 0o555, Buffer.from('#!/bin/sh\necho hi\n'));
  t.bytes('readme', 0o444, Buffer.alloc(0));
  t.symlink('bin/sh', 'hello');
  t.directory(LONG_DIR, 0o700);
  t.bytes(LONG_DIR + '/f', 0o644, Buffer.from('in a long directory'));
  t.bytes(VERY_LONG, 0o644, Buffer.alloc(1000, 0x61));
  t.symlink('long-link', LONG_TARGET);
  t.bytes(UTF8_NAME, 0o644, Buffer.from('snow'));
  t.end();
  return sink.result();
}

describe('tar writer', () => {
  it('writes block-aligned, deterministic archives with a valid end marker', () => {
    const a = sample();
    expect(a.length % BLOCK).toBe(0);
    expect(a.subarray(a.length - 2 * BLOCK).every((x) => x === 0)).toBe(true);
    expect(sample().equals(a)).toBe(true);
    // ustar magic and version on the first header, numeric owner 0, mtime 1.
    expect(a.toString('latin1', 257, 265)).toBe('ustar\x0000');
    expect(a.toString('latin1', 108, 115)).toBe('0000000');
    expect(a.toString('latin1', 136, 147)).toBe('00000000001');
  });

  it('reads back names, types, modes, sizes and data (long names via prefix and pax)', () => {
    const file = path.join(tmp, 'sample.tar');
    fs.writeFileSync(file, sample());
    const idx = readTarIndex(file);
    expect(idx.map((e) => [e.name, e.type])).toEqual([
      ['bin/', 'directory'],
      ['bin/hello', 'file'],
      ['readme', 'file'],
      ['bin/sh', 'symlink'],
      [LONG_DIR + '/', 'directory'],
      [LONG_DIR + '/f', 'file'],
      [VERY_LONG, 'file'],
      ['long-link', 'symlink'],
      [UTF8_NAME, 'file'],
    ]);
    const by = new Map(idx.map((e) => [e.name, e]));
    expect(by.get('bin/hello')!.mode).toBe(0o555);
    expect(by.get(LONG_DIR + '/')!.mode).toBe(0o700);
    expect(by.get('bin/sh')!.linkname).toBe('hello');
    expect(by.get('long-link')!.linkname).toBe(LONG_TARGET);
    expect(readEntry(file, by.get('bin/hello')!).toString()).toBe('#!/bin/sh\necho hi\n');
    expect(readEntry(file, by.get(VERY_LONG)!).equals(Buffer.alloc(1000, 0x61))).toBe(true);
  });

  it.skipIf(!has('tar'))('is read the same way by GNU tar', () => {
    const file = path.join(tmp, 'gnu.tar');
    fs.writeFileSync(file, sample());
    const r = spawnSync('tar', ['-tvf', file, '--numeric-owner'], { encoding: 'latin1' });
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(/^drwxr-xr-x 0\/0 +0 1970-01-01 00:00 bin\/$/);
    expect(lines[1]).toMatch(/^-r-xr-xr-x 0\/0 +18 .* bin\/hello$/);
    expect(lines[3]).toMatch(/^lrwxrwxrwx .* bin\/sh -> hello$/);
    expect(lines[4]).toContain(LONG_DIR + '/');
    expect(lines[6]).toContain(VERY_LONG);
    expect(lines[7]).toContain(`long-link -> ${LONG_TARGET}`);
    expect(lines[8]).toContain(UTF8_NAME);
    const out = path.join(tmp, 'gnu-x');
    fs.mkdirSync(out);
    expect(spawnSync('tar', ['-xf', file, '-C', out]).status).toBe(0);
    expect(fs.readFileSync(path.join(out, VERY_LONG), 'utf8')).toBe('a'.repeat(1000));
    expect(fs.readlinkSync(path.join(out, 'long-link'))).toBe(LONG_TARGET);
    expect(fs.statSync(path.join(out, 'bin/hello')).mode & 0o777).toBe(0o555);
  });

  it('refuses data that does not match the announced size', () => {
    const t = new TarWriter(new HashSink(), owner);
    expect(() => t.stream('x', 0o644, 10, (w) => w(Buffer.alloc(5)))).toThrow(/has 5 bytes, not the 10 announced/);
    expect(() => t.stream('y', 0o644, 2, (w) => w(Buffer.alloc(5)))).toThrow(/longer than the 2 bytes/);
  });
});

describe('layer trees', () => {
  const storeDir = path.join(tmp, 'store');
  const o: TreeOptions = { storeDir, physicalPath: (p) => p, dereferenceHostSymlinks: true, warn: () => {} };
  const hostFile = path.join(tmp, 'host-program');
  const pkg = path.join(storeDir, '0'.repeat(32) + '-pkg');
  const other = path.join(storeDir, '1'.repeat(32) + '-other');

  it('copies contents into a root (rsync -ak), dereferencing host symlinks and directory links', () => {
    fs.writeFileSync(hostFile, 'binary', { mode: 0o755 });
    fs.mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    fs.symlinkSync(hostFile, path.join(pkg, 'bin/prog'));
    fs.writeFileSync(path.join(pkg, 'data'), 'x', { mode: 0o444 });
    fs.mkdirSync(path.join(other, 'share/doc'), { recursive: true });
    fs.writeFileSync(path.join(other, 'share/doc/README'), 'doc');
    fs.symlinkSync(path.join(other, 'share'), path.join(pkg, 'share'));
    fs.symlinkSync(path.join(pkg, 'data'), path.join(pkg, 'data-link'));

    const root = path.join(tmp, 'root');
    fs.mkdirSync(root);
    copyToRoot(root, pkg, o, false);
    expect(fs.lstatSync(path.join(root, 'bin/prog')).isFile()).toBe(true);
    expect(fs.statSync(path.join(root, 'bin/prog')).mode & 0o777).toBe(0o555);
    expect(fs.lstatSync(path.join(root, 'share')).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'share/doc/README'), 'utf8')).toBe('doc');
    expect(fs.readlinkSync(path.join(root, 'data-link'))).toBe(path.join(pkg, 'data'));

    const tree = readTree(root, o);
    addStorePath(tree, pkg, o);
    const sink = new BufferSink();
    const tar = new TarWriter(sink, owner);
    writeTree(tree, tar);
    tar.end();
    const file = path.join(tmp, 'layer.tar');
    fs.writeFileSync(file, sink.result());
    const names = readTarIndex(file).map((e) => e.name);
    const rel = pkg.slice(1);
    expect(names).toContain(`${rel}/bin/prog`);
    expect(names.indexOf(storeDir.slice(1) + '/')).toBeLessThan(names.indexOf(`${rel}/`));
    // Entries are sorted depth-first by name.
    expect(names.slice(0, 4)).toEqual(['bin/', 'bin/prog', 'data', 'data-link']);
    const prog = readTarIndex(file).find((e) => e.name === `${rel}/bin/prog`)!;
    expect(prog.type).toBe('file');
    expect(readEntry(file, prog).toString()).toBe('binary');
  });

  it('links contents into a root as symlinkJoin does (first wins, directories merged)', () => {
    const root = path.join(tmp, 'joined');
    fs.mkdirSync(root);
    symlinkJoin(root, pkg, pkg, o);
    symlinkJoin(root, other, other, o);
    expect(fs.readlinkSync(path.join(root, 'bin/prog'))).toBe(`${pkg}/bin/prog`);
    expect(fs.readlinkSync(path.join(root, 'share/doc/README'))).toBe(`${pkg}/share/doc/README`);
    const t = readTree(root, o);
    expect([...t.children.keys()].sort()).toEqual(['bin', 'data', 'data-link', 'share']);
    expect(emptyDir().children.size).toBe(0);
  });
});

describe('popularity', () => {
  it("orders nixpkgs' example graph as closure-graph.py does", () => {
    // A - B - C - D - F, B - E - F, C - E, A - G (nixpkgs' closure-graph.py comment).
    const g = new Map<string, string[]>([
      ['/s/a-A', ['/s/a-A', '/s/b-B', '/s/g-G']],
      ['/s/b-B', ['/s/c-C', '/s/e-E']],
      ['/s/c-C', ['/s/d-D', '/s/e-E']],
      ['/s/d-D', ['/s/f-F']],
      ['/s/e-E', ['/s/f-F']],
      ['/s/f-F', []],
      ['/s/g-G', []],
    ]);
    expect(orderByPopularity(g)).toEqual(['/s/f-F', '/s/e-E', '/s/d-D', '/s/c-C', '/s/b-B', '/s/g-G', '/s/a-A']);
  });

  it('orders equally popular paths by name, then hash', () => {
    const g = new Map<string, string[]>([
      ['/s/1-foo', []],
      ['/s/2-bar', []],
      ['/s/3-baz', ['/s/4-tux']],
      ['/s/5-qux', ['/s/4-tux']],
    ]);
    expect(orderByPopularity(g)).toEqual(['/s/4-tux', '/s/2-bar', '/s/3-baz', '/s/1-foo', '/s/5-qux']);
  });

  it('groups the least popular paths into the last layer', () => {
    const p = ['a', 'b', 'c', 'd'];
    expect(groupLayers(p, 10)).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(groupLayers(p, 4)).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(groupLayers(p, 3)).toEqual([['a'], ['b'], ['c', 'd']]);
    expect(groupLayers(p, 1)).toEqual([['a', 'b', 'c', 'd']]);
    expect(groupLayers([], 3)).toEqual([]);
  });
});

describe('image configuration', () => {
  it('checks and normalises the runtime configuration', () => {
    expect(checkConfig(null)).toEqual({});
    expect(checkConfig({ Cmd: ['a'], ExposedPorts: ['80/tcp'], Volumes: { '/data': {} }, User: null })).toEqual({
      Cmd: ['a'],
      ExposedPorts: { '80/tcp': {} },
      Volumes: { '/data': {} },
    });
    expect(() => checkConfig({ Cmd: 'echo hi' })).toThrow(/config.Cmd must be a list of strings/);
    expect(() => checkConfig({ Env: ['NOVALUE'] })).toThrow(/NAME=VALUE/);
    expect(() => checkConfig({ ExposedPorts: { '80/tcp': 1 } })).toThrow(/empty attribute set/);
    expect(() => checkConfig({ Labels: { a: 1 } })).toThrow(/Labels must be an attribute set of strings/);
  });

  it('writes canonical JSON and parses dates', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":null,"d":1}]}');
    expect(epochOf('1970-01-01T00:00:01Z')).toBe(1);
    expect(epochOf('2024-05-01T12:00:00+02:00')).toBe(1714557600);
    expect(epochOf('yesterday')).toBeUndefined();
  });

  it('finds store paths in text', () => {
    const h = 'abcdfghijklmnpqrsvwxyz0123456789';
    expect(storePathsIn(`["/nix/store/${h}-hello-2.1/bin/hello", "/nix/store/${h}-hello-2.1"]`, '/nix/store')).toEqual([`/nix/store/${h}-hello-2.1`]);
  });
});
