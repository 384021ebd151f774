/**
 * Builtins that control evaluation: throw, abort, tryEval, seq, deepSeq, trace, warn,
 * addErrorContext, break.
 */
import { indentLines, NixError } from '../eval/errors';
import { printValue } from '../eval/print';
import { coerceToString, deepForce, forceString, forceStringValue } from '../eval/runtime';
import { evalState } from '../eval/state';
import { Attrs, force, Value } from '../eval/value';
import type { Builtin } from './registry';

function messageOf(v: Value): string {
  const s = coerceToString(v, { coerceMore: false, copyToStore: false });
  return typeof s === 'string' ? s : s.s;
}

export const builtins: Builtin[] = [
  {
    name: 'throw',
    arity: 1,
    global: true,
    fn: ([msg], pos) => {
      throw new NixError('throw', messageOf(force(msg)), pos);
    },
  },
  {
    name: 'abort',
    arity: 1,
    global: true,
    fn: ([msg], pos) => {
      throw new NixError('abort', `evaluation aborted with the following error message: '${messageOf(force(msg))}'`, pos);
    },
  },
  {
    name: 'tryEval',
    arity: 1,
    fn: ([e]) => {
      try {
        const v = force(e);
        return new Attrs(new Map([['success', true], ['value', v]]));
      } catch (err) {
        if (err instanceof NixError && err.catchable) {
          return new Attrs(new Map<string, Value>([['success', false], ['value', false]]));
        }
        throw err;
      }
    },
  },
  {
    name: 'seq',
    arity: 2,
    fn: ([a, b]) => {
      force(a);
      return force(b);
    },
  },
  {
    name: 'deepSeq',
    arity: 2,
    fn: ([a, b]) => {
      deepForce(a);
      return force(b);
    },
  },
  {
    name: 'trace',
    arity: 2,
    fn: ([msg, v]) => {
      const m = force(msg);
      const text = typeof m === 'string' ? m : printValue(m);
      evalState.stderr(`trace: ${text}\n`);
      return force(v);
    },
  },
  {
    name: 'traceVerbose',
    arity: 2,
    fn: ([, v]) => force(v),
  },
  {
    name: 'warn',
    arity: 2,
    fn: ([msg, v], pos) => {
      const text = forceStringValue(msg, pos);
      if (evalState.abortOnWarn || process.env.NIX_ABORT_ON_WARN) {
        throw new NixError('eval', text, pos).addTrace('while evaluating a warning (abort-on-warn is set)');
      }
      // Continuation lines line up under the first, as Nix's logger prints them; a message
      // that starts on a new line is printed as it is.
      evalState.stderr(`evaluation warning:${text.startsWith('\n') ? text : ' ' + indentLines(text, ' '.repeat(20))}\n`);
      return force(v);
    },
  },
  {
    name: 'addErrorContext',
    arity: 2,
    fn: ([ctx, v]) => {
      try {
        return force(v);
      } catch (e) {
        if (e instanceof NixError) {
          const c = forceString(ctx);
          e.addTrace(typeof c === 'string' ? c : c.s);
        }
        throw e;
      }
    },
  },
  {
    name: 'break',
    arity: 1,
    global: true,
    fn: ([v]) => force(v),
  },
];
