/**
 * Evaluating a system configuration: `import <nixling/nixos> { configuration = FILE; }`,
 * the value every system command starts from (build -c, option, options, repl, switch,
 * diff). Returns the evaluator's lazy values; nothing is forced beyond what callers ask.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NixError } from '../eval/errors';
import { evalExpr } from '../eval/index';
import { forceAttrs } from '../eval/runtime';
import type { Attrs } from '../eval/value';

/** The configuration file a command uses: -c FILE, or ./configuration.nix. */
export function resolveConfigFile(file: string | undefined, cwd = process.cwd()): string {
  const abs = path.resolve(cwd, file ?? 'configuration.nix');
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new NixError('io', `configuration file '${abs}' does not exist` + (file === undefined ? ' (give one with -c FILE)' : ''));
  }
  if (!st.isDirectory()) return abs;
  const conf = path.join(abs, 'configuration.nix');
  return fs.existsSync(conf) ? conf : path.join(abs, 'default.nix');
}

/** A Nix expression (source text) for a path value naming `abs`. */
export function nixPathExpr(abs: string): string {
  const bytes = Buffer.from(abs, 'utf8').toString('latin1');
  return '(/. + "' + bytes.replace(/[\\"$]/g, (c) => '\\' + c) + '")';
}

/** The Nix source evaluating the system of a configuration file. */
export function systemExprText(configFile: string): string {
  return `import <nixling/nixos> { configuration = ${nixPathExpr(configFile)}; }`;
}

export interface SystemEval {
  configFile: string;
  /** { config, options, pkgs, system, eval } */
  root: Attrs;
  config: Attrs;
  options: Attrs;
}

export function evalSystem(configFile: string): SystemEval {
  const root = forceAttrs(evalExpr(systemExprText(configFile), { dir: path.dirname(configFile) }));
  return {
    configFile,
    root,
    config: forceAttrs(root.get('config')!),
    options: forceAttrs(root.get('options')!),
  };
}
