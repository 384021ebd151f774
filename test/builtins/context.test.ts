import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStoreConfig, setStoreConfig, storeConfig } from '../../src/store/config';
import { removeTree } from '../../src/store/store';
import { evalForTest, evalPrint } from '../support/eval';

const drv = 'derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; }';

describe('string context builtins', () => {
  it('getContext shows outputs, all outputs and plain paths', () => {
    expect(evalPrint(`let d = ${drv}; c = builtins.getContext "\${d}\${d.dev}\${d.drvPath}"; in builtins.attrValues c`)).toBe(
      '[ { allOutputs = true; outputs = [ "dev" "out" ]; } ]',
    );
  });
  it('appendContext round-trips getContext', () => {
    expect(
      evalPrint(`let d = ${drv}; s = "\${d.dev}"; in builtins.getContext (builtins.appendContext "" (builtins.getContext s)) == builtins.getContext s`),
    ).toBe('true');
  });
  it('unsafeDiscardOutputDependency turns a derivation into a plain path', () => {
    expect(evalPrint(`builtins.attrValues (builtins.getContext (builtins.unsafeDiscardOutputDependency (${drv}).drvPath))`)).toBe(
      '[ { path = true; } ]',
    );
  });
  it('addDrvOutputDependencies refuses outputs', () => {
    const r = evalForTest(`builtins.addDrvOutputDependencies "\${${drv}}"`);
    expect(r.out).toContain('can only act on derivations');
  });
  it('appendContext checks keys', () => {
    expect(evalForTest('builtins.appendContext "" { "/x" = { path = true; }; }').out).toContain(
      "context key '/x' is not a store path",
    );
  });
});

describe('readFile of a store path', () => {
  let dir: string;
  let saved: typeof storeConfig;
  beforeAll(() => {
    saved = storeConfig;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-readfile-'));
    setStoreConfig(resolveStoreConfig({ storeDir: path.join(dir, 'store'), stateDir: path.join(dir, 'state'), readOnly: false }, {}));
  });
  afterAll(() => {
    setStoreConfig(saved);
    removeTree(dir);
  });

  // As Nix: the context is the references of the store path read, not the argument's context.
  it('has the references of the path as context', () => {
    expect(
      evalPrint(
        'let f = builtins.toFile "f" "x"; g = builtins.toFile "g" "${f}"; in builtins.attrNames (builtins.getContext (builtins.readFile g)) == [ "${builtins.unsafeDiscardStringContext f}" ]',
      ),
    ).toBe('true');
    expect(evalPrint('builtins.getContext (builtins.readFile (builtins.toFile "f" "x"))')).toBe('{ }');
  });
});
