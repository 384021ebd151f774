// Helpers for the system tests: unit trees written from a compact spec into temporary
// directories (never the real /etc), and toplevels around them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

/** name → file text, or { link } for a symlink. Names may contain one directory level. */
export type TreeSpec = Record<string, string | { link: string }>;

const made: string[] = [];

export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `nixling-${prefix}-`));
  made.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function writeTree(dir: string, spec: TreeSpec): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, v] of Object.entries(spec)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof v === 'string') fs.writeFileSync(p, v);
    else fs.symlinkSync(v.link, p);
  }
  return dir;
}

/**
 * A toplevel like the NixOS layer builds: etc/systemd/system whose unit files are
 * symlinks to files elsewhere (a fake store under `base/store`), `.wants` links relative.
 */
export function writeToplevel(base: string, name: string, spec: TreeSpec): string {
  const top = path.join(base, name);
  const store = path.join(base, 'store');
  const units = path.join(top, 'etc/systemd/system');
  fs.mkdirSync(units, { recursive: true });
  fs.mkdirSync(store, { recursive: true });
  for (const [rel, v] of Object.entries(spec)) {
    const p = path.join(units, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof v === 'string') {
      // The file's content decides its place in the fake store.
      const f = path.join(store, `${createHash('sha256').update(v).digest('hex').slice(0, 16)}-${path.basename(rel)}`);
      if (!fs.existsSync(f)) fs.writeFileSync(f, v);
      fs.symlinkSync(f, p);
    } else fs.symlinkSync(v.link, p);
  }
  return top;
}

export const svc = (service: string, unit = ''): string => `[Unit]\nDescription=test\n${unit}\n[Service]\n${service}\n`;
