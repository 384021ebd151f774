/**
 * Compile-time warnings (src/eval/lint.ts): current Nix's warning about `e or` where it
 * does not head an application. (The literal lints are checked by Nix's language suite.)
 */
import { describe, expect, it } from 'vitest';
import { evalExpr } from '../../src/eval/index';
import { evalState } from '../../src/eval/state';

function warningsOf(text: string): string {
  let out = '';
  const saved = evalState.stderr;
  evalState.stderr = (s: string) => void (out += s);
  try {
    evalExpr(text, { dir: '/' });
  } finally {
    evalState.stderr = saved;
  }
  return out;
}

/** «string» as the byte string nixling keeps positions in. */
const STRING = Buffer.from('«string»', 'utf8').toString('latin1');

describe('`e or` outside the head of an application', () => {
  it.each([
    ['a list element', 'let or = 1; in builtins.length [ (x: x) or ]', '1:34', '((x: x) or)'],
    ['an argument', 'let or = 1; in (x: x * 2) (x: x + 1) or', '1:27', '((x: x + 1) or)'],
    ['a default after or', 'let or = 1; in { a = 2; }.a or (x: x) or', '1:32', '((x: x) or)'],
  ])('warns as current Nix does in %s', (_, text, at, shown) => {
    expect(warningsOf(text)).toBe(
      `warning: at ${STRING}:${at}: This expression uses \`or\` as an identifier in a way that will change in a future Nix release.\n` +
        `Wrap this entire expression in parentheses to preserve its current meaning:\n    ${shown}\n` +
        'Give feedback at https://github.com/NixOS/nix/pull/11121\n',
    );
  });

  it.each([
    ['heading an application', 'let or = (x: x); in map or [ ]'],
    ['in parentheses', 'let f = (x: x); or = f; in f (f or)'],
  ])('does not warn %s', (_, text) => {
    expect(warningsOf(text)).toBe('');
  });
});
