/**
 * The path database: one JSON file per valid store path, STATEDIR/db/HASHPART.json, holding
 * what Nix keeps in its SQLite database (references, NAR hash and size, deriver, content
 * address). A path is valid exactly when its entry exists; entries are written atomically
 * (temporary name, then rename) after the path itself is in place, so an interrupted write
 * leaves either no entry (the path is invalid and will be redone) or a complete one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { hashPartOf } from './store-path';

export interface PathInfo {
  path: string;
  /** Store paths this path refers to (sorted). */
  references: string[];
  /** `sha256:NIX32` of the NAR serialisation. */
  narHash: string;
  narSize: number;
  deriver?: string;
  /** Content address, e.g. `text:sha256:…` or `fixed:r:sha256:…`. */
  ca?: string;
  registrationTime: number;
}

export class PathDatabase {
  readonly dir: string;
  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'db');
  }

  private file(storePath: string): string {
    return path.join(this.dir, hashPartOf(storePath) + '.json');
  }

  query(storePath: string): PathInfo | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file(storePath), 'utf8');
    } catch {
      return undefined;
    }
    const info = JSON.parse(text) as PathInfo;
    return info.path === storePath ? info : undefined;
  }

  register(info: PathInfo): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const dest = this.file(info.path);
    const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, JSON.stringify(info, null, 1) + '\n');
    fs.renameSync(tmp, dest);
  }

  invalidate(storePath: string): void {
    fs.rmSync(this.file(storePath), { force: true });
  }
}
