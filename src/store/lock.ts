/**
 * Path locks: one lock file per store path (PHYSICAL.lock), created exclusively (O_EXCL)
 * and holding the owner's pid. A lock whose owner is no longer running (a build killed
 * with -9) is stale and is taken over; otherwise a second process waits until it is freed.
 * This is what keeps two nixling builds on one store from building the same output at once.
 */
import * as fs from 'node:fs';

/** Whether a process with this pid is running. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The pid recorded in a lock file (undefined when unreadable or empty), and the process
 * group of the builder it was running, if any.
 */
function lockOwner(file: string): number | undefined {
  return readLock(file)?.[0];
}

function readLock(file: string): [number, number | undefined] | undefined {
  try {
    const s = fs.readFileSync(file, 'utf8').trim();
    if (s === '') return undefined;
    const [pid, pgid] = s.split(/\s+/).map(Number);
    return [pid, pgid];
  } catch {
    return undefined;
  }
}

/** Tries to take the lock once: true when taken, false when someone running holds it. */
export function tryLock(file: string): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = lockOwner(file);
    if (owner === process.pid) return false; // held by another build in this process
    if (owner === undefined) {
      // Being written right now, or left empty by a crash between create and write.
      try {
        const age = Date.now() - fs.statSync(file).mtimeMs;
        if (age < 2000) return false;
      } catch {
        continue;
      }
    } else if (pidAlive(owner)) return false;
    // Stale: its builder may outlive it (kill -9 does not reach children), so that is
    // stopped first; then the lock is taken over, re-checking the owner just before.
    const pgid = readLock(file)?.[1];
    if (pgid !== undefined && pgid > 1 && pidAlive(pgid)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (lockOwner(file) === owner) fs.rmSync(file, { force: true });
  }
  return false;
}

export interface Lock {
  release(): void;
  /** Records the process group of the builder running under this lock. */
  setBuilder(pgid: number): void;
}

/** Takes the locks on all these files (in sorted order, so two takers cannot deadlock). */
export async function lockAll(files: string[], onWait?: () => void): Promise<Lock> {
  const sorted = [...new Set(files)].sort();
  const held: string[] = [];
  const release = (): void => {
    for (const f of held) fs.rmSync(f, { force: true });
    held.length = 0;
  };
  const setBuilder = (pgid: number): void => {
    for (const f of held) fs.writeFileSync(f, `${process.pid} ${pgid}\n`);
  };
  try {
    for (const f of sorted) {
      let warned = false;
      while (!tryLock(f)) {
        if (!warned && onWait) onWait();
        warned = true;
        await new Promise((r) => setTimeout(r, 50));
      }
      held.push(f);
    }
  } catch (e) {
    release();
    throw e;
  }
  return { release, setBuilder };
}
