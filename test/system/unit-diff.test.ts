// The line diff (Myers) and the unit-tree diff: edit scripts are minimal (checked against
// an LCS computed by dynamic programming) and unified diffs apply with patch(1).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffLines, diffUnitTrees, unifiedDiff } from '../../src/system/unit-diff';
import { readUnitTree } from '../../src/system/units';
import { removeTempDirs, tempDir, writeTree } from './trees';

afterAll(removeTempDirs);

function lcs(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
  return t[0][0];
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('diffLines', () => {
  it('finds a shortest edit script that turns a into b', () => {
    const r = rng(7);
    for (let n = 0; n < 300; n++) {
      const alphabet = 1 + Math.floor(r() * 5);
      const gen = () => Array.from({ length: Math.floor(r() * 14) }, () => 'abcde'[Math.floor(r() * alphabet)]);
      const a = gen();
      const b = gen();
      const edits = diffLines(a, b);
      expect(edits.filter((e) => e.op !== '+').map((e) => e.line)).toEqual(a);
      expect(edits.filter((e) => e.op !== '-').map((e) => e.line)).toEqual(b);
      expect(edits.filter((e) => e.op === ' ').length).toBe(lcs(a, b));
    }
  });
});

describe('unifiedDiff', () => {
  it('prints hunks like diff -u', () => {
    const a = ['[Unit]', 'Description=x', '', '[Service]', 'Environment="LANG=C"', 'ExecStart=/a', 'Type=simple', ''].join('\n');
    const b = ['[Unit]', 'Description=x', '', '[Service]', 'Environment="LANG=en_US.UTF-8"', 'ExecStart=/a', 'Type=simple', ''].join('\n');
    expect(unifiedDiff(a, b, 'a/x.service', 'b/x.service')).toBe(
      ['--- a/x.service', '+++ b/x.service', '@@ -2,6 +2,6 @@', ' Description=x', ' ', ' [Service]', '-Environment="LANG=C"', '+Environment="LANG=en_US.UTF-8"', ' ExecStart=/a', ' Type=simple', ''].join('\n'),
    );
    expect(unifiedDiff(a, a, 'a', 'b')).toBe('');
    expect(unifiedDiff('', 'x\n', 'a', 'b')).toBe('--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n');
  });

  it('gives diffs that patch(1) applies', () => {
    const dir = tempDir('patch');
    const r = rng(42);
    for (let n = 0; n < 40; n++) {
      const base = Array.from({ length: 30 + Math.floor(r() * 30) }, (_, i) => `line ${i}`);
      const b = [...base];
      for (let k = 0; k < 1 + Math.floor(r() * 6); k++) {
        const at = Math.floor(r() * b.length);
        if (r() < 0.4) b.splice(at, 1);
        else if (r() < 0.7) b.splice(at, 0, `new ${n}.${k}`);
        else b[at] = `changed ${n}.${k}`;
      }
      const oldText = base.join('\n') + '\n';
      const newText = b.join('\n') + '\n';
      fs.writeFileSync(path.join(dir, 'f'), oldText);
      fs.writeFileSync(path.join(dir, 'p'), unifiedDiff(oldText, newText, 'a/f', 'b/f'));
      const res = spawnSync('patch', ['-s', '-p1', '-i', 'p', '--no-backup-if-mismatch'], { cwd: dir, encoding: 'utf8' });
      expect(res.stderr + res.stdout).toBe('');
      expect(fs.readFileSync(path.join(dir, 'f'), 'utf8')).toBe(newText);
    }
  });
});

describe('diffUnitTrees', () => {
  it('lists added, removed and changed units (drop-ins included) and dependency links', () => {
    const dir = tempDir('treediff');
    const old = readUnitTree(
      writeTree(path.join(dir, 'old'), {
        'a.service': '[Service]\nExecStart=/a\n',
        'b.service': '[Service]\nExecStart=/b\n',
        'same.service': '[Service]\nExecStart=/same\n',
        'multi-user.target.wants/a.service': { link: '../a.service' },
      }),
    );
    const neu = readUnitTree(
      writeTree(path.join(dir, 'new'), {
        'a.service': '[Service]\nExecStart=/a2\n',
        'c.service': '[Service]\nExecStart=/c\n',
        'same.service': '[Service]\nExecStart=/same\n',
        'same.service.d/overrides.conf': '[Service]\nNice=1\n',
        'multi-user.target.wants/c.service': { link: '../c.service' },
      }),
    );
    const d = diffUnitTrees(old, neu);
    expect(d.added).toEqual(['c.service']);
    expect(d.removed).toEqual(['b.service']);
    expect(d.changed.map((c) => c.unit)).toEqual(['a.service', 'same.service']);
    expect(d.changed[0].diff).toBe('--- a/a.service\n+++ b/a.service\n@@ -1,2 +1,2 @@\n [Service]\n-ExecStart=/a\n+ExecStart=/a2\n');
    expect(d.changed[1].diff).toBe('--- a/same.service.d/overrides.conf\n+++ b/same.service.d/overrides.conf\n@@ -0,0 +1,2 @@\n+[Service]\n+Nice=1\n');
    expect(d.changed[0].addedLines).toEqual(['ExecStart=/a2']);
    expect(d.linksAdded).toEqual(['multi-user.target.wants/c.service']);
    expect(d.linksRemoved).toEqual(['multi-user.target.wants/a.service']);
  });
});
