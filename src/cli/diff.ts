/**
 * `nixling diff [OLD] [NEW]`: what switching from OLD to NEW would change — option values,
 * units (added, removed, changed with a unified diff), the activation plan with reasons
 * traced back to option changes, and images that would be built and loaded. Each side is
 * a configuration file, a built toplevel (a store path or directory), or a generation
 * (`current` or its number); OLD defaults to the current generation, NEW to
 * ./configuration.nix (also `-c FILE`). `--json` prints the same as data.
 *
 * Also the pieces the other system commands share: argument helpers, the renderer of a
 * system diff (used by `switch --dry-run`), and clean error reporting.
 */
import { NixError } from '../eval/errors';
import { getStore } from '../store';
import type { Store } from '../store/store';
import { PlanAction } from '../system/activation-plan';
import { diffOptionSnapshots } from '../system/option-values';
import { defaultProfileDir } from '../system/profile';
import { computeSystemDiff, isEmptySystemDiff, OptionDiffer, SystemDiff, systemDiffToJSON } from '../system/system-diff';
import { mapperOf, parseSystemSpec, resolveSystem, sideOf, SystemSource } from '../system/switch';
import { extractStoreOptions, useStore } from './store-options';
import { reportError, writeErr } from './output';

// ---------------------------------------------------------------------------------------
// Shared helpers

/** Removes `flag VALUE` from argv (the last one wins); undefined when absent. */
export function takeValue(argv: string[], ...flags: string[]): string | undefined {
  let v: string | undefined;
  for (let i = 0; i < argv.length; ) {
    if (flags.includes(argv[i])) {
      if (i + 1 >= argv.length) throw new NixError('eval', `flag '${argv[i]}' requires an argument`);
      v = argv[i + 1];
      argv.splice(i, 2);
    } else i++;
  }
  return v;
}

/** Removes a boolean flag from argv; whether it was there. */
export function takeFlag(argv: string[], ...flags: string[]): boolean {
  let found = false;
  for (let i = 0; i < argv.length; ) {
    if (flags.includes(argv[i])) {
      found = true;
      argv.splice(i, 1);
    } else i++;
  }
  return found;
}

export function rejectUnknownFlags(argv: string[]): void {
  const bad = argv.find((a) => a.startsWith('-') && a !== '-');
  if (bad) throw new NixError('eval', `unrecognised flag '${bad}'`);
}

/** The store options of a system command (--store, --store-dir, --state-dir), applied. */
export function useSystemStore(argv: string[], readOnly: boolean): { store: Store; rest: string[] } {
  const { opts, rest } = extractStoreOptions(argv, readOnly);
  useStore(opts);
  return { store: getStore(), rest };
}

/** --profile DIR, or the default for --root DIR (taken from argv too unless `root` is given). */
export function profileDirOf(argv: string[], root?: string): string {
  const r = root ?? takeValue(argv, '--root') ?? '/';
  return takeValue(argv, '--profile', '-p') ?? defaultProfileDir(r);
}

/** Text as latin1 bytes for writeOut/writeErr (which write each code unit as a byte). */
export function bytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Prints an error cleanly: nixling's own errors, and file-system errors, never a stack trace. */
export function reportSystemError(e: unknown): number {
  if (e instanceof NixError) return reportError(new NixError(e.kind, bytes(e.message), e.pos));
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.message === 'string') {
    const hint = err.code === 'EACCES' || err.code === 'EPERM' ? ' (permission denied: run as root, or choose --root and --profile directories you can write)' : '';
    writeErr(bytes(`error: ${err.message}${hint}\n`));
    return 1;
  }
  return reportError(e);
}

/** ANSI colours, only for a terminal and never with NO_COLOR. */
export function colours(stream: NodeJS.WriteStream = process.stdout): (code: string, s: string) => string {
  const on = !!stream.isTTY && !process.env.NO_COLOR;
  return (code, s) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
}

type Snapshot = Parameters<typeof diffOptionSnapshots>[0];

