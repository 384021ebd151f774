/**
 * JSON: `builtins.toJSON`, `builtins.fromJSON`, and `printValueAsJSON` for `--json` output.
 *
 * Output matches what Nix produces through nlohmann::json's `dump()`: compact, object keys
 * sorted bytewise, strings escaped as nlohmann does (`\"`, `\\`, `\b\f\n\r\t`, other control
 * characters as `\u00xx`, everything else raw; invalid UTF-8 is an error), floats in
 * nlohmann's shortest round-trip format (`1.0`, `1e+21`), NaN and infinities as `null`.
 * Sets with `__toString` or `outPath` are "peeled" to what they coerce to; paths are copied
 * to the store by toJSON (not by `--json` output). The result carries the union of the
 * contexts of every string it contains.
 *
 * Input follows nlohmann's parser: strict JSON, integers within int64 become ints (larger
 * unsigned ones are an error, larger negative ones floats), `\u` escapes (with surrogate
 * pairs) become UTF-8 bytes, duplicate keys keep the last value.
 */
import { NixError, Pos } from '../eval/errors';
import { callFunction, coerceToString } from '../eval/runtime';
import { printValueShort } from '../eval/print';
import {
  Attrs,
  Context,
  force,
  Lazy,
  mkInt,
  mkString,
  NixFloat,
  NixPath,
  NixString,
  showType,
  Thunk,
  Value,
} from '../eval/value';
import { argStringNoCtx } from './strings';
import type { Builtin } from './registry';

// ---------------------------------------------------------------------------------------
// Serialising

/** Escapes a byte string as a JSON string literal, validating UTF-8 as nlohmann does. */
export function jsonString(s: string): string {
  let out = '"';
  let run = 0; // start of the current run of bytes copied verbatim
  let need = 0; // UTF-8 continuation bytes still expected
  let lo = 0x80;
  let hi = 0xbf;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (need > 0) {
      if (c < lo || c > hi) throw utf8Error(`invalid UTF-8 byte at index ${i}: 0x${hexByte(c)}`);
      need--;
      lo = 0x80;
      hi = 0xbf;
      continue;
    }
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c < 0x80) continue;
    if (c >= 0x80) {
      if (c >= 0xc2 && c <= 0xdf) need = 1;
      else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c === 0xe0) lo = 0xa0;
        else if (c === 0xed) hi = 0x9f;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c === 0xf0) lo = 0x90;
        else if (c === 0xf4) hi = 0x8f;
      } else throw utf8Error(`invalid UTF-8 byte at index ${i}: 0x${hexByte(c)}`);
      continue;
    }
    out += s.slice(run, i);
    run = i + 1;
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0d:
        out += '\\r';
        break;
      default:
        out += '\\u00' + (c < 16 ? '0' : '') + c.toString(16);
    }
  }
  if (need > 0) throw utf8Error(`incomplete UTF-8 string; last byte: 0x${hexByte(s.charCodeAt(s.length - 1))}`);
  return out + s.slice(run) + '"';
}

const hexByte = (c: number) => (c < 16 ? '0' : '') + c.toString(16).toUpperCase();

function utf8Error(msg: string): NixError {
  return new NixError('eval', `JSON serialization error: [json.exception.type_error.316] ${msg}`);
}

/** A double as nlohmann's `dump()` writes it. */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) return 'null';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = Math.abs(f).toExponential().split('e');
  const digits = mant.replace('.', '');
  const k = digits.length;
  const n = Number(expStr) + 1; // position of the decimal point relative to the digits
  const sign = f < 0 ? '-' : '';
  let body: string;
  if (k <= n && n <= 15) body = digits + '0'.repeat(n - k) + '.0';
  else if (0 < n && n <= 15) body = digits.slice(0, n) + '.' + digits.slice(n);
  else if (-4 < n && n <= 0) body = '0.' + '0'.repeat(-n) + digits;
  else {
    const e = n - 1;
    const exp = (e < 0 ? '-' : '+') + (Math.abs(e) < 10 ? '0' : '') + Math.abs(e);
    body = (k === 1 ? digits : digits[0] + '.' + digits.slice(1)) + 'e' + exp;
  }
  return sign + body;
}

export interface JSONResult {
  json: string;
  ctx: Context;
}

/**
 * Serialises a value as JSON, forcing as it goes when `strict` (otherwise an unevaluated
 * value is an error, as in Nix). `copyToStore` copies paths to the store (toJSON does,
 * `nix-instantiate --json` does not).
 */
export function printValueAsJSON(v: Lazy, strict: boolean, copyToStore = false): JSONResult {
  const ctx: Context = new Set();
  const parts: string[] = [];
  writeJSON(v, strict, copyToStore, ctx, parts);
  return { json: parts.join(''), ctx };
}

