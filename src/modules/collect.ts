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
import { Attrs, Lazy, Lambda, NixPath, PrimOp, PrimOpApp, Thunk, Value, force, isString, strOf } from '../eval/value';
import { callFunction1 } from '../eval/runtime';
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
}

interface Node {
  key: string;
  module: Module;
  disabled: Lazy[];
  children: Node[];
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

function formalsOf(f: Value): string[] {
  if (f instanceof Lambda) return f.info.formals ? [...f.info.formals.keys()] : [];
  if (f instanceof Attrs && f.has('__functionArgs')) return forceAttrs(f.get('__functionArgs')!).keys();
  return [];
}

function applyModuleArgs(ctx: CollectContext, f: Value, key: string): Value {
  const names = formalsOf(f);
  let args = ctx.baseArgs;
  const extra = names.filter((n) => !ctx.baseArgs.has(n));
  if (extra.length) {
    const m = new Map(ctx.baseArgs.map);
    for (const n of extra) {
      m.set(
        n,
        new Thunk(() => {
          const a = ctx.moduleArgs();
          const v = a.get(n);
          if (v === undefined) {
            const e = new NixError('missing-attribute', `attribute '${n}' missing`);
            e.addTrace(`while evaluating the module argument \`${n}' in "${key}":`);
            throw e;
          }
          return force(v);
        }, undefined),
      );
    }
    args = new Attrs(m);
  }
  return force(callFunction1(f, args));
}

function unify(file: string, key: string, m: Attrs): Module {
  const fileOf = m.get('_file');
  const file2 = fileOf !== undefined ? strValue(fileOf) : file;
  const freeformType = m.get('freeformType');
  if (m.has('config') || m.has('options')) {
    const bad = m.keys().filter((k) => !FULL_ALLOWED.has(k));
    if (bad.length) {
      throw new NixError(
        'throw',
        `Module \`${key}' has an unsupported attribute \`${bad[0]}'. This is caused by introducing a top-level \`config' or \`options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${bad.join(' ')}) into the explicit \`config' attribute.`,
      );
    }
    return { key, file: file2, options: m.get('options') ?? Attrs.empty(), config: m.get('config') ?? Attrs.empty(), freeformType, meta: m.get('meta') };
  }
  const cfg = new Map<string, Lazy>();
  for (const [k, v] of m.map) if (!SHORTHAND_RESERVED.has(k)) cfg.set(k, v);
  return { key, file: file2, options: Attrs.empty(), config: new Attrs(cfg, m.pos), freeformType };
}

function loadNode(ctx: CollectContext, m: Lazy, parentFile: string, anonKey: string): Node {
  let v = force(m);
  let file = parentFile;
  let key = anonKey;
  if (v instanceof NixPath || isString(v)) {
    const p = v instanceof NixPath ? v.path : strOf(v);
    file = p;
    key = p;
    v = importFile(p);
  }
  if (isCallable(v)) v = applyModuleArgs(ctx, v, key);
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
  const disabled = v.has('disabledModules') ? forceList(v.get('disabledModules')!) : [];
  const imports = v.has('imports') ? forceList(v.get('imports')!) : [];
  const children = imports.map((im, i) => loadNode(ctx, im, mod.file, `${key}:anon-${i + 1}`));
  return { key, module: mod, disabled, children };
}

function disabledKey(ctx: CollectContext, d: Lazy): string {
  const v = force(d);
  if (v instanceof NixPath) return v.path;
  if (isString(v)) {
    const s = strOf(v);
    if (s.startsWith('/')) return s;
    return (ctx.modulesPath ?? '') + '/' + s;
  }
  if (v instanceof Attrs && v.has('key')) return strValue(v.get('key')!);
  throw new NixError('throw', `Each disabledModules item must be a path, string, or a attribute set with a key attribute, or a value supported by toString. However, one of the disabledModules items is of type ${typeOf(v)}.`);
}

/** Collects the modules of an evaluation, in the order nixpkgs' collectModules gives. */
export function collectModules(ctx: CollectContext, roots: Lazy[], rootFile: string): Module[] {
  const nodes = roots.map((m, i) => loadNode(ctx, m, rootFile, `:anon-${i + 1}`));
  const disabled = new Set<string>();
  const walk = (n: Node) => {
    for (const d of n.disabled) disabled.add(disabledKey(ctx, d));
    n.children.forEach(walk);
  };
  nodes.forEach(walk);
  const out: Module[] = [];
  const seen = new Set<string>();
  const queue: Node[] = nodes.filter((n) => !disabled.has(n.key));
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i];
    if (seen.has(n.key)) continue;
    seen.add(n.key);
    out.push(n.module);
    for (const c of n.children) if (!disabled.has(c.key)) queue.push(c);
  }
  return out;
}
