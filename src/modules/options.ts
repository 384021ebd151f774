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
import { NixError, positionFile } from '../eval/errors';
import { AttrPos, Attrs, Lazy, Thunk, Value, compareBytes, force, attrsFrom } from '../eval/value';
import { callFunction1 } from '../eval/runtime';
import { Def } from './properties';
import { Merged, defsToNix, mergeDefinitions } from './merge';
import { appendName, showDefs, showFiles, showOption } from './util';

export interface Decl {
  file: string;
  options: Attrs;
  /** Where the declaration was written (the attribute in its `options` set), if known. */
  pos?: AttrPos;
}

function declarationPosition(d: Decl): Value {
  if (d.pos) {
    const { line, column } = d.pos.src.location(d.pos.start);
    // As unsafeGetAttrPos gives it (for -E text, the text itself).
    return attrsFrom({ file: positionFile(d.pos.src), line, column });
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

/** Sorted names of the attributes evalOption adds to (or replaces in) the declaration's. */
const OPTION_EXTRA_KEYS = [
  '_type',
  'declarationPositions',
  'declarations',
  'definitions',
  'definitionsWithLocations',
  'files',
  'highestPrio',
  'isDefined',
  'loc',
  'type',
  'value',
  'valueMeta',
].sort(compareBytes);

/** Where an option's raw definitions come from (a level of the option tree). */
export interface DefsSource {
  defsOf(name: string): Def[];
}

/** What an option needs from its evaluation. */
export interface OptionContext {
  /** lib.types.unspecified, the type of an option declared without one. */
  unspecified(): Lazy;
}

const FILE_IMPORTS = ['_file', 'imports'];

/** fixupOptionType: a type with sub-modules is rebuilt from every declaration's sub-modules,
 *  each wrapped in setDefaultModuleLocation (later declarations first, as nixpkgs folds). */
function optionType(o: OptionNode): Value {
  const rawType = o.fields().get('type');
  if (rawType === undefined) return force(o.ctx.unspecified());
  const t = force(rawType) as Attrs;
  const gsm = t.get('getSubModules');
  if (gsm === undefined || force(gsm) === null) return t;
  let subs: Lazy[] = [];
  for (const d of o.decls) {
    const dt = d.options.get('type');
    if (dt === undefined) continue;
    const g = (force(dt) as Attrs).get('getSubModules');
    const gv = g === undefined ? null : force(g);
    if (gv === null) continue;
    const wrapped = (gv as Lazy[]).map((m) => Attrs.fromSorted(FILE_IMPORTS, [d.file, [m]]) as Lazy);
    subs = [...wrapped, ...subs];
  }
  const subst = t.get('substSubModules');
  if (subst === undefined || subs.length === 0) return t;
  return force(callFunction1(force(subst), subs));
}

function optionValue(o: OptionNode): Value {
  const m = o.merged();
  const apply = o.fields().get('apply');
  if (apply !== undefined) return force(callFunction1(force(apply), m.value));
  return m.forceValue();
}
const optDeclarationPositions = (o: OptionNode): Value => o.decls.map(declarationPosition);
const optDefinitions = (o: OptionNode): Value => o.merged().defsFinal.map((d) => d.value);
const optFiles = (o: OptionNode): Value => o.merged().defsFinal.map((d) => d.file);
const optDefinitionsWithLocations = (o: OptionNode): Value => defsToNix(o.merged().defsFinal);
const optHighestPrio = (o: OptionNode): Value => o.merged().highestPrio;
const optIsDefined = (o: OptionNode): Value => o.merged().isDefined;
const optValueMeta = (o: OptionNode): Value => force(o.merged().valueMeta);

/**
 * One option (evalOptionValue): its declarations are merged when first needed (type
 * conflicts surface there), its definitions merged when its value or another lazy attribute
 * is used, and the option attrset built only when the option itself is asked for (reading
 * `config` needs just the value).
 */
export class OptionNode {
  private fieldsV: Attrs | undefined = undefined;
  private declarationsV: string[] | undefined = undefined;
  private mergedV: Merged | undefined = undefined;
  private typeV: Thunk | undefined = undefined;
  private valueV: Thunk | undefined = undefined;
  private attrsV: Attrs | undefined = undefined;

  constructor(
    private readonly prefix: string[],
    private readonly name: string,
    readonly decls: Decl[],
    private readonly source: DefsSource,
    readonly ctx: OptionContext,
    /** The thunk of the option's value, when its owner made one (see computeValue). */
    valueThunk?: Thunk,
  ) {
    this.valueV = valueThunk;
  }

  private locV: string[] | undefined = undefined;

  get loc(): string[] {
    if (this.locV === undefined) this.locV = appendName(this.prefix, this.name);
    return this.locV;
  }

  /** mergeOptionDecls: the declarations' attributes. */
  fields(): Attrs {
    if (this.fieldsV === undefined) {
      const decls = this.decls;
      if (decls.length === 1) {
        this.fieldsV = decls[0].options;
      } else {
        const r = mergeOptionDecls(this.loc, decls);
        this.declarationsV = r.declarations;
        this.fieldsV = new Attrs(r.fields);
      }
    }
    return this.fieldsV;
  }

  declarations(): string[] {
    this.fields();
    // One declaration (the common case): its file, made when asked for.
    if (this.declarationsV === undefined) this.declarationsV = [this.decls[0].file];
    return this.declarationsV;
  }

  type(): Thunk {
    if (this.typeV === undefined) this.typeV = new Thunk(optionType, this);
    return this.typeV;
  }

  defs(): Def[] {
    return this.source.defsOf(this.name);
  }

  merged(): Merged {
    if (this.mergedV !== undefined) return this.mergedV;
    const fields = this.fields();
    const defs = this.defs();
    const ro = fields.get('readOnly');
    if (ro !== undefined && force(ro) === true && defs.length > 1) {
      throw new NixError(
        'throw',
        `The option \`${showOption(this.loc)}' is read-only, but it's set multiple times. Definition values:${showDefs(defs)}`,
      );
    }
    // The default is a definition at mkOptionDefault priority, before the others.
    const m = mergeDefinitions(this.loc, force(this.type()) as Attrs, defs, fields.get('default'), this.decls[0].file);
    this.mergedV = m;
    return m;
  }

  /** Computes the value (after `apply`): the body of the thunk given to the constructor. */
  computeValue(): Value {
    return optionValue(this);
  }

  /** The option's value (after `apply`), the same thunk as the attrset's `value`. */
  value(): Thunk {
    if (this.valueV === undefined) this.valueV = new Thunk(optionValue, this);
    return this.valueV;
  }

  /** The option attrset. */
  attrs(): Attrs {
    if (this.attrsV !== undefined) return this.attrsV;
    const fields = this.fields();
    const extra: Lazy[] = [];
    for (const k of OPTION_EXTRA_KEYS) {
      switch (k) {
        case '_type':
          extra.push('option');
          break;
        case 'declarationPositions':
          extra.push(new Thunk(optDeclarationPositions, this));
          break;
        case 'declarations':
          extra.push(this.declarations());
          break;
        case 'definitions':
          extra.push(new Thunk(optDefinitions, this));
          break;
        case 'definitionsWithLocations':
          extra.push(new Thunk(optDefinitionsWithLocations, this));
          break;
        case 'files':
          extra.push(new Thunk(optFiles, this));
          break;
        case 'highestPrio':
          extra.push(new Thunk(optHighestPrio, this));
          break;
        case 'isDefined':
          extra.push(new Thunk(optIsDefined, this));
          break;
        case 'loc':
          extra.push(this.loc as Lazy[]);
          break;
        case 'type':
          extra.push(this.type());
          break;
        case 'value':
          extra.push(this.value());
          break;
        case 'valueMeta':
          extra.push(new Thunk(optValueMeta, this));
          break;
      }
    }
    // The declaration's attributes, with the ones above replacing any of the same name.
    const fk = fields.keys();
    const fv = fields.values();
    const ks: string[] = [];
    const vs: Lazy[] = [];
    let i = 0;
    let j = 0;
    const n = fk.length;
    const m = OPTION_EXTRA_KEYS.length;
    while (i < n || j < m) {
      if (j === m || (i < n && fk[i] < OPTION_EXTRA_KEYS[j])) {
        ks.push(fk[i]);
        vs.push(fv[i]);
        i++;
      } else {
        if (i < n && fk[i] === OPTION_EXTRA_KEYS[j]) i++;
        ks.push(OPTION_EXTRA_KEYS[j]);
        vs.push(extra[j]);
        j++;
      }
    }
    const option = Attrs.fromSorted(ks, vs);
    provenance.set(option, { decls: this.decls, definitions: () => this.defs() });
    this.attrsV = option;
    return option;
  }
}

/** The option attrset for `loc`, given its declarations and (lazily) its raw definitions. */
export function evalOption(loc: string[], decls: Decl[], getDefs: () => Def[], unspecified: () => Lazy): Attrs {
  return new OptionNode(loc.slice(0, -1), loc[loc.length - 1], decls, { defsOf: getDefs }, { unspecified }).attrs();
}
