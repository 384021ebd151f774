import { describe, expect, it } from 'vitest';
import { evalForTest, evalPrint } from '../support/eval';

describe('hash builtins', () => {
  it('hashString gives base16 digests', () => {
    expect(evalPrint('builtins.hashString "sha256" "abc"')).toBe(
      '"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"',
    );
    expect(evalPrint('builtins.hashString "md5" ""')).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  });
  it('rejects unknown algorithms', () => {
    const r = evalForTest('builtins.hashString "sha3" ""');
    expect(r.ok).toBe(false);
    expect(r.out).toContain("unknown hash algorithm 'sha3'");
  });
  it('convertHash converts between all forms', () => {
    expect(
      evalPrint('builtins.convertHash { hash = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="; toHashFormat = "nix32"; }'),
    ).toBe('"1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"');
    const r = evalForTest('builtins.convertHash { hash = "abc"; toHashFormat = "nix32"; }');
    expect(r.out).toContain('does not include a type');
  });
  it('hashFile reports missing files', () => {
    const r = evalForTest('builtins.hashFile "sha256" /does/not/exist');
    expect(r.out).toContain("path '/does/not/exist' does not exist");
  });
});
