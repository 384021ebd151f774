/**
 * The fast parser (grammar/fast-parser.ts) against the chevrotain reference (grammar/parser.ts):
 * on every input both must give the same result — the same AST, printed (`printExpr`) and
 * dumped with every field in order and every position, or the same error message at the
 * same position.
 *
 * Inputs: every .nix file of the repository (test/, examples/, modules/, corepkgs/, and each
 * case of test/corpus/*.nix), nixpkgs' lib and Nix's language tests when present (NIXPKGS_LIB,
 * NIX_SUITE; skipped with a message otherwise), targeted cases for each grammar form and each
 * error class, and seeded random inputs: mutations of those files, token soup, and random
 * programs from a small generator.
 */
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ParseError, Source, type Expr } from '../../grammar/ast';
import { fastParse } from '../../grammar/fast-parser';
import {
  parse,
  parseSourceWithReference,
  parseWithReference,
  printExpr,
  useReferenceParser,
} from '../../grammar/index';
import { getParser } from '../../grammar/reference';
import { Tk, tokenLabels, tokenTypes } from '../../grammar/lexer';
import { T } from '../../grammar/tokens';
import type { TokenType } from 'chevrotain';
import { astToJson, parseCommand } from '../../src/cli/parse';
import { oracleCorpus } from './oracle-corpus';

const root = path.join(__dirname, '../..');
const libDir = path.join(process.env.NIXPKGS_LIB ?? '/work/suites/nixpkgs.lib', 'lib');
const langDir = path.join(process.env.NIX_SUITE ?? '/work/suites/nix', 'tests/functional/lang');

/** Every field of every node, in order (undefined ones too), with offsets; no Source objects. */
function dump(e: unknown): string {
  const go = (v: unknown): unknown => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v === undefined) return '<undefined>';
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Source) return `<${v.path}>`;
    if (Array.isArray(v)) return v.map(go);
    if (v instanceof Map) return ['<Map>', ...[...v].map(([k, x]) => [k, go(x)])];
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[k] = go((v as Record<string, unknown>)[k]);
    return o;
  };
  return JSON.stringify(go(e));
}

/** What a parser makes of a source: the AST (printed, dumped, as `nixling parse --json`) or the error. */
function outcome(parser: (s: Source) => Expr, src: Source): string {
  let e: Expr;
  try {
    e = parser(src);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const { line, column } = src.location(err.start);
    return `error at ${line}:${column} (${err.start}-${err.end}): ${err.message}`;
  }
  return `${printExpr(e)}\n${dump(e)}\n${JSON.stringify(astToJson(e))}`;
}

/** Both parsers on one text; returns a description of the difference, or undefined. */
function compare(text: string, name = 'test.nix', dir = '/dir'): string | undefined {
  const src = new Source(name, text, dir);
  const ref = outcome(parseSourceWithReference, src);
  const fast = outcome(fastParse, src);
  if (ref === fast) return undefined;
  let i = 0;
  while (ref[i] === fast[i]) i++;
  const from = Math.max(0, i - 120);
  return `${name}: ${JSON.stringify(text.length > 300 ? text.slice(0, 300) + '…' : text)}\n  reference: …${ref.slice(from, i + 200)}\n  fast:      …${fast.slice(from, i + 200)}`;
}

function nixFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) nixFiles(p, out);
    } else if (e.name.endsWith('.nix')) out.push(p);
  }
  return out.sort();
}

/** Compares every file; fails listing the first differences. */
function compareFiles(files: string[]): void {
  const diffs: string[] = [];
  for (const f of files) {
    const d = compare(fs.readFileSync(f, 'latin1'), f, path.dirname(f));
    if (d) diffs.push(d);
  }
  expect(diffs.slice(0, 5).join('\n\n'), `${diffs.length} of ${files.length} files differ`).toBe('');
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const repoFiles = ['test', 'examples', 'modules', 'corepkgs'].flatMap((d) => nixFiles(path.join(root, d)));

/** The cases of test/corpus/*.nix (separated by `---` lines). */
function corpusCases(): string[] {
  const dir = path.join(root, 'test/corpus');
  const out: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.nix'))) {
    let cur: string[] = [];
    for (const l of fs.readFileSync(path.join(dir, f), 'latin1').split('\n')) {
      if (l.trim() === '---') {
        out.push(cur.join('\n'));
        cur = [];
      } else cur.push(l);
    }
    out.push(cur.join('\n'));
  }
  return out;
}

