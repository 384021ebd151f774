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
  /** The value, for constants (called once, lazily). */
  value?: () => Value;
  /** Also bound without the `__` prefix at top level (map, toString, import, throw, …). */
  global?: boolean;
}