function addContext(ctx: Context, s: string | NixString): string {
  if (typeof s === 'string') return s;
  for (const c of s.ctx) ctx.add(c);
  return s.s;
}

/** Nix's max-call-depth also bounds how deep a value can be serialised. */
const MAX_JSON_DEPTH = 10000;

/** `pos`: where the value was defined (an attribute's position), for the error on a thunk. */
function writeJSON(v: Lazy, strict: boolean, copyToStore: boolean, ctx: Context, out: string[], depth = 0, pos?: Pos): void {
  if (depth > MAX_JSON_DEPTH) throw new NixError('stack-overflow', 'stack overflow; max-call-depth exceeded');
  let x: Value;
  if (v instanceof Thunk) {
    if (!strict && !v.forced) throw new NixError('type', 'cannot convert a thunk to JSON', pos);
    x = v.force();
  } else x = v;
  if (typeof x === 'string') return void out.push(jsonString(x));
  if (typeof x === 'number' || typeof x === 'bigint') return void out.push(String(x));
  if (typeof x === 'boolean') return void out.push(x ? 'true' : 'false');
  if (x === null) return void out.push('null');
  if (x instanceof NixString) return void out.push(jsonString(addContext(ctx, x)));
  if (x instanceof NixFloat) return void out.push(jsonFloat(x.value));
  if (x instanceof NixPath) {
    const s = copyToStore ? addContext(ctx, coerceToString(x, { copyToStore: true })) : x.path;
    return void out.push(jsonString(s));
  }
  if (Array.isArray(x)) {
    out.push('[');
    for (let i = 0; i < x.length; i++) {
      if (i > 0) out.push(',');
      try {
        writeJSON(x[i], strict, copyToStore, ctx, out, depth + 1);
      } catch (e) {
        if (e instanceof NixError) e.addTrace(`while evaluating list element at index ${i}`);
        throw e;
      }
    }
    out.push(']');
    return;
  }
  if (x instanceof Attrs) return writeAttrs(x, strict, copyToStore, ctx, out, depth);
  throw new NixError('type', `cannot convert ${showType(x)} to JSON`);
}

/** Sets: peel `__toString` and `outPath`, then write what remains (an object if a set). */
function writeAttrs(a: Attrs, strict: boolean, copyToStore: boolean, ctx: Context, out: string[], depth: number): void {
  let x: Value = a;
  let viaToString = false;
  while (x instanceof Attrs) {
    const ts = x.get('__toString');
    if (ts !== undefined) {
      x = force(callFunction(force(ts), [x]));
      viaToString = true;
      continue;
    }
    const op = x.get('outPath');
    if (op === undefined) break;
    x = force(op);
  }
  if (!(x instanceof Attrs)) {
    if (viaToString && !(typeof x === 'string' || x instanceof NixString || x instanceof NixPath)) {
      throw typeErrorToString('should', x);
    }
    return writeJSON(x, strict, copyToStore && !viaToString, ctx, out, depth + 1);
  }
  if (viaToString) throw typeErrorToString('must', x);
  out.push('{');
  const keys = x.keys();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (i > 0) out.push(',');
    out.push(jsonString(k), ':');
    const at = x.posOf(k);
    try {
      writeJSON(x.get(k)!, strict, copyToStore, ctx, out, depth + 1, at);
    } catch (e) {
      if (e instanceof NixError) e.addTrace(`while evaluating attribute '${k}'`, at);
      throw e;
    }
  }
  out.push('}');
}

function typeErrorToString(verb: string, v: Value): NixError {
  return new NixError('type', `\`__toString\` ${verb} return a string, but got ${showType(v)}: ${printValueShort(v)}`);
}

// ---------------------------------------------------------------------------------------
// Parsing

