/**
 * Realising systemd units: `nixling build -c` into a temporary store (whose logical
 * directory is its physical one, so the units' store paths exist), then:
 * - the tree of etc/systemd/system (unit files, drop-ins, aliases, .wants links, masks);
 * - `systemd-analyze verify` on every unit that is not masked (it checks the syntax and
 *   that the programs units run exist);
 * - the generated scripts: their text, and running them;
 * - systemd.packages: a package's units linked in, ours becoming drop-ins over them;
 * - strict shell checks failing the build (when shellcheck is installed).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/nixling');
const ANALYZE = '/usr/bin/systemd-analyze';
const hasAnalyze = fs.existsSync(ANALYZE);
const hasShellcheck = ['/usr/local/bin', '/usr/bin', '/bin'].some((d) => fs.existsSync(path.join(d, 'shellcheck')));

let dir: string;
let storeDir: string;

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}
function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
/** Builds configuration FILE; returns the toplevel's etc/systemd/system. */
function build(file: string, out: string): string {
  const r = run(BIN, ['build', '-c', file, '--store-dir', storeDir, '-o', out]);
  if (r.code !== 0) throw new Error(`build failed (${r.code}):\n${r.err}`);
  return path.join(r.out.trim(), 'etc/systemd/system');
}
/** Every entry under DIR: name → link target (or "dir"/"file"). */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(root, r));
      if (st.isSymbolicLink()) out[r] = fs.readlinkSync(path.join(root, r)).replace(storeDir, '/STORE');
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(r);
      } else out[r] = 'file';
    }
  };
  walk('');
  return out;
}
const hashes = (s: string) => s.replace(/[0-9a-df-np-sv-z]{32}-/g, 'HASH-');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-systemd-build-'));
  storeDir = path.join(dir, 'nix/store');
});
afterAll(() => {
  spawnSync('/bin/chmod', ['-R', 'u+w', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const CONFIG = `{ pkgs, lib, ... }: {
  systemd.services.web = {
    description = "Web";
    wantedBy = [ "multi-user.target" ];
    after = [ "network.target" ];
    environment.GREETING = "say \\"hi\\" $HOME \`id\` 100%% \\\\ done\\nnext line";
    path = [ pkgs.bash ];
    preStart = "mkdir -p /run/web";
    script = ''
      printf '%s|%s\\n' "$GREETING" "$#"
    '';
    postStop = "rm -rf /run/web";
    reload = "kill -HUP $MAINPID";
    serviceConfig = { Restart = "on-failure"; RestartSec = 2; PrivateTmp = true; DynamicUser = true; };
    restartTriggers = [ "v1" ];
    startAt = "daily";
    aliases = [ "www.service" ];
  };
  systemd.services.strict = { enableStrictShellChecks = true; script = ''echo "strict \${"$"}{1:-}"''; serviceConfig.Type = "oneshot"; };
  systemd.services."echo@".serviceConfig = { ExecStart = "\${pkgs.coreutils}/bin/cat"; StandardInput = "socket"; };
  systemd.sockets.echo = { listenStreams = [ "127.0.0.1:7777" ]; socketConfig.Accept = true; wantedBy = [ "sockets.target" ]; };
  systemd.targets.app = { description = "App"; wants = [ "web.service" ]; };
  systemd.paths.watch = { pathConfig = { PathChanged = "/etc/app.conf"; Unit = "web.service"; }; wantedBy = [ "paths.target" ]; };
  systemd.slices.apps.sliceConfig.MemoryMax = "1G";
  systemd.mounts = [ { what = "tmpfs"; where = "/srv/my data"; type = "tmpfs"; options = "size=10M"; } ];
  systemd.timers.manual = { timerConfig = { OnBootSec = "5min"; Unit = "web.service"; }; wantedBy = [ "timers.target" ]; };
  systemd.services.off = { enable = false; serviceConfig.ExecStart = "/bin/true"; wantedBy = [ "multi-user.target" ]; };
  systemd.units."custom.service" = { text = "[Unit]\\nDescription=Custom\\n[Service]\\nExecStart=/bin/true\\n"; wantedBy = [ "multi-user.target" ]; };
  systemd.services."getty@tty9" = { overrideStrategy = "asDropin"; environment.TERM = "vt100"; path = lib.mkForce [ ]; };
}
`;

describe('nixling build -c with systemd units', () => {
  let units: string;
  beforeAll(() => {
    write('configuration.nix', CONFIG);
    units = build('configuration.nix', 'result');
  });

  it('links the units, drop-ins, aliases and .wants links into etc/systemd/system', () => {
    const t = Object.fromEntries(Object.entries(tree(units)).map(([k, v]) => [k, hashes(v)]));
    const file = (n: string) => `/STORE/HASH-unit-${n.replace(/@/g, '-').replace(/\\/g, '-')}/${n}`;
    expect(t).toEqual({
      'app.target': file('app.target'),
      'apps.slice': file('apps.slice'),
      'custom.service': file('custom.service'),
      'echo.socket': file('echo.socket'),
      'echo@.service': file('echo@.service'),
      'getty@tty9.service.d': 'dir',
      'getty@tty9.service.d/overrides.conf': file('getty@tty9.service'),
      'manual.timer': file('manual.timer'),
      'multi-user.target.wants': 'dir',
      'multi-user.target.wants/custom.service': '../custom.service',
      'multi-user.target.wants/off.service': '../off.service',
      'multi-user.target.wants/web.service': '../web.service',
      'off.service': '/STORE/HASH-unit-off.service-disabled/off.service',
      'paths.target.wants': 'dir',
      'paths.target.wants/watch.path': '../watch.path',
      'sockets.target.wants': 'dir',
      'sockets.target.wants/echo.socket': '../echo.socket',
      'srv-my\\x20data.mount': '/STORE/HASH-unit-srv-my-x20data.mount/srv-my\\x20data.mount',
      'strict.service': file('strict.service'),
      'timers.target.wants': 'dir',
      'timers.target.wants/manual.timer': '../manual.timer',
      'timers.target.wants/web.timer': '../web.timer',
      'watch.path': file('watch.path'),
      'web.service': file('web.service'),
      'web.timer': file('web.timer'),
      'www.service': 'web.service',
    });
    // A disabled unit is masked: its file resolves to /dev/null.
    expect(fs.realpathSync(path.join(units, 'off.service'))).toBe('/dev/null');
    // The mount unit is named as systemd-escape names it.
    const esc = run('/usr/bin/systemd-escape', ['--path', '--suffix=mount', '/srv/my data']);
    if (esc.code === 0) expect(fs.existsSync(path.join(units, esc.out.trim()))).toBe(true);
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify for every unit that is not masked', () => {
    const files = fs
      .readdirSync(units)
      .map((n) => path.join(units, n))
      .filter((f) => fs.statSync(f).isFile() && fs.realpathSync(f) !== '/dev/null');
    expect(files.length).toBe(12);
    const r = run(ANALYZE, ['verify', ...files], { SYSTEMD_LOG_LEVEL: 'info' });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // The check is real: a unit running a program that does not exist fails it.
    const bad = write('bad.service', '[Service]\nExecStart=/nonexistent/program\n');
    expect(run(ANALYZE, ['verify', bad]).code).not.toBe(0);
  });

  it('writes the scripts as NixOS does, and they run', () => {
    const text = fs.readFileSync(path.join(units, 'web.service'), 'utf8');
    const prog = (phase: string) => {
      const m = text.match(new RegExp(`=(\\S*/bin/web-${phase})`));
      expect(m, phase).not.toBeNull();
      return m![1];
    };
    const start = prog('start');
    expect(start).toMatch(/-unit-script-web-start\/bin\/web-start$/);
    expect(text).toContain(`ExecStart=${start} \n`);
    const script = fs.readFileSync(start, 'utf8');
    expect(script).toMatch(/^#!\S+-bash-host\/bin\/bash\nset -e\n\nprintf '%s\|%s\\n' "\$GREETING" "\$#"\n\n\n$/);
    expect(fs.statSync(start).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(prog('pre-start'), 'utf8')).toMatch(/\nset -e\n\nmkdir -p \/run\/web\n\n$/);
    expect(text).not.toMatch(/^ExecStop=/m);
    expect(text).toMatch(/ExecStopPost=\S+-unit-script-web-post-stop\/bin\/web-post-stop\n/);
    expect(text).toMatch(/ExecReload=\S+-unit-script-web-reload\/bin\/web-reload\n/);
    // The environment line decodes (as JSON, and so as systemd's C-style quoting) to the
    // value written, which the script receives and prints unchanged.
    const line = text.split('\n').find((l) => l.startsWith('Environment="GREETING='))!;
    const value = JSON.parse(line.slice('Environment='.length)).slice('GREETING='.length);
    expect(value).toBe('say "hi" $HOME `id` 100%% \\ done\nnext line');
    const r = spawnSync(start, [], { encoding: 'utf8', env: { GREETING: value } });
    expect(r.stdout).toBe(`${value}|0\n`);

    const strictText = fs.readFileSync(path.join(units, 'strict.service'), 'utf8');
    const strict = strictText.match(/ExecStart=(\S+\/bin\/strict-start) \n/)![1];
    expect(fs.readFileSync(strict, 'utf8')).toMatch(/^#!\S+\nset -o errexit\nset -o nounset\nset -o pipefail\n\necho "strict \$\{1:-\}"\n$/);
    expect(spawnSync(strict, ['x'], { encoding: 'utf8' }).stdout).toBe('strict x\n');
  });

  it('writes restart triggers to the file X-Restart-Triggers names', () => {
    const text = fs.readFileSync(path.join(units, 'web.service'), 'utf8');
    const f = text.match(/^X-Restart-Triggers=(\S+)$/m)![1];
    expect(path.basename(f)).toMatch(/-X-Restart-Triggers-web$/);
    expect(fs.readFileSync(f, 'utf8')).toBe('v1');
  });
});

describe('systemd.packages', () => {
  it("links a package's units; a unit of ours with the same name becomes a drop-in, a disabled one masks it", () => {
    write(
      'packages.nix',
      `{ pkgs, ... }: {
        systemd.packages = [ (pkgs.runCommand "pkg-units" { } ''
          mkdir -p $out/lib/systemd/system/foo.service.d $out/lib/systemd/system/multi-user.target.wants
          printf '[Service]\\nExecStart=/bin/true\\n' > $out/lib/systemd/system/foo.service
          printf '[Service]\\nExecStart=/bin/true\\n' > $out/lib/systemd/system/bar.service
          printf '[Service]\\nExecStart=/bin/true\\n' > $out/lib/systemd/system/gone.service
          printf '[Service]\\nNice=1\\n' > $out/lib/systemd/system/foo.service.d/nice.conf
        '') ];
        systemd.services.foo = { environment.X = "1"; wantedBy = [ "multi-user.target" ]; };
        systemd.services.mine.serviceConfig.ExecStart = "/bin/true";
        systemd.units."gone.service".enable = false;
      }`,
    );
    const units = build('packages.nix', 'result-packages');
    const t = Object.fromEntries(Object.entries(tree(units)).map(([k, v]) => [k, hashes(v)]));
    expect(t).toEqual({
      'bar.service': '/STORE/HASH-pkg-units/lib/systemd/system/bar.service',
      'foo.service': '/STORE/HASH-pkg-units/lib/systemd/system/foo.service',
      'foo.service.d': 'dir',
      'foo.service.d/nice.conf': '/STORE/HASH-pkg-units/lib/systemd/system/foo.service.d/nice.conf',
      'foo.service.d/overrides.conf': '/STORE/HASH-unit-foo.service/foo.service',
      'gone.service': '/dev/null',
      'mine.service': '/STORE/HASH-unit-mine.service/mine.service',
      'multi-user.target.wants': 'dir',
      'multi-user.target.wants/foo.service': '../foo.service',
    });
    if (hasAnalyze) {
      const r = run(ANALYZE, ['verify', path.join(units, 'foo.service'), path.join(units, 'mine.service')], { SYSTEMD_LOG_LEVEL: 'info' });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
  });
});

describe.skipIf(!hasShellcheck)('enableStrictShellChecks', () => {
  it('fails the build when shellcheck finds a problem in a script', () => {
    write('strict.nix', `{ ... }: { systemd.enableStrictShellChecks = true; systemd.services.s.script = "echo $1"; }`);
    const r = run(BIN, ['build', '-c', 'strict.nix', '--store-dir', storeDir, '--no-out-link']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('unit-script-s-start');
    expect(r.err).toContain('SC2086');
  });
});
