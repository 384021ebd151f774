/**
 * Differential tests: every case of test/corpus/*.nix is evaluated by nixling (in this
 * process) and by the real `nix-instantiate --eval --strict` (Debian's nix-bin), and the two
 * must agree on success or failure and, on success, on the printed value. See
 * test/corpus/README.md for the format. Without nix-instantiate on the machine the cases
 * with an `# expect:` line still run; the others are reported as not compared.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalForTest } from './support/eval';
import { nixEnv } from './support/lib-oracle';

const corpusDir = path.join(__dirname, 'corpus');
const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;

interface Case {
  file: string;
  index: number;
  line: number;
  text: string;
  json: boolean;
  /** `# lazy`: printed as `nix-instantiate --eval` without `--strict` prints it. */
  lazy: boolean;
  expect?: string;
  expectError: boolean;
}

function loadCases(): Case[] {
  const out: Case[] = [];
  for (const f of fs.readdirSync(corpusDir).filter((x) => x.endsWith('.nix')).sort()) {
    const text = fs.readFileSync(path.join(corpusDir, f), 'latin1');
    const lines = text.split('\n');
    let cur: string[] = [];
    let start = 1;
    const flush = (endLine: number) => {
      const body = cur.join('\n');
      if (body.replace(/#.*$/gm, '').trim() !== '') {
        const c: Case = { file: f, index: out.filter((x) => x.file === f).length, line: start, text: body, json: false, lazy: false, expectError: false };
        for (const l of cur) {
          const m = /^#\s*(json|lazy|expect-error|expect:\s?(.*))\s*$/.exec(l.trim());
          if (!m) continue;
          if (m[1] === 'json') c.json = true;
          else if (m[1] === 'lazy') c.lazy = true;
          else if (m[1] === 'expect-error') c.expectError = true;
          else c.expect = m[2];
        }
        out.push(c);
      }
      cur = [];
      start = endLine + 1;
    };
    lines.forEach((l, i) => {
      if (l.trim() === '---') flush(i + 1);
      else cur.push(l);
    });
    flush(lines.length);
  }
  return out;
}

function oracle(c: Case): { ok: boolean; out: string } {
  const args = ['--eval', ...(c.lazy ? [] : ['--strict']), '--readonly-mode', ...(c.json ? ['--json'] : []), '-E', '\n' + Buffer.from(c.text, 'latin1').toString('utf8')];
  // (The leading newline keeps an expression like `-1` from being read as a flag.)
  const r = spawnSync('nix-instantiate', args, { cwd: corpusDir, env: nixEnv, encoding: 'latin1', timeout: 30_000 });
  return { ok: r.status === 0, out: (r.status === 0 ? r.stdout : r.stderr) ?? '' };
}

const cases = loadCases();

describe('differential corpus against nix-instantiate', () => {
  it('has a substantial corpus', () => {
    expect(cases.length).toBeGreaterThan(0);
    if (!hasNix) console.log(`nix-instantiate not installed: only the ${cases.filter((c) => c.expect !== undefined || c.expectError).length} cases with expectations are compared`);
  });
  for (const c of cases) {
    it(`${c.file}#${c.index} (line ${c.line})`, () => {
      const mine = evalForTest(c.text, { dir: corpusDir, json: c.json, lazy: c.lazy });
      if (c.expectError) {
        expect(mine.ok, `expected an error, got ${mine.out}`).toBe(false);
        return;
      }
      if (c.expect !== undefined) {
        expect(mine.ok, mine.out).toBe(true);
        expect(mine.out.replace(/\n$/, '')).toBe(c.expect);
        return;
      }
      if (!hasNix) return;
      const ref = oracle(c);
      expect(mine.ok, `nixling ${mine.ok ? 'succeeded' : 'failed'}: ${mine.out}\nnix: ${ref.out}`).toBe(ref.ok);
      // Nix 2.8 ends --json output without a newline; current Nix adds one.
      if (ref.ok) expect(mine.out.replace(/\n$/, '')).toBe(ref.out.replace(/\n$/, ''));
    });
  }
});

void execFileSync;
