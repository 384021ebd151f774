import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtins as listBuiltins } from '../../src/builtins/lists';
import { builtins as arithBuiltins } from '../../src/builtins/arith';
import { Attrs, attrsFrom, Env, force, Lambda, Lazy, NixFloat, PrimOp, PrimOpApp, Thunk, Value } from '../../src/eval/value';
import { NixError } from '../../src/eval/errors';
import * as runtime from '../../src/eval/runtime';
import { evalExpr } from '../../src/eval/index';
import { printAmbiguous } from '../../src/eval/print';

// A minimal callFunction (the compiler installs the real one).
function call(f: Value, args: Lazy[]): Value {
  let cur = f;
  for (const a of args) {
    if (cur instanceof Lambda) cur = force(cur.info.call(cur.env, a, cur, undefined));
    else if (cur instanceof PrimOp) cur = cur.arity === 1 ? cur.fn([a], undefined) : new PrimOpApp(cur, [a]);
    else if (cur instanceof PrimOpApp) {
      const all = [...cur.args, a];
      cur = all.length === cur.op.arity ? cur.op.fn(all, undefined) : new PrimOpApp(cur.op, all);
    } else if (cur instanceof Attrs && cur.has('__functor')) {
      cur = call(force(cur.get('__functor')!), [cur, a]);
    } else throw new Error('not a function');
  }
  return cur;
}

function lam(f: (x: Lazy) => Value): Lambda {
  return new Lambda({ src: undefined as never, start: 0, ellipsis: false, call: (_e, a) => f(a) }, [null]);
}
const lam2 = (f: (x: Lazy, y: Lazy) => Value) => lam((x) => lam((y) => f(x, y)));

const B: Record<string, PrimOp> = {};
for (const b of [...listBuiltins, ...arithBuiltins]) B[b.name] = new PrimOp(b.name, b.arity, b.fn!);
const run = (name: string, ...args: Lazy[]) => B[name].fn(args, undefined);
const thrower = () => new Thunk(() => { throw new NixError('throw', 'boom'); }, null);
const ints = (xs: Lazy[]) => xs.map((x) => force(x));
const err = (f: () => unknown): string => {
  try { f(); } catch (e) { return (e as Error).message; }
  return 'no error';
};

// Direct calls use a stub callFunction; the evaluator's own is restored afterwards.
let realCall: typeof runtime.callFunction;
beforeAll(() => {
  realCall = runtime.callFunction;
  runtime.setCallFunction(call);
});
afterAll(() => runtime.setCallFunction(realCall));

describe('head/tail/elemAt/length', () => {
  it('head forces only the first element', () => {
    expect(run('head', [1, thrower()])).toBe(1);
    expect(err(() => run('head', []))).toBe("'builtins.head' called on an empty list");
    expect(err(() => run('head', 1))).toMatch(/^expected a list but found an integer/);
  });
  it('tail', () => {
    expect(run('tail', [1, 2, 3])).toEqual([2, 3]);
    expect(err(() => run('tail', []))).toBe("'builtins.tail' called on an empty list");
  });
  it('elemAt', () => {
    expect(run('elemAt', [1, 2, 3], 2)).toBe(3);
    expect(err(() => run('elemAt', [1, 2], 5))).toBe("'builtins.elemAt' called with index 5 on a list of size 2");
    expect(err(() => run('elemAt', [1, 2], -1))).toBe("'builtins.elemAt' called with index -1 on a list of size 2");
    expect(err(() => run('elemAt', [1, 2], 2n ** 62n))).toMatch(/index 4611686018427387904/);
  });
  it('length is lazy in the elements', () => {
    expect(run('length', [thrower(), thrower()])).toBe(2);
    expect(run('length', [])).toBe(0);
  });
});

