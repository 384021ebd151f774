import { describe, expect, it } from 'vitest';
import { add, builtins, div, mul, sub } from '../../src/builtins/arith';
import { Lazy, NixFloat, Thunk, Value } from '../../src/eval/value';
import { NixError } from '../../src/eval/errors';
import { evalExpr } from '../../src/eval/index';
import { printAmbiguous } from '../../src/eval/print';
import { deepForce } from '../../src/eval/runtime';

const B: Record<string, (args: Lazy[]) => Value> = {};
for (const b of builtins) B[b.name] = (args) => b.fn!(args, undefined);
const MAX = 9223372036854775807n;
const MIN = -9223372036854775808n;
const err = (f: () => unknown): string => {
  try { f(); } catch (e) { return (e as Error).message; }
  return 'no error';
};
const kind = (f: () => unknown): string | undefined => {
  try { f(); } catch (e) { return (e as NixError).kind; }
  return undefined;
};
const fl = (x: number) => new NixFloat(x);

describe('add/sub/mul/div on small ints', () => {
  it('fast paths', () => {
    expect(add(1, 2)).toBe(3);
    expect(sub(1, 2)).toBe(-1);
    expect(mul(6, 7)).toBe(42);
    expect(div(7, 2)).toBe(3);
    expect(div(-7, 2)).toBe(-3);
    expect(div(7, -2)).toBe(-3);
    expect(Object.is(div(-1, 2), 0)).toBe(true);
    expect(Object.is(mul(0, -5), 0)).toBe(true);
  });
  it('crosses into bigints exactly', () => {
    expect(add(9007199254740991, 1)).toBe(9007199254740992n);
    expect(err(() => mul(4294967296, 4294967296))).toBe('integer overflow in multiplying 4294967296 * 4294967296');
    expect(mul(-4294967296, 2147483648)).toBe(MIN);
    expect(mul(3037000499, 3037000499)).toBe(9223372030926249001n);
    expect(sub(-9007199254740991, 2)).toBe(-9007199254740993n);
    expect(add(9007199254740992n, -1)).toBe(9007199254740991);
    expect(div(MAX, 2)).toBe(4611686018427387903n);
    expect(div(9007199254740993n, 9007199254740993n)).toBe(1);
  });
  it('int64 overflow is an error with Nix\'s message', () => {
    expect(err(() => add(MAX, 1))).toBe('integer overflow in adding 9223372036854775807 + 1');
    expect(err(() => sub(MIN, 1))).toBe('integer overflow in subtracting -9223372036854775808 - 1');
    expect(err(() => mul(MAX, 2))).toBe('integer overflow in multiplying 9223372036854775807 * 2');
    expect(err(() => div(MIN, -1))).toBe('integer overflow in dividing -9223372036854775808 / -1');
    expect(kind(() => add(MAX, 1))).toBe('overflow');
    expect(add(MAX, 0)).toBe(MAX);
    expect(add(MIN, MAX)).toBe(-1);
  });
  it('division by zero', () => {
    expect(err(() => div(1, 0))).toBe('division by zero');
    expect(err(() => div(fl(1), 0))).toBe('division by zero');
    expect(err(() => div(1, fl(0)))).toBe('division by zero');
    // the divisor is checked before the dividend's type
    expect(err(() => div('a', 0))).toBe('division by zero');
    expect(kind(() => div(1, 0))).toBe('division-by-zero');
  });
  it('floats', () => {
    expect(add(1, fl(0.5))).toEqual(fl(1.5));
    expect(sub(fl(1), 2)).toEqual(fl(-1));
    expect(mul(fl(1.5), 2)).toEqual(fl(3));
    expect(div(1, fl(4))).toEqual(fl(0.25));
    expect(div(fl(7), 2)).toEqual(fl(3.5));
  });
  it('type errors', () => {
    expect(err(() => add(1, 'a'))).toBe('expected an integer but found a string: "a"');
    expect(err(() => add(fl(1), 'a'))).toBe('expected a float but found a string: "a"');
    expect(err(() => mul(true, 1))).toMatch(/^expected an integer but found a Boolean/);
  });
});

