/**
 * Each grammar form, printed as current Nix's `nix-instantiate --parse` prints it.
 * Relative paths are resolved against /dir; `~/` against $HOME (set to /home/u here).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, printExpr } from '../../grammar/index';
import type { Attrs, Expr } from '../../grammar/ast';

beforeAll(() => {
  process.env.HOME = '/home/u';
});

const p = (s: string) => printExpr(parse(s, 'test.nix', '/dir'));

const cases: [string, string][] = [
  // literals
  ['42', '42'],
  ['9223372036854775807', '9223372036854775807'],
  ['1.5', '1.5'],
  ['1.', '1'],
  ['.5', '0.5'],
  ['1.5e3', '1500'],
  ['1.0e-5', '1e-05'],
  ['1234567.0', '1.23457e+06'],
  ['1e3', '(1 e3)'],
  ['"a\\nb"', '"a\\nb"'],
  ['"$"', '"$"'],
  ['"$${x}"', '"$\\${x}"'],
  ['"\\${x}"', '"\\${x}"'],
  ['"a\r\nb\rc"', '"a\\nb\\nc"'],
  ['"a${b}c"', '("a" + b + "c")'],
  ['"${a}"', '(a)'],
  ['""', '""'],
  // indented strings
  ["''\n  a\n    b\n''", '"a\\n  b\\n"'],
  ["''\n  a\n  ''", '"a\\n"'],
  ["''a'''b''", '("a" + "\'\'" + "b")'],
  ["''a''$b''", '("a" + "$" + "b")'],
  ["''a''\\tb''", '("a" + "\\t" + "b")'],
  ["''\n  ${x}\n''", '(x + "\\n")'],
  ["''''", '""'],
  ["''\n''", '""'],
  ["''\n  a\n\n  b''", '"a\\n\\nb"'],
  ["''$''", '"$"'],
  // paths
  ['./a', '/dir/a'],
  ['./a/../b', '/dir/b'],
  ['../x', '/x'],
  ['a/b', '/dir/a/b'],
  ['/abs/./p/..', '/abs'],
  ['~/x', '/home/u/x'],
  ['./a/${x}', '(/dir/a/ + x)'],
  ['./a${x}b', '(/dir/a + x + "b")'],
  ['~/${x}', '(/home/u/ + x)'],
  ['<nixpkgs/lib>', '(__findFile __nixPath "nixpkgs/lib")'],
  ['http://x.org/a?b=c', '"http://x.org/a?b=c"'],
  ['x:x', '"x:x"'],
  // functions
  ['x: x', '(x: x)'],
  ['{ b, a ? 1, ... }: a', '({ a ? 1, b, ... }: a)'],
  ['{ ... }: 1', '({ ... }: 1)'],
  ['{ }: 1', '({  }: 1)'],
  ['{ a, }: a', '({ a }: a)'],
  ['args@{ a }: a', '({ a } @ args: a)'],
  ['{ a } @ args: a', '({ a } @ args: a)'],
  // application, select, or
  ['f a b', '(f a b)'],
  ['(f a) b', '(f a b)'],
  ['(a - b) c', '(__sub a b c)'],
  ['a.b.c', '(a).b.c'],
  ['a.b or c', '(a).b or (c)'],
  ['a."b c".${d}', '(a)."b c"."${d}"'],
  ['a.${"b"}', '(a).b'],
  ['a or b', '(a or b)'],
  ['a.or', '(a).or'],
  ['[ a or ]', '[ ((a or)) ]'],
  ['__curPos', '__curPos'],
  // operators
  ['a ? b.c', '((a) ? b.c)'],
  ['!a == b', '((! a) == b)'],
  ['!a + b', '(! (a + b))'],
  ['-a * b', '(__mul (__sub 0 a) b)'],
  ['a - -b', '(__sub a (__sub 0 b))'],
  ['a < b', '(__lessThan a b)'],
  ['a > b', '(__lessThan b a)'],
  ['a <= b', '(! (__lessThan b a))'],
  ['a >= b', '(! (__lessThan a b))'],
  ['a ++ b ++ c', '(a ++ (b ++ c))'],
  ['a // b // c', '(a // (b // c))'],
  ['a -> b -> c', '(a -> (b -> c))'],
  ['a + b * c ++ d', '(a + (__mul b (c ++ d)))'],
  ['a || b && c', '(a || (b && c))'],
  // attribute sets
  ['{ }', '{ }'],
  ['{ b = 1; a = 2; }', '{ a = 2; b = 1; }'],
  ['rec { a = 1; }', 'rec { a = 1; }'],
  ['{ a.b = 1; a.c = 2; }', '{ a = { b = 1; c = 2; }; }'],
  ['{ a = { b = 1; }; a.c = 2; }', '{ a = { b = 1; c = 2; }; }'],
  ['{ a.c = 2; a = { b = 1; }; }', '{ a = { b = 1; c = 2; }; }'],
  ['{ a = rec { b = 1; }; a.c = 2; }', '{ a = rec { b = 1; c = 2; }; }'],
  ['{ ${x} = 1; "${y}z" = 2; }', '{ "${x}" = 1; "${(y + "z")}" = 2; }'],
  ['{ "a b" = 1; "if" = 2; or = 3; }', '{ "a b" = 1; "if" = 2; or = 3; }'],
  ['{ inherit a b; inherit (c) d; inherit (e) f; }', '{ inherit a b; inherit (c) d; inherit (e) f; }'],
  ['{ a = { inherit (x) y; }; a = { inherit (z) w; }; }', '{ a = { inherit (x) y; inherit (z) w; }; }'],
  ['{ inherit "a"; }', '{ inherit a; }'],
  // let, with, assert, if
  ['let a = 1; b = a; in b', '(let a = 1; b = a; in b)'],
  ['let { body = 1; }', '(rec { body = 1; }).body'],
  ['with a; b', '(with a; b)'],
  ['assert a; b', 'assert a; b'],
  ['if a then b else c', '(if a then b else c)'],
  ['[ 1 (f x) a.b ]', '[ (1) ((f x)) ((a).b) ]'],
  // comments and whitespace
  ['/* c */ 1 # d', '1'],
  ['1 /**/ + /* x */ 2', '(1 + 2)'],
  ['a\r\n+\rb', '(a + b)'],
];

describe('grammar forms', () => {
  for (const [src, want] of cases) {
    it(JSON.stringify(src), () => expect(p(src)).toBe(want));
  }
});

describe('AST shape', () => {
  it('positions are byte offsets with lines and columns on demand', () => {
    const e = parse('{\n  a = 1;\n}', 'f.nix', '/');
    expect(e.kind).toBe('Attrs');
    const a = (e as Attrs).attrs.get('a')!;
    expect(e.src.location(a.start)).toEqual({ line: 2, column: 3 });
  });
  it('inherit (e) keeps the expression once and refers to it by index', () => {
    const e = parse('{ inherit (x) a b; }', 'f.nix', '/') as Attrs;
    expect(e.inheritFrom.length).toBe(1);
    const a = e.attrs.get('a')!;
    expect(a.kind).toBe('inheritedFrom');
    expect(a.e.kind).toBe('Select');
  });
  it('integers beyond 2^53 are bigints', () => {
    expect((parse('9007199254740993', 'f', '/') as Expr & { value: unknown }).value).toBe(9007199254740993n);
  });
  it('binary operators record the operator position', () => {
    const e = parse('a  ==  b', 'f', '/');
    expect(e.kind === 'BinOp' && e.opStart).toBe(3);
  });
});
