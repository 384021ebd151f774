/**
 * Printing values as Nix prints them:
 *  - `printAmbiguous`: the output of `nix-instantiate --eval` (unquoted attribute names,
 *    `<CODE>` for unevaluated thunks, `<LAMBDA>`, `«repeated»` for a set or list printed
 *    before);
 *  - `printValue`: Nix's value printer, used in error messages and `trace` (quoted attribute
 *    names where needed, `«thunk»`, `«lambda @ file:line:col»`, elision limits).
 */
import { Attrs, Lambda, Lazy, NixFloat, NixPath, NixString, PrimOp, PrimOpApp, Thunk, Value } from './value';

const signView = new DataView(new ArrayBuffer(8));

/** Whether a double's sign bit is set; for a NaN, printf shows it as `-nan`. */
export function signBit(f: number): boolean {
  signView.setFloat64(0, f);
  return signView.getUint8(0) >= 0x80;
}

/**
 * How printf shows a NaN or an infinity (undefined for a finite number). The NaN that x86-64
 * arithmetic makes (inf - inf, 0 * inf; JS's too) has its sign bit set: `-nan`.
 */
export function nonFiniteText(f: number): string | undefined {
  if (Number.isNaN(f)) return signBit(f) ? '-nan' : 'nan';
  if (!Number.isFinite(f)) return f > 0 ? 'inf' : '-inf';
  return undefined;
}

/** Formats a double as C++'s `ostream << double` does (`%g`, six significant digits). */
export function formatFloat(f: number): string {
  if (!Number.isFinite(f)) return nonFiniteText(f)!;
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expStr] = f.toExponential(5).split('e');
  const e = Number(expStr);
  const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (e < -4 || e >= 6) {
    const ae = Math.abs(e);
    return `${trim(mant)}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' + ae : ae}`;
  }
  return trim(f.toFixed(5 - e));
}

export function escapeString(s: string, maxLength = Infinity): string {
  let out = '"';
  const n = Math.min(s.length, maxLength);
  for (let i = 0; i < n; i++) {
    const c = s[i];
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '$' && s[i + 1] === '{') out += '\\$';
    else out += c;
  }
  if (s.length > maxLength) return `${out}" \xc2\xab${s.length - maxLength} byte${s.length - maxLength === 1 ? '' : 's'} elided\xc2\xbb`;
  return out + '"';
}

const RESERVED = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit']);

