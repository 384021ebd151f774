/**
 * The realiser: builds a graph of derivations into the store, as nix-build does.
 *
 * - plan: from the wanted outputs, the derivations that must be built (those with a wanted
 *   output that is not valid, recursively through their inputs) in topological order;
 * - build: inputs first, independent derivations in parallel up to `jobs`; each build
 *   takes the locks of its output paths (so two nixling processes never build one output
 *   at once), re-checks validity under the lock, removes leftovers of interrupted builds,
 *   runs the builder (a process, or a native `builtin:` one), and on success canonicalises
 *   the outputs (read-only, mtime 1), checks fixed-output hashes, finds references by
 *   scanning for the hash parts of the input closure and the outputs themselves, and
 *   registers them. Only registration makes a path valid, so an interrupted build leaves
 *   at most an unregistered leftover that the next build removes; a failed build removes
 *   its outputs and reports the exit status and the last lines of its log, which is kept
 *   under ROOT/nix/var/log/nixling/drvs/ (beside the state directory).
 *
 * Outputs are built in place (the builder is told the final path, since outputs may refer
 * to themselves); registration in the path database is the atomic step.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builderEnv, runBuilder } from './builder';
import { nativeBuilder, nativeBuilderNames } from './builtins-registry';
import './native/index';
import { Derivation, DerivationOutput, outputPathOf } from './derivation';
import { hashFile, hashPath, fsPath } from './nar';
import { lockAll, Lock } from './lock';
import { scanForReferences } from './references';
import { baseNameOf } from './store-path';
import { removeTree, Store } from './store';
import { Hash } from './hash';

/** What to realise: a derivation and the outputs wanted (all of them when undefined). */
export interface BuildTarget {
  drvPath: string;
  outputs?: string[];
}

/** Parses `DRV` or `DRV!out1,out2` (what collectDerivations returns). */
export function parseTarget(s: string): BuildTarget {
  const i = s.indexOf('!');
  if (i < 0) return { drvPath: s };
  const outs = s.slice(i + 1);
  return { drvPath: s.slice(0, i), outputs: outs === '*' ? undefined : outs.split(',') };
}

export interface RealiseOptions {
  /** Maximum builds at once (default 1). */
  jobs?: number;
  /** NIX_BUILD_CORES for builders (default: the number of CPUs). */
  cores?: number;
  /** Progress messages (the CLI passes one only on a terminal). */
  progress?: (msg: string) => void;
  /** Keep the build directory of a failed build. */
  keepFailed?: boolean;
}

export interface Plan {
  /** Derivations to build, inputs before the derivations using them. */
  toBuild: string[];
  /** Wanted output paths that are already valid. */
  valid: string[];
}

export class BuildError extends Error {
  constructor(
    message: string,
    readonly drvPath: string,
    readonly logTail: string[] = [],
  ) {
    super(message);
  }
}

/**
 * The log file of a derivation: STATEDIR/../log/nixling/drvs/XX/REST, which for the
 * default state directory ROOT/nix/var/nixling is ROOT/nix/var/log/nixling/drvs/XX/REST.
 */
export function logPathOf(store: Store, drvPath: string): string {
  const base = baseNameOf(drvPath);
  return path.join(path.dirname(store.config.stateDir), 'log/nixling/drvs', base.slice(0, 2), base.slice(2));
}

/** Builder process groups currently running (stopped by `abortBuilds`). */
const running = new Set<number>();
/** Locks currently held (released by `abortBuilds`). */
const heldLocks = new Set<Lock>();

/** Stops every running builder and releases every lock (on Ctrl-C / SIGTERM). */
export function abortBuilds(): void {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  running.clear();
  for (const l of heldLocks) l.release();
  heldLocks.clear();
}

function outputPath(drvPath: string, name: string, out: DerivationOutput): string {
  const p = outputPathOf(out);
  if (p === undefined) {
    throw new BuildError(`derivation '${drvPath}' has a content-addressed output '${name}' whose path is only known after building; nixling does not support floating content-addressed or impure derivations`, drvPath);
  }
  return p;
}

