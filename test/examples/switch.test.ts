/**
 * What a user does every day with examples/webapp, through bin/nixling, into a temporary
 * root and store (never the real /etc): switch to it; change a copy (an environment
 * variable of the container) and look at `nixling diff` (the option that changed and
 * where, the unit change, the activation plan traced back to the option); switch again;
 * list generations; roll back, which restores the previous unit byte for byte. Then
 * `nixling option` on mistakes: an unknown path (suggestions) and an evaluation error inside
 * an option's value (file:line, non-zero exit, no JavaScript stack trace), and a switch to
 * that configuration, which fails and changes nothing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticBusybox } from '../support/podman';

const root = path.resolve(__dirname, '../..');
const BIN = path.join(root, 'bin/nixling');
const example = path.join(root, 'examples/webapp');
const UNIT = 'podman-webapp.service';
const OPT = 'virtualisation.oci-containers.containers.webapp';
const PORTS_LINE = '      ports = [ "127.0.0.1:18080:8080" ];';

const skip = staticBusybox() ? '' : 'no statically linked busybox (install busybox-static): the example\'s image needs it';

let tmp: string;
let store: string;
let sysRoot: string;
let installed: string;
/** The example with one more definition after its ports; returns the file and that line's number. */
function variant(name: string, definition: string): { file: string; line: number } {
  const text = fs.readFileSync(path.join(example, 'configuration.nix'), 'utf8');
  const lines = text.split('\n');
  const at = lines.indexOf(PORTS_LINE);
  if (at < 0) throw new Error(`examples/webapp/configuration.nix has no line '${PORTS_LINE}'`);
  lines.splice(at + 1, 0, `      ${definition}`);
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const file = path.join(dir, 'configuration.nix');
  fs.writeFileSync(file, lines.join('\n'));
  return { file, line: at + 2 };
}

