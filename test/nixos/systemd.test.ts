/**
 * The systemd module (modules/nixos/modules/system/boot/systemd.nix and
 * modules/nixos/lib/systemd-*.nix), evaluated in-process through <nixling/nixos>: the
 * exact text NixOS renders for services, sockets, timers (and startAt), targets, paths,
 * slices, mounts and automounts; environment quoting with hostile values; PATH; option
 * merging (mkForce, lists from several modules); scripts; switch markers; triggers; the
 * checks and their messages; warnings and assertions; systemd.units and the tree of
 * /etc/systemd/system. Realising units and `systemd-analyze verify` are in
 * systemd-build.test.ts; the comparison with NixOS's own code in systemd-oracle.test.ts.
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
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-systemd-'));
  fs.writeFileSync(path.join(tmp, 'app.conf'), 'key = value\n');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const evalJSON = (expr: string): any => systemJSON(expr, tmp);

/** The rendered units (name → text, store hashes elided) of a configuration module. */
function units(module: string): Record<string, string> {
  const texts = evalJSON(`builtins.mapAttrs (n: u: u.text) (system (${module})).config.systemd.units`);
  return Object.fromEntries(Object.entries(texts).map(([n, t]) => [n, hashes(t as string)]));
}

const evalError = (expr: string): string => systemError(expr, tmp);

