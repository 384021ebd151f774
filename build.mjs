// Bundles the command into dist/ with esbuild: one file to load keeps start-up fast
// (chevrotain alone costs ~400 ms to import unbundled).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/cli/entry.ts'], outfile: 'dist/nixling.js' });
await build({ ...common, entryPoints: ['src/cli/snapshot.ts'], outfile: 'dist/snapshot-entry.js' });

// A V8 startup snapshot of the loaded bundle with the parser built: later starts skip
// compiling the bundle and chevrotain's grammar analysis. V8 only accepts a snapshot run
// with the same flags, so bin/nixling uses exactly STACK_FLAG with it. If building fails
// (an unusual node), bin/nixling falls back to dist/nixling.js.
export const STACK_FLAG = '--stack-size=1000000';
rmSync('dist/nixling.blob', { force: true });
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const snap = spawnSync(
  process.execPath,
  ['--snapshot-blob', 'dist/nixling.blob', STACK_FLAG, '--build-snapshot', 'dist/snapshot-entry.js'],
  { stdio: ['ignore', 'inherit', 'inherit'], env },
);
if (snap.status !== 0) {
  rmSync('dist/nixling.blob', { force: true });
  console.warn('nixling: could not build the startup snapshot; starting without it');
}
