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
import { indexOfSorted, unionSorted } from '../eval/sorted-names';
import { AttrPos, Attrs, Lazy, Thunk, Value, compareBytes, force, attrsFrom, typeOf } from '../eval/value';
import { callFunction, callFunction1 } from '../eval/runtime';
import { collectModulesWithGraph, CollectContext, Module } from './collect';
import { Decl, DefsSource, OptionContext, OptionNode, isOptionValue } from './options';
import { Def, pushDownProperties } from './properties';
import { appendName, forceAttrs, forceList, levenshtein, setPrettyLib, showDefs, showOption, strValue } from './util';

interface CfgMod {
  file: string;
  config: Value;
}

interface Unmatched extends Def {
  prefix: string[];
}

interface TreeContext extends OptionContext {
  /** Length of the evaluation's prefix (unmatched definitions are relative to it). */
  baseLen: number;
  /** lib.types.submoduleWith, for options that are both a submodule and a parent. */
  submoduleWith(): Value;
}

interface DeclRef {
  file: string;
  value: Lazy;
  pos: AttrPos | undefined;
}

/** A declared name that is a sub-tree of options: its declarations, and its level once made. */
class SubTree {
  child: Level | undefined = undefined;
  constructor(readonly subDecls: Decl[]) {}
}

/** What a declared name turned out to be: an option, or a sub-tree of options. */
type Resolved = OptionNode | SubTree;

/**
 * The names without one of them, per names array: the configs of a submodule type's
 * instances share their level's names, and keep sharing them without `_module` (so that
 * attribute selections on them hit their inline caches).
 */
const namesWithout = new WeakMap<string[], { name: string; idx: number; names: string[] }>();

/** `a` without attribute `name` (array form). */
function withoutAttr(a: Attrs, name: string): Attrs {
  const ks = a.keys();
  let w = namesWithout.get(ks);
  if (w === undefined || w.name !== name) {
    let idx = -1;
    for (let i = 0; i < ks.length; i++) {
      if (ks[i] === name) {
        idx = i;
        break;
      }
    }
    w = { name, idx, names: idx < 0 ? ks : ks.filter((_, i) => i !== idx) };
    namesWithout.set(ks, w);
  }
  const idx = w.idx;
  if (idx < 0) return a;
  const vs = a.values();
  const nv = new Array<Lazy>(ks.length - 1);
  for (let i = 0, j = 0; i < ks.length; i++) {
    if (i === idx) continue;
    nv[j++] = vs[i];
  }
  return Attrs.fromSorted(w.names, nv);
}

const EMPTY_NAMES: string[] = [];
const NO_DEFS: Def[] = [];

/** Which declarations declare each name of a level (the same for the same declarations' names). */
interface Layout {
  /** The key arrays of the declarations (that declare something), in order. */
  kss: string[][];
  names: string[];
  /** Per name: (declaration index, key index) pairs. */
  refs: number[][];
}

/**
 * Layouts by their declarations' key arrays: sets made by the same literal share their key
 * array, so the levels of a submodule type's instances (and of static modules) find the
 * union of their names here instead of merging them again.
 */
const layoutCache = new WeakMap<string[], Layout[]>();

function layoutOf(kss: string[][]): Layout {
  // Keyed by the last declaration's names: in a submodule, those of the type's own module
  // (the first are lib's internal `_module` ones, the same everywhere).
  const last = kss[kss.length - 1];
  let list = layoutCache.get(last);
  if (list !== undefined) {
    outer: for (const l of list) {
      if (l.kss.length !== kss.length) continue;
      for (let i = 0; i < kss.length - 1; i++) if (l.kss[i] !== kss[i]) continue outer;
      return l;
    }
  } else {
    list = [];
    layoutCache.set(last, list);
  }
  let names = kss[0];
  for (let d = 1; d < kss.length; d++) names = unionSorted(names, kss[d]);
  const refs: number[][] = new Array(names.length);
  for (let i = 0; i < names.length; i++) refs[i] = [];
  for (let d = 0; d < kss.length; d++) {
    const ks = kss[d];
    for (let k = 0; k < ks.length; k++) refs[indexOfSorted(names, ks[k])].push(d, k);
  }
  const layout: Layout = { kss: kss.slice(), names, refs };
  if (list.length >= 16) list.shift();
  list.push(layout);
  return layout;
}

/** Forces the option of the name at index `i` of a level (a thunk of `options`). */
function levelOption(l: Level, i: number): Value {
  const x = l.resolve(i);
  return x instanceof OptionNode ? x.attrs() : l.child(i, x).options;
}

