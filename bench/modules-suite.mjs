#!/usr/bin/env node
// Runs nixpkgs' module-system test suite (lib/tests/modules.sh of a nixpkgs or
// nixpkgs.lib checkout) against nixling's native module system ("mode b"): a temporary
// copy of lib/tests in which `import ../..` / `import ../../..` (nixpkgs' lib) become
// `import <nixling/lib>` and `nix-instantiate` becomes `bin/nixling instantiate`.
// Also "mode a": the suite unmodified (nixpkgs' own lib), which tests the evaluator.
// Prints the failing checks with --verbose and `mode X: N passed, M failed` per mode.
//
//   node bench/modules-suite.mjs /path/to/nixpkgs.lib [--verbose] [--only=a|--only=b]
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

const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);

/** Runs modules.sh from a temporary copy; `prepare(dst)` adapts the copy. Returns [pass, fail]. */
function runMode(label, copy) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `nixling-modules-${label}-`));
  const dst = copy(tmp);
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
    for (const line of out.split('\n')) if (/^(test failure|Failed|error|\$ )/.test(line)) console.log(`[${label}] ${line}`);
  }
  if (process.env.KEEP_LOG) fs.writeFileSync(`${process.env.KEEP_LOG}${label === 'b' ? '' : '.' + label}`, out);
  fs.rmSync(tmp, { recursive: true, force: true });
  if (!/Pass/.test(out)) {
    console.log(out.split('\n').slice(-20).join('\n'));
    console.log(`mode ${label}: 0 passed, ${fail} failed (the suite stopped early)`);
  } else {
    console.log(`mode ${label}: ${pass} passed, ${fail} failed`);
  }
}

// Mode a: the suite unmodified, importing nixpkgs' own lib (tests the evaluator). A copy of
// the whole lib directory, so `import ../..` is nixpkgs' lib.
if (!only || only === 'a') {
  runMode('a', (tmp) => {
    fs.cpSync(path.join(root, 'lib'), path.join(tmp, 'lib'), { recursive: true });
    return path.join(tmp, 'lib', 'tests');
  });
}

// Mode b: `import ../..` / `import ../../..` replaced by `import <nixling/lib>` (tests the
// native module system).
if (!only || only === 'b') {
  runMode('b', (tmp) => {
    const dst = path.join(tmp, 'lib', 'tests');
    fs.mkdirSync(dst, { recursive: true });
    fs.cpSync(path.join(tests, 'modules'), path.join(dst, 'modules'), { recursive: true });
    for (const f of ['modules/default.nix', 'modules/graph/test.nix']) {
      const p = path.join(dst, f);
      if (!fs.existsSync(p)) continue;
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/import \.\.\/\.\.(\/\.\.)?(?![\w/.])/g, 'import <nixling/lib>'));
    }
    return dst;
  });
}
