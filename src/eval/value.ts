/**
 * The value model of the evaluator. Every Nix value is one of:
 *
 *   null        JS null
 *   bool        JS boolean
 *   int         JS number (always an integer, |n| <= 2^53-1) or JS bigint (beyond that,
 *               always within int64). Use `mkInt` to normalise results.
 *   float       NixFloat (a box, so floats and ints stay distinguishable)
 *   string      JS string (no context), or NixString (with a non-empty context).
 *               Strings are byte strings: each code unit is one byte (latin1-decoded UTF-8).
 *   path        NixPath
 *   list        JS array of Lazy (elements are lazy)
 *   set         Attrs
 *   function    Lambda (a closure), PrimOp, or PrimOpApp (a primop partially applied)
 *
 * A `Lazy` is a Value or a Thunk; `force` turns a Lazy into a Value (weak head normal form).
 */
import type { Source } from '../../grammar/ast';
import { NixError, Pos } from './errors';
import { countCommon, indexOfSorted } from './sorted-names';

export class NixFloat {
  constructor(readonly value: number) {}
}

export class NixPath {
  constructor(readonly path: string) {}
}

/**
 * String context elements use Nix's encoding:
 *   "/nix/store/…-x"          a plain store path (opaque)
 *   "=/nix/store/…-x.drv"     a derivation and all its outputs (drv "deep")
 *   "!out!/nix/store/…-x.drv" one output of a derivation (built)
 */
export type Context = Set<string>;

export class NixString {
  constructor(
    readonly s: string,
    readonly ctx: Context,
  ) {}
}

export type NixList = Lazy[];

/** The empty list that `[]` literals (and builtins) share: lists are never mutated. */
export const EMPTY_LIST: NixList = [];

/** Static position of an attribute (what unsafeGetAttrPos reports). */
export interface AttrPos {
  src: Source;
  start: number;
}

/**
 * An attribute set, in one of two forms:
 *  - array form: keys sorted bytewise (an array often shared by every set a literal makes),
 *    values and positions in arrays aligned with them. Literal sets and `//` produce it: a
 *    small set costs two arrays, lookups are a short scan or a binary search, and `//` is a
 *    merge of sorted arrays.
 *  - map form: a Map, as builtins build sets; sorted keys are computed once on demand.
 * Reading `map` turns an array-form set into the map form (for code that iterates or builds
 * with Map operations); nothing else changes the form.
 */
export class Attrs {
  private m: Map<string, Lazy> | undefined;
  /** Sorted keys: the array form's keys, or the map form's sorted-key cache. */
  private ks: string[] | undefined;
  /** Array form only: values and positions aligned with `ks`. */
  private vs: Lazy[] | undefined;
  private ps: (AttrPos | undefined)[] | undefined;
  /** Map form only: positions of attributes, when the set was written literally. */
  public pos: Map<string, AttrPos> | undefined;

  constructor(map: Map<string, Lazy>, pos?: Map<string, AttrPos>) {
    this.m = map;
    this.ks = undefined;
    this.vs = undefined;
    this.ps = undefined;
    this.pos = pos;
  }

  /** A set in array form; `keys` must be sorted bytewise and may be shared. */
  static fromSorted(keys: string[], vals: Lazy[], positions?: (AttrPos | undefined)[]): Attrs {
    const a = new Attrs(undefined as unknown as Map<string, Lazy>);
    a.m = undefined;
    a.ks = keys;
    a.vs = vals;
    a.ps = positions;
    return a;
  }

  static empty(): Attrs {
    return EMPTY_ATTRS;
  }

  get size(): number {
    return this.vs !== undefined ? this.ks!.length : this.m!.size;
  }

  private indexOf(name: string): number {
    const ks = this.ks!;
    const n = ks.length;
    if (n <= 8) {
      for (let i = 0; i < n; i++) if (ks[i] === name) return i;
      return -1;
    }
    return indexOfSorted(ks, name);
  }

