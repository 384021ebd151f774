/**
 * Running generated units' podman commands in tests, in a sandbox of their own.
 *
 * The generated units call plain `podman …` with a PATH of their own, so the sandbox works
 * through the environment, as ../shared/notes/podman.md describes:
 *   - CONTAINERS_CONF: the runc runtime (crun cannot handle this machine's cgroups) and the
 *     ulimits the sandboxed machine allows;
 *   - CONTAINERS_STORAGE_CONF: images, containers and podman's state in a temporary
 *     directory, so no other podman user of the machine sees them, and removing the
 *     directory removes everything; and a default bridge network of its own (its own
 *     interface and subnet), since separate storages allocate addresses separately.
 *
 * With `privateRun`, commands run in a mount namespace of their own (`unshare -m`, entered
 * with `nsenter`) whose /run is a fresh tmpfs holding a systemd-journald of its own. That is
 * what a unit's commands expect from the host systemd runs them on: podman's
 * `--log-driver=journald` (oci-containers' default, as in NixOS) needs the journal socket,
 * which these machines lack, and the units' `--cidfile=/run/podman-NAME.ctr-id` then stays
 * out of the host's /run. The iptables lock stays the host's, so port forwarding set up by
 * concurrent podman users does not race. Everything the namespace mounts (overlays, netns)
 * disappears with it.
 */
import { spawn, spawnSync, SpawnSyncReturns, ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function which(cmd: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    if (!d) continue;
    const f = path.join(d, cmd);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return f;
    } catch {
      // next
    }
  }
  return undefined;
}

/** The host's busybox when it is statically linked (Debian's busybox-static). */
export function staticBusybox(): string | undefined {
  for (const f of ['/usr/bin/busybox', '/bin/busybox', which('busybox')]) {
    if (!f || !fs.existsSync(f)) continue;
    const r = spawnSync('file', ['-L', f], { encoding: 'utf8' });
    if (r.status === 0 ? /statically linked|static-pie/.test(r.stdout) : spawnSync('ldd', [f]).status !== 0) return f;
  }
  return undefined;
}

export function journaldBinary(): string | undefined {
  return ['/lib/systemd/systemd-journald', '/usr/lib/systemd/systemd-journald'].find((f) => fs.existsSync(f));
}

/** Why containers cannot run here (empty when they can): a missing program or privilege. */
export function podmanSkipReason(opts: { privateRun?: boolean; also?: string[] } = {}): string {
  if (process.platform !== 'linux') return 'not Linux';
  if (!which('podman')) return 'podman is not installed';
  if (!which('runc')) return 'runc is not installed (crun cannot run on these machines)';
  for (const p of opts.also ?? []) if (!which(p)) return `${p} is not installed`;
  if (opts.privateRun) {
    if (process.getuid?.() !== 0) return 'running unit commands needs root (they write /run, podman runs rootful)';
    for (const p of ['unshare', 'nsenter', 'mount']) if (!which(p)) return `${p} (util-linux) is not installed`;
    if (!journaldBinary()) return 'systemd-journald is not installed (the units log with --log-driver=journald)';
  }
  return '';
}

export interface PodmanSandbox {
  dir: string;
  /** CONTAINERS_CONF and CONTAINERS_STORAGE_CONF: add them to a command's environment. */
  env: Record<string, string>;
  /**
   * Runs a command in the sandbox (its mount namespace with `privateRun`) with exactly ENV
   * (plus the sandbox's variables) and cwd /, as systemd runs a unit's commands.
   */
  run(cmd: string, args: string[], opts?: { env?: Record<string, string>; timeout?: number; input?: string }): SpawnSyncReturns<string>;
  /** podman with the sandbox's configuration (and the test process's PATH). */
  podman(args: string[], timeout?: number): SpawnSyncReturns<string>;
  /** Removes every container and image of the sandbox, ends the namespace, deletes the directory. */
  close(): Promise<void>;
}

