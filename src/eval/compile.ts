/**
 * The compiler: turns an AST into a tree of JavaScript closures, once per file.
 *
 * Each expression compiles to a `Code` (env → value in weak head normal form). Where Nix is
 * lazy (attribute values, list elements, arguments, bindings) the compiler uses a `LazyCode`
 * instead, which returns a constant or an existing slot as is and allocates a thunk only
 * for a real computation. Variables are resolved here (see scope.ts), so evaluation never
 * searches by name except through `with`.
 */
import type * as A from '../../grammar/ast';
import { printExpr } from '../../grammar';
import { NixError, Pos, positionFile } from './errors';
import { Resolution, noteLazyRead, resolve, Scope } from './scope';
import { evalState } from './state';
import { lintLiteral, warnCursedOr } from './lint';
import {
  AttrCache,
  AttrPos,
  Attrs,
  newAttrCache,
  Env,
  force,
  Lambda,
  LambdaInfo,
  Lazy,
  NixFloat,
  NixPath,
  Thunk,
  Value,
  PrimOp,
  EMPTY_LIST,
} from './value';
import { eqValues, forceAttrs, forceStringNoCtx, lambdaArgNotASet, lessThan, typeError } from './runtime';
import * as arith from '../builtins/arith';
import { callFunction, callFunction2, callLambdaTraced, callPrimOp, callPrimOp1, callStrictPrimOp1 } from './call';
import { concatStrings, add2, interpolate } from './concat';
import { holeyCopy } from './sorted-names';

/**
 * Attribute names written in the source are interned when compiled: V8 compares two
 * internalized strings by pointer, so looking a static name up in a set made by a literal
 * (or matching a function's formals) costs no character comparisons.
 */
const internTable = new Map<string, string>();
export function intern(s: string): string {
  let r = internTable.get(s);
  if (r === undefined) {
    // V8 internalizes the names of object properties.
    r = Object.keys({ [s]: 0 })[0];
    internTable.set(r, r);
  }
  return r;
}

export type Code = (env: Env) => Value;

export type LazyCode = (env: Env) => Lazy;

/** Compiles a whole program (a file or -E expression) in the global scope. */
export function compileProgram(e: A.Expr, scope: Scope | null = null): Code {
  return compile(e, scope);
}

function posOf(e: { src: A.Source; start: number; end: number }): Pos {
  return { src: e.src, start: e.start, end: e.end };
}

function evalCode(code: Code, env: Env): Value {
  return code(env);
}

/** Code that may be delayed in a thunk carries its position, for infinite-recursion errors. */
function withPos(code: Code, pos: Pos): Code {
  (code as Code & { pos?: Pos }).pos = pos;
  return code;
}

/** Makes the lazy form of an expression: constants and variables need no thunk. */
export function compileLazy(e: A.Expr, scope: Scope | null, name?: string): LazyCode {
  switch (e.kind) {
    case 'Int':
    case 'Float':
    case 'String':
    case 'Path': {
      const v = constantOf(e);
      return () => v;
    }
    case 'Var': {
      const r = resolveVar(e, scope);
      if (r.kind === 'slot') {
        noteLazyRead(scope, r.level, r.index);
        return slotGetter(r.level, r.index);
      }
      if (r.kind === 'global') {
        const v = r.value;
        return () => v;
      }
      break;
    }
    case 'List':
      if (e.elems.length === 0) return () => EMPTY_LIST;
      break;
  }
  // Everything else is a thunk, as in Nix (lambdas, list and set literals too): which values
  // are still unevaluated shows when a value is printed without --strict or traced.
  return delayed(compile(e, scope, name), e);
}

/** Code making a thunk of `code`, the compiled `e` (whose position names it in errors). */
function delayed(code: Code, e: A.Expr): LazyCode {
  const c = withPos(code, posOf(e));
  return (env) => new Thunk(evalCode, c, env);
}

/** Whether `compileLazy` makes a thunk for `e` (not a constant, a variable or an empty list). */
function needsThunk(e: A.Expr): boolean {
  switch (e.kind) {
    case 'Int':
    case 'Float':
    case 'String':
    case 'Path':
    case 'Var':
      return false;
    case 'List':
      return e.elems.length > 0;
    default:
      return true;
  }
}

function constantOf(e: A.Int | A.Float | A.Str | A.Path): Value {
  if (e.kind === 'String' || e.kind === 'Path') lintLiteral(e);
  switch (e.kind) {
    case 'Int':
      return e.value;
    case 'Float':
      return new NixFloat(e.value);
    case 'String':
      return e.value;
    case 'Path':
      return new NixPath(e.value);
  }
}

/**
 * Reads a slot without forcing it. A slot of the frame being filled (`let a = b; b = 1;`,
 * a default referring to a later formal) may still be empty: then the read is deferred.
 */
function slotGetter(level: number, index: number): LazyCode {
  switch (level) {
    case 0:
      return (env) => {
        const v = env[index + 1];
        return v === undefined ? new Thunk(readSlotLater, env, index) : v;
      };
    case 1:
      return (env) => env[0][index + 1];
    case 2:
      return (env) => env[0][0][index + 1];
    default:
      return (env) => {
        let e = env;
        for (let l = level; l > 0; l--) e = e[0];
        return e[index + 1];
      };
  }
}

