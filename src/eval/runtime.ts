/**
 * Operations on values shared by the evaluator and the builtins: forcing to an expected
 * type (with Nix's error messages), calling functions, coercing to strings, equality and
 * comparison. Builtins use only these and `value.ts`, never the compiler.
 */
import { NixError, Pos } from './errors';
import {
  Attrs,
  Context,
  force,
  Lambda,
  Lazy,
  NixFloat,
  NixList,
  NixPath,
  NixString,
  PrimOp,
  PrimOpApp,
  Thunk,
  Value,
  isInt,
  mkString,
  showType,
  NO_CONTEXT,
} from './value';
import { nonFiniteText, printValueShort } from './print';

/** Hooks the store layer installs (so the evaluator does not depend on the store). */
export interface StoreHooks {
  /** Copies a filesystem path into the store (as a source path) and returns its store path. */
  copyPathToStore(path: string): string;
}
export const storeHooks: StoreHooks = {
  copyPathToStore(path: string): string {
    throw new NixError('eval', `cannot copy '${path}' to the store: no store is configured`);
  },
};

export function typeError(expected: string, v: Value, pos?: Pos): NixError {
  return new NixError('type', `expected ${expected} but found ${showType(v)}: ${printValueShort(v)}`, pos);
}

export function forceInt(v: Lazy, pos?: Pos): number | bigint {
  const x = force(v);
  if (typeof x === 'number' || typeof x === 'bigint') return x;
  throw typeError('an integer', x, pos);
}

export function forceBool(v: Lazy, pos?: Pos): boolean {
  const x = force(v);
  if (typeof x === 'boolean') return x;
  throw typeError('a Boolean', x, pos);
}

/** An int or a float, as a JS number or bigint (for arithmetic). */
export function forceNumber(v: Lazy, pos?: Pos): number | bigint | NixFloat {
  const x = force(v);
  if (typeof x === 'number' || typeof x === 'bigint' || x instanceof NixFloat) return x;
  throw typeError('a float', x, pos);
}

export function forceFloat(v: Lazy, pos?: Pos): number {
  const x = force(v);
  if (x instanceof NixFloat) return x.value;
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  throw typeError('a float', x, pos);
}

export function forceAttrs(v: Lazy, pos?: Pos): Attrs {
  const x = force(v);
  if (x instanceof Attrs) return x;
  throw typeError('a set', x, pos);
}

export function forceList(v: Lazy, pos?: Pos): NixList {
  const x = force(v);
  if (Array.isArray(x)) return x;
  throw typeError('a list', x, pos);
}

export function forceFunction(v: Lazy, pos?: Pos): Lambda | PrimOp | PrimOpApp | Attrs {
  const x = force(v);
  if (x instanceof Lambda || x instanceof PrimOp || x instanceof PrimOpApp) return x;
  if (x instanceof Attrs && x.has('__functor')) return x;
  throw typeError('a function', x, pos);
}

/** A string value (no coercion), keeping its context. */
export function forceString(v: Lazy, pos?: Pos): string | NixString {
  const x = force(v);
  if (typeof x === 'string' || x instanceof NixString) return x;
  throw typeError('a string', x, pos);
}

/** A string's content, ignoring context. */
export function forceStringValue(v: Lazy, pos?: Pos): string {
  const x = forceString(v, pos);
  return typeof x === 'string' ? x : x.s;
}

/** A string that must not have context (e.g. attribute names, file names to read). */
export function forceStringNoCtx(v: Lazy, pos?: Pos): string {
  const x = forceString(v, pos);
  if (typeof x === 'string') return x;
  if (x.ctx.size === 0) return x.s;
  const first = [...x.ctx][0];
  throw new NixError(
    'eval',
    `the string '${x.s}' is not allowed to refer to a store path (such as '${first.replace(/^(=|!.*?!)/, '')}')`,
    pos,
  );
}

// ---------------------------------------------------------------------------------------
// Calling functions

/**
 * The compiler installs the real implementation (which knows how to enter a lambda and
 * record trace frames); this indirection keeps builtins independent of the compiler.
 */
