// Scenario tests of the activation plan: pairs of unit trees, one per rule of
// switch-to-configuration, each checking the plan's JSON exactly.
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareUnits } from '../../src/system/activation-plan';
import { parseUnitText } from '../../src/system/ini';
import { computeSystemDiff, OptionDiffer, systemDiffToJSON } from '../../src/system/system-diff';
import { readUnitTree } from '../../src/system/units';
import { removeTempDirs, svc, tempDir, TreeSpec, writeTree } from './trees';

afterAll(removeTempDirs);

const wantedBy = (target: string, ...units: string[]): TreeSpec =>
  Object.fromEntries(units.map((u) => [`${target}.wants/${u}`, { link: `../${u}` }]));
const wanted = (...units: string[]): TreeSpec => wantedBy('multi-user.target', ...units);

interface Scenario {
  units: Record<string, unknown>;
  plan: unknown[];
}

function scenario(oldSpec: TreeSpec, newSpec: TreeSpec, opts: { active?: string[]; diffOptions?: OptionDiffer; metadata?: [object, object] } = {}): Scenario {
  const dir = tempDir('plan');
  const side = (name: string, spec: TreeSpec, metadata: object) => ({
    label: name,
    toplevel: name,
    tree: readUnitTree(writeTree(path.join(dir, name), spec)),
    metadata: metadata as Record<string, unknown>,
  });
  const d = computeSystemDiff(side('old', oldSpec, opts.metadata?.[0] ?? {}), side('new', newSpec, opts.metadata?.[1] ?? {}), {
    active: opts.active ? new Set(opts.active) : undefined,
    diffOptions: opts.diffOptions,
  });
  const j = systemDiffToJSON(d) as { units: Record<string, unknown>; plan: unknown[] };
  const units = { ...j.units, changed: (j.units.changed as { unit: string }[]).map((c) => c.unit) };
  return { units, plan: j.plan };
}

const units = (u: Partial<Record<'stop' | 'start' | 'restart' | 'reload' | 'skip' | 'added' | 'removed' | 'changed', string[]>> & { links?: { added: string[]; removed: string[] } }) => ({
  stop: [],
  start: [],
  restart: [],
  reload: [],
  skip: [],
  added: [],
  removed: [],
  changed: [],
  links: { added: [], removed: [] },
  ...u,
});
const entry = (action: string, unit: string, reason: string, extra: object = {}) => ({ action, unit, reason, causes: [], ...extra });

