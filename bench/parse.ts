/**
 * Parsing benchmark: every .nix file of nixpkgs' lib/, parsed by nixling in one process and
 * by `nix-instantiate --parse` (one process per file, which is how Nix is used), in the same
 * run. Prints both times and the ratio.
 *
 * Run: `node bench/run-parse.mjs [LIB_DIR]` (bundles this file with esbuild, then runs it).
 * LIB_DIR defaults to $NIXPKGS_LIB/lib or /work/suites/nixpkgs.lib/lib.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from '../grammar/index';

const libDir = process.argv[2] ?? path.join(process.env.NIXPKGS_LIB ?? '/work/suites/nixpkgs.lib', 'lib');
const nix = process.env.NIX_INSTANTIATE ?? '/usr/bin/nix-instantiate';

function nixFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) nixFiles(p, out);
    else if (e.name.endsWith('.nix')) out.push(p);
  }
  return out;
}

function main(): void {
  if (!fs.existsSync(libDir)) {
    console.log(`nixpkgs lib absent at ${libDir}; benchmark skipped`);
    return;
  }
  const files = nixFiles(libDir).sort();
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, from ${libDir}`);

  // nixling: first pass includes reading files and building the parser (cold), then warm passes.
  let t0 = performance.now();
  const texts = files.map((f) => fs.readFileSync(f, 'latin1'));
  for (let i = 0; i < files.length; i++) parse(texts[i], files[i], path.dirname(files[i]));
  const cold = performance.now() - t0;
  const passes = 5;
  t0 = performance.now();
  for (let r = 0; r < passes; r++)
    for (let i = 0; i < files.length; i++) parse(texts[i], files[i], path.dirname(files[i]));
  const warm = (performance.now() - t0) / passes;
  console.log(`nixling  : ${cold.toFixed(0)} ms first pass (incl. reading files and parser setup), ${warm.toFixed(0)} ms per warm pass (${((bytes / 1024 / 1024) / (warm / 1000)).toFixed(1)} MiB/s)`);

  if (!fs.existsSync(nix)) {
    console.log(`nix-instantiate absent at ${nix}; no reference time`);
    return;
  }
  // Both parse every file in one process, start-up included: nix-instantiate takes many files.
  t0 = performance.now();
  const r = spawnSync(nix, ['--parse', ...files], { stdio: ['ignore', 'ignore', 'ignore'] });
  const ref = performance.now() - t0;
  console.log(`nix-instantiate --parse, one process: ${ref.toFixed(0)} ms${r.status !== 0 ? ' (it failed)' : ''}`);

  const cli = path.resolve(process.env.NIXLING_ROOT ?? process.cwd(), 'bin', 'nixling');
  t0 = performance.now();
  const m = spawnSync(cli, ['parse', ...files], { stdio: ['ignore', 'ignore', 'ignore'] });
  const mine = performance.now() - t0;
  console.log(`nixling parse, one process:           ${mine.toFixed(0)} ms${m.status !== 0 ? ' (it failed)' : ''}`);
  console.log(`ratio (nix-instantiate / nixling, one process each): ${(ref / mine).toFixed(2)}x`);
  console.log(`ratio (nix-instantiate / nixling warm in-process pass): ${(ref / warm).toFixed(1)}x`);
}

main();
