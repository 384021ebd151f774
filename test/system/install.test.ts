// Installing units into a root (always a temporary directory here): the owned layout
// (etc/systemd/system is a link through etc/nixling/static), the shared layout (a host's
// own directory, where each of our entries is a link and the host's entries stay), and
// the profile's generations.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installUnits, readInstalledTree } from '../../src/system/install';
import { addGeneration, currentGeneration, listGenerations, lockProfile, previousGeneration, readMetadata, setCurrent } from '../../src/system/profile';
import { readToplevelUnits, readUnitTree, sameTree } from '../../src/system/units';
import { removeTempDirs, svc, tempDir, TreeSpec, writeToplevel, writeTree } from './trees';

afterAll(removeTempDirs);

const A: TreeSpec = {
  'a.service': svc('ExecStart=/a'),
  'common.service': svc('ExecStart=/c'),
  'common.service.d/overrides.conf': '[Service]\nNice=1\n',
  'alias.service': { link: 'a.service' },
  'masked.service': { link: '/dev/null' },
  'multi-user.target.wants/a.service': { link: '../a.service' },
  'multi-user.target.wants/common.service': { link: '../common.service' },
};
const B: TreeSpec = {
  'b.service': svc('ExecStart=/b'),
  'common.service': svc('ExecStart=/c2'),
  'timers.target.wants/b.timer': { link: '../b.timer' },
  'b.timer': '[Timer]\nOnCalendar=daily\n',
  'multi-user.target.wants/common.service': { link: '../common.service' },
};

/** Every entry under a directory, following links: relative path → file bytes, link name, or "dir". */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch {
        out[r] = `dangling -> ${fs.readlinkSync(p)}`;
        continue;
      }
      if (st.isDirectory()) walk(p, r);
      else if (st.isCharacterDevice()) out[r] = 'masked';
      else out[r] = fs.readFileSync(p, 'latin1');
    }
  };
  walk(fs.realpathSync(dir), '');
  return out;
}

describe('installUnits, owned layout', () => {
  it('switches the whole tree with one link and keeps only the installed copy', () => {
    const base = tempDir('install');
    const root = path.join(base, 'root');
    const a = writeToplevel(base, 'aaaa-system-a', A);
    const b = writeToplevel(base, 'bbbb-system-b', B);
    const sys = path.join(root, 'etc/systemd/system');

    expect(installUnits(root, { toplevel: a, physical: a }).layout).toBe('owned');
    expect(fs.readlinkSync(sys)).toBe('../nixling/static/systemd/system');
    expect(sameTree(readUnitTree(sys), readToplevelUnits(a))).toBe(true);
    expect(snapshot(sys)).toEqual(snapshot(path.join(a, 'etc/systemd/system')));
    // Unit files are copies, not links into the store.
    expect(fs.lstatSync(path.join(root, 'etc/nixling/units/aaaa-system-a/systemd/system/a.service')).isFile()).toBe(true);

    installUnits(root, { toplevel: b, physical: b });
    expect(snapshot(sys)).toEqual(snapshot(path.join(b, 'etc/systemd/system')));
    expect(sameTree(readInstalledTree(root), readToplevelUnits(b))).toBe(true);
    expect(fs.readdirSync(path.join(root, 'etc/nixling/units'))).toEqual(['bbbb-system-b']);

    installUnits(root, { toplevel: a, physical: a });
    expect(snapshot(sys)).toEqual(snapshot(path.join(a, 'etc/systemd/system')));
  });

  it('cleans up what an interrupted install of a dead process left', () => {
    const base = tempDir('install-stale');
    const root = path.join(base, 'root');
    const a = writeToplevel(base, 'aaaa-system-a', A);
    fs.mkdirSync(path.join(root, 'etc/nixling/units/.tmp-999999999-dead/systemd'), { recursive: true });
    installUnits(root, { toplevel: a, physical: a });
    expect(fs.readdirSync(path.join(root, 'etc/nixling/units'))).toEqual(['aaaa-system-a']);
  });
});