export class Realiser {
  private readonly drvs = new Map<string, Derivation>();

  constructor(
    readonly store: Store,
    readonly opts: RealiseOptions = {},
  ) {}

  /** Reads a derivation, which must be valid in the store. */
  derivation(drvPath: string): Derivation {
    let d = this.drvs.get(drvPath);
    if (d) return d;
    if (!this.store.isValidPath(drvPath) || !fs.existsSync(fsPath(this.store.physicalPath(drvPath)))) {
      throw new BuildError(`derivation '${drvPath}' is not in the store`, drvPath);
    }
    d = this.store.readDerivation(drvPath);
    this.drvs.set(drvPath, d);
    return d;
  }

  /** Output name → output path of a derivation. */
  outputPaths(drvPath: string): Map<string, string> {
    const drv = this.derivation(drvPath);
    const m = new Map<string, string>();
    for (const [name, o] of drv.outputs) m.set(name, outputPath(drvPath, name, o));
    return m;
  }

  private wantedPaths(t: BuildTarget): string[] {
    const outs = this.outputPaths(t.drvPath);
    const names = t.outputs ?? [...outs.keys()];
    return names.map((n) => {
      const p = outs.get(n);
      if (p === undefined) throw new BuildError(`derivation '${t.drvPath}' does not have an output named '${n}'`, t.drvPath);
      return p;
    });
  }

  plan(targets: BuildTarget[]): Plan {
    const building = new Set<string>();
    const order: string[] = [];
    const valid = new Set<string>();
    const expand = (drvPath: string): void => {
      if (building.has(drvPath)) return;
      building.add(drvPath);
      const drv = this.derivation(drvPath);
      for (const src of drv.inputSrcs) {
        if (!this.store.isValidPath(src)) {
          throw new BuildError(`derivation '${drvPath}' refers to '${src}', which is not in the store`, drvPath);
        }
      }
      for (const [input, outs] of drv.inputDrvs) visit({ drvPath: input, outputs: [...outs] }, false);
      order.push(drvPath); // post-order: inputs first
    };
    const visit = (t: BuildTarget, top: boolean): void => {
      const paths = this.wantedPaths(t);
      const missing = paths.filter((p) => !this.store.isValidPath(p));
      if (top) for (const p of paths) if (!missing.includes(p)) valid.add(p);
      if (missing.length > 0) expand(t.drvPath);
    };
    for (const t of targets) visit(t, true);
    return { toBuild: order, valid: [...valid] };
  }

  /** Builds what the targets need; returns, per target, output name → path. */
  async realise(targets: BuildTarget[]): Promise<Map<string, string>[]> {
    const plan = this.plan(targets);
    await this.buildAll(plan.toBuild);
    return targets.map((t) => {
      const outs = this.outputPaths(t.drvPath);
      const names = t.outputs ?? [...outs.keys()];
      return new Map(names.map((n) => [n, outs.get(n)!]));
    });
  }

  private async buildAll(order: string[]): Promise<void> {
    const jobs = Math.max(1, this.opts.jobs ?? 1);
    const pending = new Set(order);
    const done = new Set<string>();
    const active = new Map<string, Promise<void>>();
    let failure: unknown;
    const ready = (d: string): boolean => [...this.derivation(d).inputDrvs.keys()].every((i) => !pending.has(i) || done.has(i));
    while ((pending.size > done.size + active.size && failure === undefined) || active.size > 0) {
      if (failure === undefined) {
        for (const d of order) {
          if (active.size >= jobs) break;
          if (done.has(d) || active.has(d) || !ready(d)) continue;
          const remaining = pending.size - done.size - 1;
          this.opts.progress?.(`building '${d}' (${remaining} remaining)`);
          const p = this.buildOne(d).then(
            () => {
              done.add(d);
              active.delete(d);
            },
            (e) => {
              failure ??= e;
              active.delete(d);
            },
          );
          active.set(d, p);
        }
      }
      if (active.size === 0) break;
      await Promise.race(active.values());
    }
    if (failure !== undefined) throw failure;
  }

