/**
 * Layered images (dockerTools.buildLayeredImage and streamLayeredImage), as nixpkgs builds
 * them: the base image's layers, then one layer per store path of the closure of the
 * contents and of the paths the configuration mentions — most popular first (see
 * popularity.ts), the rest together in the last store layer once `maxLayers` would be
 * exceeded — and last the customisation layer (contents linked into /, extraCommands),
 * which is built beforehand as a tar of its own.
 *
 * A `LayeredSpec` says all of that in plain JSON, with store paths; it is computed when
 * the image derivation is built (the store knows the references then) and either written
 * out as an archive at once (buildLayeredImage) or kept in a script that writes the
 * archive whenever it is run (streamLayeredImage, `nixling stream-image`).
 */
import * as fs from 'node:fs';
import { readBaseImage } from './base-image';
import { epochOf, ImageFormat, ImageSpec, NewLayer, prepareImage } from './image';
import { groupLayers, orderByPopularity } from './popularity';
import { copyRange, TarSink, TarWriter } from './tar';
import { addStorePath, DirNode, emptyDir, TreeOptions, writeTree } from './tree';
import { writeDockerArchive } from './docker-archive';
import { writeOciArchive } from './oci-archive';

export interface LayeredSpec {
  version: 1;
  name: string;
  tag: string;
  format: ImageFormat;
  architecture: string;
  os: string;
  config: Record<string, unknown>;
  /** RFC 3339, or "now" (the time the archive is written). */
  created: string;
  storeDir: string;
  uid: number;
  gid: number;
  dereferenceHostSymlinks: boolean;
  /** The base image archive, if any (a logical store path, or a path outside the store). */
  fromImage: string | null;
  storeLayers: string[][];
  /** Logical store path of the customisation layer's directory (holding layer.tar). */
  customisationLayer: string;
}

/** Store paths (`storeDir/HASH-name`) mentioned in a text. */
export function storePathsIn(text: string, storeDir: string): string[] {
  const esc = storeDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(esc + '/[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+\\-._?=]+', 'g');
  return [...new Set(text.match(re) ?? [])].sort();
}

export interface StoreGraph {
  references(p: string): string[];
  closure(p: string): Set<string>;
}

/**
 * The store layers: the closure of `contents` and `configRefs`, by popularity, grouped to
 * fit in `available` layers. Popularity is counted in the graph nixpkgs sees, where the
 * contents hang below the customisation layer and the configuration's references below
 * the configuration file, both below one root.
 */
export function planStoreLayers(g: StoreGraph, contents: string[], configRefs: string[], available: number): string[][] {
  const closure = new Set<string>();
  for (const p of [...contents, ...configRefs]) for (const q of g.closure(p)) closure.add(q);
  if (closure.size === 0) return [];
  const graph = new Map<string, string[]>();
  const ROOT = '\0root';
  const CUSTOM = '\0customisation';
  const CONFIG = '\0config';
  graph.set(ROOT, [CUSTOM, CONFIG]);
  graph.set(CUSTOM, contents);
  graph.set(CONFIG, configRefs);
  for (const p of closure) graph.set(p, g.references(p));
  const ordered = orderByPopularity(graph).filter((p) => !p.startsWith('\0'));
  return groupLayers(ordered, available);
}

/** Python's repr of a list of strings, as nixpkgs' history comments show store paths. */
function pyList(paths: string[]): string {
  return '[' + paths.map((p) => `'${p}'`).join(', ') + ']';
}

/** The modification time of files in layers: the creation date, or 1 for "now". */
export function layerMtime(created: string): number {
  return epochOf(created) ?? 1;
}

/** "now" as RFC 3339 in whole seconds. */
export function nowRfc3339(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A store layer: the given store paths (and the directories above them). */
export function storeLayer(paths: string[], o: TreeOptions, owner: { mtime: number; uid: number; gid: number }): NewLayer {
  let tree: DirNode | undefined;
  return {
    comment: `store paths: ${pyList(paths)}`,
    write(sink: TarSink): void {
      if (tree === undefined) {
        tree = emptyDir();
        for (const p of paths) addStorePath(tree, p, o);
      }
      const tar = new TarWriter(sink, owner);
      writeTree(tree, tar);
      tar.end();
    },
  };
}

/** A layer whose tar is already in a file. */
export function fileLayer(file: string, comment: string): NewLayer {
  const size = fs.statSync(file).size;
  return { comment, write: (sink) => copyRange(file, 0, size, (c) => sink.write(c)) };
}

/**
 * Writes the image a LayeredSpec describes to `sink`; `root` is the physical root of the
 * store (store paths are read from root + path).
 */
export async function writeLayered(
  spec: LayeredSpec,
  root: string,
  sink: TarSink,
  tmpDir: string,
  warn: (m: string) => void,
  repoTag?: string,
): Promise<void> {
  const created = spec.created === 'now' ? nowRfc3339() : spec.created;
  const mtime = layerMtime(spec.created);
  const o: TreeOptions = {
    storeDir: spec.storeDir,
    physicalPath: (p) => root + p,
    dereferenceHostSymlinks: spec.dereferenceHostSymlinks,
    warn,
  };
  const owner = { mtime, uid: spec.uid, gid: spec.gid };
  const layers = spec.storeLayers.map((paths) => storeLayer(paths, o, owner));
  layers.push(fileLayer(root + spec.customisationLayer + '/layer.tar', `store paths: ${pyList([spec.customisationLayer])}`));
  let name = spec.name;
  let tag = spec.tag;
  if (repoTag !== undefined) {
    const i = repoTag.lastIndexOf(':');
    if (i > 0 && !repoTag.slice(i).includes('/')) [name, tag] = [repoTag.slice(0, i), repoTag.slice(i + 1)];
    else name = repoTag;
  }
  const image: ImageSpec = {
    name,
    tag,
    architecture: spec.architecture,
    os: spec.os,
    config: spec.config,
    created,
    base: spec.fromImage ? await readBaseImage(spec.fromImage.startsWith(spec.storeDir + '/') ? root + spec.fromImage : spec.fromImage, tmpDir) : undefined,
    layers,
  };
  writeArchive(image, spec.format, sink, mtime);
}

/** Measures the layers and writes the archive in the format asked for. */
export function writeArchive(image: ImageSpec, format: ImageFormat, sink: TarSink, mtime: number): void {
  const prepared = prepareImage(image);
  if (format === 'oci-archive') writeOciArchive(prepared, sink, mtime);
  else writeDockerArchive(prepared, sink, mtime);
}
