/**
 * Numeric builtins: add, sub, mul, div, bitAnd, bitOr, bitXor, lessThan, ceil, floor.
 *
 * Integers are 64-bit as in Nix: JS numbers while safe, bigints beyond, and any result
 * outside int64 is an error ("integer overflow in adding …"), as current Nix reports.
 * A float on either side makes the result a float.
 *
 * `add`, `sub`, `mul` and `div` are also exported as plain functions on forced values for
 * the compiler's `+ - * /` on numbers (string and path `+` are the compiler's business).
 */
import type { Builtin } from './registry';
import { NixError, Pos } from '../eval/errors';
import { force, Lazy, NixFloat, Value, INT_MIN, INT_MAX } from '../eval/value';
import { lessThan as compareLess, typeError } from '../eval/runtime';
import { formatFloat } from '../eval/print';

const MAX_SAFE_BIG = 9007199254740991n;
const MIN_SAFE_BIG = -9007199254740991n;

/** A checked int64 result of a bigint computation, or undefined on overflow. */
function bigResult(r: bigint): number | bigint | undefined {
  if (r < INT_MIN || r > INT_MAX) return undefined;
  if (r >= MIN_SAFE_BIG && r <= MAX_SAFE_BIG) return Number(r);
  return r;
}

function overflow(op: string, sym: string, a: number | bigint, b: number | bigint, pos?: Pos): NixError {
  return new NixError('overflow', `integer overflow in ${op} ${a} ${sym} ${b}`, pos);
}

function isNum(x: Value): x is number | bigint {
  return typeof x === 'number' || typeof x === 'bigint';
}

/** forceFloat on a forced value: ints are converted, anything else is a type error. */
function toFloat(x: Value, pos: Pos | undefined, ctx: string): number {
  if (x instanceof NixFloat) return x.value;
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  throw typeError('a float', x, pos).addTrace(ctx, pos);
}

function toInt(x: Value, pos: Pos | undefined, ctx: string): number | bigint {
  if (typeof x === 'number' || typeof x === 'bigint') return x;
  throw typeError('an integer', x, pos).addTrace(ctx, pos);
}

// ---------------------------------------------------------------------------------------
// + - * /

export function add(a: Value, b: Value, pos?: Pos): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (r <= 9007199254740991 && r >= -9007199254740991) return r;
    return addInts(a, b, pos);
  }
  return addSlow(a, b, pos);
}
function addSlow(a: Value, b: Value, pos?: Pos): Value {
  if (a instanceof NixFloat || b instanceof NixFloat) {
    return new NixFloat(
      toFloat(a, pos, 'while evaluating the first argument of the addition') +
        toFloat(b, pos, 'while evaluating the second argument of the addition'),
    );
  }
  const x = toInt(a, pos, 'while evaluating the first argument of the addition');
  const y = toInt(b, pos, 'while evaluating the second argument of the addition');
  return addInts(x, y, pos);
}
function addInts(x: number | bigint, y: number | bigint, pos?: Pos): Value {
  const r = bigResult(BigInt(x) + BigInt(y));
  if (r === undefined) throw overflow('adding', '+', x, y, pos);
  return r;
}

export function sub(a: Value, b: Value, pos?: Pos): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (r <= 9007199254740991 && r >= -9007199254740991) return r;
    return subInts(a, b, pos);
  }
  return subSlow(a, b, pos);
}
function subSlow(a: Value, b: Value, pos?: Pos): Value {
  if (a instanceof NixFloat || b instanceof NixFloat) {
    return new NixFloat(
      toFloat(a, pos, 'while evaluating the first argument of the subtraction') -
        toFloat(b, pos, 'while evaluating the second argument of the subtraction'),
    );
  }
  const x = toInt(a, pos, 'while evaluating the first argument of the subtraction');
  const y = toInt(b, pos, 'while evaluating the second argument of the subtraction');
  return subInts(x, y, pos);
}
function subInts(x: number | bigint, y: number | bigint, pos?: Pos): Value {
  const r = bigResult(BigInt(x) - BigInt(y));
  if (r === undefined) throw overflow('subtracting', '-', x, y, pos);
  return r;
}

export function mul(a: Value, b: Value, pos?: Pos): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    // If the exact product is safe, the double product is exact; if it is not, the rounded
    // product is not safe either.
    const r = a * b;
    if (r <= 9007199254740991 && r >= -9007199254740991) return r === 0 ? 0 : r; // no -0
    return mulInts(a, b, pos);
  }
  return mulSlow(a, b, pos);
}
function mulSlow(a: Value, b: Value, pos?: Pos): Value {
  if (a instanceof NixFloat || b instanceof NixFloat) {
    return new NixFloat(
      toFloat(a, pos, 'while evaluating the first of the multiplication') *
        toFloat(b, pos, 'while evaluating the second argument of the multiplication'),
    );
  }
  const x = toInt(a, pos, 'while evaluating the first argument of the multiplication');
  const y = toInt(b, pos, 'while evaluating the second argument of the multiplication');
  return mulInts(x, y, pos);
}
function mulInts(x: number | bigint, y: number | bigint, pos?: Pos): Value {
  const r = bigResult(BigInt(x) * BigInt(y));
  if (r === undefined) throw overflow('multiplying', '*', x, y, pos);
  return r;
}