describe('activation plan', () => {
  it('leaves unchanged units alone and stops and starts a changed service', () => {
    const s = scenario(
      { 'a.service': svc('ExecStart=/a'), 'b.service': svc('ExecStart=/b'), ...wanted('a.service', 'b.service') },
      { 'a.service': svc('ExecStart=/a'), 'b.service': svc('ExecStart=/b2'), ...wanted('a.service', 'b.service') },
    );
    expect(s.units).toEqual(units({ stop: ['b.service'], start: ['b.service'], changed: ['b.service'] }));
    expect(s.plan).toEqual([entry('stop', 'b.service', 'ExecStart changed'), entry('start', 'b.service', 'ExecStart changed (stopped, then started with the new unit)')]);
  });

  it('gives an empty plan for identical trees', () => {
    const t = { 'a.service': svc('ExecStart=/a'), 'app.target': '[Unit]\nDescription=app\n', ...wanted('a.service', 'app.target') };
    const s = scenario(t, t);
    expect(s.units).toEqual(units({}));
    expect(s.plan).toEqual([]);
  });

  it('stops removed and masked units, unless X-StopOnRemoval=false or they are not running', () => {
    const s = scenario(
      {
        'keep.service': svc('ExecStart=/k'),
        'gone.service': svc('ExecStart=/g'),
        'masked.service': svc('ExecStart=/m'),
        'sticky.service': svc('ExecStart=/s', 'X-StopOnRemoval=false'),
        'idle.service': svc('ExecStart=/i'),
        ...wanted('keep.service', 'gone.service', 'masked.service', 'sticky.service'),
      },
      { 'keep.service': svc('ExecStart=/k'), 'masked.service': { link: '/dev/null' }, ...wanted('keep.service') },
    );
    expect(s.units).toEqual(
      units({
        stop: ['gone.service', 'masked.service'],
        removed: ['gone.service', 'idle.service', 'sticky.service'],
        changed: ['masked.service'],
        links: { added: [], removed: ['multi-user.target.wants/gone.service', 'multi-user.target.wants/masked.service', 'multi-user.target.wants/sticky.service'] },
      }),
    );
    expect(s.plan).toEqual([entry('stop', 'gone.service', 'unit removed'), entry('stop', 'masked.service', 'unit masked')]);
  });

  it('starts new units that are wanted, also through a new target, and only those', () => {
    const s = scenario(
      { 'a.service': svc('ExecStart=/a'), ...wanted('a.service') },
      {
        'a.service': svc('ExecStart=/a'),
        'new.service': svc('ExecStart=/n'),
        'unwanted.service': svc('ExecStart=/u'),
        'app.target': '[Unit]\nDescription=app\n',
        'app-worker.service': svc('ExecStart=/w'),
        'pulled.service': svc('ExecStart=/p'),
        'wants-more.service': svc('ExecStart=/x', 'Wants=pulled.service'),
        ...wanted('a.service', 'new.service', 'app.target', 'wants-more.service'),
        ...wantedBy('app.target', 'app-worker.service'),
      },
    );
    expect(s.units).toEqual(
      units({
        start: ['app-worker.service', 'app.target', 'new.service', 'pulled.service', 'wants-more.service'],
        added: ['app-worker.service', 'app.target', 'new.service', 'pulled.service', 'unwanted.service', 'wants-more.service'],
        links: {
          added: ['app.target.wants/app-worker.service', 'multi-user.target.wants/app.target', 'multi-user.target.wants/new.service', 'multi-user.target.wants/wants-more.service'],
          removed: [],
        },
      }),
    );
    expect(s.plan).toEqual([
      entry('start', 'app-worker.service', 'new unit, wanted by app.target'),
      entry('start', 'app.target', 'new unit, wanted by multi-user.target'),
      entry('start', 'new.service', 'new unit, wanted by multi-user.target'),
      entry('start', 'pulled.service', 'new unit, wanted by wants-more.service'),
      entry('start', 'wants-more.service', 'new unit, wanted by multi-user.target'),
    ]);
  });

  it('follows the restart, stop and reload markers of changed services', () => {
    const names = ['norestart', 'nostop', 'reloadif', 'refuse', 'plain'];
    const old: TreeSpec = {
      'norestart.service': svc('X-RestartIfChanged=false\nExecStart=/a'),
      'nostop.service': svc('X-StopIfChanged=false\nExecStart=/a'),
      'reloadif.service': svc('X-ReloadIfChanged=true\nExecStart=/a'),
      'refuse.service': svc('ExecStart=/a', 'RefuseManualStop=true'),
      'plain.service': svc('Environment="A=1"\nExecStart=/a'),
      ...wanted(...names.map((n) => `${n}.service`)),
    };
    const neu: TreeSpec = {
      'norestart.service': svc('X-RestartIfChanged=false\nExecStart=/b'),
      'nostop.service': svc('X-StopIfChanged=false\nExecStart=/b'),
      'reloadif.service': svc('X-ReloadIfChanged=true\nExecStart=/b'),
      'refuse.service': svc('ExecStart=/b', 'RefuseManualStop=true'),
      'plain.service': svc('Environment="A=2"\nExecStart=/b'),
      ...wanted(...names.map((n) => `${n}.service`)),
    };
    const s = scenario(old, neu);
    expect(s.units).toEqual(
      units({
        stop: ['plain.service'],
        start: ['plain.service'],
        restart: ['nostop.service'],
        reload: ['reloadif.service'],
        skip: ['norestart.service', 'refuse.service'],
        changed: ['norestart.service', 'nostop.service', 'plain.service', 'refuse.service', 'reloadif.service'],
      }),
    );
    expect(s.plan).toEqual([
      entry('stop', 'plain.service', 'Environment, ExecStart changed'),
      entry('skip', 'norestart.service', 'ExecStart changed; NOT restarting (X-RestartIfChanged=false)'),
      entry('skip', 'refuse.service', 'ExecStart changed; NOT restarting (RefuseManualStop=true)'),
      entry('reload', 'reloadif.service', 'ExecStart changed; X-ReloadIfChanged=true'),
      entry('restart', 'nostop.service', 'ExecStart changed; X-StopIfChanged=false'),
      entry('start', 'plain.service', 'Environment, ExecStart changed (stopped, then started with the new unit)'),
    ]);
  });

  it('reloads on X-Reload-Triggers, ExecReload and mount Options, ignores the ignored [Unit] keys and [Install]', () => {
    const s = scenario(
      {
        'trig.service': svc('ExecStart=/a', 'X-Reload-Triggers=/nix/store/aaa-triggers'),
        'restart-trig.service': svc('ExecStart=/a', 'X-Restart-Triggers=/nix/store/aaa-triggers'),
        'execreload.service': svc('ExecStart=/a\nExecReload=/bin/kill -HUP $MAINPID'),
        'noreload.service': svc('ExecStart=/a\nExecReload=/bin/kill -HUP $MAINPID'),
        'doc.service': svc('ExecStart=/a', 'Documentation=man:a\nOnFailure=x.service'),
        'install.service': svc('ExecStart=/a') + '\n[Install]\nWantedBy=multi-user.target\n',
        'data.mount': '[Mount]\nWhat=/dev/sda1\nWhere=/data\nOptions=noatime\n',
        'srv.mount': '[Mount]\nWhat=/dev/sdb1\nWhere=/srv\n',
        ...wanted('trig.service', 'restart-trig.service', 'execreload.service', 'noreload.service', 'doc.service', 'install.service'),
        ...wantedBy('local-fs.target', 'data.mount', 'srv.mount'),
      },
      {
        'trig.service': svc('ExecStart=/a', 'X-Reload-Triggers=/nix/store/bbb-triggers'),
        'restart-trig.service': svc('ExecStart=/a', 'X-Restart-Triggers=/nix/store/bbb-triggers'),
        'execreload.service': svc('ExecStart=/a\nExecReload=/bin/kill -USR1 $MAINPID'),
        'noreload.service': svc('ExecStart=/a'),
        'doc.service': svc('ExecStart=/a', 'Documentation=man:b\nDescription=other'),
        'install.service': svc('ExecStart=/a') + '\n[Install]\nWantedBy=default.target\n',
        'data.mount': '[Mount]\nWhat=/dev/sda1\nWhere=/data\nOptions=noatime,ro\n',
        'srv.mount': '[Mount]\nWhat=/dev/sdc1\nWhere=/srv\n',
        ...wanted('trig.service', 'restart-trig.service', 'execreload.service', 'noreload.service', 'doc.service', 'install.service'),
        ...wantedBy('local-fs.target', 'data.mount', 'srv.mount'),
      },
    );
    expect(s.units).toEqual(
      units({
        stop: ['restart-trig.service'],
        start: ['restart-trig.service'],
        restart: ['srv.mount'],
        reload: ['data.mount', 'execreload.service', 'trig.service'],
        changed: ['data.mount', 'doc.service', 'execreload.service', 'install.service', 'noreload.service', 'restart-trig.service', 'srv.mount', 'trig.service'],
      }),
    );
    expect(s.plan).toEqual([
      entry('stop', 'restart-trig.service', 'X-Restart-Triggers changed'),
      entry('reload', 'data.mount', 'Options changed'),
      entry('reload', 'execreload.service', 'ExecReload changed'),
      entry('reload', 'trig.service', 'X-Reload-Triggers changed'),
      entry('restart', 'srv.mount', 'What changed'),
      entry('start', 'restart-trig.service', 'X-Restart-Triggers changed (stopped, then started with the new unit)'),
    ]);
  });

  it('starts targets again, stopping those with X-StopOnReconfiguration first', () => {
    const target = (extra: string) => `[Unit]\nDescription=t\n${extra}`;
    const s = scenario(
      {
        'app.target': target(''),
        'reconf.target': target('X-StopOnReconfiguration=true\n'),
        'manual.target': target('RefuseManualStart=true\n'),
        'a.service': svc('ExecStart=/a'),
        ...wanted('app.target', 'reconf.target', 'manual.target', 'a.service'),
      },
      {
        'app.target': target('After=network.target\n'),
        'reconf.target': target('X-StopOnReconfiguration=true\n'),
        'manual.target': target('RefuseManualStart=true\n'),
        'a.service': svc('ExecStart=/a2'),
        ...wanted('app.target', 'reconf.target', 'manual.target', 'a.service'),
      },
    );
    expect(s.units).toEqual(
      units({ stop: ['a.service', 'reconf.target'], start: ['a.service', 'app.target', 'reconf.target'], changed: ['a.service', 'app.target'] }),
    );
    const again = 'target started again to pull in its dependencies';
    expect(s.plan).toEqual([
      entry('stop', 'a.service', 'ExecStart changed'),
      entry('stop', 'reconf.target', 'X-StopOnReconfiguration=true'),
      entry('start', 'a.service', 'ExecStart changed (stopped, then started with the new unit)'),
      entry('start', 'app.target', again, { hidden: true }),
      entry('start', 'reconf.target', again, { hidden: true }),
    ]);
  });

  it('restarts the sockets of a socket-activated service instead of the service, unless X-NotSocketActivated', () => {
    const sock = (port: number) => `[Socket]\nListenStream=${port}\n`;
    const s = scenario(
      {
        'web.socket': sock(80),
        'web.service': svc('ExecStart=/web'),
        'api.socket': sock(81),
        'api.service': svc('X-NotSocketActivated=true\nExecStart=/api'),
        'multi.service': svc('Sockets=m1.socket m2.socket\nExecStart=/m'),
        'm1.socket': sock(82),
        'm2.socket': sock(83),
        'lone.socket': sock(84),
        ...wantedBy('sockets.target', 'web.socket', 'api.socket', 'm1.socket', 'm2.socket', 'lone.socket'),
      },
      {
        'web.socket': sock(80),
        'web.service': svc('ExecStart=/web2'),
        'api.socket': sock(81),
        'api.service': svc('X-NotSocketActivated=true\nExecStart=/api2'),
        'multi.service': svc('Sockets=m1.socket m2.socket\nExecStart=/m2'),
        'm1.socket': sock(82),
        'm2.socket': sock(83),
        'lone.socket': sock(85),
        ...wantedBy('sockets.target', 'web.socket', 'api.socket', 'm1.socket', 'm2.socket', 'lone.socket'),
      },
    );
    expect(s.units).toEqual(
      units({
        stop: ['api.service', 'api.socket', 'm1.socket', 'm2.socket', 'multi.service', 'web.service', 'web.socket'],
        start: ['api.service', 'api.socket', 'm1.socket', 'm2.socket', 'web.socket'],
        skip: ['lone.socket'],
        changed: ['api.service', 'lone.socket', 'multi.service', 'web.service'],
      }),
    );
    const via = (svcName: string, what: string) => `${svcName} changed and is socket-activated: ${what}`;
    expect(s.plan).toEqual([
      entry('stop', 'api.service', 'ExecStart changed'),
      entry('stop', 'api.socket', via('api.service', 'ExecStart changed')),
      entry('stop', 'm1.socket', via('multi.service', 'ExecStart changed')),
      entry('stop', 'm2.socket', via('multi.service', 'ExecStart changed')),
      entry('stop', 'multi.service', 'ExecStart changed'),
      entry('stop', 'web.service', 'ExecStart changed'),
      entry('stop', 'web.socket', via('web.service', 'ExecStart changed')),
      entry('skip', 'lone.socket', 'ListenStream changed; changed sockets are not restarted'),
      entry('start', 'api.service', 'ExecStart changed (stopped, then started with the new unit)'),
      entry('start', 'api.socket', via('api.service', 'ExecStart changed')),
      entry('start', 'm1.socket', via('multi.service', 'ExecStart changed')),
      entry('start', 'm2.socket', via('multi.service', 'ExecStart changed')),
      entry('start', 'web.socket', via('web.service', 'ExecStart changed')),
    ]);
  });

  it('compares drop-ins with their unit and template instances through their template', () => {
    const s = scenario(
      {
        'a.service': svc('ExecStart=/a'),
        'a.service.d/overrides.conf': '[Service]\nNice=1\n',
        'getty@.service': svc('ExecStart=/getty %I'),
        ...wanted('a.service'),
        ...wantedBy('getty.target', 'getty@tty1.service'),
      },
      {
        'a.service': svc('ExecStart=/a'),
        'a.service.d/overrides.conf': '[Service]\nNice=2\n',
        'getty@.service': svc('ExecStart=/agetty %I'),
        ...wanted('a.service'),
        ...wantedBy('getty.target', 'getty@tty1.service'),
      },
    );
    expect(s.units).toEqual(units({ stop: ['a.service', 'getty@tty1.service'], start: ['a.service', 'getty@tty1.service'], changed: ['a.service', 'getty@.service'] }));
    expect((s.plan as { action: string; reason: string }[]).filter((e) => e.action === 'stop').map((e) => e.reason)).toEqual(['Nice changed', 'ExecStart changed']);
  });

  it('uses the units systemd reports active when it is given them', () => {
    const s = scenario(
      { 'running.service': svc('ExecStart=/a'), 'stopped.service': svc('ExecStart=/a'), 'gone.service': svc('ExecStart=/g'), ...wanted('running.service', 'stopped.service', 'gone.service') },
      { 'running.service': svc('ExecStart=/b'), 'stopped.service': svc('ExecStart=/b'), ...wanted('running.service', 'stopped.service') },
      { active: ['running.service', 'multi-user.target'] },
    );
    // stopped.service is wanted but not running: the target's restart starts it, with its new definition.
    expect(s.units).toEqual(
      units({
        stop: ['running.service'],
        start: ['running.service', 'stopped.service'],
        removed: ['gone.service'],
        changed: ['running.service', 'stopped.service'],
        links: { added: [], removed: ['multi-user.target.wants/gone.service'] },
      }),
    );
    expect(s.plan).toEqual([
      entry('stop', 'running.service', 'ExecStart changed'),
      entry('start', 'running.service', 'ExecStart changed (stopped, then started with the new unit)'),
      entry('start', 'stopped.service', 'wanted by multi-user.target'),
    ]);
  });

  it('traces plan entries back to the option changes that caused them', () => {
    // Values as option snapshots hold them: printed as Nix.
    const differ: OptionDiffer = () => [
      { path: 'virtualisation.oci-containers.containers.isso.environment.LANG', old: '"C"', new: '"en_US.UTF-8"' },
      { path: ['services', 'web', 'port'], old: '80', new: '8080' },
      { path: 'services.greeter.text', old: '"hello"', new: '"hello \\"world\\""' },
      { path: 'networking.hostName', old: '"a"', new: '"b"' },
    ];
    const s = scenario(
      {
        'podman-isso.service': svc('Environment="LANG=C"\nExecStart=/isso'),
        'web.service': svc('ExecStart=/web --port 80'),
        'greet.service': svc('ExecStart=/bin/echo hello'),
        ...wanted('podman-isso.service', 'web.service', 'greet.service'),
      },
      {
        'podman-isso.service': svc('Environment="LANG=en_US.UTF-8"\nExecStart=/isso'),
        'web.service': svc('ExecStart=/web --port 8080'),
        'greet.service': svc('ExecStart=/bin/echo \'hello "world"\''),
        ...wanted('podman-isso.service', 'web.service', 'greet.service'),
      },
      { diffOptions: differ, metadata: [{ options: {} }, { options: {} }] },
    );
    const isso = ['virtualisation.oci-containers.containers.isso.environment.LANG'];
    const greet = ['services.greeter.text'];
    expect(s.plan).toEqual([
      entry('stop', 'greet.service', 'ExecStart changed', { causes: greet }),
      entry('stop', 'podman-isso.service', 'Environment changed', { causes: isso }),
      entry('stop', 'web.service', 'ExecStart changed', { causes: ['services.web.port'] }),
      entry('start', 'greet.service', 'ExecStart changed (stopped, then started with the new unit)', { causes: greet }),
      entry('start', 'podman-isso.service', 'Environment changed (stopped, then started with the new unit)', { causes: isso }),
      entry('start', 'web.service', 'ExecStart changed (stopped, then started with the new unit)', { causes: ['services.web.port'] }),
    ]);
  });
});

