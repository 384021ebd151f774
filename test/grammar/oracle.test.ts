/**
 * Differential test against the real Nix: `nix-instantiate --parse` (Debian's Nix 2.8 on
 * this machine) on our own corpus of snippets, chosen where 2.8 and current Nix print alike.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, printExpr } from '../../grammar/index';
import { oracleCorpus } from './oracle-corpus';

const NIX = process.env.NIX_INSTANTIATE ?? '/usr/bin/nix-instantiate';

describe('nix-instantiate --parse oracle', () => {
  if (!fs.existsSync(NIX)) {
    it('oracle', () => {
      console.log(`nix-instantiate absent at ${NIX}, oracle comparison not run`);
    });
    return;
  }
  it('prints every snippet as nix-instantiate does', () => {
    const diffs: string[] = [];
    for (const snippet of oracleCorpus) {
      // `with { };` makes every variable dynamic, so Nix reports no undefined variables.
      const s = `with { }; ${snippet}`;
      const want = execFileSync(NIX, ['--parse', '-'], { input: s, cwd: '/tmp', encoding: 'latin1' }).trimEnd();
      const got = printExpr(parse(s, 'stdin', '/tmp', false));
      if (want !== got) diffs.push(`${JSON.stringify(s)}\n  nixling: ${got}\n  nix:     ${want}`);
    }
    expect(diffs).toEqual([]);
  });
});