describe('fast parser = reference parser, on files', () => {
  it(`the repository's .nix files (${repoFiles.length})`, () => {
    expect(repoFiles.length).toBeGreaterThan(10);
    compareFiles(repoFiles);
  });
  it('each case of test/corpus', () => {
    const diffs = corpusCases()
      .map((c, i) => compare(c, `corpus case ${i}`))
      .filter((d) => d !== undefined);
    expect(diffs.slice(0, 5).join('\n\n')).toBe('');
  });
  it('nixpkgs lib/**/*.nix', () => {
    if (!fs.existsSync(libDir)) {
      console.log(`nixpkgs lib absent at ${libDir} (set NIXPKGS_LIB): not compared`);
      return;
    }
    compareFiles(nixFiles(libDir));
  });
  for (const kind of ['parse-okay', 'parse-fail', 'eval-okay', 'eval-fail']) {
    it(`Nix's language tests: ${kind}-*.nix`, () => {
      if (!fs.existsSync(langDir)) {
        console.log(`Nix language tests absent at ${langDir} (set NIX_SUITE): not compared`);
        return;
      }
      const files = fs
        .readdirSync(langDir)
        .filter((f) => f.startsWith(kind + '-') && f.endsWith('.nix'))
        .map((f) => path.join(langDir, f));
      expect(files.length).toBeGreaterThan(0);
      compareFiles(files);
    });
  }
});

