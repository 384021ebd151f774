#!/usr/bin/env node
// Compares the work two builds of nixling do on the same command, in instructions
// (valgrind's callgrind), rather than in wall time, which on a small shared machine varies
// by 10–20% from run to run.
//
//   node bench/callgrind-ab.mjs CHECKOUT_A CHECKOUT_B [--runs N] -- NIXLING-ARGS…
//   e.g. node bench/callgrind-ab.mjs /tmp/before . -- instantiate --eval --strict -E '…'
//
// Each checkout must be built (`node build.mjs`): the command runs from its dist/ snapshot
// with its own dist/node-flags, as bin/nixling runs it, with V8 made deterministic
// (--predictable: single-threaded compilation and GC, a fixed random seed). The two builds
// run side by side: V8's GC heuristics look at elapsed time, so a run made under a
// different load can differ by several percent even with the same build. Even side by side
// one pair of runs can differ by a few percent: take the median of --runs 3 or more (the
// median of the pairs' ratios) before believing a difference under 5%.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
if (dash < 2) {
  console.error('usage: node bench/callgrind-ab.mjs CHECKOUT_A CHECKOUT_B [--runs N] -- NIXLING-ARGS…');
  process.exit(2);
}
const opts = argv.slice(0, dash);
const args = argv.slice(dash + 1);
const ri = opts.indexOf('--runs');
const runs = ri >= 0 ? Math.max(1, Number(opts.splice(ri, 2)[1]) || 1) : 1;
const [a, b] = opts.map((d) => path.resolve(d));

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.log('valgrind is not installed: skipped');
  process.exit(0);
}
for (const d of [a, b]) {
  if (!fs.existsSync(path.join(d, 'dist', 'nixling.blob'))) {
    console.error(`${d}: not built (no dist/nixling.blob); run \`node build.mjs\` there`);
    process.exit(2);
  }
}

/** Instructions of one run of `args` with the checkout's snapshot (the blob bin/nixling picks). */
function instructions(dir) {
  const blob = ['parse', 'instantiate', 'eval'].includes(args[0]) ? 'nixling.blob' : 'nixling-system.blob';
  const flags = fs.readFileSync(path.join(dir, 'dist', 'node-flags'), 'utf8').trim().split(/\s+/);
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const cmd = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--predictable', '--random-seed=1',
    '--snapshot-blob', path.join(dir, 'dist', blob), ...flags, ...args];
  return new Promise((resolve, reject) => {
    // The evaluator needs a deep native stack, as bin/nixling gives it.
    const p = spawn('sh', ['-c', 'ulimit -s unlimited 2>/dev/null; exec valgrind "$@"', 'sh', ...cmd], { cwd: dir, env });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.stdout.resume();
    p.on('error', reject);
    p.on('close', (status) => {
      const m = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (!m) reject(new Error(`${dir}: no instruction count (exit ${status}):\n${err.slice(-800)}`));
      else resolve(Number(m[1].replace(/,/g, '')));
    });
  });
}

const fmt = (n) => (n / 1e6).toFixed(1).padStart(9) + ' M';
const rows = [];
for (let r = 0; r < runs; r++) {
  const [ia, ib] = await Promise.all([instructions(a), instructions(b)]);
  rows.push([ia, ib]);
  console.log(`run ${r + 1}: A ${fmt(ia)}   B ${fmt(ib)}   B/A ${(ib / ia).toFixed(3)}`);
}
if (runs > 1) {
  // Each column's median, and the median of the runs' own ratios: a pair run side by side
  // shares the machine's state, so its ratio is the steadier figure.
  const med = (xs) => xs.slice().sort((x, y) => x - y)[xs.length >> 1];
  const ma = med(rows.map((x) => x[0]));
  const mb = med(rows.map((x) => x[1]));
  const ratio = med(rows.map(([ia, ib]) => ib / ia));
  console.log(`median: A ${fmt(ma)}   B ${fmt(mb)}   B/A ${ratio.toFixed(3)}`);
}
