/**
 * The evaluator's entry points: parse and compile a file or an expression, evaluate it,
 * and import files (cached per resolved path, as Nix caches them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from '../../grammar';
import type { Expr } from '../../grammar/ast';
import { ParseError, Source } from '../../grammar/ast';
import { compileProgram } from './compile';
import { fromParseError, NixError } from './errors';
import { Scope } from './scope';
import { Env, Lazy, mkEnv, Thunk, Value } from './value';
import { installBuiltins } from '../builtins';
import './call';

/** Reads a source file as a byte string. */
export function readSource(file: string): string {
  return fs.readFileSync(file, 'latin1');
}

export function parseSource(text: string, file: string, dir: string, isFile: boolean): Expr {
  try {
    return parse(text, file, dir, isFile);
  } catch (e) {
    if (e instanceof ParseError) throw fromParseError(e);
    throw e;
  }
}

/** Evaluates a parsed expression in the global scope (plus an optional extra frame). */
export function evalAst(expr: Expr, scope: Scope | null = null, env: Env | null = null): Value {
  installBuiltins();
  const code = compileProgram(expr, scope);
  return code(env ?? TOP_ENV);
}

const TOP_ENV: Env = [null];

export interface EvalExprOptions {
  /** Base directory for relative paths (default: the current directory). */
  dir?: string;
  /** Name shown in positions (default «string»). */
  name?: string;
}

/** Evaluates Nix source text to weak head normal form. */
export function evalExpr(text: string, opts: EvalExprOptions = {}): Value {
  const dir = opts.dir ?? process.cwd();
  const expr = parseSource(text, opts.name ?? '\xc2\xabstring\xc2\xbb', dir, false);
  return evalAst(expr);
}

/**
 * Resolves what `import p` reads, as Nix's resolveExprPath: while `p` itself is a symbolic
 * link it is replaced by its target (so paths in the file are relative to where it really
 * is; links among the parent directories are kept), and a directory means its default.nix.
 */
export function resolveImportPath(p: string): string {
  for (let follow = 0; ; follow++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return p; // Reported when reading.
    }
    if (st.isSymbolicLink()) {
      if (follow >= 1024) throw new NixError('io', `too many symbolic links encountered while traversing the path '${p}'`);
      p = path.resolve(path.dirname(p), fs.readlinkSync(p));
    } else return st.isDirectory() ? path.join(p, 'default.nix') : p;
  }
}

const importCache = new Map<string, Lazy>();

/** `import path`: parses, compiles and evaluates a file once per process. */
export function importFile(p: string): Value {
  const file = resolveImportPath(p);
  let v = importCache.get(file);
  if (v === undefined) {
    v = new Thunk(evalFileUncached, file, undefined);
    importCache.set(file, v);
  }
  return v instanceof Thunk ? v.force() : v;
}

function evalFileUncached(file: string): Value {
  return evalAst(parseFile(file));
}

/**
 * Parsed files kept from the startup snapshot (see preloadParseCache): nixling's own Nix
 * files are parsed once, when the snapshot is built. An entry is used only while the file
 * still has the size and modification time it had then; otherwise the file is parsed anew.
 */
interface CachedParse {
  mtimeMs: number;
  size: number;
  expr: Expr;
}
const parseCache = new Map<string, CachedParse>();

/** Parses every `.nix` file under `dirs` (recursively) into the parse cache. */
export function preloadParseCache(dirs: string[]): void {
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && e.name.endsWith('.nix')) {
        try {
          const st = fs.statSync(full);
          const text = readSource(full);
          // `~/…` paths are resolved against $HOME when parsing: leave such files to run time.
          if (text.includes('~/')) continue;
          const expr = parseSource(text, full, dir, true);
          parseCache.set(full, { mtimeMs: st.mtimeMs, size: st.size, expr });
        } catch {
          // Unparsable files are reported when (and if) they are imported.
        }
      }
    }
  };
  for (const d of dirs) walk(path.resolve(d));
}

function cachedParse(file: string): Expr | undefined {
  const c = parseCache.get(file);
  if (c === undefined) return undefined;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return undefined;
  }
  if (st.mtimeMs === c.mtimeMs && st.size === c.size) return c.expr;
  parseCache.delete(file);
  return undefined;
}

export function parseFile(file: string): Expr {
  const cached = parseCache.size > 0 ? cachedParse(file) : undefined;
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readSource(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NixError('io', `path '${file}' does not exist`);
    if (code === 'EISDIR') throw new NixError('io', `cannot read '${file}': is a directory`);
    throw new NixError('io', `cannot read '${file}': ${(e as Error).message}`);
  }
  return parseSource(text, file, path.dirname(file), true);
}

/** `scopedImport attrs path`: like import, with extra top-level names; never cached. */
export function scopedImportFile(names: string[], values: Lazy[], p: string): Value {
  const file = resolveImportPath(p);
  const scope = Scope.frame(null, names);
  return evalAst(parseFile(file), scope, mkEnv(null, values));
}