/** Each grammar form, and each class of error; both parsers must agree on all of them. */
const targeted: string[] = [
  // literals
  '42', '0', '007', '9223372036854775807', '9223372036854775808', '99999999999999999999', '1.5', '1.', '.5', '1e3',
  '1.5e3', '1.0e-5', '1.0E+5', '1.0e999', '1.0e-999', '0.0', '00.5', '1.2.3', '..5',
  '"a\\nb\\tc\\rd\\\\e\\"f"', '"$"', '"$$"', '"$${x}"', '"\\${x}"', '"a\r\nb\rc"', '"a${b}c"', '"${a}"', '"${"a"}"',
  '""', '"a${b}${c}d"', '"a\\', '"a$', '"a$\\', '"\\\0"', '"a\0b"', "''a\0''",
  // indented strings
  "''\n  a\n    b\n''", "''\n  a\n  ''", "''a'''b''", "''a''$b''", "''a''\\tb''", "''\n  ${x}\n''", "''''",
  "''\n''", "''\n  a\n\n  b''", "''$''", "''${a}''", "'' \n  a\n ${b} c\n''", "''  \n\t a\n''", "''a'b''",
  "''a$b''", "''a$''", "''a'", "''a''\\", "''a${", "''\r\n  a\r\n''",
  // paths
  './a', './a/../b', '../x', 'a/b', '/abs/./p/..', '~/x', './a/${x}', './a${x}b', '~/${x}', '/a/${b}/c${d}e',
  './a/', './a/ + 1', 'a/b/', './a/${x}/', '/${x}', 'a//b', 'a/b//c', '<nixpkgs/lib>', '<nixpkgs>', '<a/b/>', '< a >',
  './a.nix', 'a+b/c', '-a/b', '1/2', '.a/b', '..', '../..', './.', 'a/b.c/d-e_f+g',
  // URIs and identifiers
  'http://x.org/a?b=c', 'x:x', 'a+b:c', 'a_b:c', "a'b:c", '__curPos', 'null', 'true', 'false', "a'", 'a-b', '_a', '__x',
  // functions
  'x: x', '{ b, a ? 1, ... }: a', '{ ... }: 1', '{ }: 1', '{ a, }: a', 'args@{ a }: a', '{ a } @ args: a',
  '{ a ? 1 }: a', '{ a, b ? a + 1, c ? { }, ... } @ all: a', 'a: b: c: a b c', '{ a }: { b }: a',
  // application, select, or
  'f a b', '(f a) b', '(a - b) c', 'a.b.c', 'a.b or c', 'a."b c".${d}', 'a.${"b"}', 'a or b', 'a.or', '[ a or ]',
  'a.b or c.d or e', 'f a.b or c d', 'a.${b}.c or (d e)', 'a."${b}c"', 'f or', 'f or or', '{ or = 1; }.or',
  // operators: precedence and associativity of all of them
  'a ? b.c', '!a == b', '!a + b', '-a * b', 'a - -b', 'a < b', 'a > b', 'a <= b', 'a >= b', 'a ++ b ++ c',
  'a // b // c', 'a -> b -> c', 'a + b * c ++ d', 'a || b && c', 'a && b || c', 'a == b && c != d',
  'a - b - c', 'a / b / c', 'a * b / c * d', 'a + b - c + d', '- - a', '! ! a', '!-a', '-!a', '- a.b', '-f a',
  'a -> b || c && d == e < f // g + h * i ++ j ? k', 'a ? k ++ j * i + h // g < f == e && d || c -> b',
  '!a ? b', '-a ? b', 'a ? b.c.d', 'a ? "b".${c}', 'a ? b || c', 'a // b ? c', '1 + 2 * 3 - 4 / 5',
  'a == b == c', 'a != b == c', 'a < b > c', 'a <= b >= c', 'a ? b ? c', 'a == b != c == d', '!a ? b ? c',
  'a < b == c < d', 'a == b < c', 'a == b == c + )', 'a == (b == c)', '(a ? b) ? c', 'a ? b == c ? d',
  'a < b < c < d', 'a -> b -> ', 'a +', '+ a', '* a', 'a ?', 'a ? ', 'a ? 1', 'a ? or', 'a ? ${b}',
  // attribute sets
  '{ }', '{ b = 1; a = 2; }', 'rec { a = 1; }', '{ a.b = 1; a.c = 2; }', '{ a = { b = 1; }; a.c = 2; }',
  '{ a.c = 2; a = { b = 1; }; }', '{ a = rec { b = 1; }; a.c = 2; }', '{ ${x} = 1; "${y}z" = 2; }',
  '{ "a b" = 1; "if" = 2; or = 3; }', '{ inherit a b; inherit (c) d; inherit (e) f; }',
  '{ a = { inherit (x) y; }; a = { inherit (z) w; }; }', '{ inherit "a"; }', '{ inherit; }', '{ inherit (a); }',
  '{ inherit (a) ${b}; }', '{ inherit ${a}; }', '{ inherit "${a}"; }', '{ inherit "a${b}"; }', '{ inherit or; }',
  '{ a.${b}.c = 1; a.${b}.d = 2; }', '{ ${"a"} = 1; a = 2; }', '{ a = 1; ${"a"} = 2; }', '{ "a".b = 1; a.c = 2; }',
  '{ a = 1; a = 2; }', '{ a.b = 1; a.b = 2; }', '{ a = 1; a.b = 2; }', '{ inherit a; a = 1; }', '{ a = 1; inherit a; }',
  '{ a = {}; a = 1; }', '{ inherit a; inherit a; }', '{ inherit (x) a; inherit (y) a; }', '{ a = { b = 1; }; a = { b = 2; }; }',
  '{ a.b.c = 1; a = { b = { d = 2; }; }; }', '{ a = { inherit (x) b; }; a.c = 3; }', '{ a = 1 }', '{ a + b }', '{ a b }',
  '{ a = 1; b }', '{ a = 1; b = 2; ', '{', '}', '{ a.b }', '{ "a" }', '{ ${a} }', '{ a. = 1; }', '{ .a = 1; }',
  'rec { a = 1; a = 2; }', 'rec {', 'rec { a }', 'rec a', 'rec', '{ a = 1; } // { a = 2; }',
  // let, with, assert, if
  'let a = 1; b = a; in b', 'let { body = 1; }', 'let { a = 1; body = a; }', 'let { }', 'let {', 'let { a }',
  'let a = 1; 2', 'let a = 1; in', 'let in 1', 'let ${a} = 1; in 1', 'let "a" = 1; in a', 'let a = 1; a = 2; in a',
  'let inherit a; in a', 'let inherit (x) a; in a', 'let a.b = 1; a.c = 2; in a', 'let ${a} = 1; in )',
  'with a; b', 'with a; with b; c', 'with a', 'with a b', 'assert a; b', 'assert a', 'assert a b', 'if a then b else c',
  'if a then b', 'if a else b', 'if a then b else', 'if a then if b then c else d else e', 'a: if a then 1 else 2',
  // lists and parentheses
  '[ 1 (f x) a.b ]', '[ ]', '[', '[ 1 2', '[ a b.c or d -e ]', '[ f a ]', '( )', '(1', '1 )', '((a))',
  // lambda heads and their errors
  '{ a }', '{ a, b }', '{ a ? 1 }', '{ a, b c }: a', '{ ... , }: 1', '{ a, ..., }: 1', '{ a, ... b }: 1',
  '{ x, y, x }: x', 'x@{ x }: x', '{ x } @ x: x', 'x@{ y, z ? x }: x', 'x@ y', 'x @ { }', '{ } @ ', '{ } @ 1: 1',
  '{ }:', '{ a ? }: a', '{ a ? 1, b ? 2 }', '{ a, a }: (', 'a@{ a, a }: 1', '{ a }: a == b == c', 'x:', 'x: )',
  'x:\n  y:\n  )',
  // comments and whitespace
  '/* c */ 1 # d', '1 /**/ + /* x */ 2', 'a\r\n+\rb', '/* unterminated', '1 /* x', '# only a comment', '', ' ',
  '/*/ 1', '1 #',
  // lexer errors
  'a |> b', 'a <| b', '1 $ 2', '1 & 2', '1 | 2', '`', '\\', ';', 'a ; b', 'a b c )',
  // nesting
  '{ a = { b = { c = [ { d = x: y: { e = x.f or y; }; } ]; }; }; }', 'let f = { a ? 1, ... } @ args: args; in f { }',
];

