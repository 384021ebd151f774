/**
 * A deterministic tar writer (POSIX ustar, with pax extended headers where ustar's fields
 * are too small) and a minimal tar index reader.
 *
 * Writing: every entry is a 512-byte header followed by its data padded to 512 bytes; the
 * archive ends with two zero blocks. A name longer than 100 bytes is split into ustar's
 * prefix (155 bytes) and name fields at a `/` when it can be, and otherwise carried by a pax
 * `path` record (as are link targets over 100 bytes, `linkpath`, and sizes of 8 GiB or more,
 * `size`). Nothing in a header depends on the host or the clock: the caller gives the
 * modification time and owners, user and group names are left empty, and pax headers have
 * fixed names. Names and link targets are byte strings (latin1-decoded), as in `store/nar`.
 *
 * Output goes to a `TarSink`, synchronously; `HashSink` counts and hashes what it is given,
 * `FdSink` buffers writes to a file descriptor (a file, or a pipe on standard output).
 *
 * Reading: `readTarIndex` lists the entries of an archive file with the offsets of their
 * data, understanding ustar, pax (`path`, `linkpath`, `size`) and GNU long names.
 */
import * as fs from 'node:fs';
import { createHash, Hash as CryptoHash } from 'node:crypto';

export interface TarSink {
  write(chunk: Buffer): void;
}

export const BLOCK = 512;
const ZERO_BLOCK = Buffer.alloc(BLOCK);
const CHUNK = 1 << 20;
/** The largest size ustar's 11 octal digits hold. */
const MAX_OCTAL_SIZE = 0o77777777777;

export interface EntryOwner {
  mtime: number;
  uid: number;
  gid: number;
}

/** Counts the bytes it is given and hashes them with sha256. */
export class HashSink implements TarSink {
  private readonly hash: CryptoHash = createHash('sha256');
  size = 0;
  write(chunk: Buffer): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }
  /** The hex digest (call once, at the end). */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Collects everything in memory (small archives and tests). */
