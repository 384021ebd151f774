// dockerTools end to end through bin/nixling (run `node build.mjs` first): images built
// from Nix into temporary chroot stores (`--store ROOT`, logical /nix/store), their
// archives checked entry by entry, built twice for byte-for-byte reproducibility, and
// handed to skopeo, umoci and podman (each test skips, saying why, when its tool is missing).
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntry, readTarIndex, TarEntry } from '../../src/oci/tar';

const BIN = path.resolve(__dirname, '../../bin/nixling');
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const HAS_BUSYBOX = fs.existsSync('/usr/bin/busybox') || fs.existsSync('/bin/busybox');
const canPodman = has('podman') && (has('runc') || fs.existsSync('/usr/sbin/runc')) && HAS_BUSYBOX;

const NIX = `
let
  pkgs = import <nixling/pkgs> { };
  inherit (pkgs) dockerTools;
  hello = pkgs.writeScriptBin "hello" ''
    #!/bin/busybox sh
    echo "layered hello as $(/bin/busybox id -u)"
  '';
  greeting = pkgs.writeTextDir "share/greeting" "hello from the store";
  base = dockerTools.buildImage {
    name = "nixling-test/base";
    tag = "1";
    copyToRoot = [ pkgs.busybox ];
    extraCommands = "ln -s busybox bin/sh; mkdir -m 1777 tmp";
    config.Env = [ "PATH=/bin" "FROM_BASE=yes" ];
  };
in rec {
  inherit base;
  image = dockerTools.buildImage {
    name = "nixling-test/image";
    tag = "latest";
    copyToRoot = [ pkgs.busybox ];
    extraCommands = ''
      ln -s busybox bin/sh
      mkdir -m 1777 tmp
      mkdir -p etc && echo root:x:0:0::/:/bin/sh > etc/passwd
    '';
    config = {
      Cmd = [ "/bin/sh" "-c" "echo $GREETING from $(pwd); cat \${greeting}/share/greeting" ];
      Env = [ "GREETING=hi" "PATH=/bin" ];
      WorkingDir = "/tmp";
      User = "0:0";
      ExposedPorts."8080/tcp" = { };
      Volumes = [ "/data" ];
      Labels."org.example.test" = "yes";
      StopSignal = "SIGTERM";
    };
  };
  untagged = dockerTools.buildImage { name = "Nixling-Test/Untagged"; copyToRoot = greeting; };
  oci = dockerTools.buildImage {
    name = "nixling-test/oci";
    tag = "v1";
    format = "oci-archive";
    copyToRoot = [ pkgs.busybox ];
    config.Cmd = [ "\${pkgs.busybox}/bin/busybox" "echo" "hello from oci" ];
  };
  layered = dockerTools.buildLayeredImage {
    name = "nixling-test/layered";
    tag = "latest";
    contents = [ pkgs.busybox hello ];
    config.Cmd = [ "/bin/hello" ];
    extraCommands = "mkdir -m 1777 tmp";
  };
  stream = dockerTools.streamLayeredImage {
    name = "nixling-test/layered";
    tag = "latest";
    contents = [ pkgs.busybox hello ];
    config.Cmd = [ "/bin/hello" ];
    extraCommands = "mkdir -m 1777 tmp";
  };
  streamOci = dockerTools.streamLayeredImage {
    name = "nixling-test/stream-oci";
    tag = "latest";
    format = "oci-archive";
    contents = [ hello ];
  };
  squeezed = dockerTools.buildLayeredImage {
    name = "nixling-test/squeezed";
    tag = "latest";
    contents = [ pkgs.busybox hello greeting ];
    maxLayers = 3;
  };
  onBase = dockerTools.buildLayeredImage {
    name = "nixling-test/on-base";
    tag = "latest";
    fromImage = base;
    contents = [ greeting ];
    config = { Cmd = [ "/bin/sh" "-c" "echo FROM_BASE=$FROM_BASE OWN=$OWN; cat /share/greeting" ]; Env = [ "OWN=1" ]; };
  };
  onBaseImage = dockerTools.buildImage {
    name = "nixling-test/on-base-image";
    tag = "latest";
    fromImage = base;
    copyToRoot = greeting;
  };
  merged = dockerTools.mergeImages [ base image ];
}
`;

const ATTRS = ['base', 'image', 'untagged', 'oci', 'layered', 'stream', 'streamOci', 'squeezed', 'onBase', 'onBaseImage', 'merged'];

