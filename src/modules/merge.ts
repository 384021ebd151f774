/**
 * mergeDefinitions (nixpkgs lib/modules.nix): the definitions of one option location →
 * its merged value. Steps: dischargeProperties on each definition (mkMerge/mkIf), keep the
 * highest-priority ones (filterOverrides), sort by mkOrder (sortProperties); then every
 * remaining definition must pass `type.check` ("A definition for option `x' is not of type
 * `D'. Definition values: …") and `type.merge loc defs` gives the value. With no
 * definitions left the value is `type.emptyValue.value` if the type has one, else the
 * "was accessed but has no value defined" error.
 *
 * Everything is computed on demand and once, in stages as nixpkgs' lazy attributes are:
 * `highestPrio` needs only the discharge and the priorities (not the definitions' contents),
 * `defsFinal`/`isDefined` also the mkOrder sorting, and the value the type's check and merge.
 */
import { NixError } from '../eval/errors';
import { Attrs, Lazy, Thunk, Value, force } from '../eval/value';
import { callFunction2, callFunction1 } from '../eval/runtime';
import { DEFAULT_ORDER, DEFAULT_PRIORITY, Def, dischargeProperties, markerOf, prioNumber } from './properties';
import { forceAttrs, showDefs, showOption, strValue } from './util';
import { V2Merged, isV2Type, v2CheckedAndMergedLazy } from './types-v2';

const FILE_VALUE = ['file', 'value'];
const OPTION_DEFAULT_PRIORITY = 1500;

/** A definition as Nix sees it: `{ file; value; }`. */
export function defToNix(d: Def): Attrs {
  return Attrs.fromSorted(FILE_VALUE, [d.file, d.value]);
}

export function defsToNix(defs: Def[]): Value {
  const out = new Array<Lazy>(defs.length);
  for (let i = 0; i < defs.length; i++) out[i] = Attrs.fromSorted(FILE_VALUE, [defs[i].file, defs[i].value]);
  return out;
}

export function typeDescription(type: Attrs): string {
  const d = type.get('description');
  if (d !== undefined) {
    const v = force(d);
    if (v !== null) return strValue(v);
  }
  const n = type.get('name');
  return n === undefined ? 'unknown' : strValue(n);
}

function mergedValueOf(m: Merged): Value {
  const defs = m.defsFinal;
  if (defs.length > 0) {
    const v2 = m.v2();
    if (v2 !== null) return force(v2.value);
  }
  return mergedValue(m.loc, m.type, defs);
}

function valueMetaOf(m: Merged): Value {
  if (!m.isDefined) return Attrs.empty();
  const v2 = m.v2();
  return v2 !== null ? force(v2.valueMeta) : Attrs.empty();
}

/** The merge of one location's definitions; every part is computed when first used. */
export class Merged {
  private s1Values: Def[] | undefined = undefined;
  private s1Prio = 9999;
  private final: Def[] | undefined = undefined;
  private v2Merged: V2Merged | null | undefined = undefined;
  /** The merged value: a thunk, or the value itself once computed by forceValue. */
  private valueV: Lazy | undefined = undefined;
  private valueMetaV: Thunk | undefined = undefined;

  constructor(
    readonly loc: string[],
    readonly type: Attrs,
    private readonly defs: Def[],
    /** The option's default (a definition at mkOptionDefault priority, before `defs`). */
    private readonly dflt: Lazy | undefined,
    private readonly dfltFile: string,
  ) {}

  /** The merged value (a thunk made when first asked for). */
  get value(): Lazy {
    if (this.valueV === undefined) this.valueV = new Thunk(mergedValueOf, this);
    return this.valueV;
  }

  /**
   * The merged value, forced. For a caller that is itself a thunk (an option's value):
   * without a thunk of its own when nothing asked for one.
   */
  forceValue(): Value {
    if (this.valueV !== undefined) return force(this.valueV);
    const v = mergedValueOf(this);
    this.valueV = v;
    return v;
  }

