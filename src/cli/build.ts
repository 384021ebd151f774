/**
 * `nixling build`: a nix-build. Evaluates FILE (default ./default.nix) or -E EXPR, selects
 * -A paths, collects the derivations the value denotes, and realises them into a writable
 * store (`--store ROOT`, `--store-dir DIR`), then prints the output paths and makes
 * `result` links (result, result-2, …; result-OUTPUT for outputs other than out) that are
 * registered as garbage-collector roots. --dry-run only says what would be built.
 * Also exports the store-option parsing the other store commands share.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indentLines, NixError } from '../eval/errors';
import { evalAst, parseSource, readSource } from '../eval/index';
import { Attrs, Lazy } from '../eval/value';
import { getStore } from '../store';
import { addIndirectRoot, addTempRoots, removeTempRoots, replaceSymlink } from '../store/gc';
import { abortBuilds, BuildError, parseTarget, Realiser } from '../store/realise';
import { collectDerivations } from './derivations';
import { findAlongAttrPath, parseArgs } from './instantiate';
import { reportError, writeErr, writeOut } from './output';
import { resolveConfigFile, systemExprText } from '../system/configuration';
import { extractStoreOptions, useStore } from './store-options';

/** Prints a build or store error and returns the exit status. */
export function reportStoreError(e: unknown): number {
  if (e instanceof BuildError || (e instanceof Error && !(e instanceof NixError) && /^path '.*' is not valid/.test(e.message))) {
    writeErr('error: ' + indentLines(e.message, '       ') + '\n');
    return 1;
  }
  return reportError(e);
}

interface BuildOptions {
  outLink: string;
  noOutLink: boolean;
  dryRun: boolean;
  jobs: number;
  cores?: number;
  keepFailed: boolean;
  rest: string[];
}

