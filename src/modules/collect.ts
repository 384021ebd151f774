/**
 * Module collection (nixpkgs lib/modules.nix collectModules + unifyModuleSyntax +
 * applyModuleArgs).
 *
 * A module is a path (imported; key and file are the path), a function (called with
 * { lib, config, options, specialArgs, _class, _prefix } // specialArgs, and every other
 * formal looked up lazily in config._module.args), or an attrset. Attrsets are either the
 * full form (with `options`/`config`; only _class _file key disabledModules imports options
 * config meta freeformType allowed) or shorthand (everything but the reserved names is
 * config). Anonymous modules get the key "<parent key>:anon-<n>". Imports are followed
 * breadth first, as `genericClosure` does, each key kept once; modules named by
 * disabledModules (path, string relative to modulesPath, or { key }) are dropped with
 * their imports.
 */
import { NixError } from '../eval/errors';
import { AttrPos, Attrs, Lazy, Lambda, NixFloat, NixPath, PrimOp, PrimOpApp, Thunk, Value, compareBytes, force, isInt, isString, strOf } from '../eval/value';
import { callFunction1, coerceToString } from '../eval/runtime';
import { importFile } from '../eval/index';
import { forceAttrs, forceList, showOption, strValue, typeOf } from './util';

export interface Module {
  key: string;
  file: string;
  options: Lazy;
  config: Lazy;
  /** `freeformType` of the full/shorthand form, if any (becomes `_module.freeformType`). */
  freeformType?: Lazy;
  /** `meta` of the full form, if any (becomes config `meta`). */
  meta?: Lazy;
  /** `_class` of the module, if any. */
  class?: string | null;
}

interface Node {
  key: string;
  module: Module;
  disabled: { file: string; item: Lazy }[];
  children: Node[];
  /** Loaded the same in every evaluation (see nodeCache). */
  isStatic: boolean;
  /** Whether a module of this subtree has a `_class`. */
  hasClass: boolean;
  /** Whether a module of this subtree has `disabledModules`. */
  hasDisabled: boolean;
}

export interface CollectContext {
  /** The arguments every module function receives (lib, config, options, …, specialArgs). */
  baseArgs: Attrs;
  /** Lazily: config._module.args. */
  moduleArgs: () => Attrs;
  modulesPath?: string;
  class?: string;
  /** The evaluation's prefix (for messages). */
  prefix: string[];
}

const FULL_ALLOWED = new Set(['_class', '_file', 'key', 'disabledModules', 'imports', 'options', 'config', 'meta', 'freeformType']);
const SHORTHAND_RESERVED = new Set(['_class', '_file', 'key', 'disabledModules', 'require', 'imports', 'freeformType']);

function isCallable(v: Value): boolean {
  return v instanceof Lambda || v instanceof PrimOp || v instanceof PrimOpApp || (v instanceof Attrs && v.has('__functor'));
}

const formalNamesCache = new WeakMap<object, string[]>();
const NO_NAMES: string[] = [];

function formalsOf(f: Value): string[] {
  if (f instanceof Lambda) {
    const formals = f.info.formals;
    if (!formals) return NO_NAMES;
    let names = formalNamesCache.get(f.info);
    if (names === undefined) {
      names = [...formals.keys()];
      formalNamesCache.set(f.info, names);
    }
    return names;
  }
  if (f instanceof Attrs && f.has('__functionArgs')) return forceAttrs(f.get('__functionArgs')!).keys();
  return NO_NAMES;
}

/** A module argument not given to every module: looked up in config._module.args. */
function moduleArg(ctx: CollectContext, n: string, key: string): Value {
  try {
    try {
      const a = ctx.moduleArgs();
      const v = a.get(n);
      if (v === undefined) throw new NixError('missing-attribute', `attribute '${n}' missing`);
      return force(v);
    } catch (e) {
      if (e instanceof NixError) {
        e.addTrace(`noting that argument \`${n}\` is not externally provided, so querying \`_module.args\` instead, requiring \`config\``);
      }
      throw e;
    }
  } catch (e) {
    if (e instanceof NixError) e.addTrace(`while evaluating the module argument \`${n}' in "${key}":`);
    throw e;
  }
}

