/**
 * Documentation of every option of a configuration (`nixling options`), three ways:
 *
 *  - `optionDocs`: NixOS's options.json — name → { declarations, default, description,
 *    example, loc, readOnly, type }, following nixpkgs' optionAttrSetToDocList: every option
 *    of the tree, and the sub-options of submodule types under placeholder names
 *    (`systemd.services.<name>.script`, `….*.x` for lists), hidden (`visible = false`) and
 *    internal options left out; defaults and examples as `literalExpression`s (defaultText
 *    when given, else the value printed as Nix);
 *  - `optionsMarkdown`: the same as a Markdown reference;
 *  - `optionsJsonSchema`: a JSON Schema (draft 2020-12) of the configuration's attribute
 *    structure, for editors: option sets are objects with exactly their options, and each
 *    option's type maps to JSON (bool → boolean, int → integer with its bounds, str →
 *    string, strMatching → pattern, enum → enum, listOf → array, attrsOf → object with
 *    additionalProperties, submodule → nested object, nullOr → anyOf with null,
 *    either/oneOf/coercedTo → anyOf, package/path → string, anything else → {}).
 */
import { Attrs, Lazy, NixFloat, NixPath, Thunk, Value, force, isString, strOf } from '../eval/value';
import { callFunction1 } from '../eval/runtime';
import { isOptionValue } from '../modules/options';
import { showOption } from '../modules/util';
import { displayFile, typeDescription, typeNameOf } from './option-info';
import { printNix, tryForce } from './option-values';

// ---------------------------------------------------------------------------------------
// Readers

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

/** A description: a string or { _type = "mdDoc"; text; }. */
function descriptionText(v: Value | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (isString(v)) return strOf(v);
  return str(get(v, 'text')) ?? null;
}

const DOC_PRINT = { depth: 8, multiline: true, derivations: 'name' as const, lambdaPositions: false, maxItems: 200 };

export interface Literal {
  _type: 'literalExpression' | 'literalMD';
  text: string;
}

/** nixpkgs' renderOptionValue: a literal (`_type` + `text`) as is, a value printed as Nix. */
function renderOptionValue(l: Lazy): Literal {
  const r = tryForce(l);
  if ('value' in r && r.value instanceof Attrs) {
    const t = str(get(r.value, '_type'));
    const text = str(get(r.value, 'text'));
    if ((t === 'literalExpression' || t === 'literalMD') && text !== undefined) return { _type: t, text };
  }
  return { _type: 'literalExpression', text: printNix(l, DOC_PRINT).text };
}

function subOptions(type: Attrs | undefined, loc: string[]): Attrs | undefined {
  if (!type) return undefined;
  const gsm = get(type, 'getSubModules');
  if (gsm === undefined || gsm === null) return undefined;
  const g = type.get('getSubOptions');
  if (g === undefined) return undefined;
  const r = tryForce(new Thunk(() => force(callFunction1(force(g), loc as Lazy[] as any)), undefined));
  return 'value' in r && r.value instanceof Attrs ? r.value : undefined;
}

// ---------------------------------------------------------------------------------------
// options.json

export interface OptionDoc {
  declarations: string[];
  /** file:line:column of each declaration, when known (not in NixOS's options.json). */
  declarationPositions: { file: string; line: number | null; column: number | null }[];
  default?: Literal;
  description: string | null;
  example?: Literal;
  loc: string[];
  readOnly: boolean;
  type: string;
  /** The type's name (`attrsOf`, `submodule`, …; not in NixOS's options.json). */
  typeName: string | null;
}

const MAX_DOC_DEPTH = 24;

/** Walks every option of a tree (and of submodule types beneath), calling `f` for each. */
export function forEachOption(
  options: Attrs,
  f: (option: Attrs, loc: string[], visible: boolean, internal: boolean) => void,
  parentVisible = true,
  parentInternal = false,
  depth = 0,
): void {
  if (depth > MAX_DOC_DEPTH) return;
  for (const name of options.keys()) {
    if (name === '_module') continue;
    const r = tryForce(options.get(name)!);
    if (!('value' in r) || !(r.value instanceof Attrs)) continue;
    const node = r.value;
    if (!isOptionValue(node)) {
      forEachOption(node, f, parentVisible, parentInternal, depth + 1);
      continue;
    }
    const vis = get(node, 'visible');
    const visible = parentVisible && vis !== false;
    const internal = parentInternal || get(node, 'internal') === true;
    const locV = get(node, 'loc');
    const loc = Array.isArray(locV) ? locV.map((x) => str(force(x)) ?? '?') : [name];
    f(node, loc, visible, internal);
    if (!visible || vis === 'shallow') continue;
    const type = get(node, 'type');
    const subs = subOptions(type instanceof Attrs ? type : undefined, loc);
    if (subs) forEachOption(subs, f, visible, internal, depth + 1);
  }
}