function nl(...args: string[]) {
  const r = spawnSync(BIN, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const sys = (...args: string[]) => nl(...args, '--root', sysRoot, '--store-dir', store);

/** No JavaScript stack trace, no internal error. */
function expectNoCrash(text: string) {
  expect(text).not.toMatch(/^\s+at .*(\.js|\.ts|node:)/m);
  expect(text).not.toMatch(/TypeError|ReferenceError|RangeError|internal error/);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-example-switch-'));
  store = path.join(tmp, 'nix/store');
  sysRoot = path.join(tmp, 'root');
  installed = path.join(sysRoot, 'etc/systemd/system');
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!!skip)(`switching examples/webapp${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let gen1: Buffer;
  let changed: { file: string; line: number };

  it('switch installs the example\'s units into the root and records generation 1', () => {
    const r = sys('switch', '-c', 'examples/webapp');
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/^switched to new generation 1 /m);
    expect(r.out).toMatch(/start\s+podman-webapp\.service\s+new unit, wanted by multi-user\.target/);
    expect(fs.readdirSync(installed).sort()).toEqual(['multi-user.target.wants', UNIT]);
    gen1 = fs.readFileSync(path.join(installed, UNIT));
    expect(gen1.toString()).toMatch(new RegExp(`^ExecStart=${store}/[0-9a-z]{32}-unit-script-podman-webapp-start/bin/podman-webapp-start $`, 'm'));
    expect(fs.readdirSync(path.join(installed, 'multi-user.target.wants'))).toEqual([UNIT]);
  });

  it('diff shows the changed option with its definition, the unit diff, and the plan with its cause', () => {
    changed = variant('changed', 'environment.GREETING = "hello";');
    const r = sys('diff', changed.file, '--json');
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    const d = JSON.parse(r.out);
    expect(d.old.label).toBe('generation 1');
    expect(d.options).toEqual([{ path: `${OPT}.environment.GREETING`, old: null, new: '"hello"', definedAt: [`${changed.file}:${changed.line}`] }]);
    // The start script changed, and podman units keep NixOS's stopIfChanged: stop, then start.
    expect({ stop: d.units.stop, start: d.units.start, restart: d.units.restart, reload: d.units.reload }).toEqual({
      stop: [UNIT], start: [UNIT], restart: [], reload: [],
    });
    expect(d.units.added).toEqual([]);
    expect(d.units.removed).toEqual([]);
    expect(d.units.changed.map((c: { unit: string }) => c.unit)).toEqual([UNIT]);
    const diff: string = d.units.changed[0].diff;
    expect(diff.split('\n').filter((l) => /^[-+][^-+]/.test(l)).map((l) => l.replace(/=.*/, '='))).toEqual(['-ExecStart=', '+ExecStart=']);
    expect(d.plan).toEqual([
      { action: 'stop', unit: UNIT, reason: expect.stringContaining('ExecStart changed'), causes: [`${OPT}.environment.GREETING`] },
      { action: 'start', unit: UNIT, reason: expect.stringContaining('ExecStart changed'), causes: [`${OPT}.environment.GREETING`] },
    ]);
    // The image is the same.
    expect(d.images).toEqual([]);

    const h = sys('diff', changed.file);
    expect(h.code).toBe(0);
    expect(h.out).toContain(`~ ${OPT}.environment.GREETING  (${changed.file}:${changed.line})`);
    expect(h.out).toMatch(new RegExp(`stop\\s+${UNIT.replace('.', '\\.')}\\s+ExecStart changed; caused by ${OPT}\\.environment\\.GREETING`));
    // A dry run changes nothing.
    expect(fs.readFileSync(path.join(installed, UNIT)).equals(gen1)).toBe(true);
  });

  it('switch to the change records generation 2 with the new unit', () => {
    const r = sys('switch', '-c', changed.file);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/^switched to new generation 2 /m);
    expect(r.out).toContain(`caused by ${OPT}.environment.GREETING`);
    const unit = fs.readFileSync(path.join(installed, UNIT), 'utf8');
    expect(unit).not.toBe(gen1.toString());
    const start = unit.match(/^ExecStart=(\S+)/m)![1];
    expect(fs.readFileSync(start, 'utf8')).toContain(' -e GREETING=hello \\\n');
    expect(sys('diff', changed.file).out).toMatch(/no changes/);
  });

  it('generations lists both, the second current', () => {
    const r = sys('generations', '--json');
    expect(r.code).toBe(0);
    const g = JSON.parse(r.out);
    expect(g.map((x: { number: number; current: boolean; units: unknown }) => [x.number, x.current, x.units])).toEqual([
      [1, false, { total: 1, added: 1, removed: 0, changed: 0 }],
      [2, true, { total: 1, added: 0, removed: 0, changed: 1 }],
    ]);
    const h = sys('generations');
    expect(h.out).toMatch(/^\s+1\s.*1 added/m);
    expect(h.out).toMatch(/^\*\s*2\s.*1 changed.*\(current\)/m);
  });

  it('switch --rollback restores the previous unit byte for byte', () => {
    const r = sys('switch', '--rollback');
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/^rolled back to generation 1 /m);
    expect(fs.readFileSync(path.join(installed, UNIT)).equals(gen1)).toBe(true);
    expect(fs.readdirSync(installed).sort()).toEqual(['multi-user.target.wants', UNIT]);
    expect(JSON.parse(sys('generations', '--json').out).map((x: { current: boolean }) => x.current)).toEqual([true, false]);
    expect(sys('diff', 'examples/webapp').out).toMatch(/no changes/);
  });

  it('a configuration whose value fails to evaluate does not switch, and says where', () => {
    const bad = variant('switch-bad', 'environment.FOO = throw "boom";');
    const r = sys('switch', '-c', bad.file);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('error: boom');
    expect(r.err).toContain(`${bad.file}:${bad.line}:`);
    expectNoCrash(r.err);
    expect(fs.readFileSync(path.join(installed, UNIT)).equals(gen1)).toBe(true);
    expect(JSON.parse(sys('generations', '--json').out)).toHaveLength(2);
  });
});

describe.skipIf(!!skip)(`nixling option on mistakes in examples/webapp${skip ? ` — skipped: ${skip}` : ''}`, () => {
  it('an unknown path suggests the nearest options', () => {
    for (const [wrong, right] of [
      [`${OPT}.portz`, `${OPT}.ports`],
      ['virtualisation.oci-containers.containers.webap.ports', `${OPT}.ports`],
      ['virtualisation.oci-containers.containrs', 'virtualisation.oci-containers.containers'],
    ]) {
      const r = nl('option', wrong, '-c', 'examples/webapp');
      expect({ wrong, code: r.code, out: r.out }).toEqual({ wrong, code: 1, out: '' });
      expect(r.err).toContain(`the option '${wrong}' does not exist`);
      expect(r.err).toContain(`Did you mean '${right}'?`);
      expectNoCrash(r.err);
    }
  });

  it('an evaluation error inside a value is shown with its file:line', () => {
    const bad = variant('option-bad', 'environment.FOO = throw "boom";');
    const col = fs.readFileSync(bad.file, 'utf8').split('\n')[bad.line - 1].indexOf('throw') + 1;
    const where = `${bad.file}:${bad.line}:${col}`;

    const r = nl('option', `${OPT}.environment.FOO`, '-c', bad.file);
    expect({ code: r.code, out: r.out }).toEqual({ code: 1, out: '' });
    expect(r.err).toContain('error: boom');
    expect(r.err).toContain(`at ${where}:`);
    expect(r.err).toContain(`${bad.line}|       environment.FOO = throw "boom";`);
    expectNoCrash(r.err);

    const j = nl('option', `${OPT}.environment.FOO`, '-c', bad.file, '--json');
    expect(j.code).toBe(1);
    const info = JSON.parse(j.out);
    expect(info).toMatchObject({ kind: 'error', path: `${OPT}.environment.FOO` });
    expect(info.error).toContain(where);

    // The option above it still shows, with the failure in its value and its definition's place.
    const up = nl('option', `${OPT}.environment`, '-c', bad.file);
    expect({ code: up.code, err: up.err }).toEqual({ code: 0, err: '' });
    expect(up.out).toContain('(evaluation failed)');
    expect(up.out).toContain(`at ${where}:`);
    expect(up.out).toMatch(new RegExp(`\\* ${bad.file.replace(/[.]/g, '\\.')}:${bad.line}\\s.*\\[used\\]`));
    expectNoCrash(up.out);
  });
});