export let callFunction: (f: Value, args: Lazy[], pos?: Pos) => Value = () => {
  throw new Error('callFunction: evaluator not initialised');
};
/** `f a`: like callFunction(f, [a]) without the array. */
export let callFunction1: (f: Value, a: Lazy, pos?: Pos) => Value = callFunction1Unset;
/** `f a b`: like callFunction(f, [a, b]) without the array. */
export let callFunction2: (f: Value, a: Lazy, b: Lazy, pos?: Pos) => Value = callFunction2Unset;
function callFunction1Unset(f: Value, a: Lazy, pos?: Pos): Value {
  return callFunction(f, [a], pos);
}
function callFunction2Unset(f: Value, a: Lazy, b: Lazy, pos?: Pos): Value {
  return callFunction(f, [a, b], pos);
}
export function setCallFunction(
  impl: typeof callFunction,
  impl1: typeof callFunction1 = callFunction1Unset,
  impl2: typeof callFunction2 = callFunction2Unset,
): void {
  callFunction = impl;
  callFunction1 = impl1;
  callFunction2 = impl2;
}

/** A lazy application `f a` (used by map, genList, …). */
export function lazyApply(f: Lazy, arg: Lazy): Thunk {
  return new Thunk(applyThunk, f, arg);
}
function applyThunk(f: Lazy, arg: Lazy): Value {
  return callFunction1(force(f), arg);
}

/** A lazy application `f a b`. */
export function lazyApply2(f: Lazy, a: Lazy, b: Lazy): Thunk {
  return new Thunk(apply2Thunk, f, [a, b]);
}
function apply2Thunk(f: Lazy, args: Lazy[]): Value {
  return callFunction2(force(f), args[0], args[1]);
}

/**
 * Lazy applications `f a[i] b[i]` for every index of two aligned arrays (mapAttrs,
 * zipAttrsWith): the function and the arrays are shared, so each element costs one thunk.
 */
export interface Apply2Batch {
  f: Lazy;
  a: Lazy[];
  b: Lazy[];
}
export function lazyApply2At(batch: Apply2Batch, i: number): Thunk {
  return new Thunk(apply2AtThunk, batch, i);
}
function apply2AtThunk(batch: Apply2Batch, i: number): Value {
  return callFunction2(force(batch.f), batch.a[i], batch.b[i]);
}

// ---------------------------------------------------------------------------------------
// Coercion to strings

/** Shared option records for the common coercions (no allocation per call). */
export const COERCE_COPY: CoerceOptions = { coerceMore: false, copyToStore: true };
export const COERCE_NO_COPY: CoerceOptions = { coerceMore: false, copyToStore: false };
export const COERCE_MORE: CoerceOptions = { coerceMore: true, copyToStore: false };

export interface CoerceOptions {
  /** Also coerce null, bools, numbers and lists (as `toString` and string interpolation of
   *  derivation attributes do). */
  coerceMore?: boolean;
  /** Copy paths to the store (as interpolation does); otherwise a path becomes its text. */
  copyToStore?: boolean;
}

/**
 * Coerces a value to a string the way Nix does: strings as they are, paths (copied to the
 * store when asked), sets with `__toString` or `outPath`, and with `coerceMore` also null,
 * booleans, numbers and lists (elements separated by spaces).
 */
export function coerceToString(v: Lazy, opts: CoerceOptions, pos?: Pos): string | NixString {
  const x = force(v);
  if (typeof x === 'string' || x instanceof NixString) return x;
  // `toString` of an integer, the commonest coercion after strings.
  if (typeof x === 'number' && opts.coerceMore) return String(x);
  if (x instanceof NixPath) {
    if (opts.copyToStore) {
      const sp = storeHooks.copyPathToStore(x.path);
      return new NixString(sp, new Set([sp]));
    }
    return x.path;
  }
  if (x instanceof Attrs) {
    const ts = x.get('__toString');
    if (ts !== undefined) {
      const r = callFunction(force(ts), [x], pos);
      return coerceToString(r, opts, pos);
    }
    const out = x.get('outPath');
    if (out !== undefined) return coerceToString(out, opts, pos);
    throw new NixError('type', `cannot coerce a set to a string: ${printValueShort(x)}`, pos);
  }
  if (opts.coerceMore) {
    if (x === null || x === false) return '';
    if (x === true) return '1';
    if (typeof x === 'number' || typeof x === 'bigint') return String(x);
    if (x instanceof NixFloat) return formatFloatToString(x.value);
    if (Array.isArray(x)) {
      let s = '';
      let ctx: Context | undefined;
      for (let i = 0; i < x.length; i++) {
        const part = coerceToString(x[i], opts, pos);
        if (typeof part === 'string') s += part;
        else {
          s += part.s;
          ctx = mergeContext(ctx, part.ctx);
        }
        // Nix separates elements with a space, except after an element that is an empty list.
        if (i < x.length - 1) {
          const el = force(x[i]);
          if (!(Array.isArray(el) && el.length === 0)) s += ' ';
        }
      }
      return mkString(s, ctx);
    }
  }
  throw new NixError('type', `cannot coerce ${showType(x)} to a string: ${printValueShort(x)}`, pos);
}

