/**
 * Printing option values as Nix, and the "option snapshot" of a configuration.
 *
 * `printNix` lays a value out as Nix source (compact on one line when it fits, otherwise one
 * attribute or element per line), forcing as it goes, with a depth limit, and never throws
 * for an evaluation error: the failing part prints as `«error: …»` and the error is returned
 * so that callers can render it with its file:line.
 *
 * `describeDefinitions` lists an option's definitions as the module system sees them: the
 * declaration's default and every definition, with file:line (recorded by the module
 * system, see `optionProvenance`), mkOverride priority, mkIf state and whether it won.
 *
 * An option snapshot maps every option path of an evaluated configuration to its value
 * printed compactly and the file:line of the definitions that won. It is stored with each
 * generation, and `diffOptionSnapshots` compares two of them (`nixling diff`, `switch`).
 * What it holds:
 *  - every non-internal option whose value evaluates (`_module` is left out);
 *  - options inside submodules are expanded through the evaluated submodules (an
 *    `attrsOf (submodule …)` instance `systemd.services.foo` gives `systemd.services.foo.script`,
 *    …), and the instance itself gets an entry summarising its non-default definitions, so
 *    that adding or removing an instance shows as one change;
 *  - values of `attrsOf` options that are not submodules are expanded per attribute
 *    (`….environment.LANG`), an empty set stays one `{ }` entry;
 *  - freeform values (defined without a declared option) are expanded the same way, with no
 *    definition positions;
 *  - functions print as `«lambda»`, derivations as `«derivation NAME»` (their contents show up
 *    in the unit diff), and values longer than a few kilobytes are cut and end with a hash of
 *    the full text, so a change is still seen.
 * Values are printed as nixling prints every string: byte strings (each UTF-8 byte one
 * code unit), so write them with `writeOut` (latin1), or store JSON and read it back as is.
 */
import { createHash } from 'node:crypto';
import { NixError } from '../eval/errors';
import { escapeString, formatFloat, printAttrName } from '../eval/print';
import { AttrPos, Attrs, Lambda, Lazy, NixFloat, NixPath, NixString, PrimOp, PrimOpApp, Value, force, isString, strOf } from '../eval/value';
import { OPTION_DEFAULT_PRIORITY, isOptionValue, optionProvenance } from '../modules/options';
import { DEFAULT_PRIORITY, dischargeProperties, markerOf } from '../modules/properties';
import { showOption, strValue } from '../modules/util';
import type { SystemEval } from './configuration';

// ---------------------------------------------------------------------------------------
// Printing

export interface PrintNixOptions {
  /** Sets and lists nested deeper than this print as `{ ... }` / `[ ... ]`. */
  depth: number;
  /** Lay out over several lines when a value does not fit in `width` columns. */
  multiline: boolean;
  width: number;
  /** How derivations print: `«derivation /nix/store/…drv»` (forces drvPath) or `«derivation NAME»`. */
  derivations: 'drvPath' | 'name';
  /** Lambdas print with their position (`«lambda @ file:line:col»`) or as `«lambda»`. */
  lambdaPositions: boolean;
  /** At most this many attributes / elements per set or list (the rest is elided). */
  maxItems: number;
  /**
   * Text for an expected error (e.g. an option without a value) printed in place of
   * `«error: …»`; such errors are not returned. Undefined: an ordinary error.
   */
  errorText?: (e: NixError) => string | undefined;
  /** Print module-system properties as written: `mkIf true …`, `mkForce …`, `mkMerge [ … ]`. */
  showProperties?: boolean;
  /** Stop forcing and printing after about this many characters (the rest prints as `«…»`). */
  budget?: number;
}

export const defaultPrintOptions: PrintNixOptions = {
  depth: Infinity,
  multiline: true,
  width: 80,
  derivations: 'drvPath',
  lambdaPositions: true,
  maxItems: Infinity,
};

export interface Printed {
  text: string;
  /** Evaluation errors met while printing, in the order met (each once). */
  errors: NixError[];
}

/** A printed document: a leaf, or a bracketed group of items that may break over lines. */
type Doc = string | { open: string; items: Doc[]; close: string };

function flat(d: Doc): string {
  if (typeof d === 'string') return d;
  if (d.items.length === 0) return d.open + ' ' + d.close;
  return d.open + ' ' + d.items.map(flat).join(' ') + ' ' + d.close;
}