  /**
   * `get` with an inline cache for one lookup site: sets made by the same literal share
   * their key array, so the index found last time (-1: absent) is right again when the array
   * is the same. Two key arrays are remembered: a function's pattern is often called with
   * sets of two shapes in turn, and its defaults are looked up (and absent) at every call.
   */
  getCached(name: string, c: AttrCache): Lazy | undefined {
    const vs = this.vs;
    if (vs !== undefined) {
      const ks = this.ks!;
      let i: number;
      if (ks === c.ks) i = c.i;
      else if (ks === c.ks2) i = c.i2;
      else {
        i = this.indexOf(name);
        c.ks2 = c.ks;
        c.i2 = c.i;
        c.ks = ks;
        c.i = i;
      }
      return i < 0 ? undefined : vs[i];
    }
    return this.m!.get(name);
  }

  /**
   * `get(name)` where `name` is `names[i]`: a set whose key array is `names` itself (as a
   * union of key arrays often is) has the value at `i`, without a search.
   */
  getAt(name: string, names: string[], i: number): Lazy | undefined {
    const vs = this.vs;
    if (vs !== undefined && this.ks === names) return vs[i];
    return this.get(name);
  }

  get(name: string): Lazy | undefined {
    if (this.vs !== undefined) {
      const i = this.indexOf(name);
      return i < 0 ? undefined : this.vs[i];
    }
    return this.m!.get(name);
  }
  has(name: string): boolean {
    return this.vs !== undefined ? this.indexOf(name) >= 0 : this.m!.has(name);
  }
  /** The names, sorted bytewise (do not mutate). */
  keys(): string[] {
    if (this.ks === undefined) {
      const ks = new Array<string>(this.m!.size);
      let i = 0;
      for (const k of this.m!.keys()) ks[i++] = k;
      this.ks = ks.sort(compareBytes);
    }
    return this.ks;
  }
  /** Calls `f` for every attribute, in no particular order (no sorting needed). */
  forEach(f: (name: string, value: Lazy) => void): void {
    if (this.vs !== undefined) {
      const ks = this.ks!;
      for (let i = 0; i < ks.length; i++) f(ks[i], this.vs[i]);
    } else for (const [k, v] of this.m!) f(k, v);
  }
  /** Calls `f` for every attribute with its position, in no particular order. */
  forEachWithPos(f: (name: string, value: Lazy, pos: AttrPos | undefined) => void): void {
    if (this.vs !== undefined) {
      const ks = this.ks!;
      const ps = this.ps;
      for (let i = 0; i < ks.length; i++) f(ks[i], this.vs[i], ps === undefined ? undefined : ps[i]);
    } else {
      const pos = this.pos;
      for (const [k, v] of this.m!) f(k, v, pos === undefined ? undefined : pos.get(k));
    }
  }
  /** The positions in key order (undefined when the set has none). */
  positions(): (AttrPos | undefined)[] | undefined {
    if (this.vs !== undefined) return this.ps;
    const pos = this.pos;
    if (pos === undefined) return undefined;
    const ks = this.keys();
    const out = new Array<AttrPos | undefined>(ks.length);
    for (let i = 0; i < ks.length; i++) out[i] = pos.get(ks[i]);
    return out;
  }
  /** The values in key order. */
  values(): Lazy[] {
    if (this.vs !== undefined) return this.vs;
    const m = this.m!;
    const ks = this.keys();
    const out = new Array<Lazy>(ks.length);
    for (let i = 0; i < ks.length; i++) out[i] = m.get(ks[i])!;
    return out;
  }
  posOf(name: string): AttrPos | undefined {
    if (this.vs !== undefined) {
      if (this.ps === undefined) return undefined;
      const i = this.indexOf(name);
      return i < 0 ? undefined : this.ps[i];
    }
    return this.pos?.get(name);
  }

  /** The map form (converting an array-form set). */
  get map(): Map<string, Lazy> {
    if (this.m === undefined) {
      const ks = this.ks!;
      const vs = this.vs!;
      const m = new Map<string, Lazy>();
      for (let i = 0; i < ks.length; i++) m.set(ks[i], vs[i]);
      if (this.ps !== undefined) {
        const pos = new Map<string, AttrPos>();
        for (let i = 0; i < ks.length; i++) if (this.ps[i] !== undefined) pos.set(ks[i], this.ps[i]!);
        this.pos = pos;
      }
      this.m = m;
      this.vs = undefined;
      this.ps = undefined;
    }
    return this.m;
  }

