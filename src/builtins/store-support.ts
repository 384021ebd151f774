/**
 * Helpers shared by the store-related builtins (hash, context, store-paths, derivations):
 * adding Nix's "while evaluating …" frames to errors from argument checks, turning errors
 * of the store layer into evaluation errors, printing warnings, and the parsed form of
 * string context elements.
 */
import { NixError, Pos } from '../eval/errors';
import { evalState } from '../eval/state';

/** Runs `f`; an evaluation error escaping it gets the trace frame `msg`. */
export function withFrame<T>(msg: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NixError) e.addTrace(msg);
    throw e;
  }
}

/** Runs `f`, turning store-layer errors (plain Errors with Nix's messages) into NixErrors. */
export function storeOp<T>(pos: Pos | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NixError) throw e;
    if (e instanceof RangeError) throw e; // stack overflow: let the evaluator report it
    if (e instanceof Error) {
      const err = e as NodeJS.ErrnoException;
      if (err.code && err.syscall) {
        const p = err.path ?? '';
        const msg =
          err.code === 'ENOENT' ? `path '${p}' does not exist` : `${err.syscall} of '${p}' failed: ${err.message}`;
        throw new NixError('io', msg, pos);
      }
      throw new NixError('eval', e.message, pos);
    }
    throw e;
  }
}

/** Prints a warning as Nix does (`warning: MSG`). */
export function warn(msg: string): void {
  evalState.stderr(`warning: ${msg}\n`);
}

/** A string context element, parsed from Nix's encoding. */
export type ContextElem =
  | { kind: 'opaque'; path: string }
  | { kind: 'drvDeep'; drvPath: string }
  | { kind: 'built'; drvPath: string; output: string };

export function parseContextElem(c: string): ContextElem {
  if (c.startsWith('=')) return { kind: 'drvDeep', drvPath: c.slice(1) };
  if (c.startsWith('!')) {
    const end = c.indexOf('!', 1);
    return { kind: 'built', output: c.slice(1, end), drvPath: c.slice(end + 1) };
  }
  return { kind: 'opaque', path: c };
}

export function encodeContextElem(e: ContextElem): string {
  switch (e.kind) {
    case 'opaque':
      return e.path;
    case 'drvDeep':
      return '=' + e.drvPath;
    case 'built':
      return `!${e.output}!${e.drvPath}`;
  }
}
