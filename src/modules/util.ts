/**
 * Small helpers shared by the module system: forcing, building Nix values from TS, and the
 * text helpers of nixpkgs lib/options.nix used in error messages (showOption, showFiles,
 * showDefs).
 */
import { Attrs, Lazy, Value, force, typeOf as valueTypeOf, strOf, isString, NixPath } from '../eval/value';
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

/** showDefs: `\n- In \`FILE': VALUE` per definition. */
export function showDefs(defs: { file: string; value: Lazy }[]): string {
  return defs
    .map((d) => {
      let shown: string;
      try {
        shown = printValue(d.value, errorPrintOptions);
      } catch {
        shown = '<error>';
      }
      if (shown.includes('\n')) shown = '\n    ' + shown.split('\n').join('\n    ');
      else shown = ' ' + shown;
      return "\n- In `" + d.file + "':" + shown;
    })
    .join('');
}

export function getOr(a: Attrs, name: string, dflt: Lazy): Lazy {
  const v = a.get(name);
  return v === undefined ? dflt : v;
}