describe('fast parser = reference parser, on targeted cases', () => {
  for (const text of [...targeted, ...oracleCorpus]) {
    it(JSON.stringify(text), () => expect(compare(text)).toBeUndefined());
  }
});

describe('fast parser = reference parser, on random inputs', () => {
  const fragments = [
    ' ', '\n', '{', '}', '(', ')', '[', ']', ';', ':', '.', ',', '@', '?', '!', '=', '==', '!=', '<', '>', '<=', '>=',
    '&&', '||', '->', '//', '++', '+', '-', '*', '/', '"', "''", '${', 'a', 'b', 'or', 'let', 'in', 'rec', 'inherit',
    'if', 'then', 'else', 'assert', 'with', '...', '1', '2.5', './p', '~/p', '<p>', 'x:y', '__curPos', '$', '\\', '#',
  ];

  it('mutations of the repository files', () => {
    const rnd = random(1);
    const diffs: string[] = [];
    for (const f of repoFiles) {
      const text = fs.readFileSync(f, 'latin1');
      for (let k = 0; k < 25; k++) {
        const p = rnd(text.length + 1);
        let v: string;
        switch (rnd(4)) {
          case 0:
            v = text.slice(0, p);
            break;
          case 1:
            v = text.slice(0, p) + fragments[rnd(fragments.length)] + text.slice(p);
            break;
          case 2:
            v = text.slice(0, p) + text.slice(p + 1 + rnd(8));
            break;
          default: {
            const q = rnd(text.length + 1);
            v = text.slice(0, p) + text.slice(q, q + rnd(30)) + text.slice(p);
          }
        }
        const d = compare(v, f, path.dirname(f));
        if (d) diffs.push(d);
      }
    }
    expect(diffs.slice(0, 3).join('\n\n')).toBe('');
  });

  it('token soup', () => {
    const rnd = random(2);
    const diffs: string[] = [];
    for (let k = 0; k < 20000; k++) {
      let s = '';
      const len = 1 + rnd(14);
      for (let j = 0; j < len; j++) s += fragments[rnd(fragments.length)] + (rnd(2) ? ' ' : '');
      const d = compare(s);
      if (d) diffs.push(d);
    }
    expect(diffs.slice(0, 3).join('\n\n')).toBe('');
  });

  it('generated programs, intact and with one token changed', () => {
    const rnd = random(3);
    const pick = <T>(xs: T[]): T => xs[rnd(xs.length)];
    const names = ['a', 'b', 'c', 'or', '"a"', '${"b"}', '${x}'];
    const ops = ['->', '||', '&&', '==', '!=', '<', '>', '<=', '>=', '//', '+', '-', '*', '/', '++'];
    const attrpath = (): string => Array.from({ length: 1 + rnd(2) }, () => pick(names)).join('.');
    const binds = (d: number): string => {
      let s = '';
      for (let n = rnd(4); n > 0; n--) {
        const r = rnd(6);
        if (r === 0) s += `inherit ${pick(['a', 'b', 'or', '"c"'])}; `;
        else if (r === 1) s += `inherit (${gen(d)}) ${pick(['a', 'b'])} ${pick(['c', 'a'])}; `;
        else s += `${attrpath()} = ${gen(d)}; `;
      }
      return s;
    };
    const gen = (d: number): string => {
      if (d > 4) return pick(['x', '1', '"s"', './p', 'null']);
      d++;
      switch (rnd(22)) {
        case 0:
          return `{ ${binds(d)}}`;
        case 1:
          return `rec { ${binds(d)}}`;
        case 2:
          return `let ${binds(d)}in ${gen(d)}`;
        case 3:
          return `let { ${binds(d)}body = ${gen(d)}; }`;
        case 4:
          return `${pick(['x', 'a'])}: ${gen(d)}`;
        case 5:
          return `{ ${pick(['', 'a', 'a, b', 'a ? ' + gen(d) + ', b', 'a, ...', '...', 'b, a, b'])} }${pick(['', ' @ a', ' @ c'])}: ${gen(d)}`;
        case 6:
          return `${pick(['a', 'x'])} @ { ${pick(['a', 'b ? 1', 'b, ...'])} }: ${gen(d)}`;
        case 7:
          return `if ${gen(d)} then ${gen(d)} else ${gen(d)}`;
        case 8:
          return `assert ${gen(d)}; ${gen(d)}`;
        case 9:
          return `with ${gen(d)}; ${gen(d)}`;
        case 10:
          return `${gen(d)} ${pick(ops)} ${gen(d)}`;
        case 11:
          return `${pick(['!', '-'])}${gen(d)}`;
        case 12:
          return `${gen(d)}.${attrpath()}${rnd(2) ? ' or ' + gen(d) : ''}`;
        case 13:
          return `${gen(d)} ? ${attrpath()}`;
        case 14:
          return `${gen(d)} ${gen(d)}`;
        case 15:
          return `(${gen(d)})`;
        case 16:
          return `[ ${gen(d)} ${gen(d)} ]`;
        case 17:
          return `"a\${${gen(d)}}b"`;
        case 18:
          return `''\n  a\n  \${${gen(d)}}\n''`;
        case 19:
          return `./p/\${${gen(d)}}`;
        case 20:
          return pick(['__curPos', '<p>', 'http://x', '1.5', '~/p', 'a or b']);
        default:
          return pick(['x', 'a', 'b', '1', '"s"']);
      }
    };
    const diffs: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const text = gen(0);
      for (const v of [text, mutate(text)]) {
        const d = compare(v);
        if (d) diffs.push(d);
      }
    }
    expect(diffs.slice(0, 3).join('\n\n')).toBe('');

    function mutate(text: string): string {
      const tokens = text.split(/(\s+)/);
      const i = rnd(tokens.length);
      if (rnd(2)) tokens[i] = pick(fragments);
      else tokens.splice(i, 1);
      return tokens.join('');
    }
  });
});