  /** Builds one derivation (all its outputs) unless they became valid meanwhile. */
  async buildOne(drvPath: string): Promise<void> {
    const store = this.store;
    const drv = this.derivation(drvPath);
    const outs = this.outputPaths(drvPath);
    const allValid = (): boolean => [...outs.values()].every((p) => store.isValidPath(p));
    if (allValid()) return;
    for (const [input, names] of drv.inputDrvs) {
      const ins = this.outputPaths(input);
      for (const n of names) {
        const p = ins.get(n);
        if (p === undefined || !store.isValidPath(p)) throw new BuildError(`input '${input}!${n}' of '${drvPath}' was not built`, drvPath);
      }
    }
    const physDir = store.physicalPath(store.storeDir);
    fs.mkdirSync(fsPath(physDir), { recursive: true });
    const lock = await lockAll(
      [...outs.values()].map((p) => store.physicalPath(p) + '.lock'),
      () => this.opts.progress?.(`waiting for another build of '${drvPath}'`),
    );
    heldLocks.add(lock);
    try {
      if (allValid()) return; // built by another process while we waited
      const toBuild = [...outs].filter(([, p]) => !store.isValidPath(p));
      if (toBuild.length < outs.size) {
        throw new BuildError(`derivation '${drvPath}' has some valid and some invalid outputs (${toBuild.map(([n]) => n).join(', ')} missing); nixling cannot rebuild only part of a derivation`, drvPath);
      }
      for (const [, p] of toBuild) removeTree(store.physicalPath(p)); // leftovers
      await this.runAndRegister(drvPath, drv, outs, lock);
    } finally {
      lock.release();
      heldLocks.delete(lock);
    }
  }

  private async runAndRegister(drvPath: string, drv: Derivation, outs: Map<string, string>, lock: Lock): Promise<void> {
    const store = this.store;
    const logFile = logPathOf(store, drvPath);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const logFd = fs.openSync(logFile, 'w');
    const buildDir = fs.mkdtempSync(path.join(os.tmpdir(), `nixling-build-${drv.name}-`));
    let ok = false;
    try {
      let failure: string | undefined;
      if (drv.builder.startsWith('builtin:')) {
        const name = drv.builder.slice('builtin:'.length);
        const nb = nativeBuilder(name);
        if (!nb) {
          throw new BuildError(`derivation '${drvPath}' uses the unknown native builder '${drv.builder}' (nixling has: ${nativeBuilderNames().map((n) => 'builtin:' + n).join(', ')})`, drvPath);
        }
        try {
          await nb({
            drvPath,
            drv,
            outputs: new Map([...outs].map(([n, p]) => [n, store.physicalPath(p)])),
            env: builderEnv(drv, store.storeDir, buildDir, this.cores()),
            buildDir,
            log: (t) => fs.writeSync(logFd, t),
            physicalPath: (p) => store.physicalPath(p),
            store,
          });
        } catch (e) {
          fs.writeSync(logFd, `error: ${(e as Error).message}\n`);
          failure = `native builder '${drv.builder}' failed: ${(e as Error).message}`;
        }
      } else {
        const res = await runBuilder(
          { drv, storeDir: store.storeDir, root: store.config.root, buildDir, cores: this.cores(), logFd },
          (pid) => {
            running.add(pid);
            lock.setBuilder(pid);
          },
        );
        if (res.spawnError !== undefined) failure = `could not run its builder '${drv.builder}': ${res.spawnError}`;
        else if (res.signal) failure = `its builder was killed by signal ${res.signal}`;
        else if (res.code !== 0) failure = `failed with exit code ${res.code}`;
      }
      fs.closeSync(logFd);
      if (failure !== undefined) throw this.failed(drvPath, failure, logFile);
      for (const [name, p] of outs) {
        if (!existsL(store.physicalPath(p))) {
          throw this.failed(drvPath, `failed to produce output path for output '${name}' at '${p}'`, logFile);
        }
      }
      this.register(drvPath, drv, outs, logFile);
      ok = true;
    } finally {
      try {
        fs.closeSync(logFd);
      } catch {
        // already closed
      }
      if (!ok) for (const p of outs.values()) removeTree(store.physicalPath(p));
      if (ok || !this.opts.keepFailed) removeTree(buildDir);
    }
  }

