/** Unit tests of the POSIX ERE translation and the libstdc++-compatible matcher. */
import { describe, expect, it } from 'vitest';
import { compileRegex } from '../../src/builtins/regex';

const m = (re: string, s: string) => compileRegex(re).matchFull(s);
const all = (re: string, s: string) => compileRegex(re).matchAll(s);

describe('POSIX extended regexes', () => {
  it('matches whole strings with captures', () => {
    expect(m('a(b)(c)', 'abc')).toEqual(['b', 'c']);
    expect(m('ab', 'abc')).toBe(null);
    expect(m('(a)(b)?', 'a')).toEqual(['a', null]);
    expect(m('[[:space:]]+([[:upper:]]+)[[:space:]]+', '  FOO   ')).toEqual(['FOO']);
  });
  it('keeps captures from earlier loop iterations, as libstdc++ does', () => {
    expect(m('((a)|b)+', 'ab')).toEqual(['b', 'a']);
    expect(m('(a|(b))+', 'ba')).toEqual(['a', 'b']);
    expect(m('(a*)*', '')).toEqual(['']);
    expect(m('(a)*', '')).toEqual([null]);
  });
  it('bracket expressions follow POSIX', () => {
    expect(m('[\\]a]+', '\\a]]')).toEqual([]);
    expect(m('[]a]+', ']a')).toEqual([]);
    expect(m('[^]a]+', 'bc')).toEqual([]);
    expect(m('[a-]+', 'a-')).toEqual([]);
    expect(m('[]-a]', '^')).toEqual([]);
    expect(m('[[:alpha:]]', '\xc3')).toBe(null);
    expect(m('.', '\n')).toEqual([]);
  });
  it('rejects what libstdc++ rejects', () => {
    for (const bad of ['(', ')', '*a', 'a|*b', 'a{,2}', 'x{', 'a{2,1}', '[z-a]', '[a-z-9]', '[[:alpha:]-z]', '[[:foo:]]', '\\d', '\\/', '\\', '[', '[]', '^*']) {
      expect(() => compileRegex(bad), bad).toThrow(`invalid regular expression '${bad}'`);
    }
    expect(() => compileRegex('a{100001}')).toThrow('memory limit exceeded');
  });
  it('split-style search keeps the longest alternative', () => {
    expect(all('(a|ab)', 'xabx')).toEqual([[[1, 3], [1, 3]]]);
    expect(all('a|ab|abc', 'abcabd').map((x) => x[0])).toEqual([[0, 3], [3, 5]]);
    expect(all('a*', 'baaac').map((x) => x[0])).toEqual([[0, 0], [1, 4], [4, 4], [5, 5]]);
    expect(all('', 'ab').map((x) => x[0])).toEqual([[0, 0], [1, 1], [2, 2]]);
  });
  it('caches compiled regexes', () => {
    expect(compileRegex('a+b')).toBe(compileRegex('a+b'));
  });
});
