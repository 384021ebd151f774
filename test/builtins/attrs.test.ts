import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtins as attrBuiltins } from '../../src/builtins/attrs';
import { Attrs, attrsFrom, Env, force, Lambda, Lazy, NixString, PrimOp, PrimOpApp, Thunk, Value } from '../../src/eval/value';
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
    } else throw new Error('not a function');
  }
  return cur;
}
function lam(f: (x: Lazy) => Value): Lambda {
  return new Lambda({ src: undefined as never, start: 0, ellipsis: false, call: (_e, a) => f(a) }, [null]);
}
const lam2 = (f: (x: Lazy, y: Lazy) => Value) => lam((x) => lam((y) => f(x, y)));

const B: Record<string, PrimOp> = {};
for (const b of attrBuiltins) B[b.name] = new PrimOp(b.name, b.arity, b.fn!);
const run = (name: string, ...args: Lazy[]) => B[name].fn(args, undefined);
const thrower = () => new Thunk(() => { throw new NixError('throw', 'boom'); }, null);
const err = (f: () => unknown): string => {
  try { f(); } catch (e) { return (e as Error).message; }
  return 'no error';
};
const nv = (name: Lazy, value: Lazy) => attrsFrom({ name, value });
const plain = (a: Value): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  for (const k of (a as Attrs).keys()) o[k] = force((a as Attrs).get(k)!);
  return o;
};

// Direct calls use a stub callFunction; the evaluator's own is restored afterwards.
let realCall: typeof runtime.callFunction;
beforeAll(() => {
  realCall = runtime.callFunction;
  runtime.setCallFunction(call);
});
afterAll(() => runtime.setCallFunction(realCall));

describe('attrNames / attrValues', () => {
  it('sorts bytewise and keeps values lazy', () => {
    const a = attrsFrom({ b: 2, a: thrower(), B: 3, 'a-b': 4, '\xe9': 5 });
    expect(run('attrNames', a)).toEqual(['B', 'a', 'a-b', 'b', '\xe9']);
    const vs = run('attrValues', a) as Lazy[];
    expect(vs.length).toBe(5);
    expect(force(vs[0])).toBe(3);
    expect(() => force(vs[1])).toThrow('boom');
    expect(force(vs[4])).toBe(5);
  });
  it('type errors', () => {
    expect(err(() => run('attrNames', []))).toBe('expected a set but found a list: [ ]');
  });
});

describe('getAttr / hasAttr', () => {
  const a = attrsFrom({ x: 1, y: new Thunk(() => 2, null) });
  it('works', () => {
    expect(run('getAttr', 'y', a)).toBe(2);
    expect(run('hasAttr', 'x', a)).toBe(true);
    expect(run('hasAttr', 'z', a)).toBe(false);
  });
  it('missing attribute', () => {
    expect(err(() => run('getAttr', 'z', a))).toBe("attribute 'z' missing");
  });
  it('names must not have context', () => {
    expect(err(() => run('hasAttr', new NixString('x', new Set(['/nix/store/abc-x'])), a))).toMatch(
      /is not allowed to refer to a store path/,
    );
    expect(run('hasAttr', new NixString('x', new Set()), a)).toBe(true);
  });
});

describe('removeAttrs / intersectAttrs / catAttrs', () => {
  it('removeAttrs', () => {
    const a = attrsFrom({ x: 1, y: 2, z: 3 });
    expect(plain(run('removeAttrs', a, ['y', 'nope']))).toEqual({ x: 1, z: 3 });
    // A new set even when nothing is removed, as in Nix (--eval would print «repeated»).
    const same = run('removeAttrs', a, ['nope']);
    expect(same).not.toBe(a);
    expect(plain(same)).toEqual({ x: 1, y: 2, z: 3 });
    expect(err(() => run('removeAttrs', a, [1]))).toMatch(/^expected a string but found an integer/);
    expect(plain(a)).toEqual({ x: 1, y: 2, z: 3 });
  });
  it('intersectAttrs takes values from the second set', () => {
    const r = run('intersectAttrs', attrsFrom({ a: 1, b: 2 }), attrsFrom({ b: 20, c: 30 }));
    expect(plain(r)).toEqual({ b: 20 });
    const r2 = run('intersectAttrs', attrsFrom({ a: 1, b: 2, c: 3, d: 4 }), attrsFrom({ b: 20, c: 30 }));
    expect(plain(r2)).toEqual({ b: 20, c: 30 });
  });
  it('catAttrs', () => {
    const r = run('catAttrs', 'a', [attrsFrom({ a: 1 }), attrsFrom({ b: 2 }), attrsFrom({ a: thrower() })]) as Lazy[];
    expect(r.length).toBe(2);
    expect(force(r[0])).toBe(1);
    expect(err(() => run('catAttrs', 'a', [1]))).toMatch(/^expected a set but found an integer/);
  });
});

