/**
 * Native builders behind pkgs' trivial builders (modules/pkgs/trivial-builders.nix):
 * writing a text file, a farm of symlinks, a symlink join, and a "host package" that links
 * programs installed on this host into the store. They run inside nixling because they
 * need no process: faster than a bash builder, and nothing on the host can change what
 * they write (except host-package, whose whole point is the host).
 *
 * Values in `ctx.env` are byte strings (latin1-encoded UTF-8), as the evaluator keeps them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerNativeBuilder, NativeBuildContext } from '../builtins-registry';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const fsPath = (s: string): string => bytes(s).toString('utf8');

function out(ctx: NativeBuildContext): string {
  const o = ctx.outputs.get('out');
  if (o === undefined) throw new Error('the derivation has no output named out');
  return o;
}

/** A relative path inside an output: no absolute part, no `..`, not empty. */
function safeRelative(p: string, what: string): string {
  const norm = path.posix.normalize(p.replace(/^\/+/, ''));
  if (norm === '' || norm === '.' || norm.startsWith('../') || norm === '..') {
    throw new Error(`${what} '${p}' does not name a path inside the output`);
  }
  return norm;
}

/** text (or textPath with passAsFile), executable ("1"), destination ("" or "/bin/x"). */
registerNativeBuilder('write-text', (ctx) => {
  const o = out(ctx);
  const text = ctx.env.textPath !== undefined ? fs.readFileSync(ctx.env.textPath) : bytes(ctx.env.text ?? '');
  const dest = ctx.env.destination ?? '';
  const file = dest === '' ? o : path.join(o, fsPath(safeRelative(dest, 'destination')));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.chmodSync(file, ctx.env.executable === '1' ? 0o555 : 0o444);
  const check = ctx.env.checkPhasePath !== undefined ? fs.readFileSync(ctx.env.checkPhasePath, 'latin1') : ctx.env.checkPhase ?? '';
  if (check.trim() !== '') runCheckPhase(ctx, check, file);
});

/** Runs a writer's checkPhase (e.g. `bash -n`, shellcheck) with `$target` set; fails the build on error. */
function runCheckPhase(ctx: NativeBuildContext, script: string, target: string): void {
  const cp = require('node:child_process') as typeof import('node:child_process');
  const shell = ctx.env.shell ?? '/bin/sh';
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) env[k] = v;
  env.target = target;
  const r = cp.spawnSync(ctx.physicalPath(shell), ['-e', '-c', script], {
    cwd: ctx.buildDir,
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fsPath(v)])),
    encoding: 'latin1',
  });
  ctx.log((r.stdout ?? '') + (r.stderr ?? ''));
  if (r.error) throw new Error(`could not run the check phase with ${shell}: ${r.error.message}`);
  if (r.status !== 0) {
    const out = ((r.stdout ?? '') + (r.stderr ?? '')).trim();
    throw new Error(`the check phase failed (exit ${r.status ?? r.signal})` + (out ? ':\n' + out : ''));
  }
}

/** entries: JSON list of { name, path } — a symlink at out/name to path. */
registerNativeBuilder('link-farm', (ctx) => {
  const o = out(ctx);
  fs.mkdirSync(o, { recursive: true });
  const entries = JSON.parse(bytes(ctx.env.entries ?? '[]').toString('utf8')) as { name: string; path: string }[];
  const seen = new Set<string>();
  for (const e of entries) {
    const rel = safeRelative(e.name, 'link-farm entry');
    if (seen.has(rel)) throw new Error(`link-farm entry '${e.name}' is given twice`);
    seen.add(rel);
    const at = path.join(o, rel);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(e.path, at);
  }
});

/**
 * paths: space-separated store paths merged into one tree of symlinks (as lndir does:
 * directories are real, files are links, the first path providing a name wins).
 */
registerNativeBuilder('symlink-join', (ctx) => {
  const o = out(ctx);
  fs.mkdirSync(o, { recursive: true });
  const paths = (ctx.env.paths ?? '').split(/\s+/).filter((s) => s !== '');
  for (const p of paths) joinInto(o, fsPath(p), ctx.physicalPath(fsPath(p)));
});

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Links the entries of the logical directory `src` (physically `phys`) under `dst`. */
function joinInto(dst: string, src: string, phys: string): void {
  if (!isDir(phys)) throw new Error(`symlinkJoin: '${src}' is not a directory`);
  for (const name of fs.readdirSync(phys).sort()) {
    const s = path.join(src, name);
    const sp = path.join(phys, name);
    const d = path.join(dst, name);
    let existing: fs.Stats | undefined;
    try {
      existing = fs.lstatSync(d);
    } catch {
      existing = undefined;
    }
    if (existing === undefined) {
      if (isDir(sp)) {
        fs.mkdirSync(d);
        joinInto(d, s, sp);
      } else fs.symlinkSync(s, d);
    } else if (existing.isDirectory() && isDir(sp)) joinInto(d, s, sp);
    // Otherwise the first path providing the name wins, as with `lndir -silent`.
  }
}

/** Where host programs are looked for, in PATH order. */
const HOST_BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * programs: space-separated program names; mainProgram: the one always linked. Each
 * program found on the host becomes out/bin/NAME -> its host path.
 */
registerNativeBuilder('host-package', (ctx) => {
  const o = out(ctx);
  const bin = path.join(o, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const programs = (ctx.env.programs ?? '').split(/\s+/).filter((s) => s !== '');
  const main = ctx.env.mainProgram ?? '';
  const found: string[] = [];
  for (const prog of programs) {
    const host = findHostProgram(prog);
    if (host === undefined) continue;
    fs.symlinkSync(host, path.join(bin, prog));
    found.push(prog);
  }
  ctx.log(`linked ${found.length} of ${programs.length} programs: ${found.join(' ')}\n`);
  // A missing main program still gets its link, to where it would be installed: the
  // evaluation has warned, and the link works as soon as the program is installed.
  if (main !== '' && !found.includes(main)) {
    ctx.log(`warning: '${main}' is not installed on this host; bin/${main} points to /usr/bin/${main}\n`);
    fs.symlinkSync(path.join('/usr/bin', main), path.join(bin, main));
  }
});

function findHostProgram(name: string): string | undefined {
  for (const d of HOST_BIN_DIRS) {
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
