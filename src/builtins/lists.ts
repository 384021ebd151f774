/**
 * List builtins: head, tail, elemAt, length, elem, filter, map, foldl', concatLists,
 * concatMap, genList, sort, any, all, partition, groupBy.
 *
 * Laziness follows Nix: `map` and `genList` build lazy applications, `length` never forces
 * elements, `foldl'` forces each intermediate accumulator, `sort` and `partition` force
 * every element. Lists are never mutated: when nothing changes, the argument list itself
 * is returned (as Nix does for `map f []`, `filter` keeping everything, …).
 */
import { Builtin, strict1 } from './registry';
import { NixError, Pos } from '../eval/errors';
import { Attrs, EMPTY_LIST, force, Lazy, NixList, NixString, PrimOp, Value, Lambda, PrimOpApp } from '../eval/value';
import { callFunction1, callFunction2, eqHeld, lazyApply, lessThan, typeError, forceStringNoCtx } from '../eval/runtime';
import { lessThanFn } from './arith';

// ---------------------------------------------------------------------------------------
// Argument helpers (type errors carry Nix's "while evaluating …" trace line)

export function listArg(v: Lazy, pos: Pos | undefined, ctx: string): NixList {
  const x = force(v);
  if (Array.isArray(x)) return x;
  throw typeError('a list', x, pos).addTrace(ctx, pos);
}

export function attrsArg(v: Lazy, pos: Pos | undefined, ctx: string): Attrs {
  const x = force(v);
  if (x instanceof Attrs) return x;
  throw typeError('a set', x, pos).addTrace(ctx, pos);
}

export function intArg(v: Lazy, pos: Pos | undefined, ctx: string): number | bigint {
  const x = force(v);
  if (typeof x === 'number' || typeof x === 'bigint') return x;
  throw typeError('an integer', x, pos).addTrace(ctx, pos);
}

export function boolResult(x: Value, pos: Pos | undefined, ctx: string): boolean {
  if (typeof x === 'boolean') return x;
  throw typeError('a Boolean', x, pos).addTrace(ctx, pos);
}

export function funArg(v: Lazy, pos: Pos | undefined, ctx: string): Value {
  const x = force(v);
  if (x instanceof Lambda || x instanceof PrimOp || x instanceof PrimOpApp) return x;
  if (x instanceof Attrs && x.has('__functor')) return x;
  throw typeError('a function', x, pos).addTrace(ctx, pos);
}

