/**
 * `derivationStrict`: turns an attribute set into a store derivation, as Nix does.
 *
 * Every attribute (sorted by name) becomes an environment variable, coerced to a string
 * (lists space-separated, paths copied to the store), except `args` (the builder's
 * arguments), `__ignoreNulls` (skip null attributes), `__structuredAttrs` (pass everything
 * as JSON in `__json`), `__contentAddressed`/`__impure` (experimental, refused). `builder`,
 * `system`, `outputs`, `outputHash`, `outputHashAlgo` and `outputHashMode` are also read.
 * The string contexts of all of them become the inputs: a plain path an input source, an
 * output of a derivation an input derivation, and a derivation with all its outputs its whole
 * closure. Output paths are then computed (fixed-output or input-addressed), the `.drv` is
 * written (or, read-only, only its path computed) and the result is
 * `{ drvPath = …; OUTPUT = …; }` with contexts pointing at the derivation.
 */
import { NixError, Pos, showPos } from '../eval/errors';
import { evalState } from '../eval/state';
import { renderError } from '../eval/errors';
import { coerceToString, forceAttrs, forceBool, forceList, forceString, forceStringNoCtx } from '../eval/runtime';
import { Attrs, ctxOf, force, Lazy, NixString, strOf, Value } from '../eval/value';
import { getStore, Store } from '../store';
import { Derivation, emptyDerivation } from '../store/derivation';
import { HashAlgo, parseHashAllowEmpty, parseHashAlgoOpt } from '../store/hash';
import { checkName, ContentAddressMethod, DRV_EXTENSION, isDerivationPath, outputPathName } from '../store/store-path';
import { jsonString, valueToJSON } from './derivations-json';
import type { Builtin } from './registry';
import { parseContextElem, storeOp, warn, withFrame } from './store-support';

const LEGACY_OUTPUT_CHECKS = new Set([
  'allowedReferences',
  'allowedRequisites',
  'disallowedReferences',
  'disallowedRequisites',
  'maxSize',
  'maxClosureSize',
]);

/** Prints a warning with a position and a trace frame, laid out as Nix prints them. */
function warnAt(msg: string, frame: string, pos: Pos | undefined): void {
  const err = new NixError('eval', msg, pos).addTrace(frame);
  const text = renderError(err, { showTrace: true })
    .split('\n')
    .map((line, i) => (i === 0 ? 'warning:' : line === '' ? line : '  ' + line))
    .join('\n')
    .replace(/^( {9})error: /m, '$1warning: ')
    // stderr takes byte strings: the ellipsis as its UTF-8 bytes.
    .replace(/\u2026/g, Buffer.from('\u2026', 'utf8').toString('latin1'));
  evalState.stderr(text + '\n');
}

function experimental(feature: string, what: string): never {
  throw new NixError(
    'eval',
    `experimental Nix feature '${feature}' is disabled; add '--extra-experimental-features ${feature}' to enable it` +
      (what ? ` (required by ${what})` : ''),
  );
}

function parseHashMode(s: string, drvName: string, pos: Pos | undefined): ContentAddressMethod {
  if (s === 'recursive' || s === 'nar') return 'nar';
  if (s === 'flat') return 'flat';
  if (s === 'text') experimental('dynamic-derivations', `text-hashed derivation '${drvName}', outputHashMode = "text"`);
  if (s === 'git') experimental('git-hashing', '');
  throw new NixError('eval', `invalid value '${s}' for 'outputHashMode' attribute`, pos);
}