let dir: string;
/** Attribute → its output path, physically (in the first store), and logically. */
const out: Record<string, string> = {};
const logical: Record<string, string> = {};
let secondRoot: string;

function nixling(args: string[], cwd = dir): SpawnSyncReturns<string> {
  return spawnSync(BIN, args, { cwd, encoding: 'utf8' });
}

function buildAll(root: string): Record<string, string> {
  const r = nixling(['build', 'default.nix', '--store', root, '--no-out-link', ...ATTRS.flatMap((a) => ['-A', a])]);
  if (r.status !== 0) throw new Error(`nixling build failed:\n${r.stderr}`);
  const paths = r.stdout.trim().split('\n');
  expect(paths).toHaveLength(ATTRS.length);
  return Object.fromEntries(ATTRS.map((a, i) => [a, paths[i]]));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-oci-images-'));
  fs.writeFileSync(path.join(dir, 'default.nix'), NIX);
  const root = path.join(dir, 'root1');
  Object.assign(logical, buildAll(root));
  for (const a of ATTRS) out[a] = root + logical[a];
  secondRoot = path.join(dir, 'root2');
});

afterAll(() => {
  spawnSync('chmod', ['-R', 'u+w', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The entries of an archive by name, and a reader for them. */
function archive(file: string) {
  const idx = readTarIndex(file);
  const by = new Map(idx.map((e) => [e.name, e]));
  const get = (name: string): TarEntry => {
    const e = by.get(name);
    if (!e) throw new Error(`${name} is not in ${file}: ${[...by.keys()].join(', ')}`);
    return e;
  };
  const data = (name: string): Buffer => readEntry(file, get(name));
  return { idx, by, data, json: (name: string) => JSON.parse(data(name).toString('utf8')) };
}

/** A docker-archive's manifest entry, configuration and layers (each listed). */
function dockerImage(file: string) {
  const a = archive(file);
  const [manifest] = a.json('manifest.json');
  const config = a.json(manifest.Config);
  const layers = (manifest.Layers as string[]).map((name) => {
    const tmp = path.join(dir, 'layer-' + sha256(Buffer.from(file + name)) + '.tar');
    fs.writeFileSync(tmp, a.data(name));
    return { name, file: tmp, entries: readTarIndex(tmp) };
  });
  return { a, manifest, config, layers };
}

describe('buildImage (docker-archive)', () => {
  it('writes the manifest, the configuration and one layer', () => {
    const { manifest, config, layers, a } = dockerImage(out.image);
    expect(manifest.RepoTags).toEqual(['nixling-test/image:latest']);
    expect(manifest.Config).toBe(sha256(a.data(manifest.Config)) + '.json');
    expect(config).toMatchObject({ architecture: expect.any(String), os: 'linux', created: '1970-01-01T00:00:01Z' });
    expect(config.config).toEqual({
      Cmd: ['/bin/sh', '-c', expect.stringContaining('/nix/store/')],
      Env: ['GREETING=hi', 'PATH=/bin'],
      WorkingDir: '/tmp',
      User: '0:0',
      ExposedPorts: { '8080/tcp': {} },
      Volumes: { '/data': {} },
      Labels: { 'org.example.test': 'yes' },
      StopSignal: 'SIGTERM',
    });
    expect(layers).toHaveLength(1);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: ['sha256:' + sha256(fs.readFileSync(layers[0].file))] });
    expect(config.history).toHaveLength(1);
  });

  it('merges copyToRoot into /, keeps extraCommands changes, and adds the closure of what the config refers to', () => {
    const [layer] = dockerImage(out.image).layers;
    const by = new Map(layer.entries.map((e) => [e.name, e]));
    // The host's busybox (a symlink in the host package) is copied in as a file.
    expect(by.get('bin/busybox')).toMatchObject({ type: 'file', mode: 0o555 });
    expect(by.get('bin/sh')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(by.get('tmp/')).toMatchObject({ type: 'directory', mode: 0o1777 });
    expect(by.get('etc/passwd')!.type).toBe('file');
    // The greeting (referred to by Cmd) is in the store directory of the image.
    const greeting = layer.entries.find((e) => /^nix\/store\/[a-z0-9]{32}-greeting\/share\/greeting$/.test(e.name));
    expect(greeting).toBeDefined();
    expect(readEntry(layer.file, greeting!).toString()).toBe('hello from the store');
    expect(by.get('nix/')!.type).toBe('directory');
    // Sorted, root-owned, dated 1970.
    const names = layer.entries.map((e) => e.name);
    expect(names.indexOf('bin/')).toBeLessThan(names.indexOf('bin/busybox'));
    const raw = fs.readFileSync(layer.file);
    for (const e of layer.entries.slice(0, 5)) {
      const h = raw.subarray(e.offset - 512, e.offset);
      expect(h.toString('latin1', 108, 115)).toBe('0000000');
      expect(h.toString('latin1', 136, 147)).toBe('00000000001');
    }
  });

  it('derives the tag from the output hash when there is none, as nixpkgs does', () => {
    const { manifest } = dockerImage(out.untagged);
    const hash = path.basename(logical.untagged).slice(0, 32);
    expect(manifest.RepoTags).toEqual([`nixling-test/untagged:${hash}`]);
    const r = nixling(['eval', '--json', '-E', `let x = (import ./default.nix).untagged; in [ x.imageName x.imageTag ]`]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['nixling-test/untagged', hash]);
  });

  it('puts a base image (fromImage) under the new layer and keeps its environment', () => {
    const base = dockerImage(out.base);
    const img = dockerImage(out.onBaseImage);
    expect(img.layers).toHaveLength(2);
    expect(img.config.rootfs.diff_ids[0]).toBe(base.config.rootfs.diff_ids[0]);
    expect(fs.readFileSync(img.layers[0].file).equals(fs.readFileSync(base.layers[0].file))).toBe(true);
    expect(img.config.config.Env).toEqual(['PATH=/bin', 'FROM_BASE=yes']);
    expect(img.config.history).toHaveLength(2);
  });

  it('merges several images into one archive (mergeImages)', () => {
    const a = archive(out.merged);
    const manifest = a.json('manifest.json');
    expect(manifest.map((m: { RepoTags: string[] }) => m.RepoTags[0])).toEqual(['nixling-test/base:1', 'nixling-test/image:latest']);
    for (const m of manifest) for (const l of m.Layers) expect(a.by.has(l)).toBe(true);
  });
});

describe('buildImage (oci-archive)', () => {
  it('writes an OCI image layout: oci-layout, index.json, content-addressed blobs', () => {
    const a = archive(out.oci);
    expect(a.json('oci-layout')).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = a.json('index.json');
    expect(index.schemaVersion).toBe(2);
    expect(index.manifests).toHaveLength(1);
    const desc = index.manifests[0];
    expect(desc.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(desc.annotations['org.opencontainers.image.ref.name']).toBe('v1');
    const blob = (d: { digest: string; size: number }): Buffer => {
      const b = a.data('blobs/sha256/' + d.digest.slice(7));
      expect(b.length).toBe(d.size);
      expect('sha256:' + sha256(b)).toBe(d.digest);
      return b;
    };
    const manifest = JSON.parse(blob(desc).toString());
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    const config = JSON.parse(blob(manifest.config).toString());
    expect(config.config.Cmd[2]).toBe('hello from oci');
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
    expect(config.rootfs.diff_ids).toEqual([manifest.layers[0].digest]);
    blob(manifest.layers[0]);
  });
});

describe('buildLayeredImage and streamLayeredImage', () => {
  it('gives each store path a layer, then the customisation layer with the contents linked into /', () => {
    const { config, layers } = dockerImage(out.layered);
    // busybox-host and hello, then the customisation layer.
    expect(layers).toHaveLength(3);
    expect(config.history.map((h: { comment: string }) => h.comment)).toEqual([
      expect.stringMatching(/^store paths: \['\/nix\/store\/[a-z0-9]{32}-busybox-host'\]$/),
      expect.stringMatching(/-hello'\]$/),
      expect.stringMatching(/-nixling-test-layered-customisation-layer|-layered-customisation-layer'\]$/),
    ]);
    const custom = new Map(layers[2].entries.map((e) => [e.name, e]));
    expect(custom.get('bin/hello')).toMatchObject({ type: 'symlink', linkname: expect.stringMatching(/^\/nix\/store\/[a-z0-9]{32}-hello\/bin\/hello$/) });
    expect(custom.get('tmp/')).toMatchObject({ mode: 0o1777 });
    expect(layers[0].entries.map((e) => e.name).slice(0, 2)).toEqual(['nix/', 'nix/store/']);
  });

  it('groups what does not fit in maxLayers into the last store layer', () => {
    const { layers, config } = dockerImage(out.squeezed);
    expect(layers).toHaveLength(3);
    expect(config.history[1].comment).toMatch(/^store paths: \['[^']+', '[^']+'\]$/);
  });

  it('the stream script writes the same bytes buildLayeredImage stores', () => {
    const script = fs.readFileSync(out.stream, 'utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(fs.statSync(out.stream).mode & 0o111).not.toBe(0);
    const r = spawnSync(out.stream, [], { maxBuffer: 1 << 28 });
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.equals(fs.readFileSync(out.layered))).toBe(true);
  });

  it('the stream script can rename the image (--repo-tag) and write OCI archives', () => {
    const file = path.join(dir, 'renamed.tar');
    const r = spawnSync('sh', ['-c', `'${out.stream}' --repo-tag other/name:v2 > '${file}'`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(dockerImage(file).manifest.RepoTags).toEqual(['other/name:v2']);
    const oci = path.join(dir, 'stream-oci.tar');
    expect(spawnSync('sh', ['-c', `'${out.streamOci}' > '${oci}'`]).status).toBe(0);
    expect(archive(oci).json('index.json').manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('latest');
  });

  it('refuses to write to a terminal and reports unreadable scripts', () => {
    const r = nixling(['stream-image', path.join(dir, 'default.nix')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not an image stream script/);
  });

  it('layers a base image under the store layers and merges the environment', () => {
    const base = dockerImage(out.base);
    const img = dockerImage(out.onBase);
    expect(img.config.rootfs.diff_ids[0]).toBe(base.config.rootfs.diff_ids[0]);
    expect(img.config.config.Env).toEqual(['PATH=/bin', 'FROM_BASE=yes', 'OWN=1']);
    expect(img.layers).toHaveLength(3); // base, greeting, customisation
  });
});

describe('reproducibility', () => {
  it('builds byte-identical images in another fresh store', () => {
    const second = buildAll(secondRoot);
    expect(second).toEqual(logical);
    for (const a of ATTRS) {
      expect(fs.readFileSync(secondRoot + second[a]).equals(fs.readFileSync(out[a])), a).toBe(true);
    }
  });
});

describe('evaluation errors for what nixling cannot do', () => {
  const evalErr = (expr: string): string => {
    const r = nixling(['eval', '-E', `let pkgs = import <nixling/pkgs> { }; in ${expr}`]);
    expect(r.status).toBe(1);
    return r.stderr;
  };
  it('runAsRoot, fakeRootCommands, pullImage, unknown formats, bad dates', () => {
    expect(evalErr('(pkgs.dockerTools.buildImage { name = "x"; runAsRoot = "id"; }).drvPath')).toMatch(/runAsRoot is not supported by nixling: .*virtual machine/);
    expect(evalErr('(pkgs.dockerTools.streamLayeredImage { name = "x"; fakeRootCommands = "chown 1 x"; }).drvPath')).toMatch(/fakeRootCommands is not supported by nixling: .*fakeroot/);
    expect(evalErr('pkgs.dockerTools.pullImage { imageName = "nginx"; imageDigest = "sha256:0"; sha256 = ""; }')).toMatch(/pullImage \(nginx\): nixling has no network access/);
    expect(evalErr('(pkgs.dockerTools.buildImage { name = "x"; format = "tar"; }).drvPath')).toMatch(/format must be one of "docker-archive", "oci-archive"/);
    expect(evalErr('(pkgs.dockerTools.buildLayeredImage { name = "x"; maxLayers = 1; }).drvPath')).toMatch(/maxLayers must be an integer greater than 1/);
  });

  it('reports a failing extraCommands and a bad configuration as build errors', () => {
    fs.writeFileSync(
      path.join(dir, 'bad.nix'),
      `let pkgs = import <nixling/pkgs> { }; in {
        cmds = pkgs.dockerTools.buildImage { name = "bad"; extraCommands = "echo about to fail; false"; };
        conf = pkgs.dockerTools.buildImage { name = "bad"; config.Cmd = "echo hi"; };
        date = pkgs.dockerTools.buildImage { name = "bad"; created = "yesterday"; };
      }`,
    );
    const b = (attr: string) => nixling(['build', 'bad.nix', '-A', attr, '--store', path.join(dir, 'root-bad'), '--no-out-link']);
    expect(b('cmds').stderr).toMatch(/extraCommands failed \(exit code 1\)[\s\S]*about to fail/);
    expect(b('conf').stderr).toMatch(/image 'bad': config.Cmd must be a list of strings/);
    expect(b('date').stderr).toMatch(/created must be an RFC 3339 date/);
  });
});

describe('validators', () => {
  it.skipIf(!has('skopeo'))('skopeo inspects both formats and copies them to an OCI layout', () => {
    const d = JSON.parse(spawnSync('skopeo', ['inspect', '--config', `docker-archive:${out.image}`], { encoding: 'utf8' }).stdout);
    expect(d.config.Env).toEqual(['GREETING=hi', 'PATH=/bin']);
    const o = spawnSync('skopeo', ['inspect', `oci-archive:${out.oci}`], { encoding: 'utf8' });
    expect(o.stderr).toBe('');
    expect(JSON.parse(o.stdout)).toMatchObject({ Architecture: expect.any(String), Os: 'linux', Layers: [expect.stringMatching(/^sha256:/)] });
    const l = spawnSync('skopeo', ['inspect', `docker-archive:${out.onBase}`], { encoding: 'utf8' });
    expect(JSON.parse(l.stdout).Layers).toHaveLength(3);
    for (const [src, dst] of [
      [`docker-archive:${out.layered}`, `oci:${dir}/oci-layout:layered`],
      [`oci-archive:${out.oci}`, `oci:${dir}/oci-layout:oci`],
    ]) {
      const c = spawnSync('skopeo', ['copy', '--insecure-policy', src, dst], { encoding: 'utf8' });
      expect(c.stderr).toBe('');
      expect(c.status).toBe(0);
    }
  });

  it.skipIf(!has('skopeo') || !has('umoci'))('umoci unpacks the layered image with the contents linked into /', () => {
    const bundle = path.join(dir, 'bundle');
    const u = spawnSync('umoci', ['unpack', '--rootless', '--image', `${dir}/oci-layout:layered`, bundle], { encoding: 'utf8' });
    expect(u.stderr).not.toMatch(/error/i);
    expect(u.status).toBe(0);
    const link = fs.readlinkSync(path.join(bundle, 'rootfs/bin/hello'));
    expect(fs.readFileSync(path.join(bundle, 'rootfs', link), 'utf8')).toContain('layered hello');
  });
});

describe.skipIf(!canPodman)('podman', () => {
  let env: NodeJS.ProcessEnv;
  let storage: string[];
  beforeAll(() => {
    const conf = path.join(dir, 'containers.conf');
    fs.writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]\n\n[engine]\nruntime = "runc"\n');
    env = { ...process.env, CONTAINERS_CONF: conf };
    // A storage of our own: other podman users on this machine never see our images.
    storage = ['--root', path.join(dir, 'podman/root'), '--runroot', path.join(dir, 'podman/run')];
  });
  afterAll(() => {
    if (storage) spawnSync('podman', [...storage, 'rmi', '--all', '--force'], { env });
  });
  const podman = (args: string[], input?: Buffer) => spawnSync('podman', [...storage, ...args], { env, input, encoding: 'utf8' });
  const load = (file: string) => {
    const r = podman(['load', '-i', file]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    return r.stdout;
  };

  it('loads and runs buildImage archives (docker and OCI) with busybox', () => {
    expect(load(out.image)).toContain('nixling-test/image:latest');
    const run = podman(['run', '--rm', 'localhost/nixling-test/image:latest']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('hi from /tmp\nhello from the store');
    expect(load(out.oci)).toContain('nixling-test/oci:v1');
    expect(podman(['run', '--rm', 'localhost/nixling-test/oci:v1']).stdout).toBe('hello from oci\n');
  });

  it('loads a streamed layered image from a pipe and runs it', () => {
    const r = spawnSync('sh', ['-c', `'${out.stream}' | podman ${storage.join(' ')} load`], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('nixling-test/layered:latest');
    expect(podman(['run', '--rm', 'localhost/nixling-test/layered:latest']).stdout).toBe('layered hello as 0\n');
  });

  it('runs a layered image on a base image', () => {
    load(out.onBase);
    expect(podman(['run', '--rm', 'localhost/nixling-test/on-base:latest']).stdout).toBe('FROM_BASE=yes OWN=1\nhello from the store');
  });
});
