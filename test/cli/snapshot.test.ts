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
