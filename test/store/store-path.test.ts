import { describe, expect, it } from 'vitest';
import { hashString, parseHashAny } from '../../src/store/hash';
import { checkBaseName, checkName, StoreDir } from '../../src/store/store-path';
import { hashPlaceholder } from '../../src/store/derivation';

const store = new StoreDir('/nix/store');

describe('store paths', () => {
  it('computes text paths (builtins.toFile "foo" "bar")', () => {
    expect(store.makeTextPath('foo', hashString('sha256', 'bar'), [])).toBe(
      '/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo',
    );
  });
  it('computes source paths (NAR, sha256) as Nix does', () => {
    // builtins.path { path = ./dir1; sha256 = …; name = "output"; } from Nix's eval-okay-path
    const h = parseHashAny('02vlkcjkl1rvy081n6d40qi73biv2w4b9x9biklay4ncgk77zr1f', 'sha256');
    expect(store.makeFixedOutputPath('output', 'nar', h)).toBe('/nix/store/a517xfygy9w2q5i3c2dbm50sw4p70b4c-output');
  });
  it('computes flat fixed-output paths', () => {
    const h = parseHashAny('0k4lwj58f2w5yh92ilrwy9917pycipbrdrr13vbb3yd02j09vfxm', 'sha256');
    expect(store.makeFixedOutputPath('output', 'flat', h)).toBe('/nix/store/m7y372g6jb0g4hh1dzmj847rd356fhnz-output');
  });
  it('depends on the store directory', () => {
    const other = new StoreDir('/tmp/store');
    expect(other.makeTextPath('foo', hashString('sha256', 'bar'), [])).not.toBe(
      store.makeTextPath('foo', hashString('sha256', 'bar'), []),
    );
  });
  it('refuses references in non-source fixed outputs', () => {
    const h = hashString('sha1', 'x');
    expect(() => store.makeFixedOutputPath('x', 'nar', h, ['/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo'])).toThrow(
      "fixed output derivation 'x' is not allowed to refer to other store paths",
    );
  });
  it('gives placeholders', () => {
    expect(hashPlaceholder('out')).toBe('/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9');
  });
});

describe('names', () => {
  it('accepts valid names', () => {
    for (const n of ['foo', 'a-1.2_3+x?=y', '.foo', '..foo', 'x'.repeat(211)]) expect(() => checkName(n)).not.toThrow();
  });
  it('rejects invalid names with Nix’s messages', () => {
    expect(() => checkName('')).toThrow('name must not be empty');
    expect(() => checkName('x'.repeat(212))).toThrow('must be no longer than 211 characters');
    expect(() => checkName('.')).toThrow("name '.' is not valid");
    expect(() => checkName('..')).toThrow("name '..' is not valid");
    expect(() => checkName('.-x')).toThrow("first dash-separated component must not be '.'");
    expect(() => checkName('..-x')).toThrow("first dash-separated component must not be '..'");
    expect(() => checkName('~jiggle~')).toThrow("name '~jiggle~' contains illegal character '~'");
  });
  it('checks base names and parses store paths', () => {
    expect(() => checkBaseName('short')).toThrow('is too short to be a valid store path');
    expect(() => checkBaseName('e'.repeat(32) + '-x')).toThrow("illegal base-32 character 'e'");
    expect(store.isStorePath('/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo')).toBe(true);
    expect(store.isStorePath('/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/bar')).toBe(false);
    expect(store.toStorePath('/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/bar/baz')).toEqual([
      '/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo',
      '/bar/baz',
    ]);
  });
});
