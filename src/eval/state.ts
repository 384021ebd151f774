/**
 * Evaluation settings and process-wide evaluator state: the global scope (builtins), the
 * search path, the import cache and the options given on the command line. One evaluator
 * per process, as with nix-instantiate.
 */
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
 * One search-path entry as `-I` gives it (`nixpkgs=/x` or `/x`): Nix splits it at the first
 * `=` only, and keeps the directory as written (`builtins.nixPath` shows it so; a relative
 * one is resolved against the current directory when looked up, by `findFile`).
 */
export function parseSearchPathEntry(s: string): SearchPathEntry {
  const eq = s.indexOf('=');
  return eq >= 0 ? { prefix: s.slice(0, eq), path: s.slice(eq + 1) } : { prefix: '', path: s };
}

/** Nix's isUri: search-path entries that name something to download. */
export function isUri(s: string): boolean {
  if (s.startsWith('channel:')) return true;
  const i = s.indexOf('://');
  return i >= 0 && ['http', 'https', 'file', 'channel', 'git', 's3', 'ssh'].includes(s.slice(0, i));
}

/**
 * Splits NIX_PATH as Nix's parseNixPath does: at `:`, except the one after a URI's scheme
 * (`nixpkgs=https://…`); an empty entry between two colons is kept (it stands for the
 * current directory), a trailing one is not.
 */
export function parseNixPath(s: string): SearchPathEntry[] {
  const out: string[] = [];
  let p = 0;
  while (p < s.length) {
    const start = p;
    let start2 = p;
    while (p < s.length && s[p] !== ':') {
      if (s[p] === '=') start2 = p + 1;
      p++;
    }
    if (p === s.length) {
      if (p !== start) out.push(s.slice(start, p));
      break;
    }
    if (isUri(s.slice(start2))) {
      p++;
      while (p < s.length && s[p] !== ':') p++;
    }
    out.push(s.slice(start, p));
    p++;
  }
  return out.map(parseSearchPathEntry);
}

/**
 * Records `--experimental-features LIST` (replacing) or `--extra-experimental-features LIST`
 * (adding), given as flags or through `--option`.
 */
export function setExperimentalFeatures(list: string, replace: boolean): void {
  if (replace) evalState.experimentalFeatures.clear();
  for (const f of list.split(/\s+/)) if (f !== '') evalState.experimentalFeatures.add(f);
}

/** Appends NIX_PATH's entries after the -I ones (call once, after the flags are read). */
export function addNixPathFromEnv(): void {
  const env = process.env.NIX_PATH;
  if (env) evalState.searchPath.push(...parseNixPath(env));
}

/**
 * Text for stderr: ANSI escapes (which nixpkgs' lib puts into messages) are kept only on a
 * terminal and without NO_COLOR, as Nix filters them.
 */
export function forTerminal(s: string, isTTY: boolean): string {
  if (isTTY && !process.env.NO_COLOR) return s;
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
