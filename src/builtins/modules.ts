/**
 * The `__nixling` global: nixling's native primitives for the module system, used by
 * modules/lib/modules.nix (not part of `builtins`, which stays Nix-compatible).
 *
 *   __nixling.evalModules { lib; modules; specialArgs; prefix; class; } → { options; config; … }
 *   __nixling.pushDownProperties cfg  → list
 *   __nixling.dischargeProperties def → list
 *   __nixling.mergeDefinitions loc type defs → { defsFinal; highestPrio; isDefined; value; }
 *   __nixling.showOption loc → string
 */
import { Attrs, Lazy, PrimOp, Value, attrsFrom } from '../eval/value';
import { evalModulesCore } from '../modules/eval';
import { dischargeProperties, pushDownProperties } from '../modules/properties';
import { defsToNix, mergeDefinitions } from '../modules/merge';
import { forceAttrs, forceList, showOption, strValue } from '../modules/util';

function prim(name: string, arity: number, fn: (args: Lazy[]) => Value): PrimOp {
  return new PrimOp('__nixling.' + name, arity, (args) => fn(args));
}

export function nixlingGlobal(): Attrs {
  return attrsFrom({
    evalModules: prim('evalModules', 1, ([a]) => evalModulesCore(a)),
    pushDownProperties: prim('pushDownProperties', 1, ([a]) => pushDownProperties(a)),
    dischargeProperties: prim('dischargeProperties', 1, ([a]) => dischargeProperties(a)),
    mergeDefinitions: prim('mergeDefinitions', 3, ([loc, type, defs]) => {
      const l = forceList(loc).map((x) => strValue(x));
      const ds = forceList(defs).map((d) => {
        const a = forceAttrs(d);
        return { file: strValue(a.get('file')!), value: a.get('value')! };
      });
      const r = mergeDefinitions(l, forceAttrs(type), ds);
      return attrsFrom({
        defsFinal: defsToNix(r.defsFinal),
        highestPrio: r.highestPrio,
        isDefined: r.isDefined,
        mergedValue: r.value,
      });
    }),
    showOption: prim('showOption', 1, ([loc]) => showOption(forceList(loc).map((x) => strValue(x)))),
  });
}
