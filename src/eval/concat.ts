/**
 * `a + b` and string interpolation (Nix's ExprConcatStrings): the first operand decides
 * the result. Numbers add (ints with overflow checks, widening to float), a path absorbs
 * the rest as text (no store references allowed) and is canonicalised, and anything else
 * makes a string, copying paths to the store.
 */
import { canonPath } from '../../grammar/build';
import { NixError, Pos } from './errors';
import { COERCE_COPY, COERCE_NO_COPY, coerceToString, mergeContext } from './runtime';
import { Context, mkString, NixFloat, NixPath, NixString, showType, Value, mkInt } from './value';

export function add2(x: Value, y: Value, positions: Pos[], pos: Pos): Value {
  return concatStrings([x, y], false, positions, pos);
}

export function concatStrings(vals: Value[], forceString: boolean, positions: Pos[], pos: Pos): Value {
  const first = vals[0];
  if (!forceString) {
    if (typeof first === 'number' || typeof first === 'bigint') return addNumbers(vals, positions);
    if (first instanceof NixFloat) return addNumbers(vals, positions);
    if (first instanceof NixPath) {
      let s = first.path;
      for (let i = 1; i < vals.length; i++) {
        const part = coerceToString(vals[i], COERCE_NO_COPY, positions[i]);
        if (part instanceof NixString && part.ctx.size > 0) {
          throw new NixError('eval', 'a string that refers to a store path cannot be appended to a path', pos);
        }
        s += typeof part === 'string' ? part : part.s;
      }
      return new NixPath(canonPath(s));
    }
  }
  let s = '';
  let ctx: Context | undefined;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    const part = typeof v === 'string' ? v : coerceToString(v, COERCE_COPY, positions[i]);
    if (typeof part === 'string') s += part;
    else {
      s += part.s;
      ctx = mergeContext(ctx, part.ctx);
    }
  }
  return mkString(s, ctx);
}

/**
 * String interpolation (`"a${b}c"`): each part is evaluated and coerced in turn, as Nix
 * does, so an error in a part is reported before later parts are evaluated.
 */
export function interpolate(parts: ((env: any) => Value)[], env: any, positions: Pos[]): Value {
  let s = '';
  let ctx: Context | undefined;
  for (let i = 0; i < parts.length; i++) {
    const v = parts[i](env);
    const part = typeof v === 'string' ? v : coerceToString(v, COERCE_COPY, positions[i]);
    if (typeof part === 'string') s += part;
    else {
      s += part.s;
      ctx = mergeContext(ctx, part.ctx);
    }
  }
  return mkString(s, ctx);
}

function addNumbers(vals: Value[], positions: Pos[]): Value {
  let isFloat = false;
  let n: number | bigint = 0;
  let f = 0;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (!isFloat && (typeof v === 'number' || typeof v === 'bigint')) {
      if (typeof n === 'number' && typeof v === 'number' && Number.isSafeInteger(n + v)) n = n + v;
      else {
        const r = BigInt(n) + BigInt(v);
        try {
          n = mkInt(r);
        } catch {
          throw new NixError('overflow', `integer overflow in adding ${n} + ${v}`, positions[i]);
        }
      }
    } else if (typeof v === 'number' || typeof v === 'bigint' || v instanceof NixFloat) {
      if (!isFloat) {
        isFloat = true;
        f = Number(n);
      }
      f += v instanceof NixFloat ? v.value : Number(v);
    } else {
      throw new NixError('type', `cannot add ${showType(v)} to ${isFloat ? 'a float' : 'an integer'}`, positions[i]);
    }
  }
  return isFloat ? new NixFloat(f) : n;
}
