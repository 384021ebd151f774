/** Unit tests of toJSON / fromJSON. */
import { describe, expect, it } from 'vitest';
import { builtins, jsonFloat, jsonString, parseJSON, printValueAsJSON } from '../../src/builtins/json';
import { Attrs, attrsFrom, NixFloat, NixString } from '../../src/eval/value';
import { evalExpr } from '../../src/eval/index';
import { NixError } from '../../src/eval/errors';

const toJSON = builtins.find((b) => b.name === 'toJSON')!.fn!;

describe('toJSON', () => {
  it('without --strict, fails on an unevaluated value at the attribute that holds it, as Nix does', () => {
    const v = evalExpr('{ a = 1; b = [ 1 ]; }');
    let err: unknown;
    try {
      printValueAsJSON(v, false);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NixError);
    expect((err as NixError).message).toBe('cannot convert a thunk to JSON');
    const pos = (err as NixError).pos!;
    expect(pos.src.location(pos.start)).toMatchObject({ line: 1, column: 10 });
    expect(printValueAsJSON(evalExpr('{ a = 1; }'), false).json).toBe('{"a":1}');
  });
  it('sorts keys and writes compactly', () => {
    expect(printValueAsJSON(attrsFrom({ b: 1, a: [true, null, 'x'] }), true).json).toBe('{"a":[true,null,"x"],"b":1}');
  });
  it('escapes like nlohmann::json', () => {
    expect(jsonString('"\\\n\t\x01\x7f\xc3\xa9')).toBe('"\\"\\\\\\n\\t\\u0001\x7f\xc3\xa9"');
    expect(() => jsonString('_\xff_')).toThrow('invalid UTF-8 byte at index 1: 0xFF');
    expect(() => jsonString('\xc3')).toThrow('incomplete UTF-8 string; last byte: 0xC3');
  });
  it('formats floats like nlohmann::json', () => {
    expect([1, 1.5, 0.1, 1e21, 1e-5, 0.0001, -2, 123456789012, -0, NaN].map(jsonFloat)).toEqual([
      '1.0', '1.5', '0.1', '1e+21', '1e-05', '0.0001', '-2.0', '123456789012.0', '-0.0', 'null',
    ]);
  });
  it('keeps context and peels outPath', () => {
    const s = new NixString('/nix/store/abc-x', new Set(['/nix/store/abc-x']));
    const r = toJSON([attrsFrom({ a: attrsFrom({ outPath: s }) })], undefined) as NixString;
    expect(r.s).toBe('{"a":"/nix/store/abc-x"}');
    expect([...r.ctx]).toEqual(['/nix/store/abc-x']);
    expect(printValueAsJSON(attrsFrom({ outPath: attrsFrom({ a: 1 }) }), true).json).toBe('{"a":1}');
  });
});

describe('fromJSON', () => {
  it('parses values', () => {
    const v = parseJSON('{"x": [1, 2.5, "\\u00e9\\ud83d\\ude00"], "y": null}') as Attrs;
    const x = v.get('x') as unknown[];
    expect(x[0]).toBe(1);
    expect((x[1] as NixFloat).value).toBe(2.5);
    expect(x[2]).toBe('\xc3\xa9\xf0\x9f\x98\x80');
    expect(v.get('y')).toBe(null);
  });
  it('handles integer ranges as Nix does', () => {
    expect(parseJSON('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseJSON('-9223372036854775809')).toBeInstanceOf(NixFloat);
    expect(() => parseJSON('18446744073709551615')).toThrow('outside of Nix integer range');
  });
  it('rejects invalid JSON', () => {
    for (const bad of ['', '[1,]', '01', '1.', '{"a" 1}', '[1] x', '"\\ud800"', 'nul', '"\t"']) {
      expect(() => parseJSON(bad), bad).toThrow();
    }
    expect(() => parseJSON('"a\\u0000b"')).toThrow('contains null bytes');
  });
});