class JSONParser {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    // nlohmann reports line and column of the last read character.
    const upTo = this.s.slice(0, Math.min(this.i + 1, this.s.length));
    const line = upTo.split('\n').length;
    const column = upTo.length - upTo.lastIndexOf('\n') - 1;
    throw new NixError(
      'eval',
      `[json.exception.parse_error.101] parse error at line ${line}, column ${column}: syntax error while parsing value - ${what}`,
    ).addTrace('while decoding a JSON string');
  }

  ws(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++;
      else return;
    }
  }

  parseTop(): Value {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected '${this.s[this.i]}'; expected end of input`);
    return v;
  }

  value(): Value {
    const s = this.s;
    const c = s[this.i];
    switch (c) {
      case '{': {
        this.i++;
        const m = new Map<string, Lazy>();
        this.ws();
        if (s[this.i] === '}') {
          this.i++;
          return new Attrs(m);
        }
        for (;;) {
          this.ws();
          if (s[this.i] !== '"') this.fail('unexpected token; expected string literal');
          const k = this.string();
          this.ws();
          if (s[this.i] !== ':') this.fail("unexpected token; expected ':'");
          this.i++;
          this.ws();
          m.set(k, this.value());
          this.ws();
          if (s[this.i] === ',') {
            this.i++;
            continue;
          }
          if (s[this.i] === '}') {
            this.i++;
            return new Attrs(m);
          }
          this.fail("unexpected token; expected '}'");
        }
      }
      case '[': {
        this.i++;
        const l: Value[] = [];
        this.ws();
        if (s[this.i] === ']') {
          this.i++;
          return l;
        }
        for (;;) {
          this.ws();
          l.push(this.value());
          this.ws();
          if (s[this.i] === ',') {
            this.i++;
            continue;
          }
          if (s[this.i] === ']') {
            this.i++;
            return l;
          }
          this.fail("unexpected token; expected ']'");
        }
      }
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case undefined:
        return this.fail("unexpected end of input; expected '[', '{', or a literal");
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.fail("invalid literal; expected '[', '{', or a literal");
    }
  }

  literal(word: string, v: Value): Value {
    if (!this.s.startsWith(word, this.i)) this.fail('invalid literal');
    this.i += word.length;
    return v;
  }

  number(): Value {
    const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.s.slice(this.i, this.i + 400)) ?? undefined;
    let text = m?.[0];
    if (!text || text === '-') this.fail('invalid number');
    // A longer number than the window: take the whole run.
    if (text.length === 400) {
      const m2 = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.s.slice(this.i))!;
      text = m2[0];
    }
    const next = this.s[this.i + text.length];
    if (next === '.' || next === 'e' || next === 'E') this.fail('invalid number');
    this.i += text.length;
    if (!m![1] && !m![2]) {
      const n = BigInt(text);
      if (n >= -(2n ** 63n) && n < 2n ** 63n) return mkInt(n);
      if (n >= 0n && n < 2n ** 64n) {
        throw new NixError('eval', `unsigned json number ${text} outside of Nix integer range`);
      }
    }
    const f = Number(text);
    if (!Number.isFinite(f)) {
      throw new NixError('eval', `[json.exception.out_of_range.406] number overflow parsing '${text}'`);
    }
    return new NixFloat(f);
  }

  /** A string literal; the result is a byte string (UTF-8). */
  string(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = '';
    let run = this.i;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (Number.isNaN(c)) this.fail('invalid string: missing closing quote');
      if (c === 0x22) {
        out += s.slice(run, this.i);
        this.i++;
        break;
      }
      if (c < 0x20) this.fail(`invalid string: control character U+00${hexByte(c)} must be escaped`);
      if (c >= 0x80) {
        this.utf8();
        continue;
      }
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(run, this.i);
      const e = s[this.i + 1];
      this.i += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          let cp = this.hex4();
          if (cp >= 0xd800 && cp <= 0xdbff) {
            if (s[this.i] !== '\\' || s[this.i + 1] !== 'u') {
              this.fail('invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF');
            }
            this.i += 2;
            const lo = this.hex4();
            if (lo < 0xdc00 || lo > 0xdfff) {
              this.fail('invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF');
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            this.fail('invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF');
          }
          out += utf8Bytes(cp);
          break;
        }
        default:
          this.fail("invalid string: forbidden character after backslash");
      }
      run = this.i;
    }
    if (out.includes('\0')) throw nullByteError(out);
    return out;
  }

  hex4(): number {
    const h = this.s.slice(this.i, this.i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail("invalid string: '\\u' must be followed by 4 hex digits");
    this.i += 4;
    return parseInt(h, 16);
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
    } else return this.fail('invalid string: ill-formed UTF-8 byte');
    this.i++;
    for (let k = 0; k < need; k++) {
      const d = s.charCodeAt(this.i);
      if (!(d >= lo && d <= hi)) this.fail('invalid string: ill-formed UTF-8 byte');
      lo = 0x80;
      hi = 0xbf;
      this.i++;
    }
  }
}

/** The UTF-8 encoding of a code point, as a byte string. */
export function utf8Bytes(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  if (cp < 0x10000) return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  return String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/** Nix's error for strings with NUL bytes (shown as ␀). */
export function nullByteError(s: string): NixError {
  return new NixError(
    'eval',
    `input string '${s.replace(/\0/g, '\xe2\x90\x80')}' cannot be represented as Nix string because it contains null bytes`,
  );
}

export function parseJSON(s: string): Value {
  return new JSONParser(s).parseTop();
}

// ---------------------------------------------------------------------------------------

export const builtins: Builtin[] = [
  {
    name: 'toJSON',
    arity: 1,
    fn: ([a]) => {
      const r = printValueAsJSON(a, true, true);
      return mkString(r.json, r.ctx);
    },
  },
  {
    name: 'fromJSON',
    arity: 1,
    fn: ([a]) => parseJSON(argStringNoCtx(a, 'while evaluating the first argument passed to builtins.fromJSON')),
  },
];


