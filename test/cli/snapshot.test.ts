// The startup snapshots (src/cli/snapshot.ts) evaluate a warm-up program at install time and
// then forget its builtins: through bin/nixling (run `node build.mjs` first), every value
// that belongs to a run must come from that run, not from the install.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const BIN = path.join(root, 'bin/nixling');

function evalWith(expr: string, env: Record<string, string> = {}, cwd = root): string {
  const r = spawnSync(BIN, ['instantiate', '--eval', '--strict', '-E', expr], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

describe('values of the run, not of the snapshot', () => {
  it('bin/nixling runs from the snapshot', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'nixling.blob'))).toBe(true);
  });

  it('builtins.currentTime is the clock of the run', () => {
    const t = Number(evalWith('builtins.currentTime'));
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(30);
  });

  it('the environment: getEnv, NIX_PATH, the store directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-snap-'));
    const env = { NIXLING_SNAPSHOT_PROBE: 'run-value', NIX_PATH: `probe=${dir}`, NIX_STORE_DIR: '/probe/store' };
    expect(evalWith('builtins.getEnv "NIXLING_SNAPSHOT_PROBE"', env)).toBe('"run-value"');
    expect(evalWith('builtins.nixPath', env)).toContain(`path = "${dir}"; prefix = "probe";`);
    expect(evalWith('builtins.storeDir', env)).toBe('"/probe/store"');
    expect(evalWith('./x', {}, dir)).toBe(path.join(fs.realpathSync(dir), 'x'));
  });
});

// The snapshots are built where nixling is installed; moved elsewhere afterwards, a start
// must still find its files (the Nix files, the reference parser) where it now runs.
describe('an installation moved after it was built', () => {
  function copyInstall(skip: (f: string) => boolean = () => false): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-moved-'));
    for (const d of ['bin', 'dist', 'modules', 'corepkgs']) {
      fs.cpSync(path.join(root, d), path.join(dir, d), { recursive: true, filter: (f) => !skip(f) });
    }
    fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    return dir;
  }
  const run = (dir: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(path.join(dir, 'bin/nixling'), args, { input: '1', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });

  it('finds <nixling/…> in its new place', () => {
    const dir = copyInstall();
    try {
      fs.writeFileSync(path.join(dir, 'modules', 'moved-marker.nix'), '"here"');
      for (const cmd of ['instantiate', 'eval']) {
        const r = run(dir, cmd === 'eval' ? ['eval', '-E', 'import <nixling/moved-marker.nix>'] : ['instantiate', '--eval', '-E', 'import <nixling/moved-marker.nix>']);
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe('"here"\n');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without the reference parser bundle, says so (no stack trace)', () => {
    const dir = copyInstall((f) => f.endsWith('reference-parser.js'));
    try {
      for (const [args, env] of [
        [['parse', '--reference', '-'], {}],
        [['instantiate', '--eval', '-E', '1'], { NIXLING_PARSER: 'reference' }],
      ] as [string[], Record<string, string>][]) {
        const r = run(dir, args, env);
        expect(r.stderr).toMatch(/^error: the reference parser is not built \(.*reference-parser\.js is missing\); run `node build\.mjs`/);
        expect(r.stderr).not.toContain('    at ');
        expect(r.status).toBe(1);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