const HOLDER = String.raw`
set -eu
dir=$1; journald=$2
if [ -n "$LOCK" ]; then
  exec 9>"$LOCK"
  flock -w 100 9 || { echo "could not take the lock $LOCK" >&2; exit 1; }
fi
mkdir -p "$dir/host-run"
mount --bind /run "$dir/host-run"
mount -t tmpfs -o mode=0755 nixling-test-run /run
mkdir -p /run/lock /run/systemd
[ -e "$dir/host-run/xtables.lock" ] || : > "$dir/host-run/xtables.lock"
: > /run/xtables.lock
mount --bind "$dir/host-run/xtables.lock" /run/xtables.lock
umount -l "$dir/host-run" || true
# A journald of our own writes to /run/log/journal; never to the host's persistent journal.
if [ -d /var/log/journal ]; then mount -t tmpfs nixling-test-journal /var/log/journal; fi
"$journald" </dev/null >"$dir/journald.log" 2>&1 &
jpid=$!
i=0
while [ ! -S /run/systemd/journal/socket ]; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 $jpid 2>/dev/null; then echo "systemd-journald did not start: $(cat "$dir/journald.log")" >&2; exit 1; fi
  sleep 0.05
done
echo READY
# Until the test closes standard input.
cat >/dev/null || true
kill $jpid 2>/dev/null || true
wait $jpid 2>/dev/null || true
`;

/**
 * A bridge network of the sandbox's own, its default: separate storages keep separate IP
 * allocations, so two sandboxes (or a sandbox and the host's podman) on the shared default
 * network (podman0, 10.88.0.0/16) could hand out the same address.
 */
function writeNetwork(dir: string): string {
  const used = spawnSync('ip', ['-o', '-4', 'addr'], { encoding: 'utf8' }).stdout ?? '';
  const free = [];
  for (let n = 100; n < 255; n++) if (!used.includes(`10.213.${n}.`)) free.push(n);
  const n = free[Math.floor(Math.random() * free.length)] ?? 100;
  const netDir = path.join(dir, 'networks');
  fs.mkdirSync(netDir);
  const config = {
    name: 'nixling-test',
    id: createHash('sha256').update(dir).digest('hex'),
    driver: 'bridge',
    network_interface: `nixltest${n}`,
    created: '2024-01-01T00:00:00Z',
    subnets: [{ subnet: `10.213.${n}.0/24`, gateway: `10.213.${n}.1` }],
    ipv6_enabled: false,
    internal: false,
    dns_enabled: false,
    ipam_options: { driver: 'host-local' },
  };
  fs.writeFileSync(path.join(netDir, 'nixling-test.json'), JSON.stringify(config, null, 2) + '\n');
  return netDir;
}

function writeConfs(dir: string): Record<string, string> {
  const netDir = writeNetwork(dir);
  const conf = path.join(dir, 'containers.conf');
  fs.writeFileSync(
    conf,
    [
      '[containers]',
      'default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]',
      '',
      '[engine]',
      'runtime = "runc"',
      `tmp_dir = "${dir}/libpod-tmp"`,
      `volume_path = "${dir}/volumes"`,
      '',
      '[network]',
      `network_config_dir = "${netDir}"`,
      'default_network = "nixling-test"',
      '',
    ].join('\n'),
  );
  const storage = path.join(dir, 'storage.conf');
  fs.writeFileSync(
    storage,
    ['[storage]', 'driver = "overlay"', `graphroot = "${dir}/storage"`, `runroot = "${dir}/storage-run"`, ''].join('\n'),
  );
  return { CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage };
}

/**
 * A sandbox for podman. With `privateRun`, `lock` names a file locked (flock) for the
 * sandbox's lifetime, serialising tests that publish the same host port across processes.
 */
