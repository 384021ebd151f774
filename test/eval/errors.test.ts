/**
 * How errors are laid out (src/eval/errors.ts), checked against what Nix prints.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { evalForTest } from '../support/eval';

const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;

describe('error layout', () => {
  it('indents the lines of a multi-line message after the first, but leaves empty lines empty', () => {
    const r = evalForTest('throw "first\\n\\n  third"');
    expect(r.ok).toBe(false);
    expect(r.out.split('\n').slice(0, 3)).toEqual(['error: first', '', '         third']);
  });

  it.runIf(hasNix)('lays a multi-line message out as nix-instantiate does', () => {
    const text = 'throw "a\\n\\nb\\n  c\\n"';
    const nix = spawnSync('nix-instantiate', ['--eval', '-E', text], { encoding: 'utf8' });
    const ours = evalForTest(text).out;
    // Nix 2.8 puts no position under a throw; compare the message lines only.
    const message = (s: string) => s.split('\n').slice(0, 5).join('\n');
    expect(message(ours)).toBe(message(nix.stderr));
  });
});

describe('warning layout (builtins.warn)', () => {
  const warningOf = (text: string): string => {
    const r = spawnSync(require.resolve('../../bin/nixling'), ['instantiate', '--eval', '-E', `builtins.warn ${text} null`], { encoding: 'utf8' });
    return r.stderr;
  };
  it('aligns continuation lines under the first line and leaves empty lines empty', () => {
    expect(warningOf('"foo\\n\\nbar"')).toBe('evaluation warning: foo\n\n                    bar\n');
  });
  it('prints a message that starts with a newline as it is, as current Nix does', () => {
    expect(warningOf('"\\nfoo\\nbar"')).toBe('evaluation warning:\nfoo\nbar\n');
  });
});
