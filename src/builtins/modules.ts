/**
 * The `__nixling` global: nixling's native primitives for the module system, used by
 * modules/lib/modules.nix (not part of `builtins`, which stays Nix-compatible).
 *
 *   __nixling.evalModules { lib; modules; specialArgs; prefix; class; } → { options; config; … }
 *   __nixling.pushDownProperties cfg  → list
 *   __nixling.dischargeProperties def → list
 *   __nixling.mergeDefinitions loc type defs → { defsFinal; highestPrio; isDefined; mergedValue; }
 *   __nixling.mergeElem loc elemType defs → the same and valueMeta (types' element merge)
 *   __nixling.attrsMerge / listMerge { loc; defs; elemType; [lazy;] fallback; } → the v2 merge result of attrsOf / listOf
 *   __nixling.showOption loc → string
 */
import { Attrs, Lazy, PrimOp, Value, attrsFrom } from '../eval/value';
import { evalModulesCore } from '../modules/eval';
import { dischargeProperties, pushDownProperties } from '../modules/properties';
import { defsFromNix, mergeDefinitionsNix, mergeElemNix } from '../modules/merge';
import { attrsMergeNix, listMergeNix } from '../modules/compound';
import { forceAttrs, forceList, showOption, strValue } from '../modules/util';

function prim(name: string, arity: number, fn: (args: Lazy[]) => Value): PrimOp {
  return new PrimOp('__nixling.' + name, arity, (args) => fn(args));
}

export function nixlingGlobal(): Attrs {
  return attrsFrom({
    evalModules: prim('evalModules', 1, ([a]) => evalModulesCore(a)),
    pushDownProperties: prim('pushDownProperties', 1, ([a]) => pushDownProperties(a)),
    dischargeProperties: prim('dischargeProperties', 1, ([a]) => dischargeProperties(a)),
    mergeDefinitions: prim('mergeDefinitions', 3, ([loc, type, defs]) =>
      mergeDefinitionsNix(forceList(loc).map((x) => strValue(x)), forceAttrs(type), defsFromNix(forceList(defs))),
    ),
    mergeElem: prim('mergeElem', 3, ([loc, type, defs]) =>
      mergeElemNix(forceList(loc).map((x) => strValue(x)), forceAttrs(type), defsFromNix(forceList(defs))),
    ),
    attrsMerge: prim('attrsMerge', 1, ([a]) => attrsMergeNix(forceAttrs(a))),
    listMerge: prim('listMerge', 1, ([a]) => listMergeNix(forceAttrs(a))),
    showOption: prim('showOption', 1, ([loc]) => showOption(forceList(loc).map((x) => strValue(x)))),
  });
}