export function div(a: Value, b: Value, pos?: Pos): Value {
  if (typeof a === 'number' && typeof b === 'number' && b !== 0) {
    // a - a % b is exact and a multiple of b, so the division is exact: truncation toward 0.
    const r = (a - (a % b)) / b;
    return r === 0 ? 0 : r; // no -0
  }
  return divSlow(a, b, pos);
}
function divSlow(a: Value, b: Value, pos?: Pos): Value {
  // Nix checks the divisor (as a float) before looking at the dividend.
  const f2 = toFloat(b, pos, 'while evaluating the second operand of the division');
  if (f2 === 0) throw new NixError('division-by-zero', 'division by zero', pos);
  if (a instanceof NixFloat || b instanceof NixFloat) {
    return new NixFloat(toFloat(a, pos, 'while evaluating the first operand of the division') / f2);
  }
  const x = toInt(a, pos, 'while evaluating the first operand of the division');
  const y = toInt(b, pos, 'while evaluating the second operand of the division');
  if (typeof x === 'number' && typeof y === 'number') return div(x, y, pos);
  // BigInt division truncates toward zero, as C++ does.
  const r = bigResult(BigInt(x) / BigInt(y));
  if (r === undefined) throw overflow('dividing', '/', x, y, pos);
  return r;
}

// ---------------------------------------------------------------------------------------
// Bitwise operations

function bitOp(
  name: string,
  a: Lazy,
  b: Lazy,
  pos: Pos | undefined,
  small: (x: number, y: number) => number,
  big: (x: bigint, y: bigint) => bigint,
): Value {
  const x = toInt(force(a), pos, `while evaluating the first argument passed to builtins.${name}`);
  const y = toInt(force(b), pos, `while evaluating the second argument passed to builtins.${name}`);
  if (typeof x === 'number' && typeof y === 'number' && (x | 0) === x && (y | 0) === y) return small(x, y);
  // Bigints behave as infinite two's complement, so int64 inputs give an int64 result.
  return bigResult(big(BigInt(x), BigInt(y)))!;
}

// ---------------------------------------------------------------------------------------
// ceil / floor

function rounding(name: 'ceil' | 'floor', arg: Lazy, pos: Pos | undefined): Value {
  const v = force(arg);
  const isInt = isNum(v);
  const f = toFloat(v, pos, `while evaluating the first argument passed to builtins.${name}`);
  const r = name === 'ceil' ? Math.ceil(f) : Math.floor(f);
  let res: number | bigint;
  // -2^63 <= r < 2^63 (both bounds exact as doubles); false for NaN.
  if (r >= -9223372036854775808 && r < 9223372036854775808) {
    res = Number.isSafeInteger(r) ? (r === 0 ? 0 : r) : BigInt(r);
  } else if (isInt) {
    throw new NixError(
      'eval',
      `Due to a bug (see https://github.com/NixOS/nix/issues/12899) the NixInt argument ${v} caused undefined behavior in previous Nix versions.\n\tFuture Nix versions might implement the correct behavior.`,
      pos,
    );
  } else {
    throw new NixError('eval', `NixFloat argument ${formatFloat(f)} is not in the range of NixInt`, pos);
  }
  if (isInt && BigInt(v as number | bigint) !== BigInt(res)) {
    throw new NixError(
      'eval',
      `Due to a bug (see https://github.com/NixOS/nix/issues/12899) a loss of precision occurred in previous Nix versions because the NixInt argument ${v} was rounded to ${res}.\n\tFuture Nix versions might implement the correct behavior.`,
      pos,
    );
  }
  return res;
}

// ---------------------------------------------------------------------------------------

/** The implementation of `builtins.lessThan` (sort recognises it to skip callFunction). */
export function lessThanFn(args: Lazy[], pos: Pos | undefined): Value {
  return compareLess(args[0], args[1], pos);
}

export const builtins: Builtin[] = [
  { name: 'add', arity: 2, fn: (args, pos) => add(force(args[0]), force(args[1]), pos) },
  { name: 'sub', arity: 2, fn: (args, pos) => sub(force(args[0]), force(args[1]), pos) },
  { name: 'mul', arity: 2, fn: (args, pos) => mul(force(args[0]), force(args[1]), pos) },
  { name: 'div', arity: 2, fn: (args, pos) => div(force(args[0]), force(args[1]), pos) },
  {
    name: 'bitAnd',
    arity: 2,
    fn: (args, pos) =>
      bitOp('bitAnd', args[0], args[1], pos, (x, y) => x & y, (x, y) => x & y),
  },
  {
    name: 'bitOr',
    arity: 2,
    fn: (args, pos) =>
      bitOp('bitOr', args[0], args[1], pos, (x, y) => x | y, (x, y) => x | y),
  },
  {
    name: 'bitXor',
    arity: 2,
    fn: (args, pos) =>
      bitOp('bitXor', args[0], args[1], pos, (x, y) => x ^ y, (x, y) => x ^ y),
  },
  { name: 'lessThan', arity: 2, fn: lessThanFn },
  { name: 'ceil', arity: 1, fn: (args, pos) => rounding('ceil', args[0], pos) },
  { name: 'floor', arity: 1, fn: (args, pos) => rounding('floor', args[0], pos) },
];
