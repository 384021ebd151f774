/**
 * evalModules' core (nixpkgs lib/modules.nix evalModules + mergeModules'): collects the
 * modules, then builds the option tree level by level. At each level, declarations are
 * grouped by attribute name: option declarations (`_type = "option"`) become options
 * (options.ts), other attrsets are sub-trees. Definitions are pushed down
 * (pushDownProperties) level by level, lazily: a level groups its definitions by name only
 * when something below it is forced, so `config` is a lazy fixed point (the `config` given
 * to modules is the tree of option values being built here).
 *
 * Definitions naming no declared option are "unmatched"; forcing the returned `config`
 * throws "The option `x' does not exist." for the first one when `_module.check` is true.
 */
import { NixError } from '../eval/errors';
import { AttrPos, Attrs, Lazy, Thunk, Value, force, attrsFrom, typeOf } from '../eval/value';
import { callFunction, callFunction1 } from '../eval/runtime';
import { collectModulesWithGraph, CollectContext, Module } from './collect';
import { Decl, evalOption, isOptionValue } from './options';
import { Def, pushDownProperties } from './properties';
import { forceAttrs, forceList, levenshtein, setPrettyLib, showDefs, showOption, strValue } from './util';

interface CfgMod {
  file: string;
  config: Value;
}

interface Unmatched extends Def {
  prefix: string[];
}

interface Level {
  options: Attrs;
  config: Attrs;
  unmatched: () => Unmatched[];
}

interface TreeContext {
  unspecified: () => Lazy;
  /** Length of the evaluation's prefix (unmatched definitions are relative to it). */
  baseLen: number;
  /** lib.types.submoduleWith, for options that are both a submodule and a parent. */
  submoduleWith: () => Value;
}

function memo<T>(f: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v;
  };
}

