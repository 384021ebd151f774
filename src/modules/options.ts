/**
 * Option declarations and option values (nixpkgs lib/modules.nix mergeOptionDecls and
 * evalOptionValue).
 *
 * mergeOptionDecls folds the declarations of one location: at most one may carry
 * default/example/description/apply, types are combined with `type.typeMerge
 * other.functor` (null → "is already declared in"), a missing type is
 * `types.unspecified`; `declarations` lists the declaring files.
 * evalOptionValue prepends the default as a definition at mkOptionDefault priority (1500),
 * enforces readOnly, merges (see merge.ts), applies `apply`, and returns the option
 * attrset with value, isDefined, highestPrio, definitions, files, definitionsWithLocations.
 * The merge is done once per option and only when one of those fields is forced.
 */
import { NixError } from '../eval/errors';
import { AttrPos, Attrs, Lazy, Thunk, Value, force, attrsFrom } from '../eval/value';
import { callFunction1 } from '../eval/runtime';
import { Def } from './properties';
import { Merged, defsToNix, mergeDefinitions } from './merge';
import { showDefs, showFiles, showOption } from './util';

export interface Decl {
  file: string;
  options: Attrs;
  /** Where the declaration was written (the attribute in its `options` set), if known. */
  pos?: AttrPos;
}

function declarationPosition(d: Decl): Value {
  if (d.pos) {
    const { line, column } = d.pos.src.location(d.pos.start);
    return attrsFrom({ file: d.pos.src.path ?? d.file, line, column });
  }
  return attrsFrom({ file: d.file, line: null, column: null });
}

export const OPTION_DEFAULT_PRIORITY = 1500;

/**
 * Provenance of an option beyond its Nix-visible attributes (for `nixling option`): its
 * declarations (with positions) and its raw definitions (before mkIf/mkOverride are
 * discharged, without the default), each with the position it was written at when known.
 */
export interface OptionProvenance {
  decls: Decl[];
  definitions: () => Def[];
}

const provenance = new WeakMap<Attrs, OptionProvenance>();

/** The provenance of an option attrset made by evalOption (undefined for other values). */
export function optionProvenance(option: Attrs): OptionProvenance | undefined {
  return provenance.get(option);
}

export function isOptionValue(v: Value): v is Attrs {
  if (!(v instanceof Attrs)) return false;
  const t = v.get('_type');
  return t !== undefined && force(t) === 'option';
}

function mergeTypes(loc: string[], decl: Decl, res: Lazy, other: Lazy, files: string[]): Lazy {
  const a = force(res) as Attrs;
  const b = force(other) as Attrs;
  if (a === b) return a;
  const tm = a.get('typeMerge');
  const merged = tm !== undefined && b.has('functor') ? force(callFunction1(force(tm), b.get('functor')!)) : null;
  if (merged === null) {
    throw new NixError('throw', `The option \`${showOption(loc)}' in \`${decl.file}' is already declared in ${showFiles(files)}.`);
  }
  return merged;
}

export function mergeOptionDecls(loc: string[], decls: Decl[]): { fields: Map<string, Lazy>; declarations: string[] } {
  const fields = new Map<string, Lazy>();
  const declarations: string[] = [];
  for (const d of decls) {
    const o = d.options;
    for (const k of ['default', 'example', 'description', 'apply']) {
      if (o.has(k) && fields.has(k)) {
        throw new NixError('throw', `The option \`${showOption(loc)}' in \`${d.file}' is already declared in ${showFiles(declarations)}.`);
      }
    }
    for (const [k, v] of o.map) {
      if (k === 'type' && fields.has('type')) fields.set('type', mergeTypes(loc, d, fields.get('type')!, v, declarations));
      else fields.set(k, v);
    }
    declarations.push(d.file);
  }
  return { fields, declarations };
}

/** The option attrset for `loc`, given its declarations and (lazily) its raw definitions. */
export function evalOption(loc: string[], decls: Decl[], getDefs: () => Def[], unspecified: () => Lazy): Attrs {
  const { fields, declarations } = mergeOptionDecls(loc, decls);
  const rawTypeL = fields.get('type');
  // fixupOptionType: a type with sub-modules is rebuilt from every declaration's sub-modules,
  // each wrapped in setDefaultModuleLocation (later declarations first, as nixpkgs folds).
  const typeL: Lazy =
    rawTypeL === undefined
      ? new Thunk(unspecified as any, undefined)
      : new Thunk(() => {
          const t = force(rawTypeL) as Attrs;
          const gsm = t.get('getSubModules');
          if (gsm === undefined || force(gsm) === null) return t;
          let subs: Lazy[] = [];
          for (const d of decls) {
            const dt = d.options.get('type');
            if (dt === undefined) continue;
            const g = (force(dt) as Attrs).get('getSubModules');
            const gv = g === undefined ? null : force(g);
            if (gv === null) continue;
            const wrapped = (gv as Lazy[]).map((m) => attrsFrom({ _file: d.file, imports: [m] }) as Lazy);
            subs = [...wrapped, ...subs];
          }
          const subst = t.get('substSubModules');
          if (subst === undefined || subs.length === 0) return t;
          return force(callFunction1(force(subst), subs));
        }, undefined);
  let merged: Merged | undefined;
  const getMerged = (): Merged => {
    if (merged) return merged;
    let defs = getDefs();
    const dflt = fields.get('default');
    if (dflt !== undefined) {
      defs = [
        { file: declarations[0], value: attrsFrom({ _type: 'override', priority: OPTION_DEFAULT_PRIORITY, content: dflt }) },
        ...defs,
      ];
    }
    const ro = fields.get('readOnly');
    if (ro !== undefined && force(ro) === true && getDefs().length > 1) {
      throw new NixError(
        'throw',
        `The option \`${showOption(loc)}' is read-only, but it's set multiple times. Definition values:${showDefs(getDefs())}`,
      );
    }
    merged = mergeDefinitions(loc, force(typeL) as Attrs, defs);
    return merged;
  };
  const lazy = (f: () => Value) => new Thunk(f as any, undefined);
  const m = new Map<string, Lazy>(fields);
  m.set('_type', 'option');
  m.set('type', typeL);
  m.set('loc', loc as Lazy[]);
  m.set('declarations', declarations);
  m.set('declarationPositions', lazy(() => decls.map(declarationPosition)));
  m.set(
    'value',
    lazy(() => {
      const v = getMerged().value;
      const apply = fields.get('apply');
      if (apply !== undefined) return force(callFunction1(force(apply), v));
      return force(v);
    }),
  );
  m.set('isDefined', lazy(() => getMerged().isDefined));
  m.set('highestPrio', lazy(() => getMerged().highestPrio));
  m.set('definitions', lazy(() => getMerged().defsFinal.map((d) => d.value)));
  m.set('files', lazy(() => getMerged().defsFinal.map((d) => d.file)));
  m.set('definitionsWithLocations', lazy(() => defsToNix(getMerged().defsFinal)));
  m.set('valueMeta', lazy(() => force(getMerged().valueMeta)));
  const option = new Attrs(m);
  provenance.set(option, { decls, definitions: getDefs });
  return option;
}
