/**
 * streamLayeredImage's output: an executable script that writes the image archive to
 * standard output (`$(nixling build …) | podman load`), so the archive itself is never
 * stored. The script runs `nixling stream-image` on itself with the node and the bundle
 * (dist/nixling.js) that built it; the image's description (a LayeredSpec) follows a
 * marker line after the `exec`, where the shell never reads.
 *
 * Where the bundle is must be found at run time — never when the bundle loads, since the
 * V8 startup snapshot would freeze whatever it found: started from the snapshot
 * (dist/nixling.blob, given by --snapshot-blob), the bundle is beside the blob; run as
 * dist/nixling.js, it is the running file; run from the sources (tests), it is
 * ../../dist/nixling.js from here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayeredSpec } from './layered';
import { distDir } from '../dist-dir';

export const SPEC_MARKER = '#nixling-stream-image-spec';

/** The node executable and the nixling bundle to run `stream-image` with. */
export function nixlingCommand(): { node: string; bundle: string } {
  // The running bundle's directory (a snapshot's or the bundle's own); from the sources
  // (the tests), the checkout's dist/.
  const candidates = [path.join(distDir(), 'nixling.js'), path.resolve(__dirname, '../../dist/nixling.js')];
  const bundle = candidates.find((c) => fs.existsSync(c));
  if (bundle === undefined) {
    throw new Error(`cannot find nixling's bundle (dist/nixling.js) for the stream script (looked at: ${candidates.join(', ')}); run 'node build.mjs'`);
  }
  return { node: process.execPath, bundle };
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The text of the script. It passes its own path ("$0") to `stream-image`, which finds
 * the store's physical root from where the script really is, so the script is the same
 * in every store with the same store directory.
 */
export function streamScript(spec: LayeredSpec): string {
  const { node, bundle } = nixlingCommand();
  return [
    '#!/bin/sh',
    `# Writes the image ${spec.name}:${spec.tag} (${spec.format}) to standard output:`,
    '#   ./result | podman load',
    '# Options: --repo-tag NAME:TAG names the image differently.',
    `exec ${shellQuote(node)} ${shellQuote(bundle)} stream-image "$0" "$@"`,
    SPEC_MARKER,
    JSON.stringify(spec),
    '',
  ].join('\n');
}

/**
 * The physical root of the store a stream script is in: where the script really is, less
 * its logical store path (the customisation layer's store directory tells which that is).
 */
export function storeRootOf(file: string, spec: LayeredSpec): string {
  const real = fs.realpathSync(file);
  const i = real.lastIndexOf(spec.storeDir + '/');
  if (i < 0 || real.slice(i + spec.storeDir.length + 1).includes('/')) {
    throw new Error(`'${file}' is not in a store whose directory is ${spec.storeDir} (it is at ${real})`);
  }
  return real.slice(0, i);
}

/** Reads the LayeredSpec from a stream script (or a plain JSON file). */
export function readStreamSpec(file: string): LayeredSpec {
  const text = fs.readFileSync(file, 'utf8');
  const i = text.indexOf('\n' + SPEC_MARKER + '\n');
  const json = i >= 0 ? text.slice(i + SPEC_MARKER.length + 2) : text;
  let spec: LayeredSpec;
  try {
    spec = JSON.parse(json) as LayeredSpec;
  } catch (e) {
    throw new Error(`'${file}' is not an image stream script of nixling's dockerTools (${(e as Error).message})`);
  }
  if (spec?.version !== 1 || !Array.isArray(spec.storeLayers)) {
    throw new Error(`'${file}' holds no image description this nixling understands`);
  }
  return spec;
}