  /**
   * A new set with the same attributes. Nix's removeAttrs and intersectAttrs make new
   * bindings even when they keep every attribute, and `--eval` output tells sets apart by
   * their bindings (a set printed before shows as «repeated»).
   */
  copy(): Attrs {
    if (this.vs !== undefined) return Attrs.fromSorted(this.ks!, this.vs.slice(), this.ps?.slice());
    return new Attrs(new Map(this.m), this.pos);
  }

  /** `this // other` */
  update(other: Attrs): Attrs {
    if (other.size === 0) return this;
    if (this.size === 0) return other;
    if (this.vs !== undefined && other.vs !== undefined) return mergeSorted(this, other);
    const m = new Map(this.map);
    for (const [k, v] of other.map) m.set(k, v);
    let pos: Map<string, AttrPos> | undefined;
    if (this.pos || other.pos) {
      pos = new Map(this.pos);
      if (other.pos) for (const [k, p] of other.pos) pos.set(k, p);
    }
    return new Attrs(m, pos);
  }

  /** For `mergeSorted`: the array form's parts. */
  arrays(): { ks: string[]; vs: Lazy[]; ps: (AttrPos | undefined)[] | undefined } {
    return { ks: this.ks!, vs: this.vs!, ps: this.ps };
  }
}

/** The state of an inline cache for `Attrs.getCached` (one per lookup site). */
export interface AttrCache {
  ks: string[] | undefined;
  i: number;
  ks2: string[] | undefined;
  i2: number;
}

export function newAttrCache(): AttrCache {
  return { ks: undefined, i: 0, ks2: undefined, i2: 0 };
}

/** `a // b` of two array-form sets: one pass over both sorted key arrays. */
function mergeSorted(a: Attrs, b: Attrs): Attrs {
  const A = a.arrays();
  const B = b.arrays();
  const aks = A.ks;
  const bks = B.ks;
  const n = aks.length;
  const m = bks.length;
  // First pass: how many names the sides share (the result is exactly that large).
  const common = countCommon(aks, bks);
  // Every name of `a` is in `b`: `b` wins everywhere (in new bindings, as in Nix, see copy).
  if (common === n) return b.copy();
  const withPos = A.ps !== undefined || B.ps !== undefined;
  if (common === m) {
    // Every name of `b` is in `a`: `a`'s names (the same key array) with `b`'s values on top.
    const vs = A.vs.slice();
    const ps = withPos ? (A.ps !== undefined ? A.ps.slice() : new Array<AttrPos | undefined>(n)) : undefined;
    for (let i = 0, j = 0; j < m; i++) {
      if (aks[i] === bks[j]) {
        vs[i] = B.vs[j];
        if (ps !== undefined) ps[i] = B.ps === undefined ? undefined : B.ps[j];
        j++;
      }
    }
    return Attrs.fromSorted(aks, vs, ps);
  }
  const total = n + m - common;
  const ks = new Array<string>(total);
  const vs = new Array<Lazy>(total);
  const ps: (AttrPos | undefined)[] | undefined = withPos ? new Array<AttrPos | undefined>(total) : undefined;
  let i = 0;
  let j = 0;
  for (let k = 0; k < total; k++) {
    let fromB: boolean;
    if (i === n) fromB = true;
    else if (j === m) fromB = false;
    else {
      const ka = aks[i];
      const kb = bks[j];
      if (ka === kb) {
        i++; // the right-hand side wins
        fromB = true;
      } else fromB = kb < ka;
    }
    if (fromB) {
      ks[k] = bks[j];
      vs[k] = B.vs[j];
      if (ps !== undefined) ps[k] = B.ps === undefined ? undefined : B.ps[j];
      j++;
    } else {
      ks[k] = aks[i];
      vs[k] = A.vs[i];
      if (ps !== undefined) ps[k] = A.ps === undefined ? undefined : A.ps[i];
      i++;
    }
  }
  return Attrs.fromSorted(ks, vs, ps);
}