/** Options of a tree as NixOS's options.json (visible, non-internal), sorted by name. */
export function optionDocs(options: Attrs): Record<string, OptionDoc> {
  const entries: [string, OptionDoc][] = [];
  forEachOption(options, (opt, loc, visible, internal) => {
    if (!visible || internal) return;
    const type = get(opt, 'type');
    const t = type instanceof Attrs ? type : undefined;
    const decls = get(opt, 'declarations');
    const positions = get(opt, 'declarationPositions');
    const doc: OptionDoc = {
      declarations: Array.isArray(decls) ? decls.map((d) => str(force(d)) ?? '?') : [],
      declarationPositions: Array.isArray(positions)
        ? positions.map((p) => {
            const a = force(p);
            const line = get(a, 'line');
            const column = get(a, 'column');
            return { file: str(get(a, 'file')) ?? '?', line: typeof line === 'number' ? line : null, column: typeof column === 'number' ? column : null };
          })
        : [],
      description: descriptionText(get(opt, 'description')),
      loc,
      readOnly: get(opt, 'readOnly') === true,
      type: typeDescription(t) ?? 'unspecified',
      typeName: typeNameOf(t),
    };
    if (opt.has('defaultText') && get(opt, 'defaultText') !== null) doc.default = renderOptionValue(opt.get('defaultText')!);
    else if (opt.has('default')) doc.default = renderOptionValue(opt.get('default')!);
    if (opt.has('example')) doc.example = renderOptionValue(opt.get('example')!);
    entries.push([showOption(loc), doc]);
  });
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Record<string, OptionDoc> = {};
  for (const [k, v] of entries) out[k] = v;
  return out;
}

// ---------------------------------------------------------------------------------------
// Markdown

function codeBlock(text: string): string {
  const fence = text.includes('```') ? '~~~~' : '```';
  return `${fence}nix\n${text}\n${fence}`;
}

function literalMarkdown(l: Literal): string {
  const text = l.text.trim();
  if (l._type === 'literalMD') return text.includes('\n') ? '\n\n' + text : text;
  return text.includes('\n') ? '\n\n' + codeBlock(text) : '`' + text + '`';
}

/** The options as a Markdown reference (one section per option). */
export function optionsMarkdown(docs: Record<string, OptionDoc>, title = 'Options'): string {
  const out: string[] = [`# ${title}`, ''];
  for (const [name, d] of Object.entries(docs)) {
    out.push(`## \`${name}\``, '');
    if (d.description) out.push(d.description.trim(), '');
    out.push(`*Type:* ${d.type}${d.readOnly ? ' *(read only)*' : ''}`, '');
    if (d.default) out.push(`*Default:* ${literalMarkdown(d.default)}`, '');
    if (d.example) out.push(`*Example:* ${literalMarkdown(d.example)}`, '');
    const where = d.declarationPositions.length
      ? d.declarationPositions.map((p) => displayFile(p.file) + (p.line ? `:${p.line}` : ''))
      : d.declarations.map((f) => displayFile(f));
    if (where.length) out.push(`*Declared by:* ${where.map((w) => '`' + w + '`').join(', ')}`, '');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------
// JSON Schema

export type JsonSchema = { [k: string]: unknown };

const JSON_SCHEMA_DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/** A Nix value as JSON for `default` / `examples` (undefined when not plain data). */
function toJson(l: Lazy, depth = 0): unknown {
  if (depth > 8) return undefined;
  const r = tryForce(l);
  if ('error' in r) return undefined;
  const v = r.value;
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return undefined;
  if (isString(v)) return strOf(v);
  if (v instanceof NixFloat) return v.value;
  if (v instanceof NixPath) return v.path;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const j = toJson(x, depth + 1);
      if (j === undefined) return undefined;
      out.push(j);
    }
    return out;
  }
  if (v instanceof Attrs) {
    if (v.has('_type') || (v.has('type') && str(get(v, 'type')) === 'derivation')) return undefined;
    const out: Record<string, unknown> = {};
    for (const k of v.keys()) {
      const j = toJson(v.get(k)!, depth + 1);
      if (j === undefined) return undefined;
      out[k] = j;
    }
    return out;
  }
  return undefined;
}