/** Forces the value of the name at index `i` of a level (a thunk of `config`). */
function levelConfig(l: Level, i: number): Value {
  const x = l.resolve(i);
  // An option's value is this thunk (see optionNode).
  return x instanceof OptionNode ? x.computeValue() : l.child(i, x).config;
}

/**
 * One level of the option tree. Declarations are grouped by attribute name when the level
 * is made; each name is classified (option or sub-tree) only when used, since declarations
 * may depend on config. Definitions are grouped by name when first needed.
 */
class Level implements DefsSource {
  /** Declared names, sorted; `options` and `config` are array-form sets over them. */
  readonly names: string[];
  /** The declarations declaring something, and their names' values and positions. */
  private readonly used: Decl[];
  private readonly vals: Lazy[][];
  private readonly poss: ((AttrPos | undefined)[] | undefined)[];
  /** Per name, (declaration, key) index pairs (undefined: one declaration, same indexes). */
  private readonly refs: number[][] | undefined;
  private readonly resolved: (Resolved | undefined)[];
  private optionsV: Attrs | undefined = undefined;
  readonly config: Attrs;
  private readonly configVals: Thunk[];
  /** Definitions by declared name index, and of undeclared names (see groupDefs). */
  private byIndex: (Def[] | undefined)[] | undefined = undefined;
  private otherDefs: Map<string, Def[]> | undefined = undefined;
  private anyDefs = false;
  private unmatchedV: Unmatched[] | undefined = undefined;
  private configs: CfgMod[] | undefined = undefined;

  constructor(
    private readonly ctx: TreeContext,
    private readonly prefix: string[],
    decls: Decl[],
    /** The definitions of this level (dropped once grouped by name, see groupDefs). */
    private getConfigs: (() => CfgMod[]) | undefined,
  ) {
    // The declared names: the union of the declarations' (sorted) names.
    const used: Decl[] = [];
    for (const d of decls) if (d.options.size > 0) used.push(d);
    const m = used.length;
    const kss = new Array<string[]>(m);
    const vals = new Array<Lazy[]>(m);
    const poss = new Array<(AttrPos | undefined)[] | undefined>(m);
    for (let d = 0; d < m; d++) {
      const opts = used[d].options;
      kss[d] = opts.keys();
      vals[d] = opts.values();
      poss[d] = opts.positions();
    }
    const layout = m === 0 ? undefined : m === 1 ? undefined : layoutOf(kss);
    const names = m === 0 ? EMPTY_NAMES : m === 1 ? kss[0] : layout!.names;
    const n = names.length;
    this.used = used;
    this.refs = layout === undefined ? undefined : layout.refs;
    this.vals = vals;
    this.poss = poss;
    const configVals = new Array<Thunk>(n);
    for (let i = 0; i < n; i++) configVals[i] = new Thunk(levelConfig, this, i);
    this.names = names;
    this.resolved = new Array(n);
    this.configVals = configVals;
    this.config = Attrs.fromSorted(names, configVals);
  }

  /** The options of this level (made when first asked for: most levels are only read through config). */
  get options(): Attrs {
    if (this.optionsV === undefined) {
      const n = this.names.length;
      const optionVals = new Array<Lazy>(n);
      for (let i = 0; i < n; i++) optionVals[i] = new Thunk(levelOption, this, i);
      this.optionsV = Attrs.fromSorted(this.names, optionVals);
    }
    return this.optionsV;
  }

  /**
   * Groups the definitions of this level by name (once): those of declared names by the
   * name's index, the others (unmatched) by name.
   */
  private groupDefs(): void {
    if (this.byIndex !== undefined) return;
    // The configs are asked for once: kept until grouped (a retry after an error below
    // must see them again), then dropped with the function.
    const cfgs = this.configs ?? (this.configs = this.getConfigs!());
    this.getConfigs = undefined;
    const names = this.names;
    const byIndex = new Array<Def[] | undefined>(names.length);
    let other: Map<string, Def[]> | undefined;
    let any = false;
    for (const c of cfgs) {
      if (!(c.config instanceof Attrs)) {
        const p = showOption(this.prefix);
        throw new NixError(
          'throw',
          `In module \`${c.file}', you're trying to define a value of type \`${typeOf(c.config)}'\nrather than an attribute set for the option\n\`${p}'!\n\nThis usually happens if \`${p}' has option\ndefinitions inside that are not matched. Please check how to properly define\nthis option by e.g. referring to \`man 5 configuration.nix'!\n`,
        );
      }
      const file = c.file;
      const ks = c.config.keys();
      if (ks.length === 0) continue;
      const vs = c.config.values();
      const ps = c.config.positions();
      any = true;
      for (let k = 0; k < ks.length; k++) {
        const def: Def = { file, value: vs[k], pos: ps === undefined ? undefined : ps[k] };
        const i = ks === names ? k : indexOfSorted(names, ks[k]);
        if (i >= 0) {
          const r = byIndex[i];
          if (r === undefined) byIndex[i] = [def];
          else r.push(def);
        } else {
          const r = (other ??= new Map()).get(ks[k]);
          if (r === undefined) other.set(ks[k], [def]);
          else r.push(def);
        }
      }
    }
    this.byIndex = byIndex;
    this.otherDefs = other;
    this.anyDefs = any;
    this.configs = undefined;
  }

