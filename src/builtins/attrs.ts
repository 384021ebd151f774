/**
 * Attribute set builtins: attrNames, attrValues, getAttr, hasAttr, removeAttrs,
 * listToAttrs, intersectAttrs, catAttrs, mapAttrs, zipAttrsWith, isAttrs lives in types.ts.
 *
 * Values are never forced unless Nix forces them (getAttr forces the selected value;
 * listToAttrs, mapAttrs and zipAttrsWith keep values lazy).
 */
import { Builtin, strict1 } from './registry';
import { NixError, Pos } from '../eval/errors';
import { Attrs, compareBytes, force, Lazy, Thunk, Value } from '../eval/value';
import { holeyCopy, unionSorted } from '../eval/sorted-names';
import { Apply2Batch, callFunction2, lazyApply2At } from '../eval/runtime';
import { attrsArg, listArg, funArg, stringNoCtxArg } from './lists';

function missing(name: string, pos: Pos | undefined, ctx: string): NixError {
  return new NixError('missing-attribute', `attribute '${name}' missing`, pos).addTrace(ctx, pos);
}

function attrNames(arg: Lazy, pos: Pos | undefined): Value {
  const a = attrsArg(arg, pos, 'while evaluating the argument passed to builtins.attrNames');
  // The cached sorted key array is shared: lists are never mutated.
  return a.keys();
}

function attrValues(arg: Lazy, pos: Pos | undefined): Value {
  const a = attrsArg(arg, pos, 'while evaluating the argument passed to builtins.attrValues');
  // Shared with the set: neither lists nor a set's arrays are ever mutated.
  return a.values();
}

function getAttr(args: Lazy[], pos: Pos | undefined): Value {
  const name = stringNoCtxArg(args[0], pos, 'while evaluating the first argument passed to builtins.getAttr');
  const a = attrsArg(args[1], pos, 'while evaluating the second argument passed to builtins.getAttr');
  const v = a.get(name);
  if (v === undefined) throw missing(name, pos, 'in the attribute set under consideration');
  return force(v);
}

function hasAttr(args: Lazy[], pos: Pos | undefined): Value {
  const name = stringNoCtxArg(args[0], pos, 'while evaluating the first argument passed to builtins.hasAttr');
  const a = attrsArg(args[1], pos, 'while evaluating the second argument passed to builtins.hasAttr');
  return a.has(name);
}

function removeAttrs(args: Lazy[], pos: Pos | undefined): Value {
  const a = attrsArg(args[0], pos, 'while evaluating the first argument passed to builtins.removeAttrs');
  const names = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.removeAttrs');
  let m: Map<string, Lazy> | undefined;
  for (let i = 0; i < names.length; i++) {
    const n = stringNoCtxArg(
      names[i],
      pos,
      'while evaluating the values of the second argument passed to builtins.removeAttrs',
    );
    if (m === undefined) {
      if (a.has(n)) {
        m = new Map(a.map);
        m.delete(n);
      }
    } else m.delete(n);
  }
  if (m === undefined) return a.size === 0 ? a : a.copy();
  return new Attrs(m, a.pos);
}

/**
 * The set is built in the array form: names are sorted once (stably, so that of equal names
 * the first occurrence wins, as in Nix), which also leaves `attrNames` and `//` nothing to do.
 * Many names out of order make the map form instead (see hashedSet).
 */
function listToAttrs(args: Lazy[], pos: Pos | undefined): Value {
  const xs = listArg(args[0], pos, 'while evaluating the argument passed to builtins.listToAttrs');
  const n = xs.length;
  const names = new Array<string>(n);
  const vals = new Array<Lazy | undefined>(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const pair = attrsArg(xs[i], pos, 'while evaluating an element of the list passed to builtins.listToAttrs');
    const nv = pair.get('name');
    if (nv === undefined) throw missing('name', pos, 'in a {name=...; value=...;} pair');
    const name = stringNoCtxArg(
      nv,
      pos,
      'while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs',
    );
    names[i] = name;
    vals[i] = pair.get('value');
    if (sorted && i > 0 && !(names[i - 1] < name)) sorted = false;
  }
  if (!sorted && n >= HASHED_LIST_TO_ATTRS) return hashedSet(names, vals, pos);
  let ks = names;
  let vs = vals;
  if (!sorted) {
    const order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((x, y) => {
      const p = names[x];
      const q = names[y];
      return p < q ? -1 : p > q ? 1 : 0;
    });
    ks = new Array<string>(n);
    vs = new Array<Lazy | undefined>(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const name = names[order[i]];
      // Equal names are adjacent, the first occurrence first: later ones are ignored.
      if (k > 0 && name === ks[k - 1]) continue;
      ks[k] = name;
      vs[k++] = vals[order[i]];
    }
    ks.length = k;
    vs.length = k;
  }
  // Nix reads every `name` before any `value`, so a missing `name` is reported first.
  for (let i = 0; i < vs.length; i++) if (vs[i] === undefined) throw missing('value', pos, 'in a {name=...; value=...;} pair');
  return Attrs.fromSorted(ks, vs as Lazy[]);
}

/**
 * From this many names out of order, listToAttrs makes a hashed (map form) set: building it
 * costs no sort, selecting by name costs no binary search over the names, and the names are
 * sorted only if something asks for them in order.
 */
const HASHED_LIST_TO_ATTRS = 64;

function hashedSet(names: string[], vals: (Lazy | undefined)[], pos: Pos | undefined): Attrs {
  const m = new Map<string, Lazy>();
  let missingValue = false;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    // Of equal names the first occurrence wins.
    if (m.has(name)) continue;
    const v = vals[i];
    if (v === undefined) missingValue = true;
    m.set(name, v as Lazy);
  }
  if (missingValue) throw missing('value', pos, 'in a {name=...; value=...;} pair');
  return new Attrs(m);
}

