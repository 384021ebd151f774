/** Each class of parse error: message (worded as Nix's) and line:column. */
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../grammar/ast';
import { parse } from '../../grammar/index';
import { fromParseError, renderError } from '../../src/eval/errors';

function fail(src: string): { msg: string; at: string; err: ParseError } {
  try {
    parse(src, 'f.nix', '/d');
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    const { line, column } = e.src.location(e.start);
    return { msg: e.message, at: `${line}:${column}`, err: e };
  }
  throw new Error(`parsed: ${src}`);
}

const cases: [string, string, string][] = [
  ['{ a = 1; a = 2; }', "attribute 'a' already defined at f.nix:1:3", '1:10'],
  ['{ a.b = 1; a.b = 2; }', "attribute 'a.b' already defined at f.nix:1:3", '1:12'],
  ['{ a = 1; a.b = 2; }', "attribute 'a' already defined at f.nix:1:3", '1:10'],
  ['{ inherit a; a = 1; }', "attribute 'a' already defined at f.nix:1:11", '1:14'],
  ['{ a = 1; inherit a; }', "attribute 'a' already defined at f.nix:1:3", '1:18'],
  ['let a = 1; a = 2; in a', "attribute 'a' already defined at f.nix:1:5", '1:12'],
  ['{ a = {}; a = 1; }', "attribute 'a' already defined at f.nix:1:3", '1:11'],
  ['{ x, y, x }: x', "duplicate formal function argument 'x'", '1:9'],
  ['x@{ x }: x', "duplicate formal function argument 'x'", '1:1'],
  ['let ${a} = 1; in 1', 'dynamic attributes not allowed in let', '1:1'],
  ['{ inherit ${a}; }', 'dynamic attributes not allowed in inherit', '1:11'],
  ['1 == 2 == 3', "syntax error, unexpected '=='", '1:8'],
  ['1 < 2 > 3', "syntax error, unexpected '>'", '1:7'],
  ['a ? b ? c', "syntax error, unexpected '?'", '1:7'],
  ['if 1 then 2', "syntax error, unexpected end of file, expecting 'else'", '1:12'],
  ['(1', "syntax error, unexpected end of file, expecting ')'", '1:3'],
  ['1 )', "syntax error, unexpected ')', expecting end of file", '1:3'],
  ['"abc', "syntax error, unexpected end of file, expecting '\"'", '1:5'],
  ["''abc", 'syntax error, unexpected end of file, expecting end of an indented string', '1:6'],
  ['{ a = 1 }', "syntax error, unexpected '}', expecting ';'", '1:9'],
  ['let a = 1; 2', "syntax error, unexpected integer, expecting 'in' or 'inherit'", '1:12'],
  ['./a/', 'path has a trailing slash', '1:5'],
  ['./a/ + 1', 'path has a trailing slash', '1:5'],
  ['99999999999999999999', "invalid integer '99999999999999999999'", '1:1'],
  ['1.0e999', "invalid float '1.0e999'", '1:1'],
  ['a |> b', "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it", '1:3'],
  ['1 $ 2', 'syntax error, unexpected invalid token, expecting end of file', '1:3'],
  ['{ a + b }', "syntax error, unexpected '+', expecting '.' or '='", '1:5'],
  ['x:\n  y:\n  )', 'syntax error, unexpected \')\'', '3:3'],
];

describe('parse errors', () => {
  for (const [src, msg, at] of cases) {
    it(JSON.stringify(src), () => {
      const r = fail(src);
      expect(r.msg).toBe(msg);
      expect(r.at).toBe(at);
    });
  }
  it('renders with file, line, column, source line and caret', () => {
    const { err } = fail('{\n  a = 1;\n  a = 2;\n}');
    expect(renderError(fromParseError(err))).toBe(
      [
        "error: attribute 'a' already defined at f.nix:2:3",
        '       at f.nix:3:3:',
        '            2|   a = 1;',
        '            3|   a = 2;',
        '             |   ^',
        '            4| }',
      ].join('\n'),
    );
  });
});
