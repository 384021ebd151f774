/** Unit tests of fromTOML. */
import { describe, expect, it } from 'vitest';
import { parseTOML } from '../../src/builtins/toml';
import { Attrs, NixFloat } from '../../src/eval/value';
import { evalState } from '../../src/eval/state';

const get = (v: unknown, ...path: string[]) => path.reduce((a: any, k) => (a as Attrs).get(k), v);

describe('fromTOML', () => {
  it('parses tables, arrays of tables and dotted keys', () => {
    const v = parseTOML('x = 1\n[t]\ny.z = "a"\n[[p]]\nn = 1\n[[p]]\n');
    expect(get(v, 'x')).toBe(1);
    expect(get(v, 't', 'y', 'z')).toBe('a');
    expect((get(v, 'p') as unknown[]).length).toBe(2);
  });
  it('parses numbers', () => {
    const v = parseTOML('a = 0xdead_beef\nb = -0.01\nc = inf\nd = 1_000\ne = 9223372036854775807');
    expect(get(v, 'a')).toBe(0xdeadbeef);
    expect((get(v, 'b') as NixFloat).value).toBe(-0.01);
    expect((get(v, 'c') as NixFloat).value).toBe(Infinity);
    expect(get(v, 'd')).toBe(1000);
    expect(get(v, 'e')).toBe(9223372036854775807n);
  });
  it('parses strings', () => {
    const v = parseTOML('a = "\\u00e9\\t"\nb = \'x\\y\'\nc = """\none \\\n   two"""\nd = \'\'\'a\'\'\'\'\'');
    expect(get(v, 'a')).toBe('\xc3\xa9\t');
    expect(get(v, 'b')).toBe('x\\y');
    expect(get(v, 'c')).toBe('one two');
    expect(get(v, 'd')).toBe("a''");
  });
  it('rejects invalid documents', () => {
    for (const bad of ['a = 1\na = 2', '[a]\n[a]', 'a.b = 1\n[a.b]', 'a = {x = 1}\n[a]', 'a = [1]\n[[a]]', 'a = 01', 'a = .5', 'a = 1 b = 2', 'a = 9223372036854775808']) {
      expect(() => parseTOML(bad), bad).toThrow(/while parsing TOML/);
    }
  });
  it('reports dates as unsupported', () => {
    expect(() => parseTOML('a = 1979-05-27T07:32:00Z')).toThrow('while parsing TOML: Dates and times are not supported');
  });
  it('gives timestamps as { _type = "timestamp"; value; } with the parse-toml-timestamps feature', () => {
    evalState.experimentalFeatures.add('parse-toml-timestamps');
    try {
      const v = parseTOML(
        'a = 1979-05-27t07:32:00.1z\nb = 1979-05-27 00:32:00.1234567891-07:00\nc = 07:32:00.12\nd = 1979-05-27\ne = 1979-05-27T07:32:00',
      );
      const ts = (k: string) => [get(v, k, '_type'), get(v, k, 'value')];
      expect(ts('a')).toEqual(['timestamp', '1979-05-27T07:32:00.100Z']);
      expect(ts('b')).toEqual(['timestamp', '1979-05-27T00:32:00.123456789-07:00']);
      expect(ts('c')).toEqual(['timestamp', '07:32:00.120']);
      expect(ts('d')).toEqual(['timestamp', '1979-05-27']);
      expect(ts('e')).toEqual(['timestamp', '1979-05-27T07:32:00']);
    } finally {
      evalState.experimentalFeatures.delete('parse-toml-timestamps');
    }
  });
});