/** The core of derivationStrict, once the name is known. */
function instantiate(drvName: string, attrs: Attrs, pos: Pos | undefined): Value {
  try {
    checkName(drvName);
  } catch (e) {
    throw new NixError(
      'eval',
      `invalid derivation name: ${(e as Error).message}. Please pass a different 'name'.`,
      pos,
    );
  }
  const structured = attrs.has('__structuredAttrs')
    ? withFrame('while evaluating the `__structuredAttrs` attribute passed to builtins.derivationStrict', () =>
        forceBool(attrs.get('__structuredAttrs')!, pos),
      )
    : false;
  const ignoreNulls = attrs.has('__ignoreNulls')
    ? withFrame('while evaluating the `__ignoreNulls` attribute passed to builtins.derivationStrict', () =>
        forceBool(attrs.get('__ignoreNulls')!, pos),
      )
    : false;

  const drv = emptyDerivation(drvName);
  const ctx = new Set<string>();
  const json: string[] = [];
  let outputHash: string | undefined;
  let outputHashAlgo: HashAlgo | undefined;
  let method: ContentAddressMethod | undefined;
  let outputs = ['out'];

  const addCtx = (s: string | NixString) => {
    for (const c of ctxOf(s)) ctx.add(c);
    return strOf(s);
  };
  const setOutputs = (names: string[]) => {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) throw new NixError('eval', `duplicate derivation output '${n}'`, pos);
      if (n === 'drvPath') throw new NixError('eval', "invalid derivation output name 'drvPath'", pos);
      seen.add(n);
    }
    if (seen.size === 0) throw new NixError('eval', 'derivation cannot have an empty set of outputs', pos);
    outputs = [...seen];
  };

  for (const key of attrs.keys()) {
    if (key === '__ignoreNulls') continue;
    const v = attrs.get(key)!;
    const apos = attrs.posOf(key);
    try {
      if (ignoreNulls && force(v) === null) continue;
      if (key === '__contentAddressed') {
        if (forceBool(v, pos)) experimental('ca-derivations', '');
        continue;
      }
      if (key === '__impure') {
        if (forceBool(v, pos)) experimental('impure-derivations', '');
        continue;
      }
      if (key === 'args') {
        for (const el of forceList(v, pos)) {
          const s = withFrame('while evaluating an element of the argument list', () =>
            coerceToString(el, { coerceMore: true, copyToStore: true }, pos),
          );
          drv.args.push(addCtx(s));
        }
        continue;
      }
      if (structured) {
        if (key === '__structuredAttrs') continue;
        json.push(`${jsonString(key)}:${valueToJSON(v, ctx, pos)}`);
        if (key === 'builder') drv.builder = addCtx(forceString(v, pos));
        else if (key === 'system') drv.system = forceStringNoCtx(v, pos);
        else if (key === 'outputHash') outputHash = forceStringNoCtx(v, pos);
        else if (key === 'outputHashAlgo') outputHashAlgo = parseHashAlgoOpt(forceStringNoCtx(v, pos));
        else if (key === 'outputHashMode') method = parseHashMode(forceStringNoCtx(v, pos), drvName, pos);
        else if (key === 'outputs') setOutputs(forceList(v, pos).map((o) => forceStringNoCtx(o, pos)));
        if (LEGACY_OUTPUT_CHECKS.has(key)) {
          warnAt(
            `'structuredAttrs' disables the effect of the derivation attribute '${key}'; use 'outputChecks.<output>.${key}' instead`,
            `while evaluating derivation '${drvName}'`,
            apos,
          );
        }
      } else {
        const s = addCtx(coerceToString(v, { coerceMore: true, copyToStore: true }, pos));
        if (key === '__json') {
          warnAt(
            "setting structured attributes via '__json' is deprecated, and may be disallowed in future versions of Nix. Set '__structuredAttrs = true' instead.",
            `while evaluating derivation '${drvName}'`,
            apos,
          );
        }
        drv.env.set(key, s);
        if (key === 'builder') drv.builder = s;
        else if (key === 'system') drv.system = s;
        else if (key === 'outputHash') outputHash = s;
        else if (key === 'outputHashAlgo') outputHashAlgo = parseHashAlgoOpt(s);
        else if (key === 'outputHashMode') method = parseHashMode(s, drvName, pos);
        else if (key === 'outputs') setOutputs(s.split(/[ \t\n\r]+/).filter((x) => x !== ''));
      }
    } catch (e) {
      if (e instanceof NixError) e.addTrace(`while evaluating attribute '${key}' of derivation '${drvName}'`, apos);
      throw e;
    }
  }
  if (structured) drv.env.set('__json', '{' + json.join(',') + '}');

  const store = getStore();
  storeOp(pos, () => collectInputs(drv, ctx));

  if (drv.builder === '') throw new NixError('eval', "required attribute 'builder' missing", pos);
  if (drv.system === '') throw new NixError('eval', "required attribute 'system' missing", pos);
  if (isDerivationPath(drvName)) {
    throw new NixError(
      'eval',
      `derivation names are allowed to end in '${DRV_EXTENSION}' only if they produce a single derivation file`,
      pos,
    );
  }

  if (outputHash !== undefined) {
    if (outputs.length !== 1 || outputs[0] !== 'out') {
      throw new NixError('eval', 'multiple outputs are not supported in fixed-output derivations', pos);
    }
    const h = storeOp(pos, () => parseHashAllowEmpty(outputHash!, outputHashAlgo, warn));
    const m = method ?? 'flat';
    const outPath = storeOp(pos, () => store.dir.makeFixedOutputPath(outputPathName(drvName, 'out'), m, h));
    drv.env.set('out', outPath);
    drv.outputs.set('out', { kind: 'caFixed', method: m, hash: h, path: outPath });
  } else {
    for (const o of outputs) {
      drv.env.set(o, '');
      drv.outputs.set(o, { kind: 'deferred' });
    }
  }

  // Fills in the deferred output paths, writes the .drv (unless read-only), remembers its hash.
  const drvPath = storeOp(pos, () => store.addDerivation(drv));

  const result = new Map<string, Lazy>();
  result.set('drvPath', new NixString(drvPath, new Set(['=' + drvPath])));
  for (const [id, o] of drv.outputs) {
    const p = o.kind === 'inputAddressed' || o.kind === 'caFixed' ? o.path : '';
    result.set(id, new NixString(p, new Set([`!${id}!${drvPath}`])));
  }
  return new Attrs(result);
}

