/**
 * virtualisation.oci-containers (modules/nixos/modules/virtualisation/oci-containers.nix),
 * evaluated in-process:
 * - the same services and rendered units as NixOS's module (the seed text, imported by a
 *   configuration that disables ours) for the options both have, for both backends;
 * - the options the seed lacks (networks, pull, capabilities, devices, privileged,
 *   autoRemoveOnStop, rootless podman) and their assertions;
 * - ports and volumes that parse, and the generated command line splitting back (through
 *   bash) into exactly the values written, hostile ones included.
 *
 * The seed is read from $NIXLING_OCI_SEED, else ../shared/seeds/oci-containers-module.txt
 * beside the repository, else /work/shared/seeds/…; without it the comparison is skipped.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalForTest } from '../support/eval';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(__dirname, 'fixtures/oci');

function findSeed(): { file?: string; reason: string } {
  const candidates = [
    process.env.NIXLING_OCI_SEED,
    path.resolve(root, '../shared/seeds/oci-containers-module.txt'),
    '/work/shared/seeds/oci-containers-module.txt',
  ].filter((x): x is string => !!x);
  for (const c of candidates) if (fs.existsSync(c)) return { file: c, reason: '' };
  return { reason: `the seed module text is not at any of: ${candidates.join(', ')} (set NIXLING_OCI_SEED)` };
}

/** The Nix part of the seed: from the line `{ config, options, lib, pkgs, ... }:` on. */
function extractSeedNix(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === '{ config, options, lib, pkgs, ... }:');
  return start < 0 ? text : lines.slice(start).join('\n');
}

