/**
 * Assembles the builtins of every family into the `builtins` set and the global scope:
 * each builtin `x` is `builtins.x` and `__x` at top level, and also `x` at top level when
 * it is one of the names Nix binds globally (map, toString, import, throw, …).
 */
import { evalState } from '../eval/state';
import { Attrs, Lazy, PrimOp, Thunk, Value } from '../eval/value';
import type { Builtin } from './registry';
import { builtins as control } from './control';
import { builtins as importing } from './import';
import { builtins as filesystem } from './fs';
import { builtins as meta } from './meta';
import { builtins as arith } from './arith';
import { builtins as attrs } from './attrs';
import { builtins as lists } from './lists';
import { builtins as types } from './types';
import { builtins as strings } from './strings';
import { builtins as versions } from './versions';
import { builtins as json } from './json';
import { builtins as toml } from './toml';
import { builtins as xml } from './xml';
import { builtins as flakeref } from './flakeref';
import { builtins as hash } from './hash';
import { builtins as context } from './context';
import { builtins as storePaths, installStoreHooks } from './store-paths';
import { builtins as derivations } from './derivations';
import { builtins as derivationWrapper } from './derivations-wrapper';
import { nixlingGlobal } from './modules';

const families: Builtin[][] = [
  control,
  importing,
  filesystem,
  meta,
  arith,
  attrs,
  lists,
  types,
  strings,
  versions,
  json,
  toml,
  xml,
  flakeref,
  hash,
  context,
  storePaths,
  derivations,
  derivationWrapper,
];

let installed = false;

/** Families written in other files register here before the first evaluation. */
export function addBuiltinFamily(list: Builtin[]): void {
  if (installed) throw new Error('addBuiltinFamily after installBuiltins');
  families.push(list);
}

/**
 * Undoes installBuiltins: the startup snapshot evaluates a warm-up program, then forgets the
 * builtins it installed, whose values (the clock, the environment, the store) belong to a run.
 */
export function uninstallBuiltins(): void {
  installed = false;
  evalState.globals.clear();
}

export function installBuiltins(): void {
  if (installed) return;
  installed = true;
  installStoreHooks();
  const g = evalState.globals;
  const set = new Map<string, Lazy>();
  for (const family of families) {
    for (const b of family) {
      let v: Lazy;
      if (b.arity === 0) {
        const make = b.value!;
        v = new Thunk(make, undefined);
      } else {
        v = new PrimOp(b.name, b.arity, b.fn!, b.fn1, b.strict === true);
      }
      set.set(b.name, v);
      g.set(b.global ? b.name : '__' + b.name, v instanceof Thunk ? v.force() : v);
    }
  }
  const builtinsSet = new Attrs(set);
  set.set('builtins', builtinsSet);
  const constants: [string, Value][] = [
    ['true', true],
    ['false', false],
    ['null', null],
    ['builtins', builtinsSet],
  ];
  g.set('__nixling', nixlingGlobal());
  for (const [k, v] of constants) {
    g.set(k, v);
    if (k !== 'builtins') set.set(k, v);
  }
}
