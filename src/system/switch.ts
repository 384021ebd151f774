/**
 * Switching a root to a system, as `nixos-rebuild switch` does:
 *
 * 1. build the system (or take a built toplevel, or for --rollback the generation before
 *    the current one);
 * 2. record it as a new generation of the profile and make it current (a rollback only
 *    moves `current`; a system equal to the current generation's is not recorded twice);
 * 3. compute the activation plan from the units installed in ROOT to the new ones;
 * 4. with ROOT = / on a host where systemd runs, apply it in switch-to-configuration's
 *    order: stop, install the units, daemon-reload, reload, restart, start (units are
 *    stopped before the new files replace theirs, so that their old ExecStop= runs);
 *    otherwise install the units and report the plan for someone to apply.
 *
 * `dryRun` does none of the writing: it only computes what would change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NixError } from '../eval/errors';
import type { Store } from '../store/store';
import { toStorePath } from '../store/gc';
import { ActivationPlan } from './activation-plan';
import { buildSystem } from './build-system';
import { resolveConfigFile } from './configuration';
import { installUnits, readInstalledTree } from './install';
import {
  addGeneration,
  currentGeneration,
  currentNumber,
  Generation,
  getGeneration,
  listGenerations,
  lockProfile,
  previousGeneration,
  readMetadata,
  registerRoot,
  setCurrent,
} from './profile';
import { computeSystemDiff, OptionDiffer, SystemDiff, SystemSide } from './system-diff';
import { identityMapper, PathMapper, readToplevelUnits, storeMapper } from './units';

// ---------------------------------------------------------------------------------------
// Building: the lead's buildSystem (src/system/build-system.ts), behind this interface.

export interface BuiltSystem {
  toplevel: string;
  physical: string;
  metadata: object;
}
export type BuildSystemFn = (opts: { configFile: string; dryRun?: boolean }) => Promise<BuiltSystem>;

let systemBuilder: BuildSystemFn | undefined;

/** Installs the function that evaluates and builds a configuration. */
export function setSystemBuilder(fn: BuildSystemFn): void {
  systemBuilder = fn;
}

function getSystemBuilder(): BuildSystemFn {
  return systemBuilder ?? buildSystem;
}

// ---------------------------------------------------------------------------------------
// The systems a command names

export type SystemSource =
  | { kind: 'config'; file?: string /* ./configuration.nix when absent */ }
  | { kind: 'toplevel'; path: string }
  | { kind: 'generation'; number: number | 'current' };

export interface ResolvedSystem {
  label: string;
  toplevel: string;
  physical: string;
  metadata: Record<string, unknown>;
  generation?: number;
}

export interface SystemContext {
  profileDir: string;
  store?: Store;
  /** Evaluation only: build units but not images (for diffs). */
  dryRun?: boolean;
}

export function mapperOf(store?: Store): PathMapper {
  return store ? storeMapper(store.storeDir, store.config.root) : identityMapper;
}

/** Interprets a command-line word: `current`, a generation number, a toplevel, or a configuration file. */
export function parseSystemSpec(spec: string): SystemSource {
  if (spec === 'current') return { kind: 'generation', number: 'current' };
  if (/^[1-9][0-9]*$/.test(spec) && !fs.existsSync(spec)) return { kind: 'generation', number: Number(spec) };
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(spec);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory() && fs.existsSync(path.join(spec, 'etc'))) return { kind: 'toplevel', path: spec };
  if (st === undefined && spec.startsWith('/') && !spec.endsWith('.nix')) return { kind: 'toplevel', path: spec };
  return { kind: 'config', file: spec };
}

function fromGeneration(g: Generation): ResolvedSystem {
  if (!fs.existsSync(g.physical)) throw new NixError('io', `generation ${g.number}'s system '${g.toplevel}' is no longer on disk`);
  return { label: `generation ${g.number}`, toplevel: g.toplevel, physical: g.physical, metadata: readMetadata(g), generation: g.number };
}

