// `nixling repl` through bin/nixling (run `node build.mjs` first), driven through standard
// input: printing like nix repl, :p :t :doc :l :q, bindings, multi-line input, errors that
// do not end the session; completion of attribute paths (in-process, and once through a
// pseudo-terminal with TAB when `script` is available).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSystem } from '../../src/system/option-info';
import { ReplSession } from '../../src/system/repl';

const root = path.resolve(__dirname, '../..');
const BIN = path.join(root, 'bin/nixling');
let dir: string;

const CONFIG = `{ lib, pkgs, ... }: {
  networking.hostName = "box";
  systemd.services.hello = {
    script = "echo hi";
    wantedBy = [ "multi-user.target" ];
  };
  environment.etc.motd.text = builtins.throw "motd is broken";
}
`;

function repl(lines: string[], args: string[] = []) {
  const r = spawnSync(BIN, ['repl', ...args], { cwd: dir, input: lines.join('\n') + '\n', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-cli-repl-'));
  fs.writeFileSync(path.join(dir, 'configuration.nix'), CONFIG);
  fs.writeFileSync(path.join(dir, 'vars.nix'), '{ greeting = "hello"; n = 41; }\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('nixling repl (standard input)', () => {
  it('evaluates expressions with config, options, pkgs and lib in scope', () => {
    const r = repl([
      'config.networking.hostName',
      '1 + 1',
      '{ a = 1; b = { c = 2; }; d = [ 1 2 ]; }',
      'config.systemd.services.hello.wantedBy',
      'lib.toUpper "abc"',
      'builtins.length (builtins.attrNames pkgs) > 0',
      'options.networking.hostName.description',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      ['"box"', '2', '{ a = 1; b = { ... }; d = [ ... ]; }', '[ "multi-user.target" ]', '"ABC"', 'true', '"The name of the machine."', ''].join('\n'),
    );
  });

  it('has :p, :t, :doc, :l, bindings and multi-line input', () => {
    const r = repl([
      ':p { a = { b = [ 1 { c = 2; } ]; }; }',
      ':t config.networking.hostName',
      ':t options.networking.hostName',
      ':t 1',
      'x = 20',
      'x * 2 + 2',
      'let y = 1;',
      'in y + x',
      ':l vars.nix',
      'greeting + " " + toString (n + 1)',
      ':doc networking.hostName',
      ':q',
      '"never printed"',
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('Added 2 variables.\n');
    const out = r.out.split('\n');
    expect(out.slice(0, 7)).toEqual([
      '{ a = { b = [ 1 { c = 2; } ]; }; }',
      expect.stringMatching(/^string matching the pattern /),
      expect.stringMatching(/^option of type string matching the pattern /),
      'an integer',
      '42',
      '21',
      '"hello 42"',
    ]);
    expect(r.out).toContain('networking.hostName\n\nValue:\n    "box"\n');
    expect(r.out).toContain('* configuration.nix:2  no priority (100)  [used]');
    expect(r.out).not.toContain('never printed');
  });

  it('renders errors with their position and goes on', () => {
    const r = repl(['config.environment.etc.motd.text', 'undefinedVariable', '{ a = ', '1; }', '"still here"', ':nosuch', ':doc networking.hostname']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('{ a = 1; }\n"still here"\n');
    expect(r.err).toContain(`error: motd is broken\n       at ${path.join(dir, 'configuration.nix')}:7:`);
    expect(r.err).toContain("error: undefined variable 'undefinedVariable'\n       at «string»:1:1:");
    expect(r.err).toContain("error: unknown command ':nosuch' (:? for help)");
    expect(r.err).toContain("Did you mean 'networking.hostName'?");
    expect(r.err).not.toMatch(/internal error|at .*\.js:\d+/);
  });

  it('prints help, and fails on an incomplete expression at the end of input', () => {
    const h = repl([':?']);
    expect(h.out).toContain(':doc <path>');
    const r = repl(['{ a = 1;']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: unexpected end of input (an incomplete expression)\n');
  });

  it('works on an example', () => {
    const r = repl(
      [
        'config.virtualisation.oci-containers.containers.isso.image',
        ':t config.virtualisation.oci-containers.containers.isso.ports',
        'builtins.attrNames config.virtualisation.oci-containers.containers',
      ],
      ['-c', path.join(root, 'examples/isso')],
    );
    expect(r.err).toBe('');
    expect(r.out).toBe('"ghcr.io/isso-comments/isso:0.13.0"\nlist of port mapping ([IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL])\n[ "isso" ]\n');
  });

  it('works without a configuration', () => {
    fs.mkdirSync(path.join(dir, 'empty'), { recursive: true });
    const r = spawnSync(BIN, ['repl'], { cwd: path.join(dir, 'empty'), input: 'lib.mkDefault 1\nconfig\n', encoding: 'utf8' });
    expect(r.stdout).toBe('{ _type = "override"; content = 1; priority = 1000; }\n');
    expect(r.stderr).toContain("error: undefined variable 'config'");
  });
});

describe('completion', () => {
  let session: ReplSession;
  beforeAll(() => {
    session = new ReplSession(inspectSystem(path.join(dir, 'configuration.nix')), { cwd: dir });
  });

  it('completes attribute paths, variables and commands', () => {
    expect(session.complete('config.systemd.se')).toEqual([['config.systemd.services'], 'config.systemd.se']);
    expect(session.complete('config.networking.host')).toEqual([['config.networking.hostName'], 'config.networking.host']);
    expect(session.complete('builtins.attrNa')).toEqual([['builtins.attrNames'], 'builtins.attrNa']);
    expect(session.complete('1 + conf')[0]).toContain('config');
    expect(session.complete('config.environment.etc.')[0]).toContain('config.environment.etc.motd');
    expect(session.complete(':d')).toEqual([[':doc'], ':d']);
    expect(session.complete('config.nosuch.x')).toEqual([[], 'config.nosuch.x']);
  });

  it('quotes names that are not identifiers', () => {
    session.line('s = { "a b" = 1; ab = 2; }');
    expect(session.complete('s.a')).toEqual([['s."a b"', 's.ab'], 's.a']);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('completes with TAB on a terminal', async () => {
    // `script` gives the REPL a pseudo-terminal; keys are sent one step at a time, since
    // readline treats a chunk of several keys as pasted text (no completion).
    const child = spawn('script', ['-qec', `${BIN} repl`, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    const waitFor = async (s: string, from: number) => {
      for (let i = 0; i < 300 && out.indexOf(s, from) < 0; i++) await new Promise((r) => setTimeout(r, 50));
      return out.indexOf(s, from) >= 0;
    };
    try {
      expect(await waitFor('nixling-repl> ', 0)).toBe(true);
      const mark = out.length;
      child.stdin.write('config.networking.ho');
      await waitFor('config.networking.ho', mark);
      child.stdin.write('\t');
      expect(await waitFor('hostName', mark)).toBe(true);
      const mark2 = out.length;
      child.stdin.write('\r');
      expect(await waitFor('"box"', mark2)).toBe(true);
      child.stdin.write(':q\r');
      await new Promise((r) => child.on('close', r));
    } finally {
      child.kill();
    }
  });
});
