/**
 * The activation plan: which units to stop, start, restart, reload or leave alone when a
 * system switches from one unit tree to another. The rules are switch-to-configuration's
 * (NixOS, `switch-to-configuration-ng`), applied to every unit that is active now and
 * whose file is in the old tree:
 *
 * 1. Its file is gone from the new tree, or masked there → **stop** it, unless the old
 *    unit says `[Unit] X-StopOnRemoval=false` (then it keeps running).
 * 2. A target → **start** it again (it pulls in its new dependencies), except
 *    suspend/hibernate/hybrid-sleep and targets with `RefuseManualStart` or
 *    `X-OnlyManualStart`; **stop** it first when it has `X-StopOnReconfiguration=true`.
 * 3. Otherwise compare the old and new unit (`compareUnits`, below): unit file and drop-ins
 *    parsed, `[Install]` ignored. Changes to `[Unit] X-Reload-Triggers`, `[Service]
 *    ExecReload` or `[Mount] Options` alone mean **reload**; the `[Unit]` keys in
 *    UNIT_IGNORES never matter; anything else means the unit was modified:
 * 4. A modified unit (`handleModified`): `.path`, `.slice` and the sysinit, basic,
 *    multi-user and graphical targets → nothing (daemon-reload applies them); a `.mount` →
 *    restart (`-.mount` and `nix.mount` → reload); a `.socket` → left alone (**skip**);
 *    otherwise `X-ReloadIfChanged=true` → **reload**; `X-RestartIfChanged=false`,
 *    `RefuseManualStop` or `X-OnlyManualStart` → **skip** ("NOT restarting");
 *    `X-StopIfChanged=false` or not a service → **restart**; else **stop** now and
 *    **start** after the new units are in place — and when the service is socket-activated
 *    (a `Sockets=` unit, or NAME.socket, is active) its sockets are stopped and started
 *    instead of the service, unless `X-NotSocketActivated=true`.
 *
 * switch-to-configuration relies on restarting every active target to start new units;
 * our trees usually hold no upstream targets (multi-user.target lives in the host's
 * /usr/lib), so the plan also says it outright: 5. a unit the new tree pulls in (from a
 * target, through `.wants`/`.requires`/`.upholds` links and `Wants=`/`Requires=`/
 * `BindsTo=`/`Upholds=`, or a socket's service) that is not active now → **start**.
 *
 * Which units are active comes from systemd when it runs the root being switched; for
 * any other root (a dry run, a temporary root) it is inferred from the old tree by the
 * same closure as rule 5: a unit counts as active when the old tree pulls it in.
 * Two identical trees give an empty plan.
 *
 * Every entry says why, e.g. "ExecStart changed".
 */
import { lastValue, parseUnitWithDropins, unitBool, UnitInfo, unitWords } from './ini';
import { depsOf, lookupUnit, sameTree, UnitTree } from './units';

export type PlanAction = 'stop' | 'start' | 'restart' | 'reload' | 'skip';

export interface PlanEntry {
  action: PlanAction;
  unit: string;
  reason: string;
  /** Targets started again only to pull in dependencies (switch-to-configuration hides them). */
  hidden?: boolean;
}

export interface ActivationPlan {
  stop: string[];
  start: string[];
  restart: string[];
  reload: string[];
  skip: string[];
  /** Every entry with its reason, in the order they run: stop, skip, reload, restart, start. */
  entries: PlanEntry[];
}

export interface PlanOptions {
  /** The units systemd reports active or activating; inferred from the old tree when absent. */
  active?: ReadonlySet<string>;
}

// ---------------------------------------------------------------------------------------
// Comparing two units

/** `[Unit]` keys whose changes never need a restart. */
export const UNIT_IGNORES = new Set([
  'X-Reload-Triggers',
  'Description',
  'Documentation',
  'OnFailure',
  'OnSuccess',
  'OnFailureJobMode',
  'IgnoreOnIsolate',
  'StopWhenUnneeded',
  'RefuseManualStart',
  'RefuseManualStop',
  'AllowIsolate',
  'CollectMode',
  'SourcePath',
]);