describe('installUnits, shared layout', () => {
  const host: TreeSpec = {
    'ssh.service': '[Service]\nExecStart=/usr/sbin/sshd -D\n',
    'multi-user.target.wants/ssh.service': { link: '/lib/systemd/system/ssh.service' },
  };

  it("adds our entries beside the host's and removes only ours", () => {
    const base = tempDir('shared');
    const root = path.join(base, 'root');
    const sys = writeTree(path.join(root, 'etc/systemd/system'), host);
    const hostSnap = snapshot(sys);
    const a = writeToplevel(base, 'aaaa-system-a', A);
    const b = writeToplevel(base, 'bbbb-system-b', B);

    expect(installUnits(root, { toplevel: a, physical: a }).layout).toBe('shared');
    expect(fs.readlinkSync(path.join(sys, 'a.service'))).toBe('../../nixling/static/systemd/system/a.service');
    expect(fs.readlinkSync(path.join(sys, 'multi-user.target.wants/a.service'))).toBe('../../../nixling/static/systemd/system/multi-user.target.wants/a.service');
    const withA = snapshot(sys);
    expect(withA).toEqual({ ...hostSnap, ...snapshot(path.join(a, 'etc/systemd/system')) });

    installUnits(root, { toplevel: b, physical: b });
    expect(snapshot(sys)).toEqual({ ...hostSnap, ...snapshot(path.join(b, 'etc/systemd/system')) });
    expect(fs.existsSync(path.join(sys, 'common.service.d'))).toBe(false);
    expect(fs.readlinkSync(path.join(sys, 'multi-user.target.wants/ssh.service'))).toBe('/lib/systemd/system/ssh.service');
    // No dangling leftovers of ours (the host's own link may lead nowhere here).
    expect(Object.entries(snapshot(sys)).filter(([k, v]) => v.startsWith('dangling') && !k.endsWith('ssh.service'))).toEqual([]);

    installUnits(root, { toplevel: a, physical: a });
    expect(snapshot(sys)).toEqual(withA);
  });

  it("refuses, changing nothing, when a host file is in the way", () => {
    const base = tempDir('shared-clash');
    const root = path.join(base, 'root');
    const sys = writeTree(path.join(root, 'etc/systemd/system'), { ...host, 'a.service': '[Service]\nExecStart=/host/a\n' });
    const before = snapshot(sys);
    const a = writeToplevel(base, 'aaaa-system-a', A);
    expect(() => installUnits(root, { toplevel: a, physical: a })).toThrow(/were not installed by nixling and are in the way:\n.*a\.service/);
    expect(snapshot(sys)).toEqual(before);
    expect(fs.existsSync(path.join(root, 'etc/nixling/static'))).toBe(false);
  });
});

describe('profile', () => {
  it('numbers generations, records their metadata and moves current atomically', () => {
    const base = tempDir('profile');
    const dir = path.join(base, 'profile');
    const a = writeToplevel(base, 'aaaa-system-a', A);
    const b = writeToplevel(base, 'bbbb-system-b', B);
    const release = lockProfile(dir);
    expect(() => lockProfile(dir, 0)).toThrow(/locked by another nixling process|locked/);
    const g1 = addGeneration(dir, { toplevel: a, physical: a, metadata: { images: ['x'] }, created: new Date('2024-01-02T03:04:05Z') });
    setCurrent(dir, g1.number);
    const g2 = addGeneration(dir, { toplevel: b, physical: b });
    expect(currentGeneration(dir)!.number).toBe(1);
    setCurrent(dir, g2.number);
    release();
    expect(listGenerations(dir).map((g) => [g.number, g.toplevel])).toEqual([
      [1, a],
      [2, b],
    ]);
    expect(currentGeneration(dir)!.number).toBe(2);
    expect(previousGeneration(dir, 2)!.number).toBe(1);
    expect(readMetadata(g1)).toEqual({ images: ['x'] });
    expect(g1.created).toBe('2024-01-02T03:04:05.000Z');
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('2');
    expect(fs.readlinkSync(path.join(dir, '1/toplevel'))).toBe(a);
    expect(() => setCurrent(dir, 7)).toThrow(/generation 7 does not exist/);
  });
});
