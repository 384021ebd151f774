/**
 * Reading the filesystem and the environment: readFile, readDir, pathExists,
 * readFileType, getEnv, toPath.
 */
import * as fs from 'node:fs';
import { NixError, Pos } from '../eval/errors';
import { coerceToPath, forceStringNoCtx } from '../eval/runtime';
import { evalState } from '../eval/state';
import { Attrs, force, Lazy, mkString, NixPath, NixString } from '../eval/value';
import { canonPath } from '../../grammar/build';
import { getStore } from '../store';
import type { Builtin } from './registry';

function fileType(st: fs.Stats): string {
  if (st.isFile()) return 'regular';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'unknown';
}

function ioError(e: unknown, what: string, p: string, pos: Pos | undefined): NixError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new NixError('io', `path '${p}' does not exist`, pos);
  return new NixError('io', `${what} '${p}': ${(e as Error).message}`, pos);
}

/** The references of the store path containing `p`, when the store knows it. */
function storeReferences(p: string): Set<string> | undefined {
  const store = getStore();
  if (!store.dir.isInStore(p)) return undefined;
  try {
    const refs = store.queryReferences(store.dir.toStorePath(p)[0]);
    return refs && refs.length > 0 ? new Set(refs) : undefined;
  } catch {
    return undefined;
  }
}

export const builtins: Builtin[] = [
  {
    name: 'readFile',
    arity: 1,
    fn: ([p], pos) => {
      const v = force(p);
      const file = coerceToPath(v, pos);
      try {
        const text = fs.readFileSync(file, 'latin1');
        // As Nix: a file in the store gets the references of its store path as context (not
        // the context of the argument); anything else, or a path the store does not know, none.
        return mkString(text, storeReferences(file));
      } catch (e) {
        throw ioError(e, 'cannot read', file, pos);
      }
    },
  },
  {
    name: 'readDir',
    arity: 1,
    fn: ([p], pos) => {
      const dir = coerceToPath(p, pos);
      try {
        const m = new Map<string, Lazy>();
        for (const ent of fs.readdirSync(dir, { withFileTypes: true, encoding: 'latin1' as BufferEncoding })) {
          let t = 'unknown';
          if (ent.isFile()) t = 'regular';
          else if (ent.isDirectory()) t = 'directory';
          else if (ent.isSymbolicLink()) t = 'symlink';
          m.set(ent.name, t);
        }
        return new Attrs(m);
      } catch (e) {
        throw ioError(e, 'cannot read directory', dir, pos);
      }
    },
  },
  {
    name: 'pathExists',
    arity: 1,
    fn: ([p], pos) => {
      const v = force(p);
      let file = coerceToPath(v, pos);
      // A trailing slash means the path must be a directory.
      const mustBeDir = !(v instanceof NixPath) && /\/\.?$/.test(file);
      file = canonPath(file);
      try {
        // A dangling symlink exists; a trailing slash asks for a directory (followed).
        if (mustBeDir) return fs.statSync(file).isDirectory();
        fs.lstatSync(file);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'readFileType',
    arity: 1,
    fn: ([p], pos) => {
      const file = coerceToPath(p, pos);
      try {
        return fileType(fs.lstatSync(file));
      } catch (e) {
        throw ioError(e, 'cannot stat', file, pos);
      }
    },
  },
  {
    name: 'getEnv',
    arity: 1,
    fn: ([name], pos) => {
      const n = forceStringNoCtx(name, pos);
      if (evalState.pure) return '';
      const v = process.env[n];
      return v === undefined ? '' : Buffer.from(v, 'utf8').toString('latin1');
    },
  },
  {
    name: 'toPath',
    arity: 1,
    fn: ([p], pos) => {
      // The context of a string argument is kept (Nix's toPath passes it on).
      const v = force(p);
      const file = coerceToPath(v, pos);
      return mkString(canonPath(file), v instanceof NixString && v.ctx.size > 0 ? new Set(v.ctx) : undefined);
    },
  },
];
