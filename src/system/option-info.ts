/**
 * Looking up an option path in an evaluated configuration (`nixling option`, the REPL's
 * `:doc`): what nixos-option shows, and why the value is what it is.
 *
 * A path is walked from the root of the option tree. Prefixes (`networking`) are option
 * sets; an option ends the walk unless the path goes on into its value: through the
 * evaluated submodules of a `submodule` / `attrsOf (submodule …)` / `listOf (submodule …)`
 * option (`systemd.services.foo.script` is the `script` option of the `foo` instance, found
 * through the option's `valueMeta`), or a placeholder (`systemd.services.<name>.script`: the
 * declaration, from `type.getSubOptions`), or into a plain value (`environment.variables.X`).
 * Freeform values (defined where no option is declared) are values too.
 *
 * The result is data (printed for people by src/cli/option.ts, or as JSON): for an option its
 * value printed as Nix (depth-limited), type, default, example, description, declarations
 * with file:line, and every definition with file:line, priority and whether it won; for a
 * prefix or a submodule instance the names beneath it; for an unknown path, the nearest
 * paths. Evaluation errors never escape: they are rendered (with file:line) into the result.
 */
import * as path from 'node:path';
import { NixError, renderError } from '../eval/errors';
import { evalExpr } from '../eval/index';
import { callFunction1 } from '../eval/runtime';
import { Attrs, Lazy, Thunk, Value, force, isString, strOf } from '../eval/value';
import { isOptionValue } from '../modules/options';
import { levenshtein, showOption } from '../modules/util';
import { nixlingDataDir } from '../builtins/import';
import { systemExprText } from './configuration';
import {
  DefinitionInfo,
  asEvalError,
  describeDefinitions,
  printNix,
  priorityName,
  tryForce,
} from './option-values';

// ---------------------------------------------------------------------------------------
// Loading a configuration leniently

/**
 * A configuration's evaluation for inspection: like `evalSystem`, but `config` stays lazy,
 * so options can be inspected even when the configuration as a whole does not evaluate
 * (an unknown option defined somewhere, a failing assertion): `configError` says why.
 */
export interface InspectedSystem {
  configFile: string;
  root: Attrs;
  options: Attrs;
  config: Lazy;
  /** The error forcing `config` gives, if any (computed on first use). */
  configError(): NixError | undefined;
}

