/**
 * Unit tests of builtins.parseFlakeRef and builtins.flakeRefToString. Expected values come
 * from Nix's documentation (the `nix flake` manual page), its unit tests of the flake
 * reference parser (libflake-tests) and the lang suite's .exp files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtins, FlakeAttr, flakeRefToString, isLegalRefName, parseFlakeRef } from '../../src/builtins/flakeref';
import { evalState } from '../../src/eval/state';
import { Attrs, NixString } from '../../src/eval/value';

const REV = '2aae6c35c94fcfb415dbe95f408b9ce91ee846ed';
const obj = (m: Map<string, FlakeAttr>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
const parse = (s: string) => obj(parseFlakeRef(s));
const show = (o: Record<string, FlakeAttr>) => flakeRefToString(new Map(Object.entries(o)));
const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};
/** parse, then print: [attrs, url]. */
const round = (s: string) => {
  const m = parseFlakeRef(s);
  return [obj(m), flakeRefToString(m)];
};

beforeAll(() => evalState.experimentalFeatures.add('flakes'));
afterAll(() => evalState.experimentalFeatures.delete('flakes'));

describe('indirect', () => {
  it('flake IDs and the flake: scheme', () => {
    expect(round('nixpkgs')).toEqual([{ id: 'nixpkgs', type: 'indirect' }, 'flake:nixpkgs']);
    expect(round('flake:nixpkgs')).toEqual([{ id: 'nixpkgs', type: 'indirect' }, 'flake:nixpkgs']);
    expect(round('nixpkgs/branch')).toEqual([{ id: 'nixpkgs', ref: 'branch', type: 'indirect' }, 'flake:nixpkgs/branch']);
    expect(round(`nixpkgs/branch/${REV}`)).toEqual([
      { id: 'nixpkgs', ref: 'branch', rev: REV, type: 'indirect' },
      `flake:nixpkgs/branch/${REV}`,
    ]);
    expect(parse(`nixpkgs/${REV}`)).toEqual({ id: 'nixpkgs', rev: REV, type: 'indirect' });
    expect(parse('flake:nixpkgs/release-23.05')).toEqual({ id: 'nixpkgs', ref: 'release-23.05', type: 'indirect' });
  });
  it('ignores empty path segments', () => {
    expect(round('nixpkgs/branch////')[1]).toBe('flake:nixpkgs/branch');
    expect(round(`nixpkgs/branch///${REV}///`)[1]).toBe(`flake:nixpkgs/branch/${REV}`);
    expect(round('flake:/nixpkgs///branch////')[1]).toBe('flake:nixpkgs/branch');
  });
  it('the dir parameter', () => {
    expect(round('flake:nixpkgs?dir=lib')).toEqual([{ dir: 'lib', id: 'nixpkgs', type: 'indirect' }, 'flake:nixpkgs?dir=lib']);
  });
  it('errors', () => {
    expect(err(() => parseFlakeRef('flake:nixpkgs/a/b/c'))).toBe('flake reference \'flake:nixpkgs/a/b/c\' is not an absolute path');
    expect(err(() => parseFlakeRef('nixpkgs/a/b/c'))).toBe("GitHub URL 'flake:nixpkgs/a/b/c' is invalid");
    expect(err(() => show({ type: 'indirect', id: '1bad' }))).toBe("'1bad' is not a valid flake ID");
    expect(err(() => show({ type: 'indirect', id: 'x', owner: 'y' }))).toBe("input attribute 'owner' not supported by scheme 'indirect'");
    expect(err(() => parseFlakeRef('nixpkgs#foo'))).toBe("unexpected fragment 'foo' in flake reference 'nixpkgs#foo'");
  });
});

