/**
 * `nixling instantiate` as a command, where the in-process corpus cannot reach: the search
 * path (-I, NIX_PATH), file arguments, --arg, positions of -E expressions. Each case states
 * what Nix 2.8's nix-instantiate prints; when it is installed, it is also run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNixPath, parseSearchPathEntry } from '../../src/eval/state';
import { nixEnv } from '../support/lib-oracle';

const BIN = path.join(__dirname, '../../bin/nixling');
const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;

// dir/d/default.nix, dir/d/sub/x.nix, dir/link -> d, dir/d/lnk.nix -> sub/x.nix
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-inst-')));
fs.mkdirSync(path.join(dir, 'd/sub'), { recursive: true });
fs.writeFileSync(path.join(dir, 'd/default.nix'), '{ here = ./.; }');
fs.writeFileSync(path.join(dir, 'd/sub/x.nix'), '{ y = ./y; }');
fs.symlinkSync('d', path.join(dir, 'link'));
fs.symlinkSync('sub/x.nix', path.join(dir, 'd/lnk.nix'));

interface Case {
  args: string[];
  env?: Record<string, string>;
  /** What nix-instantiate prints (DIR stands for the scratch directory), or null: it fails. */
  out: string | null;
}

const cases: Case[] = [
  // -I takes its argument as one entry (no splitting at `:`), kept as written.
  { args: ['--eval', '-I', 'foo=/a:/b', '-E', 'builtins.nixPath'], out: '[ { path = "/a:/b"; prefix = "foo"; } ]' },
  { args: ['--eval', '-I', `${dir}:/tmp`, '-E', '<d>'], out: null },
  { args: ['--eval', '--strict', '-I', 'rel=d', '-E', '[ builtins.nixPath <rel> ]'], out: '[ [ { path = "d"; prefix = "rel"; } ] DIR/d ]' },
  // NIX_PATH: an empty entry between colons is the current directory; a URI keeps its colon.
  { args: ['--eval', '-E', '[ builtins.nixPath <d> ]', '--strict'], env: { NIX_PATH: '::x=/nonexistent:' }, out: '[ [ { path = ""; prefix = ""; } { path = ""; prefix = ""; } { path = "/nonexistent"; prefix = "x"; } ] DIR/d ]' },
  { args: ['--eval', '-E', 'builtins.nixPath'], env: { NIX_PATH: 'a=https://example.org/a.tar.gz:b=/b' }, out: '[ { path = "https://example.org/a.tar.gz"; prefix = "a"; } { path = "/b"; prefix = "b"; } ]' },
  // findFile takes the directory as a string, relative to the current directory.
  { args: ['--eval', '-E', 'builtins.findFile [ { prefix = "x"; path = "d"; } ] "x/sub"'], out: 'DIR/d/sub' },
  // File arguments: `<p>` is looked up, links and directories are resolved.
  { args: ['--eval', '-I', dir, '<d>', '-A', 'here'], out: 'DIR/d' },
  { args: ['--eval', 'link', '-A', 'here'], out: 'DIR/d' },
  { args: ['--eval', '--strict', 'd/lnk.nix'], out: '{ y = DIR/d/sub/y; }' },
  // --arg expressions are passed unevaluated.
  { args: ['--eval', '-E', '{ a }: [ a ]', '--arg', 'a', '3'], out: '[ <CODE> ]' },
  { args: ['--eval', '-E', '{ a ? 1 }: 2', '--arg', 'a', 'throw "unused"'], out: '2' },
  // An expression that is also the name of an Object.prototype member.
  { args: ['--eval', '-E', 'toString'], out: '<PRIMOP>' },
  // Nix 2.8 names the "file" of an -E expression by its text.
  { args: ['--eval', '--strict', '-E', '{ a = __curPos; }'], out: '{ a = { column = 7; file = "{ a = __curPos; }"; line = 1; }; }' },
  { args: ['--eval', '--strict', '-E', 'builtins.unsafeGetAttrPos "a" { a = 1; }'], out: '{ column = 33; file = "builtins.unsafeGetAttrPos \\"a\\" { a = 1; }"; line = 1; }' },
  {
    args: ['--eval', '--xml', '-E', '{ a = 1; }'],
    out: `<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <attrs>\n    <attr column="3" line="1" name="a" path="{ a = 1; }">\n      <int value="1" />\n    </attr>\n  </attrs>\n</expr>`,
  },
];

function run(cmd: string[], c: Case): { ok: boolean; out: string } {
  const r = spawnSync(cmd[0], [...cmd.slice(1), ...c.args], { cwd: dir, env: { ...nixEnv, ...c.env }, encoding: 'latin1' });
  return { ok: r.status === 0, out: r.stdout.replace(/\n$/, '') };
}

describe('nixling instantiate as nix-instantiate', () => {
  it('splits NIX_PATH as Nix does', () => {
    expect(parseNixPath('::a=/x:')).toEqual([
      { prefix: '', path: '' },
      { prefix: '', path: '' },
      { prefix: 'a', path: '/x' },
    ]);
    expect(parseNixPath('n=channel:nixos-22.05:/y')).toEqual([
      { prefix: 'n', path: 'channel:nixos-22.05' },
      { prefix: '', path: '/y' },
    ]);
    expect(parseSearchPathEntry('a=b=c')).toEqual({ prefix: 'a', path: 'b=c' });
  });
  for (const c of cases) {
    it(`${Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v} `).join('')}${c.args.join(' ')}`, () => {
      const want = c.out === null ? null : c.out.replaceAll('DIR', dir);
      const mine = run([BIN, 'instantiate'], c);
      expect(mine.ok ? mine.out : null).toBe(want);
      if (hasNix) {
        const ref = run(['nix-instantiate'], c);
        expect(ref.ok ? ref.out : null).toBe(want);
      }
    });
  }
});
