// Bundles the command into dist/ with esbuild: one file to load keeps start-up fast
// (chevrotain alone costs ~400 ms to import unbundled).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Whitespace and syntax only: names stay readable in profiles. A smaller source is a
  // smaller startup snapshot, and every start deserialises all of it.
  minifyWhitespace: true,
  minifySyntax: true,
};

await build({ ...common, entryPoints: ['src/cli/entry.ts'], outfile: 'dist/nixling.js' });
await build({ ...common, entryPoints: ['src/cli/snapshot.ts'], outfile: 'dist/snapshot-entry.js' });
await build({ ...common, entryPoints: ['src/cli/snapshot-system.ts'], outfile: 'dist/snapshot-system-entry.js' });
// The chevrotain reference parser, loaded only when asked for (grammar/index.ts).
await build({ ...common, entryPoints: ['grammar/reference.ts'], outfile: 'dist/reference-parser.js' });

// V8 startup snapshots: nixling.blob holds the loaded bundle (later starts skip compiling
// it), nixling-system.blob also nixling's own Nix files parsed, for the commands that
// evaluate a system (bin/nixling picks by command). V8 only accepts a snapshot run with
// the flags it was built with, so they are written to dist/node-flags, which bin/nixling
// reads. If building fails (an unusual node), bin/nixling falls back to dist/nixling.js.
//  - --stack-size: Nix programs recurse deeply; bin/nixling raises the soft stack limit
//    to match.
//  - --max-semi-space-size=4 (MB; V8's default is 16): most of what an evaluation allocates
//    survives (thunks held by sets and lists), so a young generation bigger than this
//    mostly adds to peak memory: each semi-space is resident once used, twice over. From 8
//    to 4 MB, peak memory fell by 5–9 MB on the eval, module and container benchmarks for
//    1–6% more instructions (callgrind: 1.2% on 1,000 module entries, 3% on 100 containers,
//    6% on the recursiveUpdate fold).
//  - --no-rehash-snapshot: by default V8 draws a new hash seed at every start and rehashes
//    every string and hash table of the snapshot for it: a fifth of the instructions of
//    `nixling instantiate --eval -E 1` (164 M -> 131 M, callgrind). The seed baked in at
//    install time stays instead; a fresh seed only guards servers against hash flooding.
//  - --max-inlined-bytecode-size-cumulative=330 (V8: 920) and --interrupt-budget=200000
//    (V8: 135168): an evaluation runs hundreds of distinct functions hot for a short time,
//    and TurboFan compiling them with deep inlining was half of all the instructions of the
//    module benchmark at 250 entries (1.14 G of 1.97 G, callgrind), on the core the
//    evaluator and the GC share. A smaller inlining budget and a later tier-up cut the
//    instructions by 25% on 1,000 module entries and 35% on 100 containers; wall time by
//    15–25% there, up to 20% on fib and recursiveUpdate, no change on parse and start-up,
//    and 3–8 MB less peak memory (less optimized code).
export const NODE_FLAGS = [
  '--stack-size=1000000',
  '--max-semi-space-size=4',
  '--no-rehash-snapshot',
  '--max-inlined-bytecode-size-cumulative=330',
  '--interrupt-budget=200000',
];
writeFileSync('dist/node-flags', NODE_FLAGS.join(' ') + '\n');
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
for (const [blob, entry] of [
  ['dist/nixling.blob', 'dist/snapshot-entry.js'],
  ['dist/nixling-system.blob', 'dist/snapshot-system-entry.js'],
]) {
  rmSync(blob, { force: true });
  const snap = spawnSync(process.execPath, ['--snapshot-blob', blob, ...NODE_FLAGS, '--build-snapshot', entry], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  });
  if (snap.status !== 0) {
    rmSync(blob, { force: true });
    console.warn(`nixling: could not build the startup snapshot ${blob}; starting without it`);
  }
}
