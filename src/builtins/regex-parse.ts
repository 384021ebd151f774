/**
 * Parsing POSIX extended regular expressions with libstdc++'s grammar and quirks (see
 * regex.ts) into a small AST shared by the JavaScript translation and the NFA matcher.
 */
export type Node =
  | { k: 'char'; c: number }
  | { k: 'set'; tbl: Uint8Array }
  | { k: 'any' }
  | { k: 'bol' }
  | { k: 'eol' }
  | { k: 'empty' }
  | { k: 'group'; idx: number; body: Node }
  | { k: 'alt'; a: Node; b: Node }
  | { k: 'seq'; items: Node[] }
  | { k: 'rep'; body: Node; min: number; max: number }; // max -1: unbounded

export class RegexSyntaxError extends Error {}

/** libstdc++'s `_GLIBCXX_REGEX_STATE_LIMIT`. */
export const STATE_LIMIT = 100000;

// ---------------------------------------------------------------------------------------
// Character classes (C locale)

function classTable(name: string): Uint8Array | undefined {
  const t = new Uint8Array(256);
  const test: ((c: number) => boolean) | undefined = (
    {
      alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
      digit: (c) => c >= 48 && c <= 57,
      d: (c) => c >= 48 && c <= 57,
      alnum: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57),
      w: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95,
      upper: (c) => c >= 65 && c <= 90,
      lower: (c) => c >= 97 && c <= 122,
      space: (c) => c === 32 || (c >= 9 && c <= 13),
      s: (c) => c === 32 || (c >= 9 && c <= 13),
      blank: (c) => c === 32 || c === 9,
      cntrl: (c) => c < 32 || c === 127,
      print: (c) => c >= 32 && c < 127,
      graph: (c) => c > 32 && c < 127,
      punct: (c) =>
        c > 32 && c < 127 && !((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)),
      xdigit: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
    } as Record<string, (c: number) => boolean>
  )[name];
  if (!test) return undefined;
  for (let c = 0; c < 256; c++) if (test(c)) t[c] = 1;
  return t;
}

/** A byte as libstdc++ compares it in ranges (`char` is signed). */
const signedByte = (c: number) => (c >= 128 ? c - 256 : c);

// ---------------------------------------------------------------------------------------
// Parser

const ESCAPABLE = '.[\\()*+?{|^$';

export class Parser {
  i = 0;
  groups = 0;
  loopDepth = 0;
  /** A capture group inside a quantified expression. */
  captureInLoop = false;
  hasAlt = false;
  constructor(readonly re: string) {}

  fail(): never {
    throw new RegexSyntaxError();
  }

  parse(): Node {
    const n = this.disjunction();
    if (this.i < this.re.length) this.fail(); // e.g. an unmatched ')' or a leading '*'
    return n;
  }

  disjunction(): Node {
    let n = this.alternative();
    while (this.re[this.i] === '|') {
      this.i++;
      this.hasAlt = true;
      n = { k: 'alt', a: n, b: this.alternative() };
    }
    return n;
  }

  alternative(): Node {
    const items: Node[] = [];
    for (;;) {
      const t = this.term();
      if (t === undefined) break;
      items.push(t);
    }
    return items.length === 0 ? { k: 'empty' } : items.length === 1 ? items[0] : { k: 'seq', items };
  }

  term(): Node | undefined {
    const c = this.re[this.i];
    if (c === '^') return this.i++, { k: 'bol' };
    if (c === '$') return this.i++, { k: 'eol' };
    const start = this.i;
    const groupsBefore = this.groups;
    let atom = this.atom();
    if (atom === undefined) return undefined;
    for (;;) {
      const q = this.re[this.i];
      let min: number;
      let max: number;
      if (q === '*') (min = 0), (max = -1), this.i++;
      else if (q === '+') (min = 1), (max = -1), this.i++;
      else if (q === '?') (min = 0), (max = 1), this.i++;
      else if (q === '{') {
        this.i++;
        min = this.count();
        max = min;
        if (this.re[this.i] === ',') {
          this.i++;
          max = this.re[this.i] === '}' ? -1 : this.count();
        }
        if (this.re[this.i] !== '}') this.fail();
        this.i++;
        if (max !== -1 && max < min) this.fail();
      } else break;
      if (this.groups > groupsBefore) this.captureInLoop = true;
      atom = { k: 'rep', body: atom, min, max };
    }
    void start;
    return atom;
  }