function intersectAttrs(args: Lazy[], pos: Pos | undefined): Value {
  const l = attrsArg(args[0], pos, 'while evaluating the first argument passed to builtins.intersectAttrs');
  const r = attrsArg(args[1], pos, 'while evaluating the second argument passed to builtins.intersectAttrs');
  const m = new Map<string, Lazy>();
  if (l.size < r.size) {
    for (const k of l.map.keys()) {
      const v = r.get(k);
      if (v !== undefined) m.set(k, v);
    }
  } else {
    r.forEach((k, v) => {
      if (l.has(k)) m.set(k, v);
    });
  }
  if (m.size === r.size) return r.size === 0 ? r : r.copy();
  return new Attrs(m, r.pos);
}

function catAttrs(args: Lazy[], pos: Pos | undefined): Value {
  const name = stringNoCtxArg(args[0], pos, 'while evaluating the first argument passed to builtins.catAttrs');
  const xs = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.catAttrs');
  const out: Lazy[] = [];
  for (let i = 0; i < xs.length; i++) {
    const a = attrsArg(
      xs[i],
      pos,
      'while evaluating an element in the list passed as second argument to builtins.catAttrs',
    );
    const v = a.get(name);
    if (v !== undefined) out.push(v);
  }
  return out;
}

function mapAttrs(args: Lazy[], pos: Pos | undefined): Value {
  const a = attrsArg(args[1], pos, 'while evaluating the second argument passed to builtins.mapAttrs');
  if (a.size === 0) return a;
  const f = args[0]; // not forced: Nix only checks it when a value is used
  // Same names as `a`: its sorted key array is shared.
  const keys = a.keys();
  const vals = a.values();
  const out: Lazy[] = new Array(keys.length);
  const batch: Apply2Batch = { f, a: keys, b: vals };
  for (let i = 0; i < keys.length; i++) out[i] = lazyApply2At(batch, i);
  return Attrs.fromSorted(keys, out);
}

function zipAttrsWith(args: Lazy[], pos: Pos | undefined): Value {
  const f = funArg(args[0], pos, 'while evaluating the first argument passed to builtins.zipAttrsWith');
  const xs = listArg(args[1], pos, 'while evaluating the second argument passed to builtins.zipAttrsWith');
  const sets: Attrs[] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    sets[i] = attrsArg(
      xs[i],
      pos,
      'while evaluating a value of the list passed as second argument to builtins.zipAttrsWith',
    );
  }
  return sets.length <= 8 ? zipFew(f, sets) : zipMany(f, sets);
}

/**
 * A few sets (recursiveUpdate zips two): the sorted union of their names by merging, and
 * each value list is gathered from the sets only when its application is forced (sets never
 * change). So a name costs one thunk, no list is kept for a value never used, and the union
 * is one of the sets' own key arrays when that set has every name.
 */
function zipFew(f: Lazy, sets: Attrs[]): Value {
  let names: string[] = [];
  for (let i = 0; i < sets.length; i++) names = unionSorted(names, sets[i].keys());
  const n = names.length;
  const zip: ZipFew = { f, names, sets };
  const vals = new Array<Lazy>(n);
  for (let j = 0; j < n; j++) vals[j] = new Thunk(applyZipFew, zip, j);
  return Attrs.fromSorted(names, vals);
}

interface ZipFew {
  f: Lazy;
  names: string[];
  sets: Attrs[];
}

function applyZipFew(zip: ZipFew, j: number): Value {
  const names = zip.names;
  const name = names[j];
  const sets = zip.sets;
  // Counted first, then gathered into an array of the exact size (sets never change).
  let count = 0;
  for (let i = 0; i < sets.length; i++) if (sets[i].getAt(name, names, j) !== undefined) count++;
  const values: Lazy[] = new Array(count);
  for (let i = 0, k = 0; k < count; i++) {
    const v = sets[i].getAt(name, names, j);
    if (v !== undefined) values[k++] = v;
  }
  return callFunction2(force(zip.f), name, values);
}

/** Many sets: group by name in a hash map, then sort the names. */
function zipMany(f: Lazy, sets: Attrs[]): Value {
  const groups = new Map<string, Lazy[]>();
  for (let i = 0; i < sets.length; i++) {
    sets[i].forEach((k, v) => {
      const g = groups.get(k);
      if (g === undefined) groups.set(k, [v]);
      else g.push(v);
    });
  }
  const keys = holeyCopy([...groups.keys()]).sort(compareBytes);
  const lists = keys.map((k) => groups.get(k)!);
  const batch: Apply2Batch = { f, a: keys, b: lists };
  const vals = new Array<Lazy>(keys.length);
  for (let i = 0; i < keys.length; i++) vals[i] = lazyApply2At(batch, i);
  return Attrs.fromSorted(keys, vals);
}

export const builtins: Builtin[] = [
  strict1('attrNames', attrNames),
  strict1('attrValues', attrValues),
  { name: 'getAttr', arity: 2, fn: getAttr },
  { name: 'hasAttr', arity: 2, fn: hasAttr },
  { name: 'removeAttrs', arity: 2, fn: removeAttrs, global: true },
  { name: 'listToAttrs', arity: 1, fn: listToAttrs },
  { name: 'intersectAttrs', arity: 2, fn: intersectAttrs },
  { name: 'catAttrs', arity: 2, fn: catAttrs },
  { name: 'mapAttrs', arity: 2, fn: mapAttrs },
  { name: 'zipAttrsWith', arity: 2, fn: zipAttrsWith },
];
