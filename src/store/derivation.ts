/**
 * Derivations and their ATerm serialisation (the `.drv` file format), exactly as Nix writes
 * and reads them:
 *
 *   Derive([("out","/nix/store/…-x","",""),…],          outputs: id, path, method+algo, hash
 *          [("/nix/store/…-y.drv",["out"]),…],          input derivations and their outputs
 *          ["/nix/store/…-src",…],                      input sources
 *          "x86_64-linux","/bin/sh",["-c","…"],         system, builder, args
 *          [("name","x"),("out","/nix/store/…-x"),…])   environment
 *
 * Every list is sorted (outputs, inputs and env by key, output names), strings escape `"`,
 * `\`, newline, carriage return and tab. Structured attributes are the env entry `__json`.
 *
 * Outputs are input-addressed (path known), fixed (content-addressed with a known hash),
 * deferred (path not yet computed: the masked form used for hashing), floating or impure
 * (path known only after the build; parsed for completeness).
 */
import { Hash, hashString, hashStrings, parseHashAlgo, parseHashUnprefixed } from './hash';
import { ContentAddressMethod, methodPrefix, parseMethodAlgo } from './store-path';

export type DerivationOutput =
  | { kind: 'inputAddressed'; path: string }
  | { kind: 'caFixed'; method: ContentAddressMethod; hash: Hash; path: string }
  | { kind: 'deferred' }
  | { kind: 'caFloating'; method: ContentAddressMethod; algo: string }
  | { kind: 'impure'; method: ContentAddressMethod; algo: string };

export interface Derivation {
  /** The derivation name (from the `.drv` path or the `name` attribute). */
  name: string;
  outputs: Map<string, DerivationOutput>;
  /** Input derivation paths → the output names used. */
  inputDrvs: Map<string, Set<string>>;
  inputSrcs: Set<string>;
  system: string;
  builder: string;
  args: string[];
  env: Map<string, string>;
}

export function emptyDerivation(name: string): Derivation {
  return {
    name,
    outputs: new Map(),
    inputDrvs: new Map(),
    inputSrcs: new Set(),
    system: '',
    builder: '',
    args: [],
    env: new Map(),
  };
}

/** The path an output will have, when it is known before building. */
export function outputPathOf(out: DerivationOutput): string | undefined {
  return out.kind === 'inputAddressed' || out.kind === 'caFixed' ? out.path : undefined;
}

/** A fixed-output derivation: exactly one output, `out`, with a known hash. */
export function isFixedOutput(drv: Derivation): boolean {
  if (drv.outputs.size !== 1) return false;
  const o = drv.outputs.get('out');
  return o !== undefined && o.kind === 'caFixed';
}

/** `hashPlaceholder`: the string `placeholder "out"` gives, replaced by the path at build time. */
export function hashPlaceholder(outputName: string): string {
  return '/' + hashString('sha256', 'nix-output:' + outputName).nix32;
}

