/**
 * The oci-archive format: an OCI image layout (image-spec `image-layout.md`) in a tar —
 * `oci-layout`, `index.json` and content-addressed `blobs/sha256/HEX` for the layers, the
 * image configuration and the image manifest. The index names the image by its tag in the
 * `org.opencontainers.image.ref.name` annotation (what `skopeo … oci-archive:FILE:TAG`
 * matches) and by its full name in `io.containerd.image.name` (what `podman load` and
 * containerd use to name it).
 */
import { blobDigest } from './base-image';
import { PreparedImage, canonicalJson, sha256Hex } from './image';
import { copyRange, TarSink, TarWriter } from './tar';

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  write(tar: TarWriter, name: string): void;
}

export function writeOciArchive(img: PreparedImage, sink: TarSink, mtime: number): void {
  const blobs: Blob[] = [];
  for (const l of img.spec.base?.layers ?? []) {
    blobs.push({
      digest: blobDigest(l),
      size: l.size,
      mediaType: l.compression === 'tar' ? MEDIA_TYPES.layer : `${MEDIA_TYPES.layer}+${l.compression.slice(4)}`,
      write: (tar, name) => tar.stream(name, 0o444, l.size, (w) => copyRange(l.file, l.offset, l.size, w)),
    });
  }
  for (const l of img.layers) {
    blobs.push({ digest: l.digest, size: l.size, mediaType: MEDIA_TYPES.layer, write: (tar, name) => tar.stream(name, 0o444, l.size, (w) => l.write({ write: w })) });
  }
  const descriptor = (b: { mediaType: string; digest: string; size: number }) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });
  const manifest = Buffer.from(
    canonicalJson({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: { mediaType: MEDIA_TYPES.config, digest: img.configDigest, size: img.configJson.length },
      layers: blobs.map(descriptor),
    }),
    'utf8',
  );
  const manifestDigest = 'sha256:' + sha256Hex(manifest);
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [
      {
        mediaType: MEDIA_TYPES.manifest,
        digest: manifestDigest,
        size: manifest.length,
        platform: { architecture: img.spec.architecture, os: img.spec.os },
        annotations: {
          'io.containerd.image.name': `${img.spec.name}:${img.spec.tag}`,
          'org.opencontainers.image.ref.name': img.spec.tag,
        },
      },
    ],
  };

  const tar = new TarWriter(sink, { mtime, uid: 0, gid: 0 });
  tar.bytes('oci-layout', 0o444, Buffer.from(canonicalJson({ imageLayoutVersion: '1.0.0' }), 'utf8'));
  tar.bytes('index.json', 0o444, Buffer.from(canonicalJson(index), 'utf8'));
  tar.directory('blobs', 0o755);
  tar.directory('blobs/sha256', 0o755);
  const written = new Set<string>();
  const blobName = (digest: string) => 'blobs/sha256/' + digest.slice('sha256:'.length);
  for (const b of blobs) {
    if (written.has(b.digest)) continue;
    written.add(b.digest);
    b.write(tar, blobName(b.digest));
  }
  if (!written.has(img.configDigest)) tar.bytes(blobName(img.configDigest), 0o444, img.configJson);
  tar.bytes(blobName(manifestDigest), 0o444, manifest);
  tar.end();
}
