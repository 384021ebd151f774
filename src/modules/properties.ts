/**
 * Definition properties (nixpkgs lib/modules.nix): the `_type` markers `merge` (mkMerge),
 * `if` (mkIf), `override` (mkOverride/mkDefault/mkForce/…), `order` (mkOrder/mkBefore/mkAfter)
 * and `definition` (mkDefinition).
 *
 * - pushDownProperties: flattens `merge` and pushes `if`/`override` into every attribute of
 *   an attrset content (never `order`), so attribute names are known without forcing
 *   conditions.
 * - dischargeProperties: flattens `merge`, evaluates `if` conditions (non-bool is an error).
 * - filterOverrides: keeps the definitions whose top-level priority is the lowest number
 *   (plain definitions have priority 100), unwrapping `override`; reports highestPrio.
 * - sortProperties: stable sort on `order` priority (default 1000), unwrapping `order`.
 */
import { NixError } from '../eval/errors';
import { AttrPos, Attrs, Lazy, Thunk, Value, force, isInt } from '../eval/value';
import { forceAttrs, forceList, typeOf as _t } from './util';

export const DEFAULT_PRIORITY = 100;
export const DEFAULT_ORDER = 1000;

/** The `_type` of a value, or '' (forces the value and its `_type`). */
export function markerOf(v: Value): string {
  if (!(v instanceof Attrs)) return '';
  const t = v.get('_type');
  if (t === undefined) return '';
  const s = force(t);
  return typeof s === 'string' ? s : '';
}

/** `mapAttrs (n: v: wrap v)` on an attrset (other values unchanged), lazily in the values. */
function mapAttrsIfAttrs(v: Value, wrap: (inner: Lazy, prop: Attrs) => Value, prop: Attrs): Value {
  if (!(v instanceof Attrs)) return v;
  const ks = v.keys();
  const vs = v.values();
  const out = new Array<Lazy>(ks.length);
  for (let i = 0; i < ks.length; i++) out[i] = new Thunk(wrap as any, vs[i], prop);
  return Attrs.fromSorted(ks, out, v.positions());
}

const IF_KEYS = ['_type', 'condition', 'content'];
const OVERRIDE_KEYS = ['_type', 'content', 'priority'];
/** `mkIf prop.condition inner` */
const wrapIf = (inner: Lazy, prop: Attrs): Value => Attrs.fromSorted(IF_KEYS, ['if', prop.get('condition')!, inner]);
/** `mkOverride prop.priority inner` */
const wrapOverride = (inner: Lazy, prop: Attrs): Value => Attrs.fromSorted(OVERRIDE_KEYS, ['override', inner, prop.get('priority')!]);

/** pushDownProperties: a config value → list of (forced) values. */
export function pushDownProperties(cfg: Lazy): Value[] {
  const v = force(cfg);
  if (!(v instanceof Attrs) || !v.has('_type')) return [v];
  const t = markerOf(v);
  if (t === 'merge') {
    const out: Value[] = [];
    for (const c of forceList((v as Attrs).get('contents')!)) out.push(...pushDownProperties(c));
    return out;
  }
  if (t === 'if') {
    const a = v as Attrs;
    return pushDownProperties(a.get('content')!).map((x) => mapAttrsIfAttrs(x, wrapIf, a));
  }
  if (t === 'override') {
    const a = v as Attrs;
    return pushDownProperties(a.get('content')!).map((x) => mapAttrsIfAttrs(x, wrapOverride, a));
  }
  return [v];
}

export interface Def {
  file: string;
  value: Lazy;
  /** Where the definition was written (the attribute in its module's config), if known. */
  pos?: AttrPos;
}

/** dischargeProperties on one definition value: list of values with merge/if removed. */
export function dischargeProperties(def: Lazy, out: Lazy[] = []): Lazy[] {
  const v = force(def);
  const t = markerOf(v);
  if (t === 'merge') {
    for (const c of forceList((v as Attrs).get('contents')!)) dischargeProperties(c, out);
  } else if (t === 'if') {
    const a = v as Attrs;
    const c = force(a.get('condition')!);
    if (typeof c !== 'boolean') {
      throw new NixError('throw', `‘mkIf’ called with a non-Boolean condition`);
    }
    if (c) dischargeProperties(a.get('content')!, out);
  } else {
    out.push(v);
  }
  return out;
}

export function prioNumber(v: Lazy): number {
  const p = force(v);
  if (!isInt(p)) throw new NixError('type', `expected an integer priority but found ${_t(p)}`);
  return Number(p);
}

/** filterOverrides': keeps the definitions of the highest priority (lowest number). */
export function filterOverrides(defs: Def[]): { values: Def[]; highestPrio: number } {
  let highest = 9999;
  const prios: number[] = [];
  for (const d of defs) {
    const v = force(d.value);
    const p = markerOf(v) === 'override' ? prioNumber((v as Attrs).get('priority')!) : DEFAULT_PRIORITY;
    prios.push(p);
    if (p < highest) highest = p;
  }
  const values: Def[] = [];
  defs.forEach((d, i) => {
    if (prios[i] !== highest) return;
    const v = force(d.value);
    values.push(markerOf(v) === 'override' ? { file: d.file, value: (v as Attrs).get('content')! } : d);
  });
  return { values, highestPrio: highest };
}

/** sortProperties: stable sort by mkOrder priority, unwrapping `order`. */
export function sortProperties(defs: Def[]): Def[] {
  let any = false;
  const keyed = defs.map((d, i) => {
    const v = force(d.value);
    if (markerOf(v) === 'order') {
      any = true;
      const a = v as Attrs;
      return { i, p: prioNumber(a.get('priority')!), d: { file: d.file, value: a.get('content')! } };
    }
    return { i, p: DEFAULT_ORDER, d };
  });
  if (!any) return defs;
  keyed.sort((x, y) => x.p - y.p || x.i - y.i);
  return keyed.map((k) => k.d);
}

export { forceAttrs };
