/**
 * String builtins: stringLength, substring, concatStringsSep, replaceStrings, match, split,
 * baseNameOf and dirOf, plus the argument helpers the other string-ish families share.
 *
 * Strings are byte strings (one code unit per byte), so lengths and offsets are in bytes as
 * in Nix. Results keep the context of the strings they were computed from, as Nix does:
 * substring, concatStringsSep, replaceStrings (including the context of the replacements
 * actually used), baseNameOf and dirOf keep it; match and split return fresh strings without
 * context (except split's result for a string it did not match, which is the argument).
 */
import { NixError } from '../eval/errors';
import { COERCE_COPY, COERCE_NO_COPY, coerceToString, forceList, typeError } from '../eval/runtime';
import { Context, force, Lazy, mkString, NixPath, NixString, Value } from '../eval/value';
import { compileRegex } from './regex';
import type { Builtin } from './registry';

// ---------------------------------------------------------------------------------------
// Argument helpers: force, check the type, and on a type error say which argument it was
// (Nix's "… while evaluating the first argument passed to builtins.X" frame).

function withFrame<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NixError && e.kind === 'type' && e.trace.length === 0) e.addTrace(what);
    throw e;
  }
}

/** A string argument (no coercion), with its context. */
export function argString(v: Lazy, what: string): string | NixString {
  const x = force(v);
  if (typeof x === 'string' || x instanceof NixString) return x;
  throw typeError('a string', x).addTrace(what);
}

/** A string argument that must not carry context (regexes, version strings, …). */
export function argStringNoCtx(v: Lazy, what: string): string {
  const x = argString(v, what);
  if (typeof x === 'string') return x;
  if (x.ctx.size === 0) return x.s;
  const first = [...x.ctx][0].replace(/^(=|!.*?!)/, '');
  throw new NixError('eval', `the string '${x.s}' is not allowed to refer to a store path (such as '${first}')`).addTrace(
    what,
  );
}

/** Coerces an argument to a string as Nix's `coerceToString` (no coerceMore). */
export function argCoerce(v: Lazy, what: string, copyToStore: boolean): string | NixString {
  const x = force(v);
  if (typeof x === 'string' || x instanceof NixString) return x;
  return withFrame(what, () => coerceToString(x, copyToStore ? COERCE_COPY : COERCE_NO_COPY));
}

export function argList(v: Lazy, what: string): Lazy[] {
  return withFrame(what, () => forceList(v));
}

export function argInt(v: Lazy, what: string): number | bigint {
  const x = force(v);
  if (typeof x === 'number' || typeof x === 'bigint') return x;
  throw typeError('an integer', x).addTrace(what);
}

const str = (x: string | NixString) => (typeof x === 'string' ? x : x.s);

function addCtx(acc: Context | undefined, x: string | NixString): Context | undefined {
  if (typeof x === 'string' || x.ctx.size === 0) return acc;
  if (acc === undefined) return new Set(x.ctx);
  for (const c of x.ctx) acc.add(c);
  return acc;
}

// ---------------------------------------------------------------------------------------

function stringLength([a]: Lazy[]): Value {
  return str(argCoerce(a, 'while evaluating the argument passed to builtins.stringLength', true)).length;
}

function substring([a, b, c]: Lazy[]): Value {
  const start = argInt(a, 'while evaluating the first argument (the start offset) passed to builtins.substring');
  if (start < 0) throw new NixError('eval', "negative start position in 'substring'");
  const len = argInt(b, 'while evaluating the second argument (the substring length) passed to builtins.substring');
  if (len == 0) {
    // Nix keeps the context of an empty substring (a cheap way to capture context).
    const x = force(c);
    if (typeof x === 'string') return '';
    if (x instanceof NixString) return mkString('', x.ctx);
  }
  const s = argCoerce(c, 'while evaluating the third argument (the string) passed to builtins.substring', true);
  const text = str(s);
  const st = Number(start);
  if (st >= text.length) return mkString('', typeof s === 'string' ? undefined : s.ctx);
  const out = len < 0 ? text.slice(st) : text.substr(st, Number(len > text.length ? text.length : len));
  return typeof s === 'string' ? out : mkString(out, s.ctx);
}

function concatStringsSep([a, b]: Lazy[]): Value {
  const sepV = argString(a, 'while evaluating the first argument (the separator string) passed to builtins.concatStringsSep');
  const list = argList(b, 'while evaluating the second argument (the list of strings to concat) passed to builtins.concatStringsSep');
  let ctx = addCtx(undefined, sepV);
  const sep = str(sepV);
  // Joined once at the end: appending piece by piece would make a rope of two string
  // objects per element, all kept alive until the result is flattened.
  const parts = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = force(list[i]);
    if (typeof x === 'string') {
      parts[i] = x;
      continue;
    }
    const e = argCoerce(
      x,
      'while evaluating one element of the list of strings to concat passed to builtins.concatStringsSep',
      true,
    );
    if (typeof e === 'string') parts[i] = e;
    else {
      parts[i] = e.s;
      ctx = addCtx(ctx, e);
    }
  }
  return mkString(parts.join(sep), ctx);
}

