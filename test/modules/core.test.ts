/**
 * The native module system's core error behaviour (src/modules/): `_class` checks,
 * disabledModules items, typo suggestions for unknown options, the hints for options
 * declared under `config`, declaration type errors, showDefs' rendering of definition
 * values, module-argument and infinite-recursion context frames. Each case is an
 * expression evaluated with nixling (`import <nixling/lib>`, rendered with --show-trace
 * frames); its error text must match `match`. When nix-instantiate and nixpkgs.lib (env
 * NIXPKGS_LIB, default /work/suites/nixpkgs.lib) are available, nixpkgs' lib must fail the
 * same way (the expectations below are nixpkgs' texts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderError } from '../../src/eval/errors';
import { evalExpr } from '../../src/eval/index';
import { deepForce } from '../../src/eval/runtime';
import { printValueAsJSON } from '../../src/builtins/json';
import { asNixError } from '../../src/cli/output';
import { hasOracle, libOracle } from '../support/lib-oracle';


// Modules written to files, so that keys and `_file`s are paths.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-core-test-'));
const files: Record<string, string> = {
  'darwin.nix': `{ _class = "darwin"; }`,
  'nixos.nix': `{ _class = "nixos"; }`,
  'enable.nix': `{ lib, ... }: { options.enable = lib.mkOption { type = lib.types.bool; default = false; }; }`,
  'abort-def.nix': `{ config.enable = abort "oops"; }`,
  'custom-arg.nix': `{ custom, ... }: { enable = custom; }`,
  'import-custom.nix': `{ lib, custom, ... }: { imports = lib.optional custom ./enable.nix; }`,
};
for (const [f, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), t);
const sub = (expr: string) => expr.replaceAll('@D@', dir);

const oracle = (expr: string) => libOracle(sub(expr), { showTrace: true });

function ours(expr: string): { ok: boolean; out: string } {
  try {
    const v = evalExpr(`let lib = import <nixling/lib>; in ${sub(expr)}`, {});
    deepForce(v);
    return { ok: true, out: JSON.stringify(JSON.parse(printValueAsJSON(v, true, true).json)) };
  } catch (e) {
    const err = asNixError(e);
    if (!err) throw e;
    return { ok: false, out: renderError(err, { showTrace: true }) };
  }
}

const ev = (modules: string, attr = 'config', extra = '') => `(lib.evalModules { ${extra} modules = [ ${modules} ]; }).${attr}`;
const enable = `{ options.enable = lib.mkOption { type = lib.types.bool; default = false; }; }`;

interface ErrorCase {
  expr: string;
  match: RegExp;
  /** Whether the infinite-recursion hint must (true) or must not (false) appear. */
  hint?: boolean;
}

const HINT = /if you get an infinite recursion here/i;