describe('map/filter/elem/concat', () => {
  it('map is lazy', () => {
    const r = run('map', lam((x) => (force(x) as number) * 2), [1, thrower(), 3]) as Lazy[];
    expect(r.length).toBe(3);
    expect(force(r[0])).toBe(2);
    expect(force(r[2])).toBe(6);
    expect(() => force(r[1])).toThrow('boom');
  });
  it('map on empty list does not force f', () => {
    const empty: Lazy[] = [];
    expect(run('map', thrower(), empty)).toBe(empty);
    expect(err(() => run('map', 1, [1]))).toMatch(/^expected a function but found an integer/);
  });
  it('filter', () => {
    const xs = [1, 2, 3, 4];
    expect(run('filter', lam((x) => (force(x) as number) % 2 === 0), xs)).toEqual([2, 4]);
    expect(run('filter', lam(() => true), xs)).toBe(xs);
    expect(err(() => run('filter', lam(() => 1), xs))).toMatch(/^expected a Boolean but found an integer/);
  });
  it('elem uses equality', () => {
    expect(run('elem', 2, [1, new NixFloat(2), 3])).toBe(true);
    expect(run('elem', 5, [1, 2])).toBe(false);
    expect(run('elem', attrsFrom({ a: 1 }), [attrsFrom({ a: 1 })])).toBe(true);
  });
  it('concatLists / concatMap', () => {
    expect(run('concatLists', [[1], [], [2, 3]])).toEqual([1, 2, 3]);
    const only = [1, 2];
    expect(run('concatLists', [[], only, []])).toBe(only);
    expect(run('concatLists', [])).toEqual([]);
    expect(err(() => run('concatLists', [[1], 2]))).toMatch(/^expected a list but found an integer/);
    expect(run('concatMap', lam((x) => [x, x]), [1, 2])).toEqual([1, 1, 2, 2]);
  });
});

describe("foldl'", () => {
  it('folds from the left, strictly', () => {
    expect(run("foldl'", B.sub, 0, [1, 2, 3])).toBe(-6);
    // initial accumulator not forced when the list is non-empty and f ignores it
    expect(run("foldl'", lam2((_a, b) => force(b)), thrower(), [1, 2])).toBe(2);
    expect(() => run("foldl'", B.add, thrower(), [])).toThrow('boom');
    expect(run("foldl'", B.add, 5, [])).toBe(5);
  });
  it('handles long lists without recursion', () => {
    const xs = Array.from({ length: 100000 }, (_, i) => i);
    expect(run("foldl'", B.add, 0, xs)).toBe(4999950000);
  });
});

describe('genList', () => {
  it('is lazy and checks the length', () => {
    const r = run('genList', lam((i) => (force(i) === 1 ? force(thrower()) : force(i))), 3) as Lazy[];
    expect(r.length).toBe(3);
    expect(force(r[2])).toBe(2);
    expect(() => force(r[1])).toThrow('boom');
    expect(err(() => run('genList', lam((i) => force(i)), -1))).toBe('cannot create list of size -1');
    // current Nix forces the function even for length 0
    expect(() => run('genList', thrower(), 0)).toThrow('boom');
    expect(run('genList', lam((i) => force(i)), 0)).toEqual([]);
  });
});

describe('sort', () => {
  it('sorts with lessThan and stable with a custom comparator', () => {
    expect(run('sort', B.lessThan, [3, 1, 2])).toEqual([1, 2, 3]);
    const pairs = Array.from({ length: 200 }, (_, i) => attrsFrom({ k: (i * 7) % 5, i }));
    const sorted = run('sort', lam2((a, b) => (force((force(a) as Attrs).get('k')!) as number) < (force((force(b) as Attrs).get('k')!) as number)), pairs) as Attrs[];
    const keyed = sorted.map((a) => [force(a.get('k')!), force(a.get('i')!)] as [number, number]);
    for (let j = 1; j < keyed.length; j++) {
      expect(keyed[j - 1][0] < keyed[j][0] || (keyed[j - 1][0] === keyed[j][0] && keyed[j - 1][1] < keyed[j][1])).toBe(true);
    }
  });
  it('sorts large random lists and does not mutate the input', () => {
    const xs = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 1013);
    const copy = xs.slice();
    const r = run('sort', lam2((a, b) => (force(a) as number) < (force(b) as number)), xs) as number[];
    expect(r).toEqual(copy.slice().sort((a, b) => a - b));
    expect(xs).toEqual(copy);
  });
  it('empty list does not force the comparator', () => {
    expect(run('sort', thrower(), [])).toEqual([]);
  });
  it('comparator must return a Boolean', () => {
    expect(err(() => run('sort', lam2(() => 1), [1, 2]))).toMatch(/^expected a Boolean/);
  });
});

