/** `nixling parse` and the `nix-instantiate --parse` entry point. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { instantiateParse, parseCommand } from '../../src/cli/parse';

function capture(fn: () => number): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += Buffer.from(s as Uint8Array).toString('latin1');
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += Buffer.from(s as Uint8Array).toString('latin1');
    return true;
  });
  try {
    return { code: fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-parse-'));
const good = path.join(dir, 'good.nix');
const bad = path.join(dir, 'bad.nix');
fs.writeFileSync(good, '{ a = ./x; b = 1 + 2; }');
fs.writeFileSync(bad, '{\n  a = 1;\n  b = ;\n}');

afterEach(() => vi.restoreAllMocks());

describe('nixling parse', () => {
  it('exits 0 when all files parse', () => {
    expect(capture(() => parseCommand([good])).code).toBe(0);
  });
  it('exits 1 with a rendered error, never a stack trace', () => {
    const r = capture(() => parseCommand([good, bad]));
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      [
        "error: syntax error, unexpected ';'",
        `       at ${bad}:3:7:`,
        '            2|   a = 1;',
        '            3|   b = ;',
        '             |       ^',
        '            4| }',
        '',
      ].join('\n'),
    );
    expect(r.err).not.toMatch(/\n\s+at .*\.ts:/);
  });
  it('--json prints the AST with positions', () => {
    const r = capture(() => parseCommand(['--json', good]));
    const j = JSON.parse(r.out);
    expect(j.kind).toBe('Attrs');
    expect(j.pos).toEqual({ file: good, line: 1, column: 1, endLine: 1, endColumn: 24 });
    expect(j.attrs.a.e).toMatchObject({ kind: 'Path', value: path.join(dir, 'x') });
    expect(j.attrs.b.e.kind).toBe('ConcatStrings');
  });
  it('a missing file is an error', () => {
    const r = capture(() => parseCommand([path.join(dir, 'nope.nix')]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: opening file/);
  });
});

describe('instantiateParse', () => {
  it('prints like nix-instantiate --parse', () => {
    const r = capture(() => instantiateParse(good));
    expect(r.code).toBe(0);
    expect(r.out).toBe(`{ a = ${path.join(dir, 'x')}; b = (1 + 2); }\n`);
  });
  it('returns 1 on a syntax error', () => {
    expect(capture(() => instantiateParse(bad)).code).toBe(1);
  });
});
