/**
 * The native builder `builtin:docker-image` behind modules/pkgs/docker-tools.nix. Its
 * derivations use structured attributes; `kind` says what to build:
 *
 * - "image" (buildImage): one new layer holding the merged contents of `copyToRoot`
 *   (after `extraCommands`) and, under the store directory, the closure of every store
 *   path that layer or the configuration refers to; on top of `fromImage`'s layers.
 * - "customisation-layer": the tar of the root of a layered image: `contents` linked into
 *   / (as symlinkJoin does), after `extraCommands`. A directory holding `layer.tar`.
 * - "layered" (buildLayeredImage): the image archive of a LayeredSpec (layered.ts).
 * - "stream" (streamLayeredImage): a script writing that archive when run (stream.ts).
 *
 * Common attributes: imageName, tag (null: the hash part of the output path, as nixpkgs),
 * created, config, architecture (null: from hostSystem), format ("docker-archive" or
 * "oci-archive"), uid, gid, dereferenceHostSymlinks, extraCommands with shell and binPath.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as childProcess from 'node:child_process';
import { NativeBuildContext, registerNativeBuilder } from '../store/builtins-registry';
import { scanForReferences } from '../store/references';
import { hashPartOf } from '../store/store-path';
import { openArchive, readBaseImage } from './base-image';
import { canonicalJson, checkConfig, epochOf, goArchOf, ImageFormat } from './image';
import { layerMtime, LayeredSpec, nowRfc3339, planStoreLayers, storePathsIn, writeArchive, writeLayered } from './layered';
import { streamScript } from './stream';
import { copyRange, FdSink, readEntry, TarWriter } from './tar';
import { addStorePath, copyToRoot, readTree, symlinkJoin, TreeOptions, writeTree } from './tree';

interface Attrs {
  kind: string;
  imageName?: string;
  tag?: string | null;
  created?: string;
  config?: unknown;
  architecture?: string | null;
  hostSystem?: string;
  format?: string;
  uid?: number;
  gid?: number;
  dereferenceHostSymlinks?: boolean;
  extraCommands?: string;
  shell?: string;
  binPath?: string;
  copyToRoot?: string[];
  keepContentsDirlinks?: boolean;
  contents?: string[];
  fromImage?: string | null;
  fromImageName?: string | null;
  fromImageTag?: string | null;
  maxLayers?: number;
  includeStorePaths?: boolean;
  customisationLayer?: string;
  images?: string[];
}

function attrsOf(ctx: NativeBuildContext): Attrs {
  const json = ctx.drv.env.get('__json');
  if (json === undefined) throw new Error('builtin:docker-image needs structured attributes (__structuredAttrs = true)');
  return JSON.parse(Buffer.from(json, 'latin1').toString('utf8')) as Attrs;
}

function outPath(ctx: NativeBuildContext): string {
  const o = ctx.outputs.get('out');
  if (o === undefined) throw new Error('the derivation has no output named out');
  return o;
}

class Build {
  readonly storeDir: string;
  readonly tree: TreeOptions;
  constructor(
    readonly ctx: NativeBuildContext,
    readonly a: Attrs,
  ) {
    this.storeDir = ctx.store.storeDir;
    this.tree = {
      storeDir: this.storeDir,
      physicalPath: (p) => ctx.physicalPath(p),
      dereferenceHostSymlinks: a.dereferenceHostSymlinks ?? true,
      warn: (m) => ctx.log(`warning: ${m}\n`),
    };
  }

  /** A path's physical location (only store paths move). */
  phys(p: string): string {
    return p === this.storeDir || p.startsWith(this.storeDir + '/') ? this.ctx.physicalPath(p) : p;
  }

  get format(): ImageFormat {
    const f = this.a.format ?? 'docker-archive';
    if (f !== 'docker-archive' && f !== 'oci-archive') throw new Error(`format must be "docker-archive" or "oci-archive", not "${f}"`);
    return f;
  }

  get name(): string {
    return this.a.imageName ?? this.ctx.drv.name;
  }

  /** The tag: given, or the hash part of the output path. */
  get tag(): string {
    if (this.a.tag) return this.a.tag;
    const o = this.ctx.drv.outputs.get('out');
    if (!o || !('path' in o)) throw new Error('cannot derive a tag: the output path is not known');
    return hashPartOf(o.path);
  }

  get created(): string {
    const c = this.a.created ?? '1970-01-01T00:00:01Z';
    if (c !== 'now' && epochOf(c) === undefined) {
      throw new Error(`created must be an RFC 3339 date such as "1970-01-01T00:00:01Z", or "now"; got "${c}"`);
    }
    return c;
  }

  get architecture(): string {
    return this.a.architecture || goArchOf(this.a.hostSystem ?? 'x86_64-linux');
  }

  config(): Record<string, unknown> {
    try {
      return checkConfig(this.a.config);
    } catch (e) {
      throw new Error(`image '${this.name}': ${(e as Error).message}`);
    }
  }

  /** Valid store paths the configuration mentions (their closures go into the image). */
  configRefs(config: Record<string, unknown>): string[] {
    return storePathsIn(canonicalJson(config), this.storeDir).filter((p) => this.ctx.store.isValidPath(p));
  }

  closureOf(paths: Iterable<string>): Set<string> {
    const all = new Set<string>();
    for (const p of paths) for (const q of this.ctx.store.computeFSClosure(p)) all.add(q);
    return all;
  }

  /** Runs `extraCommands` with bash in `dir`. */
  async runExtraCommands(dir: string): Promise<void> {
    const script = this.a.extraCommands ?? '';
    if (script.trim() === '') return;
    const shell = this.phys(this.a.shell || '/bin/sh');
    const binPath = (this.a.binPath ?? '').split(':').filter((s) => s !== '').map((p) => this.phys(p));
    const env: Record<string, string> = {
      PATH: binPath.length ? binPath.join(':') : '/usr/bin:/bin',
      HOME: '/homeless-shelter',
      NIX_STORE: this.storeDir,
      NIX_BUILD_TOP: this.ctx.buildDir,
      TMPDIR: this.ctx.buildDir,
      TMP: this.ctx.buildDir,
      TEMP: this.ctx.buildDir,
      TEMPDIR: this.ctx.buildDir,
      SOURCE_DATE_EPOCH: String(layerMtime(this.created)),
      NIX_BUILD_CORES: this.ctx.env.NIX_BUILD_CORES ?? '1',
    };
    this.ctx.log(`running extraCommands in ${dir}\n`);
    await new Promise<void>((resolve, reject) => {
      // Loaded when used: the startup snapshot must not hold child_process's state.
      const cp = require('node:child_process') as typeof childProcess;
      const child = cp.spawn(shell, ['-e', '-c', 'umask 022\n' + script], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let tail = '';
      const onData = (d: Buffer): void => {
        const s = d.toString('utf8');
        this.ctx.log(s);
        tail = (tail + s).slice(-2000);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', (e) => reject(new Error(`could not run extraCommands with ${shell}: ${e.message}`)));
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`extraCommands failed (${signal ? 'killed by ' + signal : 'exit code ' + code})` + (tail.trim() ? ':\n' + tail.trim() : '')));
      });
    });
  }

  /** Where the build's file tree for a layer root goes: an empty directory. */
  freshDir(name: string): string {
    const d = path.join(this.ctx.buildDir, name);
    fs.mkdirSync(d, { mode: 0o755 });
    fs.chmodSync(d, 0o755);
    return d;
  }

  owner(): { mtime: number; uid: number; gid: number } {
    return { mtime: layerMtime(this.created), uid: this.a.uid ?? 0, gid: this.a.gid ?? 0 };
  }

  /** Writes the output file (read-only comes later, from the realiser). */
  writeOut(write: (sink: FdSink) => void | Promise<void>, mode = 0o444): Promise<void> {
    return (async () => {
      const file = outPath(this.ctx);
      const fd = fs.openSync(file, 'w', mode);
      try {
        const sink = new FdSink(fd);
        await write(sink);
        sink.flush();
      } finally {
        fs.closeSync(fd);
      }
    })();
  }

  // -------------------------------------------------------------------------------------

  async image(): Promise<void> {
    const config = this.config();
    const root = this.freshDir('root');
    for (const item of this.a.copyToRoot ?? []) {
      const p = this.phys(item);
      if (!fs.statSync(p).isDirectory()) throw new Error(`copyToRoot: '${item}' is not a directory (only directories can be merged into the image's root)`);
      this.ctx.log(`adding ${item}\n`);
      copyToRoot(root, p, this.tree, this.a.keepContentsDirlinks ?? false);
    }
    await this.runExtraCommands(root);
    const tree = readTree(root, this.tree);
    // The store paths the layer and the configuration refer to, with their closures.
    const inputs = this.closureOf(storePathsIn(this.ctx.drv.env.get('__json') ?? '', this.storeDir).filter((p) => this.ctx.store.isValidPath(p)));
    const refs = new Set([...scanForReferences(root, inputs), ...this.configRefs(config)]);
    const closure = [...this.closureOf(refs)].sort();
    this.ctx.log(`the layer holds ${closure.length} store paths\n`);
    for (const p of closure) addStorePath(tree, p, this.tree);
    const owner = this.owner();
    const base = this.a.fromImage ? await readBaseImage(this.phys(this.a.fromImage), this.ctx.buildDir, this.fromImageRef()) : undefined;
    const created = this.created === 'now' ? nowRfc3339() : this.created;
    const layer = {
      comment: `nixling dockerTools.buildImage: ${(this.a.copyToRoot ?? []).join(' ') || 'no contents'}`,
      write: (sink: { write(c: Buffer): void }) => {
        const tar = new TarWriter(sink, owner);
        writeTree(tree, tar);
        tar.end();
      },
    };
    const image = { name: this.name, tag: this.tag, architecture: this.architecture, os: 'linux', config, created, base, layers: [layer] };
    await this.writeOut((sink) => writeArchive(image, this.format, sink, owner.mtime));
  }

  fromImageRef(): string | undefined {
    return this.a.fromImageName && this.a.fromImageTag ? `${this.a.fromImageName}:${this.a.fromImageTag}` : undefined;
  }

  async customisationLayer(): Promise<void> {
    const root = this.freshDir('root');
    for (const item of this.a.contents ?? []) {
      const p = this.phys(item);
      if (!fs.statSync(p).isDirectory()) throw new Error(`contents: '${item}' is not a directory (its entries are linked into the image's root)`);
      symlinkJoin(root, item, p, this.tree);
    }
    await this.runExtraCommands(root);
    const tree = readTree(root, this.tree);
    const out = outPath(this.ctx);
    fs.mkdirSync(out);
    const fd = fs.openSync(path.join(out, 'layer.tar'), 'w', 0o444);
    try {
      const sink = new FdSink(fd);
      const tar = new TarWriter(sink, this.owner());
      writeTree(tree, tar);
      tar.end();
      sink.flush();
    } finally {
      fs.closeSync(fd);
    }
  }

  async layeredSpec(): Promise<LayeredSpec> {
    const config = this.config();
    const maxLayers = this.a.maxLayers ?? 100;
    if (!Number.isInteger(maxLayers) || maxLayers < 2) throw new Error(`maxLayers must be an integer of at least 2, not ${maxLayers}`);
    const fromImage = this.a.fromImage ?? null;
    const baseLayers = fromImage ? (await readBaseImage(this.phys(fromImage), this.ctx.buildDir)).layers.length : 0;
    const used = baseLayers + 1;
    if (used >= maxLayers) {
      throw new Error(`the base image's ${baseLayers} layers and the customisation layer leave none of maxLayers = ${maxLayers} for the store paths`);
    }
    const contents = this.a.contents ?? [];
    const store = this.ctx.store;
    const storeLayers =
      this.a.includeStorePaths === false
        ? []
        : planStoreLayers(
            { references: (p) => store.queryReferences(p) ?? [], closure: (p) => store.computeFSClosure(p) },
            contents,
            this.configRefs(config),
            maxLayers - used,
          );
    if (!this.a.customisationLayer) throw new Error('the customisationLayer attribute is missing');
    this.ctx.log(`${storeLayers.length} store layers for ${storeLayers.reduce((n, l) => n + l.length, 0)} store paths\n`);
    return {
      version: 1,
      name: this.name,
      tag: this.tag,
      format: this.format,
      architecture: this.architecture,
      os: 'linux',
      config,
      created: this.created,
      storeDir: this.storeDir,
      uid: this.a.uid ?? 0,
      gid: this.a.gid ?? 0,
      dereferenceHostSymlinks: this.tree.dereferenceHostSymlinks,
      fromImage,
      storeLayers,
      customisationLayer: this.a.customisationLayer,
    };
  }

  async layered(): Promise<void> {
    const spec = await this.layeredSpec();
    await this.writeOut((sink) => writeLayered(spec, this.ctx.store.config.root, sink, this.ctx.buildDir, this.tree.warn));
  }

  /** mergeImages: the images of several docker-archives in one (manifest entries concatenated). */
  async merge(): Promise<void> {
    const entries: { file: string; name: string; offset: number; size: number }[] = [];
    const manifest: unknown[] = [];
    const seen = new Set<string>();
    for (const [i, img] of (this.a.images ?? []).entries()) {
      const dir = this.freshDir(`image-${i}`);
      const { file, index } = await openArchive(this.phys(img), dir);
      const m = index.find((e) => e.name === 'manifest.json' && e.type === 'file');
      if (!m) throw new Error(`mergeImages: '${img}' is not a docker-archive (it has no manifest.json)`);
      manifest.push(...(JSON.parse(readEntry(file, m).toString('utf8')) as unknown[]));
      for (const e of index) {
        if (e.type !== 'file' || e.name === 'manifest.json' || e.name === 'repositories' || seen.has(e.name)) continue;
        seen.add(e.name);
        entries.push({ file, name: e.name, offset: e.offset, size: e.size });
      }
    }
    entries.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    await this.writeOut((sink) => {
      const tar = new TarWriter(sink, { mtime: 1, uid: 0, gid: 0 });
      for (const e of entries) tar.stream(e.name, 0o444, e.size, (w) => copyRange(e.file, e.offset, e.size, w));
      tar.bytes('manifest.json', 0o444, Buffer.from(canonicalJson(manifest), 'utf8'));
      tar.end();
    });
  }

  async stream(): Promise<void> {
    const spec = await this.layeredSpec();
    fs.writeFileSync(outPath(this.ctx), streamScript(spec), { mode: 0o555 });
  }
}

registerNativeBuilder('docker-image', async (ctx) => {
  const a = attrsOf(ctx);
  const b = new Build(ctx, a);
  switch (a.kind) {
    case 'image':
      return b.image();
    case 'customisation-layer':
      return b.customisationLayer();
    case 'layered':
      return b.layered();
    case 'stream':
      return b.stream();
    case 'merge':
      return b.merge();
    default:
      throw new Error(`unknown kind of docker image '${a.kind}'`);
  }
});
