/**
 * Differential test of the systemd module against NixOS's own code: nix-instantiate
 * evaluates the same configurations with nixpkgs' lib and NixOS's nixos/lib/systemd-lib.nix,
 * systemd-unit-options.nix and systemd-types.nix (glued the way
 * nixos/modules/system/boot/systemd.nix glues them into systemd.units), and every unit
 * must come out the same as ours: text byte for byte (store paths included: both sides
 * use our `pkgs`), enable, wantedBy, requiredBy, upheldBy, aliases, overrideStrategy.
 *
 * The nixpkgs tree is taken from $NIXLING_NIXPKGS, else /work/suites/nixpkgs-systemd or
 * /work/suites/nixpkgs (a checkout, or any tree holding lib/ and those three files);
 * without it, or without nix-instantiate, the comparison is skipped.
 *
 * NixOS's makeJobScript renames a writeShellScriptBin / writeShellApplication with
 * overrideAttrs, which our builders lack: the harness gives nixpkgs' code builders with
 * overrideAttrs that produce what ours produce (checked against ours in the harness).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalForTest } from '../support/eval';

const root = path.resolve(__dirname, '../..');
const NEEDED = ['lib/default.nix', 'nixos/lib/systemd-lib.nix', 'nixos/lib/systemd-unit-options.nix', 'nixos/lib/systemd-types.nix'];

function findNixpkgs(): { dir?: string; reason: string } {
  const candidates = [process.env.NIXLING_NIXPKGS, '/work/suites/nixpkgs-systemd', '/work/suites/nixpkgs'].filter((x): x is string => !!x);
  for (const c of candidates) if (NEEDED.every((f) => fs.existsSync(path.join(c, f)))) return { dir: c, reason: '' };
  return { reason: `no nixpkgs tree with ${NEEDED.join(', ')} at ${candidates.join(' or ')} (set NIXLING_NIXPKGS)` };
}
function findNixInstantiate(): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':').concat(['/usr/bin'])) {
    const p = path.join(d, 'nix-instantiate');
    if (d && fs.existsSync(p)) return p;
  }
  return undefined;
}

const nixpkgs = findNixpkgs();
const nixInstantiate = findNixInstantiate();
const skipReason = !nixpkgs.dir ? nixpkgs.reason : !nixInstantiate ? 'nix-instantiate is not installed' : '';

const HARNESS = `{ nixpkgs, nixling, configuration }:
let
  lib = import (nixpkgs + "/lib");
  ours = import (nixling + "/modules/pkgs") { inherit lib; system = "x86_64-linux"; };
  # nixpkgs' writeShellScriptBin and writeShellApplication, made with our writeTextFile as
  # ours are (asserted), plus the overrideAttrs NixOS's makeJobScript renames them with.
  renamable = same: args: let drv = ours.writeTextFile args; in
    assert drv.drvPath == same.drvPath;
    drv // { overrideAttrs = f: ours.writeTextFile (args // { inherit (f { }) name; }); };
  pkgs = ours // {
    writeShellScriptBin = name: text: renamable (ours.writeShellScriptBin name text) {
      inherit name; executable = true; destination = "/bin/\${name}";
      text = "#!\${ours.runtimeShell}\\n\${text}\\n";
      checkPhase = "\${ours.stdenv.shellDryRun} \\"$target\\""; meta.mainProgram = name;
    };
    writeShellApplication = { name, text }: renamable (ours.writeShellApplication { inherit name text; }) {
      inherit name; executable = true; destination = "/bin/\${name}";
      allowSubstitutes = true; preferLocalBuild = false;
      text = "#!\${ours.runtimeShell}\\nset -o errexit\\nset -o nounset\\nset -o pipefail\\n\\n\${text}\\n";
      checkPhase = "\${ours.stdenv.shellDryRun} \\"$target\\"\\n\${ours.shellcheckIfInstalled ""}\\n";
    };
  };
  harness = { config, ... }:
    let
      cfg = config.systemd;
      utils = {
        inherit (import (nixling + "/modules/nixos/lib/systemd-utils.nix") { inherit config lib pkgs; }) escapeSystemdPath;
        systemdUtils = {
          lib = import (nixpkgs + "/nixos/lib/systemd-lib.nix") { inherit config lib pkgs utils; };
          unitOptions = import (nixpkgs + "/nixos/lib/systemd-unit-options.nix") { inherit lib; inherit (utils) systemdUtils; };
          types = import (nixpkgs + "/nixos/lib/systemd-types.nix") { inherit lib pkgs; inherit (utils) systemdUtils; };
        };
      };
      inherit (utils.systemdUtils) types;
      inherit (utils.systemdUtils.lib) pathToUnit serviceToUnit sliceToUnit socketToUnit targetToUnit timerToUnit mountToUnit automountToUnit;
      opt = type: default: lib.mkOption { inherit type default; };
    in
    {
      # The options of nixos/modules/system/boot/systemd.nix that units depend on.
      options.systemd = {
        package = opt lib.types.package pkgs.systemd;
        enableStrictShellChecks = opt lib.types.bool false;
        globalEnvironment = opt (with lib.types; attrsOf (nullOr (oneOf [ str path package ]))) { };
        units = opt types.units { };
        services = opt types.services { };
        targets = opt types.targets { };
        sockets = opt types.sockets { };
        timers = opt types.timers { };
        paths = opt types.paths { };
        slices = opt types.slices { };
        mounts = opt types.mounts [ ];
        automounts = opt types.automounts [ ];
      };
      # What nixos/modules/system/boot/systemd.nix defines from them.
      config = {
        _module.args = { inherit pkgs utils; };
        systemd.units =
          let withName = cfgToUnit: cfg: lib.nameValuePair cfg.name (cfgToUnit cfg);
          in
          lib.mapAttrs' (_: withName pathToUnit) cfg.paths
          // lib.mapAttrs' (_: withName serviceToUnit) cfg.services
          // lib.mapAttrs' (_: withName sliceToUnit) cfg.slices
          // lib.mapAttrs' (_: withName socketToUnit) cfg.sockets
          // lib.mapAttrs' (_: withName targetToUnit) cfg.targets
          // lib.mapAttrs' (_: withName timerToUnit) cfg.timers
          // lib.listToAttrs (map (withName mountToUnit) cfg.mounts)
          // lib.listToAttrs (map (withName automountToUnit) cfg.automounts);
        systemd.timers = lib.mapAttrs (name: service: {
          wantedBy = [ "timers.target" ];
          timerConfig.OnCalendar = service.startAt;
        }) (lib.filterAttrs (name: service: service.enable && service.startAt != [ ]) cfg.services);
      };
    };
  eval = lib.evalModules { modules = [ harness configuration ]; };
in
`;
const PROJECT = `builtins.mapAttrs (_: u: { inherit (u) text enable wantedBy requiredBy upheldBy aliases overrideStrategy; })`;

/** Configurations compared, each a module. */
const CASES: Record<string, string> = {
  'a service with every [Unit] option and varied values': `{ pkgs, lib, ... }: {
    imports = [ { systemd.services.web.serviceConfig = { ExecStartPre = "/bin/from-import"; Restart = "on-failure"; }; } ];
    systemd.services.web = {
      description = "Web server"; documentation = [ "man:web(8)" "https://example.org" ];
      wantedBy = [ "multi-user.target" "graphical.target" ]; requiredBy = [ "x.target" ]; upheldBy = [ "y.target" ];
      aliases = [ "www.service" ];
      requires = [ "db.service" ]; wants = [ "network-online.target" ]; upholds = [ "h.service" ];
      after = [ "network-online.target" "db.service" ]; before = [ "shutdown.target" ]; bindsTo = [ "dev-sda.device" ];
      partOf = [ "web.target" ]; conflicts = [ "shutdown.target" ]; requisite = [ "local-fs.target" ];
      onFailure = [ "notify@%n.service" ]; onSuccess = [ "done.service" ];
      startLimitBurst = 5; startLimitIntervalSec = 30;
      unitConfig = { ConditionPathExists = "/etc/web.conf"; X-Multi = [ "a" "b" ]; X-Empty = [ ]; };
      serviceConfig = {
        Type = "notify"; ExecStart = "/usr/bin/web --port 80"; ExecStartPre = [ "/bin/a" "/bin/b" ];
        Restart = "on-failure"; RestartSec = 5; PrivateTmp = true; NoNewPrivileges = false; CPUWeight = 1.5;
        WorkingDirectory = null; ReadOnlyPaths = pkgs.coreutils; Nested = [ [ "x" "y" ] 3 ]; ReadWritePaths = ./app.conf;
      };
    };
  }`,
  'environment values, hostile ones included, PATH and globalEnvironment': `{ pkgs, lib, ... }: {
    systemd.globalEnvironment = { TZ = "CET"; SHARED = "global"; DROPPED = "g"; };
    systemd.services.env = {
      path = [ pkgs.bash "/opt/tool" pkgs.podman ];
      environment = {
        QUOTES = "say \\"hi\\" 'there'"; DOLLAR = "$HOME and \\\${x} and $$"; BACKTICK = "\`id -u\`";
        NEWLINE = "line1\\nline2\\ttab\\r"; SPACES = "  lead and trail  "; BACKSLASH = "a\\\\b\\\\\\\\c";
        PERCENT = "100%"; UNICODE = "café ☕"; EMPTY = ""; CTRL = builtins.fromJSON "\\"bell\\\\u0007\\""; NULLED = null; SHARED = "service"; DROPPED = null;
        FILE = ./app.conf; PKG = pkgs.gnused;
      };
      serviceConfig.ExecStart = "/bin/true";
    };
    systemd.services.nopath = { path = lib.mkForce [ ]; serviceConfig.ExecStart = "/bin/true"; };
  }`,
  'merging serviceConfig across modules': `{ lib, ... }: {
    imports = [
      { systemd.services.m.serviceConfig = { Restart = "always"; User = "a"; ExecStartPre = "/bin/one"; Nice = lib.mkDefault 5; ReadWritePaths = [ "/x" ]; }; }
      { systemd.services.m.serviceConfig = { Restart = "always"; User = lib.mkForce "forced"; ExecStartPre = [ "/bin/two" ]; }; }
    ];
    systemd.services.m.serviceConfig = { User = "b"; Nice = 3; ReadWritePaths = lib.mkForce [ "/only" ]; ExecStart = "/bin/true"; };
  }`,
  'scripts, scriptArgs, strict shell checks and odd names': `{ lib, ... }: {
    systemd.services."web@" = {
      script = "exec web"; scriptArgs = "%i --verbose"; preStart = "mkdir -p /run/web"; postStart = "echo started";
      reload = "kill -HUP $MAINPID"; preStop = "echo stopping"; postStop = "rm -rf /run/web";
      serviceConfig.ExecStartPre = [ "/bin/also" ];
    };
    systemd.services.bare.script = "true";
    systemd.services.strict = { enableStrictShellChecks = true; script = "echo strict"; preStart = "true"; };
    systemd.services."back\\\\slash".script = "true";
  }`,
  'strict shell checks for every service': `{ ... }: {
    systemd.enableStrictShellChecks = true;
    systemd.services.a.script = "echo a";
    systemd.services.b = { enableStrictShellChecks = false; script = "echo b"; };
  }`,
  'switch markers and triggers': `{ pkgs, lib, ... }: {
    systemd.services = lib.mapAttrs (n: v: v // { serviceConfig.ExecStart = "/bin/true"; }) {
      norestart.restartIfChanged = false;
      reload = { reloadIfChanged = true; restartIfChanged = false; };
      nostop.stopIfChanged = false;
      nosock.notSocketActivated = true;
      trig = { restartTriggers = [ ./app.conf "v1" [ pkgs.gnused 2 ] ]; reloadTriggers = [ "r1" "r2" ]; };
    };
    systemd.targets.t.restartTriggers = [ "t" ];
  }`,
  'startAt, disabled services and units given as text': `{ lib, ... }: {
    systemd.services.job = { startAt = "daily"; script = "echo run"; };
    systemd.services.multi = { startAt = [ "Mon 10:00" "Fri 18:00" ]; serviceConfig.ExecStart = "/bin/true"; };
    systemd.services.off = { enable = false; startAt = "hourly"; serviceConfig.ExecStart = "/bin/true"; wantedBy = [ "multi-user.target" ]; };
    systemd.services."inst@x" = { overrideStrategy = "asDropin"; environment.X = "1"; };
    systemd.units."custom.service" = { text = "[Service]\\nExecStart=/bin/true\\n"; wantedBy = [ "default.target" ]; aliases = [ "c.service" ]; };
    systemd.units."masked.service".enable = false;
  }`,
  'sockets, targets, timers, paths, slices, mounts and automounts': `{ ... }: {
    systemd.sockets.echo = {
      description = "Echo socket"; listenStreams = [ "127.0.0.1:7777" "/run/echo.sock" ]; listenDatagrams = [ "127.0.0.1:7778" ];
      socketConfig = { Accept = true; SocketMode = "0660"; }; wantedBy = [ "sockets.target" ];
    };
    systemd.sockets.bare.socketConfig.ListenFIFO = "/run/bare.fifo";
    systemd.targets.app = { description = "App"; wants = [ "web.service" ]; wantedBy = [ "multi-user.target" ]; unitConfig.AllowIsolate = true; };
    systemd.paths.watch = { pathConfig = { PathChanged = "/etc/app.conf"; Unit = "job.service"; }; wantedBy = [ "paths.target" ]; };
    systemd.slices.apps = { description = "Apps"; sliceConfig = { MemoryMax = "2G"; CPUWeight = 50; }; };
    systemd.mounts = [ { what = "/dev/disk/by-label/data"; where = "/srv/my data"; type = "ext4"; options = "noatime,nodev"; wantedBy = [ "local-fs.target" ]; } ];
    systemd.automounts = [ { where = "/srv/my data"; automountConfig.TimeoutIdleSec = 60; } ];
    systemd.timers.manual.timerConfig = { OnBootSec = "5min"; Unit = "job.service"; Persistent = true; };
  }`,
  '60 generated services': `{ pkgs, lib, ... }: {
    systemd.services = lib.listToAttrs (map (i: lib.nameValuePair "svc\${toString i}" {
      description = "Service \${toString i}";
      wantedBy = [ "multi-user.target" ];
      after = [ "network.target" ] ++ lib.optional (i > 0) "svc\${toString (i - 1)}.service";
      environment = { N = toString i; MSG = "hello \\"\${toString i}\\" $X"; };
      path = lib.optional (lib.mod i 3 == 0) pkgs.bash;
      script = "echo \${toString i}";
      preStop = lib.optionalString (lib.mod i 2 == 0) "echo stop";
      serviceConfig = { Restart = "on-failure"; User = "u\${toString i}"; Type = "simple"; };
      startAt = lib.optional (lib.mod i 10 == 0) "hourly";
    }) (lib.range 0 59));
  }`,
};

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-systemd-oracle-'));
  fs.writeFileSync(path.join(tmp, 'app.conf'), 'key = value\n');
  fs.writeFileSync(path.join(tmp, 'harness.nix'), `${HARNESS}${PROJECT} eval.config.systemd.units\n`);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function theirs(file: string): { ok: boolean; value?: any; err: string } {
  const r = spawnSync(
    nixInstantiate!,
    ['--eval', '--strict', '--json', '--readonly-mode', path.join(tmp, 'harness.nix'),
      '--arg', 'nixpkgs', nixpkgs.dir!, '--arg', 'nixling', root, '--arg', 'configuration', file],
    { encoding: 'utf8', env: { ...process.env, NIX_PATH: '' } },
  );
  return r.status === 0 ? { ok: true, value: JSON.parse(r.stdout), err: r.stderr } : { ok: false, err: r.stderr };
}
function ours(file: string): { ok: boolean; value?: any; err: string } {
  const r = evalForTest(`${PROJECT} (import <nixling/nixos> { configuration = ${JSON.stringify(file)}; }).config.systemd.units`, { json: true, dir: tmp });
  // The evaluator's strings are bytes (UTF-8 read as latin1).
  return r.ok ? { ok: true, value: JSON.parse(Buffer.from(r.out, 'latin1').toString('utf8')), err: '' } : { ok: false, err: r.out };
}

