// The realiser as a library: plans, builds chains of real derivations into a temporary
// store (--store-dir semantics: logical == physical), scans references, verifies
// fixed outputs, runs builds in parallel, and handles native builders and locks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStore, resolveStoreConfig, setStoreConfig, Store } from '../../src/store';
import { evalExpr } from '../../src/eval/index';
import { forceStringValue } from '../../src/eval/runtime';
import { BuildError, logPathOf, parseTarget, Realiser } from '../../src/store/realise';
import { scanForReferences } from '../../src/store/references';
import { lockAll, tryLock } from '../../src/store/lock';
import { registerNativeBuilder } from '../../src/store/builtins-registry';
import { collectGarbage } from '../../src/store/gc';
import { removeTree } from '../../src/store/store';

let tmp: string;
let storeDir: string;
let store: Store;
const saved = resolveStoreConfig({}, {});

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-realise-'));
  storeDir = path.join(tmp, 'store');
  setStoreConfig(resolveStoreConfig({ storeDir, stateDir: path.join(tmp, 'state'), readOnly: false }, {}));
  store = getStore();
});
afterAll(() => {
  setStoreConfig(saved);
  removeTree(tmp);
});

/** Instantiates `derivation { … }` (attrs as Nix source) and returns its .drv path. */
function drv(attrs: string): string {
  const v = evalExpr(`(derivation ({ system = builtins.currentSystem; builder = "/bin/sh"; } // ${attrs})).drvPath`);
  return forceStringValue(v);
}

function outPath(d: string, o = 'out'): string {
  return new Realiser(store).outputPaths(d).get(o)!;
}

describe('building chains', () => {
  it('builds a derivation and its inputs, with references', async () => {
    const a = drv(`{ name = "a"; args = ["-c" "echo hi > $out"]; }`);
    const b = drv(`{ name = "b"; dep = (derivation { name = "a"; system = builtins.currentSystem; builder = "/bin/sh"; args = ["-c" "echo hi > $out"]; }); args = ["-c" "echo $dep > $out"]; }`);
    const r = new Realiser(store);
    const plan = r.plan([{ drvPath: b }]);
    expect(plan.toBuild).toEqual([a, b]);
    const [outs] = await r.realise([{ drvPath: b }]);
    const bOut = outs.get('out')!;
    expect(fs.readFileSync(bOut, 'utf8')).toBe(outPath(a) + '\n');
    expect(fs.readFileSync(outPath(a), 'utf8')).toBe('hi\n');
    expect(store.queryPathInfo(bOut)).toMatchObject({ references: [outPath(a)], deriver: b });
    expect(store.queryPathInfo(outPath(a))!.references).toEqual([]);
    expect([...store.computeFSClosure(bOut)].sort()).toEqual([outPath(a), bOut].sort());
    // Nothing is rebuilt the second time.
    expect(new Realiser(store).plan([{ drvPath: b }]).toBuild).toEqual([]);
    // Outputs are read-only with canonical times.
    const st = fs.statSync(bOut);
    expect(st.mode & 0o777).toBe(0o444);
    expect(st.mtimeMs).toBe(1000);
    expect(fs.readFileSync(logPathOf(store, b), 'utf8')).toBe('');
  });

  it('records self-references and references between outputs', async () => {
    const d = drv(`{ name = "multi"; outputs = ["out" "dev"]; args = ["-c" "/bin/mkdir $out $dev; echo $out > $out/self; echo $out > $dev/x"]; }`);
    await new Realiser(store).realise([parseTarget(d)]);
    expect(store.queryPathInfo(outPath(d))!.references).toEqual([outPath(d)]);
    expect(store.queryPathInfo(outPath(d, 'dev'))!.references).toEqual([outPath(d)]);
  });

  it('gives builders only the Nix build environment', async () => {
    process.env.NIXLING_LEAK_TEST = 'leaked';
    const d = drv(`{ name = "env"; foo = "bar"; args = ["-c" "export -p > $out; echo \\"cwd=$(pwd)\\" >> $out"]; }`);
    await new Realiser(store, { cores: 3 }).realise([parseTarget(d)]);
    delete process.env.NIXLING_LEAK_TEST;
    const env = fs.readFileSync(outPath(d), 'utf8');
    expect(env).not.toContain('leaked');
    expect(env).toContain(`PATH='/path-not-set'`);
    expect(env).toContain(`HOME='/homeless-shelter'`);
    expect(env).toContain(`NIX_STORE='${storeDir}'`);
    expect(env).toContain(`NIX_BUILD_CORES='3'`);
    expect(env).toContain(`foo='bar'`);
    expect(env).toContain(`out='${outPath(d)}'`);
    const top = /NIX_BUILD_TOP='([^']*)'/.exec(env)![1];
    expect(env).toContain(`TMPDIR='${top}'`);
    expect(env).toContain(`cwd=${top}`);
    expect(fs.existsSync(top)).toBe(false); // the build directory is removed
  });

  it('runs independent derivations in parallel up to -j', async () => {
    const mk = (i: number) => `(derivation { name = "p${i}"; system = builtins.currentSystem; builder = "/bin/sh"; args = ["-c" "/bin/sleep 0.5; echo ${i} > $out"]; })`;
    const top = drv(`{ name = "join"; a = ${mk(1)}; b = ${mk(2)}; c = ${mk(3)}; args = ["-c" "echo $a $b $c > $out"]; }`);
    const t0 = Date.now();
    await new Realiser(store, { jobs: 3 }).realise([{ drvPath: top }]);
    expect(Date.now() - t0).toBeLessThan(1400);
    expect(store.queryPathInfo(outPath(top))!.references).toHaveLength(3);
  });
});

