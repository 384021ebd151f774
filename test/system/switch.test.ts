// The switch flow as a library, with systemd played by a fake systemctl: the order of the
// calls (stop before the new units are installed, then daemon-reload, reload, restart,
// start), units the running systemd reports, failed jobs, and the human rendering.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { colours, optionDiffer, renderSystemDiff } from '../../src/cli/diff';
import { planActivation } from '../../src/system/activation-plan';
import { readInstalledTree } from '../../src/system/install';
import { computeSystemDiff } from '../../src/system/system-diff';
import { listGenerations, readMetadata } from '../../src/system/profile';
import { applyPlan, setSystemBuilder, Systemctl, switchSystem } from '../../src/system/switch';
import { readToplevelUnits, readUnitTree, sameTree } from '../../src/system/units';
import { removeTempDirs, svc, tempDir, writeToplevel, writeTree } from './trees';

afterAll(removeTempDirs);

function fakeSystemctl(active: string[], failing: string[] = []): { calls: string[]; systemctl: Systemctl } {
  const calls: string[] = [];
  const systemctl: Systemctl = (args) => {
    calls.push(args.join(' '));
    if (args[0] === 'list-units') return { status: 0, stdout: active.map((u) => `${u} loaded active running ${u}\n`).join('') + 'idle.service loaded inactive dead idle\n' };
    return { status: args.some((a) => failing.includes(a)) ? 1 : 0, stdout: '' };
  };
  return { calls, systemctl };
}

describe('applyPlan', () => {
  it("runs systemctl in switch-to-configuration's order", () => {
    const dir = tempDir('apply');
    const old = readUnitTree(
      writeTree(path.join(dir, 'old'), {
        'a.service': svc('ExecStart=/a'),
        'r.service': svc('X-StopIfChanged=false\nExecStart=/r'),
        'l.service': svc('X-ReloadIfChanged=true\nExecStart=/l'),
        'd.service': svc('X-ReloadIfChanged=true\nExecStart=/d'),
        'gone.service': svc('ExecStart=/g'),
      }),
    );
    const neu = readUnitTree(
      writeTree(path.join(dir, 'new'), {
        'a.service': svc('ExecStart=/a2'),
        'r.service': svc('X-StopIfChanged=false\nExecStart=/r2'),
        'l.service': svc('X-ReloadIfChanged=true\nExecStart=/l2'),
        'd.service': svc('X-ReloadIfChanged=true\nExecStart=/d2'),
        'n.service': svc('ExecStart=/n'),
        'multi-user.target.wants/n.service': { link: '../n.service' },
      }),
    );
    const active = ['a.service', 'r.service', 'l.service', 'd.service', 'gone.service', 'multi-user.target'];
    const plan = planActivation(old, neu, { active: new Set(active) });
    // d.service is stopped by the time of the reload (the fake says only what `active` lists).
    const { calls, systemctl } = fakeSystemctl(active.filter((u) => u !== 'd.service'), ['r.service']);
    const log: string[] = [];
    const status = applyPlan(plan, systemctl, () => calls.push('(install)'), (s) => log.push(s));
    expect(calls).toEqual([
      'stop -- a.service gone.service',
      '(install)',
      'daemon-reload',
      'list-units --all --plain --no-legend --no-pager --full',
      'reload -- l.service',
      'start -- d.service',
      'restart -- r.service',
      'start -- a.service n.service',
    ]);
    expect(status).toBe(4);
    expect(log.join('')).toBe(
      [
        'stopping the following units: a.service, gone.service',
        'reloading the following units: d.service, l.service',
        'restarting the following units: r.service',
        "warning: 'systemctl restart -- r.service' failed (exit 1)",
        'starting the following units: a.service, n.service',
        '',
      ].join('\n'),
    );
  });
});

describe('switchSystem', () => {
  it('on a live root, asks systemd what runs, stops, installs, then starts', async () => {
    const base = tempDir('live');
    const root = path.join(base, 'root');
    const profileDir = path.join(base, 'profile');
    const a = writeToplevel(base, 'aaaa-a', { 'web.service': svc('ExecStart=/w'), 'multi-user.target.wants/web.service': { link: '../web.service' } });
    const b = writeToplevel(base, 'bbbb-b', { 'web.service': svc('ExecStart=/w2'), 'multi-user.target.wants/web.service': { link: '../web.service' } });
    const log = () => {};
    const first = fakeSystemctl([]);
    const r1 = await switchSystem({ source: { kind: 'toplevel', path: a }, root, profileDir, live: true, systemctl: first.systemctl, log });
    expect(r1.generation).toBe(1);
    expect(r1.applied).toBe(true);
    expect(first.calls.filter((c) => !c.startsWith('list-units'))).toEqual(['daemon-reload', 'start -- web.service']);

    const second = fakeSystemctl(['web.service', 'multi-user.target']);
    let installedWhenStopping: boolean | undefined;
    const spy: Systemctl = (args) => {
      if (args[0] === 'stop') installedWhenStopping = sameTree(readInstalledTree(root), readToplevelUnits(b));
      return second.systemctl(args);
    };
    const r2 = await switchSystem({ source: { kind: 'toplevel', path: b }, root, profileDir, live: true, systemctl: spy, log });
    expect(r2.generation).toBe(2);
    expect(second.calls.filter((c) => !c.startsWith('list-units'))).toEqual(['stop -- web.service', 'daemon-reload', 'start -- web.service']);
    expect(installedWhenStopping).toBe(false);
    expect(sameTree(readInstalledTree(root), readToplevelUnits(b))).toBe(true);
    expect(fs.readlinkSync(path.join(profileDir, 'current'))).toBe('2');
  });
});

