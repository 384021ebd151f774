// `nixling switch`, `generations` and `diff` through bin/nixling (run `node build.mjs`
// first), on systems built into a temporary store and switched into temporary roots and
// profiles — never the real /etc or /var/lib. Covers recording generations, the printed
// plan, dry runs, rollbacks that restore the units byte for byte, garbage-collector
// roots, clean errors, and atomicity: a switch killed with SIGKILL at random points
// leaves the root's etc/systemd/system exactly the old or the new generation.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readToplevelUnits, readUnitTree, sameTree, UnitTree } from '../../src/system/units';
import { removeTempDirs, tempDir } from '../system/trees';

const BIN = path.resolve(__dirname, '../../bin/nixling');

// Two systems: A runs web and worker; B changes web (ExecStart), drops worker, adds a
// timer and a reload-only change to cache.
const NIX = `
let
  unit = name: text: { inherit name text; };
  system = name: units: wants: derivation {
    inherit name;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" (''
      set -e
      d=$out/etc/systemd/system
      /bin/mkdir -p $d/multi-user.target.wants $d/timers.target.wants
    '' + builtins.concatStringsSep "" (map (u: "/bin/ln -s \${builtins.toFile u.name u.text} $d/\${u.name}\\n") units)
       + builtins.concatStringsSep "" (map (w: "/bin/ln -s ../\${baseNameOf w} $d/\${w}\\n") wants)) ];
  };
  svc = desc: body: "[Unit]\\nDescription=\${desc}\\n\\n[Service]\\n\${body}\\n";
in {
  a = system "nixling-system-a" [
    (unit "web.service" (svc "web" "ExecStart=/bin/web --port 80"))
    (unit "worker.service" (svc "worker" "ExecStart=/bin/worker"))
    (unit "cache.service" (svc "cache" "ExecStart=/bin/cache\\nExecReload=/bin/kill -HUP $MAINPID"))
  ] [ "multi-user.target.wants/web.service" "multi-user.target.wants/worker.service" "multi-user.target.wants/cache.service" ];
  b = system "nixling-system-b" [
    (unit "web.service" (svc "web" "ExecStart=/bin/web --port 8080"))
    (unit "cache.service" (svc "cache" "ExecStart=/bin/cache\\nExecReload=/bin/kill -USR1 $MAINPID"))
    (unit "backup.service" (svc "backup" "Type=oneshot\\nExecStart=/bin/backup"))
    (unit "backup.timer" "[Timer]\\nOnCalendar=daily\\n")
  ] [ "multi-user.target.wants/web.service" "multi-user.target.wants/cache.service" "timers.target.wants/backup.timer" ];
}
`;

