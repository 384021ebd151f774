/**
 * POSIX extended regular expressions, as Nix evaluates them: `std::regex` with
 * `std::regex::extended` from libstdc++, over byte strings.
 *
 * A pattern is parsed once (and cached) into a small AST following libstdc++'s grammar and
 * its quirks: only `.[\()*+?{|^$` may be escaped, a backslash inside brackets is literal, a
 * leading `]` or `-` in a bracket is literal, `a-z-9` and `[:alpha:]-z` are errors, `{,n}`
 * is an error, `^`/`$` cannot be quantified, character classes are ASCII (C locale), and
 * ranges compare bytes as signed chars.
 *
 * Matching has two engines with the same results:
 *  - a JavaScript RegExp translated from the AST (no `u` flag: one code unit per byte), used
 *    whenever libstdc++ and JavaScript provably agree; and
 *  - `Nfa`, a backtracking matcher built like libstdc++'s NFA and `_Executor` (DFS mode),
 *    used otherwise. libstdc++ differs from JavaScript in two ways that show in results:
 *    captures inside a loop keep their value from earlier iterations (and empty iterations
 *    are allowed twice), and in a search both sides of every `|` are tried, keeping the
 *    longest match (POSIX style) rather than the first.
 */
import { NixError } from '../eval/errors';
import { Executor, Nfa } from './regex-nfa';
import { Node, Parser, RegexSpaceError, RegexSyntaxError } from './regex-parse';

// ---------------------------------------------------------------------------------------
// Translation to JavaScript

function hex(c: number): string {
  return '\\x' + (c < 16 ? '0' : '') + c.toString(16);
}

function jsChar(c: number): string {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? String.fromCharCode(c) : hex(c);
}

function toJs(n: Node): string {
  switch (n.k) {
    case 'char':
      return jsChar(n.c);
    case 'any':
      return '[^]';
    case 'bol':
      return '^';
    case 'eol':
      return '$';
    case 'empty':
      return '(?:)';
    case 'set': {
      let out = '';
      let count = 0;
      for (let c = 0; c < 256; ) {
        if (!n.tbl[c]) {
          c++;
          continue;
        }
        let e = c;
        while (e + 1 < 256 && n.tbl[e + 1]) e++;
        count += e - c + 1;
        out += e === c ? jsChar(c) : e === c + 1 ? jsChar(c) + jsChar(e) : hex(c) + '-' + hex(e);
        c = e + 1;
      }
      if (count === 0) return '(?!)';
      if (count === 256) return '[^]';
      return '[' + out + ']';
    }
    case 'group':
      return '(' + toJs(n.body) + ')';
    case 'alt':
      return '(?:' + toJs(n.a) + '|' + toJs(n.b) + ')';
    case 'seq':
      return n.items.map(toJs).join('');
    case 'rep': {
      const q =
        n.min === 0 && n.max === -1
          ? '*'
          : n.min === 1 && n.max === -1
            ? '+'
            : n.min === 0 && n.max === 1
              ? '?'
              : n.max === -1
                ? `{${n.min},}`
                : `{${n.min},${n.max}}`;
      return '(?:' + toJs(n.body) + ')' + q;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Compiled regexes

/** A match: the whole match as [start, end], then each group or null. */
export type Match = Array<[number, number] | null>;

export class Regex {
  private exec?: Executor;
  private nfa: Nfa;
  /** JS regexes for full matching and for searching, when they agree with libstdc++. */
  private readonly full?: RegExp;
  private readonly search?: RegExp;

  constructor(
    readonly source: string,
    ast: Node,
    readonly groupCount: number,
    captureInLoop: boolean,
    hasAlt: boolean,
  ) {
    this.nfa = new Nfa(ast, groupCount);
    const js = toJs(ast);
    if (!captureInLoop) {
      this.full = new RegExp('^(?:' + js + ')$');
      if (!hasAlt) this.search = new RegExp(js, groupCount > 0 ? 'dg' : 'g');
    }
  }

  /** `builtins.match`: the groups of a match of the whole string, or null. */
  matchFull(s: string): (string | null)[] | null {
    if (this.full) {
      const m = this.full.exec(s);
      if (m === null) return null;
      const out: (string | null)[] = [];
      for (let i = 1; i < m.length; i++) out.push(m[i] === undefined ? null : m[i]);
      return out;
    }
    const ex = (this.exec ??= new Executor(this.nfa));
    if (!guard(() => ex.run(s, 0, true, false))) return null;
    return ex
      .groups()
      .slice(1)
      .map((g) => (g ? s.slice(g[0], g[1]) : null));
  }

  /** All matches as `std::cregex_iterator` enumerates them. */
  matchAll(s: string): Match[] {
    const out: Match[] = [];
    if (this.search) {
      const re = this.search;
      re.lastIndex = 0;
      for (;;) {
        const m = re.exec(s);
        if (m === null) break;
        const start = m.index;
        const end = start + m[0].length;
        const groups: Match = [[start, end]];
        const d = m.indices;
        if (d) for (let i = 1; i < d.length; i++) groups.push(d[i] === undefined ? null : [d[i]![0], d[i]![1]]);
        out.push(groups);
        if (end === start) {
          if (end >= s.length) break;
          re.lastIndex = end + 1;
        }
      }
      return out;
    }
    const ex = (this.exec ??= new Executor(this.nfa));
    const searchFrom = (from: number): Match | null => {
      for (let b = from; b <= s.length; b++) if (guard(() => ex.run(s, b, false, false))) return ex.groups();
      return null;
    };
    let m = searchFrom(0);
    while (m !== null) {
      out.push(m);
      const [start, end] = m[0]!;
      if (start === end) {
        if (end === s.length) break;
        if (guard(() => ex.run(s, end, false, true))) {
          m = ex.groups();
          continue;
        }
        m = searchFrom(end + 1);
      } else m = searchFrom(end);
    }
    return out;
  }
}

function guard(f: () => boolean): boolean {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) throw new NixError('stack-overflow', 'stack overflow (possible infinite recursion) while matching a regular expression');
    throw e;
  }
}

const cache = new Map<string, Regex>();

/** Compiles (or fetches from the cache) a POSIX extended regex; errors as Nix reports them. */
export function compileRegex(re: string): Regex {
  let r = cache.get(re);
  if (r !== undefined) return r;
  try {
    const p = new Parser(re);
    const ast = p.parse();
    r = new Regex(re, ast, p.groups, p.captureInLoop, p.hasAlt);
  } catch (e) {
    if (e instanceof RegexSyntaxError) throw new NixError('eval', `invalid regular expression '${re}'`);
    if (e instanceof RegexSpaceError) throw new NixError('eval', `memory limit exceeded by regular expression '${re}'`);
    throw e;
  }
  cache.set(re, r);
  return r;
}
