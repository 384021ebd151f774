/**
 * Small helpers shared by the module system: forcing, building Nix values from TS, and the
 * text helpers of nixpkgs lib/options.nix used in error messages (showOption, showFiles,
 * showDefs).
 */
import { Attrs, Lazy, Value, attrsFrom, force, typeOf as valueTypeOf, strOf, isString, NixPath } from '../eval/value';
import { NixError } from '../eval/errors';
import { callFunction } from '../eval/runtime';
import { forceAttrs as rtForceAttrs, forceList as rtForceList } from '../eval/runtime';
import { printValue, errorPrintOptions } from '../eval/print';

export const forceAttrs = (v: Lazy): Attrs => rtForceAttrs(v);
export const forceList = (v: Lazy): Lazy[] => rtForceList(v);
export const typeOf = (v: Value): string => valueTypeOf(v);

export function strValue(v: Lazy): string {
  const x = force(v);
  if (isString(x)) return strOf(x);
  if (x instanceof NixPath) return x.path;
  return String(x);
}

const ident = /^[a-zA-Z_][a-zA-Z0-9_'-]*$/;

/** showOption: joins a location, quoting components that are not identifiers. */
export function showOption(loc: string[]): string {
  return loc
    .map((p) => (ident.test(p) || p === '*' || /^<.*>$/.test(p) ? p : JSON.stringify(p)))
    .join('.');
}

export function showFiles(files: string[]): string {
  return files.map((f) => '`' + f + "'").join(' and ');
}

/** The `lib` whose generators.toPretty renders definition values (set by evalModules). */
let prettyLib: Lazy | undefined;
export function setPrettyLib(lib: Lazy): void {
  prettyLib = lib;
}

/**
 * Renders a value as nixpkgs' showDefs does: `lib.generators.toPretty` under
 * `withRecursion { depthLimit = 10; throwOnDepthLimit = false; }` (falls back to the
 * evaluator's printer without a lib). null when evaluating the value fails catchably
 * (tryEval semantics: abort and other errors propagate).
 */
function prettyValue(v: Lazy): string | null {
  try {
    if (prettyLib !== undefined) {
      const gen = forceAttrs(forceAttrs(prettyLib).get('generators')!);
      const wr = gen.get('withRecursion');
      const tp = gen.get('toPretty');
      if (wr !== undefined && tp !== undefined) {
        const limited = callFunction(force(wr), [attrsFrom({ depthLimit: 10, throwOnDepthLimit: false }), v]);
        const s = force(callFunction(force(tp), [Attrs.empty(), limited]));
        return isString(s) ? strOf(s) : String(s);
      }
    }
    return printValue(v, errorPrintOptions);
  } catch (e) {
    if (e instanceof NixError && e.catchable) return null;
    throw e;
  }
}

/** showDefs: `\n- In \`FILE': VALUE` per definition (first 5 lines of the value). */
export function showDefs(defs: { file: string; value: Lazy }[]): string {
  return defs
    .map((d) => {
      const shown = prettyValue(d.value);
      let result = '';
      if (shown !== null) {
        const lines = shown.split('\n');
        const value = [...lines.slice(0, 5), ...(lines.length > 5 ? ['...'] : [])].join('\n    ');
        result = lines.length > 1 ? ':\n    ' + value : ': ' + value;
      }
      return '\n- In `' + d.file + "'" + result;
    })
    .join('');
}

/** lib.strings.levenshtein: edit distance between two strings. */
export function levenshtein(a: string, b: string): number {
  const A = [...a];
  const B = [...b];
  let prev = Array.from({ length: B.length + 1 }, (_, j) => j);
  for (let i = 1; i <= A.length; i++) {
    const cur = [i];
    for (let j = 1; j <= B.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (A[i - 1] === B[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[B.length];
}

/** `prefix ++ [ name ]`, as an array of exactly that size (spread leaves spare capacity). */
export function appendName(prefix: string[], name: string): string[] {
  const n = prefix.length;
  const out = new Array<string>(n + 1);
  for (let i = 0; i < n; i++) out[i] = prefix[i];
  out[n] = name;
  return out;
}

export function getOr(a: Attrs, name: string, dflt: Lazy): Lazy {
  const v = a.get(name);
  return v === undefined ? dflt : v;
}