function readSlotLater(env: Env, index: number): Value {
  return force(env[index + 1]);
}

function resolveVar(e: A.Var, scope: Scope | null): Resolution {
  const r = resolve(scope, e.name, evalState.globals);
  if (r.kind === 'undefined') {
    throw new NixError('undefined-variable', `undefined variable '${e.name}'`, posOf(e));
  }
  return r;
}

/** Compiles an expression to strict code. `name` names a lambda for traces. */
export function compile(e: A.Expr, scope: Scope | null, name?: string): Code {
  switch (e.kind) {
    case 'Int':
    case 'Float':
    case 'String':
    case 'Path': {
      const v = constantOf(e);
      return () => v;
    }
    case 'Var':
      return compileVar(e, scope);
    case 'Select':
      return compileSelect(e, scope);
    case 'HasAttr':
      return compileHasAttr(e, scope);
    case 'Attrs':
      return e.rec ? compileRecAttrs(e, scope) : compileAttrs(e, scope);
    case 'InheritFrom':
      throw new Error('InheritFrom outside of an inherit');
    case 'List': {
      const elems = e.elems.map((x) => compileLazy(x, scope));
      if (elems.length === 0) return () => EMPTY_LIST;
      return (env) => {
        const out = new Array<Lazy>(elems.length);
        for (let i = 0; i < elems.length; i++) out[i] = elems[i](env);
        return out;
      };
    }
    case 'Lambda': {
      const make = compileLambda(e, scope, name);
      return make as Code;
    }
    case 'Call':
      return compileCall(e, scope);
    case 'Let':
      return compileLet(e, scope);
    case 'With': {
      const attrs = compileLazy(e.attrs, scope);
      const body = compile(e.body, new Scope(scope, new Map(), true));
      return (env) => body([env, attrs(env)]);
    }
    case 'If': {
      const cond = compile(e.cond, scope);
      const then = compile(e.then, scope);
      const els = compile(e.else, scope);
      const pos = posOf(e.cond);
      return (env) => {
        const c = cond(env);
        if (c === true) return then(env);
        if (c === false) return els(env);
        throw typeError('a Boolean', c, pos).addTrace('while evaluating a branch condition', pos);
      };
    }
    case 'Assert': {
      const cond = compile(e.cond, scope);
      const body = compile(e.body, scope);
      const pos = posOf(e);
      const condPos = posOf(e.cond);
      return (env) => {
        const c = cond(env);
        if (c === true) return body(env);
        if (c === false) {
          throw new NixError('assert', `assertion '${printExpr(e.cond)}' failed`, pos);
        }
        throw typeError('a Boolean', c, condPos).addTrace('in the condition of the assert statement', pos);
      };
    }
    case 'Not': {
      const x = compile(e.e, scope);
      const pos = posOf(e.e);
      return (env) => {
        const v = x(env);
        if (typeof v !== 'boolean') throw typeError('a Boolean', v, pos);
        return !v;
      };
    }
    case 'BinOp':
      return compileBinOp(e, scope);
    case 'ConcatStrings':
      return compileConcat(e, scope);
    case 'CurPos': {
      const { line, column } = e.src.location(e.start);
      const v = new Attrs(
        new Map<string, Lazy>([
          ['column', column],
          ['file', positionFile(e.src)],
          ['line', line],
        ]),
      );
      return () => v;
    }
  }
}


function compileVar(e: A.Var, scope: Scope | null): Code {
  const r = resolveVar(e, scope);
  if (r.kind === 'global') {
    const v = r.value;
    return () => v;
  }
  if (r.kind === 'slot') {
    const { level, index } = r;
    switch (level) {
      case 0:
        return (env) => {
          const v = env[index + 1];
          return v instanceof Thunk ? v.force() : v;
        };
      case 1:
        return (env) => {
          const v = env[0][index + 1];
          return v instanceof Thunk ? v.force() : v;
        };
      default: {
        const get = slotGetter(level, index);
        return (env) => force(get(env));
      }
    }
  }
  // Dynamic: look through the enclosing `with` frames, innermost first.
  const levels = (r as { withLevels: number[] }).withLevels;
  const name = intern(e.name);
  const pos = posOf(e);
  const caches = levels.map(newAttrCache);
  return (env) => force(lookupWith(env, levels, caches, name, pos));
}

function lookupWith(env: Env, levels: number[], caches: AttrCache[], name: string, pos: Pos): Lazy {
  let e = env;
  let at = 0;
  for (let l = 0; l < levels.length; l++) {
    const level = levels[l];
    for (; at < level; at++) e = e[0];
    const attrs = forceAttrs(e[1], pos);
    const v = attrs.getCached(name, caches[l]);
    if (v !== undefined) return v;
  }
  throw new NixError('undefined-variable', `undefined variable '${name}'`, pos);
}

/** Compiles attribute names: static strings stay strings, dynamic ones become code. */
function compileAttrPath(path: A.AttrName[], scope: Scope | null): (string | Code)[] {
  return path.map((p) => (p.name !== undefined ? intern(p.name) : compile(p.expr!, scope)));
}

