/**
 * Evaluating NixOS-layer expressions in the test process: in EXPR, `system MODULE` is
 * `import <nixling/nixos> { configuration = MODULE; }`. Relative paths resolve against `dir`.
 */
import { expect } from 'vitest';
import { evalForTest } from './eval';

const prelude = 'let system = configuration: import <nixling/nixos> { inherit configuration; }; in ';

/** Store paths with their hash part written HASH, for comparing texts. */
export const hashes = (s: string): string => s.replace(/\/nix\/store\/[0-9a-df-np-sv-z]{32}-/g, '/nix/store/HASH-');

/** The value of EXPR as JSON, parsed. */
export function systemJSON(expr: string, dir: string): any {
  const r = evalForTest(prelude + expr, { json: true, dir });
  if (!r.ok) throw new Error(r.out);
  // The evaluator's strings are bytes (UTF-8 read as latin1).
  return JSON.parse(Buffer.from(r.out, 'latin1').toString('utf8'));
}

/** The rendered error of evaluating EXPR (as `nixling eval` prints it, traces included). */
export function systemError(expr: string, dir: string): string {
  const r = evalForTest(prelude + expr, { dir });
  expect(r.ok).toBe(false);
  return r.out;
}