describe('listToAttrs', () => {
  it('first occurrence wins, values lazy', () => {
    const r = run('listToAttrs', [nv('a', 1), nv('b', thrower()), nv('a', 2)]) as Attrs;
    expect(r.keys()).toEqual(['a', 'b']);
    expect(force(r.get('a')!)).toBe(1);
    expect(() => force(r.get('b')!)).toThrow('boom');
  });
  it('errors', () => {
    expect(err(() => run('listToAttrs', [attrsFrom({ value: 1 })]))).toBe("attribute 'name' missing");
    expect(err(() => run('listToAttrs', [attrsFrom({ name: 'a' })]))).toBe("attribute 'value' missing");
    // a missing name is found before a missing value, whatever the order
    expect(err(() => run('listToAttrs', [attrsFrom({ name: 'a' }), attrsFrom({ value: 1 })]))).toBe(
      "attribute 'name' missing",
    );
    // the value of a duplicate is never looked at
    expect(plain(run('listToAttrs', [nv('a', 1), attrsFrom({ name: 'a' })]))).toEqual({ a: 1 });
    expect(err(() => run('listToAttrs', [nv(1, 1)]))).toMatch(/^expected a string but found an integer/);
  });
  it('is fast on 100,000 entries', () => {
    const xs: Lazy[] = [];
    for (let i = 0; i < 100000; i++) xs.push(nv('k' + i, i));
    const t = Date.now();
    const r = run('listToAttrs', xs) as Attrs;
    expect(Date.now() - t).toBeLessThan(1000);
    expect(r.size).toBe(100000);
    expect(force(r.get('k99999')!)).toBe(99999);
  });
});

describe('mapAttrs / zipAttrsWith', () => {
  it('mapAttrs is lazy and passes the name', () => {
    const f = lam2((n, v) => (force(n) as string) + String(force(v)));
    const r = run('mapAttrs', f, attrsFrom({ a: 1, b: thrower() })) as Attrs;
    expect(r.keys()).toEqual(['a', 'b']);
    expect(force(r.get('a')!)).toBe('a1');
    expect(() => force(r.get('b')!)).toThrow('boom');
    // the function is not forced by mapAttrs itself
    const r2 = run('mapAttrs', thrower(), attrsFrom({ a: 1 })) as Attrs;
    expect(() => force(r2.get('a')!)).toThrow('boom');
  });
  it('zipAttrsWith', () => {
    const f = lam2((n, vs) => [n, ...(force(vs) as Lazy[])]);
    const r = run('zipAttrsWith', f, [attrsFrom({ a: 1, b: 2 }), attrsFrom({ a: 3 }), attrsFrom({ c: 4 })]) as Attrs;
    expect(r.keys()).toEqual(['a', 'b', 'c']);
    expect(force(r.get('a')!)).toEqual(['a', 1, 3]);
    expect(force(r.get('c')!)).toEqual(['c', 4]);
    expect(err(() => run('zipAttrsWith', 1, []))).toMatch(/^expected a function but found an integer/);
  });
});

describe('globals', () => {
  it('only removeAttrs is global', () => {
    expect(attrBuiltins.filter((b) => b.global).map((b) => b.name)).toEqual(['removeAttrs']);
  });
});

describe('through the evaluator', () => {
  beforeAll(() => runtime.setCallFunction(realCall));
  const ev = (s: string) => {
    const v = evalExpr(s);
    runtime.deepForce(v);
    return printAmbiguous(v);
  };
  it('results and laziness', () => {
    expect(ev('builtins.attrNames { b = 1; a = 2; B = 3; "a b" = 4; }')).toBe('[ "B" "a" "a b" "b" ]');
    expect(ev('builtins.attrValues { b = 1; a = 2; c = 3; }')).toBe('[ 2 1 3 ]');
    expect(ev('builtins.attrNames (builtins.listToAttrs [ { name = "a"; value = throw "x"; } ])')).toBe('[ "a" ]');
    expect(ev('builtins.listToAttrs [ { name = "a"; value = 1; } { name = "a"; value = 3; } ]')).toBe('{ a = 1; }');
    expect(ev('builtins.mapAttrs (n: v: n + toString v) { a = 1; b = 2; }')).toBe('{ a = "a1"; b = "b2"; }');
    expect(ev('builtins.attrNames (builtins.mapAttrs (throw "x") { a = 1; })')).toBe('[ "a" ]');
    expect(ev('builtins.zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]')).toBe('{ a = [ 1 2 ]; b = [ 3 ]; }');
    expect(ev('removeAttrs { a = throw "x"; b = 1; } [ "a" ]')).toBe('{ b = 1; }');
    expect(ev('builtins.intersectAttrs { a = 1; b = 2; } { b = 3; c = 4; }')).toBe('{ b = 3; }');
    expect(ev('builtins.catAttrs "a" [ { a = 1; } { b = 2; } { a = 3; } ]')).toBe('[ 1 3 ]');
  });
  it('errors', () => {
    expect(() => ev('builtins.getAttr "b" { a = 1; }')).toThrow("attribute 'b' missing");
    expect(() => ev('builtins.listToAttrs [ { name = "a"; } ]')).toThrow("attribute 'value' missing");
    expect(() => ev('builtins.attrNames 1')).toThrow('expected a set but found an integer: 1');
  });
});
