/**
 * String context builtins: inspecting and changing the set of store paths a string depends
 * on. `getContext` shows it as `{ PATH = { path = true; allOutputs = true; outputs = [ … ]; }; }`
 * (plain path, derivation with all outputs, particular outputs), `appendContext` adds
 * entries in that form, and the `unsafe…`/`addDrvOutputDependencies` functions drop or
 * convert entries. Element encodings are those of `value.ts` ("/p", "=/p.drv", "!out!/p.drv").
 */
import { NixError } from '../eval/errors';
import { COERCE_COPY, coerceToString, forceAttrs, forceBool, forceList, forceString, forceStringNoCtx } from '../eval/runtime';
import { Attrs, ctxOf, Lazy, mkString, NixString, strOf, Value } from '../eval/value';
import { getStore } from '../store';
import { isDerivationPath } from '../store/store-path';
import type { Builtin } from './registry';
import { encodeContextElem, parseContextElem, storeOp, withFrame } from './store-support';

function coerced(v: Lazy, what: string, pos: Parameters<NonNullable<Builtin['fn']>>[1]): string | NixString {
  return withFrame(`while evaluating the argument passed to builtins.${what}`, () =>
    coerceToString(v, COERCE_COPY, pos),
  );
}

function getContext(s: string | NixString, pos: Parameters<NonNullable<Builtin['fn']>>[1]): Value {
  const store = getStore();
  const infos = new Map<string, { path: boolean; allOutputs: boolean; outputs: string[] }>();
  const info = (p: string) => {
    let i = infos.get(p);
    if (!i) infos.set(p, (i = { path: false, allOutputs: false, outputs: [] }));
    return i;
  };
  for (const c of ctxOf(s)) {
    const e = parseContextElem(c);
    if (e.kind === 'opaque') info(e.path).path = true;
    else if (e.kind === 'drvDeep') info(e.drvPath).allOutputs = true;
    else {
      // As Nix 2.8's getContext: an output element's path is parsed (an output name with a
      // '!' leaves no store path after it), and an empty output name means all outputs.
      const drvPath = storeOp(pos, () => store.dir.parseStorePath(e.drvPath));
      if (e.output === '') info(drvPath).allOutputs = true;
      else info(drvPath).outputs.push(e.output);
    }
  }
  const out = new Map<string, Lazy>();
  for (const [p, i] of infos) {
    const m = new Map<string, Lazy>();
    if (i.path) m.set('path', true);
    if (i.allOutputs) m.set('allOutputs', true);
    if (i.outputs.length > 0) m.set('outputs', i.outputs.sort());
    out.set(p, new Attrs(m));
  }
  return new Attrs(out);
}

function appendContext(orig: string | NixString, spec: Attrs): Value {
  const ctx = new Set(ctxOf(orig));
  const store = getStore();
  for (const name of spec.keys()) {
    const v = spec.get(name)!;
    const pos = spec.posOf(name);
    if (!store.dir.isStorePath(name)) throw new NixError('eval', `context key '${name}' is not a store path`, pos);
    const entry = withFrame('while evaluating the value of a string context', () => forceAttrs(v, pos));
    const path = entry.get('path');
    if (path !== undefined) {
      const b = withFrame('while evaluating the `path` attribute of a string context', () => forceBool(path, pos));
      if (b) ctx.add(name);
    }
    const all = entry.get('allOutputs');
    if (all !== undefined) {
      const b = withFrame('while evaluating the `allOutputs` attribute of a string context', () =>
        forceBool(all, pos),
      );
      if (b) {
        if (!isDerivationPath(name)) {
          throw new NixError(
            'eval',
            `tried to add all-outputs context of ${name}, which is not a derivation, to a string`,
            pos,
          );
        }
        ctx.add('=' + name);
      }
    }
    const outputs = entry.get('outputs');
    if (outputs !== undefined) {
      const list = withFrame('while evaluating the `outputs` attribute of a string context', () =>
        forceList(outputs, pos),
      );
      if (list.length > 0 && !isDerivationPath(name)) {
        throw new NixError(
          'eval',
          `tried to add derivation output context of ${name}, which is not a derivation, to a string`,
          pos,
        );
      }
      for (const o of list) {
        const out = withFrame('while evaluating an output name within a string context', () =>
          forceStringNoCtx(o, pos),
        );
        ctx.add(`!${out}!${name}`);
      }
    }
  }
  return mkString(strOf(orig), ctx);
}

export const builtins: Builtin[] = [
  {
    name: 'getContext',
    arity: 1,
    fn([s], pos) {
      return getContext(
        withFrame('while evaluating the argument passed to builtins.getContext', () => forceString(s, pos)),
        pos,
      );
    },
  },
  {
    name: 'hasContext',
    arity: 1,
    fn([s], pos) {
      const v = withFrame('while evaluating the argument passed to builtins.hasContext', () => forceString(s, pos));
      return ctxOf(v).size > 0;
    },
  },
  {
    name: 'appendContext',
    arity: 2,
    fn([s, spec], pos) {
      const orig = withFrame('while evaluating the first argument passed to builtins.appendContext', () =>
        forceString(s, pos),
      );
      const attrs = withFrame('while evaluating the second argument passed to builtins.appendContext', () =>
        forceAttrs(spec, pos),
      );
      return appendContext(orig, attrs);
    },
  },
  {
    name: 'unsafeDiscardStringContext',
    arity: 1,
    fn([s], pos) {
      return strOf(coerced(s, 'unsafeDiscardStringContext', pos));
    },
  },
  {
    name: 'unsafeDiscardOutputDependency',
    arity: 1,
    fn([s], pos) {
      const v = coerced(s, 'unsafeDiscardOutputDependency', pos);
      const ctx = new Set<string>();
      for (const c of ctxOf(v)) {
        const e = parseContextElem(c);
        ctx.add(e.kind === 'drvDeep' ? e.drvPath : c);
      }
      return mkString(strOf(v), ctx);
    },
  },
  {
    name: 'addDrvOutputDependencies',
    arity: 1,
    fn([s], pos) {
      const v = coerced(s, 'addDrvOutputDependencies', pos);
      const ctx = ctxOf(v);
      if (ctx.size !== 1) {
        throw new NixError(
          'eval',
          `context of string '${strOf(v)}' must have exactly one element, but has ${ctx.size}`,
          pos,
        );
      }
      const e = parseContextElem([...ctx][0]);
      if (e.kind === 'built') {
        throw new NixError(
          'eval',
          `\`addDrvOutputDependencies\` can only act on derivations, not on a derivation output such as '${e.output}'`,
          pos,
        );
      }
      if (e.kind === 'opaque' && !isDerivationPath(e.path)) {
        throw new NixError('eval', `path '${e.path}' is not a derivation`, pos);
      }
      const drvPath = e.kind === 'opaque' ? e.path : e.drvPath;
      return mkString(strOf(v), new Set([encodeContextElem({ kind: 'drvDeep', drvPath })]));
    },
  },
];