  /** The (raw) definitions of the declared name at index `i` (undefined: none). */
  defsAt(i: number): Def[] | undefined {
    this.groupDefs();
    return this.byIndex![i];
  }

  /** Pushed-down definitions of a sub-tree (asked for once, by the sub-tree's groupDefs). */
  private pushed(i: number): CfgMod[] {
    const p: CfgMod[] = [];
    const defs = this.defsAt(i);
    if (defs !== undefined) for (const d of defs) pushConfig(d.file, d.value, p);
    return p;
  }

  resolve(i: number): Resolved {
    let r = this.resolved[i];
    if (r === undefined) {
      r = this.resolveSingle(i) ?? this.resolveName(i, this.declRefs(i));
      this.resolved[i] = r;
    }
    return r;
  }

  /** The common cases of resolveName: one declaration, an option or a sub-tree (undefined otherwise). */
  private resolveSingle(i: number): Resolved | undefined {
    const refs = this.refs;
    let d = 0;
    let k = i;
    if (refs !== undefined) {
      const r = refs[i];
      if (r.length !== 2) return undefined;
      d = r[0];
      k = r[1];
    }
    const v = force(this.vals[d][k]);
    if (!(v instanceof Attrs)) return undefined;
    // A set of options (a sub-tree), declared once.
    if (!v.has('_type')) return new SubTree([{ file: this.used[d].file, options: v }]);
    if (!isOptionValue(v)) return undefined;
    const ps = this.poss[d];
    const decl: Decl = { file: this.used[d].file, options: v, pos: ps === undefined ? undefined : ps[k] };
    return this.optionNode(i, [decl]);
  }

  child(i: number, x: SubTree): Level {
    if (x.child === undefined) {
      const name = this.names[i];
      x.child = new Level(this.ctx, appendName(this.prefix, name), x.subDecls, () => this.pushed(i));
    }
    return x.child;
  }

  defsOf(name: string): Def[] {
    const i = indexOfSorted(this.names, name);
    return (i >= 0 ? this.defsAt(i) : this.otherDefs?.get(name)) ?? NO_DEFS;
  }

  /** The option of name `i`; its value is the thunk of the name in `config`. */
  private optionNode(i: number, optDecls: Decl[]): OptionNode {
    return new OptionNode(this.prefix, this.names[i], optDecls, this, this.ctx, this.configVals[i]);
  }