describe('builtins', () => {
  it('force their arguments', () => {
    const t = new Thunk(() => 5, null);
    expect(B.add([t, 2])).toBe(7);
    expect(B.sub([10, t])).toBe(5);
  });
  it('bit operations', () => {
    expect(B.bitAnd([12, 10])).toBe(8);
    expect(B.bitOr([12, 10])).toBe(14);
    expect(B.bitXor([12, 10])).toBe(6);
    expect(B.bitAnd([-1, MAX])).toBe(MAX);
    expect(B.bitXor([MIN, -1])).toBe(MAX);
    expect(B.bitOr([4294967296, 1])).toBe(4294967297);
    expect(B.bitAnd([-8, 2 ** 40 + 12])).toBe(2 ** 40 + 8);
    expect(err(() => B.bitAnd([fl(1), 1]))).toMatch(/^expected an integer but found a float/);
  });
  it('lessThan', () => {
    expect(B.lessThan([1, 2])).toBe(true);
    expect(B.lessThan([fl(1.5), 1])).toBe(false);
    expect(B.lessThan(['a', 'b'])).toBe(true);
    expect(B.lessThan([[1, 2], [1, 3]])).toBe(true);
    expect(B.lessThan([MIN, MAX])).toBe(true);
  });
  it('ceil and floor', () => {
    expect(B.ceil([fl(1.2)])).toBe(2);
    expect(B.floor([fl(1.8)])).toBe(1);
    expect(B.ceil([fl(-1.2)])).toBe(-1);
    expect(Object.is(B.ceil([fl(-0.5)]), 0)).toBe(true);
    expect(B.floor([fl(-1.2)])).toBe(-2);
    expect(B.floor([7])).toBe(7);
    expect(B.floor([fl(1e18)])).toBe(1000000000000000000n);
    expect(B.floor([fl(-9223372036854775808)])).toBe(MIN);
    expect(err(() => B.floor([fl(1e20)]))).toBe('NixFloat argument 1e+20 is not in the range of NixInt');
    expect(err(() => B.ceil([fl(NaN)]))).toBe('NixFloat argument nan is not in the range of NixInt');
    expect(err(() => B.ceil([MAX]))).toMatch(/the NixInt argument 9223372036854775807 caused undefined behavior/);
    expect(err(() => B.ceil([9007199254740993n]))).toMatch(
      /the NixInt argument 9007199254740993 was rounded to 9007199254740992/,
    );
    expect(err(() => B.ceil(['x']))).toMatch(/^expected a float but found a string/);
  });
});

describe('through the evaluator', () => {
  const ev = (s: string) => {
    const v = evalExpr(s);
    deepForce(v);
    return printAmbiguous(v);
  };
  it('operators and builtins', () => {
    expect(ev('1 + 2 * 3 - 4')).toBe('3');
    expect(ev('builtins.div (-7) 2')).toBe('-3');
    expect(ev('7 / 2.0')).toBe('3.5');
    expect(ev('builtins.mul 3037000499 3037000499')).toBe('9223372030926249001');
    expect(ev('builtins.bitXor (-9223372036854775807 - 1) (-1)')).toBe('9223372036854775807');
    expect(ev('builtins.ceil (-0.5)')).toBe('0');
  });
  it('errors', () => {
    expect(() => ev('builtins.add 9223372036854775807 1')).toThrow('integer overflow in adding 9223372036854775807 + 1');
    expect(() => ev('(-9223372036854775807 - 1) * (-1)')).toThrow(
      'integer overflow in multiplying -9223372036854775808 * -1',
    );
    expect(() => ev('1 / 0')).toThrow('division by zero');
    expect(() => ev('builtins.floor 1.0e20')).toThrow('NixFloat argument 1e+20 is not in the range of NixInt');
  });
});
