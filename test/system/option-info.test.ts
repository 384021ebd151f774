// Looking up options in an evaluated configuration (src/system/option-info.ts): values,
// types, documentation, declarations and definitions with file:line and priorities,
// submodule instances and placeholders, freeform values, suggestions for unknown paths,
// and evaluation errors kept inside the result.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InspectedSystem,
  LookupResult,
  MissingView,
  OptionView,
  PrefixView,
  ValueView,
  inspectSystem,
  lookupOption,
  nearestNames,
  parseOptionPath,
} from '../../src/system/option-info';
import { formatLookup } from '../../src/cli/option';

const CONFIG = `{ lib, pkgs, ... }:
let inherit (lib) mkOption types mkDefault mkForce mkIf; in
{
  imports = [ ./other.nix ];
  options.demo = {
    enable = lib.mkEnableOption "the demo";
    port = mkOption { type = types.port; default = 8080; description = "Port to listen on."; example = 443; };
    name = mkOption { type = types.str; default = "demo"; };
    level = mkOption { type = types.enum [ "low" "high" ]; default = "low"; };
    tags = mkOption { type = types.listOf types.str; default = [ ]; };
    users = mkOption {
      type = types.attrsOf (types.submodule ({ name, ... }: {
        options.uid = mkOption { type = types.ints.unsigned; description = "The user id."; };
        options.home = mkOption { type = types.str; default = "/home/\${name}"; };
      }));
      default = { };
    };
    env = mkOption { type = types.attrsOf types.str; default = { }; };
  };
  config = {
    demo.enable = true;
    demo.port = mkDefault 9000;
    demo.name = mkForce "forced";
    demo.tags = [ "a" ];
    demo.users.alice = { uid = 1000; };
    demo.users.bob.uid = 1001;
    demo.level = mkIf false "high";
    demo.env.LANG = "C";
    networking.hostName = "demo-host";
  };
}
`;

const OTHER = `{ lib, ... }: {
  demo.name = "other";
  demo.tags = [ "b" ];
  demo.port = 7000;
}
`;

const BAD = `{ lib, ... }: {
  options.demo.broken = lib.mkOption { type = lib.types.str; default = "fine"; };
  options.demo.set = lib.mkOption { type = lib.types.lazyAttrsOf lib.types.int; default = { }; };
  config.demo.broken = throw "broken on purpose";
  config.demo.set = { good = 1; bad = 1 + "x"; };
}
`;

