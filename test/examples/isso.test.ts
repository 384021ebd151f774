/**
 * examples/isso end to end: the configuration of the seed blog post ("Running Isso on NixOS
 * in a Docker container") built by `nixling build -c examples/isso` into a temporary store.
 *
 * - Every generated unit passes `systemd-analyze verify`.
 * - podman-isso.service is what NixOS renders for the same configuration, key for key and
 *   byte for byte:
 *     - always, against the golden fixtures/podman-isso.service (NixOS's rendering, recorded);
 *     - when nix-instantiate and a nixpkgs tree are here, against NixOS's code itself:
 *       fixtures/nixos-oracle.nix evaluates the example with nixpkgs' lib, NixOS's
 *       systemd-lib.nix / systemd-unit-options.nix / systemd-types.nix and the seed's
 *       oci-containers module. `NIXLING_UPDATE_GOLDEN=1` rewrites the golden file from it.
 *   Store paths are the default /nix/store's (our `pkgs` on both sides); the unit built into
 *   the temporary store is the same text up to the store directory and hashes.
 * - isso.conf is in the store and mounted read-only; `nixling option` shows the ports
 *   option's value and where the example defines it.
 *
 * The nixpkgs tree is $NIXLING_NIXPKGS, else /work/suites/nixpkgs-systemd or
 * /work/suites/nixpkgs; the seed is $NIXLING_OCI_SEED, else ../shared/seeds/… or
 * /work/shared/seeds/oci-containers-module.txt.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalForTest } from '../support/eval';
import { execCommand, systemdWords, unitSections, unitValues, which } from '../support/podman';

const root = path.resolve(__dirname, '../..');
const nixling = path.join(root, 'bin/nixling');
const example = path.join(root, 'examples/isso');
const config = path.join(example, 'configuration.nix');
const golden = path.join(__dirname, 'fixtures/podman-isso.service');
const harness = path.join(__dirname, 'fixtures/nixos-oracle.nix');
const UNIT = 'podman-isso.service';
const update = process.env.NIXLING_UPDATE_GOLDEN === '1';

const NEEDED = ['lib/default.nix', 'nixos/lib/systemd-lib.nix', 'nixos/lib/systemd-unit-options.nix', 'nixos/lib/systemd-types.nix'];
function findNixpkgs(): { dir?: string; reason: string } {
  const candidates = [process.env.NIXLING_NIXPKGS, '/work/suites/nixpkgs-systemd', '/work/suites/nixpkgs'].filter((x): x is string => !!x);
  for (const c of candidates) if (NEEDED.every((f) => fs.existsSync(path.join(c, f)))) return { dir: c, reason: '' };
  return { reason: `no nixpkgs tree with ${NEEDED.join(', ')} at ${candidates.join(' or ')} (set NIXLING_NIXPKGS)` };
}
function findSeed(): { file?: string; reason: string } {
  const candidates = [process.env.NIXLING_OCI_SEED, path.resolve(root, '../shared/seeds/oci-containers-module.txt'), '/work/shared/seeds/oci-containers-module.txt'].filter(
    (x): x is string => !!x,
  );
  for (const c of candidates) if (fs.existsSync(c)) return { file: c, reason: '' };
  return { reason: `the seed module text is not at any of: ${candidates.join(', ')} (set NIXLING_OCI_SEED)` };
}
const nixpkgs = findNixpkgs();
const seed = findSeed();
const nixInstantiate = which('nix-instantiate');
const oracleSkip = !nixInstantiate ? 'nix-instantiate is not installed' : !nixpkgs.dir ? nixpkgs.reason : !seed.file ? seed.reason : '';
const verifySkip = which('systemd-analyze') ? '' : 'systemd-analyze is not installed';
const why = (r: string) => (r ? ` — skipped: ${r}` : '');

let tmp: string;
let store: string;
let units: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-example-isso-'));
  store = path.join(tmp, 'nix/store');
  const b = spawnSync(nixling, ['build', '-c', example, '--store-dir', store, '-o', path.join(tmp, 'result')], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`nixling build failed:\n${b.stderr}`);
  units = path.join(fs.realpathSync(path.join(tmp, 'result')), 'etc/systemd/system');
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const PROJECT = (u: string) => `{ inherit (${u}) text enable wantedBy requiredBy; }`;

/** Our rendering of the unit, evaluated in-process with the default store directory. */
function ours(): { text: string; enable: boolean; wantedBy: string[]; requiredBy: string[] } {
  const r = evalForTest(
    `let c = (import <nixling/nixos> { configuration = ${JSON.stringify(config)}; }).config; in ${PROJECT(`c.systemd.units.${JSON.stringify(UNIT)}`)}`,
    { json: true },
  );
  if (!r.ok) throw new Error(r.out);
  return JSON.parse(Buffer.from(r.out, 'latin1').toString('utf8'));
}

