/**
 * lib.types (modules/lib/types.nix) against nixpkgs' lib/types.nix: our own snippets, each
 * evaluated with nixling (`import <nixling/lib>`) and compared with the output recorded
 * here (from nix-instantiate + nixpkgs.lib); when nix-instantiate and nixpkgs.lib (env
 * NIXPKGS_LIB, default /work/suites/nixpkgs.lib) are available, the live oracle must agree too.
 * Covers pathWith/externalPath, passwdEntry, serializableValueWith/json/toml, anything,
 * attrTag, attrListOf/attrListWith, numbers, descriptions, the v2 merges (headError,
 * valueMeta, the coherence check) and src/modules/types-v2.ts.
 */
import { describe, expect, it } from 'vitest';
import { evalExpr } from '../../src/eval/index';
import { Attrs, Lazy, force } from '../../src/eval/value';
import { isV2Type, v2CheckedAndMerged } from '../../src/modules/types-v2';
import { hasOracle, libOracle, libOurs } from '../support/lib-oracle';


const oracle = libOracle;
const ours = libOurs;

/** [expression, recorded JSON output of nixpkgs' lib]. */
const outputCases: [string, string][] = [
  [
    "map (t: t.description) (with lib.types; [ (passwdEntry str) (attrsOf (passwdEntry str)) externalPath pathInStore (pathWith { absolute = false; }) json toml (attrListOf (either int str)) (attrTag { a = lib.mkOption { type = int; }; b = lib.mkOption { type = str; }; }) numbers.positive (numbers.between 0 1.5) (loaOf str) (attrsOf (submodule { })) (submodule { freeformType = listOf str; }) optionDeclaration (nonEmptyListOf (attrListOf str)) ])",
    "[\"string, not containing newlines or colons\",\"attribute set of (string, not containing newlines or colons)\",\"absolute path not in the Nix store\",\"path in the Nix store\",\"relative path\",\"JSON value\",\"TOML value\",\"attribute list of (signed integer or string)\",\"attribute-tagged union with choices: a, b\",\"positive integer or floating point number, meaning >0\",\"integer or floating point number between 0 and 1.5 (both inclusive)\",\"attribute set of string\",\"attribute set of (submodule)\",\"open submodule of list of string\",\"option declaration\",\"non-empty (list of attribute list of string)\"]",
  ],
  [
    "map (lib.types.externalPath.check) [ \"/foo/bar\" \"/\" \"./foo\" \"\" \"${builtins.storeDir}/0fb3ykw9r5hpayd05sr0cizwadzq1d8q-bash-5.2-p15\" ]",
    "[true,true,false,false,false]",
  ],
  [
    "map (lib.types.pathInStore.check) [ \"${builtins.storeDir}/0fb3ykw9r5hpayd05sr0cizwadzq1d8q-bash-5.2-p15/bin/bash\" \"${builtins.storeDir}\" \"${builtins.storeDir}/\" \"${builtins.storeDir}/.links\" \"/foo/bar\" ]",
    "[true,false,false,false,false]",
  ],
  [
    "map ((lib.types.pathWith { inStore = false; }).check) [ \"/foo/bar\" \"\" \"${builtins.storeDir}/.links\" \"${builtins.storeDir}/0fb3ykw9r5hpayd05sr0cizwadzq1d8q-bash-5.2-p15\" ]",
    "[true,true,true,false]",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.json; }; config.a = { a = [ 1 \"x\" { b = null; } ]; c = 1.5; d = true; }; } ]; }).config",
    "{\"a\":{\"a\":[1,\"x\",{\"b\":null}],\"c\":1.5,\"d\":true}}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrsOf lib.types.toml; }; config.a = { x = 1; y = [ \"s\" ]; }; } ]; }).config",
    "{\"a\":{\"x\":1,\"y\":[\"s\"]}}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.anything; }; } { a.l = [ 1 \"a\" ]; a.n = null; a.s.x = 1; } { a.l = [ 1 \"a\" ]; a.n = null; a.s.y = 2; } ]; }).config",
    "{\"a\":{\"l\":[1,\"a\"],\"n\":null,\"s\":{\"x\":1,\"y\":2}}}",
  ],
  [
    "((lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.anything; }; } { a = x: { inherit x; }; } { a = y: { y = y + 1; }; } ]; }).config).a 1",
    "{\"x\":1,\"y\":2}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrsOf (lib.types.attrTag { i = lib.mkOption { type = lib.types.int; }; s = lib.mkOption { type = lib.types.str; default = \"d\"; }; }); }; } { a.x.i = 1; a.y.s = \"z\"; } ]; }).config",
    "{\"a\":{\"x\":{\"i\":1},\"y\":{\"s\":\"z\"}}}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrTag { l = lib.mkOption { type = lib.types.listOf lib.types.int; }; }; }; } { a.l = [ 1 ]; } { a.l = [ 2 ]; } ]; }).config",
    "{\"a\":{\"l\":[2,1]}}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrListOf lib.types.str; }; } { a = [ { x = \"1\"; } { y = \"2\"; } ]; } { a = { z = lib.mkBefore \"0\"; }; } ]; }).config",
    "{\"a\":[{\"z\":\"0\"},{\"x\":\"1\"},{\"y\":\"2\"}]}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrListWith { elemType = lib.types.int; asAttrs = true; }; }; } { a = [ { x = 1; } { x = 2; } { y = 3; } ]; } ]; }).config",
    "{\"a\":{\"x\":[1,2],\"y\":[3]}}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrListOf lib.types.int; }; } { a = [ { x = 1; } ]; } { a = { x = lib.mkForce 5; }; } ]; }).config",
    "{\"a\":[{\"x\":5}]}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.either (lib.types.listOf lib.types.int) lib.types.str; }; } { a = [ 1 ]; } { a = [ 2 ]; } ]; }).config",
    "{\"a\":[2,1]}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.coercedTo lib.types.int toString lib.types.str; }; } { a = 4; } ]; }).config",
    "{\"a\":\"4\"}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.addCheck (lib.types.attrsOf lib.types.int) (v: v ? x); }; } { a.x = 1; } { a.x = lib.mkForce 2; } ]; }).config",
    "{\"a\":{\"x\":2}}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.nonEmptyListOf lib.types.int; }; } { a = [ 1 2 ]; } ]; }).config",
    "{\"a\":[1,2]}",
  ],
  [
    "builtins.attrNames ((lib.types.attrsOf lib.types.int).merge.v2 { loc = [ \"a\" ]; defs = [ { file = \"f\"; value = { x = 1; y = 2; }; } ]; }).valueMeta.attrs",
    "[\"x\",\"y\"]",
  ],
  [
    "builtins.length ((lib.types.listOf lib.types.int).merge.v2 { loc = [ \"a\" ]; defs = [ { file = \"f\"; value = [ 1 2 3 ]; } ]; }).valueMeta.list",
    "3",
  ],
  [
    "((lib.types.submodule { options.p = lib.mkOption { type = lib.types.int; default = 3; }; }).merge.v2 { loc = [ \"a\" ]; defs = [ { file = \"f\"; value = { }; } ]; }).valueMeta.configuration.config",
    "{\"p\":3}",
  ],
  [
    "((lib.types.either lib.types.int lib.types.str).merge.v2 { loc = [ \"a\" ]; defs = [ { file = \"f\"; value = \"s\"; } ]; }).value",
    "\"s\"",
  ],
  [
    "((lib.types.attrListOf lib.types.int).merge.v2 { loc = [ \"a\" ]; defs = [ { file = \"f\"; value = [ { b = 2; } { a = 1; } ]; } ]; }).valueMeta.attrListValue",
    "[{\"b\":2},{\"a\":1}]",
  ],
  [
    "((lib.types.attrsOf lib.types.int).merge.v2 { loc = [ \"a\" ]; defs = [ { file = \"f\"; value = 1; } ]; }).headError != null",
    "true",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrTag { x = lib.mkOption { type = lib.types.enum [ \"p\" ]; }; }; }; } { options.a = lib.mkOption { type = lib.types.attrTag { x = lib.mkOption { type = lib.types.enum [ \"q\" ]; }; y = lib.mkOption { type = lib.types.int; }; }; }; } { a.x = \"q\"; } ]; }).config",
    "{\"a\":{\"x\":\"q\"}}",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.strMatching \"[a-z]+\"; }; } { options.a = lib.mkOption { type = lib.types.strMatching \"[a-z]+\"; }; } { a = \"abc\"; } ]; }).config",
    "{\"a\":\"abc\"}",
  ],
];

/** [expression, text the error must contain] (with nixpkgs' lib too). */
const errorCases: [string, string][] = [
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.externalPath; }; config.a = \"./foo\"; } ]; }).config",
    "is not of type `absolute path not in the Nix store'",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.pathInStore; }; config.a = \"/foo/bar\"; } ]; }).config",
    "is not of type `path in the Nix store'",
  ],
  [
    "lib.types.pathWith { inStore = true; absolute = false; }",
    "In pathWith, inStore means the path must be absolute",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.json; }; config.a = x: x; } ]; }).config",
    "is not of type `JSON value'",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.toml; }; config.a = null; } ]; }).config",
    "is not of type `TOML value'",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.passwdEntry lib.types.str; }; config.a = \"a:b\"; } ]; }).config",
    "is not of type `string, not containing newlines or colons'",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.anything; }; } { a = 1; } { a = \"x\"; } ]; }).config",
    "The option `a' has conflicting option types in",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.anything; }; } { a = [ 1 ]; } { a = [ 2 ]; } ]; }).config",
    "The option `a' has conflicting definition values",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrTag { x = lib.mkOption { type = lib.types.int; }; y = lib.mkOption { type = lib.types.int; }; }; }; config.a = { x = 1; y = 2; }; } ]; }).config",
    "is not of type `attribute-tagged union with choices: x, y'",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrTag { x = lib.mkOption { type = lib.types.int; }; }; }; config.a = { x = \"s\"; }; } ]; }).config",
    "A definition for option `a.x' is not of type `signed integer'",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrTag { x = lib.types.int; }; }; config.a = { x = 1; }; } ]; }).config",
    "In attrTag, each tag value must be an option, but tag x was a bare type, not wrapped in mkOption.",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrListOf lib.types.str; }; config.a = [ { a = \"x\"; b = \"y\"; } ]; } ]; }).config",
    "Each list element must be a single-key attribute set, but got 2 keys",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrListOf lib.types.str; }; config.a = [ \"s\" ]; } ]; }).config",
    "Each list element must be an attribute set, but got string",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrsOf (lib.types.attrListOf lib.types.str); }; config.a = { x = \"s\"; }; } ]; }).config",
    "A definition for option `a.x' is not of type `attribute list of string'. TypeError: Definition values:",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.lazyAttrsOf (lib.types.lazyAttrsOf lib.types.raw // { check = _: false; }); }; config.a = { x = { }; }; } ]; }).config",
    "has a type `lazy attribute set of raw value' that uses",
  ],
  [
    "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.lazyAttrsOf (lib.types.addCheck (lib.types.attrsOf lib.types.int) (v: v ? x)); }; config.a = { k.y = 1; }; } ]; }).config",
    "is not of type `attribute set of signed integer'. TypeError: Definition values:",
  ],
];

describe('lib.types: outputs', () => {
  for (const [expr, want] of outputCases) {
    it(expr, () => {
      const got = ours(expr);
      expect(got.out).toBe(want);
      if (hasOracle) expect(oracle(expr).out).toBe(want);
    });
  }
});

describe('lib.types: errors', () => {
  for (const [expr, match] of errorCases) {
    it(`${match} ← ${expr}`, () => {
      const got = ours(expr);
      expect(got.ok, got.out).toBe(false);
      expect(got.out).toContain(match);
      if (hasOracle) {
        const o = oracle(expr);
        expect(o.ok).toBe(false);
        expect(o.out).toContain(match);
      }
    });
  }
});

describe('types-v2.ts (the top-level v2 hook)', () => {
  const typeOf = (t: string) => force(evalExpr(`let lib = import <nixling/lib>; in ${t}`)) as Attrs;
  const defs = (...vs: string[]) => vs.map((v) => ({ file: 'f.nix', value: evalExpr(v) as Lazy }));
  const json = (v: Lazy) => JSON.stringify(JSON.parse(evalForTestValue(v)));
  function evalForTestValue(v: Lazy): string {
    const x = force(v);
    if (x instanceof Attrs) return JSON.stringify(Object.fromEntries([...x.keys()].map((k) => [k, JSON.parse(evalForTestValue(x.get(k)!))])));
    if (Array.isArray(x)) return JSON.stringify(x.map((e) => JSON.parse(evalForTestValue(e))));
    return JSON.stringify(typeof x === 'bigint' ? Number(x) : x);
  }

  it('recognises v2 types', () => {
    expect(isV2Type(typeOf('lib.types.listOf lib.types.int'))).toBe(true);
    expect(isV2Type(typeOf('lib.types.attrsOf lib.types.int'))).toBe(true);
    expect(isV2Type(typeOf('lib.types.int'))).toBe(false);
    expect(v2CheckedAndMerged(['a'], typeOf('lib.types.int'), defs('1'))).toBeNull();
  });

  it('merges and exposes valueMeta', () => {
    const r = v2CheckedAndMerged(['a'], typeOf('lib.types.attrsOf lib.types.int'), defs('{ x = 1; }', '{ y = 2; }'))!;
    expect(json(r.value)).toBe('{"x":1,"y":2}');
    expect([...(force((force(r.valueMeta) as Attrs).get('attrs')!) as Attrs).keys()]).toEqual(['x', 'y']);
  });

  it('reports headError as a TypeError', () => {
    const r = v2CheckedAndMerged(['a', 'b'], typeOf('lib.types.listOf lib.types.int'), defs('"s"'))!;
    expect(() => force(r.value)).toThrow(/A definition for option `a\.b' is not of type `list of signed integer'\. TypeError: Definition values:/);
  });

  it('rejects an ad-hoc check override', () => {
    const r = v2CheckedAndMerged(['a'], typeOf('lib.types.lazyAttrsOf lib.types.raw // { check = _: false; }'), defs('{ }'))!;
    expect(() => force(r.value)).toThrow(/ad-hoc `type \/\/ \{ check = \.\.\.; \}' override, which is incompatible with/);
  });
});
