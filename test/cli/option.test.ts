// `nixling option` and `nixling options` through bin/nixling (run `node build.mjs` first):
// the examples, priorities and positions, unknown paths with suggestions, evaluation errors
// inside an option's value (shown with file:line, not a crash), and the documentation
// formats (options.json, Markdown, a JSON Schema checked with ajv).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const BIN = path.join(root, 'bin/nixling');
let dir: string;

function run(args: string[], cwd = dir) {
  const r = spawnSync(BIN, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CONFIG = `{ lib, pkgs, ... }: {
  imports = [ ./extra.nix ];
  networking.hostName = lib.mkForce "box";
  environment.etc."motd".text = "hello";
  systemd.services.hello = {
    script = "echo hi";
    wantedBy = [ "multi-user.target" ];
  };
}
`;
const EXTRA = `{ lib, ... }: {
  networking.hostName = "extra";
  environment.etc."motd".mode = lib.mkDefault "0644";
}
`;
const BROKEN = `{ lib, ... }: {
  networking.hostName = throw "no name for you";
  environment.etc."motd".text = "ok";
}
`;
const TYPO = `{
  networking.hostname = "typo";
}
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-cli-option-'));
  fs.writeFileSync(path.join(dir, 'configuration.nix'), CONFIG);
  fs.writeFileSync(path.join(dir, 'extra.nix'), EXTRA);
  fs.writeFileSync(path.join(dir, 'broken.nix'), BROKEN);
  fs.writeFileSync(path.join(dir, 'typo.nix'), TYPO);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('nixling option', () => {
  it('shows an option of an example with its definition', () => {
    const r = run(['option', 'virtualisation.oci-containers.containers.isso.ports', '-c', 'examples/isso'], root);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Value:\n    [ "127.0.0.1:8080:8080" ]\n');
    expect(r.out).toContain('Type:\n    list of');
    expect(r.out).toContain('Declared in:\n    <nixling/nixos/modules/virtualisation/oci-containers.nix>:');
    expect(r.out).toMatch(/\* examples\/isso\/configuration\.nix:29 {2}no priority \(100\) {2}\[used\]/);
  });

  it('shows every definition with its priority, and which won', () => {
    const r = run(['option', 'networking.hostName']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('networking.hostName\n\nValue:\n    "box"\n');
    expect(r.out).toContain('Default:\n    "nixling"\n');
    expect(r.out).toContain('Description:\n    The name of the machine.\n');
    expect(r.out).toMatch(/- <nixling\/nixos\/modules\/config\/networking\.nix>:\d+ {2}option default \(1500\) {2}\[overridden\]/);
    expect(r.out).toContain('* configuration.nix:3  mkForce (50)  [used]\n        "box"');
    expect(r.out).toContain('- extra.nix:2  no priority (100)  [overridden]\n        "extra"');
  });

  it('gives the same as JSON', () => {
    const r = run(['option', 'environment.etc.motd.mode', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ kind: 'option', path: 'environment.etc.motd.mode', value: '"0644"', within: 'environment.etc.motd' });
    const used = j.definitions.filter((d: { won: boolean }) => d.won);
    expect(used).toEqual([
      expect.objectContaining({ file: path.join(dir, 'extra.nix'), line: 3, priority: 1000, priorityName: 'mkDefault', won: true }),
    ]);
    expect(j.declarations[0].file).toMatch(/modules\/nixos\/modules\/system\/etc\/etc\.nix$/);
  });

  it('lists the names under an attribute set of submodules and under option sets', () => {
    const r = run(['option', 'systemd.services', '--depth', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Names:\n    systemd.services.hello\n');
    expect(r.out).toContain('Type:\n    attribute set of (submodule)\n');
    const p = run(['option', 'networking']);
    expect(p.out).toContain('This is an attribute set of options, not an option.');
    expect(p.out).toContain('    networking.hostName\n');
    const inst = run(['option', 'systemd.services.hello']);
    expect(inst.out).toContain("An element of the option 'systemd.services'");
    expect(inst.out).toContain('* configuration.nix:5  no priority (100)  [used]');
    expect(inst.out).toContain('    systemd.services.hello.script\n');
  });

  it('suggests the nearest paths for an unknown one', () => {
    const r = run(['option', 'networking.hostname']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      "error: the option 'networking.hostname' does not exist: there is no option 'hostname' in 'networking'\n\nDid you mean 'networking.hostName'?\n",
    );
    const s = run(['option', 'systemd.services.helo.script']);
    expect(s.code).toBe(1);
    expect(s.err).toContain("Did you mean 'systemd.services.hello.script'?");
    const j = run(['option', 'sytemd', '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ kind: 'missing', path: 'sytemd' });
    expect(JSON.parse(j.out).suggestions[0]).toBe('systemd');
  });

  it('shows an evaluation error inside the value with its file:line, and the rest', () => {
    const r = run(['option', 'networking.hostName', '-c', 'broken.nix']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('Value:\n    (evaluation failed)\n');
    expect(r.out).toContain(`Errors:\n    error: no name for you\n           at ${path.join(dir, 'broken.nix')}:2:25:\n`);
    expect(r.out).toContain('    2|   networking.hostName = throw "no name for you";');
    expect(r.out).toContain('Type:\n    string');
    expect(r.out).toContain('* broken.nix:2  no priority (100)  [used]');
    expect(r.out).not.toMatch(/at .*\.js:\d+/);
    const j = JSON.parse(run(['option', 'networking.hostName', '-c', 'broken.nix', '--json']).out);
    expect(j.value).toBeNull();
    expect(j.valueErrors[0]).toContain(`${path.join(dir, 'broken.nix')}:2:25`);
  });

  it('still inspects a configuration that defines an unknown option, and warns', () => {
    const r = run(['option', 'networking.hostName', '-c', 'typo.nix']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Value:\n    "nixling"');
    expect(r.err).toContain("warning: the configuration does not evaluate as a whole:\nerror: The option `networking.hostname' does not exist.");
  });

  it('reports usage errors cleanly', () => {
    const missing = run(['option', 'x', '-c', 'nonexistent.nix']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(`error: configuration file '${path.join(dir, 'nonexistent.nix')}' does not exist\n`);
    expect(run(['option', '--frobnicate']).err).toBe("error: unrecognised flag '--frobnicate'\n");
    expect(run(['option', 'a', 'b']).code).toBe(1);
    expect(run(['option', 'x', '--depth', 'deep']).err).toBe("error: --depth expects a number, not 'deep'\n");
  });
});