function layout(d: Doc, indent: string, width: number, out: string[]): void {
  if (typeof d === 'string') return void out.push(d);
  const f = flat(d);
  if (indent.length + f.length <= width || d.items.length === 0 || f.indexOf('\n') >= 0) return void out.push(f);
  out.push(d.open);
  const inner = indent + '  ';
  for (const it of d.items) {
    out.push('\n' + inner);
    layout(it, inner, width, out);
  }
  out.push('\n' + indent + d.close);
}

/** The NixError an evaluation threw (a native stack overflow becomes one); undefined for bugs. */
export function asEvalError(e: unknown): NixError | undefined {
  if (e instanceof NixError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new NixError('stack-overflow', 'stack overflow (possible infinite recursion)');
  }
  return undefined;
}

/** Forces a lazy value; an evaluation error becomes `{ error }` (internal bugs are rethrown). */
export function tryForce(l: Lazy): { value: Value } | { error: NixError } {
  try {
    return { value: force(l) };
  } catch (e) {
    const err = asEvalError(e);
    if (!err) throw e;
    return { error: err };
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i) + ' …';
}

/** Prints a value as Nix (see the file comment). */
export function printNix(v: Lazy, options: Partial<PrintNixOptions> = {}): Printed {
  const o = { ...defaultPrintOptions, ...options };
  const errors: NixError[] = [];
  const ancestors = new Set<object>();
  const fail = (e: NixError): string => {
    const quiet = o.errorText?.(e);
    if (quiet !== undefined) return quiet;
    if (!errors.includes(e)) errors.push(e);
    return `\xc2\xaberror: ${firstLine(e.message)}\xc2\xbb`;
  };
  let spent = 0;
  const budget = o.budget ?? Infinity;
  const go = (l: Lazy, depth: number): Doc => {
    if (spent > budget) return '\xc2\xab\xe2\x80\xa6\xc2\xbb';
    const d = goValue(l, depth);
    spent += typeof d === 'string' ? d.length + 1 : 4;
    return d;
  };
  const goValue = (l: Lazy, depth: number): Doc => {
    const r = tryForce(l);
    if ('error' in r) return fail(r.error);
    const x = r.value;
    if (x === null) return 'null';
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (typeof x === 'number' || typeof x === 'bigint') return String(x);
    if (isString(x)) return escapeString(strOf(x));
    if (x instanceof NixFloat) return formatFloat(x.value);
    if (x instanceof NixPath) return x.path;
    if (x instanceof Lambda) {
      if (!o.lambdaPositions) return '\xc2\xablambda\xc2\xbb';
      const { line, column } = x.info.src.location(x.info.start);
      return `\xc2\xablambda${x.info.name ? ' ' + x.info.name : ''} @ ${x.info.src.path}:${line}:${column}\xc2\xbb`;
    }
    if (x instanceof PrimOp) return `\xc2\xabprimop ${x.name}\xc2\xbb`;
    if (x instanceof PrimOpApp) return `\xc2\xabpartially applied primop ${x.op.name}\xc2\xbb`;
    if (ancestors.has(x as object)) return '\xc2\xabrepeated\xc2\xbb';
    if (Array.isArray(x)) {
      if (x.length === 0) return '[ ]';
      if (depth >= o.depth) return '[ ... ]';
      ancestors.add(x);
      const items: Doc[] = [];
      for (let i = 0; i < x.length; i++) {
        if (spent > budget) {
          items.push('\xc2\xab\xe2\x80\xa6\xc2\xbb');
          break;
        }
        if (i >= o.maxItems) {
          items.push(`\xc2\xab${x.length - i} more item${x.length - i === 1 ? '' : 's'}\xc2\xbb`);
          break;
        }
        items.push(go(x[i], depth + 1));
      }
      ancestors.delete(x);
      return { open: '[', items, close: ']' };
    }
    if (x instanceof Attrs) {
      if (o.showProperties) {
        const prop = propertyDoc(x, depth);
        if (prop !== undefined) return prop;
      }
      const drv = derivationText(x);
      if (drv !== undefined) return drv;
      if (x.size === 0) return '{ }';
      if (depth >= o.depth) return '{ ... }';
      ancestors.add(x);
      const items: Doc[] = [];
      const keys = x.keys();
      for (let i = 0; i < keys.length; i++) {
        if (spent > budget) {
          items.push('\xc2\xab\xe2\x80\xa6\xc2\xbb');
          break;
        }
        if (i >= o.maxItems) {
          items.push(`\xc2\xab${keys.length - i} more attribute${keys.length - i === 1 ? '' : 's'}\xc2\xbb`);
          break;
        }
        const inner = go(x.get(keys[i])!, depth + 1);
        const name = printAttrName(keys[i]) + ' = ';
        items.push(typeof inner === 'string' ? name + inner + ';' : { open: name + inner.open, items: inner.items, close: inner.close + ';' });
      }
      ancestors.delete(x);
      return { open: '{', items, close: '}' };
    }
    return '\xc2\xabunknown\xc2\xbb';
  };
  // mkIf / mkOverride / mkOrder / mkMerge as written (undefined for other sets).
  const propertyDoc = (x: Attrs, depth: number): Doc | undefined => {
    const t = x.get('_type');
    if (t === undefined) return undefined;
    const tv = tryForce(t);
    if ('error' in tv || !isString(tv.value)) return undefined;
    const tag = strOf(tv.value);
    const wrap = (fn: string, inner: Lazy): Doc => {
      let d = go(inner, depth);
      if (typeof d === 'string') return fn + ' ' + (/^mk/.test(d) ? `(${d})` : d);
      if (/^mk/.test(d.open)) d = { open: '(' + d.open, items: d.items, close: d.close + ')' };
      return { open: fn + ' ' + d.open, items: d.items, close: d.close };
    };
    const num = (name: string): string => {
      const r = tryForce(x.get(name) ?? null);
      return 'value' in r ? String(r.value) : '?';
    };
    if (tag === 'if' && x.has('content')) {
      const c = tryForce(x.get('condition') ?? null);
      const cond = 'error' in c ? fail(c.error) : typeof c.value === 'boolean' ? String(c.value) : '?';
      return wrap(`mkIf ${cond}`, x.get('content')!);
    }
    if (tag === 'override' && x.has('content')) {
      const p = num('priority');
      const name = p === '50' ? 'mkForce' : p === '1000' ? 'mkDefault' : p === '1500' ? 'mkOptionDefault' : `mkOverride ${p}`;
      return wrap(name, x.get('content')!);
    }
    if (tag === 'order' && x.has('content')) {
      const p = num('priority');
      const name = p === '500' ? 'mkBefore' : p === '1500' ? 'mkAfter' : `mkOrder ${p}`;
      return wrap(name, x.get('content')!);
    }
    if (tag === 'merge' && x.has('contents')) return wrap('mkMerge', x.get('contents')!);
    return undefined;
  };
  // A derivation: `«derivation …»`, as nix repl prints it (undefined for other sets).
  const derivationText = (x: Attrs): string | undefined => {
    const t = x.get('type');
    if (t === undefined) return undefined;
    const tv = tryForce(t);
    if ('error' in tv || !isString(tv.value) || strOf(tv.value) !== 'derivation') return undefined;
    const key = o.derivations === 'drvPath' ? 'drvPath' : 'name';
    const p = x.get(key);
    if (p === undefined) return '\xc2\xabderivation\xc2\xbb';
    const pv = tryForce(p);
    if ('error' in pv) return fail(pv.error);
    return `\xc2\xabderivation ${isString(pv.value) ? strOf(pv.value) : '?'}\xc2\xbb`;
  };
  const doc = go(v, 0);
  const out: string[] = [];
  if (o.multiline) layout(doc, '', o.width, out);
  else out.push(flat(doc));
  return { text: out.join(''), errors };
}

