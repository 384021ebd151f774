// The pkgs set (<nixling/pkgs>): trivial builders and host packages, built through
// `nixling build` into a temporary store (logical == physical, so links resolve).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/nixling');
let dir: string;
let storeDir: string;

function build(expr: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(BIN, ['build', '--no-out-link', '--store-dir', storeDir, '-E', `with import <nixling/pkgs> { }; ${expr}`], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr };
}
function built(expr: string): string {
  const r = build(expr);
  if (r.code !== 0) throw new Error(r.err);
  return r.out;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-pkgs-'));
  storeDir = path.join(dir, 'nix/store');
});
afterAll(() => {
  spawnSync('/bin/chmod', ['-R', 'u+w', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('trivial builders', () => {
  it('writeText writes the text as a read-only file', () => {
    const out = built(`writeText "hello.txt" "hi \${"$"}x\\n"`);
    expect(out).toMatch(/-hello\.txt$/);
    expect(fs.readFileSync(out, 'utf8')).toBe('hi $x\n');
    expect(fs.statSync(out).mode & 0o777).toBe(0o444);
  });

  it('writeTextDir and writeScriptBin place files under the output', () => {
    const d = built(`writeTextDir "share/www/index.html" "<p>hi</p>"`);
    expect(fs.readFileSync(path.join(d, 'share/www/index.html'), 'utf8')).toBe('<p>hi</p>');
    const s = built(`writeScriptBin "greet" "#!/bin/sh\\necho greet"`);
    const exe = path.join(s, 'bin/greet');
    expect(fs.statSync(exe).mode & 0o777).toBe(0o555);
    expect(spawnSync(exe, { encoding: 'utf8' }).stdout).toBe('greet\n');
  });

  it('writeShellApplication puts runtimeInputs on PATH with strict options, and is checked', () => {
    const out = built(`writeShellApplication { name = "app"; runtimeInputs = [ coreutils ]; text = ''echo "$1" | tr "[:lower:]" "[:upper:]"''; }`);
    const exe = path.join(out, 'bin/app');
    const text = fs.readFileSync(exe, 'utf8');
    expect(text).toMatch(/^#!\/.*-bash-host\/bin\/bash\nset -o errexit\nset -o nounset\nset -o pipefail\n/);
    expect(text).toContain('export PATH="' + storeDir);
    expect(spawnSync(exe, ['abc'], { encoding: 'utf8' }).stdout).toBe('ABC\n');
    // A syntax error fails the build (bash -n), with the message in the error.
    const bad = build(`writeShellApplication { name = "bad"; text = "if then fi"; }`);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/check phase failed/);
    expect(bad.err).not.toMatch(/\n\s+at /);
  });

  it.skipIf(!fs.existsSync('/usr/bin/shellcheck'))('writeShellApplication runs shellcheck when the host has it', () => {
    const bad = build(`writeShellApplication { name = "sc"; text = "echo $1"; }`);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/SC2086/);
    const ok = build(`writeShellApplication { name = "sc2"; text = "echo $1"; excludeShellChecks = [ "SC2086" ]; }`);
    expect(ok.code).toBe(0);
  });

  it('runCommand runs bash with the host tools and $out', () => {
    const out = built(`runCommand "rc" { greeting = "hello"; } "mkdir -p $out/a; echo $greeting | tr a-z A-Z > $out/a/b"`);
    expect(fs.readFileSync(path.join(out, 'a/b'), 'utf8')).toBe('HELLO\n');
  });

  it('symlinkJoin merges trees (first wins) and runs postBuild', () => {
    const out = built(`symlinkJoin { name = "joined"; paths = [ (writeTextDir "a/x" "1") (writeTextDir "a/y" "2") (writeTextDir "a/x" "3") ]; }`);
    expect(fs.readFileSync(path.join(out, 'a/x'), 'utf8')).toBe('1');
    expect(fs.readFileSync(path.join(out, 'a/y'), 'utf8')).toBe('2');
    expect(fs.lstatSync(path.join(out, 'a')).isDirectory()).toBe(true);
    const pb = built(`symlinkJoin { name = "joined2"; paths = [ (writeTextDir "a/x" "1") ]; postBuild = "echo done > $out/marker"; }`);
    expect(fs.readFileSync(path.join(pb, 'marker'), 'utf8')).toBe('done\n');
    expect(fs.readFileSync(path.join(pb, 'a/x'), 'utf8')).toBe('1');
  });

  it('linkFarm makes named links, from a list or an attribute set', () => {
    const out = built(`linkFarm "farm" [ { name = "d/one"; path = writeText "one" "1"; } ]`);
    expect(fs.readFileSync(path.join(out, 'd/one'), 'utf8')).toBe('1');
    const out2 = built(`linkFarm "farm2" { two = writeText "two" "2"; }`);
    expect(fs.readFileSync(path.join(out2, 'two'), 'utf8')).toBe('2');
  });
});

describe('host packages', () => {
  it('link the host programs under bin/ and name the main program', () => {
    const out = built('bash');
    expect(fs.readlinkSync(path.join(out, 'bin/bash'))).toMatch(/\/bash$/);
    const r = spawnSync(path.join(out, 'bin/bash'), ['-c', 'echo $0'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const coreutils = built('coreutils');
    expect(fs.existsSync(path.join(coreutils, 'bin/ls'))).toBe(true);
    const r2 = spawnSync(BIN, ['eval', '-E', 'with import <nixling/pkgs> { }; lib.getExe podman'], { encoding: 'utf8' });
    expect(r2.stdout).toMatch(/-podman-host\/bin\/podman"/);
  });

  it('warn when the host lacks the program, and link where it would be installed', () => {
    const r = build(`hostPackage "no-such-tool-xyz" { }`);
    expect(r.code).toBe(0);
    expect(r.err).toContain("pkgs.no-such-tool-xyz: this host has no 'no-such-tool-xyz'");
    expect(fs.readlinkSync(path.join(r.out, 'bin/no-such-tool-xyz'))).toBe('/usr/bin/no-such-tool-xyz');
  });

  it('overlays replace packages for everything that uses them', () => {
    const r = spawnSync(BIN, ['eval', '-E', `(import <nixling/pkgs> { overlays = [ (final: prev: { hello = final.writeText "hello" "hi"; greeting = final.hello.name; }) ]; }).greeting`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('"hello"');
  });
});
