/**
 * systemd.tmpfiles.rules and systemd.tmpfiles.settings
 * (modules/nixos/modules/system/boot/systemd/tmpfiles.nix):
 * - the options (settings' type defaulting to its attribute name, the "-" defaults);
 * - the exact text of the file: NixOS's 00-nixos.conf and <name>.conf texts, in the
 *   order systemd-tmpfiles reads /etc/tmpfiles.d;
 * - nixling-tmpfiles.service and the clean-up timer and service, present only when
 *   there are rules;
 * - a built system: `systemd-analyze verify` on the units, and the file run by the real
 *   `systemd-tmpfiles --create --remove --root=DIR` (systemd 252 has no --dry-run for
 *   it) and `--clean`, checking what it created and removed.
 *
 * Store paths in expected texts are written /nix/store/HASH-name.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashes, systemJSON } from '../support/nixos';

const BIN = path.resolve(__dirname, '../../bin/nixling');
const ANALYZE = '/usr/bin/systemd-analyze';
const TMPFILES = ['/usr/bin/systemd-tmpfiles', '/bin/systemd-tmpfiles'].find((p) => fs.existsSync(p));
const hasAnalyze = fs.existsSync(ANALYZE);
if (!TMPFILES) console.warn('tmpfiles.test: systemd-tmpfiles is not installed; the checks with the real tool are skipped');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-tmpfiles-'));
});
afterAll(() => {
  spawnSync('/bin/chmod', ['-R', 'u+w', tmp]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const evalJSON = (expr: string): any => systemJSON(expr, tmp);
const unitNames = (module: string): string[] => evalJSON(`builtins.attrNames (system (${module})).config.systemd.units`);
const unitText = (module: string, name: string): string =>
  hashes(evalJSON(`(system (${module})).config.systemd.units.${JSON.stringify(name)}.text`));
const confText = (module: string): string => evalJSON(`(system (${module})).config.system.build.tmpfiles.text`);

const CONFIG = `{ lib, ... }: {
  imports = [ { systemd.tmpfiles.rules = [ "d /run/from-import 0700 root root -" ]; } ];
  systemd.tmpfiles.rules = [
    "d /srv/data 0750 root root -"
    "f /srv/data/hello 0644 root root - hello world"
    "L /srv/link - - - - /srv/data/hello"
    "d /srv/cache 0755 root root m:1s"
    "r /srv/stale"
  ];
  systemd.tmpfiles.settings."10-app" = {
    "/var/lib/app".d = { mode = "0755"; user = "root"; group = "root"; };
    "/var/lib/app/motd" = { f = { mode = "0600"; argument = "welcome"; }; "z" = { mode = "0600"; }; };
  };
  systemd.tmpfiles.settings."00-early"."/srv/early".d = { };
  systemd.tmpfiles.settings.empty = { };
}`;

describe('options', () => {
  it("settings entries default their type to the attribute name and the other fields to NixOS's defaults", () => {
    expect(evalJSON(`(system (${CONFIG})).config.systemd.tmpfiles.settings."00-early"`)).toEqual({
      '/srv/early': { d: { type: 'd', mode: '-', user: '-', group: '-', age: '-', argument: '' } },
    });
    expect(evalJSON(`(system { systemd.tmpfiles.settings.a."/x".whatever.type = "d"; }).config.systemd.tmpfiles.settings.a."/x".whatever.type`)).toBe('d');
  });

  it('rules from several modules are concatenated', () => {
    expect(evalJSON(`(system (${CONFIG})).config.systemd.tmpfiles.rules`)).toEqual([
      'd /run/from-import 0700 root root -',
      'd /srv/data 0750 root root -',
      'f /srv/data/hello 0644 root root - hello world',
      'L /srv/link - - - - /srv/data/hello',
      'd /srv/cache 0755 root root m:1s',
      'r /srv/stale',
    ]);
  });
});

describe('the tmpfiles.d file and the units', () => {
  it("is NixOS's files' text, by file name", () => {
    expect(confText(CONFIG)).toBe(
      `# 00-early.conf
'd' '/srv/early' '-' '-' '-' '-' 

# 00-nixos.conf
# This file is created automatically and should not be modified.
# Please change the option ‘systemd.tmpfiles.rules’ instead.

d /run/from-import 0700 root root -
d /srv/data 0750 root root -
f /srv/data/hello 0644 root root - hello world
L /srv/link - - - - /srv/data/hello
d /srv/cache 0755 root root m:1s
r /srv/stale

# 10-app.conf
'd' '/var/lib/app' '0755' 'root' 'root' '-' 
'f' '/var/lib/app/motd' '0600' '-' '-' '-' welcome
'z' '/var/lib/app/motd' '0600' '-' '-' '-' 
`,
    );
  });

  it('nixling-tmpfiles.service runs it after the users are created; a timer cleans daily', () => {
    const PATH = `Environment="PATH=${['coreutils', 'findutils', 'gnugrep', 'gnused', 'systemd'].map((p) => `/nix/store/HASH-${p}-host/bin`).join(':')}:${['coreutils', 'findutils', 'gnugrep', 'gnused', 'systemd'].map((p) => `/nix/store/HASH-${p}-host/sbin`).join(':')}"`;
    expect(unitText(CONFIG, 'nixling-tmpfiles.service')).toBe(
      `[Unit]
After=local-fs.target nixling-sysusers.service systemd-sysusers.service systemd-journald.service
Before=sysinit.target shutdown.target
Conflicts=shutdown.target
DefaultDependencies=false
Description=Create the files and directories of the configuration

[Service]
${PATH}
ExecStart=/nix/store/HASH-systemd-host/bin/systemd-tmpfiles --create --remove /nix/store/HASH-nixling-tmpfiles.conf
RemainAfterExit=true
SuccessExitStatus=DATAERR CANTCREAT
Type=oneshot

[Install]
WantedBy=sysinit.target
`,
    );
    expect(unitText(CONFIG, 'nixling-tmpfiles-clean.service')).toBe(
      `[Unit]
After=local-fs.target time-set.target
Before=shutdown.target
Conflicts=shutdown.target
DefaultDependencies=false
Description=Clean up the files and directories of the configuration

[Service]
${PATH}
ExecStart=/nix/store/HASH-systemd-host/bin/systemd-tmpfiles --clean /nix/store/HASH-nixling-tmpfiles.conf
SuccessExitStatus=DATAERR
Type=oneshot
`,
    );
    expect(unitText(CONFIG, 'nixling-tmpfiles-clean.timer')).toBe(
      `[Unit]
Description=Daily clean-up of the files and directories of the configuration

[Timer]
OnBootSec=15min
OnUnitActiveSec=1d


[Install]
WantedBy=timers.target
`,
    );
  });

  it('exist only when there are rules', () => {
    expect(unitNames('{ }')).toEqual([]);
    expect(unitNames('{ systemd.tmpfiles.settings.a = { }; systemd.tmpfiles.rules = [ ]; }')).toEqual([]);
    expect(unitNames('{ systemd.tmpfiles.rules = [ "d /x" ]; }')).toEqual([
      'nixling-tmpfiles-clean.service', 'nixling-tmpfiles-clean.timer', 'nixling-tmpfiles.service',
    ]);
    expect(confText('{ systemd.tmpfiles.settings.a."/x".d.mode = "0700"; }')).toBe("# a.conf\n'd' '/x' '0700' '-' '-' '-' \n");
  });
});

describe('a built system', () => {
  let units: string;
  let conf: string;
  beforeAll(() => {
    fs.writeFileSync(path.join(tmp, 'configuration.nix'), CONFIG);
    const r = spawnSync(BIN, ['build', '-c', 'configuration.nix', '--store-dir', path.join(tmp, 'nix/store'), '-o', 'result'], { cwd: tmp, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    units = path.join(r.stdout.trim(), 'etc/systemd/system');
    conf = fs.readFileSync(path.join(units, 'nixling-tmpfiles.service'), 'utf8').match(/--remove (\S+)/)![1];
  });

  it('links the units into sysinit.target.wants and timers.target.wants', () => {
    expect(fs.readlinkSync(path.join(units, 'sysinit.target.wants/nixling-tmpfiles.service'))).toBe('../nixling-tmpfiles.service');
    expect(fs.readlinkSync(path.join(units, 'timers.target.wants/nixling-tmpfiles-clean.timer'))).toBe('../nixling-tmpfiles-clean.timer');
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify', () => {
    const files = ['nixling-tmpfiles.service', 'nixling-tmpfiles-clean.service', 'nixling-tmpfiles-clean.timer'].map((n) => path.join(units, n));
    const r = spawnSync(ANALYZE, ['verify', ...files], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'info' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!TMPFILES)('its file is run by systemd-tmpfiles --create --remove and --clean in a scratch root', () => {
    const root = path.join(tmp, 'root');
    fs.mkdirSync(path.join(root, 'srv/stale'), { recursive: true });
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\n');
    const r = spawnSync(TMPFILES!, ['--create', '--remove', `--root=${root}`, conf], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const mode = (p: string) => fs.statSync(path.join(root, p)).mode & 0o7777;
    expect(mode('srv/data')).toBe(0o750);
    expect(fs.readFileSync(path.join(root, 'srv/data/hello'), 'utf8')).toBe('hello world');
    expect(fs.readlinkSync(path.join(root, 'srv/link'))).toBe('/srv/data/hello');
    expect(fs.existsSync(path.join(root, 'srv/stale'))).toBe(false);
    expect(fs.statSync(path.join(root, 'srv/early')).isDirectory()).toBe(true);
    expect(mode('run/from-import')).toBe(0o700);
    expect(fs.readFileSync(path.join(root, 'var/lib/app/motd'), 'utf8')).toBe('welcome');
    expect(mode('var/lib/app/motd')).toBe(0o600);
    // --clean removes what is older than its age (m:1s) in /srv/cache (by mtime).
    const old = path.join(root, 'srv/cache/old');
    fs.writeFileSync(old, 'x');
    const past = new Date(Date.now() - 3600_000);
    fs.utimesSync(old, past, past);
    const c = spawnSync(TMPFILES!, ['--clean', `--root=${root}`, conf], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    expect(fs.existsSync(old)).toBe(false);
    // The check is real: a rule systemd-tmpfiles cannot parse fails it.
    const bad = path.join(tmp, 'bad.conf');
    fs.writeFileSync(bad, 'Q /x 99999 nobody-such-user\n');
    expect(spawnSync(TMPFILES!, ['--create', `--root=${root}`, bad], { encoding: 'utf8' }).status).not.toBe(0);
  });
});
