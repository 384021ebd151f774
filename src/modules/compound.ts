/**
 * The v2 merges of the two common compound types, natively (modules/lib/types.nix
 * attrsWith and listOf call these): `attrsOf`/`lazyAttrsOf` and `listOf`. They compute
 * exactly what the Nix definitions in types.nix compute, element by element with the
 * native mergeElem (merge.ts), and with the same laziness. When a definition is not the
 * expected attrset/list (or not a `{ file; value; }` set) they hand over to the Nix
 * implementation (`fallback`, a lazy `{ headError; value; valueMeta; }`), so that every
 * error is the one Nix code would raise.
 *
 *   attrsOf:  byName = zipAttrsWith (n: vs: vs) (map (def: mapAttrs (n: v: { inherit (def) file; value = v; }) def.value) defs);
 *             merged = mapAttrs (n: ds: mergeElem (loc ++ [ n ]) elemType ds) byName;
 *             evals = if lazy then merged else filterAttrs (n: r: r.isDefined) merged;
 *             { headError = checkDefsForError isAttrs loc defs;
 *               value = mapAttrs (n: r: r.mergedValue) evals; valueMeta.attrs = mapAttrs (n: r: r.valueMeta) evals; }
 *   listOf:   evals = filter (r: r.isDefined) (concat over defs n, elements m:
 *               mergeElem (loc ++ [ "[definition n-entry m]" ]) elemType [ { inherit (def) file; value = def'; } ]);
 *             { headError = checkDefsForError isList loc defs;
 *               value = map (r: r.mergedValue) evals; valueMeta.list = map (r: r.valueMeta) evals; }
 */
import { Attrs, Lazy, Thunk, Value, force } from '../eval/value';
import { Def } from './properties';
import { Merged, mergeDefinitions } from './merge';
import { isV2Type } from './types-v2';
import { appendName, forceAttrs, strValue } from './util';

const V2_RESULT_KEYS = ['headError', 'value', 'valueMeta'];
const ATTRS_KEY = ['attrs'];
const LIST_KEY = ['list'];

/** A definition `{ file; value; }` with its value forced, or undefined if it is not one. */
function defParts(d: Lazy): { file: Lazy; value: Value } | undefined {
  const a = force(d);
  if (!(a instanceof Attrs)) return undefined;
  const file = a.get('file');
  const value = a.get('value');
  if (file === undefined || value === undefined) return undefined;
  return { file, value: force(value) };
}

abstract class CompoundMerge {
  /** The definitions, when all are of the expected shape; null: use the fallback. */
  private checked: { file: Lazy; value: Value }[] | null | undefined = undefined;
  private isV2Checked = false;
  private locV: string[] | undefined = undefined;
  /** Per element: its location and definitions, and its merge once made. */
  protected elemLocs: string[][] = [];
  protected elemDefs: Def[][] = [];
  private elems: (Merged | undefined)[] = [];
  /** For attrsOf: the element names. */
  protected names: string[] | undefined = undefined;
  private evalsV: number[] | undefined = undefined;

  constructor(
    private readonly locL: Lazy,
    private readonly defs: Lazy,
    private readonly elemType: Lazy,
    private readonly fallback: Lazy,
  ) {}

  protected abstract accepts(v: Value): boolean;
  /** Fills elemLocs/elemDefs (and names) from the checked definitions. */
  protected abstract build(defs: { file: Lazy; value: Value }[]): void;
  protected abstract filterDefined(): boolean;

  get loc(): string[] {
    if (this.locV === undefined) this.locV = (force(this.locL) as Lazy[]).map((x) => strValue(x));
    return this.locV;
  }

  /** The definitions if they all have the expected shape (forcing each, in order). */
  defsOk(): { file: Lazy; value: Value }[] | null {
    if (this.checked !== undefined) return this.checked;
    const list = force(this.defs);
    let out: { file: Lazy; value: Value }[] | null = null;
    if (Array.isArray(list)) {
      out = [];
      for (let i = 0; i < list.length; i++) {
        const p = defParts(list[i]);
        if (p === undefined || !this.accepts(p.value)) {
          out = null;
          break;
        }
        out.push(p);
      }
    }
    this.checked = out;
    return out;
  }

  fromFallback(name: string): Value {
    return force(forceAttrs(this.fallback).get(name)!);
  }

  /** mergeElem of element `i` (made when first used; as in Nix, decides whether the type is v2). */
  elem(i: number): Merged {
    let m = this.elems[i];
    if (m === undefined) {
      const type = forceAttrs(this.elemType);
      if (!this.isV2Checked) {
        isV2Type(type);
        this.isV2Checked = true;
      }
      m = mergeDefinitions(this.elemLocs[i], type, this.elemDefs[i]);
      this.elems[i] = m;
    }
    return m;
  }

  /** The indexes of the elements that make the value: all (lazyAttrsOf) or the defined ones. */
  evals(): number[] {
    if (this.evalsV !== undefined) return this.evalsV;
    this.build(this.defsOk()!);
    const n = this.elemDefs.length;
    const evals: number[] = [];
    const filter = this.filterDefined();
    for (let i = 0; i < n; i++) if (!filter || this.elem(i).isDefined) evals.push(i);
    this.evalsV = evals;
    return evals;
  }

