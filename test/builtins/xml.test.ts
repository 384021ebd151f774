/** Unit tests of toXML / printValueAsXML. */
import { describe, expect, it } from 'vitest';
import { printValueAsXML } from '../../src/builtins/xml';
import { attrsFrom, NixFloat } from '../../src/eval/value';

const wrap = (body: string) => `<?xml version='1.0' encoding='utf-8'?>\n<expr>\n${body}</expr>\n`;

describe('toXML', () => {
  it('prints scalars with escaping', () => {
    expect(printValueAsXML('a"<>&\nb', true, false)).toBe(wrap('  <string value="a&quot;&lt;&gt;&amp;&#xA;b" />\n'));
    expect(printValueAsXML(new NixFloat(1.5), true, false)).toBe(wrap('  <float value="1.5" />\n'));
    expect(printValueAsXML(null, true, false)).toBe(wrap('  <null />\n'));
  });
  it('prints sets, lists and derivations', () => {
    expect(printValueAsXML(attrsFrom({ b: 1, a: [true] }), true, false)).toBe(
      wrap('  <attrs>\n    <attr name="a">\n      <list>\n        <bool value="true" />\n      </list>\n    </attr>\n    <attr name="b">\n      <int value="1" />\n    </attr>\n  </attrs>\n'),
    );
    const d = attrsFrom({ type: 'derivation', drvPath: '/nix/store/x.drv', outPath: '/nix/store/x' });
    const out = printValueAsXML([d, d], true, false);
    expect(out).toContain('<derivation drvPath="/nix/store/x.drv" outPath="/nix/store/x">');
    expect(out).toContain('<repeated />');
  });
});
