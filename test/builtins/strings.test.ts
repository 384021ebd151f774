/** Unit tests of the string builtins, called directly and through the evaluator. */
import { describe, expect, it } from 'vitest';
import { addBuiltinFamily } from '../../src/builtins/index';
import { builtins as strings } from '../../src/builtins/strings';
import { NixPath, NixString, Thunk, Value } from '../../src/eval/value';
import { NixError } from '../../src/eval/errors';

const fn = (name: string) => strings.find((b) => b.name === name)!.fn!;
try {
  addBuiltinFamily(strings);
} catch {
  // Already installed by the registry.
}
const evalPrint = async (e: string) => (await import('../support/eval')).evalPrint(e);
const throwing = () => new Thunk(() => { throw new NixError('throw', 'forced'); }, undefined);

describe('strings builtins', () => {
  it('stringLength counts bytes', () => {
    expect(fn('stringLength')(['h\xc3\xa9'], undefined)).toBe(3);
  });
  it('substring', () => {
    const sub = fn('substring');
    expect(sub([1, 3, 'nixos'], undefined)).toBe('ixo');
    expect(sub([10, 2, 'nixos'], undefined)).toBe('');
    expect(sub([2, -1, 'nixos'], undefined)).toBe('xos');
    expect(() => sub([-1, 1, 'x'], undefined)).toThrow("negative start position in 'substring'");
    const ctx = new NixString('abc', new Set(['/nix/store/aaa-x']));
    const r = sub([0, 0, ctx], undefined) as NixString;
    expect(r).toBeInstanceOf(NixString);
    expect(r.s).toBe('');
    expect([...r.ctx]).toEqual(['/nix/store/aaa-x']);
  });
  it('concatStringsSep keeps contexts', () => {
    const a = new NixString('a', new Set(['/nix/store/aaa-a']));
    const r = fn('concatStringsSep')([new NixString('-', new Set(['/nix/store/bbb-b'])), [a, 'b']], undefined) as NixString;
    expect(r.s).toBe('a--b'.replace('--', '-'));
    expect([...r.ctx].sort()).toEqual(['/nix/store/aaa-a', '/nix/store/bbb-b']);
  });
  it('replaceStrings forces only used replacements', () => {
    const rs = fn('replaceStrings');
    expect(rs([['oo', 'a'], ['a', 'i'], 'foobar'], undefined)).toBe('fabir');
    expect(rs([['x'], [throwing()], 'abc'], undefined)).toBe('abc');
    expect(() => rs([['b'], [throwing()], 'abc'], undefined)).toThrow('forced');
    expect(rs([[''], ['-'], 'abc'], undefined)).toBe('-a-b-c-');
    expect(rs([['a', ''], ['A', '-'], 'xay'], undefined)).toBe('-xA-y-');
    expect(() => rs([['a'], [], 'abc'], undefined)).toThrow('different lengths');
    const ctx = new NixString('R', new Set(['/nix/store/ccc-c']));
    const r = rs([['a'], [ctx], 'xa'], undefined) as NixString;
    expect(r.s).toBe('xR');
    expect(r.ctx.has('/nix/store/ccc-c')).toBe(true);
  });
  it('match and split', () => {
    expect(fn('match')(['a(b)(c)', 'abc'], undefined)).toEqual(['b', 'c']);
    expect(fn('match')(['ab', 'abc'], undefined)).toBe(null);
    expect(fn('split')(['(a)|(c)', 'abc'], undefined)).toEqual(['', ['a', null], 'b', [null, 'c'], '']);
    expect(() => fn('match')(['(', ''], undefined)).toThrow("invalid regular expression '('");
  });
  it('baseNameOf and dirOf', () => {
    expect(fn('baseNameOf')(['/foo/bar/'], undefined)).toBe('bar');
    expect(fn('baseNameOf')([new NixPath('/foo/bar.nix')], undefined)).toBe('bar.nix');
    expect(fn('dirOf')(['/foo/bar'], undefined)).toBe('/foo');
    expect(fn('dirOf')(['foo'], undefined)).toBe('.');
    const p = fn('dirOf')([new NixPath('/foo/bar')], undefined) as Value;
    expect(p).toBeInstanceOf(NixPath);
    expect((p as NixPath).path).toBe('/foo');
    expect((fn('dirOf')([new NixPath('/')], undefined) as NixPath).path).toBe('/');
  });
  it('through the evaluator', async () => {
    expect(await evalPrint('builtins.replaceStrings ["&" "<"] ["&amp;" "&lt;"] "<a&b>"')).toBe('"&lt;a&amp;b>"');
    expect(await evalPrint('builtins.concatStringsSep "/" ["usr" "local" "bin"]')).toBe('"usr/local/bin"');
    expect(await evalPrint('builtins.substring 1 3 "nixos"')).toBe('"ixo"');
    expect(await evalPrint('dirOf "/a/b"')).toBe('"/a"');
  });
});