// ---------------------------------------------------------------------------------------
// Definitions: priorities and positions

export interface DefinitionInfo {
  /** The module file the definition belongs to. */
  file: string;
  /** Where it was written, when the module system recorded it. */
  line?: number;
  column?: number;
  /** mkOverride priority: mkForce 50, plain 100, mkDefault 1000, option default 1500. */
  priority: number;
  /** The declaration's `default` (not a definition written in a module). */
  isOptionDefault: boolean;
  /** False when an `mkIf` condition removed it (or evaluating its properties failed). */
  active: boolean;
  /** Among the definitions of the highest priority, which are the ones merged. */
  won: boolean;
  /** The definition's value with its properties (mkIf, mkOverride, mkOrder) removed. */
  value?: Lazy;
  /** mkOrder priority (mkBefore 500, mkAfter 1500), when given. */
  order?: number;
  /** An error met while discharging mkIf / mkMerge. */
  error?: NixError;
}

const PRIORITY_NAMES = new Map<number, string>([
  [50, 'mkForce'],
  [10, 'mkVMOverride'],
  [60, 'mkImageMediaOverride'],
  [1000, 'mkDefault'],
  [1500, 'mkOptionDefault'],
]);

/** How a priority is written: `mkForce`, `mkDefault`, `mkOverride 20`, … */
export function priorityName(priority: number, isOptionDefault = false): string {
  if (isOptionDefault) return 'option default';
  if (priority === DEFAULT_PRIORITY) return 'no priority (plain definition)';
  return PRIORITY_NAMES.get(priority) ?? `mkOverride ${priority}`;
}