export function stringNoCtxArg(v: Lazy, pos: Pos | undefined, ctx: string): string {
  const x = force(v);
  if (typeof x === 'string') return x;
  if (!(x instanceof NixString)) throw typeError('a string', x, pos).addTrace(ctx, pos);
  try {
    return forceStringNoCtx(x, pos);
  } catch (e) {
    if (e instanceof NixError) e.addTrace(ctx, pos);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------

function head(arg: Lazy, pos: Pos | undefined): Value {
  const xs = listArg(arg, pos, "while evaluating the first argument passed to 'builtins.head'");
  if (xs.length === 0) throw new NixError('eval', "'builtins.head' called on an empty list", pos);
  return force(xs[0]);
}

function tail(arg: Lazy, pos: Pos | undefined): Value {
  const xs = listArg(arg, pos, "while evaluating the first argument passed to 'builtins.tail'");
  if (xs.length === 0) throw new NixError('eval', "'builtins.tail' called on an empty list", pos);
  return xs.length === 1 ? EMPTY_LIST : xs.slice(1);
}

function elemAt(args: Lazy[], pos: Pos | undefined): Value {
  const n = intArg(args[1], pos, "while evaluating the second argument passed to 'builtins.elemAt'");
  const xs = listArg(args[0], pos, "while evaluating the first argument passed to 'builtins.elemAt'");
  if (typeof n !== 'number' || n < 0 || n >= xs.length) {
    throw new NixError('eval', `'builtins.elemAt' called with index ${n} on a list of size ${xs.length}`, pos);
  }
  return force(xs[n]);
}

function length(arg: Lazy, pos: Pos | undefined): Value {
  const xs = force(arg);
  if (Array.isArray(xs)) return xs.length;
  throw typeError('a list', xs, pos).addTrace('while evaluating the first argument passed to builtins.length', pos);
}

function elem(args: Lazy[], pos: Pos | undefined): Value {
  const xs = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.elem');
  const x = args[0];
  for (let i = 0; i < xs.length; i++) if (eqHeld(x, xs[i], pos)) return true;
  return false;
}

function filter(args: Lazy[], pos: Pos | undefined): Value {
  const xs = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.filter');
  if (xs.length === 0) return xs;
  const f = funArg(args[0], pos, 'while evaluating the first argument passed to builtins.filter');
  let out: Lazy[] | undefined;
  for (let i = 0; i < xs.length; i++) {
    const e = xs[i];
    const keep = boolResult(
      callFunction1(f, e, pos),
      pos,
      'while evaluating the return value of the filtering function passed to builtins.filter',
    );
    if (keep) {
      if (out !== undefined) out.push(e);
    } else if (out === undefined) {
      out = xs.slice(0, i);
    }
  }
  return out === undefined ? xs : out;
}

function map(args: Lazy[], pos: Pos | undefined): Value {
  const xs = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.map');
  const n = xs.length;
  if (n === 0) return xs;
  const f = funArg(args[0], pos, 'while evaluating the first argument passed to builtins.map');
  const out: Lazy[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = lazyApply(f, xs[i]);
  return out;
}

function foldlStrict(args: Lazy[], pos: Pos | undefined): Value {
  const f = funArg(args[0], pos, 'while evaluating the first argument passed to builtins.foldlStrict');
  const xs = listArg(args[2], pos, 'while evaluating the third argument passed to builtins.foldlStrict');
  const n = xs.length;
  if (n === 0) return force(args[1]);
  // Every application is evaluated (to weak head normal form) before the next one; the
  // initial accumulator is passed unforced, as Nix does.
  let acc: Lazy = args[1];
  for (let i = 0; i < n; i++) acc = callFunction2(f, acc, xs[i], pos);
  return acc as Value;
}

/** Concatenates forced lists (Nix returns the only non-empty list itself when there is one). */
function concatForced(lists: NixList[], total: number): NixList {
  let nonEmpty: NixList | undefined;
  for (let i = 0; i < lists.length; i++) if (lists[i].length > 0) nonEmpty = lists[i];
  if (nonEmpty === undefined) return lists.length === 1 ? lists[0] : [];
  if (nonEmpty.length === total) return nonEmpty;
  const out: Lazy[] = new Array(total);
  let k = 0;
  for (let i = 0; i < lists.length; i++) {
    const l = lists[i];
    for (let j = 0; j < l.length; j++) out[k++] = l[j];
  }
  return out;
}

function concatLists(args: Lazy[], pos: Pos | undefined): Value {
  const xss = listArg(args[0], pos, 'while evaluating the first argument passed to builtins.concatLists');
  const lists: NixList[] = new Array(xss.length);
  let total = 0;
  for (let i = 0; i < xss.length; i++) {
    const l = listArg(xss[i], pos, 'while evaluating a value of the list passed to builtins.concatLists');
    lists[i] = l;
    total += l.length;
  }
  if (lists.length === 0) return [];
  return concatForced(lists, total);
}

function concatMap(args: Lazy[], pos: Pos | undefined): Value {
  const f = funArg(args[0], pos, 'while evaluating the first argument passed to builtins.concatMap');
  const xs = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.concatMap');
  const lists: NixList[] = new Array(xs.length);
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    const l = listArg(
      callFunction1(f, xs[i], pos),
      pos,
      'while evaluating the return value of the function passed to builtins.concatMap',
    );
    lists[i] = l;
    total += l.length;
  }
  if (lists.length === 0) return [];
  return concatForced(lists, total);
}

function genList(args: Lazy[], pos: Pos | undefined): Value {
  const n = intArg(args[1], pos, 'while evaluating the second argument passed to builtins.genList');
  if (n < 0) throw new NixError('eval', `cannot create list of size ${n}`, pos);
  if (typeof n !== 'number' || n > 0xffffffff) {
    throw new NixError('eval', `cannot create list of size ${n}: out of memory`, pos);
  }
  const f = funArg(args[0], pos, 'while evaluating the first argument passed to builtins.genList');
  const out: Lazy[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = lazyApply(f, i);
  return out;
}

// ---------------------------------------------------------------------------------------
// sort: std::stable_sort as libstdc++ implements it (Nix 2.8 calls it): chunks of 7 sorted by
// insertion, merged pairwise through a buffer, then the two halves merged. For a comparator
// that is a strict weak order any stable sort gives Nix's result; following libstdc++ step by
// step also gives it (and makes the same calls in the same order) for comparators that are
// not one, such as `a: b: a <= b` or a list holding NaN.

type Less = (x: Lazy, y: Lazy) => boolean;

const CHUNK = 7;

function insertionSort(a: Lazy[], lo: number, hi: number, less: Less): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i];
    let j = i;
    if (less(x, a[lo])) {
      for (; j > lo; j--) a[j] = a[j - 1];
    } else {
      // Unguarded, as in libstdc++: less(x, a[lo]) just returned false.
      for (; less(x, a[j - 1]); j--) a[j] = a[j - 1];
    }
    a[j] = x;
  }
}

