/**
 * Version builtins: parseDrvName, splitVersion and compareVersions, with Nix's algorithm
 * (the one `nix-env -u` uses).
 *
 * A version splits into components at '.' and '-' and between runs of digits and
 * non-digits. Components compare as numbers when both are (32-bit) numbers; otherwise an
 * empty component is older than a number, "pre" is older than anything else, a string is
 * older than a number, and two strings compare bytewise.
 */
import { attrsFrom, Value } from '../eval/value';
import type { Lazy } from '../eval/value';
import { argStringNoCtx } from './strings';
import type { Builtin } from './registry';

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The next component of `v` from `pos`: [component, new position] ("" at the end). */
function nextComponent(v: string, pos: number): [string, number] {
  let p = pos;
  while (p < v.length && (v[p] === '.' || v[p] === '-')) p++;
  if (p === v.length) return ['', p];
  const s = p;
  if (isDigit(v.charCodeAt(p))) while (p < v.length && isDigit(v.charCodeAt(p))) p++;
  else while (p < v.length && !isDigit(v.charCodeAt(p)) && v[p] !== '.' && v[p] !== '-') p++;
  return [v.slice(s, p), p];
}

export function splitVersion(v: string): string[] {
  const out: string[] = [];
  let p = 0;
  while (p < v.length) {
    const [c, q] = nextComponent(v, p);
    if (c === '') break;
    out.push(c);
    p = q;
  }
  return out;
}

/** `string2Int<int>`: a number when the component is all digits and fits in an int. */
function toInt(c: string): number | undefined {
  if (c.length === 0 || !isDigit(c.charCodeAt(0))) return undefined;
  const n = Number(c);
  return n <= 2147483647 ? n : undefined;
}

function componentsLT(c1: string, c2: string): boolean {
  const n1 = toInt(c1);
  const n2 = toInt(c2);
  if (n1 !== undefined && n2 !== undefined) return n1 < n2;
  if (c1 === '' && n2 !== undefined) return true;
  if (c1 === 'pre' && c2 !== 'pre') return true;
  if (c2 === 'pre') return false;
  if (n2 !== undefined) return true;
  if (n1 !== undefined) return false;
  return c1 < c2;
}

export function compareVersions(v1: string, v2: string): number {
  let p1 = 0;
  let p2 = 0;
  while (p1 < v1.length || p2 < v2.length) {
    const [c1, q1] = nextComponent(v1, p1);
    const [c2, q2] = nextComponent(v2, p2);
    p1 = q1;
    p2 = q2;
    if (componentsLT(c1, c2)) return -1;
    if (componentsLT(c2, c1)) return 1;
  }
  return 0;
}

/** Splits "name-version" at the first '-' not followed by a letter. */
export function parseDrvName(s: string): { name: string; version: string } {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '-' && i + 1 < s.length && !isAlpha(s.charCodeAt(i + 1))) {
      return { name: s.slice(0, i), version: s.slice(i + 1) };
    }
  }
  return { name: s, version: '' };
}

export const builtins: Builtin[] = [
  {
    name: 'parseDrvName',
    arity: 1,
    fn: ([a]: Lazy[]): Value => {
      const r = parseDrvName(argStringNoCtx(a, 'while evaluating the first argument passed to builtins.parseDrvName'));
      return attrsFrom({ name: r.name, version: r.version });
    },
  },
  {
    name: 'splitVersion',
    arity: 1,
    fn: ([a]: Lazy[]): Value =>
      splitVersion(argStringNoCtx(a, 'while evaluating the first argument passed to builtins.splitVersion')),
  },
  {
    name: 'compareVersions',
    arity: 2,
    fn: ([a, b]: Lazy[]): Value =>
      compareVersions(
        argStringNoCtx(a, 'while evaluating the first argument passed to builtins.compareVersions'),
        argStringNoCtx(b, 'while evaluating the second argument passed to builtins.compareVersions'),
      ),
  },
];
