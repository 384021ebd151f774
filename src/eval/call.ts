/**
 * Function application: lambdas, builtins (with partial application), and sets with
 * `__functor`. Trace frames ("while calling 'f'", "from call site") are recorded only with
 * --show-trace, so that a deep recursion that fails does not pay for a long trace.
 */
import { NixError, Pos } from './errors';
import { printValueShort } from './print';
import { setCallFunction } from './runtime';
import { evalState } from './state';
import { Attrs, Env, force, Lambda, Lazy, PrimOp, PrimOpApp, showType, Value } from './value';

let callDepth = 0;

export function callLambdaTraced(f: Lambda, arg: Lazy, pos: Pos | undefined): Value {
  // Without --show-trace or a call-depth limit, a call is just the call.
  if (!evalState.showTrace && evalState.maxCallDepth === 0) return f.info.call(f.env, arg, f, pos);
  return callLambdaSlow(f, arg, pos);
}

function callLambdaSlow(f: Lambda, arg: Lazy, pos: Pos | undefined): Value {
  if (evalState.maxCallDepth > 0 && ++callDepth > evalState.maxCallDepth) {
    callDepth = 0;
    throw new NixError('stack-overflow', 'stack overflow; max-call-depth exceeded', pos);
  }
  try {
    return f.info.call(f.env, arg, f, pos);
  } catch (e) {
    if (evalState.showTrace && e instanceof NixError) {
      const info = f.info;
      e.addTrace(
        info.name ? `while calling '${info.name}'` : 'while calling anonymous lambda',
        { src: info.src, start: info.start },
      );
      if (pos) e.addTrace('from call site', pos);
    }
    throw e;
  } finally {
    if (evalState.maxCallDepth > 0) callDepth--;
  }
}

export function callPrimOp(op: PrimOp, args: Lazy[], pos: Pos | undefined): Value {
  try {
    return op.fn(args, pos);
  } catch (e) {
    throw primOpError(op, e, pos);
  }
}

/** A one-argument builtin applied without an argument array. */
export function callPrimOp1(op: PrimOp, arg: Lazy, pos: Pos | undefined): Value {
  try {
    return op.fn1!(arg, pos);
  } catch (e) {
    throw primOpError(op, e, pos);
  }
}

/**
 * A strict one-argument builtin applied to an expression: the argument is evaluated here
 * instead of in a thunk the builtin would force first thing (nothing else can reach that
 * thunk, so only the allocation differs; errors get the same call-site annotations).
 */
export function callStrictPrimOp1(op: PrimOp, arg: (env: Env) => Value, env: Env, pos: Pos | undefined): Value {
  try {
    return op.fn1!(arg(env), pos);
  } catch (e) {
    throw primOpError(op, e, pos);
  }
}

function primOpError(op: PrimOp, e: unknown, pos: Pos | undefined): unknown {
  if (e instanceof NixError) {
    if (!e.pos && pos) e.pos = pos;
    if (evalState.showTrace) e.addTrace(`while calling the '${op.name}' builtin`, pos);
  }
  return e;
}

/** Applies `f` to `args` one at a time, as Nix does. */
export function callFunction(f: Value, args: Lazy[], pos?: Pos): Value {
  let cur: Value = f;
  let i = 0;
  while (i < args.length) {
    if (cur instanceof Lambda) {
      cur = callLambdaTraced(cur, args[i], pos);
      i++;
    } else if (cur instanceof PrimOp) {
      const left = args.length - i;
      if (left < cur.arity) return new PrimOpApp(cur, args.slice(i));
      const a = i === 0 && left === cur.arity ? args : args.slice(i, i + cur.arity);
      i += cur.arity;
      cur = callPrimOp(cur, a, pos);
    } else if (cur instanceof PrimOpApp) {
      const op = cur.op;
      const need = op.arity - cur.args.length;
      const left = args.length - i;
      if (left < need) return new PrimOpApp(op, cur.args.concat(args.slice(i)));
      const a = cur.args.concat(args.slice(i, i + need));
      i += need;
      cur = callPrimOp(op, a, pos);
    } else if (cur instanceof Attrs && cur.has('__functor')) {
      const self = cur;
      try {
        cur = callFunction(force(self.get('__functor')!), [self, args[i]], pos);
      } catch (e) {
        if (evalState.showTrace && e instanceof NixError) {
          e.addTrace("while calling a functor (an attribute set with a '__functor' attribute)", pos);
        }
        throw e;
      }
      i++;
    } else {
      throw new NixError(
        'type',
        `attempt to call something which is not a function but ${showType(cur)}: ${printValueShort(cur)}`,
        pos,
      );
    }
  }
  return cur;
}

/** `f a` without allocating an argument array when `f` is a lambda. */
export function callFunction1(f: Value, a: Lazy, pos?: Pos): Value {
  if (f instanceof Lambda) return callLambdaTraced(f, a, pos);
  if (f instanceof PrimOp && f.fn1 !== undefined) return callPrimOp1(f, a, pos);
  return callFunction(f, [a], pos);
}

/** `f a b`, curried lambdas without allocating an argument array. */
export function callFunction2(f: Value, a: Lazy, b: Lazy, pos?: Pos): Value {
  if (f instanceof Lambda) {
    const call2 = f.info.call2;
    if (call2 !== undefined && !evalState.showTrace && evalState.maxCallDepth === 0) return call2(f.env, a, b, pos);
    const g = callLambdaTraced(f, a, pos);
    if (g instanceof Lambda) return callLambdaTraced(g, b, pos);
    return callFunction(g, [b], pos);
  }
  return callFunction(f, [a, b], pos);
}

setCallFunction(callFunction, callFunction1, callFunction2);