function isVarName(s: string): boolean {
  if (s.length === 0 || RESERVED.has(s)) return false;
  return /^[a-zA-Z_][a-zA-Z0-9_'-]*$/.test(s);
}

/** An attribute name as Nix prints it: bare when it is an identifier, else quoted. */
export function printAttrName(name: string): string {
  return isVarName(name) ? name : escapeString(name);
}

/** `nix-instantiate --eval` output. */
export function printAmbiguous(v: Lazy): string {
  const out: string[] = [];
  const seen = new Set<object>();
  // Nix remembers a set by its bindings and a list by its element array, which a list of one
  // or two elements keeps inside the value cell holding it (the thunk here): copies of such a
  // cell are new lists to it, copies of a longer one are not.
  const go = (l: Lazy, top = false): void => {
    let x: Value;
    if (l instanceof Thunk) {
      if (!l.forced) {
        out.push(l.isBlackhole ? '\xc2\xabpotential infinite recursion\xc2\xbb' : '<CODE>');
        return;
      }
      x = l.v;
    } else x = l;
    if (x === null) out.push('null');
    else if (typeof x === 'boolean') out.push(x ? 'true' : 'false');
    else if (typeof x === 'number' || typeof x === 'bigint') out.push(String(x));
    else if (typeof x === 'string') out.push(escapeString(x));
    else if (x instanceof NixString) out.push(escapeString(x.s));
    else if (x instanceof NixFloat) out.push(formatFloat(x.value));
    else if (x instanceof NixPath) out.push(x.path);
    else if (Array.isArray(x)) {
      const key: object = x.length > 2 ? x : l instanceof Thunk ? l : top ? {} : x;
      if (x.length > 0 && seen.has(key)) return void out.push('\xc2\xabrepeated\xc2\xbb');
      seen.add(key);
      out.push('[ ');
      for (const e of x) {
        go(e);
        out.push(' ');
      }
      out.push(']');
    } else if (x instanceof Attrs) {
      if (x.size > 0 && seen.has(x)) return void out.push('\xc2\xabrepeated\xc2\xbb');
      seen.add(x);
      out.push('{ ');
      for (const k of x.keys()) {
        out.push(printAttrName(k), ' = ');
        go(x.get(k)!);
        out.push('; ');
      }
      out.push('}');
    } else if (x instanceof Lambda) out.push('<LAMBDA>');
    else if (x instanceof PrimOp) out.push('<PRIMOP>');
    else if (x instanceof PrimOpApp) out.push('<PRIMOP-APP>');
  };
  go(v, true);
  return out.join('');
}

export interface PrintOptions {
  maxDepth: number;
  maxAttrs: number;
  maxListItems: number;
  maxStringLength: number;
  /** Force thunks while printing (as `trace` does not, and `nix eval` does). */
  force: boolean;
}

export const errorPrintOptions: PrintOptions = {
  maxDepth: 10,
  maxAttrs: 10,
  maxListItems: 10,
  maxStringLength: 1024,
  force: false,
};

export const fullPrintOptions: PrintOptions = {
  maxDepth: Infinity,
  maxAttrs: Infinity,
  maxListItems: Infinity,
  maxStringLength: Infinity,
  force: false,
};

/** Describes a lambda as `«lambda name @ file:line:col»`. */
export let describeLambda: (l: Lambda) => string = (l) => {
  const info = l.info;
  const { line, column } = info.src.location(info.start);
  return `\xc2\xablambda${info.name ? ' ' + info.name : ''} @ ${info.src.path}:${line}:${column}\xc2\xbb`;
};

/** Nix's value printer (error messages, `trace`). */
export function printValue(v: Lazy, opts: PrintOptions = fullPrintOptions): string {
  let attrsPrinted = 0;
  let itemsPrinted = 0;
  const seen = new Set<object>();
  const out: string[] = [];
  const go = (l: Lazy, depth: number): void => {
    let x: Value;
    if (l instanceof Thunk) {
      if (!l.forced) {
        if (l.isBlackhole) return void out.push('\xc2\xabpotential infinite recursion\xc2\xbb');
        if (!opts.force) return void out.push('\xc2\xabthunk\xc2\xbb');
        try {
          x = l.force();
        } catch (e) {
          return void out.push(`\xc2\xaberror: ${(e as Error).message}\xc2\xbb`);
        }
      } else x = l.v;
    } else x = l;
    if (x === null) out.push('null');
    else if (typeof x === 'boolean') out.push(x ? 'true' : 'false');
    else if (typeof x === 'number' || typeof x === 'bigint') out.push(String(x));
    else if (typeof x === 'string') out.push(escapeString(x, opts.maxStringLength));
    else if (x instanceof NixString) out.push(escapeString(x.s, opts.maxStringLength));
    else if (x instanceof NixFloat) out.push(formatFloat(x.value));
    else if (x instanceof NixPath) out.push(x.path);
    else if (Array.isArray(x)) {
      if (x.length > 0 && seen.has(x)) return void out.push('\xc2\xabrepeated\xc2\xbb');
      seen.add(x);
      if (depth >= opts.maxDepth) return void out.push('[ ... ]');
      out.push('[');
      let n = 0;
      for (const e of x) {
        out.push(' ');
        if (itemsPrinted >= opts.maxListItems) {
          const left = x.length - n;
          out.push(`\xc2\xab${left} item${left === 1 ? '' : 's'} elided\xc2\xbb`);
          break;
        }
        go(e, depth + 1);
        itemsPrinted++;
        n++;
      }
      out.push(' ]');
    } else if (x instanceof Attrs) {
      if (seen.has(x)) return void out.push('\xc2\xabrepeated\xc2\xbb');
      seen.add(x);
      if (isDerivationNoForce(x) && opts.force) {
        // Only `nix eval`-style printing abbreviates derivations.
      }
      if (depth >= opts.maxDepth) return void out.push('{ ... }');
      out.push('{');
      let keys = x.keys();
      if (opts.maxAttrs !== Infinity) {
        // With a limit, `type` and `_type` come first, as in Nix.
        const important = keys.filter((k) => k === 'type' || k === '_type');
        if (important.length) keys = [...important, ...keys.filter((k) => k !== 'type' && k !== '_type')];
      }
      let n = 0;
      for (const k of keys) {
        out.push(' ');
        if (attrsPrinted >= opts.maxAttrs) {
          const left = keys.length - n;
          out.push(`\xc2\xab${left} attribute${left === 1 ? '' : 's'} elided\xc2\xbb`);
          break;
        }
        out.push(printAttrName(k), ' = ');
        go(x.get(k)!, depth + 1);
        out.push(';');
        attrsPrinted++;
        n++;
      }
      out.push(' }');
    } else if (x instanceof Lambda) out.push(describeLambda(x));
    else if (x instanceof PrimOp) out.push(`\xc2\xabprimop ${x.name}\xc2\xbb`);
    else if (x instanceof PrimOpApp) out.push(`\xc2\xabpartially applied primop ${x.op.name}\xc2\xbb`);
  };
  go(v, 0);
  return out.join('');
}

function isDerivationNoForce(a: Attrs): boolean {
  const t = a.get('type');
  return t === 'derivation';
}

/** A value as shown inside error messages ("expected a set but found an integer: 1"). */
export function printValueShort(v: Lazy): string {
  return printValue(v, errorPrintOptions);
}
