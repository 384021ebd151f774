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

export function derivation(arg: Lazy, pos: Pos | undefined): Value {
  const drvAttrs = forceAttrs(arg, pos);
  const strict = lazy(() => derivationStrict(drvAttrs, pos));
  const outputs: Lazy = drvAttrs.get('outputs') ?? ['out'];
  const outputNames = forceList(outputs, pos);

  let common: Thunk;
  const values: Thunk[] = outputNames.map((outputName) =>
    lazy(() => {
      const name = forceStringNoCtx(outputName, pos);
      const own = new Map<string, Lazy>([
        ['outPath', lazy(() => select(strict, name, pos))],
        ['drvPath', lazy(() => select(strict, 'drvPath', pos))],
        ['type', 'derivation'],
        ['outputName', outputName],
      ]);
      return forceAttrs(common, pos).update(new Attrs(own));
    }),
  );
  common = lazy(() => {
    // listToAttrs: the first element with a given name wins.
    const byName = new Map<string, Lazy>();
    outputNames.forEach((o, i) => {
      const n = forceStringNoCtx(o, pos);
      if (!byName.has(n)) byName.set(n, values[i]);
    });
    const extra = new Map<string, Lazy>([
      ['all', values],
      ['drvAttrs', drvAttrs],
    ]);
    return drvAttrs.update(new Attrs(byName)).update(new Attrs(extra));
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
