#!/usr/bin/env node
// Module-system speed: evaluates the same generated configuration (N submodule entries,
// each with options of a dozen types, definitions at several priorities, mkIf and mkMerge)
// with nixling's native module system and with nix-instantiate running nixpkgs' lib, in one
// run, for several N; prints wall time, peak memory and the ratios.
//
//   node bench/modules-scale.mjs PATH-TO-NIXPKGS.LIB [--sizes 250,1000,4000]
//
// Without nixpkgs.lib (or nix-instantiate) only nixling is measured.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nixling = path.resolve(here, '..', 'bin', 'nixling');
const args = process.argv.slice(2);
const si = args.indexOf('--sizes');
const sizes = (si >= 0 ? args[si + 1] : '250,1000,4000').split(',').map(Number);
const nixpkgsLib = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--sizes') ?? process.env.NIXPKGS_LIB;
const haveRef = nixpkgsLib && fs.existsSync(path.join(nixpkgsLib, 'lib', 'default.nix')) && spawnSync('nix-instantiate', ['--version']).status === 0;

// The configuration is a function of lib, so both evaluators run the same text.
const config = `lib: n:
let
  inherit (lib) mkOption mkIf mkMerge mkDefault mkForce mkOverride types;
  entry = types.submodule ({ name, config, ... }: {
    options = {
      enable = mkOption { type = types.bool; default = false; };
      port = mkOption { type = types.port; default = 8000; };
      name = mkOption { type = types.str; default = name; };
      tags = mkOption { type = types.listOf types.str; default = [ ]; };
      env = mkOption { type = types.attrsOf types.str; default = { }; };
      mode = mkOption { type = types.enum [ "a" "b" "c" ]; default = "a"; };
      limit = mkOption { type = types.nullOr types.int; default = null; };
      ratio = mkOption { type = types.either types.int types.str; default = 1; };
      script = mkOption { type = types.lines; default = ""; };
      path = mkOption { type = types.nullOr types.str; default = null; };
      extra = mkOption { type = types.attrsOf types.anything; default = { }; };
      derived = mkOption { type = types.str; default = "\${config.name}:\${toString config.port}"; };
    };
  });
  decl = { options.entries = mkOption { type = types.attrsOf entry; default = { }; }; };
  defs = i: let k = "e\${toString i}"; in {
    entries.\${k} = mkMerge [
      { enable = i / 2 * 2 == i; port = mkDefault (1000 + i); tags = [ "t\${toString i}" ]; env.A = "a"; }
      (mkIf (i / 3 * 3 == i) { mode = "b"; limit = i; script = "echo \${toString i}"; })
      { port = mkOverride 900 (2000 + i); ratio = "r"; extra.x = { y = i; }; env.B = mkForce "b"; }
    ];
  };
  result = lib.evalModules { modules = [ decl ] ++ builtins.genList defs n; };
in
builtins.foldl' (acc: e: acc + e.port + builtins.stringLength e.derived + builtins.length e.tags
  + builtins.stringLength e.script + (if e.enable then 1 else 0)) 0
  (builtins.attrValues result.config.entries)
`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-modscale-'));
const file = path.join(tmp, 'config.nix');
fs.writeFileSync(file, config);

function measure(cmd, argv) {
  const out = path.join(tmp, 'time');
  let best = { wall: Infinity, rss: NaN, out: '' };
  for (let r = 0; r < 2; r++) {
    const t0 = process.hrtime.bigint();
    const p = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, cmd, ...argv], { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    if (p.status !== 0) return { wall: NaN, rss: NaN, out: 'FAILED ' + p.stderr.slice(0, 300) };
    const rss = Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024;
    if (wall < best.wall) best = { wall, rss, out: p.stdout.trim() };
  }
  return best;
}

console.log('N'.padStart(6), 'nixling ms'.padStart(11), 'nix ms'.padStart(9), 'speed-up'.padStart(9), 'nixling MB'.padStart(11), 'nix MB'.padStart(8), 'mem nixling/nix'.padStart(16));
for (const n of sizes) {
  const mine = measure(nixling, ['instantiate', '--eval', '--strict', '-E', `import ${file} (import <nixling/lib>) ${n}`]);
  const ref = haveRef
    ? measure('nix-instantiate', ['--eval', '--strict', '--readonly-mode', '-E', `import ${file} (import ${nixpkgsLib}/lib) ${n}`])
    : { wall: NaN, rss: NaN, out: '' };
  if (haveRef && mine.out !== ref.out) console.log(`  ! results differ: nixling ${mine.out.slice(0, 120)} / nix ${ref.out.slice(0, 120)}`);
  const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
  const r = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? (b / a).toFixed(2) + 'x' : '-');
  console.log(String(n).padStart(6), f(mine.wall).padStart(11), f(ref.wall).padStart(9), r(mine.wall, ref.wall).padStart(9), f(mine.rss).padStart(11), f(ref.rss).padStart(8), r(ref.rss, mine.rss).padStart(16));
}
