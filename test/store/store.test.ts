import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, resolveStoreConfig, Store } from '../../src/store';
import { emptyDerivation, unparseDerivation } from '../../src/store/derivation';
import { hashPath } from '../../src/store/nar';
import { removeTree } from '../../src/store/store';

let root: string;
let src: string;
let store: Store;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-store-'));
  src = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-src-'));
  fs.mkdirSync(path.join(src, 'dir/skip'), { recursive: true });
  fs.writeFileSync(path.join(src, 'dir/keep'), 'kept');
  fs.writeFileSync(path.join(src, 'dir/skip/x'), 'skipped');
  fs.writeFileSync(path.join(src, 'dir/tool'), '#!/bin/sh\n', { mode: 0o755 });
  store = openStore(resolveStoreConfig({ root, readOnly: false }, {}));
});
afterAll(() => {
  removeTree(root);
  fs.rmSync(src, { recursive: true, force: true });
});

describe('config', () => {
  it('resolves the store directory and root', () => {
    expect(resolveStoreConfig({}, {})).toMatchObject({ storeDir: '/nix/store', root: '', readOnly: true });
    expect(resolveStoreConfig({}, { NIXLING_STORE_DIR: '/tmp/s/' }).storeDir).toBe('/tmp/s');
    expect(resolveStoreConfig({ storeDir: '/a' }, { NIXLING_STORE_DIR: '/b' }).storeDir).toBe('/a');
    const c = resolveStoreConfig({ root: '/tmp/r' }, {});
    expect(c.stateDir).toBe('/tmp/r/nix/var/nixling');
    expect(() => resolveStoreConfig({ storeDir: 'rel' }, {})).toThrow('not an absolute path');
  });
});

describe('a writable store', () => {
  it('writes text files atomically and registers them', () => {
    const p = store.addTextToStore('foo', 'bar', []);
    expect(p).toBe('/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo');
    expect(fs.readFileSync(root + p, 'utf8')).toBe('bar');
    const info = store.queryPathInfo(p)!;
    expect(info.references).toEqual([]);
    expect(info.narHash).toBe('sha256:' + hashPath(root + p).hash.nix32);
    expect(info.ca).toMatch(/^text:sha256:/);
    expect(fs.readdirSync(root + '/nix/store').filter((f) => f.startsWith('.tmp'))).toEqual([]);
  });

  it('does not rewrite a valid path', () => {
    const p = store.addTextToStore('again', 'same', []);
    const before = fs.statSync(root + p).mtimeMs;
    fs.chmodSync(root + p, 0o644);
    fs.utimesSync(root + p, 1, 1);
    store.addTextToStore('again', 'same', []);
    expect(fs.statSync(root + p).mtimeMs).not.toBe(before);
  });

  it('adds filtered trees with their NAR hash, keeping the executable bit', () => {
    const filter = (p: string) => !p.endsWith('/skip');
    const { path: p, hash } = store.addPathToStore('dir', path.join(src, 'dir'), 'nar', filter);
    expect(fs.readdirSync(root + p).sort()).toEqual(['keep', 'tool']);
    expect(fs.statSync(root + p + '/tool').mode & 0o111).not.toBe(0);
    expect(hashPath(root + p).hash.equals(hash)).toBe(true);
    expect(store.queryPathInfo(p)!.narHash).toBe('sha256:' + hash.nix32);
  });

  it('adds flat files', () => {
    const { path: p } = store.addPathToStore('keep', path.join(src, 'dir/keep'), 'flat');
    expect(fs.readFileSync(root + p, 'utf8')).toBe('kept');
    expect(store.queryPathInfo(p)!.ca).toMatch(/^fixed:sha256:/);
  });

  it('writes derivations, reads them back and computes closures', () => {
    const t = store.addTextToStore('input', 'x', []);
    const d = emptyDerivation('d');
    d.system = 'x86_64-linux';
    d.builder = '/bin/sh';
    d.inputSrcs.add(t);
    d.outputs.set('out', { kind: 'deferred' });
    d.env.set('out', '');
    store.hasher.fillInOutputPaths(d);
    const drvPath = store.writeDerivation(d);
    const fresh = openStore(store.config);
    expect(unparseDerivation(fresh.readDerivation(drvPath))).toBe(unparseDerivation(d));
    expect([...fresh.computeFSClosure(drvPath)].sort()).toEqual([drvPath, t].sort());
  });
});

describe('a read-only store', () => {
  it('computes paths without writing, and remembers them for closures', () => {
    const ro = openStore(resolveStoreConfig({ root: root + '/ro', readOnly: true }, {}));
    const p = ro.addTextToStore('foo', 'bar', []);
    expect(p).toBe('/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo');
    expect(fs.existsSync(root + '/ro')).toBe(false);
    expect([...ro.computeFSClosure(p)]).toEqual([p]);
  });
});