  count(): number {
    const m = /^[0-9]+/.exec(this.re.slice(this.i, this.i + 12));
    if (!m) this.fail();
    this.i += m[0].length;
    const n = Number(m[0]);
    if (n > STATE_LIMIT) throw new RegexSpaceError();
    return n;
  }

  atom(): Node | undefined {
    const re = this.re;
    const c = re[this.i];
    if (c === undefined) return undefined;
    switch (c) {
      case '.':
        this.i++;
        return { k: 'any' };
      case '(': {
        this.i++;
        const idx = ++this.groups;
        const body = this.disjunction();
        if (re[this.i] !== ')') this.fail();
        this.i++;
        return { k: 'group', idx, body };
      }
      case '[':
        this.i++;
        return this.bracket();
      case '\\': {
        const d = re[this.i + 1];
        if (d === undefined || !ESCAPABLE.includes(d)) this.fail();
        this.i += 2;
        return { k: 'char', c: d.charCodeAt(0) };
      }
      case ')':
      case '|':
      case '*':
      case '+':
      case '?':
      case '{':
        return undefined;
      default:
        this.i++;
        return { k: 'char', c: c.charCodeAt(0) };
    }
  }

  /** After '['. */
  bracket(): Node {
    const re = this.re;
    const tbl = new Uint8Array(256);
    let neg = false;
    if (re[this.i] === '^') (neg = true), this.i++;
    // The pending single character (which may start a range), or 'class' after a class.
    let last: number | 'class' | undefined;
    const flush = () => {
      if (typeof last === 'number') tbl[last] = 1;
    };
    const addRange = (lo: number, hi: number) => {
      const a = signedByte(lo);
      const b = signedByte(hi);
      if (a > b) this.fail();
      for (let x = a; x <= b; x++) tbl[x & 255] = 1;
    };
    /** Reads a single-character token, or returns undefined if the next token is not one. */
    const tryChar = (atStart: boolean): number | undefined => {
      const ch = re[this.i];
      if (ch === undefined) this.fail();
      if (ch === '-') return undefined;
      if (ch === ']' && !atStart) return undefined;
      if (ch === '[' && (re[this.i + 1] === '.' || re[this.i + 1] === ':' || re[this.i + 1] === '=')) return undefined;
      this.i++;
      return ch.charCodeAt(0);
    };
    /** `[.x.]`, `[=x=]`, `[:name:]` after the '['. */
    const special = (): { kind: string; name: string } => {
      const kind = re[this.i + 1];
      const close = re.indexOf(kind + ']', this.i + 2);
      if (close < 0) this.fail();
      const name = re.slice(this.i + 2, close);
      this.i = close + 2;
      return { kind, name };
    };

    // The first character: ']' is literal, and so is '-'.
    const first = tryChar(true);
    if (first !== undefined) last = first;
    else if (re[this.i] === '-') (last = 45), this.i++;

    for (;;) {
      const ch = re[this.i];
      if (ch === undefined) this.fail();
      if (ch === ']') {
        this.i++;
        flush();
        break;
      }
      if (ch === '[' && (re[this.i + 1] === '.' || re[this.i + 1] === ':' || re[this.i + 1] === '=')) {
        const { kind, name } = special();
        if (kind === ':') {
          const t = classTable(name);
          if (!t) this.fail();
          flush();
          for (let x = 0; x < 256; x++) if (t[x]) tbl[x] = 1;
          last = 'class';
        } else {
          // Only single-character collating elements are supported (as in the C locale).
          if (name.length !== 1) this.fail();
          if (kind === '.') {
            flush();
            last = name.charCodeAt(0);
          } else {
            flush();
            tbl[name.charCodeAt(0)] = 1;
            last = 'class';
          }
        }
        continue;
      }
      const c = tryChar(false);
      if (c !== undefined) {
        flush();
        last = c;
        continue;
      }
      // A dash.
      this.i++;
      if (re[this.i] === ']') {
        flush();
        last = 45;
        continue;
      }
      if (typeof last !== 'number') this.fail();
      const hi = tryChar(false);
      if (hi !== undefined) addRange(last, hi);
      else if (re[this.i] === '-') {
        this.i++;
        addRange(last, 45);
      } else this.fail();
      last = undefined;
    }
    if (neg) for (let x = 0; x < 256; x++) tbl[x] ^= 1;
    return { k: 'set', tbl };
  }
}

export class RegexSpaceError extends Error {}