describe('path', () => {
  it('absolute paths and path: URLs', () => {
    expect(round('/foo/bar')).toEqual([{ path: '/foo/bar', type: 'path' }, 'path:/foo/bar']);
    expect(round('path:/foo/bar')).toEqual([{ path: '/foo/bar', type: 'path' }, 'path:/foo/bar']);
    expect(round(`/foo/bar?revCount=123&rev=${'a'.repeat(40)}`)).toEqual([
      { path: '/foo/bar', rev: 'a'.repeat(40), revCount: 123n, type: 'path' },
      `path:/foo/bar?rev=${'a'.repeat(40)}&revCount=123`,
    ]);
    expect(parse('path:/a/b?lastModified=1585388205')).toEqual({ lastModified: 1585388205n, path: '/a/b', type: 'path' });
  });
  it('spaces and dir', () => {
    const m = parseFlakeRef('/foo bar/baz?dir=bla space');
    expect(m.get('dir')).toBe('bla space');
    expect(m.get('path')).toBe('/foo bar/baz');
    expect(flakeRefToString(m)).toBe('path:/foo%20bar/baz?dir=bla%20space');
  });
  it('relative paths: kept in path: URLs, an error when plain (no base directory)', () => {
    expect(parse('path:./foo')).toEqual({ path: './foo', type: 'path' });
    expect(show({ type: 'path', path: 'foo/bar' })).toBe('path:foo/bar');
    expect(err(() => parseFlakeRef('./foo'))).toBe("flake reference './foo' is not an absolute path");
    expect(err(() => parseFlakeRef('../foo bar'))).toBe("flake reference '../foo bar' is not an absolute path");
    // `foo/…` reads as a flake ID with a ref, as in Nix.
    expect(err(() => parseFlakeRef('foo/bar/../x'))).toBe("GitHub URL 'flake:foo/bar/../x' is invalid");
  });
  it('errors', () => {
    expect(err(() => parseFlakeRef('/foo/bar?xyzzy=123'))).toBe("path URL 'path:///foo/bar?xyzzy=123' has unsupported parameter 'xyzzy'");
    expect(err(() => parseFlakeRef('/foo/bar?revCount=x'))).toBe("path URL 'path:///foo/bar?revCount=x' has invalid parameter 'revCount'");
    expect(err(() => parseFlakeRef('/foo/bar#bla'))).toBe("unexpected fragment 'bla' in flake reference '/foo/bar#bla'");
    expect(err(() => parseFlakeRef('path://host/foo'))).toBe("path URL 'path://host/foo' should not have an authority ('host')");
    expect(err(() => show({ type: 'path' }))).toBe("input attribute 'path' is missing");
    expect(err(() => show({ type: 'path', path: '/x', ref: 'y' }))).toBe("input attribute 'ref' not supported by scheme 'path'");
  });
});

