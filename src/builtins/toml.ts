/**
 * `builtins.fromTOML`: a TOML 1.0.0 parser with the behaviour of toml11, which Nix uses.
 *
 * Tables become sets, arrays lists, integers (decimal, 0x, 0o, 0b, with `_` between
 * digits, within int64) ints, floats (including inf and nan) floats. Dates and times parse
 * but, as in Nix without the `parse-toml-timestamps` experimental feature, converting them
 * is an error ("Dates and times are not supported"); with it, each becomes
 * `{ _type = "timestamp"; value = "…"; }`. Table rules follow the spec: a table
 * or key is defined once, `[a]` may not redefine a table made by dotted keys, inline tables
 * and static arrays are closed, `[[a]]` appends to an array of tables. Strings and keys
 * are byte strings (UTF-8); NUL bytes are rejected as Nix does.
 */
import { NixError } from '../eval/errors';
import { evalState } from '../eval/state';
import { Attrs, Lazy, mkInt, NixFloat, Value } from '../eval/value';
import { nullByteError, utf8Bytes } from './json';
import { argStringNoCtx } from './strings';
import type { Builtin } from './registry';

class TomlError extends Error {}

class Table {
  map = new Map<string, TVal>();
  /** Defined by a `[header]` (or as an element of `[[header]]`). */
  defined = false;
  /** Created by a dotted key. */
  dotted = false;
  /** An inline table `{…}`: closed to later additions. */
  inline = false;
}

class TArray {
  constructor(
    readonly items: TVal[],
    /** An array of tables (`[[a]]`), which headers may extend. */
    readonly ofTables: boolean,
  ) {}
}

/** A date, time or date-time, as written (validated). */
class DateTime {
  constructor(readonly text: string) {}
}

type TVal = Table | TArray | DateTime | string | number | bigint | boolean | NixFloat;

const isBare = (c: string) => /[A-Za-z0-9_-]/.test(c);

class TomlParser {
  i = 0;
  root = new Table();
  current: Table;
  constructor(readonly s: string) {
    this.current = this.root;
  }

  fail(msg: string): never {
    const upTo = this.s.slice(0, this.i);
    const line = upTo.split('\n').length;
    throw new TomlError(`[error] toml::parse: ${msg} (fromTOML line ${line})`);
  }

  peek(o = 0): string {
    return this.s[this.i + o] ?? '';
  }