function buildLevel(ctx: TreeContext, prefix: string[], decls: Decl[], getConfigs: () => CfgMod[]): Level {
  const declsByName = new Map<string, { file: string; value: Lazy; pos?: AttrPos }[]>();
  for (const d of decls) {
    for (const [name, v] of d.options.map) {
      let list = declsByName.get(name);
      if (!list) declsByName.set(name, (list = []));
      list.push({ file: d.file, value: v, pos: d.options.posOf(name) });
    }
  }
  const defsByName = memo(() => {
    const raw = new Map<string, Def[]>();
    for (const c of getConfigs()) {
      if (!(c.config instanceof Attrs)) {
        const p = showOption(prefix);
        throw new NixError(
          'throw',
          `In module \`${c.file}', you're trying to define a value of type \`${typeOf(c.config)}'\nrather than an attribute set for the option\n\`${p}'!\n\nThis usually happens if \`${p}' has option\ndefinitions inside that are not matched. Please check how to properly define\nthis option by e.g. referring to \`man 5 configuration.nix'!\n`,
        );
      }
      for (const [name, v] of c.config.map) {
        let r = raw.get(name);
        if (!r) raw.set(name, (r = []));
        r.push({ file: c.file, value: v, pos: c.config.posOf(name) });
      }
    }
    // Pushed-down definitions of a sub-tree, computed when that sub-tree is first used.
    const pushedCache = new Map<string, CfgMod[]>();
    const pushed = (name: string): CfgMod[] => {
      let p = pushedCache.get(name);
      if (!p) {
        p = [];
        for (const d of raw.get(name) ?? []) for (const x of pushDownProperties(d.value)) p.push({ file: d.file, config: x });
        pushedCache.set(name, p);
      }
      return p;
    };
    return { pushed, raw };
  });
  const optionsMap = new Map<string, Lazy>();
  const configMap = new Map<string, Lazy>();
  interface Resolved {
    option?: Thunk;
    child?: () => Level;
  }
  // Each name is classified (option or sub-tree) only when used: declarations may depend on config.
  const resolve = (name: string, rawList: { file: string; value: Lazy; pos?: AttrPos }[]): Resolved => {
    const loc = [...prefix, name];
    const list: { file: string; value: Value; pos?: AttrPos }[] = rawList.map((d) => ({ ...d, value: force(d.value) }));
    const badTag = list.find((d) => d.value instanceof Attrs && d.value.has('_type') && !isOptionValue(d.value));
    if (badTag !== undefined) {
      throw declarationTypeError(loc, strValue((badTag.value as Attrs).get('_type')!), badTag.file);
    }
    const opts = list.filter((d) => isOptionValue(d.value));
    if (opts.length > 0) {
      if (opts.length < list.length) {
        const allSubmodules = opts.every((d) => {
          const t = (d.value as Attrs).get('type');
          return t !== undefined && strValue(forceAttrs(t).get('name')!) === 'submodule';
        });
        if (!allSubmodules) {
          const o = opts[0];
          const t = (o.value as Attrs).get('type');
          const descL = t !== undefined ? forceAttrs(t).get('description') : undefined;
          const tname = descL !== undefined ? strValue(descL) : '<no description>';
          const subs = list.filter((d) => !isOptionValue(d.value));
          const lines = subs
            .flatMap((sub) => {
              const names = sub.value instanceof Attrs ? sub.value.keys() : [];
              return names.map((n) => `- option(s) with prefix \`${showOption([...loc, n])}' in module \`${sub.file}'`);
            })
            .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          throw new NixError(
            'throw',
            `The option \`${showOption(loc)}' in module \`${o.file}' would be a parent of the following options, but its type \`${tname}' does not support nested options.\n` +
              lines.join('\n'),
          );
        }
        for (let i = 0; i < list.length; i++) {
          const d = list[i];
          if (isOptionValue(d.value)) continue;
          const sub = d.value;
          const type = new Thunk(
            () =>
              force(
                callFunction1(
                  ctx.submoduleWith(),
                  attrsFrom({ modules: [attrsFrom({ options: sub })], shorthandOnlyDefinesConfig: null }),
                ),
              ),
            undefined,
          );
          const decl = attrsFrom({ _type: 'option', type });
          list[i] = { file: d.file, value: decl, pos: d.pos };
        }
      }
      // Declarations are merged when the option is first used (type conflicts surface there).
      const optDecls = list.map((d) => ({ file: d.file, options: d.value as Attrs, pos: d.pos }));
      const option = new Thunk(
        () => evalOption(loc, optDecls, () => defsByName().raw.get(name) ?? [], ctx.unspecified),
        undefined,
      );
      return { option };
    } else {
      const subDecls: Decl[] = list.map((d) => {
        if (!(d.value instanceof Attrs)) {
          throw new NixError(
            'throw',
            `An option declaration for \`${showOption(loc)}' has type\n\`${typeOf(d.value)}' rather than an attribute set.\nDid you mean to define this outside of \`options'?\n`,
          );
        }
        return { file: d.file, options: d.value };
      });
      const child = memo(() => buildLevel(ctx, loc, subDecls, () => defsByName().pushed(name)));
      return { child };
    }
  };
  const resolved = new Map<string, () => Resolved>();
  for (const [name, list] of declsByName) {
    const r = memo(() => resolve(name, list));
    resolved.set(name, r);
    optionsMap.set(name, new Thunk(() => {
      const x = r();
      return x.option ? x.option.force() : x.child!().options;
    }, undefined));
    configMap.set(name, new Thunk(() => {
      const x = r();
      return x.option ? force((x.option.force() as Attrs).get('value')!) : x.child!().config;
    }, undefined));
  }
  const unmatched = (): Unmatched[] => {
    // By name (as nixpkgs' attrset of unmatched definitions): sub-trees' and this level's.
    const byName = new Map<string, Unmatched[]>();
    for (const [name, defs] of defsByName().raw) {
      if (declsByName.has(name)) continue;
      byName.set(name, defs.map((d) => ({ ...d, prefix: [...prefix, name].slice(ctx.baseLen) })));
    }
    const raw = defsByName().raw;
    if (raw.size === 0) return [];
    for (const [name, r] of resolved) {
      const x = r();
      if (x.child && raw.has(name)) {
        const u = x.child().unmatched();
        if (u.length) byName.set(name, u);
      }
    }
    const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return names.flatMap((n) => byName.get(n)!);
  };
  return { options: new Attrs(optionsMap), config: new Attrs(configMap), unmatched };
}