export interface UnitComparison {
  result: 'equal' | 'reload' | 'restart';
  /** What differs, for people: "ExecStart changed", "[Socket] section added". */
  changes: string[];
}

type Effect = 'none' | 'reload' | 'restart';

/** How a change of `key` in `section` counts (`how`: the key was changed, added or removed). */
function keyEffect(section: string, key: string, how: 'changed' | 'added' | 'removed'): Effect {
  if (section === 'Unit') {
    if (key === 'X-Reload-Triggers') return how === 'removed' ? 'none' : 'reload';
    if (UNIT_IGNORES.has(key)) return 'none';
  }
  if (section === 'Service' && key === 'ExecReload') return how === 'removed' ? 'none' : 'reload';
  if (section === 'Mount' && key === 'Options' && how === 'changed') return 'reload';
  return 'restart';
}

function sameValues(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * switch-to-configuration's compare_units: whether two parsed units are equal, differ only
 * in what a reload applies, or need a restart. Every difference is listed, including the
 * ones that do not matter, so that the reason can name what changed.
 */
export function compareUnits(cur: UnitInfo, next: UnitInfo): UnitComparison {
  let effect: Effect = 'none';
  const changes: string[] = [];
  const note = (e: Effect, what: string): void => {
    if (e !== 'none') changes.push(what);
    if (e === 'restart' || (e === 'reload' && effect === 'none')) effect = e;
  };
  const sections = [...new Set([...cur.keys(), ...next.keys()])].filter((s) => s !== 'Install');
  const newSections = sections.filter((s) => !cur.has(s));
  for (const section of sections) {
    const c = cur.get(section);
    const n = next.get(section);
    if (c && !n) {
      // A removed [Unit] matters only through keys that are not ignored.
      if (section === 'Unit') {
        for (const key of c.keys()) note(UNIT_IGNORES.has(key) ? 'none' : 'restart', `${key} removed`);
      } else note('restart', `[${section}] section removed`);
      continue;
    }
    if (!c && n) {
      // A new section: a lone new [Unit] matters only through its keys.
      if (section === 'Unit' && newSections.length === 1) {
        for (const key of n.keys()) note(keyEffect('Unit', key, 'added'), `${key} added`);
      } else note('restart', `[${section}] section added`);
      continue;
    }
    for (const [key, cv] of c!) {
      const nv = n!.get(key);
      if (nv === undefined) note(keyEffect(section, key, 'removed'), `${key} removed`);
      else if (!sameValues(cv, nv)) note(keyEffect(section, key, 'changed'), `${key} changed`);
    }
    for (const key of n!.keys()) {
      if (!c!.has(key)) note(keyEffect(section, key, 'added'), `${key} added`);
    }
  }
  return { result: effect === 'none' ? 'equal' : effect, changes };
}

/** "ExecStart changed, Environment changed" shortened for a reason. */
function describeChanges(changes: string[]): string {
  if (changes.length === 0) return 'unit changed';
  // "A changed, B changed" → "A, B changed" when they share the verb.
  const byVerb = new Map<string, string[]>();
  for (const c of changes) {
    const sp = c.lastIndexOf(' ');
    const verb = c.slice(sp + 1);
    const list = byVerb.get(verb) ?? [];
    list.push(c.slice(0, sp));
    byVerb.set(verb, list);
  }
  const parts: string[] = [];
  for (const [verb, keys] of byVerb) {
    const shown = keys.length > 4 ? [...keys.slice(0, 4), `${keys.length - 4} more`] : keys;
    parts.push(`${shown.join(', ')} ${verb}`);
  }
  return parts.join('; ');
}

// ---------------------------------------------------------------------------------------
// Which units a tree pulls in

/** Targets taken to be active on any running system (the roots of the closure). */
export const ROOT_TARGETS = [
  'default.target',
  'multi-user.target',
  'sysinit.target',
  'basic.target',
  'sockets.target',
  'timers.target',
  'paths.target',
  'slices.target',
  'local-fs.target',
  'remote-fs.target',
  'swap.target',
  'network.target',
  'network-online.target',
  'nss-lookup.target',
  'getty.target',
];

/**
 * The units a tree pulls in, each with what pulls it in ("wanted by multi-user.target",
 * "activated by web.socket"; '' for the root targets): from the root targets, through
 * dependency links, `Wants=`/`Requires=`/`BindsTo=`/`Upholds=` of units in the tree, and
 * from a socket to its service. Masked units are never pulled in.
 */
export function pulledIn(tree: UnitTree): Map<string, string> {
  const why = new Map<string, string>();
  const todo: string[] = [];
  const add = (unit: string, by: string): void => {
    if (why.has(unit)) return;
    const u = lookupUnit(tree, unit);
    if (u && u.file.text === null) return;
    why.set(unit, by);
    todo.push(unit);
  };
  // Services that name their sockets (`Sockets=`) are activated by them.
  const bySocket = new Map<string, string[]>();
  for (const [name, u] of tree.units) {
    if (!name.endsWith('.service') || u.text === null) continue;
    for (const sock of unitWords(parseUnitWithDropins(u.text, u.dropins), 'Service', 'Sockets')) {
      bySocket.set(sock, [...(bySocket.get(sock) ?? []), name]);
    }
  }
  for (const t of ROOT_TARGETS) add(t, '');
  while (todo.length > 0) {
    const unit = todo.shift()!;
    const verb: Record<string, string> = { wants: 'wanted', requires: 'required', upholds: 'upheld', Wants: 'wanted', Requires: 'required', BindsTo: 'required', Upholds: 'upheld' };
    for (const d of depsOf(tree, unit)) add(d.unit, `${verb[d.kind]} by ${unit}`);
    const u = lookupUnit(tree, unit);
    if (!u || u.file.text === null) continue;
    const info = parseUnitWithDropins(u.file.text, u.file.dropins);
    for (const key of ['Wants', 'Requires', 'BindsTo', 'Upholds']) for (const w of unitWords(info, 'Unit', key)) add(w, `${verb[key]} by ${unit}`);
    if (unit.endsWith('.socket')) {
      add(lastValue(info, 'Socket', 'Service') ?? unit.replace(/\.socket$/, '.service'), `activated by ${unit}`);
      for (const service of bySocket.get(unit) ?? []) add(service, `activated by ${unit}`);
    }
  }
  return why;
}

// ---------------------------------------------------------------------------------------
// The plan

class PlanBuilder {
  readonly sets: Record<PlanAction, Map<string, PlanEntry>> = {
    stop: new Map(),
    start: new Map(),
    restart: new Map(),
    reload: new Map(),
    skip: new Map(),
  };

  add(action: PlanAction, unit: string, reason: string, hidden = false): void {
    const set = this.sets[action];
    if (!set.has(unit)) set.set(unit, hidden ? { action, unit, reason, hidden } : { action, unit, reason });
  }

  has(action: PlanAction, unit: string): boolean {
    return this.sets[action].has(unit);
  }

  remove(action: PlanAction, unit: string): void {
    this.sets[action].delete(unit);
  }

  finish(): ActivationPlan {
    const sorted = (m: Map<string, PlanEntry>): PlanEntry[] => [...m.values()].sort((a, b) => byName(a.unit, b.unit));
    const order: PlanAction[] = ['stop', 'skip', 'reload', 'restart', 'start'];
    return {
      stop: sorted(this.sets.stop).map((e) => e.unit),
      start: sorted(this.sets.start).map((e) => e.unit),
      restart: sorted(this.sets.restart).map((e) => e.unit),
      reload: sorted(this.sets.reload).map((e) => e.unit),
      skip: sorted(this.sets.skip).map((e) => e.unit),
      entries: order.flatMap((a) => sorted(this.sets[a])),
    };
  }
}

/** switch-to-configuration sorts unit lists case-insensitively. */
export function byName(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

const UNRESTARTABLE_TARGETS = new Set(['sysinit.target', 'basic.target', 'multi-user.target', 'graphical.target']);

/** The plan for switching from `oldTree` to `newTree`. */
export function planActivation(oldTree: UnitTree, newTree: UnitTree, opts: PlanOptions = {}): ActivationPlan {
  const plan = new PlanBuilder();
  if (sameTree(oldTree, newTree)) return plan.finish();
  const active: ReadonlySet<string> = opts.active ?? new Set(pulledIn(oldTree).keys());

  for (const unit of [...active].sort(byName)) {
    const cur = lookupUnit(oldTree, unit);
    if (!cur || cur.file.text === null) continue; // not ours, or masked
    const baseName = cur.base.replace(/\.[a-z]*$/, '');
    let next = lookupUnit(newTree, unit);
    const curInfo = parseUnitWithDropins(cur.file.text, cur.file.dropins);
    // Our drop-ins for a unit defined elsewhere: when they go, the unit changes (to its
    // own definition) rather than disappears.
    if (cur.file.dropinOnly && !next) next = { file: { text: '', dropins: new Map(), dropinOnly: true }, base: cur.base };
    if (!next || next.file.text === null) {
      if (unitBool(curInfo, 'Unit', 'X-StopOnRemoval', true)) {
        plan.add('stop', unit, next?.file.text === null ? 'unit masked' : 'unit removed');
      }
      continue;
    }
    const newInfo = parseUnitWithDropins(next.file.text, next.file.dropins);
    if (unit.endsWith('.target')) {
      const refuses = unitBool(newInfo, 'Unit', 'RefuseManualStart', false) || unitBool(newInfo, 'Unit', 'X-OnlyManualStart', false);
      if (!['suspend.target', 'hibernate.target', 'hybrid-sleep.target'].includes(unit) && !refuses) {
        plan.add('start', unit, 'target started again to pull in its dependencies', true);
      }
      if (unitBool(newInfo, 'Unit', 'X-StopOnReconfiguration', false)) plan.add('stop', unit, 'X-StopOnReconfiguration=true');
      continue;
    }
    const cmp = compareUnits(curInfo, newInfo);
    const what = describeChanges(cmp.changes);
    if (cmp.result === 'restart') handleModified(plan, unit, baseName, newInfo, what, active, newTree);
    else if (cmp.result === 'reload' && !plan.has('restart', unit)) plan.add('reload', unit, what);
  }

  // New dependencies: what the new tree pulls in and is not running.
  for (const [unit, by] of [...pulledIn(newTree)].sort((a, b) => byName(a[0], b[0]))) {
    if (by === '' || active.has(unit) || plan.has('start', unit)) continue;
    const u = lookupUnit(newTree, unit);
    if (!u || u.file.text === null || u.file.dropinOnly) continue;
    const isNew = !lookupUnit(oldTree, unit);
    plan.add('start', unit, `${isNew ? 'new unit, ' : ''}${by}`);
  }
  return plan.finish();
}

/** switch-to-configuration's handle_modified_unit. */
function handleModified(
  plan: PlanBuilder,
  unit: string,
  baseName: string,
  info: UnitInfo,
  what: string,
  active: ReadonlySet<string>,
  newTree: UnitTree,
): void {
  if (UNRESTARTABLE_TARGETS.has(unit) || unit.endsWith('.path') || unit.endsWith('.slice')) return;
  if (unit.endsWith('.mount')) {
    if (unit === '-.mount' || unit === 'nix.mount') plan.add('reload', unit, `${what} (the root and /nix are remounted, never unmounted)`);
    else plan.add('restart', unit, what);
    return;
  }
  if (unit.endsWith('.socket')) {
    plan.add('skip', unit, `${what}; changed sockets are not restarted`);
    return;
  }
  if (unitBool(info, 'Service', 'X-ReloadIfChanged', false) && !plan.has('restart', unit) && !plan.has('stop', unit)) {
    plan.add('reload', unit, `${what}; X-ReloadIfChanged=true`);
    return;
  }
  const noRestart = !unitBool(info, 'Service', 'X-RestartIfChanged', true)
    ? 'X-RestartIfChanged=false'
    : unitBool(info, 'Unit', 'RefuseManualStop', false)
      ? 'RefuseManualStop=true'
      : unitBool(info, 'Unit', 'X-OnlyManualStart', false)
        ? 'X-OnlyManualStart=true'
        : undefined;
  if (noRestart) {
    plan.add('skip', unit, `${what}; NOT restarting (${noRestart})`);
    return;
  }
  if (!unitBool(info, 'Service', 'X-StopIfChanged', true) || !unit.endsWith('.service')) {
    plan.add('restart', unit, unit.endsWith('.service') ? `${what}; X-StopIfChanged=false` : what);
    plan.remove('reload', unit);
    return;
  }
  let socketActivated = false;
  const sockets = unitWords(info, 'Service', 'Sockets');
  for (const socket of sockets.length > 0 ? sockets : [`${baseName}.socket`]) {
    if (!active.has(socket)) continue;
    plan.add('stop', socket, `${unit} changed and is socket-activated: ${what}`);
    if (lookupUnit(newTree, socket)) {
      plan.add('start', socket, `${unit} changed and is socket-activated: ${what}`);
      socketActivated = true;
    }
  }
  if (unitBool(info, 'Service', 'X-NotSocketActivated', false)) socketActivated = false;
  if (!socketActivated) plan.add('start', unit, `${what} (stopped, then started with the new unit)`);
  plan.add('stop', unit, what);
  plan.remove('reload', unit);
}

// ---------------------------------------------------------------------------------------
// Tracing plan entries back to option changes

export interface OptionChange {
  path: string | string[];
  old?: unknown;
  new?: unknown;
}

/** An option path as its components (`a.b."c.d"` → [a, b, c.d]). */
export function pathComponents(p: string | string[]): string[] {
  if (Array.isArray(p)) return p;
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^.]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(p))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

export function pathString(p: string | string[]): string {
  return Array.isArray(p) ? p.map((c) => (/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(c) ? c : JSON.stringify(c))).join('.') : p;
}

const UNIT_KIND_OPTIONS: Record<string, string> = {
  services: 'service',
  sockets: 'socket',
  targets: 'target',
  timers: 'timer',
  paths: 'path',
  mounts: 'mount',
  automounts: 'automount',
  slices: 'slice',
};

/** The units an option path names directly. */
function unitsNamedBy(comps: string[]): string[] {
  const out: string[] = [];
  if (comps[0] === 'systemd' && comps.length >= 3) {
    if (comps[1] === 'units') out.push(comps[2]);
    const kind = UNIT_KIND_OPTIONS[comps[1]];
    if (kind) out.push(`${comps[2]}.${kind}`);
  }
  if (comps[0] === 'virtualisation' && comps[1] === 'oci-containers' && comps[2] === 'containers' && comps.length >= 4) {
    out.push(`podman-${comps[3]}.service`, `docker-${comps[3]}.service`);
  }
  return out;
}

function valueStrings(v: unknown): string[] {
  if (v === undefined || v === null || typeof v === 'boolean') return [];
  if (typeof v === 'string') {
    // Option snapshots hold values printed as Nix: a string literal stands for its contents.
    const lit = /^"((?:[^"\\]|\\.)*)"$/s.exec(v);
    if (!lit) return v === 'true' || v === 'false' || v === 'null' ? [] : [v];
    return [lit[1].replace(/\\(.)/gs, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c))];
  }
  if (typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) return v.flatMap(valueStrings);
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).flatMap(valueStrings);
  return [];
}

/**
 * The option changes that explain a unit's change: those whose path names the unit
 * (`systemd.services.NAME…`, `virtualisation.oci-containers.containers.X` → podman-X and
 * docker-X), or one of whose new string values (4 characters or more, not true, false or
 * null) appears in the unit's added lines.
 */
export function causesOf(unit: string, addedLines: readonly string[], changes: readonly OptionChange[]): string[] {
  const out: string[] = [];
  const text = addedLines.join('\n');
  for (const c of changes) {
    const comps = pathComponents(c.path);
    const named = unitsNamedBy(comps).includes(unit);
    const inText = !named && text !== '' && valueStrings(c.new).some((s) => s.length >= 4 && text.includes(s));
    if (named || inText) out.push(pathString(c.path));
  }
  return [...new Set(out)];
}
