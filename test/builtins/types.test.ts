import { describe, expect, it } from 'vitest';
import { builtins } from '../../src/builtins/types';
import { attrsFrom, Env, Lambda, Lazy, NixFloat, NixPath, NixString, PrimOp, PrimOpApp, Thunk, Value } from '../../src/eval/value';
import { evalExpr } from '../../src/eval/index';
import { printAmbiguous } from '../../src/eval/print';
import { deepForce } from '../../src/eval/runtime';

const B: Record<string, (v: Lazy) => Value> = {};
for (const b of builtins) B[b.name] = (v) => b.fn!([v], undefined);
const lam = new Lambda({ src: undefined as never, start: 0, ellipsis: false, call: () => null }, [null]);
const prim = new PrimOp('add', 2, () => 0);
const samples: [string, Value][] = [
  ['null', null],
  ['bool', true],
  ['int', 1],
  ['int', 2n ** 60n],
  ['float', new NixFloat(1)],
  ['string', 'x'],
  ['string', new NixString('x', new Set(['/nix/store/x']))],
  ['path', new NixPath('/a')],
  ['list', []],
  ['set', attrsFrom({})],
  ['set', attrsFrom({ __functor: lam })],
  ['lambda', lam],
  ['lambda', prim],
  ['lambda', new PrimOpApp(prim, [1])],
];
const pred: Record<string, string> = {
  isNull: 'null', isBool: 'bool', isInt: 'int', isFloat: 'float', isString: 'string',
  isPath: 'path', isList: 'list', isAttrs: 'set', isFunction: 'lambda',
};

describe('type predicates', () => {
  it('typeOf', () => {
    for (const [t, v] of samples) expect(B.typeOf(v)).toBe(t);
  });
  for (const [name, t] of Object.entries(pred)) {
    it(name, () => {
      for (const [t2, v] of samples) expect(B[name](v)).toBe(t === t2);
    });
  }
  it('force their argument', () => {
    expect(B.isInt(new Thunk(() => 3, null))).toBe(true);
    expect(B.typeOf(new Thunk(() => [], null))).toBe('list');
  });
  it('isNull is global', () => {
    expect(builtins.find((b) => b.name === 'isNull')!.global).toBe(true);
    expect(builtins.filter((b) => b.global).length).toBe(1);
  });
});

describe('through the evaluator', () => {
  const ev = (s: string) => {
    const v = evalExpr(s);
    deepForce(v);
    return printAmbiguous(v);
  };
  it('typeOf and predicates', () => {
    expect(ev('map builtins.typeOf [ null true 1 1.5 "s" ./. [ ] { } (x: x) builtins.add (builtins.add 1) ]')).toBe(
      '[ "null" "bool" "int" "float" "string" "path" "list" "set" "lambda" "lambda" "lambda" ]',
    );
    expect(ev('[ (isNull null) (builtins.isFunction { __functor = self: x: x; }) (builtins.isList [ (throw "x") ]) ]')).toBe(
      '[ true false true ]',
    );
    expect(() => ev('builtins.isInt (throw "boom")')).toThrow('boom');
  });
});
