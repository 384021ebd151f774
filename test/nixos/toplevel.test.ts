// <nixling/nixos> and `nixling build -c`: the entry point's attributes, the toplevel's
// layout, environment.etc, assertions and warnings, disabledModules through modulesPath.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/nixling');
let dir: string;
let storeDir: string;

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}
function nl(...args: string[]) {
  const r = spawnSync(BIN, args, { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-toplevel-'));
  storeDir = path.join(dir, 'nix/store');
});
afterAll(() => {
  spawnSync('/bin/chmod', ['-R', 'u+w', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('<nixling/nixos>', () => {
  it('returns config, options, pkgs and system, as <nixpkgs/nixos> does', () => {
    write('c1.nix', `{ lib, ... }: { networking.hostName = "box"; }`);
    const r = nl('eval', '--json', '-E', `let s = import <nixling/nixos> { configuration = ./c1.nix; }; in {
      names = builtins.attrNames s;
      host = s.config.networking.hostName;
      isOpt = s.options.networking.hostName._type;
      sys = s.system.type;
      same = s.system == s.config.system.build.toplevel;
      pkgsHasWriteText = s.pkgs ? writeText;
    }`);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({
      names: ['config', 'eval', 'options', 'pkgs', 'system'],
      host: 'box',
      isOpt: 'option',
      sys: 'derivation',
      same: true,
      pkgsHasWriteText: true,
    });
  });

  it('accepts the meta attributes NixOS modules carry, keyed by the defining file', () => {
    write('svc-meta.nix', `{ lib, ... }: { meta = { maintainers = with lib.maintainers; [ alice ]; teams = [ ]; doc = ./svc-meta.nix; buildDocsInSandbox = false; }; }`);
    write('c-meta.nix', `{ ... }: { imports = [ ./svc-meta.nix ]; meta.maintainers = [ "me" ]; }`);
    const r = nl('eval', '--json', '-E', `let m = (import <nixling/nixos> { configuration = ./c-meta.nix; }).config.meta; in {
      files = map baseNameOf (builtins.attrNames m.maintainers);
      mine = m.maintainers.\${toString ./c-meta.nix};
      svcCount = builtins.length m.maintainers.\${toString ./svc-meta.nix};
      sandbox = map (d: d.value) m.buildDocsInSandbox;
    }`);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({ files: ['c-meta.nix', 'svc-meta.nix'], mine: ['me'], svcCount: 1, sandbox: [false] });
  });

  it('lets a configuration disable a base module by its path under modulesPath', () => {
    write('c2.nix', `{ modulesPath, ... }: { disabledModules = [ "config/networking.nix" ]; }`);
    const r = nl('eval', '-E', `(import <nixling/nixos> { configuration = ./c2.nix; }).options ? networking`);
    expect(r.out.trim()).toBe('false');
  });
});

describe('nixling build -c', () => {
  it('realises the toplevel with etc, sw and metadata', () => {
    write('configuration.nix', `{ pkgs, ... }: {
      environment.etc."hello.txt".text = "hi\\n";
      environment.etc."app/secret.conf" = { text = "x=1"; mode = "0600"; user = "nobody"; };
      environment.etc."off".text = "no";
      environment.etc."off".enable = false;
      environment.systemPackages = [ pkgs.coreutils ];
    }`);
    const r = nl('build', '-c', 'configuration.nix', '--store-dir', storeDir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const top = r.out.trim();
    expect(top).toMatch(/-nixling-system-nixling-nixling-25\.11$/);
    expect(fs.readlinkSync(path.join(dir, 'result'))).toBe(top);
    expect(fs.readFileSync(path.join(top, 'etc/hello.txt'), 'utf8')).toBe('hi\n');
    expect(fs.existsSync(path.join(top, 'etc/off'))).toBe(false);
    expect(fs.existsSync(path.join(top, 'sw/bin/ls'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(top, 'etc-metadata.json'), 'utf8'))).toEqual([
      expect.objectContaining({ target: 'app/secret.conf', mode: '0600', user: 'nobody', group: '+0' }),
    ]);
    // The default file is ./configuration.nix when -c names a directory, and when nothing
    // is named in a directory without default.nix.
    const again = nl('build', '-c', '.', '--store-dir', storeDir, '--no-out-link');
    expect(again.out.trim()).toBe(top);
    const bare = nl('build', '--store-dir', storeDir, '--no-out-link');
    expect(bare.out.trim()).toBe(top);
  });

  it('fails with the messages of failed assertions, and prints warnings', () => {
    write('bad.nix', `{ ... }: {
      assertions = [ { assertion = false; message = "first problem"; } { assertion = true; message = "fine"; } { assertion = 1 == 2; message = "second problem"; } ];
      warnings = [ "something to know" ];
    }`);
    const r = nl('build', '-c', 'bad.nix', '--store-dir', storeDir, '--dry-run');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('Failed assertions:\n       - first problem\n       - second problem');
    expect(r.err).not.toContain('fine');
    write('warn.nix', `{ ... }: { warnings = [ "something to know" ]; }`);
    const w = nl('build', '-c', 'warn.nix', '--store-dir', storeDir, '--dry-run');
    expect(w.code).toBe(0);
    expect(w.err).toContain('evaluation warning: something to know');
  });

  it('reports a missing configuration file and type errors with their position', () => {
    const r = nl('build', '-c', 'nope.nix', '--store-dir', storeDir);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`configuration file '${path.join(dir, 'nope.nix')}' does not exist`);
    write('typo.nix', `{ ... }: {\n  networking.hostName = 42;\n}\n`);
    const t = nl('build', '-c', 'typo.nix', '--store-dir', storeDir, '--dry-run');
    expect(t.code).not.toBe(0);
    expect(t.err).toContain('networking.hostName');
    expect(t.err).toContain('typo.nix');
    expect(t.err).not.toMatch(/\n\s+at .*\.js/);
  });
});
