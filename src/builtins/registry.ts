/**
 * How builtins are declared. Each family file (attrs.ts, lists.ts, strings.ts, …) exports
 * `builtins: Builtin[]`; `index.ts` assembles them into the `builtins` set and the global
 * scope. A builtin receives its arguments unforced, so it decides what to force (laziness is
 * part of each builtin's contract: `replaceStrings` forces a replacement only when used).
 */
import type { Pos } from '../eval/errors';
import type { Lazy, Value } from '../eval/value';

export interface Builtin {
  /** Name in the `builtins` set (also reachable as `__name` at top level). */
  name: string;
  /** Number of arguments; 0 for a constant. */
  arity: number;
  /** The implementation, for functions. `pos` is the call site when known. */
  fn?: (args: Lazy[], pos: Pos | undefined) => Value;
  /** For one-argument builtins: the implementation taking the argument itself (no array). */
  fn1?: (arg: Lazy, pos: Pos | undefined) => Value;
  /** `fn1` forces its argument to weak head normal form before anything else (so calls
   *  may evaluate the argument instead of making a thunk for it). */
  strict?: boolean;
  /** The value, for constants (called once, lazily). */
  value?: () => Value;
  /** Also bound without the `__` prefix at top level (map, toString, import, throw, …). */
  global?: boolean;
}

/**
 * A one-argument builtin that forces its argument before anything else: `fn1` is its
 * implementation, `fn` the same through an argument array.
 */
export function strict1(
  name: string,
  fn1: (arg: Lazy, pos: Pos | undefined) => Value,
  global = false,
): Builtin {
  return { name, arity: 1, fn: (args, pos) => fn1(args[0], pos), fn1, strict: true, global };
}
