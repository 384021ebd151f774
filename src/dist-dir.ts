/**
 * The directory of the running bundle (dist/ once built). Started from a V8 startup snapshot,
 * `__dirname` is where the snapshot was built, which is not where it runs if the
 * installation was moved since: the snapshot's own path (`--snapshot-blob`, which bin/nixling
 * passes) says where it runs.
 */
import * as path from 'node:path';

export function distDir(): string {
  const ea = process.execArgv;
  for (let i = 0; i < ea.length; i++) {
    const a = ea[i];
    if (a === '--snapshot-blob' && i + 1 < ea.length) return path.dirname(path.resolve(ea[i + 1]));
    if (a.startsWith('--snapshot-blob=')) return path.dirname(path.resolve(a.slice('--snapshot-blob='.length)));
  }
  return __dirname;
}