export async function resolveSystem(src: SystemSource, ctx: SystemContext): Promise<ResolvedSystem> {
  switch (src.kind) {
    case 'generation': {
      const n = src.number === 'current' ? currentNumber(ctx.profileDir) : src.number;
      if (n === undefined) throw new NixError('io', `profile '${ctx.profileDir}' has no current generation (switch to a system first)`);
      const g = getGeneration(ctx.profileDir, n);
      if (!g) throw new NixError('io', `generation ${n} does not exist in profile '${ctx.profileDir}'`);
      return fromGeneration(g);
    }
    case 'toplevel':
      return fromToplevel(src.path, ctx);
    case 'config': {
      const configFile = resolveConfigFile(src.file);
      const built = await getSystemBuilder()({ configFile, dryRun: ctx.dryRun });
      return { label: src.file ?? 'configuration.nix', toplevel: built.toplevel, physical: built.physical, metadata: (built.metadata ?? {}) as Record<string, unknown> };
    }
  }
}

function fromToplevel(p: string, ctx: SystemContext): ResolvedSystem {
  const store = ctx.store;
  let toplevel: string;
  let physical: string;
  if (store && (p === store.storeDir || p.startsWith(store.storeDir + '/'))) {
    toplevel = p.split('/').slice(0, store.storeDir.split('/').length + 1).join('/');
    physical = store.physicalPath(p);
  } else {
    try {
      physical = fs.realpathSync(p);
    } catch {
      throw new NixError('io', `system '${p}' does not exist`);
    }
    toplevel = (store && toStorePath(store, physical)) ?? physical;
  }
  if (!fs.existsSync(physical)) throw new NixError('io', `system '${p}' does not exist`);
  if (!fs.existsSync(path.join(physical, 'etc'))) throw new NixError('io', `'${p}' is not a system: it has no etc/ directory`);
  // A toplevel of a generation brings that generation's metadata.
  const gen = listGenerations(ctx.profileDir).reverse().find((g) => g.toplevel === toplevel);
  return { label: p, toplevel, physical, metadata: gen ? readMetadata(gen) : {}, generation: gen?.number };
}

export function sideOf(sys: ResolvedSystem, map: PathMapper): SystemSide {
  return { label: sys.label, toplevel: sys.toplevel, tree: readToplevelUnits(sys.physical, map), metadata: sys.metadata };
}

// ---------------------------------------------------------------------------------------
// systemd

/** Whether switching ROOT means acting on a running systemd (ROOT is / and systemd is PID 1). */
export function isLiveRoot(root: string): boolean {
  return path.resolve(root) === '/' && fs.existsSync('/run/systemd/system');
}

export type Systemctl = (args: string[]) => { status: number; stdout: string };

