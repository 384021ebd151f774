/**
 * Sorted lists of attribute names, as sets keep them (bytewise order: names are byte
 * strings, so JavaScript's `<` compares them as Nix does). Shared by the attribute sets of
 * value.ts, the builtins that combine sets, and the module system's option layouts.
 */

/**
 * A copy of `xs` made with `new Array(n)`. Name and value arrays are all made this way (V8's
 * "holey" arrays) rather than by literals, spreads or `map` ("packed" ones): code that reads
 * both kinds is optimized for the kinds it has seen, and meeting the other kind late, deep in
 * a recursion, deoptimizes every activation on the stack.
 */
export function holeyCopy<T>(xs: readonly T[]): T[] {
  const out = new Array<T>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i];
  return out;
}

/** How many names two sorted lists share. */
export function countCommon(a: string[], b: string[]): number {
  let common = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common;
}

/** The union of two sorted lists; one of them (not a copy) when it holds every name. */
export function unionSorted(a: string[], b: string[]): string[] {
  if (a === b || b.length === 0) return a;
  if (a.length === 0) return b;
  // A few names against many (a name or two added to a big set): a search per name, not a
  // walk through the big list.
  if (a.length <= 4 && b.length >= 16 && containsAll(b, a)) return b;
  if (b.length <= 4 && a.length >= 16 && containsAll(a, b)) return a;
  const common = countCommon(a, b);
  if (common === b.length) return a;
  if (common === a.length) return b;
  const out = new Array<string>(a.length + b.length - common);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    if (j === b.length || (i < a.length && a[i] < b[j])) out[k] = a[i++];
    else {
      if (i < a.length && a[i] === b[j]) i++;
      out[k] = b[j++];
    }
  }
  return out;
}

/** The index of `name` in the sorted list `names`, by binary search; -1 if absent. */
export function indexOfSorted(names: string[], name: string): number {
  let lo = 0;
  let hi = names.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = names[mid];
    if (k === name) return mid;
    if (k < name) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Whether every name of `few` is in the sorted list `names`. */
function containsAll(names: string[], few: string[]): boolean {
  for (let i = 0; i < few.length; i++) if (indexOfSorted(names, few[i]) < 0) return false;
  return true;
}
