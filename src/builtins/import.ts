/**
 * Loading Nix files and finding them: import, scopedImport, findFile (`<p>` desugars to
 * `__findFile __nixPath "p"`), nixPath, and the built-in search-path entries `<nix/…>`
 * and `<nixling/…>`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NixError } from '../eval/errors';
import { importFile, scopedImportFile } from '../eval/index';
import { coerceToPath, forceAttrs, forceList, forceStringNoCtx } from '../eval/runtime';
import { evalState } from '../eval/state';
import { Attrs, force, Lazy, NixPath, Value } from '../eval/value';
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

export function findFile(entries: { prefix: string; path: string }[], p: string): string | undefined {
  for (const { prefix, path: dir } of entries) {
    let rest: string;
    if (prefix === '') rest = p;
    else if (p === prefix) rest = '';
    else if (p.startsWith(prefix + '/')) rest = p.slice(prefix.length + 1);
    else continue;
    const full = rest === '' ? dir : path.join(dir, rest);
    if (fs.existsSync(full)) return path.resolve(full);
  }
  return undefined;
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
      const entries: { prefix: string; path: string }[] = [];
      for (const e of forceList(sp, pos)) {
        const a = forceAttrs(e, pos);
        const pv = a.get('path');
        if (pv === undefined) throw new NixError('missing-attribute', "attribute 'path' missing", pos);
        const pre = a.get('prefix');
        entries.push({ prefix: pre === undefined ? '' : forceStringNoCtx(pre, pos), path: coerceToPath(force(pv), pos) });
      }
      const name = forceStringNoCtx(p, pos);
      const found = findFile([...entries, ...builtinEntries()], name);
      if (found === undefined) {
        // Nix throws this as a catchable error (tryEval <missing> is false).
        throw new NixError(
          'throw',
          `file '${name}' was not found in the Nix search path (add it using $NIX_PATH or -I)`,
          pos,
        );
      }
      return new NixPath(found);
    },
  },
];