function applyModuleArgs(ctx: CollectContext, f: Value, key: string): Value {
  const names = formalsOf(f);
  let args = ctx.baseArgs;
  let extra: string[] | undefined;
  for (const n of names) {
    if (!ctx.baseArgs.has(n)) (extra ??= []).push(n);
  }
  if (extra !== undefined) {
    extra.sort(compareBytes);
    const vals = extra.map((n) => new Thunk(() => moduleArg(ctx, n, key), undefined) as Lazy);
    args = ctx.baseArgs.update(Attrs.fromSorted(extra, vals));
  }
  return force(callFunction1(f, args));
}

function unify(file: string, key: string, m: Attrs): Module {
  const fileOf = m.get('_file');
  const file2 = fileOf !== undefined ? strValue(fileOf) : file;
  const clsL = m.get('_class');
  const clsV = clsL === undefined ? null : force(clsL);
  const cls = clsV === null ? null : strValue(clsV);
  const freeformType = m.get('freeformType');
  if (m.has('config') || m.has('options')) {
    const ks = m.keys();
    let bad: string[] | undefined;
    for (const k of ks) if (!FULL_ALLOWED.has(k)) (bad ??= []).push(k);
    if (bad !== undefined) {
      throw new NixError(
        'throw',
        `Module \`${key}' has an unsupported attribute \`${bad[0]}'. This is caused by introducing a top-level \`config' or \`options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${bad.join(' ')}) into the explicit \`config' attribute.`,
      );
    }
    return { key, file: file2, options: m.get('options') ?? Attrs.empty(), config: m.get('config') ?? Attrs.empty(), freeformType, meta: m.get('meta'), class: cls };
  }
  // Shorthand: everything but the reserved names is config.
  const ks = m.keys();
  let reserved = 0;
  for (const k of ks) if (SHORTHAND_RESERVED.has(k)) reserved++;
  let config: Attrs = m;
  if (reserved > 0) {
    const vs = m.values();
    const ps = m.positions();
    const nk: string[] = [];
    const nv: Lazy[] = [];
    const np: (AttrPos | undefined)[] | undefined = ps === undefined ? undefined : [];
    for (let i = 0; i < ks.length; i++) {
      if (SHORTHAND_RESERVED.has(ks[i])) continue;
      nk.push(ks[i]);
      nv.push(vs[i]);
      if (np !== undefined) np.push(ps![i]);
    }
    config = Attrs.fromSorted(nk, nv, np);
  }
  return { key, file: file2, options: Attrs.empty(), config, freeformType, class: cls };
}

const NO_LAZY: Lazy[] = [];
const NO_NODES: Node[] = [];
const NO_DISABLED: { file: string; item: Lazy }[] = [];