describe.skipIf(!!skipReason)(`units as NixOS's code renders them${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let n = 0;
  for (const [label, module] of Object.entries(CASES)) {
    it(label, () => {
      const file = path.join(tmp, `case${n++}.nix`);
      fs.writeFileSync(file, module);
      const t = theirs(file);
      if (!t.ok) throw new Error(`nix-instantiate failed:\n${t.err}`);
      const o = ours(file);
      if (!o.ok) throw new Error(`nixling failed:\n${o.err}`);
      expect(Object.keys(o.value).sort()).toEqual(Object.keys(t.value).sort());
      for (const name of Object.keys(t.value)) expect({ [name]: o.value[name] }).toEqual({ [name]: t.value[name] });
    });
  }

  it('rejects what NixOS rejects: an unknown Type, a non-unit name, conflicting values', () => {
    const bad = [
      '{ systemd.services.foo.serviceConfig.Type = "bogus"; }',
      '{ systemd.services.foo.serviceConfig.Restart = "sometimes"; }',
      '{ systemd.services.foo.wantedBy = [ "multi-user" ]; }',
      '{ imports = [ { systemd.services.foo.serviceConfig.User = "a"; } ]; systemd.services.foo.serviceConfig.User = "b"; }',
      '{ imports = [ { systemd.services.foo.serviceConfig.User = "a"; } ]; systemd.services.foo.script = "x"; systemd.services.foo.serviceConfig.ExecStart = "y"; }',
    ];
    for (const [i, module] of bad.entries()) {
      const file = path.join(tmp, `bad${i}.nix`);
      fs.writeFileSync(file, module);
      const t = theirs(file);
      const o = ours(file);
      expect({ module, nixos: t.ok, nixling: o.ok }).toEqual({ module, nixos: false, nixling: false });
    }
  });
});
