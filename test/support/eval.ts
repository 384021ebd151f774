/**
 * Evaluating an expression in the test process the way `nixling instantiate --eval --strict`
 * (or, with `lazy`, `--eval` alone) does, returning what it would print (or the rendered error).
 */
import { renderError } from '../../src/eval/errors';
import { evalExpr } from '../../src/eval/index';
import { printAmbiguous } from '../../src/eval/print';
import { deepForce } from '../../src/eval/runtime';
import { printValueAsJSON } from '../../src/builtins/json';
import { asNixError } from '../../src/cli/output';

export function evalForTest(text: string, opts: { dir?: string; json?: boolean; lazy?: boolean } = {}): { ok: boolean; out: string } {
  try {
    const v = evalExpr(text, { dir: opts.dir });
    if (opts.json) return { ok: true, out: printValueAsJSON(v, true, true).json + '\n' };
    // Without --strict only what the evaluation forced is shown; the rest prints as <CODE>.
    if (!opts.lazy) deepForce(v);
    return { ok: true, out: printAmbiguous(v) + '\n' };
  } catch (e) {
    const err = asNixError(e);
    if (!err) throw e;
    return { ok: false, out: renderError(err) };
  }
}

/** Evaluates strictly and returns the printed value; throws the rendered error on failure. */
export function evalPrint(text: string, dir?: string): string {
  const r = evalForTest(text, { dir });
  if (!r.ok) throw new Error(r.out);
  return r.out.replace(/\n$/, '');
}