// ---------------------------------------------------------------------------------------
// Serialisation

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const NEEDS_ESCAPE = /["\\\n\r\t]/g;

const HAS_ESCAPE = /["\\\n\r\t]/;

function quote(s: string): string {
  // Most strings (paths, names) need no escaping: skip the replace and its callbacks.
  if (!HAS_ESCAPE.test(s)) return '"' + s + '"';
  return '"' + s.replace(NEEDS_ESCAPE, (c) => ESCAPES[c]) + '"';
}

/** Strings quoted and comma-separated (one flat string). */
function joinQuoted(xs: Iterable<string>): string {
  const out: string[] = [];
  for (const x of xs) out.push(quote(x));
  return out.join(',');
}

/** The keys of a map, sorted (bytewise: strings are byte strings). */
function sortedKeys(m: ReadonlyMap<string, unknown>): string[] {
  const keys = [...m.keys()];
  // The env mostly comes in order (attribute sets are sorted): checking is cheaper.
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return keys.sort();
  return keys;
}

/** A sorted list of strings, quoted, without brackets. */
function unparseStrings(s: ReadonlySet<string>): string {
  if (s.size === 1) for (const x of s) return quote(x);
  return joinQuoted([...s].sort());
}

function unparseOutput(o: DerivationOutput): string {
  switch (o.kind) {
    case 'inputAddressed':
      return `${quote(o.path)},"",""`;
    case 'caFixed':
      return `${quote(o.path)},${quote(methodPrefix(o.method) + o.hash.algo)},${quote(o.hash.base16)}`;
    case 'deferred':
      return '"","",""';
    case 'caFloating':
      return `"",${quote(methodPrefix(o.method) + o.algo)},""`;
    case 'impure':
      return `"",${quote(methodPrefix(o.method) + o.algo)},"impure"`;
  }
}

/** The input derivations list (without brackets): `("PATH",["OUT",…]),…`, sorted. */
export function unparseInputDrvs(inputDrvs: ReadonlyMap<string, ReadonlySet<string>>): string {
  const out: string[] = [];
  for (const p of sortedKeys(inputDrvs)) out.push('(' + quote(p) + ',[' + unparseStrings(inputDrvs.get(p)!) + '])');
  return out.join(',');
}

/** unparseInputDrvs of input derivations shared by many derivations (see DerivationParts.inputDrvs). */
const unparsedInputDrvs = new WeakMap<ReadonlyMap<string, ReadonlySet<string>>, string>();

/**
 * A derivation's ATerm in parts, each string quoted once, for assembling the variants that
 * hashing needs (outputs masked; input derivations keyed by hash modulo) besides the `.drv`
 * text itself. Only the outputs and the env entries named after outputs may change between
 * them (output paths being filled in); everything else is fixed when the parts are made.
 * The variants are hashed from the parts (see hashStrings), without being made as strings.
 */
export class DerivationParts {
  /** `[SRCS],"SYSTEM","BUILDER",[ARGS]`, the same in every variant. */
  private readonly middle: string;
  /**
   * The env in key order as the runs of entries between those named after an output (which
   * are made each time): runs[0], outputKeys[0], runs[1], …
   */
  private runs: string[] = [];
  private outputKeys: string[] = [];
  private envSize = -1;
  private inputDrvsText: string | undefined;
  /**
   * The input derivations list keyed by hash modulo (null: an input's hash is deferred),
   * once the hasher has made it; the masked and the input hash share it.
   */
  moduloInputDrvs: string | null | undefined;

  constructor(readonly drv: Derivation) {
    let srcs = '';
    if (drv.inputSrcs.size > 0) srcs = joinQuoted(drv.inputSrcs.size === 1 ? drv.inputSrcs : [...drv.inputSrcs].sort());
    let args = '';
    if (drv.args.length > 0) args = joinQuoted(drv.args);
    this.middle = `[${srcs}],${quote(drv.system)},${quote(drv.builder)},[${args}]`;
  }

  /** The input derivations list as the `.drv` file has it. */
  inputDrvs(): string {
    if (this.inputDrvsText === undefined) {
      // Derivations with the same inputs share them (see collectInputs): unparsed once.
      const inputs = this.drv.inputDrvs;
      let t = unparsedInputDrvs.get(inputs);
      if (t === undefined) unparsedInputDrvs.set(inputs, (t = unparseInputDrvs(inputs)));
      this.inputDrvsText = t;
    }
    return this.inputDrvsText;
  }

  /** Splits the env into runs around the outputs' entries. */
  private splitEnv(): void {
    const { env, outputs } = this.drv;
    this.runs = [];
    this.outputKeys = [];
    // A run is joined from its pieces: one flat string, written out twice when hashing.
    let run: string[] = [];
    for (const k of sortedKeys(env)) {
      if (outputs.has(k)) {
        this.runs.push(run.join(','));
        this.outputKeys.push(k);
        run = [];
      } else run.push('(' + quote(k) + ',' + quote(env.get(k)!) + ')');
    }
    this.runs.push(run.join(','));
    this.envSize = env.size;
  }

  /**
   * The ATerm, in pieces, with `inputDrvs` (an unparsed input derivations list) and, when
   * `maskOutputs`, empty output paths and empty env entries for the outputs.
   */
  pieces(inputDrvs: string, maskOutputs: boolean): string[] {
    const drv = this.drv;
    // Filling in output paths may add env entries: then the env is split again.
    if (drv.env.size !== this.envSize) this.splitEnv();
    let outputs = '';
    for (const id of drv.outputs.size === 1 ? drv.outputs.keys() : sortedKeys(drv.outputs)) {
      const o = maskOutputs ? '"","",""' : unparseOutput(drv.outputs.get(id)!);
      outputs += (outputs === '' ? '(' : ',(') + quote(id) + ',' + o + ')';
    }
    const out = ['Derive([', outputs, '],[', inputDrvs, '],', this.middle, ',['];
    const runs = this.runs;
    let empty = true;
    const add = (s: string) => {
      if (s === '') return;
      if (!empty) out.push(',');
      out.push(s);
      empty = false;
    };
    add(runs[0]);
    for (let i = 0; i < this.outputKeys.length; i++) {
      const k = this.outputKeys[i];
      add('(' + quote(k) + ',' + (maskOutputs ? '""' : quote(drv.env.get(k)!)) + ')');
      add(runs[i + 1]);
    }
    out.push('])');
    return out;
  }

  /** The ATerm as a string (see pieces). */
  text(inputDrvs: string, maskOutputs: boolean): string {
    return this.pieces(inputDrvs, maskOutputs).join('');
  }

  /** The sha256 of the ATerm (see pieces), without making it. */
  hash(inputDrvs: string, maskOutputs: boolean): Hash {
    return hashStrings('sha256', this.pieces(inputDrvs, maskOutputs));
  }
}

/**
 * The ATerm text of a derivation. For hashing modulo, `inputDrvs` replaces the input
 * derivations (keyed by hash instead of path) and `maskOutputs` blanks the output paths.
 */
export function unparseDerivation(
  drv: Derivation,
  opts: { inputDrvs?: Map<string, Set<string>>; maskOutputs?: boolean } = {},
): string {
  const parts = new DerivationParts(drv);
  const inputDrvs = opts.inputDrvs ? unparseInputDrvs(opts.inputDrvs) : parts.inputDrvs();
  return parts.text(inputDrvs, opts.maskOutputs ?? false);
}

// ---------------------------------------------------------------------------------------
// Parsing

class ATermReader {
  pos = 0;
  constructor(
    readonly text: string,
    readonly what: string,
  ) {}

  fail(msg: string): never {
    throw new Error(`error parsing derivation '${this.what}': ${msg} at offset ${this.pos}`);
  }

  expect(s: string): void {
    if (!this.text.startsWith(s, this.pos)) this.fail(`expected string '${s}'`);
    this.pos += s.length;
  }

  peek(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  /** A list `[a,b,…]` of items read by `item`. */
  list<T>(item: () => T): T[] {
    this.expect('[');
    const out: T[] = [];
    if (this.peek(']')) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(item());
      if (this.peek(',')) this.pos++;
      else break;
    }
    this.expect(']');
    return out;
  }

  string(): string {
    this.expect('"');
    let s = '';
    const t = this.text;
    for (;;) {
      const c = t[this.pos++];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') return s;
      if (c === '\\') {
        const e = t[this.pos++];
        s += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
      } else s += c;
    }
  }
}

/** Parses a `.drv` file's text; `name` is the derivation name (from its path). */
export function parseDerivation(text: string, name: string): Derivation {
  const r = new ATermReader(text, name);
  const drv = emptyDerivation(name);
  r.expect('Derive(');
  r.list(() => {
    r.expect('(');
    const id = r.string();
    r.expect(',');
    const path = r.string();
    r.expect(',');
    const methodAlgo = r.string();
    r.expect(',');
    const hash = r.string();
    r.expect(')');
    drv.outputs.set(id, parseOutput(path, methodAlgo, hash));
  });
  r.expect(',');
  r.list(() => {
    r.expect('(');
    const p = r.string();
    r.expect(',');
    const outs = r.list(() => r.string());
    r.expect(')');
    drv.inputDrvs.set(p, new Set(outs));
  });
  r.expect(',');
  for (const s of r.list(() => r.string())) drv.inputSrcs.add(s);
  r.expect(',');
  drv.system = r.string();
  r.expect(',');
  drv.builder = r.string();
  r.expect(',');
  drv.args = r.list(() => r.string());
  r.expect(',');
  r.list(() => {
    r.expect('(');
    const k = r.string();
    r.expect(',');
    const v = r.string();
    r.expect(')');
    drv.env.set(k, v);
  });
  r.expect(')');
  if (r.pos !== text.length) r.fail('trailing garbage');
  return drv;
}

function parseOutput(path: string, methodAlgo: string, hash: string): DerivationOutput {
  if (methodAlgo !== '') {
    const { method, algo } = parseMethodAlgo(methodAlgo);
    if (hash === 'impure') return { kind: 'impure', method, algo };
    if (hash !== '') {
      return { kind: 'caFixed', method, hash: parseHashUnprefixed(hash, parseHashAlgo(algo)), path };
    }
    return { kind: 'caFloating', method, algo };
  }
  return path === '' ? { kind: 'deferred' } : { kind: 'inputAddressed', path };
}
