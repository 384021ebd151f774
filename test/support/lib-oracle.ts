/**
 * The lib oracle of the module tests: an expression with `lib` in scope, evaluated by
 * nix-instantiate with nixpkgs' lib (env NIXPKGS_LIB, default /work/suites/nixpkgs.lib) and
 * by nixling with <nixling/lib>, each giving its JSON (normalised) or its error text.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evalForTest } from './eval';

export interface Outcome {
  ok: boolean;
  out: string;
}

export const nixpkgsLib = path.join(process.env.NIXPKGS_LIB ?? '/work/suites/nixpkgs.lib', 'lib');
export const hasOracle =
  fs.existsSync(path.join(nixpkgsLib, 'default.nix')) && spawnSync('nix-instantiate', ['--version']).status === 0;

/** nix-instantiate without a store daemon or the user's NIX_PATH. */
export const nixEnv = {
  ...process.env,
  NIX_STORE_DIR: '/nix/store',
  NIX_STATE_DIR: '/tmp/nixling-oracle-state',
  NIX_LOG_DIR: '/tmp/nixling-oracle-log',
  NIX_CONF_DIR: '/tmp/nixling-oracle-conf',
  NIX_PATH: '',
};

/** `expr` with nixpkgs' lib on nix-instantiate. */
export function libOracle(expr: string, opts: { showTrace?: boolean } = {}): Outcome {
  const flags = ['--eval', '--strict', '--json', ...(opts.showTrace ? ['--show-trace'] : [])];
  const r = spawnSync('nix-instantiate', [...flags, '-E', `let lib = import ${nixpkgsLib}; in ${expr}`], {
    encoding: 'utf8',
    env: nixEnv,
  });
  if (r.status !== 0) return { ok: false, out: r.stderr };
  return { ok: true, out: JSON.stringify(JSON.parse(r.stdout)) };
}

/** `expr` with <nixling/lib> in nixling. */
export function libOurs(expr: string): Outcome {
  const r = evalForTest(`let lib = import <nixling/lib>; in ${expr}`, { json: true });
  if (!r.ok) return r;
  return { ok: true, out: JSON.stringify(JSON.parse(r.out)) };
}