/** "file:line" of a definition or declaration (the file alone when the line is unknown). */
export function showFileLine(file: string, line?: number | null): string {
  return line ? `${file}:${line}` : file;
}

function located(file: string, pos: AttrPos | undefined): { file: string; line?: number; column?: number } {
  if (!pos) return { file };
  const { line, column } = pos.src.location(pos.start);
  const p = pos.src.path;
  return { file: p && p.startsWith('/') ? p : file, line, column };
}

function intOf(l: Lazy): number {
  const v = force(l);
  return typeof v === 'number' ? v : Number(v);
}

/**
 * Every definition of an option, in the module system's order, the declaration default
 * first: its position, priority, whether an mkIf left it active, and whether it won.
 * Mirrors mergeDefinitions (dischargeProperties, filterOverrides, sortProperties).
 * Throws when the definitions themselves cannot be collected.
 */
export function describeDefinitions(option: Attrs): DefinitionInfo[] {
  const prov = optionProvenance(option);
  const out: DefinitionInfo[] = [];
  if (!prov) {
    // Not made by evalOption: only the winning definitions are known.
    const hp = tryForce(option.get('highestPrio') ?? null);
    const prio = 'value' in hp && typeof hp.value === 'number' ? hp.value : DEFAULT_PRIORITY;
    const dwl = option.get('definitionsWithLocations');
    for (const d of dwl === undefined ? [] : (force(dwl) as Lazy[])) {
      const a = force(d) as Attrs;
      out.push({ file: strValue(a.get('file')!), priority: prio, isOptionDefault: false, active: true, won: true, value: a.get('value') });
    }
    return out;
  }
  const withDefault = prov.decls.find((d) => d.options.has('default'));
  if (withDefault) {
    out.push({
      ...located(withDefault.file, withDefault.options.posOf('default') ?? withDefault.pos),
      priority: OPTION_DEFAULT_PRIORITY,
      isOptionDefault: true,
      active: true,
      won: false,
      value: withDefault.options.get('default'),
    });
  }
  for (const d of prov.definitions()) {
    const where = located(d.file, d.pos);
    let discharged: Lazy[];
    try {
      discharged = dischargeProperties(d.value);
    } catch (e) {
      // The definition (or an mkIf condition in it) fails: it takes part in the merge, and
      // the option's value fails the same way.
      const err = asEvalError(e);
      if (!err) throw e;
      let priority = DEFAULT_PRIORITY;
      try {
        priority = peelPriority(d.value);
      } catch {
        // a plain definition whose value fails
      }
      out.push({ ...where, priority, isOptionDefault: false, active: true, won: false, error: err });
      continue;
    }
    if (discharged.length === 0) {
      out.push({ ...where, priority: peelPriority(d.value), isOptionDefault: false, active: false, won: false });
      continue;
    }
    for (const l of discharged) {
      let v = force(l);
      let info = { ...where };
      if (markerOf(v) === 'definition') {
        const a = v as Attrs;
        info = { file: strValue(a.get('file')!) };
        v = force(a.get('value')!);
      }
      let priority = DEFAULT_PRIORITY;
      if (markerOf(v) === 'override') {
        priority = intOf((v as Attrs).get('priority')!);
        v = force((v as Attrs).get('content')!);
      }
      let order: number | undefined;
      if (markerOf(v) === 'order') {
        order = intOf((v as Attrs).get('priority')!);
        v = force((v as Attrs).get('content')!);
      }
      out.push({ ...info, priority, isOptionDefault: false, active: true, won: false, value: v, order });
    }
  }
  let highest = Infinity;
  for (const d of out) if (d.active && d.priority < highest) highest = d.priority;
  for (const d of out) d.won = d.active && d.priority === highest;
  return out;
}

