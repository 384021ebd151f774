// The unit-file parser (systemd.syntax) and reading unit trees from disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseUnitText, parseUnitWithDropins, unitBool, unitInfoToJSON, unitWords } from '../../src/system/ini';
import { lookupUnit, readUnitTree, resolvePath, storeMapper, unitInfo } from '../../src/system/units';
import { removeTempDirs, tempDir, writeTree } from './trees';

afterAll(removeTempDirs);

describe('parseUnitText', () => {
  // A continued line keeps the space before its backslash and gains one for it, as systemd's does.
  it('reads sections, multi-valued keys, comments and continuations', () => {
    const info = parseUnitText(
      [
        '# a comment',
        '; another',
        '[Unit]',
        'Description = A service  ',
        'After=a.target',
        'After=b.target',
        '',
        '[Service]',
        'ExecStart=/bin/echo one \\',
        '  # a comment inside a continuation is skipped',
        '  two \\',
        '  three',
        'Environment="A=1"',
        'Environment="B=2"',
        'not an assignment',
        '[Install]',
        'WantedBy=multi-user.target',
      ].join('\n'),
    );
    expect(unitInfoToJSON(info)).toEqual({
      Install: { WantedBy: ['multi-user.target'] },
      Service: { Environment: ['"A=1"', '"B=2"'], ExecStart: ['/bin/echo one  two  three'] },
      Unit: { After: ['a.target', 'b.target'], Description: ['A service'] },
    });
  });

  it('resets a list on an empty assignment, also from drop-ins, which apply in name order', () => {
    const info = parseUnitWithDropins(
      '[Service]\nExecStart=/a\nExecStartPre=/p1\nExecStartPre=/p2\n',
      new Map([
        ['20-b.conf', '[Service]\nExecStart=\nExecStart=/c\n'],
        ['10-a.conf', '[Service]\nExecStart=/b\nExecStartPre=\n'],
        ['README', '[Service]\nExecStart=/ignored\n'],
      ]),
    );
    expect(unitInfoToJSON(info)).toEqual({ Service: { ExecStart: ['/c'], ExecStartPre: [] } });
  });

  it('reads booleans and word lists as systemd does', () => {
    const info = parseUnitText('[Service]\nX-StopIfChanged=no\nX-StopIfChanged=on\nSockets=a.socket b.socket\nSockets=c.socket\n');
    expect(unitBool(info, 'Service', 'X-StopIfChanged', false)).toBe(true);
    expect(unitBool(info, 'Service', 'X-RestartIfChanged', true)).toBe(true);
    expect(unitBool(parseUnitText('[Service]\nX-RestartIfChanged=false\n'), 'Service', 'X-RestartIfChanged', true)).toBe(false);
    expect(unitWords(info, 'Service', 'Sockets')).toEqual(['a.socket', 'b.socket', 'c.socket']);
  });

  it('ignores assignments outside sections and unterminated section headers', () => {
    expect(unitInfoToJSON(parseUnitText('A=1\n[Unit\nB=2\n[Unit]\nC=3\n'))).toEqual({ Unit: { C: ['3'] } });
  });
});

describe('readUnitTree', () => {
  it('reads unit files, masks, aliases, drop-ins and dependency links', () => {
    const dir = tempDir('tree');
    const store = path.join(dir, 'store');
    writeTree(store, { 'foo-unit': '[Service]\nExecStart=/foo\n' });
    const units = writeTree(path.join(dir, 'units'), {
      'foo.service': { link: path.join(store, 'foo-unit') },
      'alias.service': { link: 'foo.service' },
      'masked.service': { link: '/dev/null' },
      'dangling.service': { link: path.join(dir, 'nowhere') },
      'foo.service.d/overrides.conf': '[Service]\nExecStart=\nExecStart=/bar\n',
      'foo.service.d/notes.txt': 'not a drop-in',
      'upstream.service.d/overrides.conf': '[Service]\nNice=5\n',
      'multi-user.target.wants/foo.service': { link: '../foo.service' },
      'multi-user.target.wants/upstream.service': { link: '../upstream.service' },
      'getty.target.wants/getty@tty1.service': { link: '../getty@.service' },
      'getty@.service': '[Service]\nExecStart=/getty %I\n',
    });
    const tree = readUnitTree(units);
    expect([...tree.units.keys()].sort()).toEqual(['alias.service', 'foo.service', 'getty@.service', 'masked.service', 'upstream.service']);
    expect(tree.units.get('masked.service')!.text).toBeNull();
    expect(tree.units.get('alias.service')!.aliasOf).toBe('foo.service');
    expect([...tree.units.get('foo.service')!.dropins.keys()]).toEqual(['overrides.conf']);
    expect(tree.units.get('upstream.service')!.dropinOnly).toBe(true);
    expect(tree.deps.get('multi-user.target')!.get('wants')).toEqual(['foo.service', 'upstream.service']);
    expect(unitInfoToJSON(unitInfo(tree, 'foo.service')!)).toEqual({ Service: { ExecStart: ['/bar'] } });
    expect(lookupUnit(tree, 'getty@tty1.service')!.base).toBe('getty@.service');
    expect(unitInfo(tree, 'masked.service')).toBeUndefined();
  });

  it('follows store paths that live under a physical root', () => {
    const dir = tempDir('mapped');
    fs.mkdirSync(path.join(dir, 'root/nix/store/abc-unit'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'root/nix/store/abc-unit/x.service'), '[Service]\nExecStart=/x\n');
    fs.mkdirSync(path.join(dir, 'root/nix/store/def-units'), { recursive: true });
    fs.symlinkSync('/nix/store/abc-unit/x.service', path.join(dir, 'root/nix/store/def-units/x.service'));
    fs.mkdirSync(path.join(dir, 'top/etc/systemd'), { recursive: true });
    fs.symlinkSync('/nix/store/def-units', path.join(dir, 'top/etc/systemd/system'));
    const map = storeMapper('/nix/store', path.join(dir, 'root'));
    expect(resolvePath(path.join(dir, 'top/etc/systemd/system/x.service'), map)).toBe(path.join(dir, 'root/nix/store/abc-unit/x.service'));
    const tree = readUnitTree(path.join(dir, 'top/etc/systemd/system'), map);
    expect(tree.units.get('x.service')!.text).toBe('[Service]\nExecStart=/x\n');
  });

  it('is empty for a missing directory', () => {
    expect(readUnitTree('/nonexistent/nixling/units').units.size).toBe(0);
  });
});
