/**
 * users.users and users.groups (modules/nixos/modules/config/users-groups.nix), realised
 * with systemd-sysusers (modules/nixos/modules/system/boot/systemd/sysusers.nix):
 * - the options and NixOS's defaults (isNormalUser's group, home, createHome, shell;
 *   members from extraGroups; the extraUsers/extraGroups aliases);
 * - NixOS's assertions and their messages;
 * - the exact text of the sysusers.d files and of nixling-sysusers.service, which exists
 *   only when there are users or groups;
 * - a built system: `systemd-analyze verify` on the unit, the files checked by the real
 *   `systemd-sysusers --dry-run --root=DIR`, and run into a scratch root, whose passwd
 *   and group are then read; the home directories created by nixling-tmpfiles' file.
 *
 * Store paths in expected texts are written /nix/store/HASH-name.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashes, systemError, systemJSON } from '../support/nixos';

const BIN = path.resolve(__dirname, '../../bin/nixling');
const ANALYZE = '/usr/bin/systemd-analyze';
const SYSUSERS = ['/usr/bin/systemd-sysusers', '/bin/systemd-sysusers'].find((p) => fs.existsSync(p));
const TMPFILES = ['/usr/bin/systemd-tmpfiles', '/bin/systemd-tmpfiles'].find((p) => fs.existsSync(p));
const hasAnalyze = fs.existsSync(ANALYZE);
const isRoot = process.getuid?.() === 0;
if (!SYSUSERS) console.warn('users-groups.test: systemd-sysusers is not installed; the checks with the real tool are skipped');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-users-'));
});
afterAll(() => {
  spawnSync('/bin/chmod', ['-R', 'u+w', tmp]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const evalJSON = (expr: string): any => systemJSON(expr, tmp);
const evalError = (expr: string): string => systemError(expr, tmp);
/** The messages of the failed assertions of a configuration module. */
const failed = (module: string): string[] =>
  evalJSON(`map (a: a.message) (builtins.filter (a: !a.assertion) (system (${module})).config.assertions)`);
const unitNames = (module: string): string[] => evalJSON(`builtins.attrNames (system (${module})).config.systemd.units`);
const unitText = (module: string, name: string): string =>
  hashes(evalJSON(`(system (${module})).config.systemd.units.${JSON.stringify(name)}.text`));
const sysusersText = (module: string, which: 'system' | 'normal'): string =>
  hashes(evalJSON(`(system (${module})).config.system.build.sysusers.${which}.text`));

const CONFIG = `{ pkgs, ... }: {
  users.users.svc = {
    isSystemUser = true;
    group = "svc";
    description = "Service \\"svc\\" at 100% \\\\ done";
    home = "/var/lib/my svc";
    createHome = true;
    homeMode = "750";
    extraGroups = [ "media" "wheel" ];
  };
  users.users.fixed = { isSystemUser = true; uid = 450; group = "media"; shell = "/bin/sh"; };
  users.users.alice = { isNormalUser = true; description = "Alice Q. User"; extraGroups = [ "media" ]; };
  users.users.bob = { isNormalUser = true; uid = 1500; shell = null; };
  users.users.gone = { isSystemUser = true; group = "svc"; enable = false; extraGroups = [ "media" ]; };
  users.groups.svc = { };
  users.groups.media = { gid = 2000; members = [ "www-data" ]; };
}`;