let base: string;
let storeDir: string;
let A: string;
let B: string;

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(BIN, args, { cwd: base, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A fresh root and profile. */
function fresh(name: string): { root: string; profile: string; sys: string; nl: (...args: string[]) => ReturnType<typeof run> } {
  const root = path.join(base, name, 'root');
  const profile = path.join(base, name, 'profile');
  fs.mkdirSync(root, { recursive: true });
  const nl = (...args: string[]) => run([...args, '--store-dir', storeDir, '--profile', profile, ...(args[0] === 'switch' ? ['--root', root] : [])]);
  return { root, profile, sys: path.join(root, 'etc/systemd/system'), nl };
}

const treeOf = (top: string): UnitTree => readToplevelUnits(top);

/** Every file under a directory, following links: relative path → bytes (base64), or the link name of a .wants entry. */
function bytesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.statSync(p);
      if (st.isDirectory()) walk(p, r);
      else out[r] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(fs.realpathSync(dir), '');
  return out;
}

beforeAll(() => {
  base = tempDir('cli-switch');
  storeDir = path.join(base, 'store');
  fs.writeFileSync(path.join(base, 'default.nix'), NIX);
  const build = (attr: string) => {
    const r = run(['build', 'default.nix', '-A', attr, '--store-dir', storeDir, '-o', `result-${attr}`]);
    expect(r.err).toBe('');
    return r.out.trim();
  };
  A = build('a');
  B = build('b');
});
afterAll(removeTempDirs);

describe('nixling switch', () => {
  it('records generations, installs the units, prints the plan, and rolls back byte for byte', () => {
    const { sys, profile, nl } = fresh('basic');
    let r = nl('switch', '--toplevel', A);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`switched to new generation 1 (${A})`);
    expect(r.out).toContain('systemd does not run');
    expect(r.out).toMatch(/start\s+web\.service\s+new unit, wanted by multi-user\.target/);
    expect(r.out).not.toMatch(/\x1b\[/);
    expect(sameTree(readUnitTree(sys), treeOf(A))).toBe(true);
    const aBytes = bytesOf(path.join(A, 'etc/systemd/system'));
    expect(bytesOf(sys)).toEqual(aBytes);

    r = nl('switch', '--toplevel', B, '--json');
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(j.generation).toBe(2);
    expect(j.applied).toBe(false);
    expect(j.units).toMatchObject({
      stop: ['web.service', 'worker.service'],
      start: ['backup.timer', 'web.service'],
      restart: [],
      reload: ['cache.service'],
      skip: [],
      added: ['backup.service', 'backup.timer'],
      removed: ['worker.service'],
    });
    expect(j.units.changed.map((c: { unit: string }) => c.unit)).toEqual(['cache.service', 'web.service']);
    expect(j.units.changed[1].diff).toContain('-ExecStart=/bin/web --port 80\n+ExecStart=/bin/web --port 8080\n');
    expect(j.plan).toContainEqual({ action: 'reload', unit: 'cache.service', reason: 'ExecReload changed', causes: [] });
    expect(bytesOf(sys)).toEqual(bytesOf(path.join(B, 'etc/systemd/system')));

    // Switching to the same system again records nothing and changes nothing.
    r = nl('switch', '--toplevel', B);
    expect(r.out).toContain('switched to generation 2');
    expect(r.out).toContain('no units to stop, start, restart or reload');

    r = nl('generations', '--json');
    expect(r.err).toBe('');
    const gens = JSON.parse(r.out);
    expect(gens.map((g: { number: number; current: boolean; toplevel: string; units: object }) => [g.number, g.current, g.toplevel, g.units])).toEqual([
      [1, false, A, { total: 3, added: 3, removed: 0, changed: 0 }],
      [2, true, B, { total: 4, added: 2, removed: 1, changed: 2 }],
    ]);
    r = nl('generations');
    expect(r.out).toMatch(/^ {2}1 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}3 units: 3 added\n\* 2 {2}.* {2}4 units: 2 added, 1 removed, 2 changed {2}\(current\)\n$/);

    r = nl('switch', '--rollback');
    expect(r.err).toBe('');
    expect(r.out).toContain(`rolled back to generation 1 (${A})`);
    expect(bytesOf(sys)).toEqual(aBytes);
    expect(fs.readlinkSync(path.join(profile, 'current'))).toBe('1');
    r = nl('switch', '--rollback');
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: there is no generation older than generation 1 to roll back to\n');
  });

  it('shows what would change with --dry-run and changes nothing', () => {
    const { sys, profile, nl } = fresh('dry');
    nl('switch', '--toplevel', A);
    const before = bytesOf(sys);
    const r = nl('switch', '--toplevel', B, '--dry-run');
    expect(r.err).toBe('');
    expect(r.out).toContain('units:\n  + backup.service\n  + backup.timer\n  - worker.service\n  ~ cache.service\n');
    expect(r.out).toMatch(/would:\n {2}stop +web\.service +ExecStart changed\n/);
    expect(r.out).toMatch(/reload +cache\.service +ExecReload changed/);
    expect(bytesOf(sys)).toEqual(before);
    expect(fs.readdirSync(profile).filter((n) => /^\d+$/.test(n))).toEqual(['1']);
  });

  it("keeps a root's generations inside it unless --profile says otherwise", () => {
    const root = path.join(base, 'rootprofile');
    fs.mkdirSync(root);
    const r = run(['switch', '--toplevel', A, '--root', root, '--store-dir', storeDir]);
    expect(r.err).toBe('');
    expect(fs.readlinkSync(path.join(root, 'var/lib/nixling/profiles/system/current'))).toBe('1');
    const g = run(['generations', '--root', root, '--store-dir', storeDir, '--json']);
    expect(JSON.parse(g.out).map((x: { number: number }) => x.number)).toEqual([1]);
    // One side given: it is compared with the current generation.
    expect(run(['diff', A, '--root', root, '--store-dir', storeDir]).out).toBe('no changes\n');
  });

  it('keeps every generation from the garbage collector', () => {
    const { nl } = fresh('gc');
    nl('switch', '--toplevel', A);
    nl('switch', '--toplevel', B);
    fs.rmSync(path.join(base, 'result-a'));
    fs.rmSync(path.join(base, 'result-b'));
    const roots = run(['gc', '--store-dir', storeDir, '--print-roots']);
    // Each store path is listed with one of the roots that keep it, which may be another
    // test's profile in this shared store (the order of the roots directory decides).
    expect(roots.out).toMatch(new RegExp(` -> ${A}\n`));
    expect(roots.out).toMatch(new RegExp(` -> ${B}\n`));
    const gc = run(['gc', '--store-dir', storeDir]);
    expect(gc.code).toBe(0);
    expect(fs.existsSync(A) && fs.existsSync(B)).toBe(true);
  });

  it('reports errors cleanly', () => {
    const { nl } = fresh('errors');
    const cases: [string[], RegExp][] = [
      [['switch', '--toplevel', path.join(base, 'nope')], /^error: system '.*nope' does not exist\n$/],
      [['switch', '--toplevel', base], /^error: '.*' is not a system: it has no etc\/ directory\n$/],
      [['switch', '-c', path.join(base, 'missing.nix')], /^error: configuration file '.*missing\.nix' does not exist\n$/],
      [['switch', '--rollback'], /^error: profile '.*' has no current generation to roll back from\n$/],
      [['switch', '--bogus'], /^error: unrecognised flag '--bogus'\n$/],
      [['switch', '--toplevel', A, '--rollback'], /^error: choose one of/],
      [['diff', '7', '8'], /^error: generation 7 does not exist in profile/],
    ];
    for (const [args, re] of cases) {
      const r = nl(...args);
      expect(r.err, args.join(' ')).toMatch(re);
      expect(r.code, args.join(' ')).toBe(1);
    }
    const r = nl('generations');
    expect(r.out).toMatch(/^no generations in /);
    // A root nixling may not write to.
    const ro = path.join(base, 'errors', 'ro');
    fs.mkdirSync(ro);
    fs.chmodSync(ro, 0o500);
    const w = run(['switch', '--toplevel', A, '--store-dir', storeDir, '--root', ro, '--profile', path.join(base, 'errors', 'p2')]);
    fs.chmodSync(ro, 0o700);
    if (process.getuid?.() !== 0) {
      expect(w.err).toMatch(/^error: EACCES: permission denied, mkdir .* \(permission denied: run as root/);
      expect(w.code).toBe(1);
    }
    expect(w.err).not.toMatch(/internal error|    at /);
  });
});

describe('nixling diff', () => {
  it('compares generations and built systems', () => {
    const { nl } = fresh('diff');
    nl('switch', '--toplevel', A);
    nl('switch', '--toplevel', B);
    let r = nl('diff', '1', '2', '--json');
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['old', 'new', 'options', 'units', 'plan', 'images']);
    expect(j.old).toEqual({ label: 'generation 1', toplevel: A });
    expect(j.units.stop).toEqual(['web.service', 'worker.service']);
    expect(j.options).toEqual([]);
    expect(j.images).toEqual([]);
    r = nl('diff', 'current', B);
    expect(r.out).toBe('no changes\n');
    r = nl('diff', '2', A);
    expect(r.out).toContain('  ~ web.service\n      --- a/web.service\n      +++ b/web.service\n');
    expect(r.out).toMatch(/\n {2}start +worker\.service +new unit, wanted by multi-user\.target\n/);
  });
});