describe('git', () => {
  it('git+https with ref, rev, dir and flags', () => {
    expect(round('git+https://somewhere.aaaaaaa/repo?ref=branch')).toEqual([
      { ref: 'branch', type: 'git', url: 'https://somewhere.aaaaaaa/repo' },
      'git+https://somewhere.aaaaaaa/repo?ref=branch',
    ]);
    expect(round(`git+https://example.org/my/repo?ref=main&rev=${REV}&dir=sub/dir`)).toEqual([
      { dir: 'sub/dir', ref: 'main', rev: REV, type: 'git', url: 'https://example.org/my/repo' },
      `git+https://example.org/my/repo?dir=sub/dir&ref=main&rev=${REV}`,
    ]);
    expect(round('git+https://example.org/r?submodules=1&shallow=1&lfs=1')).toEqual([
      { lfs: true, shallow: true, submodules: true, type: 'git', url: 'https://example.org/r' },
      'git+https://example.org/r?lfs=1&shallow=1&submodules=1',
    ]);
    expect(parse('git+https://example.org/r?submodules=0').submodules).toBe(false);
  });
  it('plain git:, git+ssh and git+file', () => {
    expect(round('git://somewhere/repo?ref=branch')).toEqual([
      { ref: 'branch', type: 'git', url: 'git://somewhere/repo' },
      'git://somewhere/repo?ref=branch',
    ]);
    expect(round('git+ssh://git@github.com/NixOS/nix?ref=v1.2.3')).toEqual([
      { ref: 'v1.2.3', type: 'git', url: 'ssh://git@github.com/NixOS/nix' },
      'git+ssh://git@github.com/NixOS/nix?ref=v1.2.3',
    ]);
    expect(round('git+file:///home/my-user/some-repo')).toEqual([
      { type: 'git', url: 'file:///home/my-user/some-repo' },
      'git+file:///home/my-user/some-repo',
    ]);
    expect(parse('git+file:/a/b').url).toBe('file:/a/b');
  });
  it('keeps unknown query parameters in the URL', () => {
    expect(round('git+https://example.org/r?foo=bar&ref=x')).toEqual([
      { ref: 'x', type: 'git', url: 'https://example.org/r?foo=bar' },
      'git+https://example.org/r?foo=bar&ref=x',
    ]);
  });
  it('attribute sets: drops what the URL form does not show, fixes the URL', () => {
    expect(show({ type: 'git', url: 'https://example.org/r', revCount: 12n, lastModified: 3n, shallow: false })).toBe(
      'git+https://example.org/r',
    );
    expect(show({ type: 'git', url: '/abs/repo', submodules: true })).toBe('git+file:///abs/repo?submodules=1');
    expect(show({ type: 'git', url: 'git@github.com:NixOS/nix.git' })).toBe('git+ssh://git@github.com/NixOS/nix.git');
    expect(show({ type: 'git', url: 'git+https://example.org/r', rev: REV.toUpperCase() })).toBe(`git+https://example.org/r?rev=${REV}`);
  });
  it('errors', () => {
    expect(err(() => show({ type: 'git', url: 'https://x/y', submodules: 'yes' }))).toBe("input attribute 'submodules' is not a Boolean");
    expect(err(() => show({ type: 'git', url: 'https://x/y', revCount: 'x' }))).toBe("input attribute 'revCount' is not an integer");
    expect(err(() => show({ type: 'git', url: 'https://x/y', owner: 'x' }))).toBe("input attribute 'owner' not supported by scheme 'git'");
    expect(err(() => show({ type: 'git', url: 'https://x/y', ref: 'a..b' }))).toBe("invalid Git branch/tag name 'a..b'");
    expect(err(() => show({ type: 'git', url: 'https://x/y', verifyCommit: true }))).toContain("experimental Nix feature 'verified-fetches' is disabled");
  });
});

describe('mercurial', () => {
  it('hg+https and hg+file', () => {
    expect(round('hg+https://example.org/repo?ref=default')).toEqual([
      { ref: 'default', type: 'hg', url: 'https://example.org/repo' },
      'hg+https://example.org/repo?ref=default',
    ]);
    expect(round(`hg+file:///a/b?rev=${REV}&dir=x`)).toEqual([
      { dir: 'x', rev: REV, type: 'hg', url: 'file:///a/b' },
      `hg+file:///a/b?dir=x&rev=${REV}`,
    ]);
  });
  it('drops revCount when printing', () => {
    expect(show({ type: 'hg', url: 'https://example.org/repo', revCount: 4n })).toBe('hg+https://example.org/repo');
  });
});