  /** The names of the evals (attrsOf). */
  evalNames(): string[] {
    const evals = this.evals();
    const names = this.names!;
    if (evals.length === names.length) return names;
    return evals.map((i) => names[i]);
  }

  result(): Attrs {
    return Attrs.fromSorted(V2_RESULT_KEYS, [new Thunk(headErrorOf, this), new Thunk(valueOf, this), new Thunk(valueMetaOf, this)]);
  }

  elemValues(): Lazy[] {
    const evals = this.evals();
    const out = new Array<Lazy>(evals.length);
    for (let i = 0; i < evals.length; i++) out[i] = new Thunk(elemValueOf, this, evals[i]);
    return out;
  }

  elemMetas(): Lazy[] {
    const evals = this.evals();
    const out = new Array<Lazy>(evals.length);
    for (let i = 0; i < evals.length; i++) out[i] = new Thunk(elemMetaOf, this, evals[i]);
    return out;
  }

  abstract value(): Value;
  abstract valueMeta(): Value;
}

function headErrorOf(c: CompoundMerge): Value {
  return c.defsOk() !== null ? null : c.fromFallback('headError');
}
function valueOf(c: CompoundMerge): Value {
  return c.defsOk() !== null ? c.value() : c.fromFallback('value');
}
function valueMetaOf(c: CompoundMerge): Value {
  return c.defsOk() !== null ? c.valueMeta() : c.fromFallback('valueMeta');
}
function elemValueOf(c: CompoundMerge, i: number): Value {
  // This thunk is the element's only value thunk.
  return c.elem(i).forceValue();
}
function elemMetaOf(c: CompoundMerge, i: number): Value {
  const v2 = c.elem(i).v2();
  return v2 !== null ? force(v2.valueMeta) : Attrs.empty();
}

class AttrsMerge extends CompoundMerge {
  constructor(loc: Lazy, defs: Lazy, elemType: Lazy, private readonly lazy: boolean, fallback: Lazy) {
    super(loc, defs, elemType, fallback);
  }

  protected accepts(v: Value): boolean {
    return v instanceof Attrs;
  }

  protected filterDefined(): boolean {
    return !this.lazy;
  }

  protected build(defs: { file: Lazy; value: Value }[]): void {
    // zipAttrsWith: every name, with its definitions in the order of `defs`.
    const groups = new Map<string, Def[]>();
    for (const d of defs) {
      const file = strValue(d.file);
      (d.value as Attrs).forEach((k, v) => {
        const g = groups.get(k);
        if (g === undefined) groups.set(k, [{ file, value: v }]);
        else g.push({ file, value: v });
      });
    }
    const names = defs.length === 1 ? (defs[0].value as Attrs).keys() : [...groups.keys()].sort();
    const loc = this.loc;
    for (let i = 0; i < names.length; i++) {
      this.elemLocs.push(appendName(loc, names[i]));
      this.elemDefs.push(groups.get(names[i])!);
    }
    this.names = names;
  }

  value(): Value {
    const vals = this.elemValues();
    return Attrs.fromSorted(this.evalNames(), vals);
  }

  valueMeta(): Value {
    return Attrs.fromSorted(ATTRS_KEY, [new Thunk(attrsMetaOf, this)]);
  }
}
const attrsMetaOf = (c: AttrsMerge): Value => {
  const metas = c.elemMetas();
  return Attrs.fromSorted(c.evalNames(), metas);
};

class ListMerge extends CompoundMerge {
  protected accepts(v: Value): boolean {
    return Array.isArray(v);
  }

  protected filterDefined(): boolean {
    return true;
  }

  protected build(defs: { file: Lazy; value: Value }[]): void {
    const loc = this.loc;
    for (let n = 0; n < defs.length; n++) {
      const d = defs[n];
      const items = d.value as Lazy[];
      if (items.length === 0) continue;
      const file = strValue(d.file);
      for (let m = 0; m < items.length; m++) {
        this.elemLocs.push(appendName(loc, `[definition ${n + 1}-entry ${m + 1}]`));
        this.elemDefs.push([{ file, value: items[m] }]);
      }
    }
  }

  value(): Value {
    return this.elemValues();
  }

  valueMeta(): Value {
    return Attrs.fromSorted(LIST_KEY, [new Thunk(listMetaOf, this)]);
  }
}
const listMetaOf = (c: ListMerge): Value => c.elemMetas();

/** `__nixling.attrsMerge { loc; defs; elemType; lazy; fallback; }` → `{ headError; value; valueMeta; }`. */
export function attrsMergeNix(args: Attrs): Value {
  const lazy = force(args.get('lazy')!) === true;
  return new AttrsMerge(args.get('loc')!, args.get('defs')!, args.get('elemType')!, lazy, args.get('fallback')!).result();
}

/** `__nixling.listMerge { loc; defs; elemType; fallback; }` → `{ headError; value; valueMeta; }`. */
export function listMergeNix(args: Attrs): Value {
  return new ListMerge(args.get('loc')!, args.get('defs')!, args.get('elemType')!, args.get('fallback')!).result();
}