function attrNameOf(c: string | Code, env: Env, pos: Pos): string {
  if (typeof c === 'string') return c;
  return forceStringNoCtx(c(env), pos);
}

function compileSelect(e: A.Select, scope: Scope | null): Code {
  const base = compile(e.e, scope);
  const path = compileAttrPath(e.path, scope);
  const def = e.def ? compile(e.def, scope) : undefined;
  const pos = posOf(e);
  // The common case: `x.a` with a static name and no default.
  if (path.length === 1 && typeof path[0] === 'string' && !def) {
    const name = path[0];
    const cache = newAttrCache();
    return (env) => {
      const v = base(env);
      if (v instanceof Attrs) {
        const r = v.getCached(name, cache);
        if (r !== undefined) return r instanceof Thunk ? r.force() : r;
        throw missingAttr(name, v, pos);
      }
      throw typeError('a set', v, pos).addTrace(`while selecting an attribute`, pos);
    };
  }
  return (env) => {
    let v: Value = base(env);
    for (let i = 0; i < path.length; i++) {
      const name = attrNameOf(path[i], env, pos);
      if (!(v instanceof Attrs)) {
        if (def) return def(env);
        throw typeError('a set', v, pos).addTrace(`while selecting an attribute`, pos);
      }
      const r = v.get(name);
      if (r === undefined) {
        if (def) return def(env);
        throw missingAttr(name, v, pos);
      }
      v = force(r);
    }
    return v;
  };
}

export function missingAttr(name: string, v: Attrs, pos?: Pos): NixError {
  const err = new NixError('missing-attribute', `attribute '${name}' missing`, pos);
  const s = suggest(name, v.keys());
  if (s.length) (err as NixError & { suggestions?: string[] }).suggestions = s;
  return err;
}

