#!/usr/bin/env node
// Runs nixpkgs' module-system test suite (lib/tests/modules.sh of a nixpkgs or
// nixpkgs.lib checkout) against nixling's native module system ("mode b"): a temporary
// copy of lib/tests in which `import ../..` / `import ../../..` (nixpkgs' lib) become
// `import <nixling/lib>` and `nix-instantiate` becomes `bin/nixling instantiate`.
// Prints the failing checks with --verbose and a final `N passed, M failed`.
//
//   node bench/modules-suite.mjs /path/to/nixpkgs.lib [--verbose]
//
// The suite stays outside the repository; without a path (or NIXPKGS_LIB) it says so and exits 0.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nixling = path.resolve(here, '..', 'bin', 'nixling');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const root = args.find((a) => !a.startsWith('--')) ?? process.env.NIXPKGS_LIB;
const tests = root && path.join(root, 'lib', 'tests');
if (!tests || !fs.existsSync(path.join(tests, 'modules.sh'))) {
  console.log(`modules suite not found at ${root ?? '(no path given)'}: not run`);
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-modules-'));
const dst = path.join(tmp, 'lib', 'tests');
fs.mkdirSync(dst, { recursive: true });
fs.cpSync(path.join(tests, 'modules'), path.join(dst, 'modules'), { recursive: true });
for (const f of ['modules/default.nix', 'modules/graph/test.nix']) {
  const p = path.join(dst, f);
  if (!fs.existsSync(p)) continue;
  fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/import \.\.\/\.\.(\/\.\.)?(?![\w/.])/g, 'import <nixling/lib>'));
}
let script = fs.readFileSync(path.join(tests, 'modules.sh'), 'utf8');
script = script.replace(/^(\s*)nix-instantiate --timeout/m, `$1${nixling} instantiate --timeout`);
fs.writeFileSync(path.join(dst, 'modules.sh'), script, { mode: 0o755 });

const r = spawnSync('bash', [path.join(dst, 'modules.sh')], {
  encoding: 'utf8',
  env: { ...process.env, NIX_ABORT_ON_WARN: '' },
  maxBuffer: 256 << 20,
});
const out = (r.stdout ?? '') + (r.stderr ?? '');
const pass = Number(/(\d+) Pass/.exec(out)?.[1] ?? 0);
const fail = Number(/(\d+) Fail/.exec(out)?.[1] ?? 0);
if (verbose) {
  for (const line of out.split('\n')) if (/^(test failure|Failed|error|\$ )/.test(line)) console.log(line);
}
if (process.env.KEEP_LOG) fs.writeFileSync(process.env.KEEP_LOG, out);
fs.rmSync(tmp, { recursive: true, force: true });
if (!/Pass/.test(out)) {
  console.log(out.split('\n').slice(-20).join('\n'));
  console.log(`0 passed, ${fail} failed (the suite stopped early)`);
} else {
  console.log(`${pass} passed, ${fail} failed`);
}