  ws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }

  /** Optional comment, then a newline or the end of input. */
  endOfLine(): void {
    this.ws();
    if (this.peek() === '#') this.comment();
    if (this.i >= this.s.length) return;
    if (this.peek() === '\n') return void this.i++;
    if (this.peek() === '\r' && this.peek(1) === '\n') return void (this.i += 2);
    this.fail('expected a newline');
  }

  comment(): void {
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 10 || (c === 13 && this.peek(1) === '\n')) return;
      if ((c < 32 && c !== 9) || c === 127) this.fail('control character in comment');
      if (c >= 128) this.utf8();
      else this.i++;
    }
  }

  /** Whitespace, newlines and comments (inside arrays). */
  wsNewlines(): void {
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === '#') this.comment();
      else if (c === '\n') this.i++;
      else if (c === '\r' && this.peek(1) === '\n') this.i += 2;
      else return;
    }
  }

  parse(): Table {
    while (this.i < this.s.length) {
      this.wsNewlines();
      if (this.i >= this.s.length) break;
      if (this.peek() === '[') this.header();
      else {
        this.keyValue(this.current);
        this.endOfLine();
      }
    }
    return this.root;
  }

  header(): void {
    const isArray = this.peek(1) === '[';
    this.i += isArray ? 2 : 1;
    this.ws();
    const keys = this.key();
    this.ws();
    if (isArray ? !(this.peek() === ']' && this.peek(1) === ']') : this.peek() !== ']') this.fail('unterminated table header');
    this.i += isArray ? 2 : 1;
    this.endOfLine();
    let t = this.root;
    for (let k = 0; k < keys.length - 1; k++) t = this.descend(t, keys[k]);
    const last = keys[keys.length - 1];
    const existing = t.map.get(last);
    if (isArray) {
      const nt = new Table();
      nt.defined = true;
      if (existing === undefined) t.map.set(last, new TArray([nt], true));
      else if (existing instanceof TArray && existing.ofTables) existing.items.push(nt);
      else this.fail(`array of tables '${keys.join('.')}' conflicts with an existing value`);
      this.current = nt;
    } else {
      if (existing === undefined) {
        const nt = new Table();
        nt.defined = true;
        t.map.set(last, nt);
        this.current = nt;
      } else if (existing instanceof Table && !existing.defined && !existing.dotted && !existing.inline) {
        existing.defined = true;
        this.current = existing;
      } else this.fail(`table '${keys.join('.')}' is defined more than once`);
    }
  }

  /** Walks a header's key prefix, creating implicit tables. */
  descend(t: Table, k: string): Table {
    const v = t.map.get(k);
    if (v === undefined) {
      const nt = new Table();
      t.map.set(k, nt);
      return nt;
    }
    if (v instanceof Table && !v.inline) return v;
    if (v instanceof TArray && v.ofTables) return v.items[v.items.length - 1] as Table;
    return this.fail(`key '${k}' is already defined and is not a table`);
  }

  keyValue(t: Table): void {
    const keys = this.key();
    this.ws();
    if (this.peek() !== '=') this.fail("expected '=' after a key");
    this.i++;
    this.ws();
    const v = this.value();
    for (let k = 0; k < keys.length - 1; k++) {
      const e = t.map.get(keys[k]);
      if (e === undefined) {
        const nt = new Table();
        nt.dotted = true;
        t.map.set(keys[k], nt);
        t = nt;
      } else if (e instanceof Table && e.dotted && !e.inline) t = e;
      else this.fail(`key '${keys.slice(0, k + 1).join('.')}' is already defined`);
    }
    const last = keys[keys.length - 1];
    if (t.map.has(last)) this.fail(`key '${keys.join('.')}' is defined more than once`);
    t.map.set(last, v);
  }

  /** A (possibly dotted) key. */
  key(): string[] {
    const keys: string[] = [];
    for (;;) {
      const c = this.peek();
      let k: string;
      if (c === '"') {
        if (this.s.startsWith('"""', this.i)) this.fail('multi-line strings are not allowed as keys');
        k = this.basicString();
      } else if (c === "'") {
        if (this.s.startsWith("'''", this.i)) this.fail('multi-line strings are not allowed as keys');
        k = this.literalString();
      } else {
        const start = this.i;
        while (this.i < this.s.length && isBare(this.s[this.i])) this.i++;
        if (this.i === start) this.fail('expected a key');
        k = this.s.slice(start, this.i);
      }
      if (k.includes('\0')) throw nullByteError(k);
      keys.push(k);
      this.ws();
      if (this.peek() !== '.') return keys;
      this.i++;
      this.ws();
    }
  }

  value(): TVal {
    const c = this.peek();
    if (c === '"') return this.s.startsWith('"""', this.i) ? this.mlBasicString() : this.basicString();
    if (c === "'") return this.s.startsWith("'''", this.i) ? this.mlLiteralString() : this.literalString();
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    if (this.s.startsWith('true', this.i) && !isBare(this.peek(4))) return (this.i += 4), true;
    if (this.s.startsWith('false', this.i) && !isBare(this.peek(5))) return (this.i += 5), false;
    return this.scalar();
  }

  /** Numbers and dates: a run of characters up to a delimiter. */
  scalar(): TVal {
    const rest = this.s.slice(this.i, this.i + 100);
    const dt =
      /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?/.exec(rest) ??
      /^\d{2}:\d{2}:\d{2}(?:\.\d+)?/.exec(rest);
    if (dt) {
      this.i += dt[0].length;
      if (!validDateTime(dt[0])) this.fail(`invalid date or time '${dt[0]}'`);
      return new DateTime(dt[0]);
    }
    const m = /^[^\s,\]}#]+/.exec(rest);
    if (!m) this.fail('expected a value');
    const tok = m[0];
    this.i += tok.length;
    let r: RegExpExecArray | null;
    if ((r = /^([+-]?)(0|[1-9](?:_?[0-9])*)$/.exec(tok))) return this.int(BigInt(r[1] + r[2].replace(/_/g, '')));
    if ((r = /^0x([0-9A-Fa-f](?:_?[0-9A-Fa-f])*)$/.exec(tok))) return this.int(BigInt('0x' + r[1].replace(/_/g, '')));
    if ((r = /^0o([0-7](?:_?[0-7])*)$/.exec(tok))) return this.int(BigInt('0o' + r[1].replace(/_/g, '')));
    if ((r = /^0b([01](?:_?[01])*)$/.exec(tok))) return this.int(BigInt('0b' + r[1].replace(/_/g, '')));
    if (/^[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/.test(tok)) {
      return new NixFloat(Number(tok.replace(/_/g, '')));
    }
    if ((r = /^([+-]?)(inf|nan)$/.exec(tok))) {
      // -nan is a NaN with its sign bit set (Nix prints it as -nan), as -inf is negative.
      const f = r[2] === 'inf' ? Infinity : NaN;
      return new NixFloat(r[1] === '-' ? -f : f);
    }
    return this.fail(`invalid value '${tok}'`);
  }

  int(n: bigint): TVal {
    if (n < -(2n ** 63n) || n >= 2n ** 63n) this.fail('too large integer: current max digits = 2^63');
    return mkInt(n);
  }

  array(): TArray {
    this.i++;
    const items: TVal[] = [];
    for (;;) {
      this.wsNewlines();
      if (this.peek() === ']') break;
      items.push(this.value());
      this.wsNewlines();
      if (this.peek() === ',') {
        this.i++;
        continue;
      }
      if (this.peek() !== ']') this.fail("expected ',' or ']' in an array");
      break;
    }
    this.i++;
    return new TArray(items, false);
  }

  inlineTable(): Table {
    this.i++;
    const t = new Table();
    this.ws();
    if (this.peek() === '}') {
      this.i++;
      t.inline = true;
      return t;
    }
    for (;;) {
      this.ws();
      this.keyValue(t);
      this.ws();
      if (this.peek() === ',') {
        this.i++;
        continue;
      }
      if (this.peek() !== '}') this.fail("expected ',' or '}' in an inline table");
      this.i++;
      break;
    }
    markInline(t);
    return t;
  }

  /** Validates one UTF-8 encoded character at the cursor and moves past it. */
  utf8(): void {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return this.fail('invalid UTF-8');
    this.i++;
    for (let k = 0; k < need; k++) {
      const d = s.charCodeAt(this.i);
      if (!(d >= lo && d <= hi)) this.fail('invalid UTF-8');
      lo = 0x80;
      hi = 0xbf;
      this.i++;
    }
  }

  /** Content characters of strings: control characters are errors (newlines if allowed). */
  contentChar(multiline: boolean): string {
    const c = this.s.charCodeAt(this.i);
    if (c === 10 && multiline) return this.i++, '\n';
    if (c === 13 && multiline && this.peek(1) === '\n') return (this.i += 2), '\n';
    if ((c < 32 && c !== 9) || c === 127) this.fail('control character in a string');
    const start = this.i;
    if (c >= 128) this.utf8();
    else this.i++;
    return this.s.slice(start, this.i);
  }

  escape(): string {
    const e = this.peek(1);
    this.i += 2;
    switch (e) {
      case 'b':
        return '\b';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'f':
        return '\f';
      case 'r':
        return '\r';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case 'u':
      case 'U': {
        const n = e === 'u' ? 4 : 8;
        const h = this.s.slice(this.i, this.i + n);
        if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(h)) this.fail('invalid unicode escape');
        this.i += n;
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail('invalid unicode scalar value');
        return utf8Bytes(cp);
      }
      default:
        return this.fail(`invalid escape sequence '\\${e}'`);
    }
  }

  basicString(): string {
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string');
      const c = this.peek();
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') out += this.escape();
      else if (c === '\n' || c === '\r') this.fail('newline in a basic string');
      else out += this.contentChar(false);
    }
  }

  literalString(): string {
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string');
      const c = this.peek();
      if (c === "'") {
        this.i++;
        return out;
      }
      if (c === '\n' || c === '\r') this.fail('newline in a literal string');
      out += this.contentChar(false);
    }
  }

  /** After an opening `"""` or `'''`: skips a newline right after the delimiter. */
  skipFirstNewline(): void {
    if (this.peek() === '\n') this.i++;
    else if (this.peek() === '\r' && this.peek(1) === '\n') this.i += 2;
  }

  /** At a closing delimiter `q` (three quotes), with up to two more quotes as content. */
  closing(q: string): string | undefined {
    if (!this.s.startsWith(q + q + q, this.i)) return undefined;
    let n = 3;
    while (n < 5 && this.s[this.i + n] === q) n++;
    this.i += n;
    return q.repeat(n - 3);
  }

  mlBasicString(): string {
    this.i += 3;
    this.skipFirstNewline();
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated multi-line string');
      const c = this.peek();
      if (c === '"') {
        const end = this.closing('"');
        if (end !== undefined) return out + end;
        out += '"';
        this.i++;
      } else if (c === '\\') {
        // A line-ending backslash trims the newline and following whitespace.
        let j = this.i + 1;
        while (this.s[j] === ' ' || this.s[j] === '\t') j++;
        if (this.s[j] === '\n' || (this.s[j] === '\r' && this.s[j + 1] === '\n')) {
          this.i = j;
          while (/[ \t\r\n]/.test(this.peek())) {
            if (this.peek() === '\r' && this.peek(1) !== '\n') this.fail('bare carriage return');
            this.i++;
          }
        } else out += this.escape();
      } else out += this.contentChar(true);
    }
  }

  mlLiteralString(): string {
    this.i += 3;
    this.skipFirstNewline();
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated multi-line string');
      if (this.peek() === "'") {
        const end = this.closing("'");
        if (end !== undefined) return out + end;
        out += "'";
        this.i++;
      } else out += this.contentChar(true);
    }
  }
}

