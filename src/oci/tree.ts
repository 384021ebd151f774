/**
 * The filesystem tree of one image layer, held in memory as metadata (file contents stay
 * where they are and are read when the layer is written), and the ways layers are put
 * together:
 *
 * - `readTree`: a directory on disk as it is (modes, symlinks), for a layer root that
 *   `extraCommands` may have changed;
 * - `addStorePath`: a store path at its logical place (`/nix/store/…`) read from where it
 *   physically is;
 * - `copyToRoot`: merges the contents of a store path into a directory on disk, as
 *   nixpkgs' `rsync -a -k` does (directories merge, later files replace earlier ones,
 *   symlinks to directories become directories unless `keepDirlinks`);
 * - `symlinkJoin`: links the contents of store paths into a directory, as `lndir` does
 *   (directories are real, everything else a symlink into the store path; the first path
 *   providing a name wins): the root of a layered image;
 * - `writeTree`: the tar of a tree: entries depth-first with names sorted bytewise (as
 *   `tar --sort=name`), one owner and one modification time for all.
 *
 * Host symlinks: pkgs' host packages are store paths whose programs are symlinks to the
 * host (`bin/busybox -> /usr/bin/busybox`), which a container cannot follow. Unless
 * `dereferenceHostSymlinks` is off, an absolute symlink pointing outside the store to a
 * host regular file is replaced by a copy of that file (mode 0555 or 0444); symlinks to
 * host directories and dangling ones are kept as they are.
 *
 * Paths are byte strings (latin1-decoded), turned into Buffers for node:fs.
 */
import * as fs from 'node:fs';
import { TarWriter } from './tar';

export type Node = DirNode | FileNode | LinkNode;
export interface DirNode {
  type: 'dir';
  mode: number;
  children: Map<string, Node>;
}
export interface FileNode {
  type: 'file';
  mode: number;
  size: number;
  /** Where the contents are read from (a physical byte-string path). */
  source: string;
}
export interface LinkNode {
  type: 'symlink';
  target: string;
}

export interface TreeOptions {
  /** The logical store directory: symlinks into it are never host symlinks. */
  storeDir: string;
  /** Maps a logical store path to where it physically is. */
  physicalPath(p: string): string;
  dereferenceHostSymlinks: boolean;
  /** Warnings (symlinks to host directories, special files skipped). */
  warn(msg: string): void;
}

const b = (p: string): Buffer => Buffer.from(p, 'latin1');

export function emptyDir(mode = 0o755): DirNode {
  return { type: 'dir', mode, children: new Map() };
}

function readlink(p: string): string {
  return (fs.readlinkSync(b(p), { encoding: 'buffer' }) as Buffer).toString('latin1');
}

function readdir(p: string): string[] {
  return (fs.readdirSync(b(p), { encoding: 'buffer' }) as Buffer[]).map((n) => n.toString('latin1'));
}

function inStore(target: string, o: TreeOptions): boolean {
  return target === o.storeDir || target.startsWith(o.storeDir + '/');
}

/**
 * For a symlink's target: the host regular file it stands for, when it is an absolute
 * path outside the store that resolves to one (and dereferencing is on).
 */
function hostFile(target: string, o: TreeOptions): FileNode | undefined {
  if (!o.dereferenceHostSymlinks || !target.startsWith('/') || inStore(target, o)) return undefined;
  let st: fs.Stats;
  let real: string;
  try {
    real = (fs.realpathSync(b(target), { encoding: 'buffer' }) as Buffer).toString('latin1');
    st = fs.statSync(b(real));
  } catch {
    return undefined; // dangling: keep the link
  }
  if (inStore(real, o) || st.isDirectory()) {
    if (st.isDirectory()) o.warn(`keeping the symlink to the host directory '${target}' (only host files are copied into images)`);
    return undefined;
  }
  if (!st.isFile()) return undefined;
  return { type: 'file', mode: st.mode & 0o111 ? 0o555 : 0o444, size: st.size, source: real };
}

/** Reads the filesystem object at `phys` (not following a top-level symlink). */
export function readNode(phys: string, o: TreeOptions, keepModes = true): Node | undefined {
  const st = fs.lstatSync(b(phys));
  if (st.isSymbolicLink()) {
    const target = readlink(phys);
    return hostFile(target, o) ?? { type: 'symlink', target };
  }
  if (st.isFile()) return { type: 'file', mode: keepModes ? st.mode & 0o7777 : st.mode & 0o111 ? 0o555 : 0o444, size: st.size, source: phys };
  if (st.isDirectory()) {
    const d = emptyDir(st.mode & 0o7777);
    for (const name of readdir(phys)) {
      const n = readNode(phys + '/' + name, o, keepModes);
      if (n) d.children.set(name, n);
    }
    return d;
  }
  o.warn(`skipping '${phys}': sockets, fifos and devices are not put into images`);
  return undefined;
}

/** Reads a directory on disk as a layer root. */
export function readTree(dir: string, o: TreeOptions): DirNode {
  const n = readNode(dir, o);
  if (!n || n.type !== 'dir') throw new Error(`'${dir}' is not a directory`);
  return n;
}

