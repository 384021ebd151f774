/**
 * An image to write: its name and tag, runtime configuration, creation date, an optional
 * base image, and new layers (each a function writing the layer's tar, called once to
 * measure and hash it and once to write it, so nothing is held in memory or written twice).
 *
 * `prepareImage` measures the layers and builds the image configuration (the JSON that
 * docker and OCI share: architecture, os, created, config, rootfs.diff_ids, history), which
 * `docker-archive.ts` and `oci-archive.ts` then package. All JSON is written with sorted
 * keys and no spaces, so equal inputs give equal bytes.
 */
import { BaseImage } from './base-image';
import { HashSink, TarSink } from './tar';

export type ImageFormat = 'docker-archive' | 'oci-archive';

export interface NewLayer {
  /** Writes the layer's tar (the same bytes every time). */
  write(sink: TarSink): void;
  /** The history comment for this layer. */
  comment: string;
}

export interface ImageSpec {
  name: string;
  tag: string;
  architecture: string;
  os: string;
  /** The runtime configuration (Cmd, Env, …), already checked by `checkConfig`. */
  config: Record<string, unknown>;
  /** RFC 3339 date for the configuration and history. */
  created: string;
  base?: BaseImage;
  layers: NewLayer[];
}

export interface MeasuredLayer extends NewLayer {
  digest: string;
  size: number;
}

export interface PreparedImage {
  spec: ImageSpec;
  layers: MeasuredLayer[];
  /** The image configuration, serialised. */
  configJson: Buffer;
  configDigest: string;
}

/** JSON with object keys sorted (recursively) and no whitespace. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson((v as Record<string, unknown>)[k])).join(',') + '}';
  }
  return JSON.stringify(v) ?? 'null';
}

export function sha256Hex(data: Buffer): string {
  const h = new HashSink();
  h.write(data);
  return h.digest();
}

/** The base environment followed by ours; a variable set twice keeps its first place and last value. */
function mergeEnv(base: unknown, ours: unknown): string[] | undefined {
  const all = [...(Array.isArray(base) ? base : []), ...(Array.isArray(ours) ? ours : [])] as string[];
  if (all.length === 0) return undefined;
  const m = new Map<string, string>();
  for (const e of all) m.set(e.split('=')[0], e);
  return [...m.values()];
}

/** Measures the new layers and builds the image configuration. */
export function prepareImage(spec: ImageSpec): PreparedImage {
  const layers = spec.layers.map((l) => {
    const h = new HashSink();
    l.write(h);
    return { ...l, size: h.size, digest: 'sha256:' + h.digest() };
  });
  const config: Record<string, unknown> = { ...spec.config };
  if (spec.base) {
    // As nixpkgs: of the base image's runtime configuration only the environment is kept.
    const env = mergeEnv(spec.base.config?.config?.Env, config.Env);
    if (env) config.Env = env;
  }
  const baseHistory: unknown[] = spec.base
    ? Array.isArray(spec.base.config.history)
      ? spec.base.config.history
      : spec.base.layers.map(() => ({ created: spec.base!.config.created ?? spec.created }))
    : [];
  const image = {
    architecture: spec.architecture,
    os: spec.os,
    created: spec.created,
    config,
    rootfs: {
      type: 'layers',
      diff_ids: [...(spec.base?.layers ?? []).map((l) => l.diffId), ...layers.map((l) => l.digest)],
    },
    history: [...baseHistory, ...layers.map((l) => ({ created: spec.created, comment: l.comment }))],
  };
  const configJson = Buffer.from(canonicalJson(image), 'utf8');
  return { spec, layers, configJson, configDigest: 'sha256:' + sha256Hex(configJson) };
}

// ---------------------------------------------------------------------------------------
// The runtime configuration given by the user

const stringList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
const stringMap = (v: unknown): boolean =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** A set of names as docker wants it ({"80/tcp": {}}), from an attribute set or a list. */
function nameSet(key: string, v: unknown): Record<string, object> {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return Object.fromEntries(v.map((x) => [x, {}]));
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null || typeof x !== 'object' || Array.isArray(x)) {
        throw new Error(`config.${key}.${JSON.stringify(k)} must be an empty attribute set ({ }), as in ${key} = { "${k}" = { }; }`);
      }
    }
    return v as Record<string, object>;
  }
  throw new Error(`config.${key} must be an attribute set of empty sets (e.g. { "80/tcp" = { }; }) or a list of strings`);
}

/**
 * Checks the runtime configuration (the OCI image spec's `config` object) and returns it
 * normalised: ExposedPorts and Volumes may be lists; null values are dropped. Keys nixling
 * does not know are passed through.
 */
export function checkConfig(config: unknown): Record<string, unknown> {
  if (config === null || config === undefined) return {};
  if (typeof config !== 'object' || Array.isArray(config)) throw new Error('config must be an attribute set (Cmd, Entrypoint, Env, …)');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    if (v === null) continue;
    switch (k) {
      case 'Cmd':
      case 'Entrypoint':
      case 'Env':
      case 'Shell':
      case 'OnBuild':
        if (!stringList(v)) throw new Error(`config.${k} must be a list of strings`);
        if (k === 'Env') {
          for (const e of v as string[]) if (!e.includes('=')) throw new Error(`config.Env entry '${e}' must have the form NAME=VALUE`);
        }
        out[k] = v;
        break;
      case 'User':
      case 'WorkingDir':
      case 'StopSignal':
        if (typeof v !== 'string') throw new Error(`config.${k} must be a string`);
        out[k] = v;
        break;
      case 'Labels':
        if (!stringMap(v)) throw new Error('config.Labels must be an attribute set of strings');
        out[k] = v;
        break;
      case 'ExposedPorts':
      case 'Volumes':
        out[k] = nameSet(k, v);
        break;
      default:
        out[k] = v;
    }
  }
  return out;
}

/** The Go architecture name (what image configurations use) of a Nix system. */
export function goArchOf(system: string): string {
  const cpu = system.split('-')[0];
  const map: Record<string, string> = {
    x86_64: 'amd64',
    aarch64: 'arm64',
    i686: '386',
    i386: '386',
    armv7l: 'arm',
    armv6l: 'arm',
    riscv64: 'riscv64',
    powerpc64le: 'ppc64le',
    s390x: 's390x',
    mips64el: 'mips64le',
    loongarch64: 'loong64',
  };
  const a = map[cpu];
  if (!a) throw new Error(`no image architecture is known for the system '${system}'; pass architecture explicitly`);
  return a;
}

/** Seconds since the epoch of an RFC 3339 date, or undefined when it is not one. */
export function epochOf(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(date)) return undefined;
  const t = Date.parse(date);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}
