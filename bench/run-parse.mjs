// Runs bench/parse.ts: bundles it with esbuild (as build.mjs does for the CLI) and runs it.
//   node bench/run-parse.mjs [--repeat N] [--reference] [NIXPKGS_LIB_DIR]
//     (default /work/suites/nixpkgs.lib/lib)
// --repeat N   runs the benchmark N times (timings on a busy machine vary from run to run)
//              and ends with the median of each line's numbers.
// --reference  also runs it with the chevrotain reference parser (NIXLING_PARSER=reference,
//              which both the in-process passes and `nixling parse` honour), for comparison.
// `nixling parse` runs from bin/nixling, i.e. from dist/: run `node build.mjs` first.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
let repeat = 1;
let reference = false;
const rest = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--repeat') repeat = Math.max(1, Number(args[++i]) || 1);
  else if (args[i] === '--reference') reference = true;
  else rest.push(args[i]);
}

const out = join(mkdtempSync(join(tmpdir(), 'nixling-bench-')), 'parse.js');
await build({ entryPoints: ['bench/parse.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: out, logLevel: 'warning' });

function run(parser) {
  const env = { ...process.env, NIXLING_ROOT: process.cwd() };
  if (parser === 'reference') env.NIXLING_PARSER = 'reference';
  else delete env.NIXLING_PARSER;
  const runs = [];
  for (let k = 0; k < repeat; k++) {
    const r = spawnSync(process.execPath, [out, ...rest], { encoding: 'utf8', env });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    if (r.status !== 0) process.exitCode = r.status ?? 1;
    runs.push(r.stdout.split('\n'));
  }
  if (repeat > 1) {
    // The median of every number on each line, over the runs.
    console.log(`median of ${repeat} runs (${parser} parser):`);
    const median = (xs) => xs.sort((a, b) => a - b)[(xs.length - 1) >> 1];
    for (let l = 0; l < runs[0].length; l++) {
      const line = runs[0][l];
      if (!/\d/.test(line)) continue;
      const cols = runs.map((lines) => (lines[l] ?? '').match(/\d+(\.\d+)?/g)?.map(Number) ?? []);
      let k = 0;
      console.log(
        '  ' +
          line.replace(/\d+(\.\d+)?/g, (m) => {
            const v = median(cols.map((c) => c[k]).filter((x) => x !== undefined));
            k++;
            return m.includes('.') ? v.toFixed(m.split('.')[1].length) : String(Math.round(v));
          }),
      );
    }
  }
}

if (reference) {
  console.log('== fast parser (the default)');
  run('fast');
  console.log('== chevrotain reference parser (NIXLING_PARSER=reference)');
  run('reference');
} else run('fast');