function replaceStrings([a, b, c]: Lazy[]): Value {
  const fromL = argList(a, 'while evaluating the first argument passed to builtins.replaceStrings');
  const toL = argList(b, 'while evaluating the second argument passed to builtins.replaceStrings');
  if (fromL.length !== toL.length) {
    throw new NixError('eval', "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths");
  }
  const from = fromL.map((f) =>
    str(argString(f, 'while evaluating one of the strings to replace passed to builtins.replaceStrings')),
  );
  const sV = argString(c, 'while evaluating the third argument passed to builtins.replaceStrings');
  const s = str(sV);
  let ctx = addCtx(undefined, sV);
  if (from.length === 0) return sV;

  // Replacements are forced only when their pattern matches, and at most once.
  const to: (string | undefined)[] = new Array(from.length);
  const replacement = (i: number): string => {
    let r = to[i];
    if (r === undefined) {
      const v = argString(toL[i], 'while evaluating one of the replacement strings passed to builtins.replaceStrings');
      ctx = addCtx(ctx, v);
      r = to[i] = str(v);
    }
    return r;
  };

  // Candidate patterns by first byte, in order (empty patterns match everywhere).
  const byByte: (number[] | undefined)[] = new Array(256);
  const empties: number[] = [];
  from.forEach((f, i) => f.length === 0 && empties.push(i));
  const candidates = (code: number): number[] => {
    let l = byByte[code];
    if (l === undefined) {
      l = [];
      for (let i = 0; i < from.length; i++) if (from[i].length === 0 || from[i].charCodeAt(0) === code) l.push(i);
      byByte[code] = l;
    }
    return l;
  };

  let res = '';
  let copied = 0; // s[copied, p) is still to be copied
  let p = 0;
  const n = s.length;
  while (p <= n) {
    const cands = p < n ? candidates(s.charCodeAt(p)) : empties;
    let hit = -1;
    for (let k = 0; k < cands.length; k++) {
      const f = from[cands[k]];
      if (f.length === 0 || s.startsWith(f, p)) {
        hit = cands[k];
        break;
      }
    }
    if (hit < 0) {
      p++;
      continue;
    }
    res += s.slice(copied, p) + replacement(hit);
    const len = from[hit].length;
    if (len === 0) {
      // An empty pattern inserts the replacement before each byte (and at the end).
      if (p < n) res += s[p];
      p++;
    } else p += len;
    copied = Math.min(p, n);
  }
  if (copied < n) res += s.slice(copied);
  return mkString(res, ctx);
}

function match([a, b]: Lazy[]): Value {
  const re = compileRegex(argStringNoCtx(a, 'while evaluating the first argument passed to builtins.match'));
  const s = str(argString(b, 'while evaluating the second argument passed to builtins.match'));
  return re.matchFull(s);
}

function split([a, b]: Lazy[]): Value {
  const re = compileRegex(argStringNoCtx(a, 'while evaluating the first argument passed to builtins.split'));
  const sV = argString(b, 'while evaluating the second argument passed to builtins.split');
  const s = str(sV);
  const matches = re.matchAll(s);
  if (matches.length === 0) return [sV];
  const out: Value[] = [];
  let prev = 0;
  for (const m of matches) {
    const [start, end] = m[0]!;
    out.push(s.slice(prev, start));
    const groups: Value[] = [];
    for (let g = 1; g < m.length; g++) {
      const r = m[g];
      groups.push(r ? s.slice(r[0], r[1]) : null);
    }
    out.push(groups);
    prev = end;
  }
  out.push(s.slice(prev));
  return out;
}

/** Nix's legacy base name: strips one trailing slash, then takes what follows the last '/'. */
export function legacyBaseNameOf(path: string): string {
  if (path.length === 0) return '';
  let last = path.length - 1;
  if (path[last] === '/' && last > 0) last--;
  const slash = path.lastIndexOf('/', last);
  return path.slice(slash + 1, last + 1);
}

function baseNameOf([a]: Lazy[]): Value {
  const s = argCoerce(a, 'while evaluating the first argument passed to builtins.baseNameOf', false);
  return typeof s === 'string' ? legacyBaseNameOf(s) : mkString(legacyBaseNameOf(s.s), s.ctx);
}

function dirOf([a]: Lazy[]): Value {
  const x = force(a);
  if (x instanceof NixPath) {
    const i = x.path.lastIndexOf('/');
    return i <= 0 ? new NixPath('/') : new NixPath(x.path.slice(0, i));
  }
  const s = argCoerce(x, "while evaluating the first argument passed to 'builtins.dirOf'", false);
  const text = str(s);
  const i = text.lastIndexOf('/');
  const out = i < 0 ? '.' : i === 0 ? '/' : text.slice(0, i);
  return typeof s === 'string' ? out : mkString(out, s.ctx);
}

export const builtins: Builtin[] = [
  { name: 'stringLength', arity: 1, fn: stringLength },
  { name: 'substring', arity: 3, fn: substring },
  { name: 'concatStringsSep', arity: 2, fn: concatStringsSep },
  { name: 'replaceStrings', arity: 3, fn: replaceStrings },
  { name: 'match', arity: 2, fn: match },
  { name: 'split', arity: 2, fn: split },
  { name: 'baseNameOf', arity: 1, fn: baseNameOf, global: true },
  { name: 'dirOf', arity: 1, fn: dirOf, global: true },
];

