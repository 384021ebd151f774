/**
 * `nixling switch [-c FILE | --toplevel PATH] [--root DIR] [--profile DIR] [--dry-run]
 * [--rollback] [--json]`: builds the configuration (./configuration.nix by default) or
 * takes a built system, records it as the profile's new current generation, installs its
 * units into ROOT/etc/systemd/system atomically (ROOT is / by default; the profile of a
 * ROOT other than / is ROOT/var/lib/nixling/profiles/system by default), and applies the
 * activation plan — through systemctl when ROOT is / and systemd runs the host, otherwise
 * by printing it. `--rollback` switches to the generation before the current one;
 * `--dry-run` only shows what would change (as `nixling diff` does).
 */
import * as path from 'node:path';
import { NixError } from '../eval/errors';
import { switchSystem, SystemSource } from '../system/switch';
import { systemDiffToJSON } from '../system/system-diff';
import { colours, optionDiffer, profileDirOf, rejectUnknownFlags, renderSystemDiff, reportSystemError, takeFlag, takeValue, useSystemStore } from './diff';

export async function switchCommand(argv: string[]): Promise<number> {
  try {
    const args = [...argv];
    const dryRun = takeFlag(args, '--dry-run', '--dry-activate');
    const rollback = takeFlag(args, '--rollback');
    const json = takeFlag(args, '--json');
    const root = path.resolve(takeValue(args, '--root') ?? '/');
    const profileDir = profileDirOf(args, root);
    const config = takeValue(args, '-c', '--configuration');
    const toplevel = takeValue(args, '--toplevel');
    const { store, rest } = useSystemStore(args, false);
    rejectUnknownFlags(rest);
    if (rest.length > 0) throw new NixError('eval', `unexpected argument '${rest[0]}'`);
    if ([config !== undefined, toplevel !== undefined, rollback].filter(Boolean).length > 1) {
      throw new NixError('eval', "choose one of '-c FILE', '--toplevel PATH' and '--rollback'");
    }
    const source: SystemSource | 'rollback' = rollback
      ? 'rollback'
      : toplevel !== undefined
        ? { kind: 'toplevel', path: toplevel }
        : { kind: 'config', file: config };
    const log = (s: string): void => {
      process.stderr.write(s);
    };
    const res = await switchSystem({ source, root, profileDir, dryRun, store, diffOptions: optionDiffer(), log });
    const systemDir = path.join(root, 'etc/systemd/system');
    if (json) {
      const out = {
        root,
        profile: profileDir,
        generation: res.generation ?? null,
        toplevel: res.newSide.toplevel,
        dryRun,
        applied: res.applied,
        ...systemDiffToJSON(res.diff, { old: res.oldSide, new: res.newSide }),
      };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      return res.exitCode;
    }
    const c = colours();
    if (dryRun) {
      process.stdout.write(renderSystemDiff(res.diff, c, 'would'));
      return 0;
    }
    const what = rollback ? 'rolled back to' : res.recorded ? 'switched to new' : 'switched to';
    process.stdout.write(`${what} generation ${res.generation} (${res.newSide.toplevel})\n`);
    process.stdout.write(`units installed in ${systemDir}\n`);
    if (!res.applied) {
      const shown = res.diff.traced.filter((e) => !e.hidden);
      if (shown.length === 0) process.stdout.write('no units to stop, start, restart or reload\n');
      else {
        process.stdout.write(`systemd does not run ${root}: the activation plan was not applied\n`);
        const plan = renderSystemDiff({ ...res.diff, options: [], images: [], units: { added: [], removed: [], changed: [], linksAdded: [], linksRemoved: [] } }, c, 'plan');
        process.stdout.write(plan);
      }
    }
    return res.exitCode;
  } catch (e) {
    return reportSystemError(e);
  }
}
