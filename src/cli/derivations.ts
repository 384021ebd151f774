/**
 * The derivations a value denotes, as nix-instantiate and nix-build find them: a
 * derivation itself, the derivations in a list, or the attributes of a set (recursing into
 * nested sets only where `recurseForDerivations` is true).
 */
import { NixError } from '../eval/errors';
import { forceStringValue, isDerivation } from '../eval/runtime';
import { Attrs, force, Value } from '../eval/value';
import { autoCall } from './instantiate';

export function collectDerivations(v: Value, autoArgs: Attrs): string[] {
  const out: string[] = [];
  const visit = (x: Value, top: boolean): void => {
    x = force(autoCall(x, autoArgs));
    if (x instanceof Attrs) {
      if (isDerivation(x)) {
        const drv = x.get('drvPath');
        if (drv === undefined) throw new NixError('eval', 'derivation lacks a drvPath attribute');
        const drvPath = forceStringValue(drv);
        const on = x.get('outputName');
        const outputName = on === undefined ? 'out' : forceStringValue(on);
        out.push(outputName === 'out' ? drvPath : `${drvPath}!${outputName}`);
        return;
      }
      const rec = x.get('recurseForDerivations');
      if (!top && !(rec !== undefined && force(rec) === true)) return;
      for (const k of x.keys()) visit(force(x.get(k)!), false);
    } else if (Array.isArray(x)) {
      for (const e of x) visit(force(e), false);
    }
  };
  visit(v, true);
  return out;
}