/** The mkOverride priority under mkIf wrappers, without evaluating conditions. */
function peelPriority(l: Lazy): number {
  let v = force(l);
  for (let i = 0; i < 16; i++) {
    const m = markerOf(v);
    if (m === 'override') return intOf((v as Attrs).get('priority')!);
    if (m !== 'if') break;
    v = force((v as Attrs).get('content')!);
  }
  return DEFAULT_PRIORITY;
}

// ---------------------------------------------------------------------------------------
// Snapshots

export interface SnapshotEntry {
  value: string;
  definedAt: string[];
}

const SNAPSHOT_PRINT: Partial<PrintNixOptions> = {
  depth: 12,
  multiline: false,
  derivations: 'name',
  lambdaPositions: false,
  maxItems: 1000,
  budget: 1 << 16,
};
const MAX_VALUE_LENGTH = 4096;
const MAX_EXPAND_DEPTH = 8;

/** A compact, bounded, deterministic rendering of a value (null when it cannot be evaluated). */
function snapshotValue(v: Lazy): string | null {
  const p = printNix(v, SNAPSHOT_PRINT);
  if (p.errors.length > 0) return null;
  if (p.text.length <= MAX_VALUE_LENGTH) return p.text;
  const hash = createHash('sha256').update(p.text, 'latin1').digest('hex').slice(0, 16);
  return `${p.text.slice(0, MAX_VALUE_LENGTH)} \xc2\xab${p.text.length - MAX_VALUE_LENGTH} bytes elided, sha256 ${hash}\xc2\xbb`;
}

interface Collected extends SnapshotEntry {
  /** Whether only the option default (or nothing) defines it. */
  isDefault: boolean;
}

function boolAttr(a: Attrs, name: string): boolean | undefined {
  const l = a.get(name);
  if (l === undefined) return undefined;
  const r = tryForce(l);
  return 'value' in r && typeof r.value === 'boolean' ? r.value : undefined;
}

function typeName(type: Attrs): string {
  const n = type.get('name');
  if (n === undefined) return '';
  const r = tryForce(n);
  return 'value' in r && isString(r.value) ? strOf(r.value) : '';
}

function attrOf(a: Value, name: string): Value | undefined {
  if (!(a instanceof Attrs)) return undefined;
  const l = a.get(name);
  if (l === undefined) return undefined;
  const r = tryForce(l);
  return 'value' in r ? r.value : undefined;
}

/** An evaluated submodule's { options, config }, from an option's (element's) valueMeta. */
function configurationOf(meta: Value | undefined): { options: Attrs; config: Lazy } | undefined {
  const c = attrOf(meta ?? null, 'configuration');
  const options = attrOf(c ?? null, 'options');
  if (!(c instanceof Attrs) || !(options instanceof Attrs)) return undefined;
  return { options, config: c.get('config')! };
}

/**
 * The file:line of the winning definitions of an option (excluding its default). Uses the
 * module system's record of where each definition was written.
 */
export function winningDefinitionPositions(option: Attrs): string[] {
  const defs = describeDefinitions(option);
  return defs.filter((d) => d.won && !d.isOptionDefault).map((d) => showFileLine(d.file, d.line));
}

function isDerivationValue(v: Value): boolean {
  const t = attrOf(v, 'type');
  return isString(t ?? null) && strOf(t as string | NixString) === 'derivation';
}

/** Snapshot of every option of a configuration (see the file comment). */
export function optionSnapshot(sys: SystemEval): Record<string, { value: string; definedAt: string[] }> {
  const out = new Map<string, Collected>();
  collectTree(sys.options, sys.config, [], out, true);
  const keys = [...out.keys()].sort();
  const res: Record<string, { value: string; definedAt: string[] }> = {};
  for (const k of keys) {
    const e = out.get(k)!;
    res[k] = { value: e.value, definedAt: e.definedAt };
  }
  return res;
}

