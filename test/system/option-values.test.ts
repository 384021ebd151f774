// Printing values as Nix, option snapshots of configurations and their diffs
// (src/system/option-values.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalExpr } from '../../src/eval/index';
import { evalSystem } from '../../src/system/configuration';
import { diffOptionSnapshots, optionSnapshot, printNix, priorityName } from '../../src/system/option-values';

const p = (text: string, o = {}) => printNix(evalExpr(text), o);

describe('printNix', () => {
  it('prints compactly when the value fits, one item per line otherwise', () => {
    expect(p('{ a = 1; b = [ true null ]; "c d" = "x\\ny"; }').text).toBe('{ a = 1; b = [ true null ]; "c d" = "x\\ny"; }');
    const long = p('{ alpha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; beta = [ "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" 2 ]; }', { width: 40 }).text;
    expect(long).toBe(
      '{\n  alpha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";\n  beta = [\n    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"\n    2\n  ];\n}',
    );
    expect(p('{ }').text).toBe('{ }');
    expect(p('[ ]').text).toBe('[ ]');
    expect(p('1.5').text).toBe('1.5');
  });

  it('limits the depth', () => {
    expect(p('{ a = { b = { c = 1; }; }; l = [ [ 1 ] ]; }', { depth: 1 }).text).toBe('{ a = { ... }; l = [ ... ]; }');
    expect(p('{ a = { b = { c = 1; }; }; }', { depth: 2 }).text).toBe('{ a = { b = { ... }; }; }');
  });

  it('prints evaluation errors in place and returns them', () => {
    const r = p('{ ok = 1; bad = throw "nope"; also = 1 + "x"; }', { multiline: false });
    expect(r.text).toBe('{ also = \xc2\xaberror: cannot add a string to an integer\xc2\xbb; bad = \xc2\xaberror: nope\xc2\xbb; ok = 1; }');
    expect(r.errors.map((e) => e.message)).toEqual(['cannot add a string to an integer', 'nope']);
  });

  it('prints functions, derivations and module properties', () => {
    expect(p('x: x', { lambdaPositions: false }).text).toBe('\xc2\xablambda\xc2\xbb');
    expect(p('x: x').text).toMatch(/^\xc2\xablambda @ .*:1:1\xc2\xbb$/);
    expect(p('{ type = "derivation"; name = "hello"; drvPath = "/nix/store/x-hello.drv"; }').text).toBe(
      '\xc2\xabderivation /nix/store/x-hello.drv\xc2\xbb',
    );
    expect(p('{ type = "derivation"; name = "hello"; }', { derivations: 'name' }).text).toBe('\xc2\xabderivation hello\xc2\xbb');
    const props = '{ a = { _type = "if"; condition = true; content = { _type = "override"; priority = 50; content = 1; }; }; }';
    expect(p(props, { showProperties: true }).text).toBe('{ a = mkIf true (mkForce 1); }');
  });

  it('stops forcing after its budget', () => {
    const r = p('builtins.genList (i: { n = i; }) 100000', { budget: 200, multiline: false }).text;
    expect(r.length).toBeLessThan(500);
    expect(r.endsWith('\xc2\xab\xe2\x80\xa6\xc2\xbb ]')).toBe(true);
  });

  it('names priorities', () => {
    expect(priorityName(50)).toBe('mkForce');
    expect(priorityName(1000)).toBe('mkDefault');
    expect(priorityName(100)).toBe('no priority (plain definition)');
    expect(priorityName(1500, true)).toBe('option default');
    expect(priorityName(1500)).toBe('mkOptionDefault');
    expect(priorityName(20)).toBe('mkOverride 20');
  });
});

describe('diffOptionSnapshots', () => {
  const e = (value: string, ...definedAt: string[]) => ({ value, definedAt });

  it('lists changed, added and removed paths in order', () => {
    const old = { a: e('1', 'f.nix:1'), b: e('"x"', 'f.nix:2'), gone: e('true', 'f.nix:3'), same: e('[ ]') };
    const nu = { a: e('2', 'f.nix:1'), b: e('"x"', 'f.nix:2'), added: e('null', 'g.nix:9'), same: e('[ ]') };
    expect(diffOptionSnapshots(old, nu)).toEqual([
      { path: 'a', old: '1', new: '2', definedAt: ['f.nix:1'] },
      { path: 'added', old: null, new: 'null', definedAt: ['g.nix:9'] },
      { path: 'gone', old: 'true', new: null, definedAt: ['f.nix:3'] },
    ]);
    expect(diffOptionSnapshots(old, old)).toEqual([]);
  });

  it('points at the old definition when the new value is a default', () => {
    const old = { 'x.port': e('8080', 'conf.nix:4') };
    const nu = { 'x.port': e('80') };
    expect(diffOptionSnapshots(old, nu)).toEqual([{ path: 'x.port', old: '8080', new: '80', definedAt: ['conf.nix:4'] }]);
  });

  it('reports an added or removed submodule instance once', () => {
    const old = { 's.services.a.script': e('"x"') };
    const nu = {
      's.services.a.script': e('"x"'),
      's.services.b': e('{ script = "y"; }', 'c.nix:3'),
      's.services.b.script': e('"y"', 'c.nix:3'),
      's.services.b.enable': e('true'),
      's.services."b.c"': e('{ }'),
    };
    expect(diffOptionSnapshots(old, nu).map((c) => c.path)).toEqual(['s.services."b.c"', 's.services.b']);
    expect(diffOptionSnapshots(nu, old).map((c) => [c.path, c.new])).toEqual([
      ['s.services."b.c"', null],
      ['s.services.b', null],
    ]);
  });

  it('leaves a changed instance to the changes beneath it', () => {
    const old = { 's.a': e('{ x = 1; }', 'c.nix:1'), 's.a.x': e('1', 'c.nix:1'), 's.a.y': e('true') };
    const nu = { 's.a': e('{ x = 2; }', 'c.nix:1'), 's.a.x': e('2', 'c.nix:1'), 's.a.y': e('true') };
    expect(diffOptionSnapshots(old, nu)).toEqual([{ path: 's.a.x', old: '1', new: '2', definedAt: ['c.nix:1'] }]);
  });

  it('drops an empty set replaced by attributes beneath it', () => {
    const old = { env: e('{ }') };
    const nu = { 'env.LANG': e('"C"', 'c.nix:2') };
    expect(diffOptionSnapshots(old, nu)).toEqual([{ path: 'env.LANG', old: null, new: '"C"', definedAt: ['c.nix:2'] }]);
  });
});