describe('switching to a configuration', () => {
  it('records the builder metadata, and diffs options, traced causes and images', async () => {
    const base = tempDir('config');
    const root = path.join(base, 'root');
    const profileDir = path.join(base, 'profile');
    const unit = (lang: string) => svc(`Environment="LANG=${lang}"\nExecStart=/bin/podman run isso`);
    const tops: Record<string, string> = {
      'a.nix': writeToplevel(base, 'aaaa-a', { 'podman-isso.service': unit('C'), 'multi-user.target.wants/podman-isso.service': { link: '../podman-isso.service' } }),
      'b.nix': writeToplevel(base, 'bbbb-b', { 'podman-isso.service': unit('en_US.UTF-8'), 'multi-user.target.wants/podman-isso.service': { link: '../podman-isso.service' } }),
    };
    const opt = (lang: string) => ({
      'virtualisation.oci-containers.containers.isso.environment.LANG': { value: `"${lang}"`, definedAt: [`${base}/x.nix:3`] },
      'networking.hostName': { value: '"box"', definedAt: [] },
    });
    const metadata: Record<string, object> = {
      'a.nix': { options: opt('C'), images: ['/nix/store/aaa-isso.tar'] },
      'b.nix': { options: opt('en_US.UTF-8'), images: ['/nix/store/aaa-isso.tar', '/nix/store/bbb-isso.tar'] },
    };
    const built: string[] = [];
    setSystemBuilder(async ({ configFile, dryRun }) => {
      built.push(`${path.basename(configFile)}${dryRun ? ' (dry run)' : ''}`);
      const top = tops[path.basename(configFile)];
      return { toplevel: top, physical: top, metadata: metadata[path.basename(configFile)] };
    });
    for (const f of Object.keys(tops)) fs.writeFileSync(path.join(base, f), '{ }\n');
    const log = () => {};
    await switchSystem({ source: { kind: 'config', file: path.join(base, 'a.nix') }, root, profileDir, log });
    const dry = await switchSystem({ source: { kind: 'config', file: path.join(base, 'b.nix') }, root, profileDir, dryRun: true, diffOptions: optionDiffer(), log });
    expect(built).toEqual(['a.nix', 'b.nix (dry run)']);
    expect(dry.diff.options).toEqual([
      { path: 'virtualisation.oci-containers.containers.isso.environment.LANG', old: '"C"', new: '"en_US.UTF-8"', definedAt: [`${base}/x.nix:3`] },
    ]);
    expect(dry.diff.images).toEqual(['/nix/store/bbb-isso.tar']);
    expect(dry.diff.traced.map((e) => [e.action, e.unit, e.causes])).toEqual([
      ['stop', 'podman-isso.service', ['virtualisation.oci-containers.containers.isso.environment.LANG']],
      ['start', 'podman-isso.service', ['virtualisation.oci-containers.containers.isso.environment.LANG']],
    ]);
    expect(renderSystemDiff(dry.diff, colours({ isTTY: false } as NodeJS.WriteStream), 'would')).toContain(
      'would:\n  stop    podman-isso.service  Environment changed; caused by virtualisation.oci-containers.containers.isso.environment.LANG\n',
    );
    // Nothing was recorded by the dry run; the first switch recorded its metadata.
    expect(listGenerations(profileDir).map((g) => [g.number, readMetadata(g)])).toEqual([[1, metadata['a.nix']]]);
  });
});

describe('renderSystemDiff', () => {
  it('colours only a terminal, and never with NO_COLOR', () => {
    const dir = tempDir('render');
    const side = (name: string, text: string) => ({ label: name, toplevel: name, metadata: {}, tree: readUnitTree(writeTree(path.join(dir, name), { 'a.service': text, 'multi-user.target.wants/a.service': { link: '../a.service' } })) });
    const d = computeSystemDiff(side('old', svc('ExecStart=/a')), side('new', svc('ExecStart=/b')));
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(renderSystemDiff(d, colours(tty))).toContain('\x1b[31m-ExecStart=/a\x1b[0m');
      expect(renderSystemDiff(d, colours({ isTTY: false } as NodeJS.WriteStream))).not.toContain('\x1b[');
      process.env.NO_COLOR = '1';
      expect(renderSystemDiff(d, colours(tty))).not.toContain('\x1b[');
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
    expect(renderSystemDiff(d, colours({ isTTY: false } as NodeJS.WriteStream))).toBe(
      [
        'units:',
        '  ~ a.service',
        '      --- a/a.service',
        '      +++ b/a.service',
        '      @@ -2,4 +2,4 @@',
        '       Description=test',
        '       ',
        '       [Service]',
        '      -ExecStart=/a',
        '      +ExecStart=/b',
        'activation plan:',
        '  stop    a.service  ExecStart changed',
        '  start   a.service  ExecStart changed (stopped, then started with the new unit)',
        '',
      ].join('\n'),
    );
  });
});
