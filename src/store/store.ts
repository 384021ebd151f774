/**
 * The local store: computes the paths of things added to it and, unless read-only, writes
 * them into the physical store (ROOT/STOREDIR) and registers them in the path database.
 *
 * Everything added during this process is also remembered in memory (its references, and
 * derivations themselves), so that closures and derivation hashes work in read-only mode
 * where nothing is written, as `nix-instantiate --readonly-mode` needs.
 *
 * Writes are atomic: content goes to a temporary name in the store directory and is renamed
 * into place, then registered. A path that is already valid is not written again.
 */
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { StoreConfig } from './config';
import { PathDatabase, PathInfo } from './db';
import { Derivation, DerivationParts, parseDerivation } from './derivation';
import { DerivationHasher, derivationReferences } from './derivation-hash';
import { Hash, hashString } from './hash';
import { fileTypeOf, fsPath, hashFile, hashPath, narOfContents, PathFilter } from './nar';
import { ContentAddressMethod, DRV_EXTENSION, namePartOf, StoreDir } from './store-path';

export interface AddedPath {
  path: string;
  /** The content hash the path was computed from (NAR or flat sha256). */
  hash: Hash;
}

/** The references of a `.drv` without inputs (shared: reference lists are never modified). */
const NO_REFERENCES: string[] = [];

export class Store {
  readonly dir: StoreDir;
  readonly db: PathDatabase;
  readonly hasher: DerivationHasher;
  /** References of paths added in this process (written or not). */
  private readonly known = new Map<string, string[]>();
  private readonly derivations = new Map<string, Derivation>();
  /** The references of `.drv` files by their (shared) inputs (see drvReferences). */
  private readonly referencesByInputs = new WeakMap<ReadonlyMap<string, ReadonlySet<string>>, { srcs: ReadonlySet<string>; refs: string[] }>();
  /** Source paths already copied: filesystem path → store path. */
  private readonly sources = new Map<string, string>();

  constructor(readonly config: StoreConfig) {
    this.dir = new StoreDir(config.storeDir);
    this.db = new PathDatabase(config.stateDir);
    this.hasher = new DerivationHasher(this.dir, (p) => this.readDerivation(p));
  }

  get storeDir(): string {
    return this.config.storeDir;
  }

  /** Where a store path physically is. */
  physicalPath(storePath: string): string {
    return this.config.root + storePath;
  }

  isValidPath(storePath: string): boolean {
    return this.known.has(storePath) || this.db.query(storePath) !== undefined;
  }

  queryPathInfo(storePath: string): PathInfo | undefined {
    return this.db.query(storePath);
  }

  queryReferences(storePath: string): string[] | undefined {
    return this.known.get(storePath) ?? this.db.query(storePath)?.references;
  }

