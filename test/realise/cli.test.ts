// `nixling build`, `path-info`, `log` and `gc` through bin/nixling (run `node build.mjs`
// first), each test on its own temporary store directory: chains, result links, closures,
// no rebuilds, failed / killed / concurrent builds, dry runs and garbage collection.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/nixling');
const dirs: string[] = [];
let dir: string;
let storeDir: string;

const NIX = `rec {
  a = derivation { name = "a"; system = builtins.currentSystem; builder = "/bin/sh"; args = ["-c" "echo hi > $out"]; };
  b = derivation { name = "b"; system = builtins.currentSystem; builder = "/bin/sh"; args = ["-c" "read x < \${a}; echo \${a} $x > $out"]; };
  c = derivation { name = "c"; system = builtins.currentSystem; builder = "/bin/sh"; outputs = ["out" "dev"];
    args = ["-c" "/bin/mkdir $out $dev; /bin/ln -s \${b} $out/b; echo $out > $dev/x"]; };
  slow = derivation { name = "slow"; system = builtins.currentSystem; builder = "/bin/sh"; args = ["-c" "echo start; /bin/sleep 1.5; echo done > $out"]; };
  bad = derivation { name = "bad"; system = builtins.currentSystem; builder = "/bin/sh";
    args = ["-c" "echo partial > $out; i=0; while [ $i -lt 12 ]; do i=$((i+1)); echo line $i; done; exit 3"]; };
}
`;

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(BIN, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const build = (...args: string[]) => run(['build', 'default.nix', '--store-dir', storeDir, ...args]);
const nl = (cmd: string, ...args: string[]) => run([cmd, '--store-dir', storeDir, ...args]);
const lines = (s: string) => s.split('\n').filter((l) => l !== '');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-cli-realise-'));
  dirs.push(dir);
  storeDir = path.join(dir, 'store');
  fs.writeFileSync(path.join(dir, 'default.nix'), NIX);
});
afterAll(() => {
  for (const d of dirs) spawnSync('/bin/chmod', ['-R', 'u+w', d]) && fs.rmSync(d, { recursive: true, force: true });
});