  private resolveName(at: number, rawList: DeclRef[]): Resolved {
    const name = this.names[at];
    const prefix = this.prefix;
    // The common case: one declaration, an option.
    if (rawList.length === 1) {
      const d = rawList[0];
      const v = force(d.value);
      if (v instanceof Attrs && v.has('_type') && isOptionValue(v)) {
        return this.optionNode(at, [{ file: d.file, options: v, pos: d.pos }]);
      }
    }
    const loc = appendName(prefix, name);
    const list: { file: string; value: Value; pos?: AttrPos }[] = rawList.map((d) => ({ file: d.file, value: force(d.value), pos: d.pos }));
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
        const ctx = this.ctx;
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
      return this.optionNode(at, optDecls);
    }
    const subDecls: Decl[] = list.map((d) => {
      if (!(d.value instanceof Attrs)) {
        throw new NixError(
          'throw',
          `An option declaration for \`${showOption(loc)}' has type\n\`${typeOf(d.value)}' rather than an attribute set.\nDid you mean to define this outside of \`options'?\n`,
        );
      }
      return { file: d.file, options: d.value };
    });
    return new SubTree(subDecls);
  }

  /** Whether name `i` is an option (classifying it, without making its option node). */
  private isOption(i: number): boolean {
    const r = this.resolved[i];
    if (r !== undefined) return r instanceof OptionNode;
    const refs = this.refs;
    if (refs === undefined || refs[i].length === 2) {
      const v = force(refs === undefined ? this.vals[0][i] : this.vals[refs[i][0]][refs[i][1]]);
      if (v instanceof Attrs && v.has('_type') && isOptionValue(v)) return true;
    }
    return this.resolve(i) instanceof OptionNode;
  }

  /** The declarations of name `i`, in module order. */
  private declRefs(i: number): DeclRef[] {
    const refs = this.refs;
    if (refs === undefined) {
      const ps = this.poss[0];
      return [{ file: this.used[0].file, value: this.vals[0][i], pos: ps === undefined ? undefined : ps[i] }];
    }
    const r = refs[i];
    const out = new Array<DeclRef>(r.length >> 1);
    for (let j = 0; j < r.length; j += 2) {
      const d = r[j];
      const k = r[j + 1];
      const ps = this.poss[d];
      out[j >> 1] = { file: this.used[d].file, value: this.vals[d][k], pos: ps === undefined ? undefined : ps[k] };
    }
    return out;
  }

  /** Definitions naming no declared option, by name (as nixpkgs' unmatched definitions). */
  unmatched(): Unmatched[] {
    if (this.unmatchedV !== undefined) return this.unmatchedV;
    this.groupDefs();
    const byIndex = this.byIndex!;
    let result = NO_UNMATCHED;
    let byName: Map<string, Unmatched[]> | undefined;
    const other = this.otherDefs;
    if (other !== undefined) {
      const prefix = this.prefix;
      const baseLen = this.ctx.baseLen;
      other.forEach((defs, name) => {
        const p = [...prefix, name].slice(baseLen);
        (byName ??= new Map()).set(
          name,
          defs.map((d) => ({ ...d, prefix: p })),
        );
      });
    }
    if (this.anyDefs) {
      // Classifying every declared name forces its declarations, as in nixpkgs.
      const names = this.names;
      for (let i = 0; i < names.length; i++) {
        if (this.isOption(i)) continue;
        if (byIndex[i] !== undefined) {
          const u = this.child(i, this.resolve(i) as SubTree).unmatched();
          if (u.length) (byName ??= new Map()).set(names[i], u);
        }
      }
    }
    if (byName !== undefined) {
      const m = byName;
      result = [...m.keys()].sort(compareBytes).flatMap((n) => m.get(n)!);
    }
    this.unmatchedV = result;
    return result;
  }
}

const NO_UNMATCHED: Unmatched[] = [];