let dir: string;
let sys: InspectedSystem;
let bad: InspectedSystem;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-option-info-'));
  fs.writeFileSync(path.join(dir, 'configuration.nix'), CONFIG);
  fs.writeFileSync(path.join(dir, 'other.nix'), OTHER);
  fs.writeFileSync(path.join(dir, 'bad.nix'), BAD);
  sys = inspectSystem(path.join(dir, 'configuration.nix'));
  bad = inspectSystem(path.join(dir, 'bad.nix'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const look = (p: string, s = sys): LookupResult => lookupOption(s, parseOptionPath(p));
const option = (p: string, s = sys): OptionView => {
  const r = look(p, s);
  if (r.kind !== 'option') throw new Error(`expected an option at ${p}, got ${JSON.stringify(r)}`);
  return r;
};

describe('option paths', () => {
  it('splits on dots, keeping quoted components whole', () => {
    expect(parseOptionPath('a.b.c')).toEqual(['a', 'b', 'c']);
    expect(parseOptionPath('environment.etc."nginx/nginx.conf".text')).toEqual(['environment', 'etc', 'nginx/nginx.conf', 'text']);
    expect(parseOptionPath('a."b\\"c"')).toEqual(['a', 'b"c']);
    expect(parseOptionPath('')).toEqual([]);
    expect(() => parseOptionPath('a..b')).toThrow(/empty component/);
    expect(() => parseOptionPath('a."b')).toThrow(/unterminated/);
  });

  it('finds the nearest names', () => {
    expect(nearestNames('hostname', ['hostName', 'proxy', 'domain'])).toEqual(['hostName']);
    expect(nearestNames('serv', ['services', 'slices', 'sockets'])[0]).toBe('services');
    expect(nearestNames('zzzzzz', ['services', 'slices'])).toEqual([]);
  });
});

describe('lookupOption', () => {
  it('shows value, type, default, example, description and declarations', () => {
    const o = option('demo.port');
    expect(o.value).toBe('7000');
    expect(o.type).toBe('16 bit unsigned integer; between 0 and 65535 (both inclusive)');
    expect(o.default).toBe('8080');
    expect(o.example).toBe('443');
    expect(o.description).toBe('Port to listen on.');
    expect(o.declarations).toEqual([{ file: path.join(dir, 'configuration.nix'), line: 7, column: 5 }]);
    expect(o.highestPrio).toBe(100);
  });

  it('lists every definition with file:line, priority and which won', () => {
    const o = option('demo.port');
    const defs = o.definitions.map((d) => [path.basename(d.file), d.line, d.priorityName, d.won, d.value]);
    expect(defs).toEqual([
      ['configuration.nix', 7, 'option default', false, '8080'],
      ['other.nix', 4, 'no priority (plain definition)', true, '7000'],
      ['configuration.nix', 22, 'mkDefault', false, '9000'],
    ]);
    const name = option('demo.name');
    expect(name.value).toBe('"forced"');
    expect(name.definitions.filter((d) => d.won).map((d) => [path.basename(d.file), d.line, d.priorityName, d.priority])).toEqual([
      ['configuration.nix', 23, 'mkForce', 50],
    ]);
    // Definitions of the same priority are all merged.
    const tags = option('demo.tags');
    expect(tags.value).toBe('[ "b" "a" ]');
    expect(tags.definitions.filter((d) => d.won).map((d) => path.basename(d.file)).sort()).toEqual(['configuration.nix', 'other.nix']);
  });

  it('marks definitions removed by a false mkIf as inactive', () => {
    const o = option('demo.level');
    expect(o.value).toBe('"low"');
    const inactive = o.definitions.find((d) => !d.active)!;
    expect(inactive.line).toBe(27);
    expect(inactive.won).toBe(false);
    expect(o.definitions.find((d) => d.won)!.isOptionDefault).toBe(true);
  });

  it('lists the names of an attribute set of submodules, and their options', () => {
    const o = option('demo.users');
    expect(o.type).toBe('attribute set of (submodule)');
    expect(o.names).toEqual(['alice', 'bob']);
    expect(o.subOptions).toEqual(['home', 'uid']);
  });

  it('goes into submodule instances', () => {
    const inst = look('demo.users.alice') as PrefixView;
    expect(inst.kind).toBe('prefix');
    expect(inst.within).toBe('demo.users');
    expect(inst.children.map((c) => c.name)).toEqual(['home', 'uid']);
    expect(inst.value).toBe('{ home = "/home/alice"; uid = 1000; }');
    expect(inst.definitions!.map((d) => [path.basename(d.file), d.line])).toEqual([['configuration.nix', 25]]);
    const uid = option('demo.users.bob.uid');
    expect(uid.value).toBe('1001');
    expect(uid.within).toBe('demo.users.bob');
    expect(uid.definitions.map((d) => [path.basename(d.file), d.line, d.won])).toEqual([['configuration.nix', 26, true]]);
    const home = option('demo.users.bob.home');
    expect(home.value).toBe('"/home/bob"');
    expect(home.definitions[0].isOptionDefault).toBe(true);
  });

  it('documents the options of every element through a placeholder', () => {
    const o = option('demo.users.<name>.uid');
    expect(o.placeholder).toBe(true);
    expect(o.value).toBeNull();
    expect(o.description).toBe('The user id.');
    expect(o.type).toBe('unsigned integer, meaning >=0');
  });

  it('shows values inside an option and option sets', () => {
    const v = look('demo.env.LANG') as ValueView;
    expect(v).toMatchObject({ kind: 'value', value: '"C"', within: 'demo.env' });
    const p = look('demo') as PrefixView;
    expect(p.kind).toBe('prefix');
    expect(p.children.map((c) => c.name)).toEqual(['enable', 'env', 'level', 'name', 'port', 'tags', 'users']);
  });

  it('suggests the nearest paths for an unknown one', () => {
    const m = look('demo.prot') as MissingView;
    expect(m.kind).toBe('missing');
    expect(m.suggestions[0]).toBe('demo.port');
    expect((look('networking.hostname') as MissingView).suggestions).toContain('networking.hostName');
    expect((look('hostName') as MissingView).suggestions).toContain('networking.hostName');
    const u = look('demo.users.alcie.uid') as MissingView;
    expect(u.suggestions[0]).toBe('demo.users.alice.uid');
    expect(formatLookup(u)).toContain("Did you mean 'demo.users.alice.uid'?");
  });

  it('keeps evaluation errors inside the result, with file:line', () => {
    const o = option('demo.broken', bad);
    expect(o.value).toBeNull();
    expect(o.valueErrors[0]).toContain('broken on purpose');
    expect(o.valueErrors[0]).toContain(`${path.join(dir, 'bad.nix')}:4:`);
    // The rest is still there.
    expect(o.type).toBe('string');
    expect(o.default).toBe('"fine"');
    const won = o.definitions.find((d) => d.won)!;
    expect([path.basename(won.file), won.line]).toEqual(['bad.nix', 4]);
    const set = option('demo.set', bad);
    expect(set.value).toContain('good = 1;');
    expect(set.value).toContain('\xc2\xaberror: cannot add a string to an integer\xc2\xbb'); // byte strings
    expect(set.valueErrors[0]).toContain(`${path.join(dir, 'bad.nix')}:5:`);
    const text = formatLookup(set);
    expect(text).toContain('Errors:');
    expect(text).toContain('Type:');
  });
});