/** `toString` of a float: Nix uses std::to_string, which prints with %f. */
export function formatFloatToString(f: number): string {
  // std::to_string(double) prints with %f: six digits after the point, all the digits of the
  // exact binary value rounded to nearest, ties to even. toFixed agrees except that it
  // switches to an exponent from 1e21 on and rounds an exact tie away from zero.
  if (!Number.isFinite(f)) return nonFiniteText(f)!;
  const a = Math.abs(f);
  if (a >= 1e21) return (f < 0 ? '-' : '') + BigInt(a).toString() + '.000000';
  const micro = exactTieMicros(a);
  if (micro === undefined) return f.toFixed(6);
  const digits = micro.toString().padStart(7, '0');
  return (f < 0 ? '-' : '') + digits.slice(0, -6) + '.' + digits.slice(-6);
}

const floatView = new DataView(new ArrayBuffer(8));

/**
 * When `a` (finite, ≥ 0) times 10^6 lies exactly halfway between two integers, the even
 * one of the two; otherwise undefined.
 */
function exactTieMicros(a: number): bigint | undefined {
  floatView.setFloat64(0, a);
  const hi = floatView.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(floatView.getUint32(4));
  // a = mantissa * 2^exponent exactly.
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const shift = BigInt(biased === 0 ? 1074 : 1075 - biased);
  if (shift <= 0n) return undefined;
  const scaled = mantissa * 1000000n;
  const half = 1n << (shift - 1n);
  if ((scaled & ((1n << shift) - 1n)) !== half) return undefined;
  const below = scaled >> shift;
  return below % 2n === 0n ? below : below + 1n;
}

/** The error for a pattern lambda (`{ a, … }: …` at `lambdaPos`) called with a non-set. */
export function lambdaArgNotASet(arg: Value, lambdaPos: Pos, callPos: Pos | undefined): NixError {
  const err = typeError('a set', arg, lambdaPos);
  err.addTrace('while evaluating the value passed for the lambda argument', lambdaPos);
  if (callPos) err.addTrace('from call site', callPos);
  return err;
}

export function mergeContext(a: Context | undefined, b: Context): Context | undefined {
  if (b.size === 0) return a;
  if (a === undefined || a.size === 0) return new Set(b);
  for (const c of b) a.add(c);
  return a;
}

/** Coerces to a path: a path value, or a string that is an absolute path. */
export function coerceToPath(v: Lazy, pos?: Pos): string {
  const x = force(v);
  if (x instanceof NixPath) return x.path;
  const s = coerceToString(x, COERCE_NO_COPY, pos);
  const str = typeof s === 'string' ? s : s.s;
  if (!str.startsWith('/')) {
    throw new NixError('eval', `string '${str}' doesn't represent an absolute path`, pos);
  }
  return str;
}

// ---------------------------------------------------------------------------------------
// Equality and comparison

/**
 * `a == b` as Nix defines it. Functions are never equal, except that an element of a list
 * or set is equal to itself when both sides hold the very same value (Nix compares the
 * pointers first there, see eqHeld); `f == f` at top level is false, and so is NaN == NaN.
 */