/** Bytewise comparison of byte strings (the order of attrNames and sort on strings). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const EMPTY_ATTRS = new Attrs(new Map());

/** Builds an Attrs from a plain object (for builtins that return sets). */
export function attrsFrom(obj: Record<string, Lazy>): Attrs {
  return new Attrs(new Map(Object.entries(obj)));
}

/** The compiled form of a lambda; defined by the compiler. */
export interface LambdaInfo {
  /** Name for traces: the attribute or let binding it was defined as, if any. */
  name?: string;
  src: Source;
  start: number;
  /** Formal parameters (for functionArgs): name → has default. */
  formals?: Map<string, boolean>;
  /** Positions of the formals (what unsafeGetAttrPos reports on functionArgs). */
  formalPos?: Map<string, AttrPos>;
  ellipsis: boolean;
  /** The argument name for `x:` or `x@{…}`. */
  arg?: string;
  /** Binds an argument and evaluates the body. */
  call(env: Env, arg: Lazy, lambda: Lambda, callPos: Pos | undefined): Value;
  /** For `a: b: …` (the body is a lambda): applies to two arguments at once. */
  call2?: (env: Env, a: Lazy, b: Lazy, callPos: Pos | undefined) => Value;
  /** `x: body` where evaluating `body` forces `x` before anything else: a call may pass
   *  the argument evaluated instead of a thunk (see compileCall). */
  strictArg?: boolean;
}

export class Lambda {
  constructor(
    readonly info: LambdaInfo,
    readonly env: Env,
  ) {}
}

/** A builtin function. `fn` receives its arguments unforced. */
export class PrimOp {
  constructor(
    readonly name: string,
    readonly arity: number,
    readonly fn: (args: Lazy[], pos: Pos | undefined) => Value,
    /** A one-argument builtin's entry without an argument array. */
    readonly fn1: ((arg: Lazy, pos: Pos | undefined) => Value) | undefined = undefined,
    /** `fn1` forces its argument before anything else, so a call may pass it evaluated. */
    readonly strict: boolean = false,
  ) {}
}

/** A primop applied to fewer arguments than its arity. */
export class PrimOpApp {
  constructor(
    readonly op: PrimOp,
    readonly args: Lazy[],
  ) {}
}

export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | NixFloat
  | NixString
  | NixPath
  | NixList
  | Attrs
  | Lambda
  | PrimOp
  | PrimOpApp;

/**
 * Environments. A frame is one array: slot 0 holds the parent frame (null at the top) and
 * slots 1… the bindings of a `let`, `rec` or lambda, in the order the compiler gave them;
 * a `with` frame holds its lazy attribute set in slot 1. One array per frame keeps a
 * function call to a single allocation.
 */
export type Env = any[];

/** A frame with the given parent and bindings. */
export function mkEnv(up: Env | null, vals: Lazy[]): Env {
  const env: Env = new Array(vals.length + 1);
  env[0] = up;
  for (let i = 0; i < vals.length; i++) env[i + 1] = vals[i];
  return env;
}

type ThunkFn = (a: any, b: any) => Value;

const BLACKHOLE: ThunkFn = () => {
  throw new Error('blackhole');
};
const DONE: ThunkFn = () => {
  throw new Error('done');
};
/** A thunk whose computation threw: `a` holds the error, rethrown on every force. */
const FAILED: ThunkFn = (err: unknown) => {
  throw err;
};

/**
 * A delayed computation `fn(a, b)`, evaluated at most once. For compiled code, `fn` runs the
 * compiled expression `a` in the environment `b`; for lazy applications (map, …) `fn`
 * applies `a` to `b`. Three fields keep thunks small: once evaluated, `a` holds the value.
 * While being forced the thunk is a black hole: forcing it again is infinite recursion.
 * If the computation throws, the thunk remembers the error and forcing it again throws it
 * again without re-running the computation (as Nix does since 2.34).
 */
