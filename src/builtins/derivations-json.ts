/**
 * The JSON text of structured derivation attributes (`__structuredAttrs = true`): the
 * attributes are serialised as Nix's `printValueAsJSON` does with copying to the store,
 * collecting the string context into the derivation's inputs, and the text is laid out as
 * nlohmann::json's `dump()` writes it (compact, keys sorted bytewise, non-ASCII bytes raw).
 */
import { NixError, Pos } from '../eval/errors';
import { coerceToString } from '../eval/runtime';
import { evalState } from '../eval/state';
import { Attrs, Context, force, Lazy, NixFloat, NixPath, NixString, showType } from '../eval/value';

const CONTROL: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function jsonString(s: string): string {
  return (
    '"' +
    s.replace(/["\\\u0000-\u001f]/g, (c) => {
      if (c === '"') return '\\"';
      if (c === '\\') return '\\\\';
      return CONTROL[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
    }) +
    '"'
  );
}

/**
 * A float as nlohmann::json prints it: the shortest round-trip digits, in plain notation
 * when the decimal point falls within (-4, 15] digits (with `.0` for whole numbers), else
 * in scientific notation with a signed, at least two-digit exponent (`1e+20`).
 */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) return 'null';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  const sign = f < 0 ? '-' : '';
  const [mant, e] = Math.abs(f).toExponential().split('e');
  const digits = mant.replace('.', '');
  const k = digits.length;
  const n = Number(e) + 1; // position of the decimal point relative to the digits
  let body: string;
  if (k <= n && n <= 15) body = digits + '0'.repeat(n - k) + '.0';
  else if (0 < n && n <= 15) body = digits.slice(0, n) + '.' + digits.slice(n);
  else if (-4 < n && n <= 0) body = '0.' + '0'.repeat(-n) + digits;
  else {
    const x = n - 1;
    const exp = (x < 0 ? '-' : '+') + String(Math.abs(x)).padStart(2, '0');
    body = (k === 1 ? digits : digits[0] + '.' + digits.slice(1)) + 'e' + exp;
  }
  return sign + body;
}

/** How deep values may nest (Nix's default max-call-depth bounds its recursion likewise). */
const MAX_DEPTH = 10000;

/** Serialises a value, adding the contexts of strings (and copied paths) to `ctx`. */
export function valueToJSON(v: Lazy, ctx: Context, pos: Pos | undefined): string {
  const out: string[] = [];
  writeJSON(v, ctx, pos, out, 0);
  return out.join('');
}

function addString(s: string | NixString, ctx: Context, out: string[]): void {
  if (s instanceof NixString) for (const c of s.ctx) ctx.add(c);
  out.push(jsonString(typeof s === 'string' ? s : s.s));
}

function writeJSON(v: Lazy, ctx: Context, pos: Pos | undefined, out: string[], depth: number): void {
  if (depth > (evalState.maxCallDepth || MAX_DEPTH)) {
    throw new NixError('stack-overflow', 'stack overflow; max-call-depth exceeded', pos);
  }
  const x = force(v);
  if (x === null) out.push('null');
  else if (typeof x === 'boolean') out.push(x ? 'true' : 'false');
  else if (typeof x === 'number' || typeof x === 'bigint') out.push(String(x));
  else if (x instanceof NixFloat) out.push(jsonFloat(x.value));
  else if (typeof x === 'string' || x instanceof NixString) addString(x, ctx, out);
  else if (x instanceof NixPath) addString(coerceToString(x, { copyToStore: true }, pos), ctx, out);
  else if (Array.isArray(x)) {
    out.push('[');
    x.forEach((e, i) => {
      if (i > 0) out.push(',');
      writeJSON(e, ctx, pos, out, depth + 1);
    });
    out.push(']');
  } else if (x instanceof Attrs) {
    if (x.has('__toString')) return addString(coerceToString(x, { copyToStore: true }, pos), ctx, out);
    const outPath = x.get('outPath');
    if (outPath !== undefined) return writeJSON(outPath, ctx, pos, out, depth + 1);
    out.push('{');
    x.keys().forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(jsonString(k), ':');
      const apos = x.posOf(k);
      try {
        writeJSON(x.get(k)!, ctx, apos ?? pos, out, depth + 1);
      } catch (e) {
        if (e instanceof NixError) e.addTrace(`while evaluating attribute '${k}'`, apos);
        throw e;
      }
    });
    out.push('}');
  } else throw new NixError('type', `cannot convert ${showType(x)} to JSON`, pos);
}
