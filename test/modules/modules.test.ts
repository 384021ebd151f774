/**
 * The native module system against nixpkgs' lib/modules.nix. Every case in ./cases.ts is
 * evaluated with nixling (`import <nixling/lib>`) and compared with the output recorded in
 * modules.expected.json; when nix-instantiate and nixpkgs.lib (env NIXPKGS_LIB, default
 * /work/suites/nixpkgs.lib) are available, the same expression is also evaluated there
 * with nixpkgs' lib and must agree. RECORD_MODULES_EXPECTED=1 rewrites the recording from
 * the oracle.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasOracle, libOracle, libOurs } from '../support/lib-oracle';
import { errorCases, outputCases } from './cases';

const fixtures = path.join(__dirname, 'fixtures');
const expectedFile = path.join(__dirname, 'modules.expected.json');
const recording = process.env.RECORD_MODULES_EXPECTED === '1';

const subst = (expr: string) => expr.replaceAll('@FIXTURES@', fixtures);

const oracle = (expr: string) => libOracle(subst(expr));
const ours = (expr: string) => libOurs(subst(expr));

type Recorded = { outputs: Record<string, string> };
const recorded: Recorded = fs.existsSync(expectedFile) ? JSON.parse(fs.readFileSync(expectedFile, 'utf8')) : { outputs: {} };

if (recording && hasOracle) {
  const outputs: Record<string, string> = {};
  for (const c of outputCases) {
    const r = oracle(c);
    if (!r.ok) throw new Error(`oracle failed on ${c}:\n${r.out}`);
    outputs[c] = r.out;
  }
  fs.writeFileSync(expectedFile, JSON.stringify({ outputs }, null, 2) + '\n');
  recorded.outputs = outputs;
}

describe('module system: outputs', () => {
  for (const c of outputCases) {
    it(c, () => {
      const want = recorded.outputs[c];
      expect(want, 'no recorded expectation (run with RECORD_MODULES_EXPECTED=1)').toBeDefined();
      const got = ours(c);
      expect(got.ok ? got.out : got.out).toBe(want);
      if (hasOracle && !recording) expect(oracle(c).out).toBe(want);
    });
  }
});

describe('module system: errors', () => {
  for (const c of errorCases) {
    it(`${c.match} ← ${c.expr}`, () => {
      const got = ours(c.expr);
      expect(got.ok, got.out).toBe(false);
      expect(got.out).toContain(c.match);
      if (hasOracle) {
        const r = oracle(c.expr);
        expect(r.ok).toBe(false);
        expect(r.out).toContain(c.match);
      }
    });
  }
});