const seed = findSeed();
let tmp: string;
let seedFile: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-oci-'));
  if (seed.file) {
    seedFile = path.join(tmp, 'seed-oci-containers.nix');
    fs.writeFileSync(seedFile, extractSeedNix(fs.readFileSync(seed.file, 'utf8')));
  }
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const nixStr = (s: string) => JSON.stringify(s).replace(/\$\{/g, '\\${');
const nixPath = (p: string) => `(/. + ${nixStr(p)})`;

/** Evaluates EXPR (which may use `system MODULES`, the system of a list of modules) to JSON. */
function evalJSON(expr: string): any {
  const text = `let system = modules: import <nixling/nixos> { configuration = { imports = modules; }; }; in ${expr}`;
  const r = evalForTest(text, { json: true, dir: tmp });
  if (!r.ok) throw new Error(r.out);
  return JSON.parse(r.out);
}

/** What is compared of each container service: its attributes and its rendered unit. */
const projection = `cfg: name: let s = cfg.systemd.services.\${name}; in {
  inherit (s) wantedBy wants after requires environment path script preStop postStop serviceConfig;
  preStart = s.preStart or "";
  unit = cfg.systemd.units."\${name}.service".text or null;
}`;

/** { services: name → projection, podman, docker, imageAssertions } of a configuration. */
function systemOf(modules: string): any {
  return evalJSON(`let
      c = (system (${modules})).config;
      project = ${projection};
      ours = builtins.filter (n: builtins.match "(podman|docker)-.*" n != null) (builtins.attrNames c.systemd.services);
    in {
      services = builtins.listToAttrs (map (n: { name = n; value = project c n; }) ours);
      podman = c.virtualisation.podman.enable;
      docker = c.virtualisation.docker.enable;
      imageAssertions = map (a: a.assertion)
        (builtins.filter (a: builtins.match ".*only define one of imageFile and imageStream.*" a.message != null) c.assertions);
    }`);
}

const containers = nixPath(path.join(fixtures, 'containers.nix'));
const backends: [string, string][] = [
  ['podman', '{ virtualisation.oci-containers.backend = "podman"; }'],
  ['docker', '{ virtualisation.oci-containers.backend = "docker"; }'],
  ['the stateVersion default (docker before 22.05)', '{ system.stateVersion = "21.11"; }'],
  ['the stateVersion default (podman from 22.05)', '{ system.stateVersion = "22.05"; }'],
];

describe.skipIf(!seed.file)(`the same services as NixOS's module (the seed)${seed.file ? '' : ` — skipped: ${seed.reason}`}`, () => {
  const withSeed = (mods: string) =>
    `[ { disabledModules = [ "virtualisation/oci-containers.nix" ]; imports = [ ${nixPath(seedFile)} ]; } ${mods} ]`;

  for (const [label, backend] of backends) {
    it(`for a variety of containers, with ${label}`, () => {
      const ours = systemOf(`[ ${containers} ${backend} ]`);
      const theirs = systemOf(withSeed(`${containers} ${backend}`));
      const names = Object.keys(ours.services).sort();
      expect(names.length).toBe(5);
      expect(Object.keys(theirs.services).sort()).toEqual(names);
      for (const n of names) expect({ [n]: ours.services[n] }).toEqual({ [n]: theirs.services[n] });
      expect([ours.podman, ours.docker]).toEqual([theirs.podman, theirs.docker]);
      expect(ours.imageAssertions).toEqual(theirs.imageAssertions);
      // The rendered units (systemd.units."NAME.service".text) are part of what was compared.
      for (const n of names) expect(ours.services[n].unit).toMatch(/^\[Unit\]\n/);
    });
  }

  it('for the renamed docker-containers option (mkChangedOptionModule)', () => {
    const old = `{ docker-containers.web = { image = "nginx"; extraDockerOptions = [ "--network=host" ]; ports = [ "80:80" ]; }; }`;
    const ours = systemOf(`[ ${old} ]`);
    const theirs = systemOf(withSeed(old));
    expect(Object.keys(ours.services)).toEqual(['docker-web']);
    expect(ours).toEqual(theirs);
    expect(ours.services['docker-web'].script).toContain("'--network=host' \\\n nginx");
  });

  it('when imageFile and imageStream are both set (the assertion fails in both)', () => {
    const both = `{ pkgs, ... }: { virtualisation.oci-containers.containers.x = {
      image = "x"; imageFile = pkgs.writeText "i.tar" ""; imageStream = pkgs.writeShellScript "s" ""; }; }`;
    const ours = systemOf(`[ (${both}) ]`);
    const theirs = systemOf(withSeed(`(${both})`));
    expect(ours).toEqual(theirs);
    expect(ours.imageAssertions).toEqual([false]);
  });

  it('with the isso example of the seed blog post', () => {
    const isso = nixPath(path.join(root, 'examples/isso/configuration.nix'));
    const ours = systemOf(`[ ${isso} ]`);
    const theirs = systemOf(withSeed(isso));
    expect(ours).toEqual(theirs);
  });
});

describe('what NixOS 24.11 lacks', () => {
  const run = (container: string, extra = '') =>
    evalJSON(`let c = (system [ { virtualisation.oci-containers.containers.x = ${container}; ${extra} } ]).config; in {
      s = { inherit (c.systemd.services.\${c.virtualisation.oci-containers.backend + "-x"}) script preStop postStop serviceConfig; };
      failed = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
      warnings = c.warnings;
    }`);

  it('networks, pull, capabilities, devices and privileged become run arguments', () => {
    const r = run(`{ image = "img"; networks = [ "back end" "front" "back end" ]; pull = "newer";
      capabilities = { SYS_ADMIN = true; NET_RAW = false; CHOWN = null; }; devices = [ "/dev/dri:/dev/dri" ];
      privileged = true; extraOptions = [ "--x" ]; }`);
    const args = r.s.script.split(' \\\n ');
    expect(args.slice(-9)).toEqual([
      '--privileged',
      '--cap-add=SYS_ADMIN',
      '--cap-drop=NET_RAW',
      '--device=/dev/dri:/dev/dri',
      "--network='back end'",
      '--network=front',
      '--pull=newer',
      '--x',
      'img',
    ]);
    expect(r.failed).toEqual([]);
  });

  it('autoRemoveOnStop = false drops --rm', () => {
    const r = run(`{ image = "img"; autoRemoveOnStop = false; }`);
    expect(r.s.script.split(' \\\n ').slice(0, 3)).toEqual(['exec podman ', 'run', '--name=x']);
  });

  it('rootless podman: the service runs as the user, with a delegated cgroup and its own runtime directory', () => {
    const r = run(`{ image = "img"; podman.user = "alice"; podman.group = "containers"; }`);
    expect(r.s.serviceConfig).toMatchObject({
      User: 'alice',
      Group: 'containers',
      Delegate: true,
      RuntimeDirectory: 'podman-x',
      Type: 'notify',
      NotifyAccess: 'all',
      Environment: 'PODMAN_SYSTEMD_UNIT=podman-x.service',
    });
    const args = r.s.script.split(' \\\n ');
    expect(args).toContain('--cidfile=/run/podman-x/ctr-id');
    expect(args).toContain('--cgroups=split');
    expect(args).toContain('--sdnotify=conmon');
    expect(args).not.toContain('--cgroups=no-conmon');
    expect(r.s.preStop).toBe('podman stop --ignore --cidfile=/run/podman-x/ctr-id');
    expect(r.s.postStop).toBe('podman rm -f --ignore --cidfile=/run/podman-x/ctr-id');
    expect(r.failed).toEqual([]);
  });

  it('rootful podman keeps the seed service; sdnotify changes --sdnotify (and delegates for healthy)', () => {
    const plain = run(`{ image = "img"; }`);
    expect(plain.s.serviceConfig.User).toBeUndefined();
    expect(plain.s.serviceConfig.Delegate).toBeUndefined();
    expect(plain.s.script).toContain('--cidfile=/run/podman-x.ctr-id \\\n --cgroups=no-conmon \\\n --sdnotify=conmon');
    const healthy = run(`{ image = "img"; podman.sdnotify = "healthy"; }`);
    expect(healthy.s.script).toContain('--sdnotify=healthy');
    expect(healthy.s.serviceConfig.Delegate).toBe(true);
    expect(healthy.s.serviceConfig.User).toBeUndefined();
  });

  it('podman options with the docker backend fail an assertion', () => {
    const r = run(`{ image = "img"; podman.user = "alice"; }`, 'virtualisation.oci-containers.backend = "docker";');
    expect(r.failed).toEqual([
      'virtualisation.oci-containers.containers.x.podman: the podman options (user, group, sdnotify) need the podman backend, but the backend is docker.',
    ]);
    expect(r.s.serviceConfig.User).toBeUndefined();
  });

  it('an invalid container name fails an assertion; an unknown dependency is a warning', () => {
    const r = evalJSON(`let
        c = (system [ { virtualisation.oci-containers.containers."bad name".image = "i"; } ]).config;
        d = (system [ { virtualisation.oci-containers.containers.x = { image = "i"; dependsOn = [ "ghost" ]; }; } ]).config;
      in {
        failed = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
        warnings = builtins.filter (w: builtins.match ".*ghost.*" w != null) d.warnings;
      }`);
    expect(r.failed).toEqual([
      'virtualisation.oci-containers.containers."bad name": `bad name\' is not a valid container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*).',
    ]);
    expect(r.warnings).toEqual([
      'virtualisation.oci-containers.containers.x.dependsOn: there is no container `ghost\'; the service depends on podman-ghost.service.',
    ]);
  });

  it('no containers: no services, podman and docker untouched', () => {
    const r = evalJSON(`let c = (system [ ]).config; in {
      n = builtins.length (builtins.filter (n: builtins.match "(podman|docker)-.*" n != null) (builtins.attrNames c.systemd.services));
      p = c.virtualisation.podman.enable; d = c.virtualisation.docker.enable; }`);
    expect(r).toEqual({ n: 0, p: false, d: false });
  });
});

describe('ports and volumes', () => {
  const valid = (attr: string, entries: string[]) =>
    evalJSON(`(system [ { virtualisation.oci-containers.containers.x = { image = "i"; ${attr} = ${'[ ' + entries.map(nixStr).join(' ') + ' ]'}; }; } ]).config.virtualisation.oci-containers.containers.x.${attr}`);
  const invalid = (attr: string, entry: string): string => {
    const r = evalForTest(
      `(import <nixling/nixos> { configuration = { virtualisation.oci-containers.containers.x = { image = "i"; ${attr} = [ ${nixStr(entry)} ]; }; }; }).config.virtualisation.oci-containers.containers.x.${attr}`,
      { json: true, dir: tmp },
    );
    expect(r.ok).toBe(false);
    return r.out;
  };

  it('accepts every documented port form', () => {
    const ports = [
      '80', '8080:80', '127.0.0.1:8080:80', '127.0.0.1::80', '0.0.0.0:53:53/udp', '[::1]:8080:80', '[::]::80',
      '[fe80::1%eth0]:80:80'.replace('%eth0', ''), '1234-1236:1234-1236/tcp', '1234-1236:1234/tcp', '53:53/tcp,udp',
      '8080:80/sctp', '65535:1',
    ];
    expect(valid('ports', ports)).toEqual(ports);
  });

  it('accepts every documented volume form', () => {
    const volumes = [
      '/var/db/isso:/db', 'named:/data', 'my_vol.1:/data:ro', '/nix/store/abc-isso.conf:/etc/isso.conf:ro',
      '/host:/ctr:rw,z', '/host:/ctr:Z,rshared', '/anonymous', '/h:/c:O', '/h:/c:U,idmap', '/h:/c:idmap=uids=0-1-10',
      '/h:/c:nocopy,noexec,nosuid,nodev',
    ];
    expect(valid('volumes', volumes)).toEqual(volumes);
  });

  const badPorts: [string, RegExp][] = [
    ['80:abc', /the container port `abc' is not a port number/],
    ['99999:80', /the host port `99999' is not a port number/],
    ['1.2.3:80:80', /`1\.2\.3' is not an IP address/],
    ['256.1.1.1:80:80', /`256\.1\.1\.1' is not an IP address/],
    ['80:80/tcpx', /the protocol `tcpx' is not tcp, udp or sctp/],
    ['1:2:3:4', /it has 4 `:'-separated parts/],
    ['8080:', /the container port is missing/],
    ['0:80', /the host port `0' is not a port number/],
    ['90-80:80', /the host port `90-80' is not a port number/],
    ['8000-8002:80-81', /have different lengths/],
    ['8000:80-81', /the container port is a range \(80-81\) but the host port \(8000\) is not/],
    ['', /it is empty/],
    ['[zz]:80:80', /`\[zz\]' is not an IPv6 address/],
  ];
  for (const [entry, why] of badPorts) {
    it(`rejects the port ${JSON.stringify(entry)}`, () => {
      const out = invalid('ports', entry);
      expect(out).toContain(`The port mapping ${JSON.stringify(entry)} in option \`virtualisation.oci-containers.containers.x.ports' of container \`x' is invalid:`);
      expect(out).toMatch(why);
    });
  }

  const badVolumes: [string, RegExp][] = [
    ['/var/db/isso:', /the container path is empty/],
    ['isso-data', /it has no container path/],
    ['/var/db/isso:db', /the container path `db' is relative; it must be absolute/],
    ['./data:/data', /the source `\.\/data' is neither an absolute host path nor a volume name/],
    [':/data', /the source .* is empty/],
    ['/a:/b:rx', /the option `rx' is not a volume option/],
    ['/a:/b:ro,', /an empty option is not a volume option/],
    ['/a:/b:ro,rw', /more than one of ro and rw/],
    ['/a:/b:z,Z', /more than one of z and Z/],
    ['/a:/b:shared,private', /more than one mount propagation option/],
    ['/a:/b:ro:extra', /it has 4 `:'-separated parts/],
  ];
  for (const [entry, why] of badVolumes) {
    it(`rejects the volume ${JSON.stringify(entry)}`, () => {
      const out = invalid('volumes', entry);
      expect(out).toContain(`The volume ${JSON.stringify(entry)} in option \`virtualisation.oci-containers.containers.x.volumes' of container \`x' is invalid:`);
      expect(out).toMatch(why);
    });
  }

  it('a value that is not a string is a type error', () => {
    const r = evalForTest(
      `(import <nixling/nixos> { configuration = { virtualisation.oci-containers.containers.x = { image = "i"; ports = [ 80 ]; }; }; }).config.virtualisation.oci-containers.containers.x.ports`,
      { json: true, dir: tmp },
    );
    expect(r.ok).toBe(false);
    const out = r.out;
    expect(out).toContain("is not of type `port mapping ([IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL])'");
  });
});

describe('the command line reaches the container exactly as written', () => {
  // A stand-in for podman/docker that prints each argument it gets, NUL-terminated; the
  // generated script runs under bash, as the unit's start script does.
  it('for environment, labels, cmd, entrypoint, workdir and the other escaped values', () => {
    const hostile: string[] = evalJSON(`(import ${nixPath(path.join(fixtures, 'hostile-values.nix'))}).list`);
    const r = evalJSON(`let c = (system [ ${containers} ]).config; in {
      script = c.systemd.services.podman-everything.script;
      inherit (c.virtualisation.oci-containers.containers.everything) environment labels cmd;
    }`);
    const bin = path.join(tmp, 'fakebin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'podman'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done\n', { mode: 0o755 });
    const p = spawnSync('bash', ['-c', r.script], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: '/nonexistent' }, encoding: 'utf8' });
    expect(p.stderr).toBe('');
    const argv = p.stdout.split('\0').slice(0, -1);
    // Pairs `-e K=V` / `-l K=V`, in the order the script lists them.
    const pairs = (flag: string) => {
      const m: Record<string, string> = {};
      argv.forEach((a, i) => {
        if (a === flag) {
          const kv = argv[i + 1];
          const eq = kv.indexOf('=');
          m[kv.slice(0, eq)] = kv.slice(eq + 1);
        }
      });
      return m;
    };
    expect(pairs('-e')).toEqual(r.environment);
    expect(pairs('-l')).toEqual(r.labels);
    const image = argv.indexOf('registry.example.com/team/app:2.1');
    expect(argv.slice(image + 1)).toEqual(r.cmd);
    expect(argv.slice(image + 3)).toEqual(hostile);
    expect(argv).toContain('--entrypoint=/bin/app with space');
    expect(argv.slice(0, 4)).toEqual(['--log-level=debug', '--storage-opt', 'a b', 'run']);
    expect(argv).toContain("--label=x=it's");
  });
});