function collectTree(options: Attrs, config: Lazy | undefined, loc: string[], out: Map<string, Collected>, top: boolean): void {
  const cfgR = config === undefined ? undefined : tryForce(config);
  const cfg = cfgR && 'value' in cfgR && cfgR.value instanceof Attrs ? cfgR.value : undefined;
  for (const name of options.keys()) {
    if (name === '_module') continue;
    const r = tryForce(options.get(name)!);
    if ('error' in r || !(r.value instanceof Attrs)) continue;
    const node = r.value;
    if (isOptionValue(node)) collectOption(node, [...loc, name], out);
    else collectTree(node, cfg?.get(name), [...loc, name], out, false);
  }
  // Freeform values: defined in config without a declared option.
  if (cfg) {
    for (const name of cfg.keys()) {
      if (options.has(name) || (top && name === '_module')) continue;
      collectValue(cfg.get(name)!, [...loc, name], [], false, out, 0);
    }
  }
}

function collectValue(v: Lazy, loc: string[], definedAt: string[], isDefault: boolean, out: Map<string, Collected>, depth: number): void {
  const r = tryForce(v);
  if ('error' in r) return;
  const x = r.value;
  if (x instanceof Attrs && x.size > 0 && depth < MAX_EXPAND_DEPTH && !isDerivationValue(x)) {
    for (const k of x.keys()) collectValue(x.get(k)!, [...loc, k], definedAt, isDefault, out, depth + 1);
    return;
  }
  const text = snapshotValue(x);
  if (text !== null) out.set(showOption(loc), { value: text, definedAt, isDefault });
}

function collectOption(option: Attrs, loc: string[], out: Map<string, Collected>): void {
  if (boolAttr(option, 'internal') === true) return;
  const typeR = tryForce(option.get('type') ?? null);
  const type = 'value' in typeR && typeR.value instanceof Attrs ? typeR.value : undefined;
  const tname = type ? typeName(type) : '';
  let definedAt: string[] = [];
  let isDefault = true;
  let winners: DefinitionInfo[] = [];
  try {
    winners = describeDefinitions(option).filter((d) => d.won && !d.isOptionDefault);
    definedAt = winners.map((d) => showFileLine(d.file, d.line));
    isDefault = winners.length === 0;
  } catch (e) {
    if (!asEvalError(e)) throw e;
  }
  const valueR = tryForce(option.get('value') ?? null);
  if ('error' in valueR) return;
  const value = valueR.value;
  // Submodules: expand through the evaluated configurations.
  if (tname === 'submodule' || tname === 'attrsOf' || tname === 'lazyAttrsOf' || tname === 'listOf') {
    const metaR = tryForce(option.get('valueMeta') ?? null);
    const meta = 'value' in metaR ? metaR.value : null;
    const single = configurationOf(meta ?? undefined);
    if (tname === 'submodule' && single) {
      collectTree(single.options, single.config, loc, out, false);
      return;
    }
    const attrs = attrOf(meta, 'attrs');
    if ((tname === 'attrsOf' || tname === 'lazyAttrsOf') && attrs instanceof Attrs && value instanceof Attrs) {
      const names = attrs.keys();
      const subs = names.map((n) => configurationOf(attrOf(attrs, n)));
      if (names.length > 0 && subs.every((s) => s !== undefined)) {
        names.forEach((n, i) => {
          const sub = new Map<string, Collected>();
          collectTree(subs[i]!.options, subs[i]!.config, [...loc, n], sub, false);
          for (const [k, e] of sub) out.set(k, e);
          out.set(showOption([...loc, n]), instanceSummary([...loc, n], sub));
        });
        return;
      }
    }
    const list = attrOf(meta, 'list');
    if (tname === 'listOf' && Array.isArray(list) && list.length > 0) {
      const subs = list.map((m) => configurationOf(force(m)));
      if (subs.every((s) => s !== undefined)) {
        subs.forEach((s, i) => {
          const sub = new Map<string, Collected>();
          collectTree(s!.options, s!.config, [...loc, String(i)], sub, false);
          for (const [k, e] of sub) out.set(k, e);
          out.set(showOption([...loc, String(i)]), instanceSummary([...loc, String(i)], sub));
        });
        return;
      }
    }
  }
  if ((tname === 'attrsOf' || tname === 'lazyAttrsOf') && value instanceof Attrs && value.size > 0) {
    for (const k of value.keys()) {
      const at = attributeDefinedAt(winners, k);
      collectValue(value.get(k)!, [...loc, k], at.length ? at : definedAt, isDefault, out, 1);
    }
    return;
  }
  const text = snapshotValue(value);
  if (text !== null) out.set(showOption(loc), { value: text, definedAt, isDefault });
}