export function eqValues(a: Lazy, b: Lazy, pos?: Pos): boolean {
  const x = force(a);
  const y = force(b);
  if (x === y) return equalsItself(x);
  // Lists first: `xs == []` is the common comparison of structured values.
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!eqHeld(x[i], y[i], pos)) return false;
    return true;
  }
  if (isInt(x)) {
    if (isInt(y)) return BigInt(x) === BigInt(y);
    if (y instanceof NixFloat) return Number(x) === y.value;
    return false;
  }
  if (x instanceof NixFloat) {
    if (y instanceof NixFloat) return x.value === y.value;
    if (isInt(y)) return x.value === Number(y);
    return false;
  }
  if (typeof x === 'string' || x instanceof NixString) {
    if (typeof y === 'string' || y instanceof NixString) {
      return (typeof x === 'string' ? x : x.s) === (typeof y === 'string' ? y : y.s);
    }
    return false;
  }
  if (x instanceof NixPath) return y instanceof NixPath && x.path === y.path;
  if (x === null || typeof x === 'boolean') return false;
  if (x instanceof Attrs) {
    if (!(y instanceof Attrs)) return false;
    // Derivations are compared by their output path.
    if (isDerivation(x) && isDerivation(y)) {
      const o1 = x.get('outPath');
      const o2 = y.get('outPath');
      if (o1 !== undefined && o2 !== undefined) return eqValues(o1, o2, pos);
    }
    if (x.size !== y.size) return false;
    for (const k of x.keys()) {
      const bv = y.get(k);
      if (bv === undefined) return false;
      const av = x.get(k)!;
      if (!eqHeld(av, bv, pos)) return false;
    }
    return true;
  }
  // Functions are never equal (unless the very same value, handled above).
  return false;
}

/**
 * Equality of two values held somewhere (list elements, attribute values, builtins.elem's
 * arguments): Nix compares the pointers first, so the very same value is equal to itself
 * even when it is a function or NaN.
 */
export function eqHeld(a: Lazy, b: Lazy, pos?: Pos): boolean {
  return a === b || eqValues(a, b, pos);
}

/** Whether `x == x` holds for two fresh copies of x: not for functions, nor for NaN. */
function equalsItself(x: Value): boolean {
  if (typeof x !== 'object' || x === null) return true;
  return !isFunctionValue(x) && !(x instanceof NixFloat && Number.isNaN(x.value));
}

function isFunctionValue(v: Value): boolean {
  return v instanceof Lambda || v instanceof PrimOp || v instanceof PrimOpApp;
}

export function isDerivation(a: Attrs): boolean {
  const t = a.get('type');
  if (t === undefined) return false;
  const v = force(t);
  return (typeof v === 'string' ? v : v instanceof NixString ? v.s : undefined) === 'derivation';
}

/** `a < b` (also used by sort's default order and list comparison). */
export function lessThan(a: Lazy, b: Lazy, pos?: Pos): boolean {
  const x = force(a);
  const y = force(b);
  if (isInt(x) && isInt(y)) {
    return typeof x === 'number' && typeof y === 'number' ? x < y : BigInt(x) < BigInt(y);
  }
  if ((isInt(x) || x instanceof NixFloat) && (isInt(y) || y instanceof NixFloat)) {
    const fx = x instanceof NixFloat ? x.value : Number(x);
    const fy = y instanceof NixFloat ? y.value : Number(y);
    return fx < fy;
  }
  if ((typeof x === 'string' || x instanceof NixString) && (typeof y === 'string' || y instanceof NixString)) {
    return (typeof x === 'string' ? x : x.s) < (typeof y === 'string' ? y : y.s);
  }
  if (x instanceof NixPath && y instanceof NixPath) return x.path < y.path;
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; ; i++) {
      if (i === y.length) return false;
      if (i === x.length) return true;
      if (!eqValues(x[i], y[i], pos)) return lessThan(x[i], y[i], pos);
    }
  }
  throw new NixError('type', `cannot compare ${showType(x)} with ${showType(y)}`, pos);
}

/** Forces a value completely (`deepSeq`, `--strict`). */
export function deepForce(v: Lazy, seen: Set<object> = new Set()): Value {
  const x = force(v);
  if (Array.isArray(x)) {
    if (seen.has(x)) return x;
    seen.add(x);
    for (const e of x) deepForce(e, seen);
  } else if (x instanceof Attrs) {
    if (seen.has(x)) return x;
    seen.add(x);
    for (const k of x.keys()) {
      try {
        deepForce(x.get(k)!, seen);
      } catch (e) {
        if (e instanceof NixError) {
          const p = x.posOf(k);
          e.addTrace(`while evaluating the attribute '${k}'`, p ? { src: p.src, start: p.start } : undefined);
        }
        throw e;
      }
    }
  }
  return x;
}

export { NO_CONTEXT };