/** A POSIX extended regex (builtins.match) as an anchored ECMAScript one, or undefined. */
export function posixToJsRegex(re: string): string | undefined {
  const classes: Record<string, string> = {
    alnum: 'A-Za-z0-9',
    alpha: 'A-Za-z',
    digit: '0-9',
    upper: 'A-Z',
    lower: 'a-z',
    space: ' \\t\\n\\r\\f\\v',
    blank: ' \\t',
    xdigit: '0-9A-Fa-f',
    punct: '!-\\/:-@\\[-`{-~',
    word: 'A-Za-z0-9_',
  };
  let ok = true;
  const converted = re.replace(/\[:([a-z]+):\]/g, (_, c: string) => {
    if (!(c in classes)) ok = false;
    return classes[c] ?? '';
  });
  if (!ok) return undefined;
  const js = `^(?:${converted})$`;
  try {
    new RegExp(js, 'u');
    return js;
  } catch {
    return undefined;
  }
}

function bounds(desc: string | null): { minimum?: number; maximum?: number } {
  const m = desc && /between (-?\d+(?:\.\d+)?) and (-?\d+(?:\.\d+)?) \(both inclusive\)/.exec(desc);
  if (!m) return {};
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  return {
    ...(Number.isSafeInteger(lo) || !Number.isInteger(lo) ? { minimum: lo } : {}),
    ...(Number.isSafeInteger(hi) || !Number.isInteger(hi) ? { maximum: hi } : {}),
  };
}

interface SchemaContext {
  /** Types being converted (a recursive type becomes {} where it recurs). */
  stack: Set<Attrs>;
  depth: number;
}

function nested(type: Attrs, name: string): Attrs | undefined {
  const t = get(get(type, 'nestedTypes'), name);
  return t instanceof Attrs ? t : undefined;
}

/** anyOf of the schemas, flattened and without repeats ({} absorbs everything). */
function anyOf(schemas: JsonSchema[]): JsonSchema {
  const flat: JsonSchema[] = [];
  const seen = new Set<string>();
  const add = (s: JsonSchema) => {
    const key = JSON.stringify(s);
    if (!seen.has(key)) {
      seen.add(key);
      flat.push(s);
    }
  };
  for (const s of schemas) {
    if (Object.keys(s).length === 0) return {};
    if (Object.keys(s).length === 1 && Array.isArray(s.anyOf)) (s.anyOf as JsonSchema[]).forEach(add);
    else add(s);
  }
  return flat.length === 1 ? flat[0] : { anyOf: flat };
}

/** The JSON Schema of values of an option type. */
export function typeSchema(type: Attrs | undefined, loc: string[], ctx: SchemaContext = { stack: new Set(), depth: 0 }): JsonSchema {
  if (!type || ctx.stack.has(type) || ctx.depth > MAX_DOC_DEPTH) return {};
  ctx.stack.add(type);
  ctx.depth++;
  try {
    return typeSchemaOf(type, loc, ctx);
  } finally {
    ctx.stack.delete(type);
    ctx.depth--;
  }
}