describe('tarball and file', () => {
  it('tarballs by extension and with tarball+', () => {
    expect(round('https://github.com/NixOS/patchelf/archive/master.tar.gz')).toEqual([
      { type: 'tarball', url: 'https://github.com/NixOS/patchelf/archive/master.tar.gz' },
      'https://github.com/NixOS/patchelf/archive/master.tar.gz',
    ]);
    expect(round('tarball+https://example.org/download/latest')).toEqual([
      { type: 'tarball', url: 'https://example.org/download/latest' },
      'https://example.org/download/latest',
    ]);
    // A flake is a tree, so a URL without an archive extension is a tarball too.
    expect(parse('https://example.org/x')).toEqual({ type: 'tarball', url: 'https://example.org/x' });
  });
  it('re-encodes the URL path', () => {
    expect(round('http://localhost:8181/test/+3d.tar.gz')[1]).toBe('http://localhost:8181/test/%2B3d.tar.gz');
  });
  it('takes Nix parameters out of the URL, keeps others', () => {
    expect(parse('https://example.org/x.zip?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D&lastModified=12&name=y&foo=1')).toEqual({
      lastModified: 12n,
      narHash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      type: 'tarball',
      url: 'https://example.org/x.zip?foo=1',
    });
    expect(show({ type: 'tarball', url: 'https://example.org/x.zip', narHash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).toBe(
      'https://example.org/x.zip?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D',
    );
  });
  it('file+https', () => {
    expect(round('file+https://example.org/x.txt')).toEqual([{ type: 'file', url: 'https://example.org/x.txt' }, 'https://example.org/x.txt']);
    expect(err(() => show({ type: 'file', url: 'https://x', narHash: 'sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }))).toBe('narHash must use SHA-256');
  });
  it('unsupported schemes', () => {
    expect(err(() => parseFlakeRef('foo:bar'))).toBe("input 'foo:bar' is unsupported");
    expect(err(() => parseFlakeRef('file+git:///x'))).toBe("input 'file+git:///x' is unsupported; did you mean 'git+file' instead of 'file+git'?");
  });
});

describe('github, gitlab, sourcehut', () => {
  it('the documented example', () => {
    expect(round('github:NixOS/nixpkgs/23.05?dir=lib')).toEqual([
      { dir: 'lib', owner: 'NixOS', ref: '23.05', repo: 'nixpkgs', type: 'github' },
      'github:NixOS/nixpkgs/23.05?dir=lib',
    ]);
  });
  it('owner/repo, refs, revs and host', () => {
    expect(round('github:edolstra/dwarffs')).toEqual([{ owner: 'edolstra', repo: 'dwarffs', type: 'github' }, 'github:edolstra/dwarffs']);
    expect(round(`github:edolstra/dwarffs/${REV}`)).toEqual([
      { owner: 'edolstra', repo: 'dwarffs', rev: REV, type: 'github' },
      `github:edolstra/dwarffs/${REV}`,
    ]);
    expect(round('github:edolstra/dwarffs?ref=unstable')[1]).toBe('github:edolstra/dwarffs/unstable');
    expect(round('gitlab:veloren/veloren?host=gitlab.example.org')).toEqual([
      { host: 'gitlab.example.org', owner: 'veloren', repo: 'veloren', type: 'gitlab' },
      'gitlab:veloren/veloren?host=gitlab.example.org',
    ]);
    expect(round('sourcehut:~misterio/nix-colors/main')).toEqual([
      { owner: '~misterio', ref: 'main', repo: 'nix-colors', type: 'sourcehut' },
      'sourcehut:~misterio/nix-colors/main',
    ]);
    expect(parse('github:a/b/feature/x')).toEqual({ owner: 'a', ref: 'feature/x', repo: 'b', type: 'github' });
  });
  it('percent-encoding', () => {
    expect(round('github:foo/bar/branch%23')[1]).toBe('github:foo/bar/branch%23');
    expect(round('github:foo/bar?ref=branch%23')[1]).toBe('github:foo/bar/branch%23');
    expect(round('github://////owner%42/////repo%41///branch%43////')).toEqual([
      { owner: 'ownerB', ref: 'branchC', repo: 'repoA', type: 'github' },
      'github:ownerB/repoA/branchC',
    ]);
    expect(round('gitlab:/owner%252Fsubgroup/////repo%41///branch%43////')).toEqual([
      { owner: 'owner%2Fsubgroup', ref: 'branchC', repo: 'repoA', type: 'gitlab' },
      'gitlab:owner%252Fsubgroup/repoA/branchC',
    ]);
  });
  it('drops lastModified, keeps narHash', () => {
    expect(show({ type: 'github', owner: 'o', repo: 'r', lastModified: 5n })).toBe('github:o/r');
  });
  it('errors', () => {
    expect(err(() => parseFlakeRef(`github:nixos/nixpkgs/nixpkgs.git?ref=${REV}`))).toContain('is not an absolute path');
    expect(err(() => parseFlakeRef('github:foo'))).toBe("flake reference 'github:foo' is not an absolute path");
    expect(err(() => show({ type: 'github', owner: 'o', repo: 'r', ref: 'x', rev: REV }))).toBe(
      `input {"owner":"o","ref":"x","repo":"r","rev":"${REV}","type":"github"} contains both a commit hash ('${REV}') and a branch/tag name ('x')`,
    );
    expect(err(() => show({ type: 'github', owner: 'o' }))).toBe("input attribute 'repo' is missing");
    expect(err(() => show({ type: 'github', owner: 'o', repo: 'r', host: 'a/b' }))).toBe(
      'input {"host":"a/b","owner":"o","repo":"r","type":"github"} contains an invalid instance host',
    );
    expect(err(() => show({ type: 'github', owner: 'o', repo: 1n }))).toBe(
      'input attribute \'repo\' is not a string {"owner":"o","repo":1,"type":"github"}',
    );
  });
});

describe('flakeRefToString errors', () => {
  it('type is required, unknown types cannot be shown', () => {
    expect(err(() => show({ owner: 'x' }))).toBe("'type' attribute to specify input scheme is required but not provided");
    expect(err(() => show({ type: 'foo', a: 1n }))).toBe('cannot show unsupported input \'{"a":1,"type":"foo"}\'');
  });
  it('needs the flakes feature for github, indirect and path', () => {
    evalState.experimentalFeatures.delete('flakes');
    try {
      expect(err(() => parseFlakeRef('nixpkgs'))).toBe(
        "experimental Nix feature 'flakes' is disabled; add '--extra-experimental-features flakes' to enable it",
      );
      expect(err(() => show({ type: 'github', owner: 'o', repo: 'r' }))).toContain("feature 'flakes' is disabled");
      expect(show({ type: 'git', url: 'https://x/y' })).toBe('git+https://x/y');
    } finally {
      evalState.experimentalFeatures.add('flakes');
    }
  });
});

describe('the builtins', () => {
  const B = Object.fromEntries(builtins.map((b) => [b.name, b]));
  it('parseFlakeRef gives Nix values', () => {
    const v = B.parseFlakeRef.fn!(['/a?revCount=3'], undefined) as Attrs;
    expect(v.keys()).toEqual(['path', 'revCount', 'type']);
    expect(v.get('revCount')).toBe(3);
  });
  it('flakeRefToString checks attribute values', () => {
    const set = (o: Record<string, unknown>) => new Attrs(new Map(Object.entries(o) as never));
    expect(B.flakeRefToString.fn!([set({ type: 'github', owner: 'NixOS', repo: 'nixpkgs', ref: '23.05', dir: 'lib' })], undefined)).toBe(
      'github:NixOS/nixpkgs/23.05?dir=lib',
    );
    expect(err(() => B.flakeRefToString.fn!([set({ type: 'github', owner: 'NixOS', repo: -1 })], undefined))).toBe(
      'negative value given for flake ref attr repo: -1',
    );
    expect(err(() => B.flakeRefToString.fn!([set({ type: 'github', owner: [], repo: 'r' })], undefined))).toBe(
      "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute 'owner' is a list",
    );
    expect(B.flakeRefToString.fn!([set({ type: 'git', url: new NixString('https://x/y', new Set()), shallow: true })], undefined)).toBe(
      'git+https://x/y?shallow=1',
    );
  });
});

describe('isLegalRefName', () => {
  it('follows git check-ref-format', () => {
    for (const ok of ['main', 'release-23.05', 'feature/x', 'v1.2.3', 'a@b']) expect(isLegalRefName(ok)).toBe(true);
    for (const bad of ['@', 'a..b', '.x', 'x.lock', 'a b', 'x/', 'a//b', 'a~1', 'a^', 'a:b', '-x', 'a@{1}']) expect(isLegalRefName(bad)).toBe(false);
  });
});