/** The attribute names closest to `name` (for "Did you mean …?"). */
export function suggest(name: string, candidates: Iterable<string>): string[] {
  const scored: [number, string][] = [];
  for (const c of candidates) {
    const d = levenshtein(name, c);
    if (d <= 2) scored.push([d, c]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
  return scored.slice(0, 10).map((x) => x[1]);
}

function levenshtein(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

function compileHasAttr(e: A.HasAttr, scope: Scope | null): Code {
  const base = compile(e.e, scope);
  const path = compileAttrPath(e.path, scope);
  const pos = posOf(e);
  return (env) => {
    let v: Value = base(env);
    for (let i = 0; i < path.length; i++) {
      if (!(v instanceof Attrs)) return false;
      const r = v.get(attrNameOf(path[i], env, pos));
      if (r === undefined) return false;
      if (i < path.length - 1) v = force(r);
    }
    return true;
  };
}

/** Static positions of a literal set's attributes, shared by all its instances. */
function attrPositions(e: A.Attrs): Map<string, AttrPos> {
  const m = new Map<string, AttrPos>();
  for (const [k, d] of e.attrs) m.set(k, { src: e.src, start: d.start });
  return m;
}

/**
 * `inherit (e) a b;` evaluates `e` once per set: each such expression gets a slot in a
 * small frame made per instance, and the inherited attributes select from that slot.
 */
function compileInheritFrom(e: A.Attrs, scope: Scope | null): { make: (env: Env) => Env } | null {
  if (e.inheritFrom.length === 0) return null;
  const codes = e.inheritFrom.map((x) => compileLazy(x, scope));
  return {
    make: (env) => {
      const frame: Env = new Array(codes.length + 1);
      frame[0] = env;
      for (let i = 0; i < codes.length; i++) frame[i + 1] = codes[i](env);
      return frame;
    },
  };
}

interface InheritKey {
  index: number;
  name: string;
  pos: Pos;
  cache: AttrCache;
}

/** For `inherit (e) x`: a thunk selecting `x` from the inherit frame's slot. */
function inheritedFromGetter(name: string, d: A.AttrDef): LazyCode {
  const sel = d.e as A.Select;
  const key: InheritKey = { index: (sel.e as A.InheritFrom).index, name: intern(name), pos: posOf(sel), cache: newAttrCache() };
  return (ienv) => new Thunk(selectInherited, ienv, key);
}

function selectInherited(env: Env, key: InheritKey): Value {
  const from = forceAttrs(env[key.index + 1], key.pos);
  const v = from.getCached(key.name, key.cache);
  if (v === undefined) throw missingAttr(key.name, from, key.pos);
  return force(v);
}

/** The names of a literal set sorted bytewise, and where each sits in source order. */
function sortedLayout(e: A.Attrs): { names: string[]; sorted: string[]; order: number[]; positions: AttrPos[] } {
  const names = [...e.attrs.keys()];
  // The default sort compares UTF-16 code units, which for byte strings is compareBytes,
  // and runs without calling back into JavaScript (this runs for every set literal loaded).
  const byName = names.slice().sort();
  const index = new Map<string, number>();
  for (let i = 0; i < names.length; i++) index.set(names[i], i);
  const order = byName.map((k) => index.get(k)!);
  const sorted = holeyCopy(byName.map((k) => intern(k)));
  const positions = sorted.map((k) => ({ src: e.src, start: e.attrs.get(k)!.start }));
  return { names, sorted, order, positions };
}

function compileAttrs(e: A.Attrs, scope: Scope | null): Code {
  const inh = compileInheritFrom(e, scope);
  const dyn = compileDynamicAttrs(e, scope);
  if (dyn) return compileAttrsWithDynamic(e, scope, inh, dyn);
  // Static names only: the array form, with the sorted key array shared by every instance.
  const { sorted, positions } = sortedLayout(e);
  const n = sorted.length;
  if (n === 0) return () => Attrs.fromSorted(sorted, []);
  const values = sorted.map((k) => {
    const d = e.attrs.get(k)!;
    return d.kind === 'inheritedFrom' ? inheritedFromGetter(k, d) : compileLazy(d.e, scope, k);
  });
  const fromInherit = sorted.map((k) => e.attrs.get(k)!.kind === 'inheritedFrom');
  return (env) => {
    const ienv = inh ? inh.make(env) : env;
    const vals = new Array<Lazy>(n);
    for (let i = 0; i < n; i++) vals[i] = values[i](fromInherit[i] ? ienv : env);
    return Attrs.fromSorted(sorted, vals, positions);
  };
}

function compileAttrsWithDynamic(
  e: A.Attrs,
  scope: Scope | null,
  inh: ReturnType<typeof compileInheritFrom>,
  dyn: (env: Env, attrs: Attrs, pos: Pos) => void,
): Code {
  const names = [...e.attrs.keys()].map(intern);
  const values = names.map((n) => {
    const d = e.attrs.get(n)!;
    if (d.kind === 'inheritedFrom') return inheritedFromGetter(n, d);
    return compileLazy(d.e, scope, n);
  });
  const positions = attrPositions(e);
  const pos = posOf(e);
  return (env) => {
    const m = new Map<string, Lazy>();
    const ienv = inh ? inh.make(env) : env;
    for (let i = 0; i < names.length; i++) {
      const d = e.attrs.get(names[i])!;
      m.set(names[i], values[i](d.kind === 'inheritedFrom' ? ienv : env));
    }
    const attrs = new Attrs(m, positions);
    dyn(env, attrs, pos);
    return attrs;
  };
}

function compileDynamicAttrs(
  e: A.Attrs,
  scope: Scope | null,
): ((env: Env, attrs: Attrs, pos: Pos) => void) | null {
  if (e.dynamicAttrs.length === 0) return null;
  const defs = e.dynamicAttrs.map((d) => ({
    name: compile(d.name, scope),
    value: compileLazy(d.value, scope),
    pos: { src: e.src, start: d.start, end: d.end } as Pos,
  }));
  return (env, attrs) => {
    for (const d of defs) {
      const nv = d.name(env);
      if (nv === null) continue;
      const name = forceStringNoCtx(nv, d.pos);
      if (attrs.map.has(name)) {
        const prev = attrs.posOf(name);
        throw new NixError(
          'eval',
          `dynamic attribute '${name}' already defined at ${prev ? showPosShort(prev) : '\xc2\xabunknown\xc2\xbb'}`,
          d.pos,
        );
      }
      attrs.map.set(name, d.value(env));
      if (attrs.pos) {
        attrs.pos = new Map(attrs.pos);
        attrs.pos.set(name, { src: d.pos.src, start: d.pos.start });
      }
    }
  };
}

function showPosShort(p: AttrPos): string {
  const { line, column } = p.src.location(p.start);
  return `${p.src.path}:${line}:${column}`;
}

/**
 * `rec { … }` and `let`: one frame holds every binding; values are compiled in a scope
 * where the bindings are visible.
 */
function compileRecFrame(
  e: A.Attrs,
  scope: Scope | null,
  hasOverrides = false,
): {
  inner: Scope;
  names: string[];
  values: LazyCode[];
  envs: Uint8Array;
  inh: ReturnType<typeof compileInheritFrom>;
  /** For a binding to a lambda: the code making the lambda itself (see compileLet). */
  lambdas: (LazyCode | undefined)[];
} {
  const names = [...e.attrs.keys()].map(intern);
  const lambdas: (LazyCode | undefined)[] = new Array(names.length).fill(undefined);
  const inner = Scope.frame(scope, names);
  const inh = compileInheritFrom(e, inner);
  // Which environment each value is made in (see fillRecFrame), decided here once.
  const envs = Uint8Array.from(names, (n) => {
    const kind = e.attrs.get(n)!.kind;
    return kind === 'inherited' ? OUTER_ENV : kind === 'inheritedFrom' ? INHERIT_ENV : FRAME_ENV;
  });
  const values = names.map((n, i): LazyCode => {
    const d = e.attrs.get(n)!;
    // `inherit x;` in rec/let refers to the *outer* x.
    if (d.kind === 'inherited') return compileLazy(d.e, scope, n);
    if (d.kind === 'inheritedFrom') return inheritedFromGetter(n, d);
    if (hasOverrides) {
      // With `__overrides`, every attribute is a real thunk so that it reads the
      // (possibly overridden) slots when forced, as Nix does.
      return delayed(compile(d.e, inner, n), d.e);
    }
    if (d.e.kind === 'Lambda') {
      const make = compileLambda(d.e, inner, n);
      lambdas[i] = make;
      return delayed(make, d.e);
    }
    return compileLazy(d.e, inner, n);
  });
  return { inner, names, values, envs, inh, lambdas };
}

/** The environments of a rec frame's values: the frame, the enclosing one (`inherit x;`), `inherit (e)`'s. */
const FRAME_ENV = 0;
const OUTER_ENV = 1;
const INHERIT_ENV = 2;

function fillRecFrame(env: Env, envs: Uint8Array, values: LazyCode[], inh: ReturnType<typeof compileInheritFrom>): Env {
  const n = values.length;
  const frame: Env = new Array(n + 1);
  frame[0] = env;
  const ienv = inh ? inh.make(frame) : frame;
  for (let i = 0; i < n; i++) {
    const k = envs[i];
    frame[i + 1] = values[i](k === FRAME_ENV ? frame : k === OUTER_ENV ? env : ienv);
  }
  return frame;
}

function compileRecAttrs(e: A.Attrs, scope: Scope | null): Code {
  const { inner, names, values, envs, inh } = compileRecFrame(e, scope, e.attrs.has('__overrides'));
  const dyn = compileDynamicAttrs(e, inner);
  const pos = posOf(e);
  const overridesIndex = names.indexOf('__overrides');
  if (!dyn && overridesIndex < 0) {
    // The array form: values are the frame's slots, taken in sorted order.
    const { sorted, order, positions } = sortedLayout(e);
    const n = sorted.length;
    return (env) => {
      const frame = fillRecFrame(env, envs, values, inh);
      const vals = new Array<Lazy>(n);
      for (let i = 0; i < n; i++) vals[i] = frame[order[i] + 1];
      return Attrs.fromSorted(sorted, vals, positions);
    };
  }
  const positions = attrPositions(e);
  return (env) => {
    const frame = fillRecFrame(env, envs, values, inh);
    const m = new Map<string, Lazy>();
    for (let i = 0; i < names.length; i++) m.set(names[i], frame[i + 1]);
    const attrs = new Attrs(m, positions);
    if (dyn) dyn(frame, attrs, pos);
    if (overridesIndex >= 0) {
      // Legacy `__overrides`: its attributes replace the set's, also for references inside.
      const ov = forceAttrs(frame[overridesIndex + 1], pos);
      for (const k of ov.keys()) {
        const v = ov.get(k)!;
        m.set(k, v);
        const i = names.indexOf(k);
        if (i >= 0) frame[i + 1] = v;
      }
    }
    return attrs;
  };
}

function compileLet(e: A.Let, scope: Scope | null): Code {
  const { inner, values, envs, inh, lambdas } = compileRecFrame(e.attrs, scope);
  const body = compile(e.body, inner);
  // A binding to a lambda that nothing reads without forcing (the bindings and the body are
  // compiled by now: every read is known) is made as the lambda itself, not a thunk of it.
  // Only an unforced read could tell the two apart (printing shows a thunk as <CODE>), so
  // helper functions called by name need no thunk. A `rec` set's bindings are its attribute
  // values, which escape, so this is for `let` only.
  for (let i = 0; i < lambdas.length; i++) {
    if (lambdas[i] !== undefined && !inner.lazyReads?.has(i)) values[i] = lambdas[i]!;
  }
  return (env) => body(fillRecFrame(env, envs, values, inh));
}

// ---------------------------------------------------------------------------------------
// Functions

/**
 * Curried lambdas share one frame: in `a: b: body`, the inner lambda's frame holds `a`
 * (copied from the closure the outer call made) next to its own bindings, so `body` reads
 * both at level 0 and `f a b` makes one frame instead of two. `prefix` names the slots a
 * lambda copies from its closure's frame (empty for a lambda that is not such a body);
 * `scope` is then the scope around the outermost lambda of the chain.
 */
function compileLambda(e: A.Lambda, scope: Scope | null, name?: string, prefix: string[] = []): LazyCode & Code {
  const k = prefix.length;
  const slotNames: string[] = prefix.slice();
  if (e.arg !== undefined) slotNames.push(e.arg);
  if (e.formals) for (const f of e.formals.formals) slotNames.push(f.name);
  const size = slotNames.length + 1;
  const pos = posOf(e);
  let info: LambdaInfo;
  if (!e.formals) {
    const bodyScope = Scope.frame(scope, slotNames);
    let body: Code;
    let call2: LambdaInfo['call2'];
    if (e.body.kind === 'Lambda') {
      // The body is the inner lambda, made in this lambda's frame; applied to two
      // arguments, the inner lambda is entered directly in a frame built here.
      const innerMake = compileLambda(e.body, scope, undefined, slotNames);
      body = innerMake as Code;
      const innerInfo = (innerMake as { info?: LambdaInfo }).info!;
      const enter = (innerMake as { enter?: LambdaEnter }).enter!;
      const innerSize = (innerMake as { size?: number }).size!;
      call2 = (env, a, b, callPos) => {
        const frame = copyPrefix(env, k, innerSize);
        frame[k + 1] = a;
        return enter(frame, b, innerInfo, callPos);
      };
    } else {
      body = compile(e.body, bodyScope);
      call2 = undefined;
    }
    const enter: LambdaEnter = (frame, arg) => {
      frame[k + 1] = arg;
      return body(frame);
    };
    info = {
      name,
      src: e.src,
      start: e.start,
      formals: undefined,
      formalPos: undefined,
      ellipsis: false,
      arg: e.arg,
      call:
        k === 0
          ? (env, arg) => body([env, arg])
          : k === 1
            ? (env, arg) => body([env[0], env[1], arg])
            : (env, arg) => enter(copyPrefix(env, k, size), arg, info, undefined),
      call2,
      strictArg: e.arg !== undefined && forcesFirst(e.body, bodyScope, k),
    };
    return makeLambda(info, enter, size);
  }
  const inner = Scope.frame(scope, slotNames);
  const body = compile(e.body, inner);
  const formals = e.formals.formals;
  const formalNames = formals.map((f) => intern(f.name));
  const formalCaches = formals.map(newAttrCache);
  const hasArg = e.arg !== undefined ? 1 : 0;
  const first = 1 + k + hasArg;
  const defaults = formals.map((f) => (f.def ? compileLazy(f.def, inner) : null));
  const formalSet = new Map<string, boolean>();
  const formalPos = new Map<string, AttrPos>();
  for (const f of formals) {
    formalSet.set(f.name, f.def !== undefined);
    formalPos.set(f.name, { src: e.src, start: f.start });
  }
  const ellipsis = e.formals.ellipsis;
  const fname = name;
  const enter: LambdaEnter = (frame, arg, _info, callPos) => {
    const a = force(arg);
    if (!(a instanceof Attrs)) throw lambdaArgNotASet(a, pos, callPos);
    if (hasArg) frame[k + 1] = arg;
    let used = 0;
    for (let i = 0; i < formals.length; i++) {
      const v = a.getCached(formalNames[i], formalCaches[i]);
      if (v === undefined) {
        const d = defaults[i];
        if (d === null) {
          const err = new NixError(
            'missing-argument',
            `function '${fname ?? 'anonymous lambda'}' called without required argument '${formals[i].name}'`,
            pos,
          );
          if (callPos) err.addTrace('from call site', callPos);
          throw err;
        }
        frame[first + i] = d(frame);
      } else {
        used++;
        frame[first + i] = v;
      }
    }
    if (!ellipsis && used !== a.size) {
      for (const key of a.keys()) {
        if (!formalSet.has(key)) {
          const err = new NixError(
            'unexpected-argument',
            `function '${fname ?? 'anonymous lambda'}' called with unexpected argument '${key}'`,
            pos,
          );
          const s = suggest(key, formalSet.keys());
          if (s.length) (err as NixError & { suggestions?: string[] }).suggestions = s;
          if (callPos) err.addTrace('from call site', callPos);
          throw err;
        }
      }
    }
    return body(frame);
  };
  info = {
    name,
    src: e.src,
    start: e.start,
    formals: formalSet,
    formalPos,
    ellipsis,
    arg: e.arg,
    call: (env, arg, _lambda, callPos) => enter(copyPrefix(env, k, size), arg, info, callPos),
    // Same properties in the same order as the other form: one shape for every lambda.
    call2: undefined,
    // Matching the pattern forces the argument before anything else (see `enter`), so a
    // call may pass it evaluated: `f { … }` makes no thunk for the set.
    strictArg: true,
  };
  return makeLambda(info, enter, size);
}

/**
 * Whether evaluating `e` (in `scope`) forces slot `index` of the frame of `target` before
 * anything else that could be observed (another evaluation, an error, a trace): then
 * passing that slot's value already evaluated changes nothing but the allocation. Only the
 * shapes whose compiled code evaluates the first operand first are recognised.
 */
function forcesFirst(e: A.Expr, target: Scope, index: number, scope: Scope = target): boolean {
  switch (e.kind) {
    case 'Var': {
      const r = resolve(scope, e.name, evalState.globals);
      if (r.kind !== 'slot' || r.index !== index) return false;
      let s: Scope | null = scope;
      for (let l = 0; l < r.level && s; l++) s = s.up;
      return s === target;
    }
    case 'If':
      return forcesFirst(e.cond, target, index, scope);
    case 'Assert':
      return forcesFirst(e.cond, target, index, scope);
    case 'Not':
      return forcesFirst(e.e, target, index, scope);
    case 'Select':
      return forcesFirst(e.e, target, index, scope);
    case 'BinOp':
      return forcesFirst(e.e1, target, index, scope);
    case 'ConcatStrings':
      return !e.forceString && e.parts.length === 2 && forcesFirst(e.parts[0], target, index, scope);
    case 'Call': {
      // `a - b`, `a * b`, `a / b`, `a < b` on the builtins (see compileArith).
      const op = staticPrimOp(e.fn, scope);
      if (op === undefined || op.arity !== 2 || e.args.length !== 2) return false;
      if (op.name !== 'sub' && op.name !== 'mul' && op.name !== 'div' && op.name !== 'lessThan') return false;
      return forcesFirst(e.args[0], target, index, scope);
    }
    default:
      return false;
  }
}

/** Fills the slots of a lambda's frame from the frame its arguments are bound in. */
type LambdaEnter = (frame: Env, arg: Lazy, info: LambdaInfo, callPos: Pos | undefined) => Value;

/** A new frame of `size` slots with the parent and the first `k` bindings of `env`'s frame
 *  (`env` itself is the parent when `k` is 0). */
function copyPrefix(env: Env, k: number, size: number): Env {
  const frame: Env = new Array(size);
  if (k === 0) frame[0] = env;
  else {
    frame[0] = env[0];
    for (let i = 1; i <= k; i++) frame[i] = env[i];
  }
  return frame;
}

function makeLambda(info: LambdaInfo, enter: LambdaEnter, size: number): LazyCode & Code {
  const make = (env: Env) => new Lambda(info, env);
  const m = make as typeof make & { info?: LambdaInfo; enter?: LambdaEnter; size?: number };
  m.info = info;
  m.enter = enter;
  m.size = size;
  return make;
}

/**
 * The builtin an expression denotes when that is known at compile time: a top-level name
 * (`map`, `__sub`) or `builtins.name`, where `builtins` is the global set (not rebound).
 * Selecting from the global set cannot fail or differ at run time.
 */
function staticPrimOp(e: A.Expr, scope: Scope | null): PrimOp | undefined {
  if (e.kind === 'Var') {
    const r = resolve(scope, e.name, evalState.globals);
    return r.kind === 'global' && r.value instanceof PrimOp ? r.value : undefined;
  }
  if (e.kind === 'Select' && !e.def && e.path.length === 1 && e.path[0].name !== undefined && e.e.kind === 'Var') {
    const r = resolve(scope, e.e.name, evalState.globals);
    if (r.kind !== 'global' || !(r.value instanceof Attrs) || r.value !== evalState.globals.get('builtins')) return undefined;
    const v = r.value.get(e.path[0].name);
    return v instanceof PrimOp ? v : undefined;
  }
  return undefined;
}

/**
 * An argument of a builtin called with all its arguments: a lambda, or a list or attribute
 * set literal (not `rec`, no dynamic names), is made at once instead of behind a thunk.
 * Making one can neither fail nor loop, and a builtin never hands an argument back
 * unevaluated (its result is evaluated; what it keeps is elements or applications, made as
 * Nix makes them), so nothing can print the difference.
 */
function compilePrimOpArg(e: A.Expr, scope: Scope | null): LazyCode {
  if (e.kind === 'Lambda' || (e.kind === 'List' && e.elems.length > 0) || (e.kind === 'Attrs' && !e.rec && e.dynamicAttrs.length === 0)) {
    return compile(e, scope);
  }
  return compileLazy(e, scope);
}

function compileCall(e: A.Call, scope: Scope | null): Code {
  warnCursedOr(e);
  const pos = posOf(e);
  // Calls of builtins bound at top level with all their arguments skip partial application.
  const op = staticPrimOp(e.fn, scope);
  if (op !== undefined && op.arity === 1 && e.args.length === 1 && op.fn1 !== undefined) {
    if (op.strict) {
      const a0 = compile(e.args[0], scope);
      return (env) => callStrictPrimOp1(op, a0, env, pos);
    }
    const a0 = compilePrimOpArg(e.args[0], scope);
    return (env) => callPrimOp1(op, a0(env), pos);
  }
  if (op !== undefined && op.arity === e.args.length) {
    const args = e.args.map((a) => compilePrimOpArg(a, scope));
    if (args.length === 2) {
      const inline = compileArith(op.name, e, scope, pos);
      if (inline) return inline;
      const [a0, a1] = args;
      return (env) => callPrimOp(op, [a0(env), a1(env)], pos);
    }
    return (env) => {
      const vals = new Array<Lazy>(args.length);
      for (let i = 0; i < args.length; i++) vals[i] = args[i](env);
      return callPrimOp(op, vals, pos);
    };
  }
  const args = e.args.map((a) => compileLazy(a, scope));
  const fn = compile(e.fn, scope);
  if (args.length === 1) {
    const a0 = args[0];
    if (needsThunk(e.args[0])) {
      // A lambda that forces its argument first gets it evaluated, without a thunk (not
      // with traces or a call-depth limit, which count the argument inside the call).
      const s0 = compile(e.args[0], scope);
      return (env) => {
        const f = fn(env);
        if (f instanceof Lambda) {
          const info = f.info;
          if (info.strictArg && !evalState.showTrace && evalState.maxCallDepth === 0) return info.call(f.env, s0(env), f, pos);
          return callLambdaTraced(f, a0(env), pos);
        }
        return callFunction(f, [a0(env)], pos);
      };
    }
    return (env) => {
      const f = fn(env);
      if (f instanceof Lambda) return callLambdaTraced(f, a0(env), pos);
      return callFunction(f, [a0(env)], pos);
    };
  }
  if (args.length === 2) {
    const [a0, a1] = args;
    return (env) => callFunction2(fn(env), a0(env), a1(env), pos);
  }
  return (env) => {
    const f = fn(env);
    const vals = new Array<Lazy>(args.length);
    for (let i = 0; i < args.length; i++) vals[i] = args[i](env);
    return callFunction(f, vals, pos);
  };
}

/**
 * `a - b`, `a * b`, `a / b` and `a < b` desugar to calls of `__sub`, `__mul`, `__div` and
 * `__lessThan`; when those names are the builtins (not rebound), both operands are strict
 * and small integers take a fast path without allocating.
 */
function compileArith(name: string, e: A.Call, scope: Scope | null, pos: Pos): Code | undefined {
  if (name !== 'sub' && name !== 'mul' && name !== 'div' && name !== 'lessThan') return undefined;
  const a = compile(e.args[0], scope);
  const b = compile(e.args[1], scope);
  switch (name) {
    case 'sub':
      return (env) => {
        const x = a(env);
        const y = b(env);
        if (typeof x === 'number' && typeof y === 'number') {
          const r = x - y;
          if (r <= 9007199254740991 && r >= -9007199254740991) return r;
        }
        return arith.sub(x, y, pos);
      };
    case 'mul':
      return (env) => arith.mul(a(env), b(env), pos);
    case 'div':
      return (env) => arith.div(a(env), b(env), pos);
    default:
      return (env) => {
        const x = a(env);
        const y = b(env);
        if (typeof x === 'number' && typeof y === 'number') return x < y;
        return lessThan(x, y, pos);
      };
  }
}

// ---------------------------------------------------------------------------------------
// Operators

function compileBinOp(e: A.BinOp, scope: Scope | null): Code {
  const a = compile(e.e1, scope);
  const b = compile(e.e2, scope);
  const pos = posOf(e);
  const pos1 = posOf(e.e1);
  const pos2 = posOf(e.e2);
  switch (e.op) {
    // Both operands are forced first, left then right, so no thunks are needed.
    case 'Eq':
      return (env) => {
        const x = a(env);
        return eqValues(x, b(env), pos);
      };
    case 'NEq':
      return (env) => {
        const x = a(env);
        return !eqValues(x, b(env), pos);
      };
    case 'And':
      return (env) => {
        const x = a(env);
        if (x === false) return false;
        if (x !== true) throw typeError('a Boolean', x, pos1).addTrace("in the left operand of the AND (&&) operator", pos);
        const y = b(env);
        if (typeof y !== 'boolean') throw typeError('a Boolean', y, pos2).addTrace("in the right operand of the AND (&&) operator", pos);
        return y;
      };
    case 'Or':
      return (env) => {
        const x = a(env);
        if (x === true) return true;
        if (x !== false) throw typeError('a Boolean', x, pos1).addTrace("in the left operand of the OR (||) operator", pos);
        const y = b(env);
        if (typeof y !== 'boolean') throw typeError('a Boolean', y, pos2).addTrace("in the right operand of the OR (||) operator", pos);
        return y;
      };
    case 'Impl':
      return (env) => {
        const x = a(env);
        if (x === false) return true;
        if (x !== true) throw typeError('a Boolean', x, pos1).addTrace("in the left operand of the IMPL (->) operator", pos);
        const y = b(env);
        if (typeof y !== 'boolean') throw typeError('a Boolean', y, pos2).addTrace("in the right operand of the IMPL (->) operator", pos);
        return y;
      };
    case 'Update':
      return (env) => {
        const x = a(env);
        const y = b(env);
        if (!(x instanceof Attrs)) throw typeError('a set', x, pos1).addTrace('in the left operand of the update (//) operator', pos);
        if (!(y instanceof Attrs)) throw typeError('a set', y, pos2).addTrace('in the right operand of the update (//) operator', pos);
        return x.update(y);
      };
    case 'ConcatLists':
      return (env) => {
        const x = forceListOp(a(env), pos1, pos, 'left');
        const y = forceListOp(b(env), pos2, pos, 'right');
        if (x.length === 0) return y;
        if (y.length === 0) return x;
        return x.concat(y);
      };
  }
}

function forceListOp(v: Value, p: Pos, pos: Pos, side: string): Lazy[] {
  if (Array.isArray(v)) return v;
  throw typeError('a list', v, p).addTrace(`in the ${side} operand of the list concatenation (++) operator`, pos);
}

function compileConcat(e: A.ConcatStrings, scope: Scope | null): Code {
  const parts = e.parts.map((p) => compile(p, scope));
  const positions = e.parts.map((p) => posOf(p));
  const pos = posOf(e);
  if (!e.forceString && parts.length === 2) {
    const [a, b] = parts;
    return (env) => {
      const x = a(env);
      const y = b(env);
      if (typeof x === 'number' && typeof y === 'number') {
        const r = x + y;
        if (Number.isSafeInteger(r)) return r;
      }
      return add2(x, y, positions, pos);
    };
  }
  const forceString = e.forceString;
  if (forceString) return (env) => interpolate(parts, env, positions);
  return (env) => {
    const vals = new Array<Value>(parts.length);
    for (let i = 0; i < parts.length; i++) vals[i] = parts[i](env);
    return concatStrings(vals, forceString, positions, pos);
  };
}