describe('options', () => {
  it("take NixOS's defaults: names, isNormalUser's group/home/createHome/shell, system users' home and shell", () => {
    const u = evalJSON(`builtins.mapAttrs (n: u: { inherit (u) name uid group home homeMode createHome useDefaultShell isSystemUser description extraGroups; shell = toString u.shell; }) (system (${CONFIG})).config.users.users`);
    expect(hashes(u.alice.shell)).toBe('/nix/store/HASH-bash-host');
    expect(hashes(u.svc.shell)).toBe('/nix/store/HASH-shadow-host');
    delete u.alice.shell;
    expect(u.alice).toEqual({
      name: 'alice', uid: null, group: 'users', home: '/home/alice', homeMode: '700', createHome: true,
      useDefaultShell: true, isSystemUser: false, description: 'Alice Q. User', extraGroups: ['media'],
    });
    expect(u.fixed).toMatchObject({ home: '/var/empty', createHome: false, useDefaultShell: false, shell: '/bin/sh', uid: 450 });
    expect(u.bob.shell).toBe('');
  });

  it('groups: names, gids, members from extraGroups (enabled users only) and explicit ones; users/nogroup/root declared when used', () => {
    const g = evalJSON(`builtins.mapAttrs (n: g: { inherit (g) name gid members; }) (system (${CONFIG})).config.users.groups`);
    expect(g).toEqual({
      media: { name: 'media', gid: 2000, members: ['alice', 'svc', 'www-data'] },
      svc: { name: 'svc', gid: null, members: [] },
      users: { name: 'users', gid: 100, members: [] },
    });
    const g2 = evalJSON(`builtins.attrNames (system { users.users.n = { isSystemUser = true; group = "nogroup"; }; }).config.users.groups`);
    expect(g2).toEqual(['nogroup']);
    expect(evalJSON(`(system { users.users.n = { isSystemUser = true; group = "nogroup"; }; }).config.users.groups.nogroup.gid`)).toBe(65534);
  });

  it('users.defaultUserHome and defaultUserShell, and the extraUsers/extraGroups aliases', () => {
    const r = evalJSON(`let c = (system { users.defaultUserHome = "/srv/home"; users.defaultUserShell = "/bin/zsh"; users.extraUsers.al = { isNormalUser = true; }; users.extraGroups.g = { }; }).config; in { inherit (c.users.users.al) home shell; groups = builtins.attrNames c.users.groups; }`);
    expect(r).toEqual({ home: '/srv/home/al', shell: '/bin/zsh', groups: ['g', 'users'] });
  });

  it("reject what NixOS's types reject: ':' in passwd fields, names longer than 31 characters, bad home modes", () => {
    expect(evalError(`(system { users.users.a = { isSystemUser = true; group = "g"; description = "a:b"; }; }).config.users.users.a.description`)).toMatch(/users\.users\.a\.description/);
    expect(evalError(`(system { users.users.${'x'.repeat(32)} = { isSystemUser = true; group = "g"; }; }).config.users.users.${'x'.repeat(32)}.name`)).toContain(`Username '${'x'.repeat(32)}' is longer than 31 characters which is not allowed!`);
    expect(evalError(`(system { users.users.a = { isSystemUser = true; group = "g"; homeMode = "u+rwx"; }; }).config.users.users.a.homeMode`)).toMatch(/homeMode/);
  });

  it('have no option for what cannot be realised (passwords, SSH keys): setting one is an error, not ignored', () => {
    const e = evalError(`(system { users.users.a = { isSystemUser = true; group = "a"; hashedPassword = "x"; }; users.groups.a = { }; }).config.users.users.a.name`);
    expect(e).toContain('hashedPassword');
    expect(e).toMatch(/does not exist/);
  });
});