function parseBuildArgs(argv: string[]): BuildOptions {
  const o: BuildOptions = { outLink: 'result', noOutLink: false, dryRun: false, jobs: 1, keepFailed: false, rest: [] };
  const num = (flag: string, v: string | undefined): number => {
    if (v === 'auto') return os.availableParallelism();
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) throw new NixError('eval', `flag '${flag}' needs a non-negative integer, not '${v ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '-o':
      case '--out-link':
        if (i + 1 >= argv.length) throw new NixError('eval', `flag '${a}' requires an argument`);
        o.outLink = argv[++i];
        break;
      case '--no-out-link':
        o.noOutLink = true;
        break;
      case '--dry-run':
        o.dryRun = true;
        break;
      case '-j':
      case '--max-jobs':
        o.jobs = Math.max(1, num(a, argv[++i]));
        break;
      case '--cores': {
        const c = num(a, argv[++i]);
        o.cores = c === 0 ? undefined : c;
        break;
      }
      case '-K':
      case '--keep-failed':
        o.keepFailed = true;
        break;
      default:
        o.rest.push(a);
    }
  }
  return o;
}

/** Evaluates the inputs the way nix-build does and returns the derivations (`DRV` / `DRV!OUT`). */
function evaluateTargets(argv: string[]): string[] {
  // -c FILE: a system configuration; its toplevel is what is built.
  const config: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-c' || argv[i] === '--configuration') {
      if (i + 1 >= argv.length) throw new NixError('eval', `flag '${argv[i]}' requires an argument`);
      config.push(argv[++i]);
    } else rest.push(argv[i]);
  }
  const o = parseArgs(rest);
  const cwd = process.cwd();
  // With nothing named, a directory holding configuration.nix but no default.nix is a system.
  if (!config.length && !o.files.length && !o.exprs.length && !fs.existsSync(path.join(cwd, 'default.nix')) && fs.existsSync(path.join(cwd, 'configuration.nix'))) {
    config.push('configuration.nix');
  }
  const exprs = [];
  if (config.length) {
    if (o.files.length || o.exprs.length) throw new NixError('eval', "'-c FILE' builds a system configuration; it cannot be combined with FILE or -E");
    for (const c of config) {
      const file = resolveConfigFile(c, cwd);
      exprs.push(parseSource(Buffer.from(`(${systemExprText(file)}).system`, 'utf8').toString('latin1'), '\xc2\xabstring\xc2\xbb', cwd, false));
    }
  } else if (o.exprs.length) {
    for (const e of o.exprs) exprs.push(parseSource(Buffer.from(e, 'utf8').toString('latin1'), '\xc2\xabstring\xc2\xbb', cwd, false));
  } else {
    for (const f of o.files.length ? o.files : ['./default.nix']) {
      const abs = path.resolve(cwd, f);
      let text: string;
      try {
        text = readSource(abs);
      } catch {
        throw new NixError('io', `path '${abs}' does not exist`);
      }
      exprs.push(parseSource(text, abs, path.dirname(abs), true));
    }
  }
  const m = new Map<string, Lazy>();
  for (const a of o.autoArgs) {
    if (a.str !== undefined) m.set(a.name, Buffer.from(a.str, 'utf8').toString('latin1'));
    else m.set(a.name, evalAst(parseSource(Buffer.from(a.expr!, 'utf8').toString('latin1'), '\xc2\xabstring\xc2\xbb', cwd, false)));
  }
  const autoArgs = new Attrs(m);
  const targets: string[] = [];
  for (const e of exprs) {
    const root = evalAst(e);
    for (const ap of o.attrPaths.length ? o.attrPaths : ['']) {
      targets.push(...collectDerivations(findAlongAttrPath(root, ap, autoArgs), autoArgs));
    }
  }
  return targets;
}

export async function buildCommand(argv: string[]): Promise<number> {
  let bo: BuildOptions;
  let targets: string[];
  try {
    const { opts, rest } = extractStoreOptions(argv, false);
    useStore(opts);
    bo = parseBuildArgs(rest);
    targets = evaluateTargets(bo.rest);
  } catch (e) {
    return reportStoreError(e);
  }
  const store = getStore();
  const progress = process.stderr.isTTY ? (msg: string) => writeErr(msg + '\n') : undefined;
  const realiser = new Realiser(store, { jobs: bo.jobs, cores: bo.cores, progress, keepFailed: bo.keepFailed });
  const onSignal = (sig: NodeJS.Signals): void => {
    abortBuilds();
    removeTempRoots(store);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  try {
    const parsed = targets.map(parseTarget);
    const plan = realiser.plan(parsed);
    if (bo.dryRun) {
      if (plan.toBuild.length > 0) {
        writeErr(`these ${plan.toBuild.length} derivations will be built:\n` + plan.toBuild.map((d) => `  ${d}\n`).join(''));
      }
      if (plan.valid.length > 0) {
        writeErr(`these ${plan.valid.length} paths are already valid:\n` + plan.valid.map((p) => `  ${p}\n`).join(''));
      }
      return 0;
    }
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    addTempRoots(store, [...parsed.map((t) => t.drvPath), ...parsed.flatMap((t) => [...realiser.outputPaths(t.drvPath).values()])]);
    const results = await realiser.realise(parsed);
    results.forEach((outs, i) => {
      for (const [name, p] of outs) {
        if (!bo.noOutLink) {
          let link = path.resolve(bo.outLink);
          if (i > 0) link += `-${i + 1}`;
          if (name !== 'out') link += `-${name}`;
          replaceSymlink(store.physicalPath(p), link);
          addIndirectRoot(store, link);
        }
        writeOut(p + '\n');
      }
    });
    return 0;
  } catch (e) {
    return reportStoreError(e);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    removeTempRoots(store);
  }
}

/** Resolves a command-line path (a store path, a path inside one, or a link to one) to a store path. */
export function resolveStorePathArg(arg: string): string {
  const store = getStore();
  const dir = store.storeDir + '/';
  let p = arg;
  if (!p.startsWith(dir)) {
    let real: string;
    try {
      real = fs.realpathSync(path.resolve(arg));
    } catch {
      throw new BuildError(`path '${arg}' does not exist`, '');
    }
    const physDir = store.physicalPath(store.storeDir) + '/';
    if (real.startsWith(physDir)) p = store.storeDir + '/' + real.slice(physDir.length);
    else if (real.startsWith(dir)) p = real;
    else throw new BuildError(`path '${arg}' is not in the store ${store.storeDir}`, '');
  }
  const base = p.slice(dir.length).split('/')[0];
  return dir + base;
}