const errorCases: ErrorCase[] = [
  // _class
  { expr: ev(`@D@/nixos.nix @D@/darwin.nix`, 'config', 'class = "nixos";'), match: /The module `.*\/darwin\.nix` \(class: "darwin"\) cannot be imported into a module evaluation that expects class "nixos"\./ },
  { expr: ev(`{ _file = "x.nix#m"; _class = "darwin"; config = { }; }`, 'config', 'class = "nixos";'), match: /The module `x\.nix#m` .*expects class "nixos"/ },
  // disabledModules
  { expr: ev(`@D@/enable.nix { disabledModules = [ { } ]; }`), match: /contains a disabledModules item that is an attribute set, presumably a module, that does not have a `key` attribute/ },
  { expr: ev(`@D@/enable.nix { disabledModules = [ (x: x) ]; }`), match: /Each disabledModules item must be a path, string, or a attribute set with a key attribute, or a value supported by toString\. .* is of type lambda\./ },
  // unknown options: typo suggestions
  { expr: ev(`${enable} { enabel = true; }`), match: /The option `enabel' does not exist\. Definition values:\n\s*- In `<unknown-file>': true\n\s*Did you mean `enable'\?/ },
  { expr: ev(`{ options.a = lib.mkOption { }; options.b = lib.mkOption { }; options.xyz = lib.mkOption { }; } { c = 1; }`), match: /Did you mean `a', `b' or `xyz'\?/ },
  { expr: ev(`{ options.s.enable = lib.mkOption { }; } { s.enabl = 1; }`), match: /Did you mean `s\.enable'\?/ },
  // a function module must return an attribute set
  { expr: ev(`(args: true)`), match: /module <unknown-file> \(:anon-\d+\) does not look like a module\./ },
  // options placed in config
  { expr: ev(`{ wrong = lib.mkOption { }; }`), match: /It seems as if you're trying to declare an option by placing it into `config' rather than `options'!/ },
  {
    expr: ev(`{ options.sub = lib.mkOption { type = lib.types.submodule { wrong = lib.mkOption { }; }; default = { }; }; }`, 'config.sub'),
    match: /However there are no options defined in `sub'\. .*\n.*This can happen if you e\.g\. declared your options in `types\.submodule'/,
  },
  // declaration type errors
  { expr: ev(`{ options.result = lib.types.str; }`, 'config.result'), match: /expected an option declaration at option path `result` but got an attribute set with type option-type/ },
  {
    expr: ev(`{ options.group = lib.mkOption { }; } { options.group.enable = lib.mkOption { }; }`, 'config.group.enable'),
    match: /The option `group' in module `<unknown-file>' would be a parent of the following options, but its type `<no description>' does not support nested options\.\n\s*- option\(s\) with prefix `group\.enable' in module `<unknown-file>'/,
  },
  // showDefs: values as generators.toPretty, first 5 lines
  {
    expr: ev(`{ options.a = lib.mkOption { type = lib.types.int; }; } { a = { x = 1; y = [ 1 2 3 ]; }; }`, 'config.a'),
    match: /is not of type `signed integer'\. Definition values:\n\s*- In `<unknown-file>':\n\s*\{\n\s*x = 1;\n\s*y = \[\n\s*1\n\s*2\n\s*\.\.\./,
  },
  // error contexts
  { expr: ev(`@D@/abort-def.nix`, 'config.enable'), match: /while evaluating a definition from `.*abort-def\.nix'/ },
  { expr: ev(`@D@/abort-def.nix`, 'config.enable'), match: /while evaluating the error message for definitions for `enable', which is an option that does not exist/ },
  { expr: ev(`@D@/enable.nix @D@/custom-arg.nix`, 'config.enable'), match: /while evaluating the module argument `custom' in ".*custom-arg\.nix":/, hint: false },
  {
    expr: ev(`@D@/enable.nix { _module.args.custom = true; } @D@/import-custom.nix`, 'config.enable'),
    match: /while evaluating the module argument `custom' in ".*import-custom\.nix":/,
    hint: true,
  },
  { expr: ev(`@D@/enable.nix { _module.args.custom = true; } @D@/import-custom.nix`, 'config.enable'), match: /infinite recursion encountered/, hint: true },
];

const outputCases: [string, string][] = [
  // disabledModules items that are toString-able (an int key)
  [ev(`{ options.s = lib.mkOption { type = lib.types.submodule { imports = [ @D@/enable.nix { key = 123; config.enable = true; } ]; disabledModules = [ 123 ]; }; default = { }; }; }`, 'config.s.enable'), 'false'],
  // option declarations may depend on config
  [ev(`({ config, ... }: { options.t = lib.mkOption { type = lib.types.optionDeclaration; }; options.a = config.t; config.t = lib.mkOption { type = lib.types.int; }; config.a = 10; })`, 'config.a'), '10'],
  // option trees merged into a submodule option keep their declaration positions
  [`builtins.length ${ev(`{ options.s = lib.mkOption { type = lib.types.submodule { }; default = { }; }; } { options.s.x = lib.mkOption { default = 1; }; }`, 'options.s.declarationPositions')}`, '2'],
];

describe('module system core: errors', () => {
  for (const c of errorCases) {
    it(`${c.match} ← ${c.expr}`, () => {
      const got = ours(c.expr);
      expect(got.ok, got.out).toBe(false);
      expect(got.out).toMatch(c.match);
      if (c.hint !== undefined) expect(HINT.test(got.out)).toBe(c.hint);
      if (hasOracle) {
        const o = oracle(c.expr);
        expect(o.ok, o.out).toBe(false);
        expect(o.out).toMatch(c.match);
        if (c.hint !== undefined) expect(HINT.test(o.out)).toBe(c.hint);
      }
    });
  }
});

describe('module system core: outputs', () => {
  for (const [expr, want] of outputCases) {
    it(expr, () => {
      const got = ours(expr);
      expect(got.out).toBe(want);
      if (hasOracle) expect(oracle(expr).out).toBe(want);
    });
  }
});

describe('declaration positions', () => {
  it('name an expression given as text by the text itself, as unsafeGetAttrPos does', () => {
    const text = 'let lib = import <nixling/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { }; } ]; }).options.a.declarationPositions';
    const v = evalExpr(text, {});
    deepForce(v);
    expect(JSON.parse(printValueAsJSON(v, true, true).json)).toEqual([{ column: text.indexOf('options.a') + 1, file: text, line: 1 }]);
  });
});