export function inspectSystem(configFile: string): InspectedSystem {
  const root = force(evalExpr(systemExprText(configFile), { dir: path.dirname(configFile) }));
  if (!(root instanceof Attrs)) throw new NixError('type', 'the system evaluation did not return an attribute set');
  const options = force(root.get('options')!);
  if (!(options instanceof Attrs)) throw new NixError('type', '`options` of the system evaluation is not an attribute set');
  const config = root.get('config')!;
  let checked = false;
  let err: NixError | undefined;
  return {
    configFile,
    root,
    options,
    config,
    configError() {
      if (!checked) {
        checked = true;
        const r = tryForce(config);
        if ('error' in r) err = r.error;
      }
      return err;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Paths

/** Splits `a.b."c.d".e` into components (quoted components may contain dots). */
export function parseOptionPath(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  const t = s.trim();
  if (t === '') return out;
  while (i <= t.length) {
    if (t[i] === '"') {
      let v = '';
      i++;
      while (i < t.length && t[i] !== '"') {
        if (t[i] === '\\' && i + 1 < t.length) i++;
        v += t[i++];
      }
      if (i >= t.length) throw new NixError('eval', `unterminated quoted component in option path '${s}'`);
      i++;
      out.push(v);
      if (i < t.length && t[i] !== '.') throw new NixError('eval', `expected '.' after a quoted component in option path '${s}'`);
      i++;
    } else {
      let j = t.indexOf('.', i);
      if (j < 0) j = t.length;
      const part = t.slice(i, j);
      if (part === '') throw new NixError('eval', `empty component in option path '${s}'`);
      out.push(part);
      i = j + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Results

export interface Position {
  file: string;
  line?: number;
  column?: number;
}

export interface DefinitionView extends Position {
  priority: number;
  /** mkForce, mkDefault, mkOverride N, no priority (plain definition), option default. */
  priorityName: string;
  isOptionDefault: boolean;
  /** False when an mkIf condition is false. */
  active: boolean;
  /** The definitions merged into the value (those of the highest priority). */
  won: boolean;
  /** The definition's value, printed (depth-limited). */
  value?: string;
  order?: number;
  /** A rendered evaluation error (of the definition's value or its mkIf condition). */
  error?: string;
}

export interface OptionView {
  kind: 'option';
  path: string;
  loc: string[];
  /** The value, printed as Nix (null when evaluating it failed: see valueErrors). */
  value: string | null;
  /** Rendered evaluation errors met in the value (with file:line). */
  valueErrors: string[];
  type: string | null;
  typeName: string | null;
  default?: string;
  example?: string;
  description?: string;
  readOnly: boolean;
  internal: boolean;
  visible: boolean;
  declarations: Position[];
  definitions: DefinitionView[];
  highestPrio: number | null;
  /** For attribute sets of submodules (or other sets): the names defined beneath. */
  names?: string[];
  /** For submodule types: the options each element (or the value) has. */
  subOptions?: string[];
  /** A submodule instance (`systemd.services.foo`) or a value inside an option. */
  within?: string;
  /** A path through a placeholder (`<name>`, `*`): documentation only, no value. */
  placeholder?: boolean;
}

export interface PrefixView {
  kind: 'prefix';
  path: string;
  loc: string[];
  /** Options and option sets directly beneath (`option: false` for sets and freeform values). */
  children: { name: string; option: boolean }[];
  /** Set when this is an element of an option (a submodule instance): its definitions. */
  within?: string;
  type?: string;
  value?: string | null;
  valueErrors?: string[];
  definitions?: DefinitionView[];
}

export interface ValueView {
  kind: 'value';
  path: string;
  loc: string[];
  value: string | null;
  valueErrors: string[];
  /** The option the value belongs to, or null for a freeform value. */
  within: string | null;
  names?: string[];
  /** For an attribute of an attrsOf option: the definitions that set it. */
  definitions?: DefinitionView[];
}

export interface MissingView {
  kind: 'missing';
  path: string;
  loc: string[];
  /** The longest prefix of the path that exists. */
  found: string;
  message: string;
  suggestions: string[];
}

export interface ErrorView {
  kind: 'error';
  path: string;
  loc: string[];
  error: string;
}

export type LookupResult = OptionView | PrefixView | ValueView | MissingView | ErrorView;

export interface LookupOptions {
  /** Depth to which values are printed (deeper sets print as `{ ... }`). */
  depth: number;
  showTrace: boolean;
}

const defaultLookupOptions: LookupOptions = { depth: 4, showTrace: false };

// ---------------------------------------------------------------------------------------
// Small readers

function render(e: NixError, o: LookupOptions): string {
  return renderError(e, { showTrace: o.showTrace });
}

function get(a: Value | undefined, name: string): Value | undefined {
  if (!(a instanceof Attrs)) return undefined;
  const l = a.get(name);
  if (l === undefined) return undefined;
  const r = tryForce(l);
  return 'value' in r ? r.value : undefined;
}

function str(v: Value | undefined): string | undefined {
  return v !== undefined && isString(v) ? strOf(v) : undefined;
}

function bool(v: Value | undefined): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** Text of a description / defaultText / example: strings, literalExpression, literalMD, mdDoc. */
function docText(v: Value | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (isString(v)) return strOf(v);
  if (v instanceof Attrs) {
    const t = str(get(v, '_type'));
    if (t === 'literalExpression' || t === 'literalMD' || t === 'literalDocBook' || t === 'mdDoc') return str(get(v, 'text'));
  }
  return undefined;
}

function typeOfOption(option: Attrs): Attrs | undefined {
  const t = get(option, 'type');
  return t instanceof Attrs ? t : undefined;
}

export function typeDescription(type: Attrs | undefined): string | null {
  if (!type) return null;
  return str(get(type, 'description')) ?? str(get(type, 'name')) ?? null;
}

export function typeNameOf(type: Attrs | undefined): string | null {
  return type ? (str(get(type, 'name')) ?? null) : null;
}

/** The element type of attrsOf / listOf / nullOr / … (nestedTypes.elemType). */
function elemTypeOf(type: Attrs): Attrs | undefined {
  const e = get(get(type, 'nestedTypes'), 'elemType');
  return e instanceof Attrs ? e : undefined;
}

/** Whether a type (or its element type) has sub-options (is or contains a submodule). */
function hasSubModules(type: Attrs | undefined): boolean {
  if (!type) return false;
  const g = get(type, 'getSubModules');
  return g !== undefined && g !== null;
}

/** `type.getSubOptions loc`: the options tree of a submodule (or an element's), or undefined. */
export function subOptionsOf(type: Attrs | undefined, loc: string[]): Attrs | undefined {
  if (!type || !hasSubModules(type)) return undefined;
  const g = type.get('getSubOptions');
  if (g === undefined) return undefined;
  const r = tryForce(new Thunk(() => force(callFunction1(force(g), loc as Lazy[] as any)), undefined));
  return 'value' in r && r.value instanceof Attrs ? r.value : undefined;
}

function configurationOf(meta: Value | undefined): { options: Attrs; config: Lazy } | undefined {
  const c = get(meta, 'configuration');
  const options = get(c, 'options');
  if (!(c instanceof Attrs) || !(options instanceof Attrs)) return undefined;
  return { options, config: c.get('config')! };
}

function dataDirModules(): string {
  return path.join(nixlingDataDir(), 'modules');
}

/** A file as people read it: `<nixling/…>` for nixling's own modules, relative under cwd. */
export function displayFile(file: string, cwd = process.cwd()): string {
  const mods = dataDirModules() + '/';
  if (file.startsWith(mods)) return `<nixling/${file.slice(mods.length)}>`;
  if (file.startsWith(cwd + '/')) return file.slice(cwd.length + 1);
  return file;
}


// ---------------------------------------------------------------------------------------
// Walking

interface Tree {
  kind: 'tree';
  options: Attrs;
  config: Lazy | undefined;
  loc: string[];
  /** For a submodule instance: the option it is an element of and its definitions. */
  instance?: { option: Attrs; loc: string[]; elemType?: Attrs };
  /** Reached through a placeholder (`<name>`): declarations only. */
  docOnly?: boolean;
}
interface OptionCursor {
  kind: 'option';
  option: Attrs;
  loc: string[];
  /** For an option inside a submodule instance: the instance's path. */
  within?: string;
  docOnly?: boolean;
}
interface ValueCursor {
  kind: 'value';
  value: Lazy;
  loc: string[];
  within: string | null;
  /** For an attribute of an attrsOf option's value: the option (for its definitions). */
  owner?: Attrs;
}
type Cursor = Tree | OptionCursor | ValueCursor;

interface Miss {
  kind: 'miss';
  /** Names that exist where the walk stopped. */
  candidates: string[];
  reason: string;
}

function isPlaceholder(name: string): boolean {
  return name === '*' || /^<.*>$/.test(name);
}

function treeNames(t: Tree): { name: string; option: boolean }[] {
  const out: { name: string; option: boolean }[] = [];
  for (const n of t.options.keys()) {
    if (n === '_module') continue;
    const r = tryForce(t.options.get(n)!);
    out.push({ name: n, option: 'value' in r && isOptionValue(r.value) });
  }
  if (t.config !== undefined) {
    const r = tryForce(t.config);
    if ('value' in r && r.value instanceof Attrs) {
      for (const n of r.value.keys()) {
        if (!t.options.has(n) && !(n === '_module')) out.push({ name: n, option: false });
      }
    }
  }
  return out;
}

function stepTree(t: Tree, name: string): Cursor | Miss {
  const loc = [...t.loc, name];
  const l = t.options.get(name);
  if (l !== undefined) {
    const v = force(l); // errors propagate to lookup (an error in a declaration)
    if (isOptionValue(v)) return { kind: 'option', option: v, loc, within: t.instance ? showOption(t.loc) : undefined, docOnly: t.docOnly };
    if (v instanceof Attrs) {
      const cfg = t.config;
      const sub = cfg === undefined ? undefined : new Thunk(() => {
        const c = force(cfg);
        const x = c instanceof Attrs ? c.get(name) : undefined;
        return x === undefined ? Attrs.empty() : force(x);
      }, undefined);
      return { kind: 'tree', options: v, config: sub, loc, docOnly: t.docOnly };
    }
  }
  // A freeform value?
  if (t.config !== undefined) {
    const r = tryForce(t.config);
    if ('value' in r && r.value instanceof Attrs && r.value.has(name)) {
      return { kind: 'value', value: r.value.get(name)!, loc, within: t.instance ? showOption(t.loc) : null };
    }
  }
  return {
    kind: 'miss',
    candidates: treeNames(t).map((x) => x.name),
    reason: t.loc.length ? `there is no option '${name}' in '${showOption(t.loc)}'` : `there is no top-level option '${name}'`,
  };
}

function stepOption(c: OptionCursor, name: string): Cursor | Miss {
  const type = typeOfOption(c.option);
  const tname = typeNameOf(type);
  const loc = [...c.loc, name];
  const here = showOption(c.loc);
  if ((isPlaceholder(name) || c.docOnly) && type && tname !== 'submodule') {
    // systemd.services.<name>: the declared sub-options, without a value.
    const subs = subOptionsOf(type, c.loc);
    if (subs) return { kind: 'tree', options: subs, config: undefined, loc, docOnly: true };
  }
  if (tname === 'submodule' && type && c.docOnly) {
    return stepTree({ kind: 'tree', options: subOptionsOf(type, c.loc) ?? Attrs.empty(), config: undefined, loc: c.loc, docOnly: true }, name);
  }
  if (tname === 'submodule' && type) {
    const conf = configurationOf(get(c.option, 'valueMeta'));
    const t: Tree = conf
      ? { kind: 'tree', options: conf.options, config: conf.config, loc: c.loc }
      : { kind: 'tree', options: subOptionsOf(type, c.loc) ?? Attrs.empty(), config: c.option.get('value'), loc: c.loc };
    return stepTree(t, name);
  }
  const valueR = tryForce(c.option.get('value') ?? null);
  if ('error' in valueR) throw valueR.error;
  const value = valueR.value;
  if ((tname === 'attrsOf' || tname === 'lazyAttrsOf') && type) {
    if (!(value instanceof Attrs) || !value.has(name)) {
      return {
        kind: 'miss',
        candidates: value instanceof Attrs ? value.keys() : [],
        reason: `'${here}' has no attribute '${name}'`,
      };
    }
    const elem = elemTypeOf(type);
    const conf = configurationOf(get(get(get(c.option, 'valueMeta'), 'attrs'), name));
    if (conf) {
      return { kind: 'tree', options: conf.options, config: conf.config, loc, instance: { option: c.option, loc: c.loc, elemType: elem } };
    }
    return { kind: 'value', value: value.get(name)!, loc, within: here, owner: c.option };
  }
  if (tname === 'listOf' && Array.isArray(value) && /^\d+$/.test(name)) {
    const i = Number(name);
    if (i >= value.length) return { kind: 'miss', candidates: [], reason: `'${here}' has ${value.length} element${value.length === 1 ? '' : 's'}` };
    const metaList = get(get(c.option, 'valueMeta'), 'list');
    const conf = Array.isArray(metaList) && i < metaList.length ? configurationOf(force(metaList[i])) : undefined;
    if (conf && type) {
      return { kind: 'tree', options: conf.options, config: conf.config, loc, instance: { option: c.option, loc: c.loc, elemType: elemTypeOf(type) } };
    }
    return { kind: 'value', value: value[i], loc, within: here };
  }
  return stepValue({ kind: 'value', value, loc: c.loc, within: here }, name);
}

function stepValue(c: ValueCursor, name: string): Cursor | Miss {
  const r = tryForce(c.value);
  if ('error' in r) throw r.error;
  const v = r.value;
  const loc = [...c.loc, name];
  if (v instanceof Attrs) {
    if (v.has(name)) return { kind: 'value', value: v.get(name)!, loc, within: c.within };
    return { kind: 'miss', candidates: v.keys(), reason: `'${showOption(c.loc)}' has no attribute '${name}'` };
  }
  if (Array.isArray(v) && /^\d+$/.test(name) && Number(name) < v.length) {
    return { kind: 'value', value: v[Number(name)], loc, within: c.within };
  }
  return { kind: 'miss', candidates: [], reason: `'${showOption(c.loc)}' is not an attribute set` };
}

function step(c: Cursor, name: string): Cursor | Miss {
  if (c.kind === 'tree') return stepTree(c, name);
  if (c.kind === 'option') return stepOption(c, name);
  return stepValue(c, name);
}

// ---------------------------------------------------------------------------------------
// Suggestions

/** Every option path of an option tree (not descending into submodules). */
export function allOptionPaths(options: Attrs, loc: string[] = [], out: string[] = [], limit = 20000): string[] {
  for (const n of options.keys()) {
    if (out.length >= limit) break;
    if (loc.length === 0 && n === '_module') continue;
    const r = tryForce(options.get(n)!);
    if (!('value' in r) || !(r.value instanceof Attrs)) continue;
    if (isOptionValue(r.value)) out.push(showOption([...loc, n]));
    else allOptionPaths(r.value, [...loc, n], out, limit);
  }
  return out;
}

/** Nearest names to `name` among `candidates` (edit distance, then prefix / substring). */
export function nearestNames(name: string, candidates: string[], max = 5): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored = candidates
    .map((c, i) => {
      const d = levenshtein(lower, c.toLowerCase());
      const bonus = c.toLowerCase().startsWith(lower) || (lower.length >= 3 && c.toLowerCase().includes(lower)) ? 0 : 1;
      return { c, i, d, bonus };
    })
    .filter((x) => x.d <= limit || x.bonus === 0)
    .sort((a, b) => a.d - b.d || a.bonus - b.bonus || a.i - b.i);
  return scored.slice(0, max).map((x) => x.c);
}

function suggest(path: string[], at: number, candidates: string[], options: Attrs): string[] {
  const parent = path.slice(0, at);
  const bad = path[at];
  const rest = path.slice(at + 1);
  const out: string[] = [];
  const add = (s: string) => {
    if (!out.includes(s)) out.push(s);
  };
  for (const n of nearestNames(bad, candidates)) add(showOption([...parent, n, ...rest]));
  // Whole paths: a typo elsewhere, or a path given without its prefix (`hostName`).
  const full = showOption(path);
  const all = allOptionPaths(options);
  const byDistance = all
    .map((p) => ({ p, d: levenshtein(full.toLowerCase(), p.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(full.length / 5)))
    .sort((a, b) => a.d - b.d);
  for (const x of byDistance.slice(0, 3)) add(x.p);
  for (const p of all) if (out.length < 8 && (p.endsWith('.' + full) || p.toLowerCase().endsWith('.' + full.toLowerCase()))) add(p);
  if (out.length === 0) for (const p of all) if (out.length < 5 && p.startsWith(full)) add(p);
  return out.slice(0, 8);
}

// ---------------------------------------------------------------------------------------
// Views

/** An option without definitions nor default, inside a printed set: not an error there. */
function noValueText(e: NixError): string | undefined {
  return / was accessed but has no value defined\. /.test(e.message) ? '\xc2\xabno value\xc2\xbb' : undefined;
}

function printValue(v: Lazy, o: LookupOptions): { value: string | null; valueErrors: string[] } {
  const p = printNix(v, { depth: o.depth, errorText: noValueText });
  const errors = p.errors.map((e) => render(e, o));
  // A value that failed as a whole has no text worth showing.
  const whole = tryForce(v);
  return { value: 'error' in whole ? null : p.text, valueErrors: errors };
}

function definitionViews(defs: DefinitionInfo[], o: LookupOptions): DefinitionView[] {
  return defs.map((d) => {
    const view: DefinitionView = {
      file: d.file,
      line: d.line,
      column: d.column,
      priority: d.priority,
      priorityName: priorityName(d.priority, d.isOptionDefault),
      isOptionDefault: d.isOptionDefault,
      active: d.active,
      won: d.won,
    };
    if (d.order !== undefined) view.order = d.order;
    if (d.value !== undefined) {
      const p = printNix(d.value, { depth: Math.min(o.depth, 3), width: 60, showProperties: true, errorText: noValueText });
      view.value = p.text;
      if (p.errors.length) view.error = render(p.errors[0], o);
    }
    if (d.error) view.error = render(d.error, o);
    return view;
  });
}

function declarationsOf(option: Attrs): Position[] {
  const dp = get(option, 'declarationPositions');
  if (Array.isArray(dp)) {
    return dp.map((l) => {
      const a = force(l) as Attrs;
      const line = get(a, 'line');
      const column = get(a, 'column');
      return {
        file: str(get(a, 'file')) ?? '?',
        ...(typeof line === 'number' ? { line } : {}),
        ...(typeof column === 'number' ? { column } : {}),
      };
    });
  }
  const d = get(option, 'declarations');
  return Array.isArray(d) ? d.map((x) => ({ file: str(force(x)) ?? '?' })) : [];
}

/** The full view of an option (value, type, documentation, declarations, definitions). */
export function optionView(option: Attrs, loc: string[], o: LookupOptions = defaultLookupOptions, within?: string, docOnly = false): OptionView {
  const type = typeOfOption(option);
  const tname = typeNameOf(type);
  const valueLazy = docOnly ? null : (option.get('value') ?? null);
  const { value, valueErrors } = docOnly ? { value: null, valueErrors: [] as string[] } : printValue(valueLazy, o);
  let definitions: DefinitionView[] = [];
  try {
    if (!docOnly) definitions = definitionViews(describeDefinitions(option), o);
  } catch (e) {
    const err = asEvalError(e);
    if (!err) throw e;
    valueErrors.push(render(err, o));
  }
  const view: OptionView = {
    kind: 'option',
    path: showOption(loc),
    loc,
    value,
    valueErrors,
    type: typeDescription(type),
    typeName: tname,
    readOnly: bool(get(option, 'readOnly')) ?? false,
    internal: bool(get(option, 'internal')) ?? false,
    visible: get(option, 'visible') !== false,
    declarations: declarationsOf(option),
    definitions,
    highestPrio: null,
  };
  if (within) view.within = within;
  if (docOnly) view.placeholder = true;
  const hp = get(option, 'highestPrio');
  const won = definitions.filter((d) => d.won);
  view.highestPrio = typeof hp === 'number' ? hp : won.length ? won[0].priority : null;
  const defaultText = docText(get(option, 'defaultText'));
  if (defaultText !== undefined) view.default = defaultText;
  else if (option.has('default')) view.default = printNix(option.get('default')!, { depth: o.depth }).text;
  const ex = get(option, 'example');
  if (option.has('example')) view.example = docText(ex) ?? printNix(option.get('example')!, { depth: o.depth }).text;
  const desc = docText(get(option, 'description'));
  if (desc !== undefined) view.description = desc.trim();
  const v = tryForce(valueLazy);
  if ((tname === 'attrsOf' || tname === 'lazyAttrsOf') && 'value' in v && v.value instanceof Attrs) view.names = [...v.value.keys()];
  if (type && hasSubModules(type)) {
    const subs = subOptionsOf(type, loc);
    if (subs) view.subOptions = subs.keys().filter((n) => n !== '_module');
  }
  return view;
}

/** The definitions of one element of an attrsOf option: those defining `name`. */
function elementDefinitions(option: Attrs, name: string, o: LookupOptions): DefinitionView[] {
  let defs: DefinitionInfo[];
  try {
    defs = describeDefinitions(option);
  } catch (e) {
    if (!asEvalError(e)) throw e;
    return [];
  }
  const out: DefinitionInfo[] = [];
  for (const d of defs) {
    if (d.value === undefined) continue;
    const r = tryForce(d.value);
    if (!('value' in r) || !(r.value instanceof Attrs) || !r.value.has(name)) continue;
    const pos = r.value.posOf(name);
    const where = pos ? pos.src.location(pos.start) : undefined;
    out.push({
      ...d,
      file: pos && pos.src.path && pos.src.path.startsWith('/') ? pos.src.path : d.file,
      line: where?.line ?? d.line,
      column: where?.column ?? d.column,
      value: r.value.get(name),
    });
  }
  return definitionViews(out, o);
}

/**
 * Looks up an option path (`parseOptionPath`) in a configuration's option tree.
 * `root` gives the options and config to start from.
 */
export function lookupOption(root: { options: Attrs; config?: Lazy }, pathParts: string[], opts: Partial<LookupOptions> = {}): LookupResult {
  const o = { ...defaultLookupOptions, ...opts };
  const shown = showOption(pathParts);
  let cur: Cursor = { kind: 'tree', options: root.options, config: root.config, loc: [] };
  try {
    for (let i = 0; i < pathParts.length; i++) {
      const next = step(cur, pathParts[i]);
      if (next.kind === 'miss') {
        const found = showOption(pathParts.slice(0, i));
        const suggestions = suggest(pathParts, i, next.candidates, root.options);
        return {
          kind: 'missing',
          path: shown,
          loc: pathParts,
          found,
          message: `the option '${shown}' does not exist: ${next.reason}`,
          suggestions,
        };
      }
      cur = next;
    }
    return view(cur, o);
  } catch (e) {
    const err = asEvalError(e);
    if (!err) throw e;
    return { kind: 'error', path: shown, loc: pathParts, error: render(err, o) };
  }
}

function view(c: Cursor, o: LookupOptions): LookupResult {
  if (c.kind === 'option') return optionView(c.option, c.loc, o, c.within, c.docOnly);
  if (c.kind === 'value') {
    const { value, valueErrors } = printValue(c.value, o);
    const r = tryForce(c.value);
    const v: ValueView = { kind: 'value', path: showOption(c.loc), loc: c.loc, value, valueErrors, within: c.within };
    if ('value' in r && r.value instanceof Attrs) v.names = [...r.value.keys()];
    if (c.owner) v.definitions = elementDefinitions(c.owner, c.loc[c.loc.length - 1], o);
    return v;
  }
  const p: PrefixView = { kind: 'prefix', path: showOption(c.loc), loc: c.loc, children: treeNames(c) };
  if (c.instance) {
    p.within = showOption(c.instance.loc);
    p.type = typeDescription(c.instance.elemType) ?? undefined;
    if (c.config !== undefined) Object.assign(p, printValue(c.config, { ...o, depth: Math.min(o.depth, 2) }));
    p.definitions = elementDefinitions(c.instance.option, c.loc[c.loc.length - 1], o);
  }
  return p;
}
