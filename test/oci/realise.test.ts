// The image builder run by the realiser in this process (from the TypeScript sources, not
// the bundle), into a --store-dir store (logical == physical): the builder gets the store
// from its context, and a stream script made here finds dist/nixling.js from the sources.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStore, resolveStoreConfig, setStoreConfig } from '../../src/store';
import { evalExpr } from '../../src/eval/index';
import { forceStringValue } from '../../src/eval/runtime';
import { parseTarget, Realiser } from '../../src/store/realise';
import { removeTree } from '../../src/store/store';
import { readTarIndex } from '../../src/oci/tar';
import { readStreamSpec } from '../../src/oci/stream';

let tmp: string;
const saved = resolveStoreConfig({}, {});
const bundleBuilt = fs.existsSync(path.resolve(__dirname, '../../dist/nixling.js'));

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-oci-realise-'));
  setStoreConfig(resolveStoreConfig({ storeDir: path.join(tmp, 'store'), stateDir: path.join(tmp, 'state'), readOnly: false }, {}));
});
afterAll(() => {
  setStoreConfig(saved);
  spawnSync('chmod', ['-R', 'u+w', tmp]);
  removeTree(tmp);
});

async function build(expr: string): Promise<string> {
  const drvPath = forceStringValue(evalExpr(`let pkgs = import <nixling/pkgs> { }; in (${expr}).drvPath`));
  const [outs] = await new Realiser(getStore()).realise([parseTarget(drvPath)]);
  return outs.get('out')!;
}

describe('builtin:docker-image in the realiser', () => {
  it('builds a layered image whose references are the paths it holds', async () => {
    const out = await build(`pkgs.dockerTools.buildLayeredImage { name = "r"; tag = "t"; contents = [ (pkgs.writeTextDir "etc/motd" "hi") ]; }`);
    const names = readTarIndex(out).map((e) => e.name);
    expect(names).toContain('manifest.json');
    expect(names.filter((n) => n.endsWith('/layer.tar'))).toHaveLength(2);
    const refs = getStore().queryPathInfo(out)!.references;
    expect(refs.some((r) => r.endsWith('-motd'))).toBe(true);
    expect(refs.some((r) => r.endsWith('-r-customisation-layer'))).toBe(true);
  });

  it.skipIf(!bundleBuilt)('writes a stream script that runs the bundle and names the store paths (run `node build.mjs`)', async () => {
    const out = await build(`pkgs.dockerTools.streamLayeredImage { name = "s"; tag = "t"; contents = [ (pkgs.writeTextDir "etc/motd" "hi") ]; }`);
    const script = fs.readFileSync(out, 'utf8');
    expect(script).toContain(`'${process.execPath}' '${path.resolve(__dirname, '../../dist/nixling.js')}' stream-image "$0"`);
    const spec = readStreamSpec(out);
    expect(spec.storeLayers).toHaveLength(1);
    expect(spec.storeLayers[0][0]).toMatch(/-motd$/);
    const r = spawnSync(out, [], { maxBuffer: 1 << 26 });
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.length % 512).toBe(0);
    const file = path.join(tmp, 'streamed.tar');
    fs.writeFileSync(file, r.stdout);
    expect(readTarIndex(file).map((e) => e.name)).toContain('manifest.json');
  });
});
