/**
 * The docker-archive format (what `docker save` writes and `docker load`, `podman load`
 * and skopeo's `docker-archive:` read): a tar holding each layer as `HEX/layer.tar`, the
 * image configuration as `HEX.json`, and `manifest.json`, a list with one entry naming the
 * configuration, the repository tag and the layers bottom-up. Layers are uncompressed
 * (base-image layers are copied as they are); a layer that occurs twice is stored once.
 */
import { PreparedImage, canonicalJson } from './image';
import { copyRange, TarSink, TarWriter } from './tar';

export function writeDockerArchive(img: PreparedImage, sink: TarSink, mtime: number): void {
  const tar = new TarWriter(sink, { mtime, uid: 0, gid: 0 });
  const written = new Set<string>();
  const layerNames: string[] = [];
  for (const l of img.spec.base?.layers ?? []) {
    layerNames.push(l.name);
    if (written.has(l.name)) continue;
    written.add(l.name);
    tar.stream(l.name, 0o444, l.size, (w) => copyRange(l.file, l.offset, l.size, w));
  }
  for (const l of img.layers) {
    const name = `${l.digest.slice('sha256:'.length)}/layer.tar`;
    layerNames.push(name);
    if (written.has(name)) continue;
    written.add(name);
    tar.stream(name, 0o444, l.size, (w) => l.write({ write: w }));
  }
  const configName = `${img.configDigest.slice('sha256:'.length)}.json`;
  tar.bytes(configName, 0o444, img.configJson);
  const manifest = [{ Config: configName, RepoTags: [`${img.spec.name}:${img.spec.tag}`], Layers: layerNames }];
  tar.bytes('manifest.json', 0o444, Buffer.from(canonicalJson(manifest), 'utf8'));
  tar.end();
}