describe('assertions', () => {
  it('pass for a valid configuration', () => {
    expect(failed(CONFIG)).toEqual([]);
  });

  it("exactly one of isSystemUser and isNormalUser, with NixOS's message (a uid below 1000 counts as system)", () => {
    expect(failed(`{ users.users.x.group = "x"; users.groups.x = { }; }`)).toEqual([
      'Exactly one of users.users.x.isSystemUser and users.users.x.isNormalUser must be set.\n',
    ]);
    expect(failed(`{ users.users.x = { group = "x"; isSystemUser = true; isNormalUser = true; }; users.groups.x = { }; }`)).toEqual([
      'Exactly one of users.users.x.isSystemUser and users.users.x.isNormalUser must be set.\n',
    ]);
    expect(failed(`{ users.users.x = { group = "x"; uid = 500; }; users.groups.x = { }; }`)).toEqual([]);
  });

  it("a system user's group must be set, and defined", () => {
    expect(failed(`{ users.users.x.isSystemUser = true; }`)).toEqual([
      'users.users.x.group is unset. This used to default to\nnogroup, but this is unsafe. For example you can create a group\nfor this user with:\nusers.users.x.group = "x";\nusers.groups.x = {};\n',
    ]);
    expect(failed(`{ users.users.x = { isSystemUser = true; group = "xg"; }; users.users.y = { isSystemUser = true; group = "xg"; }; users.users.z = { isSystemUser = true; group = "zg"; }; }`)).toEqual([
      'The following users have a primary group that is undefined: x y z\nHint: Add this to your NixOS configuration:\n  users.groups.xg = {};\n  users.groups.zg = {};\n',
    ]);
  });

  it('normal users keep uids from 1000 on', () => {
    expect(failed(`{ users.users.x = { isNormalUser = true; uid = 999; }; }`)).toEqual([
      'A user cannot have a users.users.x.uid set below 1000 and set users.users.x.isNormalUser.\nEither users.users.x.isSystemUser must be set to true instead of users.users.x.isNormalUser\nor users.users.x.uid must be changed to 1000 or above.\n',
    ]);
  });

  it('uids and gids are unique (unless enforceIdUniqueness is off); user names are valid', () => {
    const dup = `{ users.users.a = { isSystemUser = true; uid = 400; group = "g"; }; users.users.b = { isSystemUser = true; uid = 400; group = "g"; }; users.groups.g = { }; }`;
    expect(failed(dup)).toEqual(['UIDs and GIDs must be unique!']);
    expect(failed(`{ imports = [ (${dup}) ]; users.enforceIdUniqueness = false; }`)).toEqual([]);
    expect(failed(`{ users.groups.a.gid = 5; users.groups.b.gid = 5; }`)).toEqual(['UIDs and GIDs must be unique!']);
    expect(failed(`{ users.users."-bad" = { isSystemUser = true; group = "g"; }; users.groups.g = { }; }`)).toEqual([
      'The username "-bad" is not valid, it does not match the regex "[a-zA-Z0-9_.][a-zA-Z0-9_.-]*".',
    ]);
  });

  it('stop nixling build with their messages', () => {
    fs.writeFileSync(path.join(tmp, 'bad.nix'), '{ users.users.x.isSystemUser = true; }');
    const r = spawnSync(BIN, ['build', '-c', 'bad.nix', '--dry-run'], { cwd: tmp, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Failed assertions:\n\s*- users\.users\.x\.group is unset\. This used to default to\n/);
  });
});

describe('the sysusers.d files and nixling-sysusers.service', () => {
  it("render system users, groups and memberships as NixOS does; normal users in a second file with NixOS's UID range", () => {
    expect(sysusersText(CONFIG, 'system')).toBe(
      `# Type Name ID GECOS Home directory Shell

# Users
u fixed 450:media "" /var/empty /bin/sh
u svc -:svc "Service \\"svc\\" at 100%% \\\\ done" "/var/lib/my svc" /nix/store/HASH-shadow-host/bin/nologin

# Groups
g media 2000
g svc -
g users 100

# Groups named in extraGroups that users.groups does not declare
g wheel -

# Group membership
m svc media
m www-data media
m svc wheel
`,
    );
    expect(sysusersText(CONFIG, 'normal')).toBe(
      `# Type Name ID GECOS Home directory Shell

# Normal users: free UIDs from 1000 to 29999
r - 1000-29999

# Users
u alice -:users "Alice Q. User" /home/alice /nix/store/HASH-bash-host/bin/bash
u bob 1500:users "" /home/bob -

# Group membership
m alice media
`,
    );
  });

  it('run systemd-sysusers early at boot', () => {
    expect(unitText(CONFIG, 'nixling-sysusers.service')).toBe(
      `[Unit]
After=systemd-remount-fs.service
Before=sysinit.target systemd-tmpfiles-setup.service systemd-update-done.service shutdown.target
Conflicts=shutdown.target
DefaultDependencies=false
Description=Create the users and groups of the configuration

[Service]
Environment="PATH=${['coreutils', 'findutils', 'gnugrep', 'gnused', 'systemd'].map((p) => `/nix/store/HASH-${p}-host/bin`).join(':')}:${['coreutils', 'findutils', 'gnugrep', 'gnused', 'systemd'].map((p) => `/nix/store/HASH-${p}-host/sbin`).join(':')}"
ExecStart=/nix/store/HASH-systemd-sysusers-host/bin/systemd-sysusers /nix/store/HASH-nixling-sysusers.conf
ExecStart=/nix/store/HASH-systemd-sysusers-host/bin/systemd-sysusers /nix/store/HASH-nixling-sysusers-normal.conf
RemainAfterExit=true
Type=oneshot

[Install]
WantedBy=sysinit.target
`,
    );
  });

  it('exist only when there are users or groups; home directories become tmpfiles rules', () => {
    expect(unitNames('{ }')).toEqual([]);
    expect(unitNames('{ users.users.x = { enable = false; isSystemUser = true; group = "x"; }; }')).toEqual([]);
    expect(unitNames('{ users.groups.g = { }; }')).toEqual(['nixling-sysusers.service']);
    expect(evalJSON(`builtins.attrNames (system { users.groups.g = { }; }).config.system.build.sysusers`)).toEqual(['system']);
    expect(unitNames(CONFIG)).toEqual([
      'nixling-sysusers.service', 'nixling-tmpfiles-clean.service', 'nixling-tmpfiles-clean.timer', 'nixling-tmpfiles.service',
    ]);
    expect(evalJSON(`(system (${CONFIG})).config.systemd.tmpfiles.settings.home-directories`)).toEqual({
      '/home/alice': { d: { type: 'd', mode: '700', user: 'alice', group: 'users', age: '-', argument: '' } },
      '/home/bob': { d: { type: 'd', mode: '700', user: 'bob', group: 'users', age: '-', argument: '' } },
      '/var/lib/my svc': { d: { type: 'd', mode: '750', user: 'svc', group: 'svc', age: '-', argument: '' } },
    });
  });
});

describe('a built system', () => {
  let units: string;
  let storeDir: string;
  const confs = () => fs.readFileSync(path.join(units, 'nixling-sysusers.service'), 'utf8').match(/\S+-nixling-sysusers(-normal)?\.conf/g)!;
  beforeAll(() => {
    storeDir = path.join(tmp, 'nix/store');
    fs.writeFileSync(path.join(tmp, 'configuration.nix'), CONFIG);
    const r = spawnSync(BIN, ['build', '-c', 'configuration.nix', '--store-dir', storeDir, '-o', 'result'], { cwd: tmp, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    units = path.join(r.stdout.trim(), 'etc/systemd/system');
  });

  it('links nixling-sysusers.service into sysinit.target.wants', () => {
    expect(fs.readlinkSync(path.join(units, 'sysinit.target.wants/nixling-sysusers.service'))).toBe('../nixling-sysusers.service');
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify', () => {
    const r = spawnSync(ANALYZE, ['verify', path.join(units, 'nixling-sysusers.service')], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'info' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!SYSUSERS)('its files pass systemd-sysusers --dry-run, and create the accounts in a scratch root', () => {
    const root = path.join(tmp, 'root');
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n');
    fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nwww-data:x:33:\nusers:x:100:\n');
    const [system, normal] = confs();
    expect(system).toMatch(/-nixling-sysusers\.conf$/);
    expect(normal).toMatch(/-nixling-sysusers-normal\.conf$/);
    for (const conf of [system, normal]) {
      const r = spawnSync(SYSUSERS!, ['--dry-run', `--root=${root}`, conf], { encoding: 'utf8' });
      expect(r.stderr).not.toMatch(/fail|invalid|ignor/i);
      expect(r.status).toBe(0);
    }
    // A file systemd-sysusers rejects fails the check: it is real.
    fs.writeFileSync(path.join(tmp, 'bad.conf'), 'u bad 1:2:3 "x\n');
    expect(spawnSync(SYSUSERS!, ['--dry-run', `--root=${root}`, path.join(tmp, 'bad.conf')], { encoding: 'utf8' }).stderr).toMatch(/bad\.conf:1/);
    if (!isRoot) return;
    for (const conf of [system, normal]) {
      const r = spawnSync(SYSUSERS!, [`--root=${root}`, conf], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    const passwd = hashes(fs.readFileSync(path.join(root, 'etc/passwd'), 'utf8').replace(new RegExp(storeDir, 'g'), '/nix/store'));
    const group = fs.readFileSync(path.join(root, 'etc/group'), 'utf8');
    expect(passwd).toBe(
      'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n' +
        'fixed:x:450:2000::/var/empty:/bin/sh\n' +
        'svc:x:999:999:Service "svc" at 100% \\ done:/var/lib/my svc:/nix/store/HASH-shadow-host/bin/nologin\n' +
        'alice:x:29999:100:Alice Q. User:/home/alice:/nix/store/HASH-bash-host/bin/bash\n' +
        'bob:x:1500:100::/home/bob:/usr/sbin/nologin\n',
    );
    expect(group).toBe('root:x:0:\nwww-data:x:33:\nusers:x:100:\nmedia:x:2000:alice,svc,www-data\nsvc:x:999:\nwheel:x:998:svc\n');
    // The home directories, by nixling-tmpfiles' file, owned by the new users.
    const tmpfilesConf = fs.readFileSync(path.join(units, 'nixling-tmpfiles.service'), 'utf8').match(/--remove (\S+)/)![1];
    if (TMPFILES) {
      const r = spawnSync(TMPFILES, ['--create', '--remove', `--root=${root}`, tmpfilesConf], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const st = (p: string) => fs.statSync(path.join(root, p));
      expect([st('home/alice').uid, st('home/alice').gid, st('home/alice').mode & 0o7777]).toEqual([29999, 100, 0o700]);
      expect([st('var/lib/my svc').uid, st('var/lib/my svc').gid, st('var/lib/my svc').mode & 0o7777]).toEqual([999, 999, 0o750]);
    }
  });
});