describe('failures', () => {
  it('a failed build leaves nothing and reports the last log lines', async () => {
    const d = drv(`{ name = "fail"; args = ["-c" "echo partial > $out; i=0; while [ $i -lt 15 ]; do i=$((i+1)); echo line $i; done; exit 4"]; }`);
    const err = await new Realiser(store).realise([{ drvPath: d }]).catch((e) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toContain(`builder for '${d}' failed with exit code 4`);
    expect(err.logTail).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 6}`));
    expect(fs.existsSync(outPath(d))).toBe(false);
    expect(store.isValidPath(outPath(d))).toBe(false);
    expect(fs.readFileSync(logPathOf(store, d), 'utf8')).toContain('line 1\n');
  });

  it('a builder that produces no output fails', async () => {
    const d = drv(`{ name = "noout"; args = ["-c" "true"]; }`);
    await expect(new Realiser(store).realise([{ drvPath: d }])).rejects.toThrow(/failed to produce output path for output 'out'/);
  });

  it('checks fixed-output hashes', async () => {
    const good = createHash('sha256').update('hi\n').digest('hex');
    const d = drv(`{ name = "fixed"; outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "${good}"; args = ["-c" "echo hi > $out"]; }`);
    await new Realiser(store).realise([{ drvPath: d }]);
    expect(store.queryPathInfo(outPath(d))!.ca).toMatch(/^fixed:sha256:/);
    const bad = drv(`{ name = "fixed"; outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "${good}"; args = ["-c" "echo ho > $out"]; }`);
    if (outPath(bad) !== outPath(d)) throw new Error('fixed outputs should share a path');
    // Same output path, already valid: nothing to do.
    expect(new Realiser(store).plan([{ drvPath: bad }]).toBuild).toEqual([]);
    const bad2 = drv(`{ name = "fixed2"; outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "${good}"; args = ["-c" "echo ho > $out"]; }`);
    await expect(new Realiser(store).realise([{ drvPath: bad2 }])).rejects.toThrow(/wrong hash/);
    expect(fs.existsSync(outPath(bad2))).toBe(false);
  });

  it('native builders: registered ones run, fetchurl and unknown ones are clear errors', async () => {
    registerNativeBuilder('test-write', (ctx) => {
      fs.writeFileSync(ctx.outputs.get('out')!, ctx.env.text);
    });
    const ok = drv(`{ name = "native"; builder = "builtin:test-write"; text = "native!"; }`);
    await new Realiser(store).realise([{ drvPath: ok }]);
    expect(fs.readFileSync(outPath(ok), 'utf8')).toBe('native!');
    const f = drv(`{ name = "fetch"; builder = "builtin:fetchurl"; url = "http://example.org/x"; }`);
    await expect(new Realiser(store).realise([{ drvPath: f }])).rejects.toThrow(/no network access/);
    const u = drv(`{ name = "unknown"; builder = "builtin:nope"; }`);
    await expect(new Realiser(store).realise([{ drvPath: u }])).rejects.toThrow(/unknown native builder 'builtin:nope'/);
  });

  it('refuses derivations that are not in the store', () => {
    expect(() => new Realiser(store).plan([{ drvPath: storeDir + '/00000000000000000000000000000000-x.drv' }])).toThrow(/is not in the store/);
  });
});

describe('references and locks', () => {
  it('scans file contents, symlink targets and names for hash parts', () => {
    const dir = path.join(tmp, 'scan');
    fs.mkdirSync(dir);
    const p1 = `${storeDir}/${'a'.repeat(32)}-one`;
    const p2 = `${storeDir}/${'b'.repeat(32)}-two`;
    const p3 = `${storeDir}/${'c'.repeat(32)}-three`;
    fs.writeFileSync(path.join(dir, 'f'), `xx${'a'.repeat(32)}yy`);
    fs.symlinkSync(p2 + '/bin', path.join(dir, 'l'));
    expect(scanForReferences(dir, [p1, p2, p3])).toEqual([p1, p2]);
  });

  it('takes over stale locks and waits for live ones', async () => {
    const f = path.join(tmp, 'x.lock');
    fs.writeFileSync(f, '999999999\n'); // no such process
    expect(tryLock(f)).toBe(true);
    expect(fs.readFileSync(f, 'utf8')).toBe(`${process.pid}\n`);
    expect(tryLock(f)).toBe(false);
    let got = false;
    const p = lockAll([f]).then((l) => {
      got = true;
      l.release();
    });
    await new Promise((r) => setTimeout(r, 120));
    expect(got).toBe(false);
    fs.rmSync(f);
    await p;
    expect(got).toBe(true);
  });
});

describe('gc', () => {
  it('deletes what no root reaches', async () => {
    const d = drv(`{ name = "garbage"; args = ["-c" "echo g > $out"]; }`);
    await new Realiser(store).realise([{ drvPath: d }]);
    const out = outPath(d);
    const res = collectGarbage(store);
    expect(res.deleted).toContain(out);
    expect(fs.existsSync(out)).toBe(false);
    expect(store.queryPathInfo(out)).toBeUndefined();
  });
});