describe('optionSnapshot', () => {
  const MODULE = `{ lib, ... }: {
  options.app = {
    port = lib.mkOption { type = lib.types.port; default = 80; };
    env = lib.mkOption { type = lib.types.attrsOf lib.types.str; default = { }; };
    hook = lib.mkOption { type = lib.types.functionTo lib.types.str; default = x: x; };
    secret = lib.mkOption { type = lib.types.str; internal = true; default = "s"; };
    sites = lib.mkOption {
      type = lib.types.attrsOf (lib.types.submodule { options.root = lib.mkOption { type = lib.types.str; default = "/srv"; }; });
      default = { };
    };
    big = lib.mkOption { type = lib.types.str; default = ""; };
    broken = lib.mkOption { type = lib.types.str; };
  };
}
`;
  const A = `{ lib, ... }: {
  imports = [ ./module.nix ];
  app.port = 8080;
  app.env.LANG = "C";
  app.sites.main = { };
}
`;
  const B = `{ lib, ... }: {
  imports = [ ./module.nix ];

  app.env = {
    LANG = "nl_NL.UTF-8";
    LC_ALL = "C";
  };
  app.sites.main.root = "/var/www";
  app.sites.docs = { root = "/docs"; };
  app.big = lib.concatStrings (lib.genList (i: "0123456789") 1000);
}
`;
  let dir: string;
  let snapA: ReturnType<typeof optionSnapshot>;
  let snapB: ReturnType<typeof optionSnapshot>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-option-values-'));
    fs.writeFileSync(path.join(dir, 'module.nix'), MODULE);
    fs.writeFileSync(path.join(dir, 'a.nix'), A);
    fs.writeFileSync(path.join(dir, 'b.nix'), B);
    snapA = optionSnapshot(evalSystem(path.join(dir, 'a.nix')));
    snapB = optionSnapshot(evalSystem(path.join(dir, 'b.nix')));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records values and where the winning definitions are', () => {
    const a = path.join(dir, 'a.nix');
    expect(snapA['app.port']).toEqual({ value: '8080', definedAt: [`${a}:3`] });
    expect(snapA['app.env.LANG']).toEqual({ value: '"C"', definedAt: [`${a}:4`] });
    expect(snapA['app.sites.main.root']).toEqual({ value: '"/srv"', definedAt: [] });
    expect(snapA['app.sites.main']).toEqual({ value: '{ }', definedAt: [] });
    expect(snapA['app.hook']).toEqual({ value: '\xc2\xablambda\xc2\xbb', definedAt: [] });
    // Internal options and options without a value are left out.
    expect(snapA['app.secret']).toBeUndefined();
    expect(snapA['app.broken']).toBeUndefined();
    expect(Object.keys(snapA)).toEqual([...Object.keys(snapA)].sort());
    // NixOS-layer options are there too.
    expect(snapA['networking.hostName']).toBeDefined();
  });

  it('cuts large values and keeps a hash of them', () => {
    const v = snapB['app.big'].value;
    expect(v.length).toBeLessThan(4200);
    expect(v).toMatch(/\xc2\xab\d+ bytes elided, sha256 [0-9a-f]{16}\xc2\xbb$/);
  });

  it('diffs two configurations', () => {
    const b = path.join(dir, 'b.nix');
    const a = path.join(dir, 'a.nix');
    const d = diffOptionSnapshots(snapA, snapB).filter((c) => c.path !== 'app.big');
    expect(d).toEqual([
      { path: 'app.env.LANG', old: '"C"', new: '"nl_NL.UTF-8"', definedAt: [`${b}:5`] },
      { path: 'app.env.LC_ALL', old: null, new: '"C"', definedAt: [`${b}:6`] },
      { path: 'app.port', old: '8080', new: '80', definedAt: [`${a}:3`] },
      { path: 'app.sites.docs', old: null, new: '{ root = "/docs"; }', definedAt: [`${b}:9`] },
      { path: 'app.sites.main.root', old: '"/srv"', new: '"/var/www"', definedAt: [`${b}:8`] },
    ]);
  });
});