  /** The closure of a path under the references relation (including the path). */
  computeFSClosure(start: string): Set<string> {
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length > 0) {
      const p = todo.pop()!;
      if (seen.has(p)) continue;
      const refs = this.queryReferences(p);
      if (refs === undefined) throw new Error(`path '${p}' is not valid`);
      seen.add(p);
      for (const r of refs) if (!seen.has(r)) todo.push(r);
    }
    return seen;
  }

  // -------------------------------------------------------------------------------------
  // Adding paths

  /** A text file with references (`builtins.toFile`, `.drv` files). `text` is a byte string. */
  addTextToStore(name: string, text: string, references: Iterable<string>): string {
    return this.addText(name, text, hashString('sha256', text), [...new Set(references)].sort());
  }

  /**
   * addTextToStore with the text's sha256 known and the references sorted; the text may be
   * a function making it (only called when the path is written).
   */
  private addText(name: string, text: string | (() => string), hash: Hash, refs: string[]): string {
    const p = this.dir.makeTextPath(name, hash, refs);
    if (!this.config.readOnly && !this.db.query(p)) {
      const data = Buffer.from(typeof text === 'string' ? text : text(), 'latin1');
      this.writeAtomically(p, (tmp) => {
        fs.writeFileSync(tmp, data, { mode: 0o444 });
      });
      const nar = narOfContents(data);
      this.register(p, refs, hashString('sha256', nar), nar.length, `text:sha256:${hash.nix32}`);
    }
    this.known.set(p, refs);
    return p;
  }

  /**
   * Adds a filesystem path (a byte string) as a content-addressed path: `nar` hashes the NAR
   * serialisation (after `filter`), `flat` the contents of a regular file.
   */
  addPathToStore(
    name: string,
    srcPath: string,
    method: 'nar' | 'flat' = 'nar',
    filter?: PathFilter,
    references: string[] = [],
  ): AddedPath {
    // The filter is a Nix function: ask it once per path, even when hashing and copying.
    if (filter) filter = memoFilter(filter);
    let hash: Hash;
    if (method === 'nar') hash = hashPath(srcPath, 'sha256', filter).hash;
    else {
      const st = fs.statSync(fsPath(srcPath));
      if (!st.isFile()) throw new Error(`file '${srcPath}' has an unsupported type`);
      hash = hashFile(srcPath, 'sha256');
    }
    const refs = [...references].sort();
    const p = this.dir.makeFixedOutputPath(name, method, hash, refs);
    if (!this.config.readOnly && !this.db.query(p)) {
      this.writeAtomically(p, (tmp) => copyTree(srcPath, tmp, filter, method === 'flat'));
      const nar = hashPath(this.physicalPath(p), 'sha256');
      const ca = `fixed:${method === 'nar' ? 'r:' : ''}sha256:${hash.nix32}`;
      this.register(p, refs, nar.hash, nar.size, ca);
    }
    this.known.set(p, refs);
    return { path: p, hash };
  }

  /** Copies a source path (a path literal being coerced to a string), memoised per path. */
  copySourcePath(srcPath: string): string {
    let p = this.sources.get(srcPath);
    if (p === undefined) {
      const base = srcPath.slice(srcPath.lastIndexOf('/') + 1);
      p = this.addPathToStore(base, srcPath, 'nar').path;
      this.sources.set(srcPath, p);
    }
    return p;
  }

  // -------------------------------------------------------------------------------------
  // Derivations

  /** Computes a derivation's path, remembers it, and writes it unless read-only. */
  writeDerivation(drv: Derivation): string {
    return this.putDerivation(drv, new DerivationParts(drv)).path;
  }

  /**
   * The references of a `.drv` file, sorted; made once for derivations sharing their inputs
   * (see collectInputs in builtins/derivations.ts).
   */
  private drvReferences(drv: Derivation): string[] {
    if (drv.inputDrvs.size === 0 && drv.inputSrcs.size === 0) return NO_REFERENCES;
    const known = this.referencesByInputs.get(drv.inputDrvs);
    if (known !== undefined && known.srcs === drv.inputSrcs) return known.refs;
    const refs = [...derivationReferences(drv)].sort();
    this.referencesByInputs.set(drv.inputDrvs, { srcs: drv.inputSrcs, refs });
    return refs;
  }

  /** writeDerivation from the ATerm's parts; also gives the hash of the `.drv` text. */
  private putDerivation(drv: Derivation, parts: DerivationParts): { path: string; textHash: Hash } {
    const inputDrvs = parts.inputDrvs();
    const textHash = parts.hash(inputDrvs, false);
    const p = this.addText(drv.name + DRV_EXTENSION, () => parts.text(inputDrvs, false), textHash, this.drvReferences(drv));
    this.derivations.set(p, drv);
    return { path: p, textHash };
  }

  /**
   * Adds a derivation being instantiated: fills in the paths of its deferred
   * (input-addressed) outputs and writes it (unless read-only). The masked ATerm and the
   * `.drv` text share their parts. Its hash modulo is computed when it is first an input
   * (most derivations never are), except without input derivations, where it is the hash
   * of the `.drv` text and known already.
   */
  addDerivation(drv: Derivation): string {
    const parts = new DerivationParts(drv);
    for (const o of drv.outputs.values()) {
      if (o.kind === 'deferred') {
        this.hasher.fillInOutputPaths(drv, parts);
        break;
      }
    }
    const { path, textHash } = this.putDerivation(drv, parts);
    if (drv.inputDrvs.size === 0) this.hasher.remember(path, this.hasher.hashInput(drv, parts, textHash));
    return path;
  }

  readDerivation(drvPath: string): Derivation {
    const d = this.derivations.get(drvPath);
    if (d) return d;
    let text: string;
    try {
      text = fs.readFileSync(fsPath(this.physicalPath(drvPath))).toString('latin1');
    } catch {
      throw new Error(`path '${drvPath}' is not valid`);
    }
    const name = namePartOf(drvPath).slice(0, -DRV_EXTENSION.length);
    const drv = parseDerivation(text, name);
    this.derivations.set(drvPath, drv);
    return drv;
  }

  // -------------------------------------------------------------------------------------
  // Writing

  private writeAtomically(storePath: string, write: (tmp: string) => void): void {
    const phys = this.physicalPath(storePath);
    const physDir = this.physicalPath(this.storeDir);
    fs.mkdirSync(fsPath(physDir), { recursive: true });
    const tmp = `${physDir}/.tmp-${process.pid}-${randomBytes(6).toString('hex')}-${namePartOf(storePath)}`;
    try {
      write(tmp);
      // A leftover from an interrupted write (present but never registered) is replaced.
      removeTree(phys);
      fs.renameSync(fsPath(tmp), fsPath(phys));
    } catch (e) {
      removeTree(tmp);
      throw e;
    }
  }

  private register(p: string, references: string[], narHash: Hash, narSize: number, ca?: string): void {
    this.db.register({
      path: p,
      references,
      narHash: `sha256:${narHash.nix32}`,
      narSize,
      ca,
      registrationTime: Math.floor(Date.now() / 1000),
    });
  }
}

