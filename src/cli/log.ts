/**
 * `nixling log PATH`: prints the build log of a derivation, or of the derivation that
 * built a store path (PATH may also be a link into the store such as ./result).
 */
import * as fs from 'node:fs';
import { getStore } from '../store';
import { isDerivationPath } from '../store/store-path';
import { BuildError, logPathOf } from '../store/realise';
import { reportStoreError, resolveStorePathArg } from './build';
import { extractStoreOptions, useStore } from './store-options';
import { NixError } from '../eval/errors';

export async function logCommand(argv: string[]): Promise<number> {
  try {
    const { opts, rest } = extractStoreOptions(argv, true);
    useStore(opts);
    if (rest.length !== 1 || rest[0].startsWith('-')) throw new NixError('eval', 'usage: nixling log PATH');
    const store = getStore();
    const p = resolveStorePathArg(rest[0]);
    const drv = isDerivationPath(p) ? p : store.queryPathInfo(p)?.deriver;
    if (drv === undefined) throw new BuildError(`path '${p}' is not valid or has no known deriver, so it has no build log`, p);
    let data: Buffer;
    try {
      data = fs.readFileSync(logPathOf(store, drv));
    } catch {
      throw new BuildError(`build log of '${drv}' is not available`, drv);
    }
    process.stdout.write(data);
    return 0;
  } catch (e) {
    return reportStoreError(e);
  }
}
