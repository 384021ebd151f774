/**
 * Builtins that put things into the store or name store paths: `toFile` (a text file with
 * references), `path` and `filterSource` (copy a file or tree, optionally filtered and with
 * an expected hash), `storePath` (depend on an existing store path), `placeholder`, and the
 * constant `storeDir`. Also installs `storeHooks.copyPathToStore`, through which path values
 * interpolated into strings are copied to the store as source paths named after their
 * basename (in read-only mode only their paths are computed).
 */
import * as fs from 'node:fs';
import { canonPath } from '../../grammar/build';
import { NixError, Pos } from '../eval/errors';
import {
  callFunction,
  coerceToString,
  forceAttrs,
  forceBool,
  forceFunction,
  forceString,
  forceStringNoCtx,
  storeHooks,
} from '../eval/runtime';
import { ctxOf, force, Lazy, NixPath, NixString, strOf, Value } from '../eval/value';
import { getStore } from '../store';
import { hashPlaceholder } from '../store/derivation';
import { Hash, parseHashAllowEmpty } from '../store/hash';
import { FileType, fsPath, PathFilter } from '../store/nar';
import { isDerivationPath } from '../store/store-path';
import type { Builtin } from './registry';
import { parseContextElem, storeOp, warn, withFrame } from './store-support';

/** Copies a source path to the store (path interpolation); memoised per path. */
export function copyPathToStore(path: string, pos?: Pos): string {
  if (isDerivationPath(path)) throw new NixError('eval', "file names are not allowed to end in '.drv'", pos);
  return storeOp(pos, () => {
    if (!fs.existsSync(fsPath(path)) && !isSymlink(path)) {
      throw new NixError('io', `path '${path}' does not exist`, pos);
    }
    return getStore().copySourcePath(path);
  });
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(fsPath(p)).isSymbolicLink();
  } catch {
    return false;
  }
}

export function installStoreHooks(): void {
  storeHooks.copyPathToStore = (p) => copyPathToStore(p);
}
installStoreHooks();

/** A string result naming a store path, with that path as its context. */
function storePathString(p: string): NixString {
  return new NixString(p, new Set([p]));
}

/** Coerces to a path, keeping the context of a string (`EvalState::coerceToPath`). */
function coercePathWithContext(v: Lazy, pos: Pos | undefined): { path: string; ctx: Set<string> } {
  const x = force(v);
  if (x instanceof NixPath) return { path: x.path, ctx: new Set() };
  const s = coerceToString(x, { copyToStore: false }, pos);
  const str = strOf(s);
  if (!str.startsWith('/')) throw new NixError('eval', `string '${str}' doesn't represent an absolute path`, pos);
  return { path: str, ctx: new Set(ctxOf(s)) };
}

/** Wraps a Nix filter function as a PathFilter. */
function nixFilter(f: Value, pos: Pos | undefined): PathFilter {
  return (p: string, type: FileType) => {
    const r = callFunction(f, [p, type], pos);
    return withFrame('while evaluating the return value of the path filter function', () => forceBool(r, pos));
  };
}

interface AddPathArgs {
  name: string;
  path: string;
  filter?: PathFilter;
  recursive: boolean;
  expected?: Hash;
  ctx: Set<string>;
}

/** `addPath` in Nix: copy (or, read-only, hash) a path with name, filter and method. */
function addPath(a: AddPathArgs, pos: Pos | undefined): Value {
  // The store makes the source path absolute and canonical (absPath) without resolving
  // symlinks: `"/x/link-to-dir/"` adds the symlink, as `/x/link-to-dir` does.
  a = { ...a, path: canonPath(a.path) };
  try {
    const store = getStore();
    return storeOp(pos, () => {
      // A path inside the store depending on derivation outputs keeps their references.
      let refs: string[] = [];
      if (store.dir.isInStore(a.path) && a.ctx.size > 0) {
        const [sp] = store.dir.toStorePath(a.path);
        refs = store.queryReferences(sp) ?? [];
      }
      const method = a.recursive ? 'nar' : 'flat';
      if (a.expected) {
        const expectedPath = store.dir.makeFixedOutputPath(a.name, method, a.expected, refs);
        if (store.isValidPath(expectedPath)) return storePathString(expectedPath);
        const added = store.addPathToStore(a.name, a.path, method, a.filter, refs);
        if (added.path !== expectedPath) {
          throw new NixError('eval', `store path mismatch in (possibly filtered) path added from '${a.path}'`, pos);
        }
        return storePathString(added.path);
      }
      return storePathString(store.addPathToStore(a.name, a.path, method, a.filter, refs).path);
    });
  } catch (e) {
    if (e instanceof NixError) e.addTrace(`while adding path '${a.path}'`);
    throw e;
  }
}

