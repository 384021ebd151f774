/**
 * Loading Nix files and finding them: import, scopedImport, findFile (`<p>` desugars to
 * `__findFile __nixPath "p"`), nixPath, and the built-in search-path entries `<nix/…>`
 * and `<nixling/…>`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NixError, Pos } from '../eval/errors';
import { importFile, scopedImportFile } from '../eval/index';
import { COERCE_NO_COPY, coerceToPath, coerceToString, forceAttrs, forceList, forceStringNoCtx } from '../eval/runtime';
import { evalState, isUri, SearchPathEntry } from '../eval/state';
import { Attrs, Lazy, NixPath, Value } from '../eval/value';
import type { Builtin } from './registry';
import { distDir } from '../dist-dir';

/** Where nixling's own Nix files live (lib, modules, nix/fetchurl.nix): the package root. */
export function nixlingDataDir(): string {
  // dist/nixling.js and src/builtins/import.ts are both two levels below the package root.
  const dir = distDir();
  const candidates = [path.resolve(dir, '..'), path.resolve(dir, '..', '..')];
  for (const c of candidates) if (fs.existsSync(path.join(c, 'package.json'))) return c;
  return candidates[0];
}

/** Entries always present after the user's: `nix=…` (corepkgs) and `nixling=…`. */
function builtinEntries(): { prefix: string; path: string }[] {
  const root = nixlingDataDir();
  return [
    { prefix: 'nix', path: path.join(root, 'corepkgs') },
    { prefix: 'nixling', path: path.join(root, 'modules') },
  ];
}

/**
 * Nix's resolveSearchPathElem: an entry's directory made absolute (against the current
 * directory), or undefined when it does not exist (warned about once, as Nix does) or is a
 * URI (nixling downloads nothing).
 */
const resolvedEntries = new Map<string, string | undefined>();
function resolveEntry(dir: string): string | undefined {
  if (resolvedEntries.has(dir)) return resolvedEntries.get(dir);
  let res: string | undefined;
  if (!isUri(dir)) {
    res = path.resolve(dir);
    if (!fs.existsSync(res)) {
      evalState.stderr(`warning: Nix search path entry '${dir}' does not exist, ignoring\n`);
      res = undefined;
    }
  }
  resolvedEntries.set(dir, res);
  return res;
}

export function findFile(entries: { prefix: string; path: string }[], p: string): string | undefined {
  for (const { prefix, path: dir } of entries) {
    let rest: string;
    if (prefix === '') rest = p;
    else if (p === prefix) rest = '';
    else if (p.startsWith(prefix + '/')) rest = p.slice(prefix.length + 1);
    else continue;
    const base = resolveEntry(dir);
    if (base === undefined) continue;
    const full = rest === '' ? base : path.join(base, rest);
    if (fs.existsSync(full)) return path.resolve(full);
  }
  return undefined;
}

/** Looks `name` up in `entries` (by default -I and NIX_PATH's) and then nixling's own. */
export function findInSearchPath(name: string, entries: SearchPathEntry[] = evalState.searchPath, pos?: Pos): string {
  const found = findFile([...entries, ...builtinEntries()], name);
  if (found === undefined) {
    // Nix throws this as a catchable error (tryEval <missing> is false).
    throw new NixError('throw', `file '${name}' was not found in the Nix search path (add it using $NIX_PATH or -I)`, pos);
  }
  return found;
}

function nixPathValue(): Value {
  const list: Lazy[] = [];
  for (const e of evalState.searchPath) {
    list.push(new Attrs(new Map<string, Lazy>([['path', e.path], ['prefix', e.prefix]])));
  }
  return list;
}

export const builtins: Builtin[] = [
  {
    name: 'import',
    arity: 1,
    global: true,
    fn: ([p], pos) => importFile(coerceToPath(p, pos)),
  },
  {
    name: 'scopedImport',
    arity: 2,
    global: true,
    fn: ([scope, p], pos) => {
      const attrs = forceAttrs(scope, pos);
      const names = attrs.keys();
      return scopedImportFile(names, names.map((n) => attrs.get(n)!), coerceToPath(p, pos));
    },
  },
  { name: 'nixPath', arity: 0, value: nixPathValue },
  {
    name: 'findFile',
    arity: 2,
    fn: ([sp, p], pos) => {
      const entries: SearchPathEntry[] = [];
      for (const e of forceList(sp, pos)) {
        const a = forceAttrs(e, pos);
        const pre = a.get('prefix');
        const prefix = pre === undefined ? '' : forceStringNoCtx(pre, pos);
        const pv = a.get('path');
        if (pv === undefined) throw new NixError('missing-attribute', "attribute 'path' missing", pos);
        // Nix takes the directory as a string (a relative one is resolved against the current
        // directory, as in NIX_PATH).
        const dir = coerceToString(pv, COERCE_NO_COPY, pos);
        entries.push({ prefix, path: typeof dir === 'string' ? dir : dir.s });
      }
      return new NixPath(findInSearchPath(forceStringNoCtx(p, pos), entries, pos));
    },
  },
];
