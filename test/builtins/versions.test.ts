/** Unit tests of parseDrvName, splitVersion and compareVersions. */
import { describe, expect, it } from 'vitest';
import { compareVersions, parseDrvName, splitVersion } from '../../src/builtins/versions';

describe('versions', () => {
  it('parseDrvName splits at the first dash not followed by a letter', () => {
    expect(parseDrvName('nix-0.12pre12876')).toEqual({ name: 'nix', version: '0.12pre12876' });
    expect(parseDrvName('apache-httpd-2.0.48')).toEqual({ name: 'apache-httpd', version: '2.0.48' });
    expect(parseDrvName('hello')).toEqual({ name: 'hello', version: '' });
  });
  it('splitVersion', () => {
    expect(splitVersion('1.2a3-pre4')).toEqual(['1', '2', 'a', '3', 'pre', '4']);
    expect(splitVersion('..1--2..')).toEqual(['1', '2']);
  });
  it('compareVersions', () => {
    const cases: [string, string, number][] = [
      ['1.0', '2.3', -1], ['2.3', '2.3', 0], ['2.3.1', '2.3', 1], ['2.3.1', '2.3a', 1],
      ['2.3pre1', '2.3', -1], ['2.3pre1', '2.3c', -1], ['1.0a', '1.0b', -1], ['1.01', '1.1', 0],
      ['2.3', '2.3.0', -1], ['a', '1', -1],
    ];
    for (const [a, b, r] of cases) expect(compareVersions(a, b), `${a} vs ${b}`).toBe(r);
  });
});