describe('nixling options', () => {
  it('lists options with their types', () => {
    const r = run(['options']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^networking\.hostName +string matching the pattern/m);
    expect(r.out).toMatch(/^systemd\.services\.<name>\.script +strings concatenated with "\\n"$/m);
  });

  it('writes options.json', () => {
    const r = run(['options', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j['networking.hostName']).toMatchObject({
      type: expect.stringContaining('string'),
      default: { _type: 'literalExpression', text: '"nixling"' },
      description: 'The name of the machine.',
      loc: ['networking', 'hostName'],
      readOnly: false,
    });
    expect(j['networking.hostName'].declarations[0]).toMatch(/networking\.nix$/);
    expect(j['virtualisation.oci-containers.containers.<name>.image']).toBeDefined();
  });

  it('writes Markdown', () => {
    const r = run(['options', '--markdown']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('## `networking.hostName`\n\nThe name of the machine.\n');
    expect(r.out).toContain('*Declared by:* `<nixling/nixos/modules/config/networking.nix>:');
  });

  it('exports a JSON Schema the configuration data validates against', () => {
    const r = run(['options', '--json-schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out);
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const good = {
      networking: { hostName: 'box' },
      environment: { etc: { motd: { text: 'hello' } } },
      systemd: { services: { hello: { script: 'echo hi', wantedBy: ['multi-user.target'] } } },
      virtualisation: { 'oci-containers': { containers: { isso: { image: 'ghcr.io/isso-comments/isso:0.13.0', ports: ['127.0.0.1:8080:8080'] } } } },
    };
    expect(validate(good) ? [] : validate.errors).toEqual([]);
    expect(validate({ networking: { hostName: 'not a host name!' } })).toBe(false);
    expect(validate({ networking: { hostname: 'box' } })).toBe(false);
    expect(validate({ systemd: { services: { hello: { wantedBy: 'multi-user.target' } } } })).toBe(false);
    expect(run(['options', '--json', '--markdown']).err).toMatch(/^error: --(json|markdown) and --(json|markdown) cannot be combined\n$/);
  });
});
