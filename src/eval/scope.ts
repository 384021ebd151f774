/**
 * Static scopes: the compiler resolves every variable once, after parsing, to either
 *  - a slot in an enclosing frame (`level` frames up, slot `index`): `let`, `rec`, lambdas;
 *  - a global (the builtins' top-level names), a constant; or
 *  - a dynamic lookup through the enclosing `with` frames, innermost first, used only when
 *    no lexical binding exists (lexical bindings, including globals, beat `with`, as in Nix).
 * A name found nowhere, with no `with` around it, is an "undefined variable" error at
 * compile time, as Nix reports it before evaluation.
 */
import type { Value } from './value';

export class Scope {
  /** Slots whose value some code takes without forcing it (see noteLazyRead). */
  lazyReads: Set<number> | undefined = undefined;

  constructor(
    readonly up: Scope | null,
    /** Slot of each name bound by this frame (empty for a `with` frame). */
    readonly names: Map<string, number>,
    readonly isWith: boolean = false,
  ) {}

  static frame(up: Scope | null, names: string[]): Scope {
    const m = new Map<string, number>();
    names.forEach((n, i) => m.set(n, i));
    return new Scope(up, m);
  }
}

export type Resolution =
  | { kind: 'slot'; level: number; index: number }
  | { kind: 'global'; value: Value }
  | { kind: 'with'; withLevels: number[] }
  | { kind: 'undefined' };

export function resolve(scope: Scope | null, name: string, globals: Map<string, Value>): Resolution {
  let level = 0;
  const withLevels: number[] = [];
  for (let s = scope; s; s = s.up, level++) {
    if (s.isWith) withLevels.push(level);
    else {
      const i = s.names.get(name);
      if (i !== undefined) return { kind: 'slot', level, index: i };
    }
  }
  const g = globals.get(name);
  if (g !== undefined) return { kind: 'global', value: g };
  if (withLevels.length > 0) return { kind: 'with', withLevels };
  return { kind: 'undefined' };
}

/**
 * Records that the slot `r` resolved to (from `scope`) is read without forcing: its value
 * escapes as it is, into a set, a list, an argument or another binding. A `let` binding to a
 * lambda read only by forcing it needs no thunk (compile.ts compileLet).
 */
export function noteLazyRead(scope: Scope | null, level: number, index: number): void {
  let s = scope;
  for (let l = 0; l < level && s; l++) s = s.up;
  if (s) (s.lazyReads ??= new Set()).add(index);
}