/** Merges src[f1, l1) and src[f2, l2) into dst from r on; returns the end of the output. */
function moveMerge(src: Lazy[], f1: number, l1: number, f2: number, l2: number, dst: Lazy[], r: number, less: Less): number {
  while (f1 < l1 && f2 < l2) dst[r++] = less(src[f2], src[f1]) ? src[f2++] : src[f1++];
  while (f1 < l1) dst[r++] = src[f1++];
  while (f2 < l2) dst[r++] = src[f2++];
  return r;
}

/** Merges the runs of length `step` of src[lo, hi) pairwise into dst from r on. */
function mergeSortLoop(src: Lazy[], lo: number, hi: number, dst: Lazy[], r: number, step: number, less: Less): void {
  while (hi - lo >= 2 * step) {
    r = moveMerge(src, lo, lo + step, lo + step, lo + 2 * step, dst, r, less);
    lo += 2 * step;
  }
  const s = Math.min(hi - lo, step);
  moveMerge(src, lo, lo + s, lo + s, hi, dst, r, less);
}

function mergeSortWithBuffer(a: Lazy[], lo: number, hi: number, buf: Lazy[], less: Less): void {
  const len = hi - lo;
  let first = lo;
  for (; hi - first >= CHUNK; first += CHUNK) insertionSort(a, first, first + CHUNK, less);
  insertionSort(a, first, hi, less);
  for (let step = CHUNK; step < len; step *= 4) {
    mergeSortLoop(a, lo, hi, buf, 0, step, less);
    mergeSortLoop(buf, 0, len, a, lo, 2 * step, less);
  }
}

function stableSort(a: Lazy[], less: Less): Lazy[] {
  const n = a.length;
  const mid = (n + 1) >> 1;
  const buf: Lazy[] = new Array(mid);
  mergeSortWithBuffer(a, 0, mid, buf, less);
  mergeSortWithBuffer(a, mid, n, buf, less);
  const len1 = mid;
  const len2 = n - mid;
  if (len1 <= len2) {
    // Forward merge with the first half moved to the buffer.
    for (let k = 0; k < len1; k++) buf[k] = a[k];
    let f1 = 0;
    let f2 = mid;
    let r = 0;
    while (f1 < len1 && f2 < n) a[r++] = less(a[f2], buf[f1]) ? a[f2++] : buf[f1++];
    while (f1 < len1) a[r++] = buf[f1++];
    return a;
  }
  // Backward merge with the second half moved to the buffer.
  if (len2 === 0) return a;
  for (let k = 0; k < len2; k++) buf[k] = a[mid + k];
  let l1 = mid - 1;
  let l2 = len2 - 1;
  let r = n;
  for (;;) {
    if (less(buf[l2], a[l1])) {
      a[--r] = a[l1];
      if (l1 === 0) {
        for (; l2 >= 0; l2--) a[--r] = buf[l2];
        return a;
      }
      l1--;
    } else {
      a[--r] = buf[l2];
      if (l2 === 0) return a;
      l2--;
    }
  }
}

