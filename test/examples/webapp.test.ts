/**
 * examples/webapp end to end: `nixling build -c examples/webapp` realises the system into a
 * temporary store (logical = physical directory, so the units' paths exist); every unit
 * passes `systemd-analyze verify`; the image the unit loads passes `skopeo inspect`; and the
 * unit's commands run as systemd would run them (ExecStartPre, ExecStart with the unit's
 * Environment=, then ExecStop, ExecStopPost) under real podman with the runc runtime: the
 * container answers HTTP on 127.0.0.1:18080 with the example's page, and is gone after stop.
 *
 * Podman gets a storage of its own and runs inside a private mount namespace with its own
 * /run and journald (test/support/podman.ts): the unit logs with --log-driver=journald, as
 * NixOS's do, and these machines run no journald. Parts skip, with the reason in their
 * names, without a static busybox, systemd-analyze, skopeo, podman/runc, or root.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  execCommand, podmanSandbox, PodmanSandbox, podmanSkipReason, staticBusybox, unitEnvironment, unitValues, until, which,
} from '../support/podman';

const root = path.resolve(__dirname, '../..');
const nixling = path.join(root, 'bin/nixling');
const example = path.join(root, 'examples/webapp');
const PORT = 18080;

const buildSkip = !staticBusybox() ? 'no statically linked busybox (install busybox-static): the image needs it' : '';
const verifySkip = buildSkip || (!which('systemd-analyze') ? 'systemd-analyze is not installed' : '');
const skopeoSkip = buildSkip || (!which('skopeo') ? 'skopeo is not installed' : '');
const runSkip = buildSkip || podmanSkipReason({ privateRun: true });
const why = (r: string) => (r ? ` — skipped: ${r}` : '');

let tmp: string;
let store: string;
let system: string;
let units: string;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 120_000 });
}

beforeAll(() => {
  if (buildSkip) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-example-webapp-'));
  store = path.join(tmp, 'nix/store');
  const b = run(nixling, ['build', '-c', example, '--store-dir', store, '-o', path.join(tmp, 'result')]);
  if (b.status !== 0) throw new Error(`nixling build failed:\n${b.stderr}`);
  system = fs.realpathSync(path.join(tmp, 'result'));
  units = path.join(system, 'etc/systemd/system');
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const unitText = () => fs.readFileSync(path.join(units, 'podman-webapp.service'), 'utf8');

describe.skipIf(!!buildSkip)(`examples/webapp${why(buildSkip)}`, () => {
  it('builds a system with podman-webapp.service, wanted by multi-user.target', () => {
    expect(system.startsWith(store + '/')).toBe(true);
    expect(fs.readdirSync(units).sort()).toEqual(['multi-user.target.wants', 'podman-webapp.service']);
    expect(fs.readlinkSync(path.join(units, 'multi-user.target.wants/podman-webapp.service'))).toBe('../podman-webapp.service');
    // Every store path the unit names is in the temporary store, and exists (PATH's
    // sbin directories need not).
    const text = unitText();
    const paths = (text.match(/\/[^\s"=:]*\/nix\/store\/[^\s"=:]*/g) ?? []).map((p) => p.replace(/\/s?bin$/, ''));
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) expect([p, p.startsWith(store + '/'), fs.existsSync(p)]).toEqual([p, true, true]);
    for (const key of ['ExecStartPre', 'ExecStart', 'ExecStop', 'ExecStopPost'])
      for (const line of unitValues(text, 'Service', key)) fs.accessSync(execCommand(line).program, fs.constants.X_OK);
  });

  it.skipIf(!!verifySkip)(`every unit passes systemd-analyze verify${why(verifySkip)}`, () => {
    const files = fs.readdirSync(units).filter((f) => fs.statSync(path.join(units, f)).isFile());
    expect(files).toEqual(['podman-webapp.service']);
    for (const f of files) {
      const r = run('systemd-analyze', ['verify', '--man=no', path.join(units, f)]);
      expect({ unit: f, status: r.status, stderr: r.stderr }).toEqual({ unit: f, status: 0, stderr: '' });
    }
  });

  it.skipIf(!!skopeoSkip)(`the image the unit loads passes skopeo inspect${why(skopeoSkip)}`, () => {
    const text = unitText();
    const [pre] = unitValues(text, 'Service', 'ExecStartPre');
    const script = fs.readFileSync(execCommand(pre).program, 'utf8');
    const loads = [...script.matchAll(/^podman load -i (\S+)$/gm)].map((m) => m[1]);
    expect(loads).toHaveLength(1);
    // The same path as config.…webapp.imageFile.
    const b = run(nixling, [
      'build', '--store-dir', store, '--no-out-link', '-E',
      `(import <nixling/nixos> { configuration = ${example}/configuration.nix; }).config.virtualisation.oci-containers.containers.webapp.imageFile`,
    ]);
    expect(b.stderr).toBe('');
    expect(b.stdout.trim()).toBe(loads[0]);
    const image = loads[0];
    expect(path.basename(image)).toMatch(/^[0-9a-z]{32}-webapp\.tar$/);
    const r = run('skopeo', ['inspect', `docker-archive:${image}`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ Architecture: 'amd64', Os: 'linux', Labels: { 'org.opencontainers.image.title': 'webapp' } });
    expect(info.Layers.length).toBeGreaterThanOrEqual(2);
    const cfg = JSON.parse(run('skopeo', ['inspect', '--config', `docker-archive:${image}`]).stdout);
    expect(cfg.config.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(cfg.config.Cmd).toEqual([expect.stringMatching(/-busybox-static\/bin\/sh$/), '-c', expect.stringMatching(/-busybox-static\/bin\/httpd -f -v -p 8080 -h /)]);
  });

  describe.skipIf(!!runSkip)(`the unit's commands under podman, as systemd runs them${why(runSkip)}`, () => {
    let sandbox: PodmanSandbox | undefined;
    beforeAll(async () => {
      // Other processes running this test publish the same port: one at a time.
      sandbox = await podmanSandbox({ prefix: 'webapp-podman', privateRun: true, lock: path.join(os.tmpdir(), `nixling-test-port-${PORT}.lock`) });
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    it('ExecStartPre and ExecStart start the container; it serves the page; ExecStop and ExecStopPost remove it', async () => {
      const sb = sandbox!;
      const text = unitText();
      const env = unitEnvironment(text);
      expect(Object.keys(env).sort()).toEqual(['PATH', 'PODMAN_SYSTEMD_UNIT']);
      expect(env.PODMAN_SYSTEMD_UNIT).toBe('podman-webapp.service');
      const exec = (key: string) => {
        const lines = unitValues(text, 'Service', key);
        expect({ key, n: lines.length }).toEqual({ key, n: 1 });
        const c = execCommand(lines[0]);
        const r = sb.run(c.program, c.args, { env });
        return { ...r, ignoreFailure: c.ignoreFailure };
      };
      if (await listening(PORT)) throw new Error(`something already listens on 127.0.0.1:${PORT}, which the example publishes`);

      const pre = exec('ExecStartPre');
      expect({ status: pre.status, stdout: pre.stdout }).toMatchObject({ status: 0, stdout: expect.stringContaining('Loaded image: localhost/webapp:latest') });
      expect(sb.podman(['image', 'exists', 'localhost/webapp:latest']).status).toBe(0);

      const start = exec('ExecStart');
      expect({ status: start.status, stderr: start.stderr }).toEqual({ status: 0, stderr: '' });
      const id = start.stdout.trim();
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      expect(sb.run('/bin/cat', ['/run/podman-webapp.ctr-id']).stdout).toBe(id);

      const inspect = JSON.parse(sb.podman(['inspect', 'webapp']).stdout)[0];
      expect(inspect.Id).toBe(id);
      expect(inspect.ImageName).toBe('localhost/webapp:latest');
      expect(inspect.HostConfig.LogConfig.Type).toBe('journald');
      expect(inspect.HostConfig.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(PORT) }] });
      expect(inspect.Config.Labels).toMatchObject({ PODMAN_SYSTEMD_UNIT: 'podman-webapp.service' });
      expect(Object.keys(inspect.NetworkSettings.Networks)).toEqual(['nixling-test']); // the sandbox's

      // The page the image serves: the example's index.html, from the store.
      const docroot = (inspect.Config.Cmd as string[]).join(' ').match(/ -h (\S+)/)![1];
      expect(docroot.startsWith(store + '/')).toBe(true);
      const page = fs.readFileSync(path.join(docroot, 'index.html'), 'utf8');
      expect(page).toContain('<p>Hello from a nixling image.</p>');
      const res = await until('the container to answer on 127.0.0.1:18080', async () => {
        const r = await get(`http://127.0.0.1:${PORT}/`).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      });
      expect(res.body).toBe(page);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect((await get(`http://127.0.0.1:${PORT}/missing`)).status).toBe(404);

      // The container's output (busybox httpd -v logs each response) went to the journal
      // (--log-driver=journald).
      const journal = await until('the container output in the journal', () => {
        const j = sb.run(which('journalctl')!, ['--no-pager', '-o', 'cat', `CONTAINER_NAME=webapp`], { env });
        return /response:404/.test(j.stdout) ? j.stdout : undefined;
      });
      expect(journal).toMatch(/response:200\n(.*\n)*.*response:404/);

      const stop = exec('ExecStop');
      expect({ status: stop.status, stderr: stop.stderr }).toEqual({ status: 0, stderr: '' });
      const post = exec('ExecStopPost');
      expect({ status: post.status, stderr: post.stderr }).toEqual({ status: 0, stderr: '' });
      expect(sb.podman(['container', 'exists', 'webapp']).status).toBe(1);
      expect(sb.podman(['ps', '--all', '--quiet']).stdout).toBe('');
      expect(await listening(PORT)).toBe(false);
      // Started again, as `systemctl restart` would: ExecStartPre replaces what is left.
      expect(exec('ExecStartPre').status).toBe(0);
      expect(exec('ExecStart').status).toBe(0);
      await until('the restarted container to answer', async () => ((await get(`http://127.0.0.1:${PORT}/`).catch(() => undefined))?.status === 200 ? true : undefined));
      expect(exec('ExecStop').status).toBe(0);
      expect(exec('ExecStopPost').status).toBe(0);
      expect(sb.podman(['ps', '--all', '--quiet']).stdout).toBe('');
    }, 120_000);
  });
});

function get(url: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Whether something accepts connections on 127.0.0.1:PORT. */
async function listening(port: number): Promise<boolean> {
  return get(`http://127.0.0.1:${port}/`).then(
    () => true,
    (e: NodeJS.ErrnoException) => e.code !== 'ECONNREFUSED',
  );
}