/** Appends the pushed-down forms of a module's config (mostly just the config itself). */
function pushConfig(file: string, cfg: Lazy, out: CfgMod[]): void {
  const v = force(cfg);
  if (!(v instanceof Attrs) || !v.has('_type')) out.push({ file, config: v });
  else for (const x of pushDownProperties(v)) out.push({ file, config: x });
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

const NO_MODULES: Module[] = [];
const BASE_ARG_NAMES = ['_class', '_prefix', 'config', 'lib', 'options', 'specialArgs'];
const RESULT_NAMES = ['_internalConfig', 'config', 'graph', 'options'];

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
/** One evaluation (evalModules call): its arguments, modules and option tree. */
class Evaluation implements TreeContext, CollectContext {
  readonly lib: Lazy;
  readonly prefix: string[];
  readonly baseLen: number;
  readonly baseArgs: Attrs;
  readonly modulesPath: string | undefined;
  readonly class: string | undefined;
  readonly internalConfig: Thunk;
  readonly options: Thunk;
  readonly configArg: Thunk;
  readonly config: Thunk;
  level: Level | undefined = undefined;
  collected: Module[] = [];

  constructor(args: Attrs) {
    const lib = args.get('lib')!;
    const specialArgsL = args.get('specialArgs');
    const specialArgs = specialArgsL !== undefined ? forceAttrs(specialArgsL) : Attrs.empty();
    const prefixL = args.get('prefix');
    const prefix = prefixL !== undefined ? forceList(prefixL).map((p) => strValue(p)) : [];
    const classL = args.get('class') ?? null;
    const classV = classL === null ? null : force(classL);
    setPrettyLib(lib);
    this.lib = lib;
    this.prefix = prefix;
    this.baseLen = prefix.length;
    this.internalConfig = new Thunk(internalConfigOf, this);
    this.options = new Thunk(optionsOf, this);
    // The `config` modules receive: nixpkgs wraps it in addErrorContext with this hint.
    this.configArg = new Thunk(configArgOf, this);
    this.config = new Thunk(configOf, this);
    // { lib, config, options, specialArgs, _class, _prefix } // specialArgs
    this.baseArgs = Attrs.fromSorted(BASE_ARG_NAMES, [classL, prefix as Lazy[], this.configArg, lib, this.options, specialArgs]).update(specialArgs);
    const mp = specialArgs.get('modulesPath');
    this.modulesPath = mp !== undefined ? strValue(mp) : undefined;
    this.class = classV === null ? undefined : strValue(classV);
  }

  getLevel(): Level {
    if (this.level === undefined) throw new NixError('infinite-recursion', 'infinite recursion encountered');
    return this.level;
  }

  moduleArgs(): Attrs {
    return forceAttrs(forceAttrs(forceAttrs(this.configArg).get('_module')!).get('args')!);
  }

  private types(): Attrs {
    return forceAttrs(forceAttrs(this.lib).get('types')!);
  }

  unspecified(): Lazy {
    return force(this.types().get('unspecified')!);
  }

  submoduleWith(): Value {
    return force(this.types().get('submoduleWith')!);
  }

  /** Every module's (pushed-down) config, with freeformType and meta as definitions. */
  configs(): CfgMod[] {
    const out: CfgMod[] = [];
    for (const m of this.collected) {
      pushConfig(m.file, m.config, out);
      if (m.freeformType !== undefined) {
        out.push({ file: m.file, config: attrsFrom({ _module: attrsFrom({ freeformType: m.freeformType }) }) });
      }
      if (m.meta !== undefined) out.push({ file: m.file, config: attrsFrom({ meta: m.meta }) });
    }
    // Asked for once (by the top level's groupDefs); the modules are not needed afterwards.
    this.collected = NO_MODULES;
    return out;
  }

  withFreeform(l: Level): Value {
    const ft = freeformTypeOf(l.config);
    if (ft === null) return l.config;
    const defs = l.unmatched().map((d) => attrsFrom({ file: d.file, value: setAttrByPath(d.prefix, d.value) }));
    const merged = forceAttrs(callFunction(force(ft.get('merge')!), [this.prefix as Lazy[], defs]));
    return recursiveUpdate(merged, l.config);
  }

  finalConfig(): Value {
    const internal = forceAttrs(this.internalConfig);
    const mod = internal.get('_module');
    let check = true;
    if (mod !== undefined) {
      const c = forceAttrs(mod).get('check');
      if (c !== undefined) check = force(c) === true;
    }
    const lv = this.level!;
    if (check && freeformTypeOf(lv.config) === null) {
      const un = lv.unmatched();
      if (un.length) throw unmatchedError(this.prefix, un[0], forceAttrs(this.options));
    }
    return withoutAttr(internal, '_module');
  }
}

const internalConfigOf = (e: Evaluation): Value => e.withFreeform(e.getLevel());
const optionsOf = (e: Evaluation): Value => e.getLevel().options;
const configOf = (e: Evaluation): Value => e.finalConfig();
function configArgOf(e: Evaluation): Value {
  try {
    return force(e.internalConfig);
  } catch (err) {
    if (err instanceof NixError) err.addTrace(INFINITE_RECURSION_HINT);
    throw err;
  }
}

export function evalModulesCore(argsL: Lazy): Value {
  const args = forceAttrs(argsL);
  // `internalModules` (lib's own `_module` declarations) come after the user's modules, as
  // in nixpkgs, so anonymous user modules are numbered from `:anon-1`.
  const userModules = forceList(args.get('modules')!);
  const internalL = args.get('internalModules');
  const modules = internalL !== undefined ? userModules.concat(forceList(internalL)) : userModules;
  const ev = new Evaluation(args);
  // nixpkgs merges the collected modules in reverse order (definitions and declarations
  // of later modules come first).
  // The modules this evaluation shares with the one it extends (a prefix of `modules`).
  const sharedL = args.get('sharedModules');
  const shared = sharedL !== undefined ? forceList(sharedL) : undefined;
  const collectedAll = collectModulesWithGraph(ev, modules, '<unknown-file>', shared);
  const collected: Module[] = collectedAll.modules.reverse();
  ev.collected = collected;
  // The declarations (Level keeps those that declare something).
  const decls: Decl[] = [];
  for (const m of collected) {
    const options = forceAttrs(m.options);
    if (options.size > 0) decls.push({ file: m.file, options });
  }
  ev.level = new Level(ev, ev.prefix, decls, () => ev.configs());
  return Attrs.fromSorted(RESULT_NAMES, [ev.internalConfig, ev.config, collectedAll.graph, ev.options]);
}
