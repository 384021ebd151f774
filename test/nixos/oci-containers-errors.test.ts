/**
 * Malformed ports and volumes of virtualisation.oci-containers, through the `nixling`
 * command: the error names the option, the container, and the file, line and column of
 * the definition (with the line shown), and is a Nix error, not a JavaScript stack trace.
 * The configurations are in fixtures/oci/.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/nixling');
const fixtures = path.join(__dirname, 'fixtures/oci');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-oci-errors-'));
});
afterAll(() => {
  spawnSync('/bin/chmod', ['-R', 'u+w', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function nixling(...args: string[]) {
  const r = spawnSync(BIN, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The line (1-based) of FILE holding TEXT. */
function lineOf(file: string, text: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${text} is not in ${file}`);
  return i + 1;
}

function expectNixError(err: string) {
  expect(err).toMatch(/^error: /);
  expect(err).not.toMatch(/\n\s+at .*\.(ts|js):\d+:\d+\)?\n/);
  expect(err).not.toMatch(/TypeError|RangeError|ReferenceError|Maximum call stack/);
}

const cases: { file: string; option: string; container: string; entry: string; why: string; at: string; column?: number }[] = [
  {
    file: 'bad-port.nix',
    option: 'virtualisation.oci-containers.containers.web.ports',
    container: 'web',
    entry: '80:abc',
    why: "the container port `abc' is not a port number (1-65535)",
    at: '"80:abc"',
    column: 7,
  },
  {
    file: 'bad-volume.nix',
    option: 'virtualisation.oci-containers.containers.db.volumes',
    container: 'db',
    entry: '/var/lib/db:var/lib/postgresql/data',
    why: "the container path `var/lib/postgresql/data' is relative; it must be absolute",
    at: 'db.volumes = [',
    column: 22,
  },
  {
    file: 'bad-volume-module.nix',
    option: 'virtualisation.oci-containers.containers.app.volumes',
    container: 'app',
    entry: '/srv/cache:/cache:ro,bogus',
    why: "the option `bogus' is not a volume option",
    at: '"/srv/cache:/cache:ro,bogus"',
  },
  {
    file: 'bad-port-function.nix',
    option: 'virtualisation.oci-containers.containers.api.ports',
    container: 'api',
    entry: '127.0.0.1:70000:80',
    why: "the host port `70000' is not a port number (1-65535)",
    // A container given as a module function: the line of the container's definition.
    at: 'containers.api = { name, ... }: {',
  },
];

describe('a malformed port or volume is an error at the line that defines it', () => {
  for (const c of cases) {
    // bad-volume-module.nix is imported by bad-volume-imported.nix: build that one.
    const config = c.file === 'bad-volume-module.nix' ? 'bad-volume-imported.nix' : c.file;
    it(`${c.entry} (${c.file}), by nixling build -c --dry-run`, () => {
      const file = path.join(fixtures, c.file);
      const r = nixling('build', '-c', path.join(fixtures, config), '--store-dir', path.join(dir, 'nix/store'), '--dry-run');
      expect(r.code).toBe(1);
      expectNixError(r.err);
      const kind = c.option.endsWith('ports') ? 'The port mapping' : 'The volume';
      expect(r.err).toContain(
        `${kind} ${JSON.stringify(c.entry)} in option \`${c.option}' of container \`${c.container}' is invalid: ${c.why}`,
      );
      const line = lineOf(file, c.at);
      expect(r.err).toContain(`Defined at ${file}:${line}:${c.column ?? ''}`);
      // The line itself is shown.
      expect(r.err).toContain(`${line}| ${fs.readFileSync(file, 'utf8').split('\n')[line - 1]}`);
    });
  }

  it('also when only the option is evaluated (nixling eval)', () => {
    const file = path.join(fixtures, 'bad-port.nix');
    const r = nixling(
      'eval',
      '-E',
      `(import <nixling/nixos> { configuration = ${file}; }).config.virtualisation.oci-containers.containers.web.ports`,
    );
    expect(r.code).toBe(1);
    expectNixError(r.err);
    expect(r.err).toContain("option `virtualisation.oci-containers.containers.web.ports' of container `web'");
    expect(r.err).toContain(`Defined at ${file}:${lineOf(file, '"80:abc"')}:7`);
  });

  it('a valid configuration builds (dry run) without error', () => {
    const r = nixling('build', '-c', path.join(fixtures, 'containers.nix'), '--store-dir', path.join(dir, 'nix/store'), '--dry-run');
    expect(r.err).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
  });
});