describe('atomicity', () => {
  it('leaves etc/systemd/system exactly the old or the new generation when killed at any point', async () => {
    const { sys, root, profile } = fresh('kill');
    const args = (top: string) => ['switch', '--toplevel', top, '--store-dir', storeDir, '--root', root, '--profile', profile];
    const env = { ...process.env, NIXLING_SWITCH_STEP_DELAY_MS: '10' };
    const trees = { A: treeOf(A), B: treeOf(B) };
    const state = (): string => {
      const t = readUnitTree(sys);
      if (sameTree(t, trees.A)) return 'A';
      if (sameTree(t, trees.B)) return 'B';
      if (t.units.size === 0 && t.deps.size === 0) return 'empty';
      return 'MIXED';
    };
    // How long a whole switch takes, to spread the kills over it.
    const t0 = Date.now();
    expect(run(args(A), env).code).toBe(0);
    const full = Date.now() - t0;
    expect(state()).toBe('A');

    const seen = new Set<string>();
    let midway = 0;
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 30; i++) {
      const target = i % 2 === 0 ? B : A;
      const before = state();
      const child = spawn(BIN, args(target), { env, stdio: 'ignore' });
      // The last kills come well after a whole switch, so that some land after it even when
      // the machine is busy and a switch takes longer than the one measured.
      const delay = i >= 27 ? full * 4 : Math.floor(random() * full * 1.2);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      const after = state();
      seen.add(`${before}->${after}`);
      // Killed in the middle of installing: a half-written copy, or the old copy not yet removed.
      const copies = fs.readdirSync(path.join(root, 'etc/nixling/units'));
      if (copies.length > 1) midway++;
      // A copy under its final name is always complete (a later switch reuses it).
      for (const c of copies.filter((n) => !n.startsWith('.tmp-'))) {
        const t = readUnitTree(path.join(root, 'etc/nixling/units', c, 'systemd/system'));
        expect(sameTree(t, c === path.basename(A) ? trees.A : trees.B), c).toBe(true);
      }
      expect([before, target === A ? 'A' : 'B'], `iteration ${i}, killed after ${delay} ms`).toContain(after);
    }
    // Some kills landed before the switch, some after it, and some in the middle of it.
    expect(midway).toBeGreaterThanOrEqual(2);
    expect([...seen].some((s) => s[0] === s[3])).toBe(true);
    expect([...seen].some((s) => s[0] !== s[3])).toBe(true);
    // A switch run to the end repairs whatever an interrupted one left.
    expect(run(args(B)).code).toBe(0);
    expect(state()).toBe('B');
    expect(bytesOf(sys)).toEqual(bytesOf(path.join(B, 'etc/systemd/system')));
    expect(fs.readdirSync(path.join(root, 'etc/nixling/units'))).toEqual([path.basename(B)]);
  }, 120_000);

  it("in a host's own directory, keeps the host's entries and shows our units old or new when killed", async () => {
    const { sys, root, profile } = fresh('kill-shared');
    fs.mkdirSync(path.join(sys, 'multi-user.target.wants'), { recursive: true });
    fs.writeFileSync(path.join(sys, 'host.service'), '[Service]\nExecStart=/usr/bin/host\n');
    fs.symlinkSync('../host.service', path.join(sys, 'multi-user.target.wants/host.service'));
    const args = (top: string) => ['switch', '--toplevel', top, '--store-dir', storeDir, '--root', root, '--profile', profile];
    const env = { ...process.env, NIXLING_SWITCH_STEP_DELAY_MS: '10' };
    // Ours: unit files and drop-ins, and the dependency links that lead somewhere. (Links
    // of the next generation are made before the switch and lead nowhere until it.)
    const ours = (t: UnitTree): UnitTree => {
      const units = new Map([...t.units].filter(([n]) => n !== 'host.service'));
      const deps = new Map(
        [...t.deps].map(([owner, kinds]) => [
          owner,
          new Map([...kinds].map(([k, us]) => [k, us.filter((u) => u !== 'host.service' && fs.existsSync(path.join(sys, `${owner}.${k}`, u)))])),
        ]),
      );
      for (const [owner, kinds] of [...deps]) {
        for (const [k, us] of [...kinds]) if (us.length === 0) kinds.delete(k);
        if (kinds.size === 0) deps.delete(owner);
      }
      return { units, deps };
    };
    const trees = { A: treeOf(A), B: treeOf(B) };
    const state = (): string => {
      const t = ours(readUnitTree(sys));
      expect(fs.readFileSync(path.join(sys, 'host.service'), 'utf8')).toBe('[Service]\nExecStart=/usr/bin/host\n');
      expect(fs.readlinkSync(path.join(sys, 'multi-user.target.wants/host.service'))).toBe('../host.service');
      return sameTree(t, trees.A) ? 'A' : sameTree(t, trees.B) ? 'B' : 'MIXED';
    };
    const t0 = Date.now();
    expect(run(args(A), env).code).toBe(0);
    const full = Date.now() - t0;
    expect(state()).toBe('A');
    let seed = 777;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20; i++) {
      const target = i % 2 === 0 ? B : A;
      const before = state();
      const child = spawn(BIN, args(target), { env, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((r) => setTimeout(r, Math.floor(random() * full * 1.2)));
      child.kill('SIGKILL');
      await exited;
      expect([before, target === A ? 'A' : 'B'], `iteration ${i}`).toContain(state());
    }
    expect(run(args(B)).code).toBe(0);
    expect(state()).toBe('B');
    // Nothing of ours is left that leads nowhere.
    const dangling = fs.readdirSync(path.join(sys, 'multi-user.target.wants')).filter((n) => !fs.existsSync(path.join(sys, 'multi-user.target.wants', n)));
    expect(dangling).toEqual([]);
  }, 120_000);
});