function escapeNixIdentifier(s: string): string {
  return /^[a-zA-Z_][a-zA-Z0-9_'-]*$/.test(s) ? s : JSON.stringify(s).replace(/\$\{/g, '\\${');
}

/** nixpkgs' throwDeclarationTypeError: a `_type`d value other than an option in `options`. */
function declarationTypeError(loc: string[], tag: string, file: string): NixError {
  const name = escapeNixIdentifier(loc[loc.length - 1]);
  const comment = loc.length > 1 ? `\n    # ${showOption(loc)}` : '';
  const paragraphs = [`In module ${file}: expected an option declaration at option path \`${showOption(loc)}\` but got an attribute set with type ${tag}`];
  if (tag === 'option-type') {
    paragraphs.push(
      'When declaring an option, you must wrap the type in a `mkOption` call. It should look somewhat like:\n' +
        `    ${comment}\n` +
        `    ${name} = lib.mkOption {\n` +
        '      description = ...;\n' +
        `      type = <the type you wrote for ${name}>;\n` +
        '      ...\n' +
        '    };\n',
    );
  }
  return new NixError('throw', paragraphs.join('\n\n'));
}

function freeformTypeOf(config: Attrs): Attrs | null {
  const mod = config.get('_module');
  if (mod === undefined) return null;
  const ft = forceAttrs(mod).get('freeformType');
  if (ft === undefined) return null;
  const v = force(ft);
  return v === null ? null : forceAttrs(v);
}

function setAttrByPath(path: string[], v: Lazy): Lazy {
  let out = v;
  for (let i = path.length - 1; i >= 0; i--) out = attrsFrom({ [path[i]]: out });
  return out;
}

/** lib.recursiveUpdate, lazy in the values: recurses where both sides are attrsets. */
function recursiveUpdate(l: Attrs, r: Attrs): Attrs {
  const m = new Map(l.map);
  for (const [k, rv] of r.map) {
    const lv = l.get(k);
    if (lv === undefined) m.set(k, rv);
    else
      m.set(
        k,
        new Thunk(() => {
          const a = force(lv);
          const b = force(rv);
          return a instanceof Attrs && b instanceof Attrs ? recursiveUpdate(a, b) : b;
        }, undefined),
      );
  }
  return new Attrs(m);
}

const INFINITE_RECURSION_HINT =
  'if you get an infinite recursion here, you probably reference `config` in `imports`. If you are trying to achieve a conditional import behavior dependent on `config`, consider importing unconditionally, and using `mkEnableOption` and `mkIf` to control its effect.';

/** nixpkgs' checkUnmatched message: "does not exist", typo suggestions, declaration hints. */
function unmatchedError(prefix: string[], first: Unmatched, options: Attrs): NixError {
  const optText = showOption([...prefix, ...first.prefix]);
  let defText: string;
  try {
    defText = showDefs([first]);
  } catch (e) {
    if (e instanceof NixError) {
      e.addTrace(`while evaluating a definition from \`${first.file}'`);
      e.addTrace(`while evaluating the error message for definitions for \`${optText}', which is an option that does not exist`);
    }
    throw e;
  }
  const absParent = [...prefix, ...first.prefix.slice(0, -1)];
  const parent = first.prefix.slice(0, -1);
  let node: Value = options;
  for (const p of parent) {
    const next: Lazy | undefined = node instanceof Attrs ? node.get(p) : undefined;
    if (next === undefined) {
      node = Attrs.empty();
      break;
    }
    node = force(next);
  }
  let candidates = node instanceof Attrs ? node.keys() : [];
  if (parent.length === 0) candidates = candidates.filter((n) => n !== '_module');
  const bad = first.prefix[first.prefix.length - 1];
  let scored = candidates.map((n) => ({ n, d: levenshtein(bad, n) }));
  if (candidates.length >= 100) scored = scored.filter((x) => x.d <= 2);
  const suggestions = scored
    .map((x, i) => ({ ...x, i }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, 3)
    .map((x) => '`' + showOption([...absParent, x.n]) + "'");
  let suggestion = '';
  if (suggestions.length === 1) suggestion = `\n\nDid you mean ${suggestions[0]}?`;
  else if (suggestions.length > 1) suggestion = `\n\nDid you mean ${suggestions.slice(0, -1).join(', ')} or ${suggestions[suggestions.length - 1]}?`;
  const baseMsg = `The option \`${optText}' does not exist. Definition values:${defText}${suggestion}`;
  const names = options.keys();
  if (names.length === 1 && names[0] === '_module') {
    const optionName = showOption(prefix);
    if (optionName === '') {
      return new NixError('throw', `${baseMsg}\n\nIt seems as if you're trying to declare an option by placing it into \`config' rather than \`options'!\n`);
    }
    return new NixError(
      'throw',
      `${baseMsg}\n\nHowever there are no options defined in \`${optionName}'. Are you sure you've\ndeclared your options properly? This can happen if you e.g. declared your options in \`types.submodule'\nunder \`config' rather than \`options'.\n`,
    );
  }
  return new NixError('throw', baseMsg);
}

export interface EvalResult {
  options: Lazy;
  config: Lazy;
  /** config including `_module` (what modules receive). */
  internalConfig: Lazy;
}

/**
 * `__nixling.evalModules { lib; modules; specialArgs; prefix; class; }` → { options; config; }
 * (the Nix wrapper in modules/lib/modules.nix adds extendModules, type, _module).
 */
export function evalModulesCore(argsL: Lazy): Value {
  const args = forceAttrs(argsL);
  const lib = args.get('lib')!;
  // `internalModules` (lib's own `_module` declarations) come after the user's modules, as
  // in nixpkgs, so anonymous user modules are numbered from `:anon-1`.
  const modules = [...forceList(args.get('modules')!), ...(args.has('internalModules') ? forceList(args.get('internalModules')!) : [])];
  const specialArgs = args.has('specialArgs') ? forceAttrs(args.get('specialArgs')!) : Attrs.empty();
  const prefix = args.has('prefix') ? forceList(args.get('prefix')!).map((p) => strValue(p)) : [];
  const classL = args.get('class') ?? null;
  const classV = classL === null ? null : force(classL);
  setPrettyLib(lib);

  let level: Level | undefined;
  const getLevel = (): Level => {
    if (!level) throw new NixError('infinite-recursion', 'infinite recursion encountered');
    return level;
  };
  const internalConfig = new Thunk(() => withFreeform(getLevel()), undefined);
  const options = new Thunk(() => getLevel().options, undefined);
  // The `config` modules receive: nixpkgs wraps it in addErrorContext with this hint.
  const configArg = new Thunk(() => {
    try {
      return force(internalConfig);
    } catch (e) {
      if (e instanceof NixError) e.addTrace(INFINITE_RECURSION_HINT);
      throw e;
    }
  }, undefined);
  const baseMap = new Map<string, Lazy>([
    ['lib', lib],
    ['config', configArg],
    ['options', options],
    ['specialArgs', specialArgs],
    ['_class', classL],
    ['_prefix', prefix as Lazy[]],
  ]);
  for (const [k, v] of specialArgs.map) baseMap.set(k, v);
  const mp = specialArgs.get('modulesPath');
  const cctx: CollectContext = {
    baseArgs: new Attrs(baseMap),
    moduleArgs: () => forceAttrs(forceAttrs(forceAttrs(configArg).get('_module')!).get('args')!),
    modulesPath: mp !== undefined ? strValue(mp) : undefined,
    class: classV === null ? undefined : strValue(classV),
    prefix,
  };
  // nixpkgs merges the collected modules in reverse order (definitions and declarations
  // of later modules come first).
  const collectedAll = collectModulesWithGraph(cctx, modules, '<unknown-file>');
  const collected: Module[] = collectedAll.modules.reverse();
  const decls: Decl[] = collected.map((m) => ({ file: m.file, options: forceAttrs(m.options) }));
  const configs = memo(() => {
    const out: CfgMod[] = [];
    for (const m of collected) {
      for (const c of pushDownProperties(m.config)) out.push({ file: m.file, config: c });
      if (m.freeformType !== undefined) {
        out.push({ file: m.file, config: attrsFrom({ _module: attrsFrom({ freeformType: m.freeformType }) }) });
      }
      if (m.meta !== undefined) out.push({ file: m.file, config: attrsFrom({ meta: m.meta }) });
    }
    return out;
  });
  const types = () => forceAttrs(forceAttrs(lib).get('types')!);
  const tctx: TreeContext = {
    unspecified: () => force(types().get('unspecified')!),
    submoduleWith: () => force(types().get('submoduleWith')!),
    baseLen: prefix.length,
  };
  level = buildLevel(tctx, prefix, decls, configs);
  const lv = level;
  function withFreeform(l: Level): Value {
    const ft = freeformTypeOf(l.config);
    if (ft === null) return l.config;
    const defs = l.unmatched().map((d) => attrsFrom({ file: d.file, value: setAttrByPath(d.prefix, d.value) }));
    const merged = forceAttrs(callFunction(force(ft.get('merge')!), [prefix as Lazy[], defs]));
    return recursiveUpdate(merged, l.config);
  }
  const config = new Thunk(() => {
    const internal = forceAttrs(internalConfig);
    const mod = internal.get('_module');
    let check = true;
    if (mod !== undefined) {
      const c = forceAttrs(mod).get('check');
      if (c !== undefined) check = force(c) === true;
    }
    if (check && freeformTypeOf(lv.config) === null) {
      const un = lv.unmatched();
      if (un.length) throw unmatchedError(prefix, un[0], forceAttrs(options));
    }
    const m = new Map(internal.map);
    m.delete('_module');
    return new Attrs(m);
  }, undefined);
  return attrsFrom({ options, config, _internalConfig: internalConfig, graph: collectedAll.graph });
}
