import { describe, expect, it } from 'vitest';
import { evalForTest, evalPrint } from '../support/eval';

const drv = 'derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; }';

describe('string context builtins', () => {
  it('getContext shows outputs, all outputs and plain paths', () => {
    expect(evalPrint(`let d = ${drv}; c = builtins.getContext "\${d}\${d.dev}\${d.drvPath}"; in builtins.attrValues c`)).toBe(
      '[ { allOutputs = true; outputs = [ "dev" "out" ]; } ]',
    );
  });
  it('appendContext round-trips getContext', () => {
    expect(
      evalPrint(`let d = ${drv}; s = "\${d.dev}"; in builtins.getContext (builtins.appendContext "" (builtins.getContext s)) == builtins.getContext s`),
    ).toBe('true');
  });
  it('unsafeDiscardOutputDependency turns a derivation into a plain path', () => {
    expect(evalPrint(`builtins.attrValues (builtins.getContext (builtins.unsafeDiscardOutputDependency (${drv}).drvPath))`)).toBe(
      '[ { path = true; } ]',
    );
  });
  it('addDrvOutputDependencies refuses outputs', () => {
    const r = evalForTest(`builtins.addDrvOutputDependencies "\${${drv}}"`);
    expect(r.out).toContain('can only act on derivations');
  });
  it('appendContext checks keys', () => {
    expect(evalForTest('builtins.appendContext "" { "/x" = { path = true; }; }').out).toContain(
      "context key '/x' is not a store path",
    );
  });
});
