#!/usr/bin/env node
// Evaluation speed: runs nixling and nix-instantiate on the same workloads in one run and
// prints wall time, peak memory and the ratios (nix / nixling: above 1 means nixling wins).
//
//   node bench/eval.mjs [--runs N]
//
// Each measurement is the best of N runs (default 3) of a whole process, start-up included,
// timed by /usr/bin/time (GNU time) for peak memory.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nixling = path.resolve(here, '..', 'bin', 'nixling');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;

const workloads = {
  'fib 27 (naive recursion)': 'let f = n: if n < 2 then n else f (n - 1) + f (n - 2); in f 27',
  "genList/map/foldl' 200,000": "builtins.foldl' (a: b: a + b) 0 (map (x: x * 2) (builtins.genList (x: x) 200000))",
  'listToAttrs 100,000 + 100,000 lookups':
    'let s = builtins.listToAttrs (builtins.genList (i: { name = "k${toString i}"; value = i; }) 100000); in builtins.foldl\' (a: i: a + s."k${toString i}") 0 (builtins.genList (i: i) 100000)',
  'concatStringsSep 100,000 strings':
    'builtins.stringLength (builtins.concatStringsSep "," (builtins.genList (i: "item-${toString i}") 100000))',
  'recursiveUpdate fold, 10,000 leaves': `
    let
      recursiveUpdate = lhs: rhs:
        let f = path: builtins.zipAttrsWith (n: values:
              if builtins.tail values == [] || !(builtins.isAttrs (builtins.head values) && builtins.isAttrs (builtins.elemAt values 1))
              then builtins.head values
              else f (path ++ [n]) values);
        in f [] [rhs lhs];
      leaf = i: { "g\${toString (i / 100)}" = { "l\${toString i}" = i; }; };
      merged = builtins.foldl' recursiveUpdate {} (builtins.genList leaf 10000);
    in builtins.length (builtins.concatMap builtins.attrNames (builtins.attrValues merged))`,
  'start-up (-E 1)': '1',
};

const hasTime = fs.existsSync('/usr/bin/time');
function measure(cmd, args) {
  let best = { wall: Infinity, rss: Infinity, out: '' };
  for (let i = 0; i < runs; i++) {
    const tmp = path.join(os.tmpdir(), `nixling-bench-${process.pid}`);
    const t0 = process.hrtime.bigint();
    const r = hasTime
      ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', tmp, cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
      : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) return { wall: NaN, rss: NaN, out: `FAILED: ${r.stderr.slice(0, 400)}` };
    const rss = hasTime ? Number(fs.readFileSync(tmp, 'utf8').trim().split('\n').pop()) / 1024 : NaN;
    if (wall < best.wall) best = { wall, rss: Math.min(rss, best.rss), out: r.stdout.trim() };
    else best.rss = Math.min(best.rss, rss);
  }
  return best;
}

const haveNix = spawnSync('nix-instantiate', ['--version']).status === 0;
console.log(`nixling vs ${haveNix ? spawnSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).stdout.trim() : 'nix-instantiate (not installed)'}; best of ${runs}\n`);
// Ratios are Nix's figure over nixling's: 1x or more means nixling is at least as fast, or
// peaks at no more memory. The target (the evaluator issue): both at 1x or more on every
// workload but start-up, whose time may be up to twice Nix's (0.5x).
console.log('ratios: Nix / nixling (1x or more: nixling as fast, or as small); target: both >= 1x, start-up time >= 0.5x\n');
console.log('workload'.padEnd(40), 'nixling ms'.padStart(11), 'nix ms'.padStart(9), 'time ratio'.padStart(11), 'nixling MB'.padStart(11), 'nix MB'.padStart(8), 'mem ratio'.padStart(10), 'target'.padStart(7));
for (const [name, expr] of Object.entries(workloads)) {
  const mine = measure(nixling, ['instantiate', '--eval', '--strict', '-E', expr]);
  const ref = haveNix ? measure('nix-instantiate', ['--eval', '--strict', '--readonly-mode', '-E', expr]) : { wall: NaN, rss: NaN, out: '' };
  if (haveNix && mine.out !== ref.out) console.log(`  ! outputs differ: nixling ${mine.out.slice(0, 80)} / nix ${ref.out.slice(0, 80)}`);
  const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
  const r = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? (b / a).toFixed(2) + 'x' : '-');
  const startUp = expr === '1';
  const met = ref.wall / mine.wall >= (startUp ? 0.5 : 1) && (startUp || ref.rss / mine.rss >= 1);
  console.log(name.padEnd(40), f(mine.wall).padStart(11), f(ref.wall).padStart(9), r(mine.wall, ref.wall).padStart(11), f(mine.rss).padStart(11), f(ref.rss).padStart(8), r(mine.rss, ref.rss).padStart(10), (haveNix ? (met ? 'met' : 'not') : '-').padStart(7));
}
