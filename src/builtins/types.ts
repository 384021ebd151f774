/**
 * Type predicates: isAttrs, isBool, isFloat, isFunction, isInt, isList, isNull, isPath,
 * isString, typeOf. Each forces its argument to weak head normal form only.
 */
import { Builtin, strict1 } from './registry';
import { Attrs, force, Lazy, NixFloat, NixPath, NixString, Value, isFunction, typeOf } from '../eval/value';

function pred(name: string, test: (v: Value) => boolean, global = false): Builtin {
  return strict1(name, (arg: Lazy) => test(force(arg)), global);
}

export const builtins: Builtin[] = [
  pred('isAttrs', (v) => v instanceof Attrs),
  pred('isBool', (v) => typeof v === 'boolean'),
  pred('isFloat', (v) => v instanceof NixFloat),
  // A set with __functor is callable but is a set, not a function (as in Nix).
  pred('isFunction', (v) => isFunction(v)),
  pred('isInt', (v) => typeof v === 'number' || typeof v === 'bigint'),
  pred('isList', (v) => Array.isArray(v)),
  pred('isNull', (v) => v === null, true),
  pred('isPath', (v) => v instanceof NixPath),
  pred('isString', (v) => typeof v === 'string' || v instanceof NixString),
  strict1('typeOf', (arg: Lazy) => typeOf(force(arg))),
];