describe('choosing the parser', () => {
  /** Which parser read `text` last: the chevrotain parser keeps the source it parsed. */
  const usedReference = (text: string) => {
    parse(text, 'f', '/');
    return getParser().src?.text === text;
  };
  it('parse uses the fast parser; parseWithReference, NIXLING_PARSER=reference and useReferenceParser the chevrotain one', () => {
    expect(usedReference('{ a = 1; }')).toBe(false);
    expect(dump(parse('{ a = 1; }', 'f', '/'))).toBe(dump(parseWithReference('{ a = 1; }', 'f', '/')));
    expect(getParser().src.text).toBe('{ a = 1; }');
    const old = process.env.NIXLING_PARSER;
    try {
      process.env.NIXLING_PARSER = 'reference';
      expect(usedReference('a: a')).toBe(true);
      useReferenceParser(false);
      expect(usedReference('b: b')).toBe(false);
      delete process.env.NIXLING_PARSER;
      useReferenceParser(true);
      expect(usedReference('c: c')).toBe(true);
    } finally {
      useReferenceParser(undefined);
      if (old === undefined) delete process.env.NIXLING_PARSER;
      else process.env.NIXLING_PARSER = old;
    }
  });
});

describe('token kinds', () => {
  it('each lexer kind maps to the chevrotain token type of the same name, and to its label', () => {
    const pairs: [Tk, TokenType][] = [
      [Tk.ID, T.ID], [Tk.STR, T.STR], [Tk.IND_STR, T.IND_STR], [Tk.INT, T.INT], [Tk.FLOAT, T.FLOAT],
      [Tk.PATH, T.PATH], [Tk.HPATH, T.HPATH], [Tk.SPATH, T.SPATH], [Tk.PATH_END, T.PATH_END],
      [Tk.URI, T.URI], [Tk.IF, T.IF], [Tk.THEN, T.THEN], [Tk.ELSE, T.ELSE], [Tk.ASSERT, T.ASSERT],
      [Tk.WITH, T.WITH], [Tk.LET, T.LET], [Tk.IN, T.IN], [Tk.REC, T.REC], [Tk.INHERIT, T.INHERIT],
      [Tk.OR_KW, T.OR_KW], [Tk.ELLIPSIS, T.ELLIPSIS], [Tk.EQ, T.EQ], [Tk.NEQ, T.NEQ], [Tk.LEQ, T.LEQ],
      [Tk.GEQ, T.GEQ], [Tk.AND, T.AND], [Tk.OR, T.OR], [Tk.IMPL, T.IMPL], [Tk.UPDATE, T.UPDATE],
      [Tk.CONCAT, T.CONCAT], [Tk.DOLLAR_CURLY, T.DOLLAR_CURLY], [Tk.IND_OPEN, T.IND_OPEN],
      [Tk.IND_CLOSE, T.IND_CLOSE], [Tk.COLON, T.COLON], [Tk.AT, T.AT], [Tk.SEMI, T.SEMI], [Tk.DOT, T.DOT],
      [Tk.LPAREN, T.LPAREN], [Tk.RPAREN, T.RPAREN], [Tk.LBRACK, T.LBRACK], [Tk.RBRACK, T.RBRACK],
      [Tk.LBRACE, T.LBRACE], [Tk.RBRACE, T.RBRACE], [Tk.ASSIGN, T.ASSIGN], [Tk.COMMA, T.COMMA],
      [Tk.QMARK, T.QMARK], [Tk.NOT, T.NOT], [Tk.MINUS, T.MINUS], [Tk.PLUS, T.PLUS], [Tk.STAR, T.STAR],
      [Tk.SLASH, T.SLASH], [Tk.LT, T.LT], [Tk.GT, T.GT], [Tk.DQUOTE, T.DQUOTE], [Tk.INVALID, T.INVALID],
    ];
    expect(pairs.length).toBe(Object.keys(T).length);
    for (const [kind, type] of pairs) {
      expect(tokenTypes[kind], type.name).toBe(type);
      expect(tokenLabels[kind], type.name).toBe(type.LABEL);
    }
    expect(tokenTypes[Tk.IND_STR_LIT]).toBe(T.IND_STR);
    expect(tokenLabels[Tk.EOF]).toBe('end of file');
  });
});

