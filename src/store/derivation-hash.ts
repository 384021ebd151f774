/**
 * Hashing derivations "modulo" fixed-output inputs, which is how Nix gives input-addressed
 * outputs their paths:
 *
 * - A fixed-output derivation hashes to `sha256("fixed:out:METHODALGO:HEX:OUTPATH")` per
 *   output, so two ways of fetching the same content are interchangeable as inputs.
 * - Any other derivation hashes to the sha256 of its ATerm in which every input derivation
 *   path is replaced by that input's hash modulo (base16), with a fixed-output input
 *   standing in as its output hash with the single output `out`.
 * - To compute its own output paths, a derivation is hashed with its outputs masked (empty
 *   paths, and empty env entries for the outputs); then output ID gets
 *   `makeOutputPath(ID, hash, name)`.
 *
 * The results for derivation paths are memoised, and derivations created during evaluation
 * are known before (or without) being written to the store.
 */
import { Hash, hashString } from './hash';
import { Derivation, DerivationParts, isFixedOutput, unparseDerivation, unparseInputDrvs } from './derivation';
import { StoreDir } from './store-path';

export type HashModulo =
  | { kind: 'drv'; hash: Hash }
  | { kind: 'fixed'; outputs: Map<string, Hash> }
  | { kind: 'deferred' };

/** A fixed-output input stands in as its output hash with the single output `out`. */
const ONLY_OUT: ReadonlySet<string> = new Set(['out']);

export class DerivationHasher {
  private readonly cache = new Map<string, HashModulo>();
  /** The unparsed input derivations keyed by hash modulo, by input derivations (see moduloInputDrvs). */
  private readonly moduloByInputs = new WeakMap<ReadonlyMap<string, ReadonlySet<string>>, string>();

  constructor(
    readonly store: StoreDir,
    /** Reads an input derivation (from memory or the store). */
    private readonly readDerivation: (drvPath: string) => Derivation,
  ) {}

  /** Records the hash of a derivation known by path (e.g. just instantiated). */
  remember(drvPath: string, h: HashModulo): void {
    this.cache.set(drvPath, h);
  }

  /** The hash modulo of the derivation at `drvPath` (memoised). */
  pathInputModulo(drvPath: string): HashModulo {
    let h = this.cache.get(drvPath);
    if (h === undefined) {
      h = this.hashInput(this.readDerivation(drvPath));
      this.cache.set(drvPath, h);
    }
    return h;
  }

  /**
   * The hash of a derivation as an input to others (outputs not masked). `textHash`, the
   * hash of the derivation's own ATerm if known, is the answer when it has no input
   * derivations (nothing to replace).
   */
  hashInput(drv: Derivation, parts = new DerivationParts(drv), textHash?: Hash): HashModulo {
    if (isFixedOutput(drv)) {
      const outputs = new Map<string, Hash>();
      for (const [id, o] of drv.outputs) {
        if (o.kind !== 'caFixed') continue;
        const fp = `fixed:out:${o.method === 'nar' ? 'r:' : o.method === 'text' ? 'text:' : ''}${o.hash.algo}:${o.hash.base16}:${o.path}`;
        outputs.set(id, hashString('sha256', fp));
      }
      return { kind: 'fixed', outputs };
    }
    for (const o of drv.outputs.values()) if (o.kind !== 'inputAddressed') return { kind: 'deferred' };
    if (textHash !== undefined && drv.inputDrvs.size === 0) return { kind: 'drv', hash: textHash };
    const inputs = this.moduloInputDrvs(drv, parts);
    if (inputs === null) return { kind: 'deferred' };
    return { kind: 'drv', hash: parts.hash(inputs, false) };
  }

  /** The hash with outputs masked, from which the derivation's own output paths follow. */
  hashMasked(drv: Derivation, parts = new DerivationParts(drv)): Hash | undefined {
    const inputs = this.moduloInputDrvs(drv, parts);
    if (inputs === null) return undefined;
    return parts.hash(inputs, true);
  }

  /**
   * The unparsed input derivations keyed by their hash modulo (null if one is deferred),
   * kept with the parts: the masked and the input hash both use it.
   */
  private moduloInputDrvs(drv: Derivation, parts: DerivationParts): string | null {
    if (parts.moduloInputDrvs !== undefined) return parts.moduloInputDrvs;
    // Derivations with the same inputs share them (see collectInputs): made once.
    const known = this.moduloByInputs.get(drv.inputDrvs);
    if (known !== undefined) return (parts.moduloInputDrvs = known);
    const m = this.makeModuloInputDrvs(drv);
    if (m !== null) this.moduloByInputs.set(drv.inputDrvs, m);
    return (parts.moduloInputDrvs = m);
  }

  private makeModuloInputDrvs(drv: Derivation): string | null {
    // Output name sets are shared with the input derivations (and ONLY_OUT) unless two
    // inputs have the same hash, when a merged copy is made: they are never modified.
    const out = new Map<string, ReadonlySet<string>>();
    const add = (key: string, names: ReadonlySet<string>) => {
      const s = out.get(key);
      if (s === undefined) out.set(key, names);
      else if (s !== names) out.set(key, new Set([...s, ...names]));
    };
    let deferred = false;
    for (const [drvPath, outputNames] of drv.inputDrvs) {
      const h = this.pathInputModulo(drvPath);
      if (h.kind === 'deferred') {
        deferred = true;
        break;
      }
      if (h.kind === 'drv') add(h.hash.base16, outputNames);
      else {
        for (const name of outputNames) {
          const oh = h.outputs.get(name);
          if (!oh) throw new Error(`no hash for output '${name}' of derivation '${drv.name}'`);
          add(oh.base16, ONLY_OUT);
        }
      }
    }
    return deferred ? null : unparseInputDrvs(out);
  }

  /**
   * Fills in the paths of an input-addressed derivation's outputs (which must be deferred,
   * with env entries for them): the paths follow from the masked hash.
   */
  fillInOutputPaths(drv: Derivation, parts = new DerivationParts(drv)): void {
    const h = this.hashMasked(drv, parts);
    if (h === undefined) return;
    for (const id of drv.outputs.keys()) {
      const p = this.store.makeOutputPath(id, h, drv.name);
      drv.env.set(id, p);
      drv.outputs.set(id, { kind: 'inputAddressed', path: p });
    }
  }
}

/** What a `.drv` file references: its input sources and input derivations. */
export function derivationReferences(drv: Derivation): Set<string> {
  const refs = new Set(drv.inputSrcs);
  for (const p of drv.inputDrvs.keys()) refs.add(p);
  return refs;
}

/** The store path of a derivation: a text path named NAME.drv referencing its inputs. */
export function derivationPath(store: StoreDir, drv: Derivation, aterm = unparseDerivation(drv)): string {
  return store.makeTextPath(drv.name + '.drv', hashString('sha256', aterm), derivationReferences(drv));
}