function baseName(p: string): string {
  const trimmed = p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export const builtins: Builtin[] = [
  {
    name: 'storeDir',
    arity: 0,
    value: () => getStore().storeDir,
  },
  {
    name: 'placeholder',
    arity: 1,
    global: true,
    fn([output], pos) {
      const o = withFrame('while evaluating the first argument passed to builtins.placeholder', () =>
        forceStringNoCtx(output, pos),
      );
      return hashPlaceholder(o);
    },
  },
  {
    name: 'toFile',
    arity: 2,
    fn([nameArg, contentsArg], pos) {
      const name = withFrame('while evaluating the first argument passed to builtins.toFile', () =>
        forceStringNoCtx(nameArg, pos),
      );
      const contents = withFrame('while evaluating the second argument passed to builtins.toFile', () =>
        forceString(contentsArg, pos),
      );
      const refs: string[] = [];
      for (const c of ctxOf(contents)) {
        const e = parseContextElem(c);
        if (e.kind !== 'opaque') {
          throw new NixError(
            'eval',
            `files created by builtins.toFile may not reference derivations, but ${name} references ${c}`,
            pos,
          );
        }
        refs.push(e.path);
      }
      const p = storeOp(pos, () => getStore().addTextToStore(name, strOf(contents), refs));
      return storePathString(p);
    },
  },
  {
    name: 'filterSource',
    arity: 2,
    fn([filterArg, pathArg], pos) {
      const { path, ctx } = withFrame(
        "while evaluating the second argument (the path to filter) passed to 'builtins.filterSource'",
        () => coercePathWithContext(pathArg, pos),
      );
      const f = withFrame('while evaluating the first argument passed to builtins.filterSource', () =>
        forceFunction(filterArg, pos),
      );
      return addPath({ name: baseName(path), path, filter: nixFilter(f, pos), recursive: true, ctx }, pos);
    },
  },
  {
    name: 'path',
    arity: 1,
    fn([argsArg], pos) {
      const attrs = withFrame("while evaluating the argument passed to 'builtins.path'", () =>
        forceAttrs(argsArg, pos),
      );
      let path: { path: string; ctx: Set<string> } | undefined;
      let name = '';
      let filter: PathFilter | undefined;
      let recursive = true;
      let expected: Hash | undefined;
      for (const k of attrs.keys()) {
        const v = attrs.get(k)!;
        const apos = attrs.posOf(k) ?? pos;
        if (k === 'path') {
          path = withFrame("while evaluating the 'path' attribute passed to 'builtins.path'", () =>
            coercePathWithContext(v, apos),
          );
        } else if (k === 'name') {
          name = withFrame('while evaluating the `name` attribute passed to builtins.path', () =>
            forceStringNoCtx(v, apos),
          );
        } else if (k === 'filter') {
          const f = withFrame('while evaluating the `filter` parameter passed to builtins.path', () =>
            forceFunction(v, apos),
          );
          filter = nixFilter(f, pos);
        } else if (k === 'recursive') {
          recursive = withFrame('while evaluating the `recursive` attribute passed to builtins.path', () =>
            forceBool(v, apos),
          );
        } else if (k === 'sha256') {
          const s = withFrame('while evaluating the `sha256` attribute passed to builtins.path', () =>
            forceStringNoCtx(v, apos),
          );
          expected = storeOp(apos, () => parseHashAllowEmpty(s, 'sha256', warn));
        } else {
          throw new NixError('eval', `unsupported argument '${k}' to 'builtins.path'`, apos);
        }
      }
      if (!path) {
        throw new NixError('eval', "missing required 'path' attribute in the first argument to 'builtins.path'", pos);
      }
      if (name === '') name = baseName(path.path);
      return addPath({ name, path: path.path, filter, recursive, expected, ctx: path.ctx }, pos);
    },
  },
  {
    name: 'storePath',
    arity: 1,
    fn([arg], pos) {
      const { path, ctx } = withFrame("while evaluating the first argument passed to 'builtins.storePath'", () =>
        coercePathWithContext(arg, pos),
      );
      const store = getStore();
      let p = path;
      if (!store.dir.isStorePath(p)) p = resolveSymlinks(p, store.config.root, pos);
      if (!store.dir.isInStore(p)) throw new NixError('eval', `path '${p}' is not in the Nix store`, pos);
      const [sp] = storeOp(pos, () => store.dir.toStorePath(p));
      // The argument's own context is kept (Nix coerces it into the same context set):
      // storePath of a drvPath still depends on all the derivation's outputs.
      ctx.add(sp);
      return new NixString(p, ctx);
    },
  },
];

/**
 * Resolves symlinks in a path that is not itself a store path, as Nix's canonPath(p, true):
 * a missing component (or a file used as a directory) is an error there too.
 */
function resolveSymlinks(p: string, root: string, pos: Pos | undefined): string {
  if (root !== '') return p;
  try {
    return fs.realpathSync(fsPath(p), { encoding: 'buffer' }).toString('latin1');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'Not a directory' : 'No such file or directory';
    throw new NixError('io', `getting status of '${p}': ${reason}`, pos);
  }
}
