import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStoreConfig, setStoreConfig, storeConfig } from '../../src/store/config';
import { removeTree } from '../../src/store/store';
import { evalForTest, evalPrint } from '../support/eval';

const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;
const simple = 'derivation { name = "hello"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo hi > $out" ]; }';

describe('derivation', () => {
  it('computes Nix’s paths', () => {
    expect(evalPrint(`(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; }).drvPath`)).toBe(
      '"/nix/store/97qlv6h78lxlm9zc8849ahsbcklhsi2y-x.drv"',
    );
  });
  it('is lazy: derivationStrict runs only when a path is needed', () => {
    expect(evalPrint('(derivation { name = "x"; system = throw "no"; builder = "/bin/sh"; }).name')).toBe('"x"');
  });
  it('gives clear errors for missing attributes and bad names', () => {
    expect(evalForTest('(derivation { name = "x"; system = "s"; }).drvPath').out).toContain(
      "required attribute 'builder' missing",
    );
    expect(evalForTest('(derivation { name = "a b"; system = "s"; builder = "b"; }).drvPath').out).toContain(
      "invalid derivation name: name 'a b' contains illegal character ' '",
    );
    expect(evalForTest('(derivation { name = "x"; system = "s"; builder = "b"; outputs = [ "a" "a" ]; }).drvPath').out).toContain(
      "duplicate derivation output 'a'",
    );
  });
  it('reports a non-set argument at the call, not inside its own definition', () => {
    const out = evalForTest('let x = 1; in derivation x').out;
    expect(out).toContain('expected a set but found an integer: 1');
    expect(out).toContain(':1:15:');
    expect(out).not.toContain('derivation.nix');
  });
});

describe('writing to a store', () => {
  let root: string;
  let saved: typeof storeConfig;
  beforeAll(() => {
    saved = storeConfig;
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-drvstore-'));
    setStoreConfig(resolveStoreConfig({ root, readOnly: false }, {}));
  });
  afterAll(() => {
    setStoreConfig(saved);
    removeTree(root);
  });

  it('writes the .drv and its inputs', () => {
    const drvPath = JSON.parse(
      evalPrint(`(derivation { name = "w"; system = "x86_64-linux"; builder = "/bin/sh"; src = builtins.toFile "in" "x"; }).drvPath`),
    ) as string;
    const text = fs.readFileSync(root + drvPath, 'latin1');
    expect(text).toMatch(/^Derive\(\[\("out","\/nix\/store\/[0-9a-z]{32}-w","",""\)\]/);
    expect(fs.readdirSync(root + '/nix/store').filter((f) => f.endsWith('-in'))).toHaveLength(1);
  });

  it.skipIf(!hasNix)('writes the same .drv as nix-instantiate', () => {
    const nixRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-nixstore-'));
    try {
      const r = spawnSync('nix-instantiate', ['--store', nixRoot, '-E', simple], {
        encoding: 'utf8',
        env: { ...process.env, NIX_STORE_DIR: '/nix/store', NIX_STATE_DIR: '/tmp/nixling-oracle-state', NIX_CONF_DIR: '/tmp/nixling-oracle-conf' },
      });
      const nixDrv = r.stdout.trim();
      const mine = JSON.parse(evalPrint(`(${simple}).drvPath`)) as string;
      expect(mine).toBe(nixDrv);
      expect(fs.readFileSync(root + mine, 'latin1')).toBe(fs.readFileSync(nixRoot + nixDrv, 'latin1'));
    } finally {
      spawnSync('chmod', ['-R', 'u+w', nixRoot]);
      fs.rmSync(nixRoot, { recursive: true, force: true });
    }
  });
});