/** The directory at `rel` (slash-separated) below `root`, created (mode 0755) as needed. */
export function ensureDir(root: DirNode, rel: string): DirNode {
  let d = root;
  for (const part of rel.split('/')) {
    if (part === '') continue;
    const c = d.children.get(part);
    if (c && c.type === 'dir') d = c;
    else {
      const n = emptyDir();
      d.children.set(part, n);
      d = n;
    }
  }
  return d;
}

/** Puts the store path `logical` (read from where it physically is) at its place in `root`. */
export function addStorePath(root: DirNode, logical: string, o: TreeOptions): void {
  const slash = logical.lastIndexOf('/');
  const parent = ensureDir(root, logical.slice(0, slash));
  const n = readNode(o.physicalPath(logical), o);
  if (n) parent.children.set(logical.slice(slash + 1), n);
}

/** Follows a symlink found inside the store to where its target physically is (one level). */
function physicalTarget(linkPhys: string, target: string, o: TreeOptions): string {
  if (!target.startsWith('/')) return linkPhys.slice(0, linkPhys.lastIndexOf('/') + 1) + target;
  return inStore(target, o) ? o.physicalPath(target) : target;
}

function isDirectory(phys: string): boolean {
  try {
    return fs.statSync(b(phys)).isDirectory();
  } catch {
    return false;
  }
}

/** Resolves a physical path through symlinks (which may point at logical store paths). */
function resolveDir(phys: string, o: TreeOptions, depth = 0): string | undefined {
  if (depth > 40) return undefined;
  let st: fs.Stats;
  try {
    st = fs.lstatSync(b(phys));
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return phys;
  if (st.isSymbolicLink()) return resolveDir(physicalTarget(phys, readlink(phys), o), o, depth + 1);
  return undefined;
}

function removeExisting(p: string): void {
  fs.rmSync(b(p), { recursive: true, force: true });
}

/**
 * Merges the contents of the directory `srcPhys` into the directory `dst` on disk (rsync
 * -a semantics: modes kept, files copied; directories made owner-writable so later items
 * and extraCommands can add to them).
 */
export function copyToRoot(dst: string, srcPhys: string, o: TreeOptions, keepDirlinks: boolean): void {
  for (const name of readdir(srcPhys).sort()) {
    const s = srcPhys + '/' + name;
    const d = dst + '/' + name;
    const st = fs.lstatSync(b(s));
    let dirSource: string | undefined;
    if (st.isDirectory()) dirSource = s;
    else if (st.isSymbolicLink() && !keepDirlinks) dirSource = resolveDir(s, o);
    if (dirSource !== undefined) {
      let existing: fs.Stats | undefined;
      try {
        existing = fs.lstatSync(b(d));
      } catch {
        existing = undefined;
      }
      if (existing && !existing.isDirectory()) removeExisting(d);
      if (!existing || !existing.isDirectory()) fs.mkdirSync(b(d));
      copyToRoot(d, dirSource, o, keepDirlinks);
      fs.chmodSync(b(d), (fs.statSync(b(dirSource)).mode & 0o7777) | 0o200);
    } else if (st.isSymbolicLink()) {
      const target = readlink(s);
      removeExisting(d);
      const host = hostFile(target, o);
      if (host) copyFile(host.source, d, host.mode);
      else fs.symlinkSync(b(target), b(d));
    } else if (st.isFile()) {
      removeExisting(d);
      copyFile(s, d, st.mode & 0o7777);
    } else o.warn(`skipping '${s}': sockets, fifos and devices are not put into images`);
  }
}

function copyFile(src: string, dst: string, mode: number): void {
  fs.copyFileSync(b(src), b(dst), fs.constants.COPYFILE_FICLONE);
  fs.chmodSync(b(dst), mode);
}

/**
 * Links the entries of the directory `logical` (a store path or a path inside one) into
 * `dst` on disk, as lndir does: directories (also through symlinks) become real
 * directories, other entries symlinks to their logical path; existing names are kept.
 */
export function symlinkJoin(dst: string, logical: string, phys: string, o: TreeOptions): void {
  for (const name of readdir(phys).sort()) {
    const sl = logical + '/' + name;
    const sp = phys + '/' + name;
    const d = dst + '/' + name;
    let existing: fs.Stats | undefined;
    try {
      existing = fs.lstatSync(b(d));
    } catch {
      existing = undefined;
    }
    const dirSource = resolveDir(sp, o);
    if (dirSource !== undefined && isDirectory(dirSource)) {
      if (existing === undefined) {
        fs.mkdirSync(b(d));
        fs.chmodSync(b(d), 0o755); // whatever the umask
      } else if (!existing.isDirectory()) continue;
      symlinkJoin(d, sl, dirSource, o);
    } else if (existing === undefined) fs.symlinkSync(b(sl), b(d));
  }
}

/** Writes the entries of `root` (not `root` itself) depth-first, names sorted bytewise. */
export function writeTree(root: DirNode, tar: TarWriter, prefix = ''): void {
  const names = [...root.children.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const name of names) {
    const n = root.children.get(name)!;
    const path = prefix + name;
    if (n.type === 'dir') {
      tar.directory(path, n.mode);
      writeTree(n, tar, path + '/');
    } else if (n.type === 'file') tar.fileFrom(path, n.mode, n.size, n.source);
    else tar.symlink(path, n.target);
  }
}
