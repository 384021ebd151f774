/**
 * What switching from one system to another would change, as data: the option values
 * that differ, the units added, removed and changed (with unified diffs), the activation
 * plan with each entry's reason and the option changes that caused it, and the images
 * that would be built and loaded. `nixling diff` and `nixling switch --dry-run` print it.
 *
 * A system here is a toplevel on disk plus the metadata recorded when it was built
 * (`metadata.options`, the option snapshot; `metadata.images`, image store paths).
 */
import * as path from 'node:path';
import { nixlingDataDir } from '../builtins/import';
import { ActivationPlan, causesOf, OptionChange, pathString, planActivation, PlanEntry } from './activation-plan';
import { diffUnitTrees, isEmptyTreeDiff, UnitTreeDiff } from './unit-diff';
import { UnitTree } from './units';

export interface SystemSide {
  /** For people: "generation 3", "./configuration.nix", a store path. */
  label: string;
  toplevel: string;
  tree: UnitTree;
  metadata: Record<string, unknown>;
}

export interface OptionDiff {
  path: string;
  old: unknown;
  new: unknown;
  definedAt?: unknown;
}

export interface TracedEntry extends PlanEntry {
  causes: string[];
}

export interface SystemDiff {
  options: OptionDiff[];
  units: UnitTreeDiff;
  plan: ActivationPlan;
  traced: TracedEntry[];
  images: string[];
}

/** Compares option snapshots (the option-values helper's function, given by the caller). */
export type OptionDiffer = (oldOptions: unknown, newOptions: unknown) => { path: string | string[]; old?: unknown; new?: unknown; definedAt?: unknown }[];

export function imagesOf(metadata: Record<string, unknown>): string[] {
  const imgs = metadata.images;
  if (!Array.isArray(imgs)) return [];
  return imgs.map((i) => (typeof i === 'string' ? i : i && typeof i === 'object' && typeof (i as { path?: unknown }).path === 'string' ? (i as { path: string }).path : undefined)).filter((i): i is string => i !== undefined);
}

export function computeSystemDiff(
  oldSide: SystemSide,
  newSide: SystemSide,
  opts: { diffOptions?: OptionDiffer; active?: ReadonlySet<string> } = {},
): SystemDiff {
  const options: OptionDiff[] = [];
  if (opts.diffOptions && oldSide.metadata.options !== undefined && newSide.metadata.options !== undefined) {
    for (const c of userFacing(opts.diffOptions(oldSide.metadata.options, newSide.metadata.options))) {
      const d: OptionDiff = { path: pathString(c.path), old: c.old, new: c.new };
      if (c.definedAt !== undefined) d.definedAt = c.definedAt;
      options.push(d);
    }
  }
  const units = diffUnitTrees(oldSide.tree, newSide.tree);
  const plan = planActivation(oldSide.tree, newSide.tree, { active: opts.active });
  const changedLines = new Map(units.changed.map((c) => [c.unit, c.addedLines]));
  const optionChanges: OptionChange[] = options.map((o) => ({ path: o.path, old: o.old, new: o.new }));
  const traced = plan.entries.map((e) => {
    // A socket restarted for its service is caused by what changed the service.
    const about = /^(\S+) changed and is socket-activated/.exec(e.reason)?.[1] ?? e.unit;
    const lines = changedLines.get(about) ?? (units.added.includes(about) ? linesOf(newSide.tree, about) : []);
    return { ...e, causes: causesOf(about, lines, optionChanges) };
  });
  const oldImages = new Set(imagesOf(oldSide.metadata));
  const images = imagesOf(newSide.metadata).filter((i) => !oldImages.has(i));
  return { options, units, plan, traced, images };
}

/**
 * The option changes a user made: those with a definition in the user's files. The rest —
 * defined only in nixling's own modules (a unit's text, a generated script) or with no
 * position at all (freeform values such as system.build.*) — changed as a consequence and
 * would bury the cause; they are kept only when no user change explains them.
 */
function userFacing<T extends { definedAt?: unknown }>(changes: T[]): T[] {
  const ours = path.join(nixlingDataDir(), 'modules') + '/';
  const user = changes.filter((c) => Array.isArray(c.definedAt) && (c.definedAt as string[]).some((p) => !p.startsWith(ours)));
  return user.length > 0 ? user : changes;
}

function linesOf(tree: UnitTree, unit: string): string[] {
  const u = tree.units.get(unit);
  return u?.text ? u.text.split('\n') : [];
}

export function isEmptySystemDiff(d: SystemDiff): boolean {
  return d.options.length === 0 && isEmptyTreeDiff(d.units) && d.plan.entries.length === 0 && d.images.length === 0;
}

/** The `--json` form. */
export function systemDiffToJSON(d: SystemDiff, sides?: { old: SystemSide; new: SystemSide }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (sides) {
    out.old = { label: sides.old.label, toplevel: sides.old.toplevel };
    out.new = { label: sides.new.label, toplevel: sides.new.toplevel };
  }
  out.options = d.options;
  out.units = {
    stop: d.plan.stop,
    start: d.plan.start,
    restart: d.plan.restart,
    reload: d.plan.reload,
    skip: d.plan.skip,
    added: d.units.added,
    removed: d.units.removed,
    changed: d.units.changed.map((c) => ({ unit: c.unit, diff: c.diff })),
    links: { added: d.units.linksAdded, removed: d.units.linksRemoved },
  };
  out.plan = d.traced.map((e) => {
    const o: Record<string, unknown> = { action: e.action, unit: e.unit, reason: e.reason, causes: e.causes };
    if (e.hidden) o.hidden = true;
    return o;
  });
  out.images = d.images;
  return out;
}
