#!/usr/bin/env node
// NixOS-layer speed: N generated containers (bench/containers/containers.nix, varied
// options) evaluated into systemd units, forcing every unit's text, in one run:
//   - nixling: its own NixOS layer (<nixling/nixos>: oci-containers and systemd modules);
//   - reference: nix-instantiate running nixpkgs' lib with the seed oci-containers module
//     and a minimal systemd module written for this benchmark (bench/containers/
//     reference-modules.nix).
// Prints wall time, peak memory and the ratios for each N. The reference does less work
// than nixling's NixOS layer (its systemd module has a dozen options, NixOS's about sixty),
// so a last column runs the reference's own modules on nixling's native lib too: the same
// work on both evaluators.
//
//   node bench/containers-scale.mjs NIXPKGS_LIB [SEED_MODULE] [--sizes 100,1000,5000]
//
// NIXPKGS_LIB is a checkout of nix-community/nixpkgs.lib; SEED_MODULE defaults to
// ../shared/seeds/oci-containers-module.txt (its Nix text starts at `{ config, options`).
// Without them (or without nix-instantiate) only nixling is measured.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nixling = path.resolve(here, '..', 'bin', 'nixling');
const args = process.argv.slice(2);
const si = args.indexOf('--sizes');
const sizes = (si >= 0 ? args[si + 1] : '100,1000,5000').split(',').map(Number);
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--sizes');
const nixpkgsLib = positional[0] ?? process.env.NIXPKGS_LIB;
const seedText = positional[1] ?? path.resolve(here, '../../shared/seeds/oci-containers-module.txt');
const haveRef =
  nixpkgsLib && fs.existsSync(path.join(nixpkgsLib, 'lib', 'default.nix')) && fs.existsSync(seedText) &&
  spawnSync('nix-instantiate', ['--version']).status === 0;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-containers-'));
const seed = path.join(tmp, 'oci-containers.nix');
if (haveRef) {
  const lines = fs.readFileSync(seedText, 'utf8').split('\n');
  fs.writeFileSync(seed, lines.slice(lines.findIndex((l) => l.startsWith('{ config, options'))).join('\n'));
}
const containers = path.join(here, 'containers', 'containers.nix');
const reference = path.join(here, 'containers', 'reference-modules.nix');
// Sum of the units' text lengths: forces every unit's text.
const sum = (units) => `builtins.foldl' (acc: t: acc + builtins.stringLength t) 0 (${units})`;

function measure(cmd, argv) {
  const out = path.join(tmp, 'time');
  let best = { wall: Infinity, rss: NaN, out: '' };
  for (let r = 0; r < 2; r++) {
    const t0 = process.hrtime.bigint();
    const p = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    if (p.status !== 0) return { wall: NaN, rss: NaN, out: 'FAILED ' + p.stderr.slice(0, 400) };
    const rss = Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024;
    if (wall < best.wall) best = { wall, rss, out: p.stdout.trim() };
  }
  return best;
}

console.log('N'.padStart(6), 'nixling ms'.padStart(11), 'nix ms'.padStart(9), 'speed-up'.padStart(9), 'nixling MB'.padStart(11), 'nix MB'.padStart(8), 'mem nixling/nix'.padStart(16), 'units'.padStart(7), 'same work: nixling ms'.padStart(22), 'speed-up'.padStart(9));
for (const n of sizes) {
  const mineExpr = `let s = import <nixling/nixos> { configuration = import ${containers} ${n}; }; in ${sum(
    `map (u: u.text) (builtins.filter (u: builtins.match "(podman|docker)-.*" u.name != null) (builtins.attrValues s.config.systemd.units))`,
  )}`;
  const mine = measure(nixling, ['instantiate', '--eval', '--strict', '-E', mineExpr]);
  let ref = { wall: NaN, rss: NaN, out: '' };
  let same = { wall: NaN, rss: NaN, out: '' };
  if (haveRef) {
    const refExpr = (lib) => `let lib = import ${lib}; e = lib.evalModules { modules = [ ${reference} ${seed} (import ${containers} ${n}) ]; }; in ${sum(
      'map (s: s.text) (builtins.attrValues e.config.systemd.services)',
    )}`;
    ref = measure('nix-instantiate', ['--eval', '--strict', '--readonly-mode', '-E', refExpr(`${nixpkgsLib}/lib`)]);
    same = measure(nixling, ['instantiate', '--eval', '--strict', '-E', refExpr('<nixling/lib>')]);
    if (!same.out.startsWith('FAILED') && same.out !== ref.out) same.out = `FAILED: result ${same.out} differs from nix's ${ref.out}`;
  }
  const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  console.log(
    String(n).padStart(6), f(mine.wall).padStart(11), f(ref.wall).padStart(9),
    (Number.isFinite(ref.wall) ? f(ref.wall / mine.wall, 2) + 'x' : '-').padStart(9),
    f(mine.rss).padStart(11), f(ref.rss).padStart(8),
    (Number.isFinite(ref.rss) ? f(mine.rss / ref.rss, 2) : '-').padStart(16),
    String(n).padStart(7),
    f(same.wall).padStart(22),
    (Number.isFinite(ref.wall) && Number.isFinite(same.wall) ? f(ref.wall / same.wall, 2) + 'x' : '-').padStart(9),
  );
  if (mine.out.startsWith('FAILED')) console.log('  nixling: ' + mine.out);
  if (ref.out.startsWith('FAILED')) console.log('  nix: ' + ref.out);
  if (same.out.startsWith('FAILED')) console.log('  nixling (same work): ' + same.out);
}
fs.rmSync(tmp, { recursive: true, force: true });
