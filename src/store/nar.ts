/**
 * NAR ("Nix ARchive") serialisation of a filesystem object: a deterministic dump in which
 * every string is a little-endian 64-bit length, the bytes, and zero padding to 8 bytes:
 *
 *   "nix-archive-1" NODE
 *   NODE = "(" "type" "regular" ["executable" ""] "contents" DATA ")"
 *        | "(" "type" "symlink" "target" TARGET ")"
 *        | "(" "type" "directory" ("entry" "(" "name" NAME "node" NODE ")")* ")"
 *
 * Directory entries are sorted bytewise by name. Only the executable bit of a file's mode
 * is recorded; times and owners are not. `dumpPath` streams the dump into a sink (a hasher,
 * usually), reading big files in chunks so they are never held in memory whole.
 *
 * Filesystem paths here are byte strings (latin1-decoded, as the evaluator keeps them) and
 * are turned into Buffers for node:fs, so file names that are not UTF-8 work too.
 */
import * as fs from 'node:fs';
import { Hash, HashAlgo, HashSink } from './hash';

export interface NarSink {
  update(data: Uint8Array): void;
}

/** A path filter: called with the full path (byte string) and the type; false excludes it. */
export type PathFilter = (path: string, type: FileType) => boolean;

export type FileType = 'regular' | 'directory' | 'symlink' | 'unknown';

const CHUNK = 1 << 20;
const ZEROS = Buffer.alloc(8);

/** Converts a byte-string path to a Buffer for node:fs. */
export function fsPath(p: string): Buffer {
  return Buffer.from(p, 'latin1');
}

export function fileTypeOf(st: fs.Stats): FileType {
  if (st.isFile()) return 'regular';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'unknown';
}

class NarWriter {
  constructor(readonly sink: NarSink) {}

  int(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.sink.update(b);
  }

  pad(len: number): void {
    const rem = len % 8;
    if (rem) this.sink.update(ZEROS.subarray(0, 8 - rem));
  }

  bytes(b: Uint8Array): void {
    this.int(b.length);
    this.sink.update(b);
    this.pad(b.length);
  }

  str(s: string): void {
    this.bytes(Buffer.from(s, 'latin1'));
  }
}

/** Dumps a filesystem path as a NAR into `sink`, applying `filter` to everything below it. */
export function dumpPath(path: string, sink: NarSink, filter?: PathFilter): void {
  const w = new NarWriter(sink);
  w.str('nix-archive-1');
  dumpNode(w, path, filter);
}

function dumpNode(w: NarWriter, path: string, filter: PathFilter | undefined): void {
  const p = fsPath(path);
  const st = fs.lstatSync(p);
  w.str('(');
  if (st.isFile()) {
    w.str('type');
    w.str('regular');
    if (st.mode & 0o100) {
      w.str('executable');
      w.str('');
    }
    w.str('contents');
    dumpContents(w, p, st.size);
  } else if (st.isDirectory()) {
    w.str('type');
    w.str('directory');
    const names = (fs.readdirSync(p, { encoding: 'buffer' }) as Buffer[]).map((b) => b.toString('latin1'));
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const child = path + '/' + name;
      if (filter && !filter(child, fileTypeOf(fs.lstatSync(fsPath(child))))) continue;
      w.str('entry');
      w.str('(');
      w.str('name');
      w.str(name);
      w.str('node');
      dumpNode(w, child, filter);
      w.str(')');
    }
  } else if (st.isSymbolicLink()) {
    w.str('type');
    w.str('symlink');
    w.str('target');
    w.bytes(fs.readlinkSync(p, { encoding: 'buffer' }) as Buffer);
  } else {
    throw new Error(`file '${path}' has an unsupported type`);
  }
  w.str(')');
}

function dumpContents(w: NarWriter, p: Buffer, size: number): void {
  w.int(size);
  if (size <= CHUNK) {
    const data = fs.readFileSync(p);
    if (data.length !== size) throw new Error(`file '${p.toString('latin1')}' changed while it was being read`);
    w.sink.update(data);
  } else {
    const fd = fs.openSync(p, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      let left = size;
      while (left > 0) {
        const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, left), null);
        if (n === 0) throw new Error(`file '${p.toString('latin1')}' changed while it was being read`);
        w.sink.update(buf.subarray(0, n));
        left -= n;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  w.pad(size);
}

/** The NAR hash and size of a path (what `nix-hash --type ALGO PATH` computes). */
export function hashPath(path: string, algo: HashAlgo = 'sha256', filter?: PathFilter): { hash: Hash; size: number } {
  const sink = new HashSink(algo);
  dumpPath(path, sink, filter);
  return { hash: sink.finish(), size: sink.size };
}

/** The flat hash of a regular file's contents (streamed). */
export function hashFile(path: string, algo: HashAlgo = 'sha256'): Hash {
  const sink = new HashSink(algo);
  const p = fsPath(path);
  const fd = fs.openSync(p, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      sink.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return sink.finish();
}

/** The whole NAR of a path as one buffer (for tests and small paths). */
export function narOf(path: string, filter?: PathFilter): Buffer {
  const parts: Buffer[] = [];
  dumpPath(path, { update: (d) => parts.push(Buffer.from(d)) }, filter);
  return Buffer.concat(parts);
}

/** The NAR of a single regular file given its contents (e.g. text added to the store). */
export function narOfContents(contents: Uint8Array, executable = false): Buffer {
  const parts: Buffer[] = [];
  const w = new NarWriter({ update: (d) => parts.push(Buffer.from(d)) });
  w.str('nix-archive-1');
  w.str('(');
  w.str('type');
  w.str('regular');
  if (executable) {
    w.str('executable');
    w.str('');
  }
  w.str('contents');
  w.bytes(contents);
  w.str(')');
  return Buffer.concat(parts);
}
