import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDerivation, parseDerivation, unparseDerivation } from '../../src/store/derivation';
import { DerivationHasher, derivationPath } from '../../src/store/derivation-hash';
import { hashString } from '../../src/store/hash';
import { StoreDir } from '../../src/store/store-path';

const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;
const store = new StoreDir('/nix/store');

describe('ATerm', () => {
  it('escapes strings and sorts everything', () => {
    const d = emptyDerivation('x');
    d.outputs.set('out', { kind: 'inputAddressed', path: '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x' });
    d.outputs.set('dev', { kind: 'inputAddressed', path: '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-x-dev' });
    d.system = 'x86_64-linux';
    d.builder = '/bin/sh';
    d.args = ['-c', 'echo "a\\b"\n\t\r'];
    d.env.set('z', '1');
    d.env.set('a', '2');
    const text = unparseDerivation(d);
    expect(text).toBe(
      'Derive([("dev","/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-x-dev","",""),' +
        '("out","/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x","","")],[],[],"x86_64-linux","/bin/sh",' +
        '["-c","echo \\"a\\\\b\\"\\n\\t\\r"],[("a","2"),("z","1")])',
    );
    expect(unparseDerivation(parseDerivation(text, 'x'))).toBe(text);
  });

  it('round-trips fixed outputs', () => {
    const d = emptyDerivation('f');
    const h = hashString('sha256', 'content');
    const p = store.makeFixedOutputPath('f', 'nar', h);
    d.outputs.set('out', { kind: 'caFixed', method: 'nar', hash: h, path: p });
    d.system = 's';
    d.builder = 'b';
    const text = unparseDerivation(d);
    expect(text).toContain(`("out","${p}","r:sha256","${h.base16}")`);
    const back = parseDerivation(text, 'f');
    expect(unparseDerivation(back)).toBe(text);
  });

  it('rejects garbage', () => {
    expect(() => parseDerivation('Derive([]', 'x')).toThrow(/error parsing derivation/);
  });
});

/** Derivations written by nix-instantiate into a scratch store, read back and re-hashed. */
describe.skipIf(!hasNix)('derivations written by Nix', () => {
  let root: string;
  const env = {
    ...process.env,
    NIX_STORE_DIR: '/nix/store',
    NIX_STATE_DIR: '/tmp/nixling-oracle-state',
    NIX_LOG_DIR: '/tmp/nixling-oracle-log',
    NIX_CONF_DIR: '/tmp/nixling-oracle-conf',
  };
  const exprs = [
    'derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo \\"q\\" > $out" ]; }',
    'derivation { name = "m"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" "lib" ]; tab = "\\t\\r\\n"; }',
    'let a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "bin" ]; }; ' +
      'f = derivation { name = "f"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; outputHashMode = "recursive"; }; ' +
      'in derivation { name = "b"; system = "x86_64-linux"; builder = "/bin/sh"; deps = [ a a.bin f (builtins.toFile "t" "x") ]; }',
    'derivation { name = "s"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; xs = [ 1 "two" { three = 3.5; } null true ]; }',
  ];
  const drvs: string[] = [];

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-drv-'));
    for (const e of exprs) {
      const r = spawnSync('nix-instantiate', ['--store', root, '-E', e], { env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      drvs.push(r.stdout.trim());
    }
  });
  afterAll(() => {
    spawnSync('chmod', ['-R', 'u+w', root]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('parses and re-serialises every .drv byte for byte', () => {
    for (const file of fs.readdirSync(root + '/nix/store').filter((f) => f.endsWith('.drv'))) {
      const text = fs.readFileSync(path.join(root, 'nix/store', file), 'latin1');
      const drv = parseDerivation(text, file.slice(33, -4));
      expect(unparseDerivation(drv)).toBe(text);
      expect(derivationPath(store, drv)).toBe('/nix/store/' + file);
    }
  });

  it('recomputes output paths by hashing modulo', () => {
    const read = (p: string) =>
      parseDerivation(fs.readFileSync(root + p, 'latin1'), path.basename(p).slice(33, -4));
    const hasher = new DerivationHasher(store, read);
    for (const p of drvs) {
      const drv = read(p);
      const copy = read(p);
      if ([...copy.outputs.values()].some((o) => o.kind !== 'inputAddressed')) continue;
      for (const id of copy.outputs.keys()) {
        copy.outputs.set(id, { kind: 'deferred' });
        copy.env.set(id, '');
      }
      hasher.fillInOutputPaths(copy);
      expect(unparseDerivation(copy)).toBe(unparseDerivation(drv));
    }
  });
});
