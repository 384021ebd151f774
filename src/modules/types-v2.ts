/**
 * The "v2" merge protocol of option types (nixpkgs lib/modules.nix mergeDefinitions'
 * `checkedAndMerged`). A v2 type's `merge` is a functor attrset with
 * `v2 = { loc, defs }: { headError; value; valueMeta; }`, and its `check` must carry
 * `isV2MergeCoherent = true` (a `type // { check = …; }` override loses it, which is an error).
 * For such a type the definitions are not checked one by one with `check`; `headError`
 * (non-null ⇒ "A definition for option `x' is not of type `D'. TypeError: <message>")
 * replaces that, and `valueMeta` (list/attrs of nested metadata, submodule `configuration`)
 * is exposed as `options.<path>.valueMeta`.
 *
 * modules/lib/types.nix defines the v2 types (listOf, attrsWith, either, coercedTo, addCheck,
 * submoduleWith, attrListWith) and dispatches nested element merges itself; the hook below is
 * for merge.ts, the top-level mergeDefinitions, so that a top-level v2 option behaves the same.
 */
import { NixError } from '../eval/errors';
import { Attrs, Lazy, Thunk, Value, force } from '../eval/value';
import { callFunction1 } from '../eval/runtime';
import { Def } from './properties';
import { showOption, strValue } from './util';

function typeDesc(type: Attrs): string {
  const d = type.get('description');
  if (d !== undefined) {
    const v = force(d);
    if (v !== null) return strValue(v);
  }
  const n = type.get('name');
  return n === undefined ? 'unknown' : strValue(n);
}

/** Whether the type's `merge` is a v2 functor attrset (forces `type.merge`). */
export function isV2Type(type: Attrs): boolean {
  const m = type.get('merge');
  if (m === undefined) return false;
  const mv = force(m);
  return mv instanceof Attrs && mv.has('v2');
}

export function coherenceMessage(loc: string[], type: Attrs): string {
  return (
    `The option \`${showOption(loc)}' has a type \`${typeDesc(type)}' that uses\n` +
    "an ad-hoc `type // { check = ...; }' override, which is incompatible with\n" +
    'the v2 merge mechanism.\n\n' +
    "Please use `lib.types.addCheck` instead of `type // { check }' to add\n" +
    'custom validation. For example:\n\n' +
    '  lib.types.addCheck baseType (value: /* your check */)\n\n' +
    'instead of:\n\n' +
    '  baseType // { check = value: /* your check */; }\n'
  );
}

/** Throws unless `type.check.isV2MergeCoherent` is true. */
export function checkV2MergeCoherence(loc: string[], type: Attrs): void {
  const c = type.get('check');
  const cv = c === undefined ? null : force(c);
  const ok = cv instanceof Attrs && cv.has('isV2MergeCoherent') && force(cv.get('isV2MergeCoherent')!) === true;
  if (!ok) throw new NixError('throw', coherenceMessage(loc, type));
}

export interface V2Merged {
  /** The merged value; forcing it throws the coherence error or the headError. */
  value: Lazy;
  /** `valueMeta // { _internal = { type; }; }`. */
  valueMeta: Lazy;
}

/**
 * checkedAndMerged for a v2 type and its (non-empty, final) definitions, or null when the
 * type has no v2 merge. Everything is lazy: nothing is evaluated until value/valueMeta is forced.
 */
export function v2CheckedAndMerged(loc: string[], type: Attrs, defs: Def[]): V2Merged | null {
  if (!isV2Type(type)) return null;
  return v2CheckedAndMergedLazy(loc, type, () => defs);
}

interface V2State {
  loc: string[];
  type: Attrs;
  getDefs: () => Def[];
  result: Thunk | undefined;
}

function v2Result(st: V2State): Value {
  checkV2MergeCoherence(st.loc, st.type);
  const v2 = force((force(st.type.get('merge')!) as Attrs).get('v2')!);
  const defs = st.getDefs();
  const nixDefs = new Array<Lazy>(defs.length);
  for (let i = 0; i < defs.length; i++) nixDefs[i] = Attrs.fromSorted(FILE_VALUE, [defs[i].file, defs[i].value]);
  const arg = Attrs.fromSorted(LOC_DEFS, [nixDefs, st.loc as Lazy[] as any]);
  const r = force(callFunction1(v2, arg));
  if (!(r instanceof Attrs)) throw new NixError('type', 'a v2 merge must return an attribute set');
  return r;
}

function v2Value(st: V2State): Value {
  const r = force(st.result!) as Attrs;
  const he = r.get('headError');
  const hv = he === undefined ? null : force(he);
  if (hv !== null) {
    const msg = strValue((hv as Attrs).get('message')!);
    throw new NixError(
      'throw',
      `A definition for option \`${showOption(st.loc)}' is not of type \`${typeDesc(st.type)}'. TypeError: ${msg}`,
    );
  }
  return force(r.get('value')!);
}

function v2ValueMeta(st: V2State): Value {
  const r = force(st.result!) as Attrs;
  const vm = r.get('valueMeta');
  const base = vm === undefined ? Attrs.empty() : (force(vm) as Attrs);
  return base.update(Attrs.fromSorted(INTERNAL, [Attrs.fromSorted(TYPE, [st.type])]));
}

const FILE_VALUE = ['file', 'value'];
const LOC_DEFS = ['defs', 'loc'];
const INTERNAL = ['_internal'];
const TYPE = ['type'];

/**
 * checkedAndMerged for a type known to have a v2 merge, with the definitions given when
 * first needed. Everything is lazy: nothing is evaluated until value/valueMeta is forced.
 */
export function v2CheckedAndMergedLazy(loc: string[], type: Attrs, getDefs: () => Def[]): V2Merged {
  const st: V2State = { loc, type, getDefs, result: undefined };
  st.result = new Thunk(v2Result, st);
  return { value: new Thunk(v2Value, st), valueMeta: new Thunk(v2ValueMeta, st) };
}