/**
 * The inputs of derivations made so far, by their string context (its elements in order).
 * Derivations made by the same builder mostly have the same context (a shell, a PATH):
 * they share one set of inputs (never modified once made), whose unparsed forms the store
 * then makes once (see DerivationParts.inputDrvs).
 */
const inputsByContext = new Map<string, { inputDrvs: Map<string, Set<string>>; inputSrcs: Set<string> }>();
let inputsStore: unknown;

/** Adds the string context of the attributes to the derivation's inputs. */
function collectInputs(drv: Derivation, ctx: Set<string>): void {
  if (ctx.size === 0) return;
  const store = getStore();
  if (inputsStore !== store || inputsByContext.size >= 4096) {
    inputsByContext.clear();
    inputsStore = store;
  }
  let key = '';
  for (const c of ctx) key += c + '\n';
  const known = inputsByContext.get(key);
  if (known !== undefined) {
    drv.inputDrvs = known.inputDrvs;
    drv.inputSrcs = known.inputSrcs;
    return;
  }
  collectInputsOf(store, drv, ctx);
  inputsByContext.set(key, { inputDrvs: drv.inputDrvs, inputSrcs: drv.inputSrcs });
}

function collectInputsOf(store: Store, drv: Derivation, ctx: Set<string>): void {
  const addDrv = (p: string, outs: Iterable<string>) => {
    let s = drv.inputDrvs.get(p);
    if (!s) drv.inputDrvs.set(p, (s = new Set()));
    for (const o of outs) s.add(o);
  };
  // Context paths are parsed as store paths (canonicalised, as Nix does): appendContext
  // accepts `/nix/store/HASH-NAME/` as a key and keeps it as written.
  const parse = (p: string) => store.dir.parseStorePath(p);
  for (const c of ctx) {
    const e = parseContextElem(c);
    if (e.kind === 'opaque') drv.inputSrcs.add(parse(e.path));
    else if (e.kind === 'built') addDrv(parse(e.drvPath), [e.output]);
    else {
      for (const p of store.computeFSClosure(parse(e.drvPath))) {
        drv.inputSrcs.add(p);
        if (isDerivationPath(p)) addDrv(p, store.readDerivation(p).outputs.keys());
      }
    }
  }
}

/** `builtins.derivationStrict ATTRS`. */
export function derivationStrict(arg: Lazy, pos: Pos | undefined): Value {
  const attrs = withFrame('while evaluating the argument passed to builtins.derivationStrict', () =>
    forceAttrs(arg, pos),
  );
  const nameAttr = attrs.get('name');
  if (nameAttr === undefined) {
    throw new NixError('missing-attribute', "attribute 'name' missing", pos).addTrace(
      'in the attrset passed as argument to builtins.derivationStrict',
    );
  }
  const namePos = attrs.posOf('name');
  const drvName = withFrame("while evaluating the derivation attribute 'name'", () =>
    withFrame('while evaluating the `name` attribute passed to builtins.derivationStrict', () =>
      forceStringNoCtx(nameAttr, pos),
    ),
  );
  try {
    return instantiate(drvName, attrs, pos);
  } catch (e) {
    if (e instanceof NixError) {
      const where = namePos ? showPos({ src: namePos.src, start: namePos.start }) : '\xc2\xabunknown\xc2\xbb';
      e.addTrace(`while evaluating derivation '${drvName}'\n  whose name attribute is located at ${where}`);
    }
    throw e;
  }
}

export const builtins: Builtin[] = [
  {
    name: 'derivationStrict',
    arity: 1,
    fn: ([arg], pos) => derivationStrict(arg, pos),
  },
];
