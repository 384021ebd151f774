/**
 * Evaluation settings and process-wide evaluator state: the global scope (builtins), the
 * search path, the import cache and the options given on the command line. One evaluator
 * per process, as with nix-instantiate.
 */
import * as path from 'node:path';
import type { Value } from './value';

export type LintLevel = 'ignore' | 'warn' | 'fatal';

export interface SearchPathEntry {
  /** Prefix (`nixpkgs` in `nixpkgs=/path`), or '' for a plain directory entry. */
  prefix: string;
  path: string;
}

export const evalState = {
  /** Names bound at top level: `builtins`, `true`, `map`, `__add`, … (filled by builtins/index). */
  globals: new Map<string, Value>(),
  /** `-I` entries first, then NIX_PATH. */
  searchPath: [] as SearchPathEntry[],
  showTrace: false,
  abortOnWarn: false,
  /** Pure evaluation mode forbids getEnv and the like (not enabled by default). */
  pure: false,
  /** `--max-call-depth`: 0 means unlimited (bounded only by the native stack). */
  maxCallDepth: 0,
  /** The `--lint-*` settings: what to do with URL, absolute/home and short path literals. */
  lint: {
    urlLiterals: 'ignore' as LintLevel,
    absolutePathLiterals: 'ignore' as LintLevel,
    shortPathLiterals: 'ignore' as LintLevel,
  },
  /**
   * Experimental features enabled with `--extra-experimental-features` (or
   * `--experimental-features`); nixling knows `parse-toml-timestamps`.
   */
  experimentalFeatures: new Set<string>(),
  /** Where `trace`, warnings and the like go. */
  stderr: (s: string) => {
    process.stderr.write(Buffer.from(forTerminal(s, process.stderr.isTTY), 'latin1'));
  },
};

/**
 * Parses a NIX_PATH-style list (`a=/x:/y`); relative directories are taken relative to the
 * current directory, as Nix resolves them.
 */
export function parseSearchPath(s: string): SearchPathEntry[] {
  const out: SearchPathEntry[] = [];
  for (const part of s.split(':')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const entry = eq >= 0 ? { prefix: part.slice(0, eq), path: part.slice(eq + 1) } : { prefix: '', path: part };
    if (!/^[a-z]+:\/\//.test(entry.path)) entry.path = path.resolve(entry.path);
    out.push(entry);
  }
  return out;
}

/** Appends NIX_PATH's entries after the -I ones (call once, after the flags are read). */
export function addNixPathFromEnv(): void {
  const env = process.env.NIX_PATH;
  if (env) evalState.searchPath.push(...parseSearchPath(env));
}

/**
 * Text for stderr: ANSI escapes (which nixpkgs' lib puts into messages) are kept only on a
 * terminal and without NO_COLOR, as Nix filters them.
 */
export function forTerminal(s: string, isTTY: boolean): string {
  if (isTTY && !process.env.NO_COLOR) return s;
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
