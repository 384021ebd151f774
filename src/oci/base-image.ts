/**
 * Reading a base image (`fromImage`): a docker-archive (`manifest.json`, as `docker save`,
 * skopeo and dockerTools write them) or an oci-archive (`oci-layout`, `index.json`,
 * `blobs/`), uncompressed or gzip-compressed as a whole (nixpkgs' buildImage writes
 * `.tar.gz`). Its layers are copied into the new image as they are; its configuration
 * contributes the layer digests (`rootfs.diff_ids`), the history and the environment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as zlib from 'node:zlib';
import type * as streamPromises from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { copyRange, readEntry, readTarIndex, TarEntry } from './tar';

export interface BaseLayer {
  /** The archive the layer is in, where its bytes start, and how many there are. */
  file: string;
  offset: number;
  size: number;
  /** Its name in the base archive (kept for docker-archive output). */
  name: string;
  /** sha256 of the uncompressed layer ("sha256:…"), from the base configuration. */
  diffId: string;
  /** "tar", "tar+gzip" or "tar+zstd", from the layer's first bytes. */
  compression: 'tar' | 'tar+gzip' | 'tar+zstd';
}

export interface BaseImage {
  layers: BaseLayer[];
  /** The base image's configuration (the whole image config JSON). */
  config: Record<string, any>;
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const h = Buffer.alloc(2);
    fs.readSync(fd, h, 0, 2, 0);
    return h[0] === 0x1f && h[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

function compressionOf(file: string, offset: number): BaseLayer['compression'] {
  const fd = fs.openSync(file, 'r');
  try {
    const h = Buffer.alloc(4);
    fs.readSync(fd, h, 0, 4, offset);
    if (h[0] === 0x1f && h[1] === 0x8b) return 'tar+gzip';
    if (h.readUInt32BE(0) === 0x28b52ffd) return 'tar+zstd';
    return 'tar';
  } finally {
    fs.closeSync(fd);
  }
}

/** sha256 of a layer's bytes as stored ("sha256:…"), for OCI descriptors. */
export function blobDigest(l: BaseLayer): string {
  const h = createHash('sha256');
  copyRange(l.file, l.offset, l.size, (c) => h.update(c));
  return 'sha256:' + h.digest('hex');
}

const parseJson = (file: string, e: TarEntry, what: string): any => {
  try {
    return JSON.parse(readEntry(file, e).toString('utf8'));
  } catch (err) {
    throw new Error(`fromImage: ${what} is not valid JSON: ${(err as Error).message}`);
  }
};

/** Lists an image archive, first decompressing it into `tmpDir` when it is gzip-compressed. */
export async function openArchive(file: string, tmpDir: string): Promise<{ file: string; index: TarEntry[] }> {
  let tarFile = file;
  if (isGzip(file)) {
    tarFile = path.join(tmpDir, path.basename(file).replace(/\.gz$/, '') + '.tar');
    // Loaded when used, so that the startup snapshot holds none of their state.
    const { createGunzip } = require('node:zlib') as typeof zlib;
    const { pipeline } = require('node:stream/promises') as typeof streamPromises;
    await pipeline(fs.createReadStream(file), createGunzip(), fs.createWriteStream(tarFile));
  }
  return { file: tarFile, index: readTarIndex(tarFile) };
}

/**
 * Reads the base image archive `file` (a physical path). A compressed archive is first
 * decompressed into `tmpDir`. `wanted` ("name:tag") picks one of several images.
 */
export async function readBaseImage(file: string, tmpDir: string, wanted?: string): Promise<BaseImage> {
  const { file: tarFile, index: entries } = await openArchive(file, tmpDir);
  const byName = new Map(entries.filter((e) => e.type === 'file').map((e) => [e.name, e]));
  const get = (name: string, what: string): TarEntry => {
    const e = byName.get(name);
    if (!e) throw new Error(`fromImage '${file}': ${what} '${name}' is missing from the archive`);
    return e;
  };

  if (byName.has('manifest.json')) {
    const manifest = parseJson(tarFile, get('manifest.json', 'the manifest'), 'manifest.json') as { Config: string; RepoTags?: string[]; Layers: string[] }[];
    if (!Array.isArray(manifest) || manifest.length === 0) throw new Error(`fromImage '${file}': manifest.json lists no image`);
    const m = (wanted && manifest.find((x) => (x.RepoTags ?? []).includes(wanted))) || manifest[0];
    const config = parseJson(tarFile, get(m.Config, 'the image configuration'), m.Config);
    const diffIds: string[] = config?.rootfs?.diff_ids ?? [];
    if (diffIds.length !== m.Layers.length) {
      throw new Error(`fromImage '${file}': the configuration has ${diffIds.length} layer digests for ${m.Layers.length} layers`);
    }
    const layers = m.Layers.map((name, i) => {
      const e = get(name, 'the layer');
      return { file: tarFile, offset: e.offset, size: e.size, name, diffId: diffIds[i], compression: compressionOf(tarFile, e.offset) };
    });
    return { layers, config };
  }

  if (byName.has('index.json')) {
    const blob = (digest: string, what: string): TarEntry => get('blobs/' + digest.replace(':', '/'), what);
    const index = parseJson(tarFile, get('index.json', 'the index'), 'index.json');
    const descs: any[] = index?.manifests ?? [];
    if (descs.length === 0) throw new Error(`fromImage '${file}': index.json lists no image`);
    const tag = wanted?.slice(wanted.lastIndexOf(':') + 1);
    const d =
      descs.find((x) => x?.annotations?.['io.containerd.image.name'] === wanted) ??
      descs.find((x) => tag !== undefined && x?.annotations?.['org.opencontainers.image.ref.name'] === tag) ??
      descs[0];
    const manifest = parseJson(tarFile, blob(d.digest, 'the manifest'), 'the image manifest');
    if (!manifest?.config?.digest || !Array.isArray(manifest.layers)) {
      throw new Error(`fromImage '${file}': '${d.digest}' is not an image manifest (image indexes for several platforms are not supported)`);
    }
    const config = parseJson(tarFile, blob(manifest.config.digest, 'the image configuration'), 'the image configuration');
    const diffIds: string[] = config?.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length) {
      throw new Error(`fromImage '${file}': the configuration has ${diffIds.length} layer digests for ${manifest.layers.length} layers`);
    }
    const layers = (manifest.layers as { digest: string }[]).map((l, i) => {
      const e = blob(l.digest, 'the layer');
      return { file: tarFile, offset: e.offset, size: e.size, name: e.name, diffId: diffIds[i], compression: compressionOf(tarFile, e.offset) };
    });
    return { layers, config };
  }

  throw new Error(`fromImage '${file}' is neither a docker-archive (no manifest.json) nor an oci-archive (no index.json)`);
}
