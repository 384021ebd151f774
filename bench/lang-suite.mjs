#!/usr/bin/env node
// Runs Nix's language test suite (tests/functional/lang of a NixOS/nix checkout) against
// `nixling instantiate`, making the same comparison as Nix's own driver (lang.sh): same
// flags and environment, stdout and stderr compared exactly (with the working directory
// replaced by /pwd). Prints a line per category and a final `N passed, M failed`.
//
//   node bench/lang-suite.mjs /path/to/nix [--verbose] [--filter SUBSTRING]
//
// The suite stays outside the repository; without a path (or NIX_SUITE) it says so and exits 0.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nixling = path.resolve(here, '..', 'bin', 'nixling');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const fi = args.indexOf('--filter');
const filter = fi >= 0 ? args[fi + 1] : undefined;
const suite = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--filter') ?? process.env.NIX_SUITE;
if (!suite || !fs.existsSync(path.join(suite, 'tests/functional/lang'))) {
  console.log(`lang suite not found at ${suite ?? '(no path given)'}: not run`);
  process.exit(0);
}
const cwd = path.join(suite, 'tests/functional');
const lang = path.join(cwd, 'lang');

// Nix's test harness enables the `flakes` feature in its nix.conf (tests/functional/common/
// init.sh: `extra-experimental-features = flakes`); nixling reads no nix.conf, so say it here.
const CONF_FLAGS = ['--extra-experimental-features', 'flakes'];

function run(argv, { stdin, env } = {}) {
  return new Promise((resolve) => {
    const p = spawn(nixling, [argv[0], ...CONF_FLAGS, ...argv.slice(1)], {
      cwd,
      env: { ...process.env, TEST_VAR: 'foo', NIX_REMOTE: 'dummy://', NIX_STORE_DIR: '/nix/store', ...env },
    });
    const out = [];
    const err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') });
    });
    if (stdin !== undefined) p.stdin.end(stdin);
    else p.stdin.end();
  });
}

const readFlags = (name) => {
  const f = path.join(lang, name + '.flags');
  if (!fs.existsSync(f)) return undefined;
  return fs.readFileSync(f, 'utf8').replace(/#.*/g, '').split(/\s+/).filter(Boolean);
};
const sub = (s) => s.split(cwd).join('/pwd');
const readExp = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'latin1') : '');

const files = fs.readdirSync(lang).filter((f) => f.endsWith('.nix') && (!filter || f.includes(filter))).sort();
const results = { 'parse-okay': [0, 0], 'parse-fail': [0, 0], 'eval-okay': [0, 0], 'eval-fail': [0, 0] };
const failures = [];

async function one(f) {
  const name = f.slice(0, -4);
  const cat = Object.keys(results).find((c) => name.startsWith(c + '-'));
  if (!cat) return;
  let ok = false;
  let detail = '';
  if (cat === 'parse-okay') {
    const r = await run(['instantiate', '--parse', '-'], { stdin: fs.readFileSync(path.join(lang, f)) });
    ok = r.code === 0 && sub(r.stdout) === readExp(path.join(lang, name + '.exp'));
    detail = r.stderr || r.stdout;
  } else if (cat === 'parse-fail') {
    const r = await run(['instantiate', '--parse', '-'], { stdin: fs.readFileSync(path.join(lang, f)) });
    ok = r.code === 1 && !/\n\s+at .*\.js:\d+/.test(r.stderr);
    detail = `exit ${r.code}: ${r.stderr}`;
  } else if (cat === 'eval-fail') {
    const flags = readFlags(name) ?? ['--eval', '--strict', '--show-trace'];
    const r = await run(['instantiate', ...flags, `lang/${f}`]);
    ok = r.code === 1 && !/internal error/.test(r.stderr);
    detail = `exit ${r.code}: ${r.stderr}`;
  } else {
    if (fs.existsSync(path.join(lang, name + '.exp-disabled'))) return;
    if (fs.existsSync(path.join(lang, name + '.exp.xml'))) {
      const r = await run(['instantiate', '--eval', '--xml', '--no-location', '--strict', `lang/${f}`]);
      ok = r.code === 0 && r.stdout === readExp(path.join(lang, name + '.exp.xml'));
      detail = r.stderr || r.stdout;
    } else {
      const flags = readFlags(name) ?? [];
      const r = await run(['instantiate', ...flags, '--eval', '--strict', `lang/${f}`], {
        env: { NIX_PATH: 'lang/dir3:lang/dir4', HOME: '/fake-home' },
      });
      const expOut = readExp(path.join(lang, name + '.exp'));
      const expErr = readExp(path.join(lang, name + '.err.exp'));
      ok = r.code === 0 && sub(r.stdout) === expOut && sub(r.stderr) === expErr;
      detail = `exit ${r.code}\n--- stdout\n${sub(r.stdout).slice(0, 2000)}\n--- expected\n${expOut.slice(0, 2000)}\n--- stderr\n${sub(r.stderr).slice(0, 2000)}\n--- expected stderr\n${expErr}`;
    }
  }
  results[cat][ok ? 0 : 1]++;
  if (!ok) failures.push({ name, detail });
}

const queue = [...files];
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (queue.length) await one(queue.shift());
  }),
);
failures.sort((a, b) => (a.name < b.name ? -1 : 1));
for (const f of failures) {
  console.log(`FAIL ${f.name}`);
  if (verbose) console.log(f.detail.replace(/^/gm, '    '));
}
let pass = 0;
let fail = 0;
for (const [cat, [p, m]] of Object.entries(results)) {
  console.log(`${cat}: ${p} passed, ${m} failed`);
  pass += p;
  fail += m;
}
console.log(`${pass} passed, ${fail} failed`);
