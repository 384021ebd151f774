// Bundles the command into dist/ with esbuild: one file to load keeps start-up fast
// (chevrotain alone costs ~400 ms to import unbundled).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/nixling.js' });
