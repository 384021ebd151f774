/**
 * mergeDefinitions (nixpkgs lib/modules.nix): the definitions of one option location →
 * its merged value. Steps: dischargeProperties on each definition (mkMerge/mkIf), keep the
 * highest-priority ones (filterOverrides), sort by mkOrder (sortProperties); then every
 * remaining definition must pass `type.check` ("A definition for option `x' is not of type
 * `D'. Definition values: …") and `type.merge loc defs` gives the value. With no
 * definitions left the value is `type.emptyValue.value` if the type has one, else the
 * "was accessed but has no value defined" error.
 *
 * The result is computed once per call and the value is a thunk, so merging is memoised
 * per option and only happens when the value is forced.
 */
import { NixError } from '../eval/errors';
import { Attrs, Lazy, Thunk, Value, force, attrsFrom } from '../eval/value';
import { callFunction, callFunction1 } from '../eval/runtime';
import { Def, dischargeProperties, filterOverrides, markerOf, sortProperties } from './properties';
import { showDefs, showOption, strValue } from './util';
import { v2CheckedAndMerged } from './types-v2';

export interface Merged {
  /** Definitions after discharge, filtering and sorting (values unwrapped). */
  defsFinal: Def[];
  highestPrio: number;
  isDefined: boolean;
  value: Lazy;
  valueMeta: Lazy;
}

export function defsToNix(defs: Def[]): Value {
  return defs.map((d) => attrsFrom({ file: d.file, value: d.value }));
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

export function mergeDefinitions(loc: string[], type: Attrs, defs: Def[]): Merged {
  const discharged: Def[] = [];
  for (const d of defs) {
    for (const v of dischargeProperties(d.value)) {
      // mkDefinition { file; value; } carries its own file.
      if (v instanceof Attrs && markerOf(v) === 'definition') {
        discharged.push({ file: strValue(v.get('file')!), value: v.get('value')! });
      } else discharged.push({ file: d.file, value: v });
    }
  }
  const { values, highestPrio } = filterOverrides(discharged);
  const defsFinal = sortProperties(values);
  const isDefined = defsFinal.length > 0;
  let v2: ReturnType<typeof v2CheckedAndMerged> | undefined;
  const getV2 = () => (v2 === undefined ? (v2 = isDefined ? v2CheckedAndMerged(loc, type, defsFinal) : null) : v2);
  const value = new Thunk(() => {
    const r = getV2();
    return r ? force(r.value) : mergedValue(loc, type, defsFinal);
  }, undefined);
  const valueMeta = new Thunk(() => {
    const r = getV2();
    return r ? force(r.valueMeta) : Attrs.empty();
  }, undefined);
  return { defsFinal, highestPrio, isDefined, value, valueMeta };
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
  return force(callFunction(merge, [loc as Lazy[] as any, defsToNix(defs)]));
}