/** NixOS's rendering (fixtures/nixos-oracle.nix under nix-instantiate). */
function theirs(): { text: string; enable: boolean; wantedBy: string[]; requiredBy: string[]; warnings: string[] } {
  const seedNix = path.join(tmp, 'seed-oci-containers.nix');
  const lines = fs.readFileSync(seed.file!, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('{ config, options, lib, pkgs, ... }:'));
  if (start < 0) throw new Error(`${seed.file} has no line starting with '{ config, options, lib, pkgs, ... }:'`);
  fs.writeFileSync(seedNix, lines.slice(start).join('\n'));
  const r = spawnSync(
    nixInstantiate!,
    ['--eval', '--strict', '--json', '--readonly-mode', harness, '--arg', 'nixpkgs', nixpkgs.dir!, '--arg', 'nixling', root,
      '--arg', 'seed', seedNix, '--arg', 'configuration', config, '--argstr', 'unit', UNIT],
    { encoding: 'utf8', env: { ...process.env, NIX_PATH: '' } },
  );
  if (r.status !== 0) throw new Error(`nix-instantiate failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The golden file without its header (the leading comment lines). */
function goldenText(): string {
  const text = fs.readFileSync(golden, 'utf8');
  return text.replace(/^(#.*\n)+/, '');
}

function goldenHeader(): string {
  const readme = path.join(nixpkgs.dir!, 'README');
  const provenance = fs.existsSync(readme)
    ? fs.readFileSync(readme, 'utf8').split('\n').filter((l) => /nixos\/lib\/|^\s*lib\b/.test(l)).map((l) => `#     ${l.trim()}`)
    : [`#     from ${nixpkgs.dir}`];
  const libVersion = fs.existsSync(path.join(nixpkgs.dir!, 'lib/.version')) ? fs.readFileSync(path.join(nixpkgs.dir!, 'lib/.version'), 'utf8').trim() : 'unknown';
  const seedHead = fs.readFileSync(seed.file!, 'utf8').split('\n').slice(0, 2).join(', ');
  const version = spawnSync(nixInstantiate!, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return [
    '# podman-isso.service of examples/isso as NixOS renders it: the reference test/examples/isso.test.ts',
    '# compares nixling with, key for key and byte for byte.',
    '#',
    '# GENERATED (do not edit) by: NIXLING_UPDATE_GOLDEN=1 npx vitest run test/examples/isso.test.ts',
    `# which runs ${version} on test/examples/fixtures/nixos-oracle.nix with:`,
    `#   - nixpkgs' lib ${libVersion} (lib.evalModules) and NixOS's systemd rendering code:`,
    ...provenance,
    `#   - the seed's NixOS oci-containers module (${seedHead}),`,
    '#   - examples/isso/configuration.nix unchanged, and nixling\'s pkgs (modules/pkgs), store dir /nix/store.',
    '# The store paths follow nixling\'s pkgs: regenerate after changing them, where nix-instantiate and',
    '# the nixpkgs tree are available ($NIXLING_NIXPKGS, /work/suites/nixpkgs-systemd).',
  ].join('\n') + '\n';
}

/** Store paths with the store directory and hash taken out: `<store>/name`. */
function withoutHashes(text: string, storeDir: string): string {
  const esc = storeDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${esc}/[0-9a-df-np-sv-z]{32}-`, 'g'), '<store>/');
}

describe('examples/isso', () => {
  it('builds podman-isso.service, wanted by multi-user.target, and nothing else', () => {
    expect(fs.readdirSync(units).sort()).toEqual(['multi-user.target.wants', UNIT]);
    expect(fs.readdirSync(path.join(units, 'multi-user.target.wants'))).toEqual([UNIT]);
  });

  it.skipIf(!!verifySkip)(`every unit passes systemd-analyze verify${why(verifySkip)}`, () => {
    const files = fs.readdirSync(units).filter((f) => fs.statSync(path.join(units, f)).isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(units, f)], { encoding: 'utf8' });
      expect({ unit: f, status: r.status, stderr: r.stderr }).toEqual({ unit: f, status: 0, stderr: '' });
    }
    // The verifier does look at the commands: a unit whose ExecStart is missing fails.
    const broken = path.join(tmp, 'broken.service');
    const text = fs.readFileSync(path.join(units, UNIT), 'utf8');
    fs.writeFileSync(broken, text.replace(/^ExecStart=\S+/m, `ExecStart=${store}/missing/bin/x`));
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', broken], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/missing\/bin\/x/);
  });

  it('the unit built into the temporary store is the one evaluated with /nix/store, up to store hashes', () => {
    const built = fs.readFileSync(path.join(units, UNIT), 'utf8');
    expect(withoutHashes(built, store)).toBe(withoutHashes(ours().text, '/nix/store'));
  });

  it('podman-isso.service is NixOS\'s rendering, recorded in fixtures/podman-isso.service (key for key, then byte for byte)', () => {
    if (update) return; // the oracle test below writes it
    const o = ours();
    const g = goldenText();
    const hint = `fixtures/podman-isso.service differs from nixling's rendering; if nixling's pkgs or the example changed, regenerate it with NIXLING_UPDATE_GOLDEN=1 where the NixOS oracle runs (${oracleSkip || 'it runs here'})`;
    expect(unitSections(o.text), hint).toEqual(unitSections(g));
    expect(o.text, hint).toBe(g);
    expect({ enable: o.enable, wantedBy: o.wantedBy, requiredBy: o.requiredBy }).toEqual({ enable: true, wantedBy: ['multi-user.target'], requiredBy: [] });
  });

  describe.skipIf(!!oracleSkip)(`against NixOS's own code${why(oracleSkip)}`, () => {
    it('NixOS renders the same unit for the example (and the golden file is its rendering)', () => {
      const t = theirs();
      expect(t.warnings).toEqual([]);
      if (update) {
        fs.writeFileSync(golden, goldenHeader() + t.text);
        console.log(`wrote ${path.relative(root, golden)}`);
      }
      const o = ours();
      expect(unitSections(o.text)).toEqual(unitSections(t.text));
      expect(o.text).toBe(t.text);
      expect({ enable: o.enable, wantedBy: o.wantedBy, requiredBy: o.requiredBy }).toEqual({
        enable: t.enable, wantedBy: t.wantedBy, requiredBy: t.requiredBy,
      });
      expect(goldenText(), 'fixtures/podman-isso.service is out of date: regenerate it with NIXLING_UPDATE_GOLDEN=1').toBe(t.text);
    });
  });

  it('isso.conf is written to the store and mounted read-only', () => {
    const text = fs.readFileSync(path.join(units, UNIT), 'utf8');
    const [start] = unitValues(text, 'Service', 'ExecStart');
    const script = fs.readFileSync(execCommand(start).program, 'utf8');
    // The script's `podman run` arguments, one per continued line.
    const args = systemdWords(script.slice(script.indexOf('exec podman')).replace(/\\\n/g, ' '));
    const volumes = args.flatMap((a, i) => (a === '-v' ? [args[i + 1]] : []));
    expect(volumes).toEqual(['/var/db/isso:/db', expect.stringMatching(/:\/config\/isso\.cfg:ro$/)]);
    const conf = volumes[1].split(':')[0];
    expect(conf).toMatch(new RegExp(`^${store}/[0-9a-z]{32}-isso\\.conf$`));
    expect(fs.statSync(conf).mode & 0o777).toBe(0o444);
    const body = fs.readFileSync(conf, 'utf8');
    expect(body).toContain('[server]\nlisten = http://0.0.0.0:8080/\n');
    expect(body).toContain('dbpath = /db/comments.db');
    expect(args).toEqual(expect.arrayContaining(['-e', 'ISSO_SETTINGS=/config/isso.cfg', '-p', '127.0.0.1:8080:8080']));
    expect(args[args.length - 1]).toBe('ghcr.io/isso-comments/isso:0.13.0');
  });

  it('nixling option shows the ports option\'s value and the definition\'s file:line', () => {
    const line = fs.readFileSync(config, 'utf8').split('\n').findIndex((l) => /^\s*ports = /.test(l)) + 1;
    expect(line).toBeGreaterThan(0);
    const opt = 'virtualisation.oci-containers.containers.isso.ports';
    const r = spawnSync(nixling, ['option', opt, '-c', 'examples/isso'], { encoding: 'utf8', cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain('[ "127.0.0.1:8080:8080" ]');
    expect(r.stdout).toMatch(new RegExp(`examples/isso/configuration\\.nix:${line}\\b.*\\[used\\]`));
    expect(r.stdout).toMatch(/Declared in:\n\s+\S*oci-containers\.nix>?:\d+/);
    const j = spawnSync(nixling, ['option', opt, '-c', config, '--json'], { encoding: 'utf8' });
    expect(j.status).toBe(0);
    const info = JSON.parse(j.stdout);
    expect(info.value).toBe('[ "127.0.0.1:8080:8080" ]');
    const won = info.definitions.filter((d: { won: boolean }) => d.won);
    expect(won).toEqual([expect.objectContaining({ file: config, line, priority: 100, value: '[ "127.0.0.1:8080:8080" ]' })]);
  });
});
