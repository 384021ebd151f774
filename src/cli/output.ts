/**
 * Writing results and errors. Nix strings are byte strings, so output goes out as latin1
 * (each code unit one byte). Errors are rendered by the shared renderer; an overflow of
 * the native stack becomes a clean "stack overflow" error, an installation without the
 * reference parser's bundle says so; anything else is a bug and says so.
 */
import { NixError, renderError } from '../eval/errors';
import { MissingReferenceParser } from '../../grammar';
import { evalState, forTerminal } from '../eval/state';

export function writeOut(s: string): void {
  process.stdout.write(Buffer.from(s, 'latin1'));
}

export function writeErr(s: string): void {
  process.stderr.write(Buffer.from(forTerminal(s, process.stderr.isTTY), 'latin1'));
}

/** Converts what an evaluation threw into a NixError (or undefined for internal bugs). */
export function asNixError(e: unknown): NixError | undefined {
  if (e instanceof NixError) return e;
  if (e instanceof MissingReferenceParser) return new NixError('eval', e.message);
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new NixError('stack-overflow', 'stack overflow (possible infinite recursion)');
  }
  return undefined;
}

/** Prints an error and returns the exit status (1 for evaluation errors). */
export function reportError(e: unknown): number {
  const err = asNixError(e);
  if (err) {
    writeErr(renderError(err, { showTrace: evalState.showTrace }) + '\n');
    return 1;
  }
  writeErr(`nixling: internal error (this is a bug): ${(e as Error)?.stack ?? String(e)}\n`);
  return 2;
}
