/**
 * `nixling gc [--dry-run] [--print-roots]`: deletes the store paths no garbage-collector
 * root reaches (result links made by `nixling build`, generations), and leftovers of
 * interrupted builds; --dry-run lists what would go, --print-roots lists the roots.
 */
import { getStore } from '../store';
import { collectGarbage, findRoots } from '../store/gc';
import { reportStoreError } from './build';
import { extractStoreOptions, useStore } from './store-options';
import { writeOut } from './output';
import { NixError } from '../eval/errors';

export async function gcCommand(argv: string[]): Promise<number> {
  try {
    const { opts, rest } = extractStoreOptions(argv, false);
    let dryRun = false;
    let printRoots = false;
    for (const a of rest) {
      if (a === '--dry-run' || a === '--print-dead') dryRun = true;
      else if (a === '--print-roots') printRoots = true;
      else throw new NixError('eval', `unrecognised argument '${a}'`);
    }
    useStore({ ...opts, readOnly: dryRun || printRoots });
    const store = getStore();
    if (printRoots) {
      for (const [p, where] of [...findRoots(store)].sort()) writeOut(`${where} -> ${p}\n`);
      return 0;
    }
    const res = collectGarbage(store, dryRun);
    for (const p of res.deleted) writeOut(dryRun ? `${p}\n` : `deleting '${p}'\n`);
    const mib = (res.freedBytes / (1024 * 1024)).toFixed(2);
    writeOut(dryRun ? `${res.deleted.length} store paths would be deleted, ${mib} MiB would be freed\n` : `${res.deleted.length} store paths deleted, ${mib} MiB freed\n`);
    return 0;
  } catch (e) {
    return reportStoreError(e);
  }
}