function isSnapshot(v: unknown): v is Snapshot {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Compares the option snapshots two generations recorded (nothing when one is missing). */
export function optionDiffer(): OptionDiffer {
  return (o, n) => (isSnapshot(o) && isSnapshot(n) ? diffOptionSnapshots(o, n) : []);
}

// ---------------------------------------------------------------------------------------
// Rendering

function showValue(v: unknown): string {
  if (v === undefined || v === null) return '(not set)';
  // Snapshot values are already printed as Nix.
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? s.slice(0, 197) + '...' : s;
}

function showDefinedAt(d: unknown): string {
  const one = (x: unknown): string => {
    if (typeof x === 'string') return x;
    if (x && typeof x === 'object') {
      const o = x as { file?: unknown; line?: unknown; column?: unknown };
      if (typeof o.file === 'string') return o.file + (o.line !== undefined ? `:${o.line}` : '') + (o.column !== undefined ? `:${o.column}` : '');
    }
    return '';
  };
  const parts = (Array.isArray(d) ? d : [d]).map(one).filter((s) => s !== '');
  return parts.join(', ');
}

const ACTION_ORDER: PlanAction[] = ['stop', 'skip', 'reload', 'restart', 'start'];

/** The human form of a system diff (`planHeading` names the plan section). */
export function renderSystemDiff(d: SystemDiff, c = colours(), planHeading = 'activation plan'): string {
  if (isEmptySystemDiff(d)) return 'no changes\n';
  const out: string[] = [];
  if (d.options.length > 0) {
    out.push(c('1', 'options:'));
    for (const o of d.options) {
      const at = showDefinedAt(o.definedAt);
      out.push(`  ${c('33', '~')} ${o.path}${at ? c('2', `  (${at})`) : ''}`);
      out.push(`      ${c('31', '- ' + showValue(o.old))}`);
      out.push(`      ${c('32', '+ ' + showValue(o.new))}`);
    }
  }
  const u = d.units;
  if (u.added.length + u.removed.length + u.changed.length + u.linksAdded.length + u.linksRemoved.length > 0) {
    out.push(c('1', 'units:'));
    for (const a of u.added) out.push(`  ${c('32', '+ ' + a)}`);
    for (const r of u.removed) out.push(`  ${c('31', '- ' + r)}`);
    for (const ch of u.changed) {
      out.push(`  ${c('33', '~ ' + ch.unit)}`);
      for (const line of ch.diff.replace(/\n$/, '').split('\n')) {
        const col = line.startsWith('+++') || line.startsWith('---') ? '1' : line.startsWith('@@') ? '36' : line.startsWith('+') ? '32' : line.startsWith('-') ? '31' : '';
        out.push('      ' + (col ? c(col, line) : line));
      }
    }
    for (const l of u.linksAdded) out.push(`  ${c('32', '+ ' + l)}`);
    for (const l of u.linksRemoved) out.push(`  ${c('31', '- ' + l)}`);
  }
  const shown = d.traced.filter((e) => !e.hidden);
  if (shown.length > 0) {
    out.push(c('1', `${planHeading}:`));
    const width = Math.max(...shown.map((e) => e.unit.length));
    for (const action of ACTION_ORDER) {
      for (const e of shown.filter((x) => x.action === action)) {
        const cause = e.causes.length > 0 ? `; caused by ${e.causes.join(', ')}` : '';
        const verb = action === 'skip' ? 'keep' : action;
        out.push(`  ${c(action === 'stop' ? '31' : action === 'skip' ? '2' : action === 'start' ? '32' : '33', verb.padEnd(7))} ${e.unit.padEnd(width)}  ${e.reason}${cause}`);
      }
    }
  }
  if (d.images.length > 0) {
    out.push(c('1', 'images to build and load:'));
    for (const i of d.images) out.push(`  ${c('32', '+ ' + i)}`);
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------
// The command

export async function diffCommand(argv: string[]): Promise<number> {
  try {
    const args = [...argv];
    const json = takeFlag(args, '--json');
    const profileDir = profileDirOf(args);
    const config = takeValue(args, '-c', '--configuration');
    const { store, rest } = useSystemStore(args, false);
    rejectUnknownFlags(rest);
    if (rest.length > 2 || (config !== undefined && rest.length > 1)) throw new NixError('eval', 'usage: nixling diff [OLD] [NEW]  (each a configuration file, a built system, a generation number or current)');
    let oldSpec: SystemSource;
    let newSpec: SystemSource;
    if (rest.length === 2) {
      oldSpec = parseSystemSpec(rest[0]);
      newSpec = parseSystemSpec(rest[1]);
    } else {
      oldSpec = rest.length === 1 && config !== undefined ? parseSystemSpec(rest[0]) : { kind: 'generation', number: 'current' };
      newSpec = config !== undefined ? { kind: 'config', file: config } : rest.length === 1 ? parseSystemSpec(rest[0]) : { kind: 'config' };
    }
    const ctx = { profileDir, store, dryRun: true };
    const map = mapperOf(store);
    const oldSide = sideOf(await resolveSystem(oldSpec, ctx), map);
    const newSide = sideOf(await resolveSystem(newSpec, ctx), map);
    const d = computeSystemDiff(oldSide, newSide, { diffOptions: optionDiffer() });
    if (json) process.stdout.write(JSON.stringify(systemDiffToJSON(d, { old: oldSide, new: newSide }), null, 2) + '\n');
    else process.stdout.write(renderSystemDiff(d));
    return 0;
  } catch (e) {
    return reportSystemError(e);
  }
}
