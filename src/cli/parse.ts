/**
 * `nixling parse FILE…` checks that Nix files parse (`-` reads standard input); `--json`
 * prints each file's AST; `--reference` parses with the chevrotain reference grammar instead
 * of the fast parser (as NIXLING_PARSER=reference does). `instantiateParse` is
 * `nix-instantiate --parse`: it prints the parsed expression the way Nix does.
 *
 * Text is handled as byte strings (latin1 in and out), as everywhere in nixling.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ParseError, Source, type Expr } from '../../grammar/ast';
import { parseSource, printExpr, useReferenceParser } from '../../grammar/index';
import { fromParseError, renderError } from '../eval/errors';

/** «stdin» as a byte string (UTF-8 bytes, one code unit each). */
const STDIN_NAME = Buffer.from('«stdin»', 'utf8').toString('latin1');

const usage = `usage: nixling parse [--json] [--reference] FILE...   (- for standard input)\n`;

/** A path as a byte string (UTF-8 bytes, one code unit each); ASCII paths are already. */
function toBytes(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}
const NON_ASCII = /[^\x00-\x7f]/;

/** An absolute path with no empty, `.` or `..` segment and no trailing slash: `path.resolve` would return it unchanged. */
const NOT_CANONICAL = /\/(?:\.\.?)?(?:\/|$)/;

/** One buffer that every file is read into (grown as needed): a batch of files allocates no buffer per file. */
let readBuffer = Buffer.allocUnsafe(1 << 16);

/** The bytes of a file as a byte string, read through `readBuffer`. */
function readFileBytes(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    let n = 0;
    for (;;) {
      if (n === readBuffer.length) {
        const bigger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(bigger, 0, 0, n);
        readBuffer = bigger;
      }
      const r = fs.readSync(fd, readBuffer, n, readBuffer.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return readBuffer.toString('latin1', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a file or stdin into a Source the way nix-instantiate does. */
export function readSource(file: string): Source {
  if (file === '-') return new Source(STDIN_NAME, fs.readFileSync(0, 'latin1'), process.cwd(), false);
  // The common case, a regular file named by a canonical absolute path, is read without
  // normalising the path or a stat call; anything else (a directory, a relative path, an
  // error) takes the general way, which also gives the errors their usual messages.
  if (file.charCodeAt(0) === 47 && !NOT_CANONICAL.test(file)) {
    let text: string | undefined;
    try {
      text = readFileBytes(file);
    } catch {
      text = undefined;
    }
    if (text !== undefined) return new Source(toBytes(file), text, toBytes(file.slice(0, file.lastIndexOf('/')) || '/'), true);
  }
  let abs = path.resolve(file);
  if (fs.statSync(abs).isDirectory()) abs = path.join(abs, 'default.nix');
  return new Source(toBytes(abs), fs.readFileSync(abs, 'latin1'), toBytes(path.dirname(abs)), true);
}

function writeErr(s: string): void {
  process.stderr.write(Buffer.from(s, 'latin1'));
}

function writeOut(s: string): void {
  process.stdout.write(Buffer.from(s, 'latin1'));
}

/**
 * Bytes a batch parses before V8 may use its optimizing compiler (TurboFan). Compiling the
 * lexer's and parser's hot functions costs more CPU (on background threads, which compete
 * with the main thread for the cores) than parsing all of nixpkgs' lib (1.1 MB) with the
 * baseline compiler saves: a batch starts on the baseline code, and TurboFan comes in when
 * the batch is large enough for optimized code to pay off (it parses about 1.6 times faster).
 */
const OPTIMIZE_AFTER = 4 << 20;

/** Bytes parsed by the current batch (see OPTIMIZE_AFTER); -1 outside a batch. */
let batchBytes = -1;

/** Parses one source; on failure prints the error and returns undefined. */
function tryParse(file: string): Expr | undefined {
  let src: Source;
  try {
    src = readSource(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    writeErr(`error: opening file '${file}': ${err.code === 'ENOENT' ? 'No such file or directory' : err.message}\n`);
    return undefined;
  }
  if (batchBytes >= 0 && (batchBytes += src.text.length) >= OPTIMIZE_AFTER) endBaselineOnly();
  try {
    return parseSource(src);
  } catch (e) {
    if (e instanceof ParseError) {
      writeErr(renderError(fromParseError(e)) + '\n');
      return undefined;
    }
    throw e;
  }
}

/** Starts a batch on baseline code (see OPTIMIZE_AFTER), unless V8 runs with a tiering flag of its own. */
function startBaselineOnly(): void {
  if (process.execArgv.some((a) => /^--(no-)?(opt|turbofan|max-opt)\b/.test(a))) return;
  setFlagsFromString('--no-turbofan');
  batchBytes = 0;
}

function endBaselineOnly(): void {
  if (batchBytes < 0) return;
  batchBytes = -1;
  setFlagsFromString('--turbofan');
}

/** `nix-instantiate --parse FILE`: prints the expression as Nix shows it; returns the exit status. */
export function instantiateParse(file: string | '-'): number {
  const e = tryParse(file);
  if (!e) return 1;
  writeOut(printExpr(e) + '\n');
  return 0;
}

/** The AST as plain JSON: `kind`, `pos` {file,line,column,endLine,endColumn}, and the fields. */
export function astToJson(e: unknown): unknown {
  const pos = (src: Source, start: number, end: number) => {
    const a = src.location(start);
    const b = src.location(end);
    return { file: src.path, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  const conv = (v: unknown, src?: Source): unknown => {
    if (typeof v === 'bigint') return v.toString();
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => conv(x, src));
    if (v instanceof Map) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v) o[k] = conv(x, src);
      return o;
    }
    const obj = v as Record<string, unknown>;
    const s = (obj.src as Source | undefined) ?? src;
    const out: Record<string, unknown> = {};
    if ('kind' in obj) out.kind = obj.kind;
    if (s && typeof obj.start === 'number' && typeof obj.end === 'number') out.pos = pos(s, obj.start, obj.end);
    for (const [k, x] of Object.entries(obj)) {
      if (k === 'src' || k === 'start' || k === 'end' || k === 'kind' || x === undefined) continue;
      if ((k === 'opStart' || k === 'cursedOr') && s && typeof x === 'number') {
        out[k === 'opStart' ? 'opPos' : 'cursedOrPos'] = pos(s, x, x);
        continue;
      }
      out[k] = conv(x, s);
    }
    return out;
  };
  return conv(e);
}

export function parseCommand(argv: string[]): number {
  let json = false;
  const files: string[] = [];
  let reference = false;
  for (const a of argv) {
    if (a === '--json') json = true;
    else if (a === '--reference') reference = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(usage);
      return 0;
    } else if (a.startsWith('--')) {
      writeErr(`error: unknown option '${a}'\n${usage}`);
      return 1;
    } else files.push(a);
  }
  if (files.length === 0) {
    writeErr(usage);
    return 1;
  }
  let status = 0;
  const results: unknown[] = [];
  if (reference) useReferenceParser(true);
  startBaselineOnly();
  try {
    for (const f of files) {
      const e = tryParse(f);
      if (!e) status = 1;
      else if (json) results.push(astToJson(e));
    }
  } finally {
    endBaselineOnly();
    if (reference) useReferenceParser(undefined);
  }
  if (json) writeOut(JSON.stringify(files.length === 1 ? (results[0] ?? null) : results) + '\n');
  return status;
}
