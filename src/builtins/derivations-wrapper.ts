/**
 * `derivation`: the user-facing wrapper around `derivationStrict`, equivalent to Nix's
 * `derivation.nix` (and, like it, a lambda: see derivationLambda):
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
import { Source } from '../../grammar/ast';
import { NixError, Pos } from '../eval/errors';
import { forceAttrs, forceList, forceStringNoCtx, lambdaArgNotASet } from '../eval/runtime';
import { AttrPos, Attrs, compareBytes, force, Lambda, LambdaInfo, Lazy, Thunk, Value } from '../eval/value';
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

/**
 * The text `derivation` is said to come from, under the name Nix gives its own definition
 * (`//builtin/derivation.nix`). Nothing in it is evaluated (`derivationLambda` below runs
 * natively); it is ours, laid out so that every position a program can observe is where
 * Nix 2.8 reports it: the lambda at 5:1, its formal `outputs` at 5:14, and the result's
 * attributes (see P below), which is also what `--show-trace` and `--xml` show.
 */
const DERIVATION_NIX = [
  '',
  "# nixling's `derivation`: its body runs natively (src/builtins/derivations-wrapper.ts);",
  '# this text gives the function and the attributes of its result their positions.',
  '',
  'drvAttrs @ { outputs ? [ "out" ], ... }:',
  '',
  'let',
  '  # derivationStrict writes the .drv and gives its outputs\' paths by name.',
  '  built = derivationStrict drvAttrs;',
  '  # Every output\'s set holds the arguments, all the outputs by name, and these:',
  '  shared = drvAttrs // byName // {',
  '      all = map (o: o.value) perOutput;',
  '      inherit drvAttrs;',
  '    };',
  '  byName = builtins.listToAttrs perOutput;',
  '  perOutput = map (outputName: {',
  '      name = outputName;',
  '      value = shared // {',
  '        outPath = built.${outputName};',
  '        drvPath = built.drvPath;',
  '        type = "derivation";',
  '        inherit outputName;',
  '      };',
  '    }) outputs;',
  'in (builtins.head perOutput).value',
  '',
].join('\n');

let source: Source | undefined;

function derivationSource(): Source {
  // A byte string (UTF-8 bytes as chars), as sources are.
  return (source ??= new Source('//builtin/derivation.nix', Buffer.from(DERIVATION_NIX, 'utf8').toString('latin1'), '/', true));
}

// The sets below are made in array form (sorted names, shared): `//` then merges sorted
// arrays instead of copying maps, and derivations are made by the thousand.
const OWN_NAMES = ['drvPath', 'outPath', 'outputName', 'type'];
const EXTRA_NAMES = ['all', 'drvAttrs'];
const OUT_NAMES = ['out'];

/** Where in derivation.nix Nix 2.8 says the attributes of the result are defined (for
 *  unsafeGetAttrPos and --xml): `inherit x` at the column before `x`, as 2.8 reports it. */
const P = (() => {
  const src = derivationSource();
  const at = (s: string, skip = 0): AttrPos => ({ src, start: src.text.indexOf(s) + skip });
  const value = at('value = shared');
  return {
    own: [at('drvPath = built'), at('outPath = built'), at('inherit outputName', 7), at('type = "derivation"')],
    extra: [at('all = map'), at('inherit drvAttrs', 7)],
    out: [value],
    value,
  };
})();

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
      const own = Attrs.fromSorted(OWN_NAMES, [drvPath, lazy(() => select(strict, name, pos)), outputName, 'derivation'], P.own);
      return forceAttrs(common, pos).update(own);
    }),
  );
  common = lazy(() => {
    // listToAttrs: the first element with a given name wins.
    let byName: Attrs;
    if (values.length === 1 && forceStringNoCtx(outputNames[0], pos) === 'out') byName = Attrs.fromSorted(OUT_NAMES, [values[0]], P.out);
    else {
      const m = new Map<string, Lazy>();
      outputNames.forEach((o, i) => {
        const n = forceStringNoCtx(o, pos);
        if (!m.has(n)) m.set(n, values[i]);
      });
      // In array form (sorted names), so that `//` merges arrays.
      const ks = [...m.keys()].sort(compareBytes);
      byName = Attrs.fromSorted(
        ks,
        ks.map((k) => m.get(k)!),
        ks.map(() => P.value),
      );
    }
    // `all = map (x: x.value) outputsList`: a thunk, whose elements are thunks too (each
    // shows as <CODE> until forced through the list, even when the output's set is made).
    const all = lazy(() => values.map((v) => lazy(() => force(v))));
    return drvAttrs.update(byName).update(Attrs.fromSorted(EXTRA_NAMES, [all, drvAttrs], P.extra));
  });

  if (values.length === 0) throw new NixError('eval', "'builtins.head' called on an empty list", pos);
  return force(values[0]);
}

/** `derivation`: a lambda `drvAttrs @ { outputs ? [ "out" ], ... }` as in Nix, run natively. */
export function derivationLambda(): Lambda {
  const src = derivationSource();
  const text = src.text;
  const start = text.indexOf('drvAttrs @');
  const lambdaPos: Pos = { src, start };
  const info: LambdaInfo = {
    name: undefined,
    src,
    start,
    formals: new Map([['outputs', true]]),
    formalPos: new Map([['outputs', { src, start: text.indexOf('outputs ?') }]]),
    ellipsis: true,
    arg: 'drvAttrs',
    call: (_env, arg, _lambda, callPos) => {
      const a = force(arg);
      // Reported at the call: the lambda's own text is nixling's, not the user's.
      if (!(a instanceof Attrs)) throw lambdaArgNotASet(a, callPos ?? lambdaPos, undefined);
      return derivation(a, callPos);
    },
    call2: undefined,
    strictArg: true,
  };
  return new Lambda(info, []);
}

export const builtins: Builtin[] = [
  {
    name: 'derivation',
    arity: 0,
    global: true,
    value: derivationLambda,
  },
];
