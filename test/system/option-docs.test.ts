// Option documentation (src/system/option-docs.ts): options.json entries with placeholders
// for submodules, the Markdown reference, and the JSON Schema export, checked with ajv
// (draft 2020-12): a sample configuration's data validates, wrong data does not.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InspectedSystem, inspectSystem } from '../../src/system/option-info';
import { JsonSchema, optionDocs, optionsJsonSchema, optionsMarkdown, posixToJsRegex } from '../../src/system/option-docs';

const CONFIG = `{ lib, ... }:
let inherit (lib) mkOption types; in
{
  options.demo = {
    enable = lib.mkEnableOption "the demo";
    port = mkOption { type = types.port; default = 8080; description = "Port to listen on."; example = 443; };
    name = mkOption { type = types.strMatching "[a-z][a-z0-9-]*"; default = "demo"; };
    level = mkOption { type = types.enum [ "low" "high" ]; default = "low"; };
    ratio = mkOption { type = types.nullOr types.float; default = null; };
    tags = mkOption { type = types.listOf types.str; default = [ ]; };
    either = mkOption { type = types.either types.int types.str; default = 1; };
    users = mkOption {
      type = types.attrsOf (types.submodule {
        options.uid = mkOption { type = types.ints.unsigned; description = "The user id."; };
        options.groups = mkOption { type = types.listOf types.str; default = [ ]; };
      });
      default = { };
    };
    listed = mkOption { type = types.listOf (types.submodule { options.x = mkOption { type = types.bool; }; }); default = [ ]; };
    json = mkOption { type = types.json; default = { }; };
    pkg = mkOption { type = types.package; defaultText = lib.literalExpression "pkgs.hello"; };
    hidden = mkOption { type = types.str; default = ""; visible = false; };
    secret = mkOption { type = types.str; default = ""; internal = true; };
    fun = mkOption { type = types.functionTo types.str; default = x: "y"; };
  };
}
`;

let dir: string;
let sys: InspectedSystem;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-option-docs-'));
  fs.writeFileSync(path.join(dir, 'configuration.nix'), CONFIG);
  sys = inspectSystem(path.join(dir, 'configuration.nix'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('optionDocs', () => {
  it('documents options like NixOS options.json', () => {
    const docs = optionDocs(sys.options);
    const port = docs['demo.port'];
    expect(port).toMatchObject({
      declarations: [path.join(dir, 'configuration.nix')],
      declarationPositions: [{ file: path.join(dir, 'configuration.nix'), line: 6, column: 5 }],
      default: { _type: 'literalExpression', text: '8080' },
      example: { _type: 'literalExpression', text: '443' },
      description: 'Port to listen on.',
      loc: ['demo', 'port'],
      readOnly: false,
      type: '16 bit unsigned integer; between 0 and 65535 (both inclusive)',
    });
    expect(docs['demo.enable'].description).toBe('Whether to enable the demo.');
    expect(docs['demo.pkg'].default).toEqual({ _type: 'literalExpression', text: 'pkgs.hello' });
    expect(docs['demo.uid']).toBeUndefined();
  });

  it('expands submodules with placeholders and leaves out hidden and internal options', () => {
    const docs = optionDocs(sys.options);
    expect(docs['demo.users.<name>.uid']).toMatchObject({ loc: ['demo', 'users', '<name>', 'uid'], description: 'The user id.' });
    expect(docs['demo.users.<name>.groups'].type).toBe('list of string');
    expect(docs['demo.listed.*.x'].type).toBe('boolean');
    expect(docs['demo.hidden']).toBeUndefined();
    expect(docs['demo.secret']).toBeUndefined();
    const names = Object.keys(docs);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('networking.hostName');
  });

  it('renders Markdown', () => {
    const md = optionsMarkdown(optionDocs(sys.options), 'Demo');
    expect(md.startsWith('# Demo\n')).toBe(true);
    expect(md).toContain('## `demo.port`\n\nPort to listen on.\n\n*Type:* 16 bit unsigned integer; between 0 and 65535 (both inclusive)\n\n*Default:* `8080`\n\n*Example:* `443`\n');
    expect(md).toContain('## `demo.users.<name>.uid`');
  });
});

describe('optionsJsonSchema', () => {
  let schema: JsonSchema;
  let validate: ReturnType<Ajv2020['compile']>;
  beforeAll(() => {
    schema = optionsJsonSchema(sys.options, 'demo');
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    validate = ajv.compile(schema);
  });
  const valid = (data: unknown) => {
    const ok = validate(data);
    return ok ? true : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };

  it('is a draft 2020-12 schema of the option tree', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const demo = (schema.properties as Record<string, JsonSchema>).demo;
    const props = demo.properties as Record<string, JsonSchema>;
    expect(props.enable).toMatchObject({ type: 'boolean', default: false });
    expect(props.port).toMatchObject({ type: 'integer', minimum: 0, maximum: 65535, default: 8080, examples: [443] });
    expect(props.level).toMatchObject({ enum: ['low', 'high'] });
    expect(props.ratio).toMatchObject({ anyOf: [{ type: 'null' }, { type: 'number' }] });
    expect(props.either).toMatchObject({ anyOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(props.tags).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(props.pkg).toMatchObject({ type: 'string' });
    expect(props.fun).toMatchObject({});
    const user = (props.users.additionalProperties as JsonSchema).properties as Record<string, JsonSchema>;
    expect(user.uid).toMatchObject({ type: 'integer', minimum: 0, description: 'The user id.' });
  });

  it('accepts a valid configuration', () => {
    expect(
      valid({
        demo: {
          enable: true,
          port: 443,
          name: 'web-1',
          level: 'high',
          ratio: 0.5,
          tags: ['a', 'b'],
          either: 'text',
          users: { alice: { uid: 1000, groups: ['wheel'] }, bob: { uid: 1001 } },
          listed: [{ x: true }],
          json: { a: [1, 'x', null, { b: true }] },
          pkg: '/nix/store/00000000000000000000000000000000-hello',
        },
        networking: { hostName: 'box' },
      }),
    ).toBe(true);
    expect(valid({})).toBe(true);
  });

  it('rejects wrong configurations', () => {
    expect(valid({ demo: { port: 70000 } })).toEqual(['/demo/port must be <= 65535']);
    expect(valid({ demo: { enable: 'yes' } })).toEqual(['/demo/enable must be boolean']);
    expect(valid({ demo: { level: 'medium' } })).toEqual(['/demo/level must be equal to one of the allowed values']);
    expect(valid({ demo: { name: 'Web' } })).toEqual(['/demo/name must match pattern "^(?:[a-z][a-z0-9-]*)$"']);
    expect(valid({ demo: { users: { alice: { uid: -1 } } } })).toEqual(['/demo/users/alice/uid must be >= 0']);
    expect(valid({ demo: { users: { alice: { uid: 1, shell: 'sh' } } } })).toEqual(['/demo/users/alice must NOT have additional properties']);
    expect(valid({ demo: { prot: 80 } })).toEqual(['/demo must NOT have additional properties']);
    expect(valid({ demo: { tags: 'a' } })).toEqual(['/demo/tags must be array']);
    expect(valid({ nosuch: {} })).toEqual([' must NOT have additional properties']);
  });

  it('converts POSIX classes in strMatching patterns', () => {
    expect(posixToJsRegex('[[:alnum:]_-]+')).toBe('^(?:[A-Za-z0-9_-]+)$');
    expect(posixToJsRegex('[[:nosuch:]]')).toBeUndefined();
    expect(posixToJsRegex('(')).toBeUndefined();
  });
});