  /** `valueMeta` of the option: the v2 merge's when defined, else `{ }`. */
  get valueMeta(): Lazy {
    if (this.valueMetaV === undefined) this.valueMetaV = new Thunk(valueMetaOf, this);
    return this.valueMetaV;
  }

  /** dischargeProperties and filterOverrides. */
  private stage1(): Def[] {
    if (this.s1Values !== undefined) return this.s1Values;
    const defs = this.defs;
    // The common case: plain definitions (no property at the top), which stay as they are.
    let plain = true;
    for (let i = 0; i < defs.length; i++) {
      const v = force(defs[i].value);
      if (v instanceof Attrs && v.has('_type')) {
        plain = false;
        break;
      }
    }
    if (plain) {
      if (defs.length > 0) {
        this.s1Prio = DEFAULT_PRIORITY;
        this.final = defs;
        this.s1Values = defs;
      } else if (this.dflt !== undefined) {
        this.s1Prio = OPTION_DEFAULT_PRIORITY;
        this.s1Values = [{ file: this.dfltFile, value: this.dflt }];
      } else {
        this.s1Prio = 9999;
        this.final = defs;
        this.s1Values = defs;
      }
      return this.s1Values;
    }
    // Discharge mkMerge/mkIf (all definitions first, as nixpkgs' concatMap does).
    const files: string[] = [];
    const vals: Lazy[] = [];
    let out: Lazy[] = [];
    for (let i = 0; i < defs.length; i++) {
      const d = defs[i];
      out.length = 0;
      out = dischargeProperties(d.value, out);
      for (let j = 0; j < out.length; j++) {
        const v = out[j] as Value;
        // mkDefinition { file; value; } carries its own file.
        if (v instanceof Attrs && markerOf(v) === 'definition') {
          files.push(strValue(v.get('file')!));
          vals.push(v.get('value')!);
        } else {
          files.push(d.file);
          vals.push(v);
        }
      }
    }
    // filterOverrides: the default (if any) is a definition at priority 1500, first.
    const hasDefault = this.dflt !== undefined;
    const n = vals.length;
    let highest = hasDefault ? OPTION_DEFAULT_PRIORITY : 9999;
    const prios = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const v = force(vals[i]);
      const p = v instanceof Attrs && markerOf(v) === 'override' ? prioNumber(v.get('priority')!) : DEFAULT_PRIORITY;
      prios[i] = p;
      if (p < highest) highest = p;
    }
    const values: Def[] = [];
    if (hasDefault && highest === OPTION_DEFAULT_PRIORITY) values.push({ file: this.dfltFile, value: this.dflt! });
    for (let i = 0; i < n; i++) {
      if (prios[i] !== highest) continue;
      const v = force(vals[i]);
      values.push({ file: files[i], value: v instanceof Attrs && markerOf(v) === 'override' ? v.get('content')! : v });
    }
    this.s1Prio = highest;
    this.s1Values = values;
    return values;
  }

  get highestPrio(): number {
    this.stage1();
    return this.s1Prio;
  }

  /** Definitions after discharge, filtering and sorting (values unwrapped). */
  get defsFinal(): Def[] {
    if (this.final === undefined) {
      const values = this.stage1();
      if (this.final === undefined) this.final = sortProperties(values);
    }
    return this.final;
  }

  get isDefined(): boolean {
    return this.defsFinal.length > 0;
  }

  /** The type's v2 merge of the final definitions (null when the type has none). */
  v2(): V2Merged | null {
    if (this.v2Merged === undefined) {
      this.v2Merged = isV2Type(this.type) ? v2CheckedAndMergedLazy(this.loc, this.type, () => this.defsFinal) : null;
    }
    return this.v2Merged;
  }
}