export class Thunk {
  constructor(
    public fn: ThunkFn,
    public a: any,
    public b: any = undefined,
  ) {}

  force(): Value {
    const fn = this.fn;
    // Read on every path: a load that only some paths reach has no type feedback until
    // they run, and optimized code then deoptimizes there, in every activation on a deep
    // stack of forces (a chain of thunks forced for the first time).
    const a = this.a;
    if (fn === DONE) return a;
    if (fn === FAILED) throw a;
    if (fn === BLACKHOLE) throw infiniteRecursion(a);
    this.fn = BLACKHOLE;
    try {
      const v = fn(a, this.b);
      this.fn = DONE;
      this.a = v;
      this.b = undefined;
      return v;
    } catch (e) {
      this.fn = FAILED;
      this.a = e;
      this.b = undefined;
      throw e;
    }
  }

  /** The value, once forced. */
  get v(): Value {
    return this.fn === DONE ? this.a : null;
  }

  get forced(): boolean {
    return this.fn === DONE;
  }

  get isBlackhole(): boolean {
    return this.fn === BLACKHOLE;
  }
}

/** The error for forcing a thunk that is being forced (`a` is its computation's first operand). */
function infiniteRecursion(a: unknown): NixError {
  // Compiled code carries its position (see compile.ts), which names the recursion.
  const pos = typeof a === 'function' ? (a as { pos?: Pos }).pos : undefined;
  return new NixError('infinite-recursion', 'infinite recursion encountered', pos);
}

export type Lazy = Value | Thunk;

/** Weak head normal form of a lazy value. */
export function force(v: Lazy): Value {
  return v instanceof Thunk ? v.force() : v;
}

export const INT_MIN = -(2n ** 63n);
export const INT_MAX = 2n ** 63n - 1n;

/** Normalises an integer result: a JS number when safe, a bigint otherwise; overflow is an error. */
export function mkInt(n: number | bigint, what = 'integer'): number | bigint {
  if (typeof n === 'number') {
    if (Number.isSafeInteger(n)) return n;
    throw new Error(`mkInt of unsafe number ${n}`);
  }
  if (n < INT_MIN || n > INT_MAX) throw new NixError('overflow', `${what} overflow`);
  if (n >= -9007199254740991n && n <= 9007199254740991n) return Number(n);
  return n;
}

export function isInt(v: Value): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

export function isString(v: Value): v is string | NixString {
  return typeof v === 'string' || v instanceof NixString;
}

export function isFunction(v: Value): v is Lambda | PrimOp | PrimOpApp {
  return v instanceof Lambda || v instanceof PrimOp || v instanceof PrimOpApp;
}

/** `builtins.typeOf`. */
export function typeOf(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
  }
  if (v instanceof NixString) return 'string';
  if (v instanceof NixFloat) return 'float';
  if (v instanceof NixPath) return 'path';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Attrs) return 'set';
  return 'lambda';
}

/** The type name used in error messages ("expected a set but found an integer"). */
export function showType(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'a Boolean';
    case 'number':
    case 'bigint':
      return 'an integer';
    case 'string':
      return 'a string';
  }
  if (v instanceof NixString) return 'a string';
  if (v instanceof NixFloat) return 'a float';
  if (v instanceof NixPath) return 'a path';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Attrs) return 'a set';
  if (v instanceof PrimOp) return 'a built-in function';
  if (v instanceof PrimOpApp) return 'a partially applied built-in function';
  return 'a function';
}

/** The string content of a string value (dropping context). */
export function strOf(v: string | NixString): string {
  return typeof v === 'string' ? v : v.s;
}

/** The context of a string value (empty set for plain strings; do not mutate). */
export function ctxOf(v: string | NixString): Context {
  return typeof v === 'string' ? NO_CONTEXT : v.ctx;
}

export const NO_CONTEXT: Context = new Set();

/** Makes a string value, attaching the context only when it is non-empty. */
export function mkString(s: string, ctx?: Context): string | NixString {
  return ctx && ctx.size > 0 ? new NixString(s, ctx) : s;
}