  private cores(): number {
    return this.opts.cores ?? os.availableParallelism();
  }

  private failed(drvPath: string, what: string, logFile: string): BuildError {
    let lines: string[] = [];
    try {
      lines = fs.readFileSync(logFile, 'latin1').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      lines = lines.slice(-10);
    } catch {
      // no log
    }
    let msg = `builder for '${drvPath}' ${what}`;
    if (lines.length > 0) msg += `;\nlast ${lines.length} log lines:\n` + lines.map((l) => `> ${l}`).join('\n');
    msg += `\nFor full logs, run 'nixling log ${drvPath}'.`;
    return new BuildError(msg, drvPath, lines);
  }

  private register(drvPath: string, drv: Derivation, outs: Map<string, string>, logFile: string): void {
    const store = this.store;
    // Candidates for references: the closure of the inputs, and the outputs themselves.
    const candidates = new Set<string>(outs.values());
    const inputs = new Set<string>(drv.inputSrcs);
    for (const [input, names] of drv.inputDrvs) {
      const ins = this.outputPaths(input);
      for (const n of names) inputs.add(ins.get(n)!);
    }
    for (const i of inputs) for (const p of store.computeFSClosure(i)) candidates.add(p);
    const infos = [];
    for (const [name, p] of outs) {
      const phys = store.physicalPath(p);
      canonicalise(phys);
      const o = drv.outputs.get(name)!;
      let ca: string | undefined;
      if (o.kind === 'caFixed') {
        const got: Hash = o.method === 'flat' ? hashFile(phys, o.hash.algo) : hashPath(phys, o.hash.algo).hash;
        if (!got.equals(o.hash)) {
          throw this.failed(
            drvPath,
            `produced a fixed output with the wrong hash:\n  specified: ${o.hash.toString('sri')}\n     got:    ${got.toString('sri')}`,
            logFile,
          );
        }
        ca = `fixed:${o.method === 'nar' ? 'r:' : ''}${o.hash.algo}:${o.hash.nix32}`;
      }
      const references = o.kind === 'caFixed' ? [] : scanForReferences(phys, candidates);
      const nar = hashPath(phys, 'sha256');
      infos.push({
        path: p,
        references,
        narHash: `sha256:${nar.hash.nix32}`,
        narSize: nar.size,
        deriver: drvPath,
        ca,
        registrationTime: Math.floor(Date.now() / 1000),
      });
    }
    for (const info of infos) store.db.register(info);
  }
}

function existsL(p: string): boolean {
  try {
    fs.lstatSync(fsPath(p));
    return true;
  } catch {
    return false;
  }
}

/** Makes a built tree look like a store path: read-only, no setuid bits, mtime 1. */
function canonicalise(p: string): void {
  const b = fsPath(p);
  const st = fs.lstatSync(b);
  if (st.isSymbolicLink()) {
    try {
      fs.lutimesSync(b, 1, 1);
    } catch {
      // not supported
    }
    return;
  }
  if (st.isDirectory()) {
    for (const nb of fs.readdirSync(b, { encoding: 'buffer' }) as Buffer[]) canonicalise(p + '/' + nb.toString('latin1'));
    fs.chmodSync(b, 0o555);
  } else if (st.isFile()) {
    fs.chmodSync(b, st.mode & 0o111 ? 0o555 : 0o444);
  } else {
    throw new Error(`the build produced '${p}', which is neither a file, a directory nor a symlink`);
  }
  fs.utimesSync(b, 1, 1);
}