/** sortProperties: stable sort by mkOrder priority, unwrapping `order`. */
function sortProperties(defs: Def[]): Def[] {
  let any = false;
  for (let i = 0; i < defs.length; i++) {
    const v = force(defs[i].value);
    if (v instanceof Attrs && markerOf(v) === 'order') any = true;
  }
  if (!any) return defs;
  const keyed = defs.map((d, i) => {
    const v = force(d.value);
    if (v instanceof Attrs && markerOf(v) === 'order') {
      return { i, p: prioNumber(v.get('priority')!), d: { file: d.file, value: v.get('content')! } };
    }
    return { i, p: DEFAULT_ORDER, d };
  });
  keyed.sort((x, y) => x.p - y.p || x.i - y.i);
  return keyed.map((k) => k.d);
}

export function mergeDefinitions(loc: string[], type: Attrs, defs: Def[], dflt?: Lazy, dfltFile = ''): Merged {
  return new Merged(loc, type, defs, dflt, dfltFile);
}

function mergedValue(loc: string[], type: Attrs, defs: Def[]): Value {
  if (defs.length === 0) {
    const ev = type.get('emptyValue');
    if (ev !== undefined) {
      const e = force(ev);
      if (e instanceof Attrs && e.has('value')) return force(e.get('value')!);
    }
    throw new NixError(
      'throw',
      `The option \`${showOption(loc)}' was accessed but has no value defined. Try setting the option.`,
    );
  }
  const check = force(type.get('check')!);
  for (const d of defs) {
    const ok = force(callFunction1(check, d.value));
    if (ok !== true) {
      throw new NixError(
        'throw',
        `A definition for option \`${showOption(loc)}' is not of type \`${typeDescription(type)}'. Definition values:${showDefs([d])}`,
      );
    }
  }
  const merge = force(type.get('merge')!);
  return force(callFunction2(merge, loc as Lazy[] as any, defsToNix(defs)));
}

// --- The Nix-facing forms (`__nixling.mergeDefinitions`, `__nixling.mergeElem`) -----------

const MERGE_KEYS = ['defsFinal', 'highestPrio', 'isDefined', 'mergedValue'];
const ELEM_KEYS = ['defsFinal', 'highestPrio', 'isDefined', 'mergedValue', 'valueMeta'];

const defsFinalOf = (m: Merged): Value => defsToNix(m.defsFinal);
const highestPrioOf = (m: Merged): Value => m.highestPrio;
const isDefinedOf = (m: Merged): Value => m.isDefined;
const elemValueMetaOf = (m: Merged): Value => {
  const v2 = m.v2();
  return v2 !== null ? force(v2.valueMeta) : Attrs.empty();
};

/** Definitions given as a Nix list of `{ file; value; }`. */
export function defsFromNix(defs: Lazy[]): Def[] {
  const out = new Array<Def>(defs.length);
  for (let i = 0; i < defs.length; i++) {
    const a = forceAttrs(defs[i]);
    out[i] = { file: strValue(a.get('file')!), value: a.get('value')! };
  }
  return out;
}

/** `__nixling.mergeDefinitions loc type defs` → { defsFinal; highestPrio; isDefined; mergedValue; }, all lazy. */
export function mergeDefinitionsNix(loc: string[], type: Attrs, defs: Def[]): Attrs {
  const m = new Merged(loc, type, defs, undefined, '');
  return Attrs.fromSorted(MERGE_KEYS, [
    new Thunk(defsFinalOf, m),
    new Thunk(highestPrioOf, m),
    new Thunk(isDefinedOf, m),
    m.value,
  ]);
}

/**
 * `__nixling.mergeElem loc elemType defs`: one element of a compound type (attrsOf value,
 * listOf item): mergeDefinitions plus `valueMeta` — the v2 merge's (even with no
 * definitions) with `_internal.type`, or `{ }` for a type without a v2 merge.
 */
export function mergeElemNix(loc: string[], type: Attrs, defs: Def[]): Attrs {
  // As in Nix, whether the type is v2 is decided when the result is built.
  isV2Type(type);
  const m = new Merged(loc, type, defs, undefined, '');
  return Attrs.fromSorted(ELEM_KEYS, [
    new Thunk(defsFinalOf, m),
    new Thunk(highestPrioOf, m),
    new Thunk(isDefinedOf, m),
    m.value,
    new Thunk(elemValueMetaOf, m),
  ]);
}