function sort(args: Lazy[], pos: Pos | undefined): Value {
  const xs = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.sort');
  const n = xs.length;
  if (n === 0) return xs;
  const f = funArg(args[0], pos, 'while evaluating the first argument passed to builtins.sort');
  // The elements are sorted as they are (forced), not their values: as in Nix, the result
  // holds the same values, equal to themselves by identity (`builtins.elem f (sort … [ f ])`).
  const vals: Lazy[] = xs.slice();
  for (let i = 0; i < n; i++) force(xs[i]);
  let less: Less;
  if (f instanceof PrimOp && f.fn === lessThanFn) {
    less = (x, y) => lessThan(x, y, pos);
  } else {
    less = (x, y) =>
      boolResult(
        callFunction2(f, x, y, pos),
        pos,
        'while evaluating the return value of the sorting function passed to builtins.sort',
      );
  }
  return stableSort(vals, less);
}

// ---------------------------------------------------------------------------------------

function anyOrAll(any: boolean, args: Lazy[], pos: Pos | undefined): Value {
  const name = any ? 'any' : 'all';
  const f = funArg(args[0], pos, `while evaluating the first argument passed to builtins.${name}`);
  const xs = listArg(args[1], pos, `while evaluating the second argument passed to builtins.${name}`);
  for (let i = 0; i < xs.length; i++) {
    const r = callFunction1(f, xs[i], pos);
    if (typeof r !== 'boolean') {
      boolResult(r, pos, `while evaluating the return value of the function passed to builtins.${name}`);
    }
    if (r === any) return any;
  }
  return !any;
}

function partition(args: Lazy[], pos: Pos | undefined): Value {
  const f = funArg(args[0], pos, 'while evaluating the first argument passed to builtins.partition');
  const xs = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.partition');
  const right: Lazy[] = [];
  const wrong: Lazy[] = [];
  for (let i = 0; i < xs.length; i++) {
    const e = xs[i];
    force(e);
    const r = boolResult(
      callFunction1(f, e, pos),
      pos,
      'while evaluating the return value of the partition function passed to builtins.partition',
    );
    (r ? right : wrong).push(e);
  }
  return new Attrs(
    new Map<string, Lazy>([
      ['right', right],
      ['wrong', wrong],
    ]),
  );
}

function groupBy(args: Lazy[], pos: Pos | undefined): Value {
  const f = funArg(args[0], pos, 'while evaluating the first argument passed to builtins.groupBy');
  const xs = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.groupBy');
  const groups = new Map<string, Lazy>();
  for (let i = 0; i < xs.length; i++) {
    const e = xs[i];
    const name = stringNoCtxArg(
      callFunction1(f, e, pos),
      pos,
      'while evaluating the return value of the grouping function passed to builtins.groupBy',
    );
    const g = groups.get(name) as Lazy[] | undefined;
    if (g === undefined) groups.set(name, [e]);
    else g.push(e);
  }
  return new Attrs(groups);
}

export const builtins: Builtin[] = [
  strict1('head', head),
  strict1('tail', tail),
  { name: 'elemAt', arity: 2, fn: elemAt },
  strict1('length', length),
  { name: 'elem', arity: 2, fn: elem },
  { name: 'filter', arity: 2, fn: filter },
  { name: 'map', arity: 2, fn: map, global: true },
  { name: "foldl'", arity: 3, fn: foldlStrict },
  { name: 'concatLists', arity: 1, fn: concatLists },
  { name: 'concatMap', arity: 2, fn: concatMap },
  { name: 'genList', arity: 2, fn: genList },
  { name: 'sort', arity: 2, fn: sort },
  { name: 'any', arity: 2, fn: (args, pos) => anyOrAll(true, args, pos) },
  { name: 'all', arity: 2, fn: (args, pos) => anyOrAll(false, args, pos) },
  { name: 'partition', arity: 2, fn: partition },
  { name: 'groupBy', arity: 2, fn: groupBy },
];
