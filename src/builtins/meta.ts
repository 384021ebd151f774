/**
 * Builtins about the language itself and the evaluator: functionArgs, unsafeGetAttrPos,
 * genericClosure, toString, and the constants (currentSystem, nixVersion, langVersion,
 * currentTime). Fetchers and native code need network or unsafe settings and say so.
 */
import { NixError, positionFile } from '../eval/errors';
import { callFunction, COERCE_MORE, coerceToString, forceAttrs, forceList, forceStringNoCtx, lessThan } from '../eval/runtime';
import { Attrs, force, Lambda, Lazy, PrimOp, PrimOpApp, Value } from '../eval/value';
import { printValueShort } from '../eval/print';
import { Builtin, strict1 } from './registry';

/** The Nix version whose behaviour nixling follows. */
export const NIX_VERSION = '2.36.0';

function unavailable(name: string, why: string): Builtin {
  return {
    name,
    arity: 1,
    global: name.startsWith('fetch') && name !== 'fetchurl' ? true : undefined,
    fn: (_args, pos) => {
      throw new NixError('eval', `builtins.${name} is not available in nixling: ${why}`, pos);
    },
  };
}

export const builtins: Builtin[] = [
  {
    name: 'functionArgs',
    arity: 1,
    fn: ([f], pos) => {
      const v = force(f);
      if (v instanceof Lambda) {
        const m = new Map<string, Lazy>();
        if (v.info.formals) for (const [k, hasDefault] of v.info.formals) m.set(k, hasDefault);
        return new Attrs(m, v.info.formalPos);
      }
      if (v instanceof PrimOp || v instanceof PrimOpApp) return new Attrs(new Map());
      throw new NixError('type', `'functionArgs' requires a function: ${printValueShort(v)}`, pos);
    },
  },
  {
    name: 'unsafeGetAttrPos',
    arity: 2,
    fn: ([name, set], pos) => {
      const n = forceStringNoCtx(name, pos);
      const a = forceAttrs(set, pos);
      const p = a.posOf(n);
      if (!p || !a.has(n)) return null;
      const { line, column } = p.src.location(p.start);
      return new Attrs(
        new Map<string, Lazy>([
          ['column', column],
          ['file', positionFile(p.src)],
          ['line', line],
        ]),
      );
    },
  },
  {
    name: 'genericClosure',
    arity: 1,
    fn: ([args], pos) => {
      const a = forceAttrs(args, pos);
      const start = a.get('startSet');
      if (start === undefined) throw new NixError('missing-attribute', "attribute 'startSet' missing", pos);
      const op = a.get('operator');
      if (op === undefined) throw new NixError('missing-attribute', "attribute 'operator' missing", pos);
      const opFn = force(op);
      const queue: Lazy[] = [...forceList(start, pos)];
      const result: Lazy[] = [];
      // Keys seen so far; compared with Nix's `<` on keys (a set ordered by lessThan).
      const seen: Value[] = [];
      const has = (k: Value): boolean => {
        let lo = 0,
          hi = seen.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (lessThan(seen[mid], k, pos)) lo = mid + 1;
          else hi = mid;
        }
        // Seen when neither key is less than the other, as in Nix's std::set (so a NaN key
        // matches any number), not by ==.
        if (lo < seen.length && !lessThan(k, seen[lo], pos)) return true;
        seen.splice(lo, 0, k);
        return false;
      };
      for (let i = 0; i < queue.length; i++) {
        const e = forceAttrs(queue[i], pos);
        const key = e.get('key');
        if (key === undefined) throw new NixError('missing-attribute', "attribute 'key' missing", pos);
        if (has(force(key))) continue;
        result.push(e);
        for (const n of forceList(callFunction(opFn, [e], pos), pos)) queue.push(n);
      }
      return result;
    },
  },
  strict1('toString', (arg, pos) => coerceToString(arg, COERCE_MORE, pos), true),
  { name: 'currentSystem', arity: 0, value: () => currentSystem() },
  { name: 'currentTime', arity: 0, value: () => Math.floor(Date.now() / 1000) },
  { name: 'nixVersion', arity: 0, value: () => NIX_VERSION },
  { name: 'langVersion', arity: 0, value: () => 6 },
  unavailable('fetchurl', 'there is no network access'),
  unavailable('fetchTarball', 'there is no network access'),
  unavailable('fetchGit', 'there is no network access'),
  unavailable('fetchMercurial', 'there is no network access'),
  unavailable('fetchTree', 'there is no network access'),
  unavailable('fetchClosure', 'there is no binary cache'),
  unavailable('getFlake', 'flakes are not supported'),
  unavailable('exec', "it needs 'allow-unsafe-native-code-during-evaluation'"),
  unavailable('importNative', "it needs 'allow-unsafe-native-code-during-evaluation'"),
];

function currentSystem(): string {
  const arch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
  return `${arch}-${process.platform}`;
}