describe('any/all/partition/groupBy', () => {
  const even = lam((x) => (force(x) as number) % 2 === 0);
  it('any/all short-circuit', () => {
    expect(run('any', even, [1, 2, thrower()])).toBe(true);
    expect(run('all', even, [2, 1, thrower()])).toBe(false);
    expect(run('any', even, [])).toBe(false);
    expect(run('all', even, [])).toBe(true);
  });
  it('partition', () => {
    const r = run('partition', even, [1, 2, 3, 4]) as Attrs;
    expect(r.keys()).toEqual(['right', 'wrong']);
    expect(ints(force(r.get('right')!) as Lazy[])).toEqual([2, 4]);
    expect(ints(force(r.get('wrong')!) as Lazy[])).toEqual([1, 3]);
  });
  it('groupBy', () => {
    const r = run('groupBy', lam((x) => ((force(x) as number) % 2 === 0 ? 'even' : 'odd')), [1, 2, 3]) as Attrs;
    expect(r.keys()).toEqual(['even', 'odd']);
    expect(ints(force(r.get('odd')!) as Lazy[])).toEqual([1, 3]);
    expect(err(() => run('groupBy', lam(() => 1), [1]))).toMatch(/^expected a string but found an integer/);
  });
});

describe('through the evaluator', () => {
  beforeAll(() => runtime.setCallFunction(realCall));
  const ev = (s: string) => {
    const v = evalExpr(s);
    runtime.deepForce(v);
    return printAmbiguous(v);
  };
  it('laziness', () => {
    expect(ev('builtins.length [ (throw "x") ]')).toBe('1');
    expect(ev('builtins.length (map (x: throw "no") [ 1 2 ])')).toBe('2');
    expect(ev('builtins.length (builtins.genList (x: throw "x") 3)')).toBe('3');
    expect(ev('builtins.elemAt [ (throw "a") 2 ] 1')).toBe('2');
    expect(ev('builtins.any (x: x > 2) [ 1 3 (throw "x") ]')).toBe('true');
    expect(ev("builtins.foldl' (a: b: b) (throw \"x\") [ 1 ]")).toBe('1');
  });
  it('results', () => {
    expect(ev('map (x: x * 2) [ 1 2 3 ]')).toBe('[ 2 4 6 ]');
    expect(ev("builtins.foldl' (a: b: a - b) 100 [ 1 2 3 ]")).toBe('94');
    expect(ev('builtins.genList (x: x * x) 5')).toBe('[ 0 1 4 9 16 ]');
    expect(ev('builtins.concatMap (x: [ x x ]) [ 1 2 ]')).toBe('[ 1 1 2 2 ]');
    expect(ev('builtins.partition (x: x > 2) [ 1 3 2 4 ]')).toBe('{ right = [ 3 4 ]; wrong = [ 1 2 ]; }');
    expect(ev('builtins.groupBy (x: if x > 2 then "big" else "small") [ 1 3 2 4 ]')).toBe(
      '{ big = [ 3 4 ]; small = [ 1 2 ]; }',
    );
    expect(ev('builtins.sort builtins.lessThan [ "b" "a" "B" "" ]')).toBe('[ "" "B" "a" "b" ]');
    expect(
      ev('map (x: x.v) (builtins.sort (a: b: a.k < b.k) [ { k = 1; v = "a"; } { k = 0; v = "b"; } { k = 1; v = "c"; } { k = 0; v = "d"; } ])'),
    ).toBe('[ "b" "d" "a" "c" ]');
    expect(ev('builtins.elem { a = 1; } [ { a = 1; } ]')).toBe('true');
  });
  it('errors', () => {
    expect(() => ev('builtins.head [ ]')).toThrow("'builtins.head' called on an empty list");
    expect(() => ev('builtins.elemAt [ 1 2 ] 2')).toThrow("'builtins.elemAt' called with index 2 on a list of size 2");
    expect(() => ev('builtins.genList (x: x) (-1)')).toThrow('cannot create list of size -1');
    expect(() => ev('builtins.filter (x: 1) [ 1 ]')).toThrow('expected a Boolean but found an integer: 1');
  });
});