describe('nixling parse --reference', () => {
  it('prints the same AST as the fast parser', () => {
    const file = path.join(root, 'examples/hello/default.nix');
    const capture = (args: string[]) => {
      let out = '';
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
        out += Buffer.from(s as Uint8Array).toString('latin1');
        return true;
      });
      try {
        expect(parseCommand(args)).toBe(0);
      } finally {
        spy.mockRestore();
      }
      return out;
    };
    const fast = capture(['--json', file]);
    expect(capture(['--json', '--reference', file])).toBe(fast);
    expect(getParser().src.path).toContain('hello');
  });
});

describe('the command loads the reference parser from its own bundle (dist/reference-parser.js)', () => {
  const BIN = path.join(root, 'bin/nixling');
  const run = (args: string[], input: string, env: Record<string, string> = {}) =>
    spawnSync(BIN, args, { input, encoding: 'latin1', env: { ...process.env, NO_COLOR: '1', ...env } });

  it('parses as the fast parser does', () => {
    const text = 'let f = { a, b ? 2 }: a - -b; in f { a = 1; } ++ [ ./p "s${x}" ]';
    const ref = run(['parse', '--json', '--reference', '-'], text);
    expect(ref.stderr).toBe('');
    expect(ref.stdout).toBe(run(['parse', '--json', '-'], text).stdout);
  });

  it('reports syntax and duplicate-attribute errors as the fast parser does', () => {
    for (const text of ['1 +', '{ a = 1; a = 2; }', 'x: { inherit x; x = 1; }']) {
      const ref = run(['parse', '--reference', '-'], text);
      const fast = run(['parse', '-'], text);
      expect(ref.status).toBe(1);
      expect(ref.stderr).toBe(fast.stderr);
    }
  });

  it('evaluates under NIXLING_PARSER=reference', () => {
    const r = run(['instantiate', '--eval', '-E', 'let x = 2; in x * 3 - 1'], '', { NIXLING_PARSER: 'reference' });
    expect(r.stdout).toBe('5\n');
  });
});