function typeSchemaOf(type: Attrs, loc: string[], ctx: SchemaContext): JsonSchema {
  const name = typeNameOf(type) ?? '';
  const desc = typeDescription(type);
  const elem = () => typeSchema(nested(type, 'elemType'), [...loc, '*'], ctx);
  switch (name) {
    case 'bool':
    case 'boolean':
    case 'boolByOr':
      return { type: 'boolean' };
    case 'int':
    case 'intBetween':
      return { type: 'integer', ...bounds(desc) };
    case 'unsignedInt':
      return { type: 'integer', minimum: 0 };
    case 'positiveInt':
      return { type: 'integer', minimum: 1 };
    case 'float':
      return { type: 'number' };
    case 'number':
    case 'numberBetween':
      return { type: 'number', ...bounds(desc) };
    case 'numberNonnegative':
      return { type: 'number', minimum: 0 };
    case 'numberPositive':
      return { type: 'number', exclusiveMinimum: 0 };
    case 'str':
    case 'string':
    case 'separatedString':
    case 'singleLineStr':
    case 'lines':
    case 'commas':
    case 'envVar':
    case 'package':
    case 'shellPackage':
    case 'path':
    case 'pathInStore':
      return { type: 'string' };
    case 'nonEmptyStr':
      return { type: 'string', minLength: 1 };
    case 'enum': {
      const vals = get(get(get(type, 'functor'), 'payload'), 'values');
      if (Array.isArray(vals)) {
        const js = vals.map((v) => toJson(v));
        if (js.every((j) => j !== undefined)) return { enum: js };
      }
      return {};
    }
    case 'listOf':
      return { type: 'array', items: elem() };
    case 'attrsOf':
    case 'lazyAttrsOf':
      return { type: 'object', additionalProperties: typeSchema(nested(type, 'elemType'), [...loc, '<name>'], ctx) };
    case 'attrs':
      return { type: 'object' };
    case 'nullOr':
      return anyOf([{ type: 'null' }, elem()]);
    case 'unique':
    case 'uniq':
      return elem();
    case 'either':
      return anyOf([typeSchema(nested(type, 'left'), loc, ctx), typeSchema(nested(type, 'right'), loc, ctx)]);
    case 'coercedTo':
      return anyOf([typeSchema(nested(type, 'finalType'), loc, ctx), typeSchema(nested(type, 'coercedType'), loc, ctx)]);
    case 'submodule': {
      const subs = subOptions(type, loc);
      return subs ? treeSchema(subs, loc, ctx) : { type: 'object' };
    }
  }
  if (name.startsWith('strMatching ')) {
    let pattern: string | undefined;
    try {
      const p = JSON.parse(name.slice('strMatching '.length));
      if (typeof p === 'string') pattern = posixToJsRegex(p);
    } catch {
      pattern = undefined;
    }
    return pattern ? { type: 'string', pattern } : { type: 'string' };
  }
  if (/^u?int\d+$/.test(name)) return { type: 'integer', ...bounds(desc) };
  if (name.startsWith('passwdEntry ')) return { type: 'string', pattern: '^[^:\\n]*$' };
  return {};
}

/** The freeform type of an option tree (`_module.freeformType`), if any. */
function freeformOf(options: Attrs): Attrs | undefined {
  const mod = get(options, '_module');
  const ft = get(get(mod, 'freeformType'), 'value');
  return ft instanceof Attrs ? ft : undefined;
}

function optionSchema(opt: Attrs, loc: string[], ctx: SchemaContext): JsonSchema {
  const type = get(opt, 'type');
  const s: JsonSchema = { ...typeSchema(type instanceof Attrs ? type : undefined, loc, ctx) };
  const d = descriptionText(get(opt, 'description'));
  if (d) s.description = d;
  if (opt.has('default') && !opt.has('defaultText')) {
    const j = toJson(opt.get('default')!);
    if (j !== undefined) s.default = j;
  }
  if (opt.has('example')) {
    const j = toJson(opt.get('example')!);
    if (j !== undefined) s.examples = [j];
  }
  if (get(opt, 'readOnly') === true) s.readOnly = true;
  return s;
}

/** The schema of an option tree: an object with its options and option sets as properties. */
function treeSchema(options: Attrs, loc: string[], ctx: SchemaContext): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const name of options.keys()) {
    if (name === '_module') continue;
    const r = tryForce(options.get(name)!);
    if (!('value' in r) || !(r.value instanceof Attrs)) continue;
    const node = r.value;
    if (isOptionValue(node)) {
      if (get(node, 'internal') === true || get(node, 'visible') === false) {
        properties[name] = {};
        continue;
      }
      properties[name] = optionSchema(node, [...loc, name], ctx);
    } else properties[name] = treeSchema(node, [...loc, name], ctx);
  }
  const ft = freeformOf(options);
  let additional: JsonSchema | false = false;
  if (ft) {
    const fname = typeNameOf(ft);
    additional = fname === 'attrsOf' || fname === 'lazyAttrsOf' ? typeSchema(nested(ft, 'elemType'), [...loc, '<name>'], ctx) : {};
  }
  return { type: 'object', properties, additionalProperties: additional };
}

/** A JSON Schema (draft 2020-12) of a configuration's option tree. */
export function optionsJsonSchema(options: Attrs, title?: string): JsonSchema {
  const body = treeSchema(options, [], { stack: new Set(), depth: 0 });
  return { $schema: JSON_SCHEMA_DRAFT, ...(title ? { title } : {}), ...body };
}