function classError(ctx: CollectContext, mod: Module): NixError {
  const q = (x: string) => JSON.stringify(x).replace(/\$\{/g, '\\${');
  return new NixError(
    'throw',
    `The module \`${mod.file}\` (class: ${q(mod.class!)}) cannot be imported into a module evaluation that expects class ${q(ctx.class!)}.\n\n` +
      'Help:\n' +
      '- Ensure that you are importing the correct module.\n' +
      `- Verify that the module's \`_class\`, ${q(mod.class!)} matches the expected \`class\` ${q(ctx.class!)}.\n` +
      '- If you are using a custom class, make sure it is correctly defined and used consistently across your modules.\n',
  );
}

/**
 * Modules that are plain attrsets (not functions), with only such imports, load the same way
 * in every evaluation (the same key, file, options and config): their nodes are kept and
 * reused. Only the class check depends on the evaluation; it is repeated, in the same order.
 * Two places are worth keeping: files (importFile gives the same value every time), per value
 * and place (parent file and anonymous key), and the modules an evaluation shares with the one
 * it extends (extendModules, e.g. every instance of a submodule type), per shared list. Other
 * attrsets are mostly made anew for each evaluation; remembering them would only cost.
 */
const nodeCache = new WeakMap<object, { parentFile: string; anonKey: string; node: Node }>();
const sharedCache = new WeakMap<Lazy[], { rootFile: string; nodes: (Node | undefined)[] }>();

function checkClasses(ctx: CollectContext, n: Node): void {
  if (ctx.class == null || !n.hasClass) return;
  if (n.module.class != null && n.module.class !== ctx.class) throw classError(ctx, n.module);
  for (const c of n.children) checkClasses(ctx, c);
}

function loadNode(ctx: CollectContext, m: Lazy, parentFile: string, anonKey: string): Node {
  let v = force(m);
  let file = parentFile;
  let key = anonKey;
  let fromFile = false;
  if (v instanceof NixPath || isString(v)) {
    fromFile = true;
    const p = v instanceof NixPath ? v.path : strOf(v);
    file = p;
    key = p;
    v = importFile(p);
  }
  let isStatic = false;
  if (v instanceof Attrs && !v.has('__functor')) {
    const c = fromFile ? nodeCache.get(v) : undefined;
    if (c !== undefined && c.parentFile === parentFile && c.anonKey === anonKey) {
      checkClasses(ctx, c.node);
      return c.node;
    }
    isStatic = true;
  }
  const cacheKey = v;
  if (isCallable(v)) {
    v = applyModuleArgs(ctx, v, key);
    if (!(v instanceof Attrs)) throw new NixError('throw', `module ${file} (${key}) does not look like a module.`);
  }
  if (!(v instanceof Attrs)) {
    throw new NixError('throw', `Module \`${key}' is of type ${typeOf(v)}, expected an attribute set or a function`);
  }
  const t = v.get('_type');
  if (t !== undefined) {
    const tv = strValue(t);
    if (tv === 'if' || tv === 'override') {
      // A whole module under mkIf/mkOverride defines config only.
      v = new Attrs(new Map<string, Lazy>([['config', v]]));
    } else if (tv !== 'module') {
      const into = parentFile !== '<unknown-file>' ? `, while trying to load a module into ${parentFile}` : '';
      const pre = ctx.prefix.length ? `, while trying to load a module into ${showOption(ctx.prefix)}` : '';
      let msg =
        `Expected a module, but found a value of type ${JSON.stringify(tv)}${into}${pre}.\n` +
        'A module is typically loaded by adding it to the `imports = [ ... ];` attribute of an existing module, or in the `modules = [ ... ];` argument of various functions.\n' +
        'Please make sure that each of the list items is a module, and not a different kind of value.';
      if (tv === 'configuration') {
        msg +=
          '\n\nIf you really mean to import this configuration, instead please only import the modules that make up the configuration.\n' +
          'You may have to create a `let` binding, file or attribute to give yourself access to the relevant modules.\n' +
          'While loading a configuration into the module system is a very sensible idea, it can not be done cleanly in practice.';
      }
      throw new NixError('throw', msg);
    }
  }
  const k = v.get('key');
  if (k !== undefined) key = strValue(k);
  const mod = unify(file, key, v);
  if (ctx.class != null && mod.class != null && mod.class !== ctx.class) throw classError(ctx, mod);
  const disabledL = v.get('disabledModules');
  const disabled = disabledL === undefined ? NO_LAZY : forceList(disabledL);
  const importsL = v.get('imports');
  const imports = importsL === undefined ? NO_LAZY : forceList(importsL);
  const children = imports.length === 0 ? NO_NODES : imports.map((im, i) => loadNode(ctx, im, mod.file, `${key}:anon-${i + 1}`));
  let hasClass = mod.class != null;
  let hasDisabled = disabled.length > 0;
  for (const c of children) {
    if (!c.isStatic) isStatic = false;
    if (c.hasClass) hasClass = true;
    if (c.hasDisabled) hasDisabled = true;
  }
  const node: Node = {
    key,
    module: mod,
    disabled: disabled.length === 0 ? NO_DISABLED : disabled.map((d) => ({ file: mod.file, item: d })),
    children,
    isStatic,
    hasClass,
    hasDisabled,
  };
  if (isStatic && fromFile) nodeCache.set(cacheKey as Attrs, { parentFile, anonKey, node });
  return node;
}

/** isConvertibleWithToString (lib/strings.nix): string-like values, null, ints, floats, bools, lists of such. */
function convertibleWithToString(v: Value): boolean {
  if (isString(v) || v instanceof NixPath || v === null || typeof v === 'boolean' || isInt(v) || v instanceof NixFloat) return true;
  if (v instanceof Attrs) return v.has('__toString') || v.has('outPath');
  if (Array.isArray(v)) return v.every((x) => convertibleWithToString(force(x)));
  return false;
}

function toStr(v: Value): string {
  const s = coerceToString(v, { coerceMore: true, copyToStore: false });
  return typeof s === 'string' ? s : s.s;
}

function disabledKey(ctx: CollectContext, file: string, d: Lazy): string {
  const v = force(d);
  if (isString(v)) {
    const s = strOf(v);
    if (s.startsWith('/')) return s;
    return (ctx.modulesPath ?? '') + '/' + s;
  }
  if (convertibleWithToString(v)) {
    const s = toStr(v);
    if (v instanceof Attrs && v.has('key')) {
      const k = strValue(v.get('key')!);
      if (k !== s) {
        throw new NixError(
          'throw',
          `Module \`${file}\` contains a disabledModules item that is an attribute set that can be converted to a string (${s}) but also has a \`.key\` attribute (${k}) with a different value. This makes it ambiguous which module should be disabled.`,
        );
      }
    }
    return s;
  }
  if (v instanceof Attrs && v.has('key')) return strValue(v.get('key')!);
  if (v instanceof Attrs) {
    throw new NixError(
      'throw',
      `Module \`${file}\` contains a disabledModules item that is an attribute set, presumably a module, that does not have a \`key\` attribute. This means that the module system doesn't have any means to identify the module that should be disabled. Make sure that you've put the correct value in disabledModules: a string path relative to modulesPath, a path value, or an attribute set with a \`key\` attribute.`,
    );
  }
  throw new NixError(
    'throw',
    `Each disabledModules item must be a path, string, or a attribute set with a key attribute, or a value supported by toString. However, one of the disabledModules items in \`${file}\` is none of that, but is of type ${typeOf(v)}.`,
  );
}

/** nixpkgs' `graph` of the top-level modules `nodes` (lib's internal ones left out). */
function graphOf(nodes: Node[], disabled: Set<string> | undefined): Value {
  const toGraph = (n: Node): Value =>
    new Attrs(
      new Map<string, Lazy>([
        ['disabled', disabled !== undefined && disabled.has(n.key)],
        ['file', n.module.file],
        ['imports', new Thunk(() => n.children.map(toGraph), undefined)],
        ['key', n.key],
      ]),
    );
  return nodes.filter((n) => !isInternalKey(n.key)).map(toGraph);
}

/** `:anon-<i + 1>`, the keys of anonymous top-level modules. */
const rootKeys: string[] = [];
function rootKey(i: number): string {
  return rootKeys[i] ?? (rootKeys[i] = `:anon-${i + 1}`);
}

/** Collects the modules of an evaluation, in the order nixpkgs' collectModules gives. */
export function collectModules(ctx: CollectContext, roots: Lazy[], rootFile: string): Module[] {
  return collectModulesWithGraph(ctx, roots, rootFile).modules;
}

const isInternalKey = (k: string) => k === 'lib/modules.nix' || k.startsWith('nixling-lib-modules');

/**
 * collectModules plus nixpkgs' `graph`: per top-level module (lib's internal ones left out)
 * `{ key; file; imports = [ …same for each import… ]; disabled; }`, computed when forced.
 */
export function collectModulesWithGraph(
  ctx: CollectContext,
  roots: Lazy[],
  rootFile: string,
  shared?: Lazy[],
): { modules: Module[]; graph: Lazy } {
  let nodes: Node[];
  if (shared === undefined || shared.length === 0) nodes = roots.map((m, i) => loadNode(ctx, m, rootFile, rootKey(i)));
  else {
    // The first roots are `shared` (see sharedCache).
    let c = sharedCache.get(shared);
    if (c === undefined || c.rootFile !== rootFile) {
      c = { rootFile, nodes: new Array(shared.length) };
      sharedCache.set(shared, c);
    }
    const cached = c.nodes;
    nodes = new Array(roots.length);
    for (let i = 0; i < roots.length; i++) {
      const hit = i < cached.length && roots[i] === shared[i] ? cached[i] : undefined;
      if (hit !== undefined) {
        checkClasses(ctx, hit);
        nodes[i] = hit;
        continue;
      }
      const n = loadNode(ctx, roots[i], rootFile, rootKey(i));
      if (i < cached.length && roots[i] === shared[i] && n.isStatic) cached[i] = n;
      nodes[i] = n;
    }
  }
  let disabled: Set<string> | undefined;
  const walk = (n: Node) => {
    if (!n.hasDisabled) return;
    for (const d of n.disabled) (disabled ??= new Set()).add(disabledKey(ctx, d.file, d.item));
    for (const c of n.children) walk(c);
  };
  for (const n of nodes) walk(n);
  const out: Module[] = [];
  // Breadth first, each key once (genericClosure).
  const queue: Node[] = [];
  for (const n of nodes) if (disabled === undefined || !disabled.has(n.key)) queue.push(n);
  const seen = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i];
    if (seen.has(n.key)) continue;
    seen.add(n.key);
    out.push(n.module);
    for (const c of n.children) if (disabled === undefined || !disabled.has(c.key)) queue.push(c);
  }
  const graph = new Thunk(graphOf, nodes, disabled);
  return { modules: out, graph };
}