const DEFAULT_PATH = ['coreutils', 'findutils', 'gnugrep', 'gnused', 'systemd'];
const pathLine = (pkgs: string[]) =>
  `Environment="PATH=${[...pkgs.map((p) => `${p}/bin`), ...pkgs.map((p) => `${p}/sbin`)]
    .map((p) => (p.startsWith('/') ? p : `/nix/store/HASH-${p.replace(/\//, '-host/')}`))
    .join(':')}"\n`;

describe('services', () => {
  it('render [Unit], [Service] and [Install] as NixOS does: sorted keys, lists, bools, ints, floats, null, derivations', () => {
    const u = units(`{ pkgs, lib, ... }: {
      imports = [ { systemd.services.web.serviceConfig.ExecStartPre = "/bin/from-import"; } ];
      systemd.services.web = {
        description = "Web server";
        documentation = [ "man:web(8)" "https://example.org/docs" ];
        wantedBy = [ "multi-user.target" "graphical.target" ];
        requires = [ "db.service" ];
        wants = [ "network-online.target" ];
        after = [ "network-online.target" "db.service" ];
        before = [ "shutdown.target" ];
        bindsTo = [ "dev-sda.device" ];
        partOf = [ "web.target" ];
        conflicts = [ "shutdown.target" ];
        requisite = [ "local-fs.target" ];
        upholds = [ "helper.service" ];
        onFailure = [ "notify@%n.service" ];
        onSuccess = [ "done.service" ];
        startLimitBurst = 5;
        startLimitIntervalSec = 30;
        unitConfig = { ConditionPathExists = "/etc/web.conf"; X-Multi = [ "a" "b" ]; };
        path = lib.mkForce [ ];
        serviceConfig = {
          Type = "notify";
          ExecStart = "/usr/bin/web --port 80";
          ExecStartPre = [ "/bin/a" "/bin/b" ];
          Restart = "on-failure";
          RestartSec = 5;
          PrivateTmp = true;
          NoNewPrivileges = false;
          CPUWeight = 1.5;
          WorkingDirectory = null;
          ReadOnlyPaths = pkgs.coreutils;
          SupplementaryGroups = [ ];
          Nested = [ [ "x" "y" ] 3 ];
        };
      };
    }`);
    expect(Object.keys(u)).toEqual(['web.service']);
    expect(u['web.service']).toBe(
      `[Unit]
After=network-online.target db.service
Before=shutdown.target
BindsTo=dev-sda.device
ConditionPathExists=/etc/web.conf
Conflicts=shutdown.target
Description=Web server
Documentation=man:web(8) https://example.org/docs
OnFailure=notify@%n.service
OnSuccess=done.service
PartOf=web.target
Requires=db.service
Requisite=local-fs.target
StartLimitBurst=5
StartLimitIntervalSec=30
Upholds=helper.service
Wants=network-online.target
X-Multi=a
X-Multi=b

[Service]
CPUWeight=1.500000
ExecStart=/usr/bin/web --port 80
ExecStartPre=/bin/a
ExecStartPre=/bin/b
ExecStartPre=/bin/from-import
Nested=x y
Nested=3
NoNewPrivileges=false
PrivateTmp=true
ReadOnlyPaths=/nix/store/HASH-coreutils-host
Restart=on-failure
RestartSec=5
Type=notify
WorkingDirectory=

[Install]
WantedBy=multi-user.target graphical.target
`,
    );
  });

  it('quote environment values as NixOS does (JSON of "NAME=value"), hostile ones included', () => {
    const values: Record<string, string> = {
      QUOTES: `say "hi" 'there'`,
      DOLLAR: '$HOME and ${x} and $$',
      BACKTICK: '`id -u`',
      NEWLINE: 'line1\nline2\ttab',
      SPACES: '  lead and trail  ',
      BACKSLASH: 'a\\b\\\\c',
      PERCENT: '100%',
      UNICODE: 'café ☕',
      EMPTY: '',
      SEMI: 'a; rm -rf / # ;',
    };
    const nixValues = Object.entries(values)
      .map(([k, v]) => `${k} = ${JSON.stringify(v).replace(/\$\{/g, '\\${')};`)
      .join('\n');
    fs.writeFileSync(
      path.join(tmp, 'env.nix'),
      `{ pkgs, lib, ... }: {
        systemd.globalEnvironment = { TZ = "CET"; SHARED = "global"; DROPPED = "g"; };
        systemd.services.env = {
          path = [ pkgs.bash "/opt/tool" ];
          environment = {
            ${nixValues}
            NULLED = null;
            SHARED = "service";
            DROPPED = null;
            FILE = ./app.conf;
            PKG = pkgs.gnused;
          };
          serviceConfig.ExecStart = "/bin/true";
        };
      }`,
    );
    const u = units('./env.nix');
    const text = u['env.service'];
    const env = text.split('\n').filter((l) => l.startsWith('Environment='));
    // One line per variable, sorted by name; null ones (even global ones) left out.
    expect(env.map((l) => JSON.parse(l.slice('Environment='.length)).split('=')[0])).toEqual(
      [...Object.keys(values), 'FILE', 'PATH', 'PKG', 'SHARED', 'TZ'].sort(),
    );
    // Each value is exactly the JSON string of NAME=value.
    for (const [k, v] of Object.entries(values)) {
      expect(env).toContain(`Environment=${JSON.stringify(`${k}=${v}`)}`);
      expect(JSON.parse(env.find((l) => l.startsWith(`Environment="${k}=`))!.slice(12))).toBe(`${k}=${v}`);
    }
    expect(text).toContain('Environment="NEWLINE=line1\\nline2\\ttab"\n');
    expect(text).toContain('Environment="QUOTES=say \\"hi\\" \'there\'"\n');
    expect(text).toContain('Environment="SHARED=service"\nEnvironment="SPACES=');
    expect(text).toContain('Environment="FILE=/nix/store/HASH-app.conf"\n');
    expect(text).toContain('Environment="PKG=/nix/store/HASH-gnused-host"\n');
    expect(text).toContain('Environment="TZ=CET"\n');
    // path: the service's packages, then the default ones; bin directories, then sbin.
    expect(text).toContain(pathLine(['bash', '/opt/tool', ...DEFAULT_PATH]));
    expect(text.startsWith('[Unit]\n\n[Service]\nEnvironment="BACKSLASH=a\\\\b\\\\\\\\c"\n')).toBe(true);
    expect(text.endsWith('Environment="UNICODE=café ☕"\nExecStart=/bin/true\n')).toBe(true);
  });

  it('get the default PATH, and none when path is forced empty', () => {
    const u = units(`{ lib, ... }: {
      systemd.services.plain.serviceConfig.ExecStart = "/bin/true";
      systemd.services.nopath = { serviceConfig.ExecStart = "/bin/true"; path = lib.mkForce [ ]; };
      systemd.services.ownpath = { serviceConfig.ExecStart = "/bin/true"; environment.PATH = lib.mkForce "/usr/bin"; };
    }`);
    expect(u['plain.service']).toBe(`[Unit]\n\n[Service]\n${pathLine(DEFAULT_PATH)}ExecStart=/bin/true\n`);
    expect(u['nopath.service']).toBe('[Unit]\n\n[Service]\nExecStart=/bin/true\n');
    expect(u['ownpath.service']).toBe('[Unit]\n\n[Service]\nEnvironment="PATH=/usr/bin"\nExecStart=/bin/true\n');
  });

  it('merge serviceConfig as NixOS does: equal values agree, mkForce wins, lists concatenate, a list makes a repeated key', () => {
    const u = units(`{ lib, ... }: {
      imports = [
        { systemd.services.m.serviceConfig = { Restart = "always"; User = "a"; ExecStartPre = "/bin/one"; Nice = lib.mkDefault 5; ReadWritePaths = [ "/x" ]; }; }
        { systemd.services.m.serviceConfig = { Restart = "always"; User = lib.mkForce "forced"; ExecStartPre = [ "/bin/two" ]; }; }
      ];
      systemd.services.m = {
        path = lib.mkForce [ ];
        serviceConfig = { User = "b"; Nice = 3; ReadWritePaths = lib.mkForce [ "/only" ]; ExecStart = "/bin/true"; };
      };
    }`);
    expect(u['m.service']).toBe(`[Unit]

[Service]
ExecStart=/bin/true
ExecStartPre=/bin/one
ExecStartPre=/bin/two
Nice=3
ReadWritePaths=/only
Restart=always
User=forced
`);
  });

  it('turn scripts into generated programs and Exec keys (preStop is ExecStop)', () => {
    const r = evalJSON(`let c = (system ({ lib, ... }: {
      systemd.services."web@" = {
        path = lib.mkForce [ ];
        script = "exec web";
        scriptArgs = "%i --verbose";
        preStart = "mkdir -p /run/web";
        postStart = "echo started";
        reload = "kill -HUP $MAINPID";
        preStop = "echo stopping";
        postStop = "rm -rf /run/web";
        serviceConfig.ExecStartPre = [ "/bin/also" ];
      };
      systemd.services.bare = { script = "true"; path = lib.mkForce [ ]; };
    })).config; in {
      web = c.systemd.units."web@.service".text;
      bare = c.systemd.units."bare.service".text;
      jobs = c.systemd.services."web@".jobScripts;
    }`);
    expect(hashes(r.web)).toBe(`[Unit]

[Service]
ExecReload=/nix/store/HASH-unit-script-web_-reload/bin/web_-reload
ExecStart=/nix/store/HASH-unit-script-web_-start/bin/web_-start %i --verbose
ExecStartPost=/nix/store/HASH-unit-script-web_-post-start/bin/web_-post-start
ExecStartPre=/nix/store/HASH-unit-script-web_-pre-start/bin/web_-pre-start
ExecStartPre=/bin/also
ExecStop=/nix/store/HASH-unit-script-web_-pre-stop/bin/web_-pre-stop
ExecStopPost=/nix/store/HASH-unit-script-web_-post-stop/bin/web_-post-stop
`);
    // Without scriptArgs the command keeps NixOS's trailing space.
    expect(hashes(r.bare)).toBe('[Unit]\n\n[Service]\nExecStart=/nix/store/HASH-unit-script-bare-start/bin/bare-start \n');
    expect(r.jobs.map(hashes).sort()).toEqual(
      ['pre-start', 'start', 'post-start', 'reload', 'pre-stop', 'post-stop'].map((p) => `/nix/store/HASH-unit-script-web_-${p}/bin/web_-${p}`).sort(),
    );
  });

  it('write the switch markers', () => {
    const u = units(`{ lib, ... }: {
      systemd.services = lib.mapAttrs (n: v: v // { path = lib.mkForce [ ]; serviceConfig.ExecStart = "/bin/true"; }) {
        norestart.restartIfChanged = false;
        reload = { reloadIfChanged = true; restartIfChanged = false; };
        nostop.stopIfChanged = false;
        nosock.notSocketActivated = true;
        all = { restartIfChanged = false; stopIfChanged = false; notSocketActivated = true; };
      };
    }`);
    const svc = (markers: string) => `[Unit]\n\n[Service]\n${markers}ExecStart=/bin/true\n`;
    expect(u['norestart.service']).toBe(svc('X-RestartIfChanged=false\n'));
    expect(u['reload.service']).toBe(svc('X-ReloadIfChanged=true\n'));
    expect(u['nostop.service']).toBe(svc('X-StopIfChanged=false\n'));
    expect(u['nosock.service']).toBe(svc('X-NotSocketActivated=true\n'));
    expect(u['all.service']).toBe(svc('X-RestartIfChanged=false\nX-StopIfChanged=false\nX-NotSocketActivated=true\n'));
  });

  it('write restart and reload triggers to files named in the [Unit] section', () => {
    const r = evalJSON(`let s = system ({ pkgs, lib, ... }: {
      systemd.services.t = {
        path = lib.mkForce [ ];
        serviceConfig.ExecStart = "/bin/true";
        restartTriggers = [ ./app.conf "v1" [ pkgs.gnused 2 ] ];
        reloadTriggers = [ "r1" "r2" ];
      };
    }); in {
      text = s.config.systemd.units."t.service".text;
      expected = [
        "\${s.pkgs.writeText "X-Restart-Triggers-t" "\${./app.conf} v1 \${s.pkgs.gnused} 2"}"
        "\${s.pkgs.writeText "X-Reload-Triggers-t" "r1 r2"}"
      ];
    }`);
    expect(r.text).toBe(`[Unit]\nX-Reload-Triggers=${r.expected[1]}\nX-Restart-Triggers=${r.expected[0]}\n\n[Service]\nExecStart=/bin/true\n`);
  });

  it('are masked when disabled, and get a timer from startAt only when enabled', () => {
    const u = units(`{ lib, ... }: {
      systemd.services.job = { startAt = "daily"; script = "echo run"; path = lib.mkForce [ ]; };
      systemd.services.multi = { startAt = [ "Mon 10:00" "Fri 18:00" ]; serviceConfig.ExecStart = "/bin/true"; path = lib.mkForce [ ]; };
      systemd.services.off = { enable = false; startAt = "hourly"; serviceConfig.ExecStart = "/bin/true"; path = lib.mkForce [ ]; };
    }`);
    expect(Object.keys(u).sort()).toEqual(['job.service', 'job.timer', 'multi.service', 'multi.timer', 'off.service']);
    expect(u['job.timer']).toBe('[Unit]\n\n[Timer]\nOnCalendar=daily\n\n\n[Install]\nWantedBy=timers.target\n');
    expect(u['multi.timer']).toBe('[Unit]\n\n[Timer]\nOnCalendar=Mon 10:00\nOnCalendar=Fri 18:00\n\n\n[Install]\nWantedBy=timers.target\n');
    const off = evalJSON(`let c = (system ({ ... }: { systemd.services.off = { enable = false; serviceConfig.ExecStart = "/bin/true"; }; })).config; in {
      enable = c.systemd.units."off.service".enable;
      unitName = c.systemd.units."off.service".unit.name;
    }`);
    expect(off).toEqual({ enable: false, unitName: 'unit-off.service-disabled' });
  });
});

describe('other unit kinds', () => {
  it('render sockets, targets, timers, paths, slices, mounts and automounts as NixOS does', () => {
    const u = units(`{ ... }: {
      systemd.sockets.echo = {
        description = "Echo socket";
        listenStreams = [ "127.0.0.1:7777" "/run/echo.sock" ];
        listenDatagrams = [ "127.0.0.1:7778" ];
        socketConfig = { Accept = true; SocketMode = "0660"; };
        wantedBy = [ "sockets.target" ];
      };
      systemd.sockets.bare.socketConfig.ListenFIFO = "/run/bare.fifo";
      systemd.targets.app = { description = "App"; wants = [ "web.service" ]; wantedBy = [ "multi-user.target" ]; unitConfig.AllowIsolate = true; };
      systemd.paths.watch = { pathConfig = { PathChanged = "/etc/app.conf"; Unit = "job.service"; }; wantedBy = [ "paths.target" ]; };
      systemd.slices.apps = { description = "Apps"; sliceConfig = { MemoryMax = "2G"; CPUWeight = 50; }; };
      systemd.mounts = [ { what = "/dev/disk/by-label/data"; where = "/srv/my data"; type = "ext4"; options = "noatime,nodev"; wantedBy = [ "local-fs.target" ]; } ];
      systemd.automounts = [ { where = "/srv/my data"; automountConfig.TimeoutIdleSec = 60; } ];
      systemd.timers.manual.timerConfig = { OnBootSec = "5min"; Unit = "job.service"; Persistent = true; };
    }`);
    expect(u).toEqual({
      'echo.socket': `[Unit]
Description=Echo socket

[Socket]
Accept=true
SocketMode=0660

ListenStream=127.0.0.1:7777
ListenStream=/run/echo.sock
ListenDatagram=127.0.0.1:7778

[Install]
WantedBy=sockets.target
`,
      'bare.socket': '[Unit]\n\n[Socket]\nListenFIFO=/run/bare.fifo\n\n\n\n',
      // Targets have no [Install] section, even when wanted by others.
      'app.target': '[Unit]\nAllowIsolate=true\nDescription=App\nWants=web.service\n\n',
      'watch.path': '[Unit]\n\n[Path]\nPathChanged=/etc/app.conf\nUnit=job.service\n\n\n[Install]\nWantedBy=paths.target\n',
      'apps.slice': '[Unit]\nDescription=Apps\n\n[Slice]\nCPUWeight=50\nMemoryMax=2G\n\n',
      'srv-my\\x20data.mount':
        '[Unit]\n\n[Mount]\nOptions=noatime,nodev\nType=ext4\nWhat=/dev/disk/by-label/data\nWhere=/srv/my data\n\n\n[Install]\nWantedBy=local-fs.target\n',
      'srv-my\\x20data.automount': '[Unit]\n\n[Automount]\nTimeoutIdleSec=60\nWhere=/srv/my data\n\n',
      'manual.timer': '[Unit]\n\n[Timer]\nOnBootSec=5min\nPersistent=true\nUnit=job.service\n\n',
    });
  });

  it('take units given as text, with the names and derivations NixOS gives them', () => {
    const r = evalJSON(`let c = (system ({ ... }: {
      systemd.units."custom.service" = { text = "[Service]\\nExecStart=/bin/true\\n"; wantedBy = [ "multi-user.target" ]; };
      systemd.units."off.service".enable = false;
      systemd.services."inst@a:b".serviceConfig.ExecStart = "/bin/true";
    })).config.systemd.units; in builtins.mapAttrs (n: u: { inherit (u) name text enable wantedBy overrideStrategy; drv = u.unit.name; }) c`);
    expect(r['custom.service']).toEqual({
      name: 'custom.service',
      text: '[Service]\nExecStart=/bin/true\n',
      enable: true,
      wantedBy: ['multi-user.target'],
      overrideStrategy: 'asDropinIfExists',
      drv: 'unit-custom.service',
    });
    expect(r['off.service']).toMatchObject({ text: null, enable: false, drv: 'unit-off.service-disabled' });
    expect(r['inst@a:b.service'].drv).toBe('unit-inst-a-b.service');
  });
});

describe('/etc/systemd/system', () => {
  it('links units, drop-ins, aliases and the .wants/.upholds/.requires of wantedBy, upheldBy, requiredBy', () => {
    const r = evalJSON(`let
      c = (system ({ lib, ... }: {
        systemd.services.a = {
          serviceConfig.ExecStart = "/bin/true";
          aliases = [ "alias-a.service" ];
          wantedBy = [ "multi-user.target" ];
          requiredBy = [ "x.target" ];
          upheldBy = [ "y.target" ];
        };
        # Two modules wanting the same target give one link.
        imports = [ { systemd.services.a.wantedBy = [ "multi-user.target" ]; } ];
        systemd.services."inst@foo" = { overrideStrategy = "asDropin"; environment.X = "1"; };
        systemd.units."masked.service".enable = false;
        systemd.services.hidden.serviceConfig.ExecStart = "/bin/true";
        systemd.suppressedSystemUnits = [ "hidden.service" ];
      })).config;
      src = c.environment.etc."systemd/system".source;
    in {
      inherit (src) name;
      links = builtins.mapAttrs (n: p: p) src.entries;
      units = builtins.mapAttrs (n: u: "\${u.unit}") c.systemd.units;
    }`);
    expect(r.name).toBe('system-units');
    const file = (n: string) => `${r.units[n]}/${n}`;
    expect(r.links).toEqual({
      'a.service': file('a.service'),
      'alias-a.service': 'a.service',
      'inst@foo.service.d/overrides.conf': file('inst@foo.service'),
      'masked.service': file('masked.service'),
      'multi-user.target.wants/a.service': '../a.service',
      'x.target.requires/a.service': '../a.service',
      'y.target.upholds/a.service': '../a.service',
    });
  });
});

describe('checks', () => {
  it('reject a serviceConfig Type or Restart systemd does not know, naming the value, the option and the file', () => {
    fs.writeFileSync(path.join(tmp, 'bad-type.nix'), '{ ... }: { systemd.services.foo.serviceConfig = { Type = "bogus"; ExecStart = "/bin/true"; }; }\n');
    // As NixOS: the check traces what is wrong, then the type error names option and file.
    const r = spawnSync(BIN, ['eval', '-E', `(import <nixling/nixos> { configuration = ./bad-type.nix; }).config.systemd.units."foo.service".text`], {
      cwd: tmp,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("trace: Systemd Service field `Type' cannot have value `bogus'.\n");
    expect(r.stderr).toContain(
      "error: A definition for option `systemd.services.foo.serviceConfig' is not of type `attribute set of (systemd option)'. TypeError: Definition values: \n" +
        `       - In \`${path.join(tmp, 'bad-type.nix')}':`,
    );
    const e2 = evalError(`(system { systemd.services.foo.serviceConfig.Restart = "sometimes"; }).config.systemd.units."foo.service".text`);
    expect(e2).toContain("A definition for option `systemd.services.foo.serviceConfig' is not of type");
    expect(e2).toContain('Restart = "sometimes";');
    // mkForce'd and mkIf'd values are checked too.
    const e3 = evalError(`(system ({ lib, ... }: { systemd.services.foo.serviceConfig.Type = lib.mkIf true (lib.mkForce "nope"); })).config.systemd.units."foo.service".text`);
    expect(e3).toContain("A definition for option `systemd.services.foo.serviceConfig' is not of type");
    // All of systemd's types pass.
    const ok = evalJSON(`map (t: builtins.stringLength (system { systemd.services.foo.serviceConfig = { Type = t; Restart = "on-abnormal"; }; }).config.systemd.units."foo.service".text)
      [ "exec" "simple" "forking" "oneshot" "dbus" "notify" "notify-reload" "idle" ]`);
    expect(ok).toHaveLength(8);
  });

  it('reject conflicting single values, naming both definitions', () => {
    const e = evalError(`(system { imports = [ { systemd.services.foo.serviceConfig.User = "a"; } ]; systemd.services.foo.serviceConfig.User = "b"; }).config.systemd.units."foo.service".text`);
    expect(e).toContain("The option `systemd.services.foo.serviceConfig.User' has conflicting definition values");
  });

  it('reject names that are not unit names', () => {
    const e = evalError(`(system { systemd.services.foo.wantedBy = [ "multi-user" ]; }).config.systemd.units."foo.service".text`);
    expect(e).toContain('systemd.services.foo.wantedBy');
    expect(e).toContain('is not of type `string matching the pattern [a-zA-Z0-9@%:_.\\-]+[.](service|socket|device|mount|automount|swap|target|path|timer|scope|slice)\'');
    expect(e).toContain('"multi-user"');
  });

  it('reject an environment line of 1 MiB or more', () => {
    const e = evalError(`(system { systemd.services.big.environment.BIG = builtins.concatStringsSep "" (builtins.genList (_: "xxxxxxxxxxxxxxxx") 65536); }).config.systemd.units."big.service".text`);
    // (The message quotes names with ‘’, as NixOS's.)
    expect(e).toMatch(/The value of the environment variable .*BIG.* in systemd service .*big\.service.* is too long\./);
  });

  it("give NixOS's warnings and assertions", () => {
    const r = evalJSON(`let c = (system {
      systemd.services.once.serviceConfig = { Type = "oneshot"; Restart = "always"; StartLimitInterval = 5; };
      systemd.services.net.after = [ "network-online.target" ];
      systemd.services.netok = { after = [ "network-online.target" ]; wants = [ "network-online.target" ]; };
      systemd.services.both = { reloadIfChanged = true; reloadTriggers = [ "x" ]; };
      systemd.services.old.after = [ "network-interfaces.target" ];
      systemd.timers.t.after = [ "network-online.target" ];
    }).config; in { inherit (c) warnings; assertions = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions); }`);
    expect(r.warnings).toEqual([
      "Service 'both.service' has both 'reloadIfChanged' and 'reloadTriggers' set. This is probably not what you want, because 'reloadTriggers' behave the same whay as 'restartTriggers' if 'reloadIfChanged' is set.",
      "Service 'once.service' with 'Type=oneshot' cannot have 'Restart=always' or 'Restart=on-success'",
      "Service 'once.service' uses the attribute 'StartLimitInterval' in the Service section, which is deprecated. See https://github.com/NixOS/nixpkgs/issues/45786.",
      "net.service is ordered after 'network-online.target' but doesn't depend on it",
      "t.timer is ordered after 'network-online.target' but doesn't depend on it",
    ]);
    expect(r.assertions).toEqual([
      "Service 'old.service' is using the deprecated target network-interfaces.target, which no longer exists. Using network.target is recommended instead.",
    ]);
  });
});

describe('the utils module argument', () => {
  it('escapes paths and Exec arguments as NixOS does, and gives systemdUtils', () => {
    const r = evalJSON(`let c = (system ({ utils, ... }: {
      systemd.services.u.serviceConfig.ExecStart = "/bin/echo \${utils.escapeSystemdExecArgs [ "a b" "100%" "$HOME" "q\\"" 3 ]}";
    })); u = c.eval._module.args.utils; in {
      exec = c.config.systemd.services.u.serviceConfig.ExecStart;
      paths = map u.escapeSystemdPath [ "/" "/srv/my data" "/var/lib/foo-bar/" ".hidden/x" "//a//b" ];
      kinds = builtins.attrNames u.systemdUtils;
    }`);
    expect(r.exec).toBe('/bin/echo "a b" "100%%" "$$HOME" "q\\"" "3"');
    expect(r.paths).toEqual(['-', 'srv-my\\x20data', 'var-lib-foo\\x2dbar', '\\x2ehidden-x', 'a-b']);
    expect(r.kinds).toEqual(['lib', 'types', 'unitOptions']);
  });
});