export const realSystemctl: Systemctl = (args) => {
  const quiet = args[0] === 'list-units' || args[0] === 'is-active';
  // child_process is loaded on use: the bundle's load is captured in a startup snapshot.
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync('systemctl', args, { encoding: 'utf8', stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'inherit'] });
  if (r.error) throw new NixError('io', `cannot run systemctl: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout ?? '' };
};

/** The units systemd reports active, activating or reloading. */
export function liveActiveUnits(systemctl: Systemctl): Set<string> {
  const r = systemctl(['list-units', '--all', '--plain', '--no-legend', '--no-pager', '--full']);
  const out = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const [unit, , activeState] = line.trim().split(/\s+/);
    if (unit && ['active', 'activating', 'reloading', 'refreshing'].includes(activeState)) out.add(unit);
  }
  return out;
}

/**
 * Applies a plan through systemctl in switch-to-configuration's order; `install` puts the
 * new units in place between stopping and daemon-reload. Returns 0, or 4 when a job failed.
 */
export function applyPlan(plan: ActivationPlan, systemctl: Systemctl, install: () => void, log: (s: string) => void): number {
  let status = 0;
  const shown = (units: string[]): string[] => units.filter((u) => !plan.entries.some((e) => e.unit === u && e.hidden && e.action === 'start'));
  const run = (args: string[]): void => {
    const r = systemctl(args);
    if (r.status !== 0) {
      log(`warning: 'systemctl ${args.join(' ')}' failed (exit ${r.status})\n`);
      status = 4;
    }
  };
  if (plan.stop.length > 0) {
    log(`stopping the following units: ${plan.stop.join(', ')}\n`);
    run(['stop', '--', ...plan.stop]);
  }
  if (plan.skip.length > 0) log(`NOT restarting the following changed units: ${plan.skip.join(', ')}\n`);
  install();
  run(['daemon-reload']);
  if (plan.reload.length > 0) {
    // Units that are not running are started instead.
    const active = liveActiveUnits(systemctl);
    const reload = plan.reload.filter((u) => active.has(u));
    const start = plan.reload.filter((u) => !active.has(u));
    log(`reloading the following units: ${plan.reload.join(', ')}\n`);
    if (reload.length > 0) run(['reload', '--', ...reload]);
    if (start.length > 0) run(['start', '--', ...start]);
  }
  if (plan.restart.length > 0) {
    log(`restarting the following units: ${plan.restart.join(', ')}\n`);
    run(['restart', '--', ...plan.restart]);
  }
  if (plan.start.length > 0) {
    const s = shown(plan.start);
    if (s.length > 0) log(`starting the following units: ${s.join(', ')}\n`);
    run(['start', '--', ...plan.start]);
  }
  return status;
}

// ---------------------------------------------------------------------------------------
// The switch

export interface SwitchOptions {
  /** What to switch to; 'rollback' is the generation before the current one. */
  source: SystemSource | 'rollback';
  root: string;
  profileDir: string;
  dryRun?: boolean;
  store?: Store;
  diffOptions?: OptionDiffer;
  /** Act on systemd (default: when ROOT is / and systemd runs). */
  live?: boolean;
  systemctl?: Systemctl;
  log: (s: string) => void;
}

export interface SwitchResult {
  diff: SystemDiff;
  oldSide: SystemSide;
  newSide: SystemSide;
  generation?: number;
  /** Whether the plan was carried out through systemctl. */
  applied: boolean;
  /** Whether the profile got a new generation (not for rollbacks or an unchanged system). */
  recorded: boolean;
  exitCode: number;
}

export async function switchSystem(opts: SwitchOptions): Promise<SwitchResult> {
  const map = mapperOf(opts.store);
  const ctx: SystemContext = { profileDir: opts.profileDir, store: opts.store, dryRun: opts.dryRun };
  const root = path.resolve(opts.root);
  const live = opts.live ?? isLiveRoot(root);
  const systemctl = opts.systemctl ?? realSystemctl;
  const release = opts.dryRun ? () => {} : lockProfile(opts.profileDir);
  try {
    let target: ResolvedSystem;
    if (opts.source === 'rollback') {
      const cur = currentNumber(opts.profileDir);
      if (cur === undefined) throw new NixError('io', `profile '${opts.profileDir}' has no current generation to roll back from`);
      const prev = previousGeneration(opts.profileDir, cur);
      if (!prev) throw new NixError('io', `there is no generation older than generation ${cur} to roll back to`);
      target = fromGeneration(prev);
    } else target = await resolveSystem(opts.source, ctx);

    // The old side is what ROOT has installed, with the current generation's metadata.
    const cur = currentGeneration(opts.profileDir);
    const oldSide: SystemSide = {
      label: cur ? `generation ${cur.number}` : 'nothing installed',
      toplevel: cur?.toplevel ?? '',
      tree: readInstalledTree(root),
      metadata: cur ? readMetadata(cur) : {},
    };
    const newSide = sideOf(target, map);
    const active = live ? liveActiveUnits(systemctl) : undefined;
    const diff = computeSystemDiff(oldSide, newSide, { diffOptions: opts.diffOptions, active });
    if (opts.dryRun) return { diff, oldSide, newSide, applied: false, recorded: false, exitCode: 0 };

    // Record the generation.
    let number: number;
    let recorded = false;
    if (opts.source === 'rollback') number = target.generation!;
    else if (cur && cur.toplevel === target.toplevel) number = cur.number;
    else {
      const store = opts.store;
      number = addGeneration(opts.profileDir, {
        toplevel: target.toplevel,
        physical: target.physical,
        metadata: target.metadata,
        onCreated: (link) => {
          const warning = store && registerRoot(store, link);
          if (warning) opts.log(`warning: ${warning}\n`);
        },
      }).number;
      recorded = true;
    }
    setCurrent(opts.profileDir, number);

    const install = (): void => {
      installUnits(root, { toplevel: target.toplevel, physical: target.physical, map });
    };
    let exitCode = 0;
    if (live) exitCode = applyPlan(diff.plan, systemctl, install, opts.log);
    else install();
    return { diff, oldSide, newSide, generation: number, applied: live, recorded, exitCode };
  } finally {
    release();
  }
}