export class BufferSink implements TarSink {
  private readonly chunks: Buffer[] = [];
  write(chunk: Buffer): void {
    this.chunks.push(Buffer.from(chunk));
  }
  result(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * Buffered synchronous writes to a file descriptor. A pipe may be non-blocking (EAGAIN
 * when full): then it waits briefly and retries, so the reader sets the pace.
 */
export class FdSink implements TarSink {
  private buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  written = 0;
  constructor(private readonly fd: number) {}

  write(chunk: Buffer): void {
    if (chunk.length >= CHUNK) {
      this.flush();
      this.writeAll(chunk);
      return;
    }
    if (this.used + chunk.length > CHUNK) this.flush();
    chunk.copy(this.buf, this.used);
    this.used += chunk.length;
  }

  flush(): void {
    if (this.used === 0) return;
    this.writeAll(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
  }

  private writeAll(data: Buffer): void {
    let off = 0;
    while (off < data.length) {
      try {
        off += fs.writeSync(this.fd, data, off, data.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
      }
    }
    this.written += data.length;
  }
}

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Writes `value` as zero-padded octal digits followed by a NUL into `len` bytes. */
function octal(h: Buffer, off: number, len: number, value: number): void {
  const s = Math.floor(value).toString(8).padStart(len - 1, '0');
  if (s.length > len - 1) throw new Error(`tar: value ${value} does not fit in a ${len}-byte field`);
  h.write(s, off, len - 1, 'latin1');
  h[off + len - 1] = 0;
}

/** Splits a long name into ustar's prefix and name fields, or returns undefined. */
function splitUstarName(name: Buffer): [Buffer, Buffer] | undefined {
  if (name.length <= 100) return [Buffer.alloc(0), name];
  if (name.length > 256) return undefined;
  // The prefix is at most 155 bytes and the name part at most 100; split at a slash.
  for (let i = Math.min(155, name.length - 1); i > 0; i--) {
    if (name[i] === 0x2f && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
      return [name.subarray(0, i), name.subarray(i + 1)];
    }
  }
  return undefined;
}

/** One pax record: "LEN key=value\n", where LEN counts the whole record, itself included. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = latin1(` ${key}=`).length + value.length + 1;
  let len = rest + String(rest).length;
  if (String(len).length + rest !== len) len = rest + String(len).length;
  return Buffer.concat([latin1(`${len} ${key}=`), value, latin1('\n')]);
}

type TypeFlag = '0' | '2' | '5' | 'x';

interface Header {
  name: Buffer;
  mode: number;
  size: number;
  type: TypeFlag;
  linkname?: Buffer;
}

/** Writes tar entries to a sink. Call `end()` to finish the archive. */
export class TarWriter {
  constructor(
    private readonly sink: TarSink,
    private readonly owner: EntryOwner,
  ) {}

  /** A directory; `name` without a trailing slash (one is added). */
  directory(name: string, mode: number): void {
    this.entry({ name: latin1(name.endsWith('/') ? name : name + '/'), mode, size: 0, type: '5' });
  }

  symlink(name: string, target: string): void {
    this.entry({ name: latin1(name), mode: 0o777, size: 0, type: '2', linkname: latin1(target) });
  }

  /** A regular file with the given contents. */
  bytes(name: string, mode: number, data: Buffer): void {
    this.entry({ name: latin1(name), mode, size: data.length, type: '0' });
    this.body(data.length, (w) => w(data));
  }

  /** A regular file copied from `source` (a byte-string path), which must be `size` bytes long. */
  fileFrom(name: string, mode: number, size: number, source: string): void {
    this.entry({ name: latin1(name), mode, size, type: '0' });
    this.body(size, (w) => {
      const fd = fs.openSync(latin1(source), 'r');
      try {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
        let done = 0;
        while (done < size) {
          const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - done), done);
          if (n === 0) break;
          w(buf.subarray(0, n));
          done += n;
        }
      } finally {
        fs.closeSync(fd);
      }
    }, source);
  }

  /** A regular file whose `size` bytes `produce` writes through the function it is given. */
  stream(name: string, mode: number, size: number, produce: (write: (chunk: Buffer) => void) => void): void {
    this.entry({ name: latin1(name), mode, size, type: '0' });
    this.body(size, produce, name);
  }

  /** The end-of-archive marker: two zero blocks. */
  end(): void {
    this.sink.write(ZERO_BLOCK);
    this.sink.write(ZERO_BLOCK);
  }

  private body(size: number, produce: (write: (chunk: Buffer) => void) => void, what = 'data'): void {
    let n = 0;
    produce((chunk) => {
      n += chunk.length;
      if (n > size) throw new Error(`tar: ${what} is longer than the ${size} bytes announced (did it change while being archived?)`);
      this.sink.write(chunk);
    });
    if (n !== size) throw new Error(`tar: ${what} has ${n} bytes, not the ${size} announced (did it change while being archived?)`);
    const rem = size % BLOCK;
    if (rem) this.sink.write(ZERO_BLOCK.subarray(0, BLOCK - rem));
  }

  private entry(e: Header): void {
    const records: Buffer[] = [];
    let split = splitUstarName(e.name);
    if (split === undefined) {
      records.push(paxRecord('path', e.name));
      split = [Buffer.alloc(0), e.name.subarray(0, 100)];
    }
    let linkname = e.linkname ?? Buffer.alloc(0);
    if (linkname.length > 100) {
      records.push(paxRecord('linkpath', linkname));
      linkname = linkname.subarray(0, 100);
    }
    let size = e.size;
    if (size > MAX_OCTAL_SIZE) {
      records.push(paxRecord('size', latin1(String(size))));
      size = 0;
    }
    if (records.length > 0) {
      const data = Buffer.concat(records);
      const base = e.name.subarray(e.name.lastIndexOf(0x2f, e.name.length - 2) + 1);
      const paxName = Buffer.concat([latin1('PaxHeaders.0/'), base]).subarray(0, 100);
      this.sink.write(this.header({ name: paxName, mode: 0o644, size: data.length, type: 'x' }, [Buffer.alloc(0), paxName], Buffer.alloc(0), data.length));
      this.sink.write(data);
      const rem = data.length % BLOCK;
      if (rem) this.sink.write(ZERO_BLOCK.subarray(0, BLOCK - rem));
    }
    this.sink.write(this.header(e, split, linkname, size));
  }

  private header(e: Header, [prefix, name]: [Buffer, Buffer], linkname: Buffer, size: number): Buffer {
    const h = Buffer.alloc(BLOCK);
    name.copy(h, 0);
    octal(h, 100, 8, e.mode & 0o7777);
    octal(h, 108, 8, this.owner.uid);
    octal(h, 116, 8, this.owner.gid);
    octal(h, 124, 12, size);
    octal(h, 136, 12, this.owner.mtime);
    h.fill(0x20, 148, 156); // the checksum counts its own field as spaces
    h.write(e.type, 156, 1, 'latin1');
    linkname.copy(h, 157);
    h.write('ustar\x0000', 257, 8, 'latin1');
    octal(h, 329, 8, 0);
    octal(h, 337, 8, 0);
    prefix.copy(h, 345);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += h[i];
    h.write(sum.toString(8).padStart(6, '0') + '\x00 ', 148, 8, 'latin1');
    return h;
  }
}

// ---------------------------------------------------------------------------------------
// Reading

export interface TarEntry {
  /** The name, a byte string, without a leading "./". */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  size: number;
  /** Where the entry's data starts in the archive. */
  offset: number;
  linkname: string;
  mode: number;
}

function cString(b: Buffer, off: number, len: number): string {
  const end = b.indexOf(0, off);
  return b.toString('latin1', off, end === -1 || end > off + len ? off + len : end);
}

function parseNumber(b: Buffer, off: number, len: number): number {
  if (b[off] & 0x80) {
    // GNU base-256: big-endian, the first byte's top bit set.
    let v = b[off] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i];
    return v;
  }
  const s = cString(b, off, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function parsePax(data: Buffer): Map<string, string> {
  const m = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp === -1) break;
    const len = parseInt(data.toString('latin1', i, sp), 10);
    if (!(len > 0)) break;
    const rec = data.subarray(sp + 1, i + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq !== -1) m.set(rec.toString('latin1', 0, eq), rec.toString('latin1', eq + 1));
    i += len;
  }
  return m;
}

/** Lists the entries of the tar archive in the file `file` (a physical path). */
export function readTarIndex(file: string): TarEntry[] {
  const fd = fs.openSync(file, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const entries: TarEntry[] = [];
    const h = Buffer.alloc(BLOCK);
    let pos = 0;
    let pax = new Map<string, string>();
    let longName: string | undefined;
    let longLink: string | undefined;
    const readData = (off: number, size: number): Buffer => {
      const b = Buffer.alloc(size);
      fs.readSync(fd, b, 0, size, off);
      return b;
    };
    while (pos + BLOCK <= total) {
      fs.readSync(fd, h, 0, BLOCK, pos);
      if (h.equals(ZERO_BLOCK)) break;
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
      if (sum !== parseNumber(h, 148, 8)) throw new Error(`${file}: not a tar archive (bad header checksum at offset ${pos})`);
      const type = String.fromCharCode(h[156] || 0x30);
      let size = parseNumber(h, 124, 12);
      const dataOff = pos + BLOCK;
      if (pax.has('size')) size = Number(pax.get('size'));
      const next = dataOff + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x') {
        pax = parsePax(readData(dataOff, size));
      } else if (type === 'g') {
        // global pax header: nothing we need
      } else if (type === 'L') {
        longName = cString(readData(dataOff, size), 0, size);
      } else if (type === 'K') {
        longLink = cString(readData(dataOff, size), 0, size);
      } else {
        let name = cString(h, 0, 100);
        const magic = h.toString('latin1', 257, 262);
        if (magic === 'ustar') {
          const prefix = cString(h, 345, 155);
          if (prefix !== '') name = prefix + '/' + name;
        }
        name = pax.get('path') ?? longName ?? name;
        const linkname = pax.get('linkpath') ?? longLink ?? cString(h, 157, 100);
        const kind: TarEntry['type'] =
          type === '0' || type === '7' ? 'file' : type === '5' ? 'directory' : type === '2' ? 'symlink' : type === '1' ? 'hardlink' : 'other';
        entries.push({ name: name.replace(/^(\.\/)+/, ''), type: kind, size, offset: dataOff, linkname, mode: parseNumber(h, 100, 8) });
        pax = new Map();
        longName = undefined;
        longLink = undefined;
      }
      pos = next;
    }
    return entries;
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads an entry's data (small entries: manifests and configurations). */
export function readEntry(file: string, e: TarEntry): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(e.size);
    fs.readSync(fd, b, 0, e.size, e.offset);
    return b;
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies `size` bytes at `offset` of `file` to `write`, in chunks. */
export function copyRange(file: string, offset: number, size: number, write: (chunk: Buffer) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - done), offset + done);
      if (n === 0) throw new Error(`${file}: unexpected end of file`);
      write(buf.subarray(0, n));
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}
