// Runs bench/parse.ts: bundles it with esbuild (as build.mjs does for the CLI) and runs it.
//   node bench/run-parse.mjs [NIXPKGS_LIB_DIR]    (default /work/suites/nixpkgs.lib/lib)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = join(mkdtempSync(join(tmpdir(), 'nixling-bench-')), 'parse.js');
await build({ entryPoints: ['bench/parse.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: out, logLevel: 'warning' });
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, NIXLING_ROOT: process.cwd() } });
process.exitCode = r.status ?? 1;