function markInline(t: Table): void {
  t.inline = true;
  for (const v of t.map.values()) if (v instanceof Table) markInline(v);
}

function validDateTime(s: string): boolean {
  const d = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
    if (days === undefined || day < 1 || day > days) return false;
  }
  const t = /(\d{2}):(\d{2}):(\d{2})/.exec(d ? s.slice(10) : s);
  if (t && (Number(t[1]) > 23 || Number(t[2]) > 59 || Number(t[3]) > 60)) return false;
  const off = /[+-](\d{2}):(\d{2})$/.exec(s.slice(d ? 19 : 8));
  if (off && (Number(off[1]) > 23 || Number(off[2]) > 59)) return false;
  return true;
}

/**
 * A TOML date or time as Nix's TOML library prints it: `T` and `Z` in capitals, and the
 * fraction of a second as milli-, micro- or nanoseconds (3, 6 or 9 digits, cut at 9).
 */
function normaliseDateTime(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(\d{2}:\d{2}:\d{2})?(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?$/.exec(text)!;
  const [, date, time, fraction, offset] = m;
  let s = date ?? '';
  if (time !== undefined) s += (date !== undefined ? 'T' : '') + time;
  if (fraction !== undefined) {
    const digits = fraction.length <= 3 ? 3 : fraction.length <= 6 ? 6 : 9;
    s += '.' + fraction.slice(0, digits).padEnd(digits, '0');
  }
  if (offset !== undefined) s += offset.toUpperCase();
  return s;
}

function toNix(v: TVal): Value {
  if (v instanceof Table) {
    const m = new Map<string, Lazy>();
    for (const [k, x] of v.map) m.set(k, toNix(x));
    return new Attrs(m);
  }
  if (v instanceof TArray) return v.items.map(toNix);
  if (v instanceof DateTime) {
    if (!evalState.experimentalFeatures.has('parse-toml-timestamps')) {
      throw new NixError('eval', 'while parsing TOML: Dates and times are not supported');
    }
    return Attrs.fromSorted(['_type', 'value'], ['timestamp', normaliseDateTime(v.text)]);
  }
  if (typeof v === 'string' && v.includes('\0')) throw nullByteError(v);
  return v;
}

export function parseTOML(text: string): Value {
  let root: Table;
  try {
    root = new TomlParser(text).parse();
  } catch (e) {
    if (e instanceof TomlError) throw new NixError('eval', `while parsing TOML: ${e.message}`);
    if (e instanceof NixError) throw new NixError('eval', `while parsing TOML: error: ${e.message}`);
    throw e;
  }
  try {
    return toNix(root);
  } catch (e) {
    if (e instanceof NixError && !e.message.startsWith('while parsing TOML')) {
      throw new NixError('eval', `while parsing TOML: error: ${e.message}`);
    }
    throw e;
  }
}

export const builtins: Builtin[] = [
  {
    name: 'fromTOML',
    arity: 1,
    global: true,
    fn: ([a]) => parseTOML(argStringNoCtx(a, 'while evaluating the argument passed to builtins.fromTOML')),
  },
];