/** Where the winning definitions of an attrsOf option set attribute `name` (file:line of `name`). */
function attributeDefinedAt(winners: DefinitionInfo[], name: string): string[] {
  const out: string[] = [];
  for (const d of winners) {
    if (d.value === undefined) continue;
    const r = tryForce(d.value);
    if (!('value' in r) || !(r.value instanceof Attrs) || !r.value.has(name)) continue;
    const at = located(d.file, r.value.posOf(name));
    out.push(showFileLine(at.file, at.line ?? d.line));
  }
  return out;
}

/**
 * The entry of a submodule instance: its non-default values as a set
 * (`{ script = "…"; wantedBy = [ … ]; }`), defined where its definitions are.
 */
function instanceSummary(loc: string[], sub: Map<string, Collected>): Collected {
  const prefix = showOption(loc) + '.';
  const parts: string[] = [];
  const at = new Set<string>();
  for (const k of [...sub.keys()].sort()) {
    const e = sub.get(k)!;
    if (e.isDefault || !k.startsWith(prefix)) continue;
    parts.push(`${k.slice(prefix.length)} = ${e.value};`);
    for (const d of e.definedAt) at.add(d);
  }
  return { value: parts.length ? `{ ${parts.join(' ')} }` : '{ }', definedAt: [...at].sort(), isDefault: parts.length === 0 };
}

/** Whether `path` (a shown option path) lies strictly under `ancestor`. */
function isUnder(path: string, ancestor: string): boolean {
  return path.length > ancestor.length && path.startsWith(ancestor) && path[ancestor.length] === '.';
}

/**
 * The options whose value differs between two snapshots, sorted by path. An option present
 * on one side only has `null` on the other. When a whole submodule instance appears or
 * disappears, only the instance is listed (not each of its options), and an empty set
 * (`{ }`) replaced by attributes beneath it is not listed. `definedAt` is where the new
 * value is defined, or where the old one was when the new one has no definition. A changed
 * path with changed paths beneath it (a submodule instance's summary) is left to those.
 */
export function diffOptionSnapshots(
  old: Record<string, { value: string; definedAt: string[] }>,
  new_: Record<string, { value: string; definedAt: string[] }>,
): { path: string; old: string | null; new: string | null; definedAt: string[] }[] {
  const paths = [...new Set([...Object.keys(old), ...Object.keys(new_)])].sort();
  const changes: { path: string; old: string | null; new: string | null; definedAt: string[] }[] = [];
  for (const p of paths) {
    const a = Object.prototype.hasOwnProperty.call(old, p) ? old[p] : undefined;
    const b = Object.prototype.hasOwnProperty.call(new_, p) ? new_[p] : undefined;
    if (a && b && a.value === b.value) continue;
    const definedAt = b && b.definedAt.length > 0 ? b.definedAt : (a?.definedAt ?? []);
    changes.push({ path: p, old: a ? a.value : null, new: b ? b.value : null, definedAt: [...definedAt] });
  }
  const added = changes.filter((c) => c.old === null).map((c) => c.path);
  const removed = changes.filter((c) => c.new === null).map((c) => c.path);
  return changes.filter((c) => {
    // A changed path with changed paths beneath it (a submodule instance's summary): those say it.
    if (c.old !== null && c.new !== null && changes.some((d) => isUnder(d.path, c.path))) return false;
    // A newly added (removed) path under another added (removed) one: the ancestor says it.
    if (c.old === null && added.some((a) => isUnder(c.path, a))) return false;
    if (c.new === null && removed.some((r) => isUnder(c.path, r))) return false;
    // `{ }` on one side with attributes beneath it on the other.
    const empty = c.old === null ? c.new : c.new === null ? c.old : undefined;
    if (empty === '{ }' && changes.some((d) => isUnder(d.path, c.path))) return false;
    return true;
  });
}
