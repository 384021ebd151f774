/**
 * The shipped examples evaluate through the `nixling` command to what Nix (with nixpkgs'
 * lib, for the module example) gives for the same expressions.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..');
const nixling = (args: string[]) => execFileSync(path.join(root, 'bin', 'nixling'), args, { encoding: 'utf8' });

describe('examples', () => {
  it('hello evaluates', () => {
    expect(nixling(['eval', path.join(root, 'examples/hello/default.nix')])).toBe(
      '{ enabled = [ "web" ]; fib20 = 6765; greeting = "hello from web"; ports = { db = 5432; web = 8080; }; summary = "1 of 2 services enabled"; }\n',
    );
  });
  it('modules evaluates as nixpkgs lib.evalModules does', () => {
    // Recorded from nix-instantiate with nixpkgs' lib in place of <nixling/lib>.
    expect(nixling(['eval', path.join(root, 'examples/modules/default.nix')])).toBe(
      '{ firewall = { allowedPorts = [ 8080 ]; }; portIsDefault = 1000; roots = { "docs.example.org" = "/var/www/docs"; "example.org" = "/srv/example.org"; }; }\n',
    );
  });
});