export async function podmanSandbox(opts: { prefix: string; privateRun?: boolean; lock?: string }): Promise<PodmanSandbox> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nixling-${opts.prefix}-`));
  const env = writeConfs(dir);
  let holder: ChildProcess | undefined;
  let ns: string | undefined;
  if (opts.privateRun) {
    holder = spawn(which('unshare')!, ['--mount', '--propagation', 'private', 'bash', '-c', HOLDER, 'holder', dir, journaldBinary()!], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LOCK: opts.lock ?? '' },
    });
    const h = holder;
    let err = '';
    h.stderr!.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      h.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('READY\n')) resolve();
      });
      h.on('exit', (code) => reject(new Error(`the sandbox's namespace ended (status ${code}): ${err}`)));
    });
    ns = `/proc/${h.pid}/ns/mnt`;
  }
  const nsenter = which('nsenter');
  const run: PodmanSandbox['run'] = (cmd, args, o = {}) => {
    const e = { ...(o.env ?? {}), ...env };
    const [c, a] = ns ? [nsenter!, [`--mount=${ns}`, '--', cmd, ...args]] : [cmd, args];
    return spawnSync(c, a, { env: e, cwd: '/', encoding: 'utf8', timeout: o.timeout ?? 120_000, input: o.input });
  };
  const podman: PodmanSandbox['podman'] = (args, timeout) =>
    run(which('podman')!, args, { env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' }, timeout });
  const close = async () => {
    try {
      podman(['rm', '--all', '--force', '--time', '0']);
      podman(['rmi', '--all', '--force']);
    } finally {
      if (holder && holder.exitCode === null) {
        const h = holder;
        const ended = new Promise<void>((resolve) => h.on('exit', () => resolve()));
        h.stdin!.end();
        const t = setTimeout(() => h.kill('SIGKILL'), 10_000);
        await ended;
        clearTimeout(t);
      }
      // Overlay mounts made outside a namespace (without privateRun) must go first.
      if (!ns) spawnSync('sh', ['-c', `grep -o ' ${dir}/[^ ]*' /proc/mounts | xargs -r -n1 umount -l`]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  return { dir, env, run, podman, close };
}

/** Waits until F returns a value other than undefined, or throws after TIMEOUT ms. */
export async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, timeout = 20_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---------------------------------------------------------------------------------------
// Unit files, read the way systemd reads them (enough for generated units).

/** A unit file's assignments in order: [section, key, value], comments and blank lines skipped. */
export function unitEntries(text: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  let section = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      section = line.slice(1, -1);
      continue;
    }
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i].trim();
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`not an assignment in a unit file: ${line}`);
    out.push([section, line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return out;
}

/** Sections in order, each with its assignments in order: what "key for key" compares. */
export function unitSections(text: string): { section: string; entries: [string, string][] }[] {
  const out: { section: string; entries: [string, string][] }[] = [];
  let section: string | undefined;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('[') && t.endsWith(']')) {
      section = t.slice(1, -1);
      out.push({ section, entries: [] });
    }
  }
  for (const [s, k, v] of unitEntries(text)) out.find((x) => x.section === s)!.entries.push([k, v]);
  return out;
}

export function unitValues(text: string, section: string, key: string): string[] {
  return unitEntries(text)
    .filter(([s, k]) => s === section && k === key)
    .map(([, , v]) => v);
}

/** systemd's word splitting with quotes and C escapes (extract_first_word with UNQUOTE|CUNESCAPE). */
export function systemdWords(s: string): string[] {
  const words: string[] = [];
  let cur: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (!quote && /\s/.test(c)) {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
      continue;
    }
    cur ??= '';
    if (quote && c === quote) quote = undefined;
    else if (!quote && (c === '"' || c === "'")) quote = c;
    else if (c === '\\' && i + 1 < s.length) {
      const n = s[++i];
      const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', s: ' ', '\\': '\\', '"': '"', "'": "'" };
      if (n in simple) cur += simple[n];
      else if (n === 'x') (cur += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16))), (i += 2);
      else if (n === 'u') (cur += String.fromCodePoint(parseInt(s.slice(i + 1, i + 5), 16))), (i += 4);
      else if (n === 'U') (cur += String.fromCodePoint(parseInt(s.slice(i + 1, i + 9), 16))), (i += 8);
      else if (/[0-7]/.test(n)) (cur += String.fromCharCode(parseInt(s.slice(i, i + 3), 8))), (i += 2);
      else throw new Error(`unknown escape \\${n} in ${s}`);
    } else cur += c;
  }
  if (quote) throw new Error(`unterminated quote in ${s}`);
  if (cur !== undefined) words.push(cur);
  return words;
}

/** The environment systemd gives the unit's commands: its Environment= assignments. */
export function unitEnvironment(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of unitValues(text, 'Service', 'Environment'))
    for (const w of systemdWords(v)) {
      const eq = w.indexOf('=');
      if (eq <= 0) throw new Error(`not an assignment in Environment=${v}`);
      env[w.slice(0, eq)] = w.slice(eq + 1);
    }
  return env;
}

/** An Exec*= line as systemd runs it: the program, its arguments, and whether failure is ignored (`-`). */
export function execCommand(line: string): { program: string; args: string[]; ignoreFailure: boolean } {
  let ignoreFailure = false;
  let i = 0;
  for (; i < line.length && '-@:+!'.includes(line[i]); i++) {
    if (line[i] === '-') ignoreFailure = true;
    else throw new Error(`Exec prefix ${line[i]} is not handled by this test helper: ${line}`);
  }
  const [program, ...args] = systemdWords(line.slice(i));
  if (/[%$]/.test(line)) throw new Error(`specifiers and variables are not handled by this test helper: ${line}`);
  return { program, args, ignoreFailure };
}
