/**
 * Nix's own parser tests (tests/functional/lang/parse-*.nix of a NixOS/nix checkout, path in
 * NIX_SUITE, default /work/suites/nix), run the way lang.sh runs them: the file is read from
 * standard input («stdin», paths relative to the tests/functional directory, shown as /pwd).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../grammar/ast';
import { parse, printExpr } from '../../grammar/index';

const suite = process.env.NIX_SUITE ?? '/work/suites/nix';
const langDir = path.join(suite, 'tests/functional/lang');
const cwd = path.join(suite, 'tests/functional');
const STDIN = Buffer.from('«stdin»', 'utf8').toString('latin1');

/** parse-fail tests whose failure is an undefined variable: the scope resolver reports those. */
export const needsScopeResolution = ['parse-fail-undef-var.nix', 'parse-fail-regression-20060610.nix'];

describe('Nix parser conformance suite', () => {
  if (!fs.existsSync(langDir)) {
    it('suite', () => {
      console.log(`suite absent at ${langDir}, conformance not run`);
    });
    return;
  }
  const files = fs.readdirSync(langDir).sort();
  const read = (f: string) => fs.readFileSync(path.join(langDir, f), 'latin1');

  for (const f of files.filter((f) => /^parse-okay-.*\.nix$/.test(f))) {
    it(f, () => {
      const out = printExpr(parse(read(f), STDIN, cwd, false)).split(cwd).join('/pwd');
      expect(out).toBe(read(f.replace(/\.nix$/, '.exp')).trimEnd());
    });
  }

  for (const f of files.filter((f) => /^parse-fail-.*\.nix$/.test(f))) {
    if (needsScopeResolution.includes(f)) {
      it(`${f} (needs scope resolution: parses here, the resolver rejects it)`, () => {
        expect(() => parse(read(f), STDIN, cwd, false)).not.toThrow();
      });
      continue;
    }
    it(f, () => {
      let err: unknown;
      try {
        parse(read(f), STDIN, cwd, false);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ParseError);
      const e = err as ParseError;
      const exp = read(f.replace(/\.nix$/, '.err.exp'));
      const m = /^error: (.*)\n\s*at \S+:(\d+):(\d+):/.exec(exp)!;
      const loc = e.src.location(e.start);
      // Position and message as Nix prints them.
      expect(`${loc.line}:${loc.column}`).toBe(`${m[2]}:${m[3]}`);
      expect(e.message).toBe(m[1]);
    });
  }
});