describe('compareUnits', () => {
  const cmp = (a: string, b: string) => compareUnits(parseUnitText(a), parseUnitText(b));
  it('treats a removed or added [Unit] section by its keys', () => {
    expect(cmp('[Unit]\nDescription=x\n[Service]\nExecStart=/a\n', '[Service]\nExecStart=/a\n')).toEqual({ result: 'equal', changes: [] });
    expect(cmp('[Unit]\nAfter=x\n[Service]\nExecStart=/a\n', '[Service]\nExecStart=/a\n')).toEqual({ result: 'restart', changes: ['After removed'] });
    expect(cmp('[Service]\nExecStart=/a\n', '[Unit]\nX-Reload-Triggers=/t\n[Service]\nExecStart=/a\n')).toEqual({ result: 'reload', changes: ['X-Reload-Triggers added'] });
    expect(cmp('[Service]\nExecStart=/a\n', '[Unit]\nDescription=d\n[Service]\nExecStart=/a\n')).toEqual({ result: 'equal', changes: [] });
    expect(cmp('[Service]\nExecStart=/a\n', '[Service]\nExecStart=/a\n[Socket]\nListenStream=1\n')).toEqual({ result: 'restart', changes: ['[Socket] section added'] });
  });
  it('lets a restart outweigh a reload', () => {
    expect(cmp('[Unit]\nX-Reload-Triggers=/a\n[Service]\nExecStart=/a\n', '[Unit]\nX-Reload-Triggers=/b\n[Service]\nExecStart=/b\n')).toEqual({
      result: 'restart',
      changes: ['X-Reload-Triggers changed', 'ExecStart changed'],
    });
  });
});
