/**
 * `derivation`: the user-facing wrapper around `derivationStrict`, equivalent to Nix's
 * `derivation.nix`:
 *
 *   drvAttrs@{ outputs ? [ "out" ], ... }:
 *   let
 *     strict = derivationStrict drvAttrs;
 *     commonAttrs = drvAttrs // listToAttrs outputsList
 *       // { all = map (x: x.value) outputsList; inherit drvAttrs; };
 *     outputToAttrListElement = outputName: {
 *       name = outputName;
 *       value = commonAttrs // {
 *         outPath = strict.${outputName}; drvPath = strict.drvPath;
 *         type = "derivation"; inherit outputName;
 *       };
 *     };
 *     outputsList = map outputToAttrListElement outputs;
 *   in (head outputsList).value
 *
 * written with thunks so that it is exactly as lazy: calling `derivation` forces only the
 * argument set, the output names and the first output's set; `derivationStrict` runs when
 * `outPath` or `drvPath` is needed.
 */
import { NixError, Pos } from '../eval/errors';
import { forceAttrs, forceList, forceStringNoCtx } from '../eval/runtime';
import { Attrs, force, Lazy, Thunk, Value } from '../eval/value';
import { derivationStrict } from './derivations';
import type { Builtin } from './registry';

function call(f: () => Value): Value {
  return f();
}

function lazy(f: () => Value): Thunk {
  return new Thunk(call, f);
}

function select(set: Lazy, name: string, pos: Pos | undefined): Value {
  const v = forceAttrs(set, pos).get(name);
  if (v === undefined) throw new NixError('missing-attribute', `attribute '${name}' missing`, pos);
  return force(v);
}

// The sets below are made in array form (sorted names, shared): `//` then merges sorted
// arrays instead of copying maps, and derivations are made by the thousand.
const OWN_NAMES = ['drvPath', 'outPath', 'outputName', 'type'];
const EXTRA_NAMES = ['all', 'drvAttrs'];
const OUT_NAMES = ['out'];

export function derivation(arg: Lazy, pos: Pos | undefined): Value {
  const drvAttrs = forceAttrs(arg, pos);
  const strict = lazy(() => derivationStrict(drvAttrs, pos));
  // (Not `get(…) ?? default`: an attribute whose value is null is stored as a plain null,
  // and `outputs = null` must fail in forceList as in Nix's `{ outputs ? [ "out" ], ... }`.)
  const outputs: Lazy = drvAttrs.has('outputs') ? drvAttrs.get('outputs')! : ['out'];
  const outputNames = forceList(outputs, pos);

  let common: Thunk;
  const drvPath = lazy(() => select(strict, 'drvPath', pos));
  const values: Thunk[] = outputNames.map((outputName) =>
    lazy(() => {
      const name = forceStringNoCtx(outputName, pos);
      const own = Attrs.fromSorted(OWN_NAMES, [drvPath, lazy(() => select(strict, name, pos)), outputName, 'derivation']);
      return forceAttrs(common, pos).update(own);
    }),
  );
  common = lazy(() => {
    // listToAttrs: the first element with a given name wins.
    let byName: Attrs;
    if (values.length === 1 && forceStringNoCtx(outputNames[0], pos) === 'out') byName = Attrs.fromSorted(OUT_NAMES, [values[0]]);
    else {
      const m = new Map<string, Lazy>();
      outputNames.forEach((o, i) => {
        const n = forceStringNoCtx(o, pos);
        if (!m.has(n)) m.set(n, values[i]);
      });
      byName = new Attrs(m);
    }
    return drvAttrs.update(byName).update(Attrs.fromSorted(EXTRA_NAMES, [values, drvAttrs]));
  });

  if (values.length === 0) throw new NixError('eval', "'builtins.head' called on an empty list", pos);
  return force(values[0]);
}

export const builtins: Builtin[] = [
  {
    name: 'derivation',
    arity: 1,
    global: true,
    fn: ([arg], pos) => derivation(arg, pos),
  },
];