function memoFilter(filter: PathFilter): PathFilter {
  const seen = new Map<string, boolean>();
  return (p, type) => {
    let r = seen.get(p);
    if (r === undefined) seen.set(p, (r = filter(p, type)));
    return r;
  };
}

/** Removes a file or directory tree (making directories writable first, as store dirs are not). */
export function removeTree(p: string): void {
  const b = fsPath(p);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(b);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    fs.chmodSync(b, 0o755);
    for (const name of fs.readdirSync(b, { encoding: 'buffer' }) as Buffer[]) {
      removeTree(p + '/' + name.toString('latin1'));
    }
    fs.rmdirSync(b);
  } else fs.unlinkSync(b);
}

/**
 * Copies `src` to `dst` as the store holds it: regular files (0444, or 0555 when
 * executable), symlinks and directories (0555), applying the filter below the top.
 */
function copyTree(src: string, dst: string, filter: PathFilter | undefined, flat: boolean): void {
  const s = fsPath(src);
  const d = fsPath(dst);
  const st = fs.lstatSync(s);
  if (st.isFile()) {
    fs.copyFileSync(s, d);
    fs.chmodSync(d, !flat && st.mode & 0o100 ? 0o555 : 0o444);
  } else if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(s, { encoding: 'buffer' }) as Buffer, d);
  } else if (st.isDirectory()) {
    fs.mkdirSync(d, { mode: 0o755 });
    for (const nb of fs.readdirSync(s, { encoding: 'buffer' }) as Buffer[]) {
      const name = nb.toString('latin1');
      const child = src + '/' + name;
      if (filter && !filter(child, fileTypeOf(fs.lstatSync(fsPath(child))))) continue;
      copyTree(child, dst + '/' + name, filter, false);
    }
    fs.chmodSync(d, 0o555);
  } else {
    throw new Error(`file '${src}' has an unsupported type`);
  }
}

export type { ContentAddressMethod };
