/** Every .nix file of nixpkgs' lib/ (path in NIXPKGS_LIB, default /work/suites/nixpkgs.lib) parses. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index';

const root = process.env.NIXPKGS_LIB ?? '/work/suites/nixpkgs.lib';
const libDir = path.join(root, 'lib');

function nixFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) nixFiles(p, out);
    else if (e.name.endsWith('.nix')) out.push(p);
  }
  return out;
}

describe('nixpkgs lib parses', () => {
  if (!fs.existsSync(libDir)) {
    it('lib', () => {
      console.log(`nixpkgs lib absent at ${libDir}, not run`);
    });
    return;
  }
  it('every lib/**/*.nix file', () => {
    const failures: string[] = [];
    const files = nixFiles(libDir);
    for (const f of files) {
      try {
        parse(fs.readFileSync(f, 'latin1'), f, path.dirname(f));
      } catch (e) {
        failures.push(`${f}: ${(e as Error).message}`);
      }
    }
    expect(files.length).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});