describe('nixling build', () => {
  it('builds a chain, links results, and rebuilds nothing the second time', () => {
    const r = build('-A', 'c');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [out, dev] = lines(r.out);
    expect(out).toMatch(/-c$/);
    expect(dev).toMatch(/-c-dev$/);
    expect(fs.readlinkSync(path.join(dir, 'result'))).toBe(out);
    expect(fs.readlinkSync(path.join(dir, 'result-dev'))).toBe(dev);
    // State lives beside a --store-dir store, never in the system's /nix/var.
    expect(fs.readdirSync(path.join(dir, 'var/nixling/db')).length).toBeGreaterThan(3);
    expect(fs.readFileSync(path.join(dir, 'result-dev/x'), 'utf8')).toBe(out + '\n');
    const b = fs.readlinkSync(path.join(out, 'b'));
    const a = fs.readFileSync(b, 'utf8').split(' ')[0];
    expect(fs.readFileSync(b, 'utf8')).toBe(`${a} hi\n`);

    // References and closures.
    expect(lines(nl('path-info', out).out)).toEqual([b]);
    expect(lines(nl('path-info', './result-dev').out)).toEqual([out]);
    expect(lines(nl('path-info', '-r', './result').out)).toEqual([out, b, a].sort());
    const sized = lines(nl('path-info', '-r', '-s', './result').out).map((l) => l.split('\t'));
    expect(sized.every(([, s]) => Number(s) > 0)).toBe(true);
    expect(nl('path-info', storeDir + '/00000000000000000000000000000000-x').err).toMatch(/is not valid/);

    // The second build builds nothing (the store is untouched).
    const before = fs.statSync(b).ctimeMs;
    expect(build('-A', 'c', '--dry-run').err).toMatch(/these 2 paths are already valid/);
    const again = build('-A', 'c');
    expect(again.code).toBe(0);
    expect(lines(again.out)).toEqual([out, dev]);
    expect(fs.statSync(b).ctimeMs).toBe(before);
  });

  it('--dry-run lists what would be built and builds nothing', () => {
    const r = build('-A', 'b', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^these 2 derivations will be built:\n {2}\S+-a\.drv\n {2}\S+-b\.drv\n$/);
    expect(fs.existsSync(path.join(dir, 'result'))).toBe(false);
  });

  it('builds several targets with result, result-2, and -o', () => {
    const r = run(['build', '-E', `with import ./default.nix; [ a b ]`, '--store-dir', storeDir, '-o', 'out', '-j', '2']);
    expect(r.code).toBe(0);
    const [a, b] = lines(r.out);
    expect(fs.readlinkSync(path.join(dir, 'out'))).toBe(a);
    expect(fs.readlinkSync(path.join(dir, 'out-2'))).toBe(b);
  });

  it('a failed build leaves no output, exits 1 and shows the last 10 log lines', () => {
    const r = build('-A', 'bad');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: builder for '\S+-bad\.drv' failed with exit code 3/);
    expect(r.err).toContain('last 10 log lines:');
    expect(r.err).toContain('> line 12');
    expect(r.err).not.toContain('> line 2\n');
    const drvPath = /builder for '(\S+)'/.exec(r.err)![1];
    expect(fs.readdirSync(storeDir).filter((n) => n.endsWith('-bad'))).toEqual([]);
    const log = nl('log', drvPath);
    expect(log.code).toBe(0);
    expect(log.out).toContain('line 1\nline 2\n');
    expect(fs.existsSync(path.join(dir, 'result'))).toBe(false);
  });

  it('a killed build leaves a store the next build accepts', async () => {
    const child = spawn(BIN, ['build', 'default.nix', '-A', 'slow', '--store-dir', storeDir], { cwd: dir, stdio: 'ignore' });
    // Wait until the builder has started (its log says so), then kill nixling outright.
    const deadline = Date.now() + 20_000;
    const logDir = path.join(dir, 'var/log/nixling/drvs');
    const started = () => {
      try {
        return fs.readdirSync(logDir).some((d) => fs.readdirSync(path.join(logDir, d)).some((f) => fs.readFileSync(path.join(logDir, d, f), 'utf8').includes('start')));
      } catch {
        return false;
      }
    };
    while (!started() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(started()).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const r = build('-A', 'slow');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'result'), 'utf8')).toBe('done\n');
    expect(fs.readdirSync(storeDir).filter((n) => n.endsWith('.lock') || n.startsWith('.tmp'))).toEqual([]);
  });

  it('two concurrent builds of the same derivation both succeed', async () => {
    const go = (link: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(BIN, ['build', 'default.nix', '-A', 'slow', '--store-dir', storeDir, '-o', link], { cwd: dir });
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.stderr.on('data', (d) => (out += d));
        c.on('exit', (code) => resolve({ code, out }));
      });
    const [r1, r2] = await Promise.all([go('r1'), go('r2')]);
    expect(r1).toMatchObject({ code: 0 });
    expect(r2).toMatchObject({ code: 0 });
    expect(r1.out).toBe(r2.out);
    expect(fs.readFileSync(path.join(dir, 'r1'), 'utf8')).toBe('done\n');
  });

  it('gc keeps what result links reach and deletes the rest', () => {
    expect(build('-A', 'b').code).toBe(0);
    const b = fs.readlinkSync(path.join(dir, 'result'));
    expect(build('-A', 'slow', '--no-out-link').code).toBe(0);
    const slow = fs.readdirSync(storeDir).find((n) => n.endsWith('-slow'))!;
    const roots = nl('gc', '--print-roots');
    expect(roots.out).toContain(`${path.join(dir, 'result')} -> ${b}`);
    const r = nl('gc');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`deleting '${storeDir}/${slow}'`);
    expect(fs.existsSync(b)).toBe(true);
    expect(lines(nl('path-info', '-r', b).out)).toHaveLength(2);
    fs.unlinkSync(path.join(dir, 'result'));
    nl('gc');
    expect(fs.existsSync(b)).toBe(false);
  });

  it('evaluation errors and missing inputs are clear errors', () => {
    const r = run(['build', '-E', 'derivation { name = "x"; system = "y"; }', '--store-dir', storeDir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/builder/);
  });
});

describe('nixling eval --store-dir', () => {
  it('computes store paths for that store directory without writing to it', () => {
    const r = run(['eval', '--store-dir', storeDir, '-E', `(import ./default.nix).a.outPath`]);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toMatch(new RegExp('^' + storeDir + '/[a-z0-9]{32}-a$'));
    expect(fs.existsSync(storeDir)).toBe(false);
  });
});
