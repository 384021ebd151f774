/**
 * The semantic actions of the grammar: building AST nodes the way Nix's parser does
 * (parser.y and parser-state.hh), including
 *  - nesting and merging of attribute paths (`a.b = 1; a.c = 2;`, `a = { b = 1; }; a.c = 2;`)
 *    and the "attribute 'x' already defined at …" errors,
 *  - validation of function formals,
 *  - indentation stripping of ''indented strings'',
 *  - resolution of path literals against the source's directory (or $HOME for `~/`).
 */
import * as os from 'node:os';
import {
  AttrDef,
  AttrName,
  Attrs,
  DynamicAttrDef,
  Expr,
  Formal,
  InheritFrom,
  ParseError,
  Select,
  Source,
} from './ast';
import { printAttrPath, printIdentifier } from './print';

export function newAttrs(src: Source, start: number, end: number, rec = false): Attrs {
  // The arrays are made apart from the literal: a literal with nested literals is copied
  // from its boilerplate by a slow deep walk, one without them by a fast shallow copy.
  const dynamicAttrs: DynamicAttrDef[] = [];
  const inheritFrom: Expr[] = [];
  return { kind: 'Attrs', src, start, end, rec, attrs: new Map(), dynamicAttrs, inheritFrom };
}

function showPos(src: Source, offset: number): string {
  const { line, column } = src.location(offset);
  return `${src.path}:${line}:${column}`;
}

function dupAttr(src: Source, path: AttrName[], pos: number, prev: number): never {
  throw new ParseError(`attribute '${printAttrPath(path)}' already defined at ${showPos(src, prev)}`, src, pos);
}

/** `attrpath = e;` in a binding list (ParserState::addAttr). */
export function addAttr(attrs: Attrs, path: AttrName[], start: number, end: number, e: Expr): void {
  const src = attrs.src;
  let i = 0;
  for (; i + 1 < path.length; i++) {
    const a = path[i];
    let nested: Attrs;
    if (a.name !== undefined) {
      const j = attrs.attrs.get(a.name);
      if (j) {
        if (j.e.kind !== 'Attrs') dupAttr(src, path.slice(0, i + 1), start, j.start);
        nested = j.e;
      } else {
        nested = newAttrs(src, start, end);
        attrs.attrs.set(a.name, { kind: 'plain', e: nested, start, end });
      }
    } else {
      nested = newAttrs(src, start, end);
      attrs.dynamicAttrs.push({ name: a.expr, value: nested, start, end });
    }
    attrs = nested;
  }
  const last = path[i];
  if (last.name !== undefined) addAttrDef(attrs, path.slice(), last.name, { kind: 'plain', e, start, end });
  else attrs.dynamicAttrs.push({ name: last.expr, value: e, start, end });
}

/** `name = e;`: addAttr with a one-name static path, without allocating the path. */
export function addAttr1(attrs: Attrs, name: string, start: number, end: number, e: Expr): void {
  const def: AttrDef = { kind: 'plain', e, start, end };
  if (attrs.attrs.has(name)) addAttrDef(attrs, [{ name }], name, def);
  else attrs.attrs.set(name, def);
}

/** Adds one static attribute, merging two attribute sets written for the same name. */
export function addAttrDef(attrs: Attrs, path: AttrName[], name: string, def: AttrDef): void {
  const j = attrs.attrs.get(name);
  if (!j) {
    attrs.attrs.set(name, def);
    return;
  }
  const ae = def.e;
  const je = j.e;
  if (ae.kind !== 'Attrs' || je.kind !== 'Attrs') dupAttr(attrs.src, path, def.start, j.start);
  // Merge `ae` into `je`. As in Nix, a `rec` on `ae` is dropped (NixOS/nix#9020).
  const displ = je.inheritFrom.length;
  for (const [k, ad] of ae.attrs) {
    if (ad.kind === 'inheritedFrom') ((ad.e as Select).e as InheritFrom).index += displ;
    path.push({ name: k });
    addAttrDef(je, path, k, ad);
    path.pop();
  }
  ae.attrs.clear();
  je.dynamicAttrs.push(...ae.dynamicAttrs);
  ae.dynamicAttrs = [];
  je.inheritFrom.push(...ae.inheritFrom);
  ae.inheritFrom = [];
}

/** `inherit a b;` / `inherit (e) a b;` — names with their positions. */
export function addInherits(
  attrs: Attrs,
  names: { name: string; start: number; end: number }[],
  from: Expr | undefined,
  fromStart: number,
  fromEnd: number,
): void {
  const src = attrs.src;
  let fromNode: InheritFrom | undefined;
  if (from) {
    attrs.inheritFrom.push(from);
    fromNode = { kind: 'InheritFrom', src, start: fromStart, end: fromEnd, index: attrs.inheritFrom.length - 1 };
  }
  for (let i = 0; i < names.length; i++) {
    const { name, start, end } = names[i];
    const prev = attrs.attrs.get(name);
    if (prev) dupAttr(src, [{ name }], start, prev.start);
    if (fromNode) {
      const sel: Select = { kind: 'Select', src, start, end, e: fromNode, path: [{ name }] };
      attrs.attrs.set(name, { kind: 'inheritedFrom', e: sel, start, end });
    } else {
      attrs.attrs.set(name, { kind: 'inherited', e: { kind: 'Var', src, start, end, name }, start, end });
    }
  }
}

/** ParserState::validateFormals: duplicate formals, or the `@` name among the formals. */
export function validateFormals(src: Source, formals: Formal[], lambdaStart: number, arg?: string): void {
  const seen = new Map<string, number>();
  let dup: Formal | undefined;
  let dupRank = Infinity;
  const rank = new Map<string, number>();
  for (const f of formals) {
    if (!rank.has(f.name)) rank.set(f.name, rank.size);
    const c = (seen.get(f.name) ?? 0) + 1;
    seen.set(f.name, c);
    if (c === 2 && rank.get(f.name)! < dupRank) {
      dup = f;
      dupRank = rank.get(f.name)!;
    }
  }
  if (dup) throw new ParseError(`duplicate formal function argument '${printIdentifier(dup.name)}'`, src, dup.start);
  if (arg !== undefined && seen.has(arg))
    throw new ParseError(`duplicate formal function argument '${printIdentifier(arg)}'`, src, lambdaStart);
}

/** A piece of an indented string: raw text (from the lexer) or an interpolation. */
export type IndPart =
  | { str: string; hasIndentation: boolean; start: number; end: number }
  | { expr: Expr; start: number; end?: undefined; str?: undefined };

/**
 * ParserState::stripIndentation. Both passes go line by line: runs of spaces at the start of
 * a line are counted, the rest of a line is found with indexOf and copied as one slice.
 */
export function stripIndentation(src: Source, start: number, end: number, es: IndPart[]): Expr {
  const empty = (): Expr => ({ kind: 'String', src, start, end, value: '' });
  if (es.length === 0) return empty();

  // The smallest indentation of a line with text (interpolations and escapes count as text).
  let atStartOfLine = true;
  let minIndent = 1000000;
  let curIndent = 0;
  for (let q = 0; q < es.length; q++) {
    const p = es[q];
    if (p.str === undefined || !p.hasIndentation) {
      if (atStartOfLine) {
        atStartOfLine = false;
        if (curIndent < minIndent) minIndent = curIndent;
      }
      continue;
    }
    const s = p.str;
    const len = s.length;
    let j = 0;
    while (j < len) {
      if (atStartOfLine) {
        let k = j;
        while (k < len && s.charCodeAt(k) === 32) k++;
        curIndent += k - j;
        j = k;
        if (j >= len) break;
        if (s.charCodeAt(j) === 10) {
          curIndent = 0;
          j++;
        } else {
          atStartOfLine = false;
          if (curIndent < minIndent) minIndent = curIndent;
        }
      } else {
        const nl = s.indexOf('\n', j);
        if (nl < 0) break;
        atStartOfLine = true;
        curIndent = 0;
        j = nl + 1;
      }
    }
  }

  // Each line loses its first minIndent spaces.
  const es2: Expr[] = [];
  atStartOfLine = true;
  let curDropped = 0;
  for (let q = 0; q < es.length; q++) {
    const p = es[q];
    if (p.str === undefined) {
      atStartOfLine = false;
      curDropped = 0;
      es2.push(p.expr);
      continue;
    }
    const t = p.str;
    const len = t.length;
    let s2 = '';
    let j = 0;
    while (j < len) {
      if (atStartOfLine) {
        let k = j;
        while (k < len && t.charCodeAt(k) === 32) k++;
        if (k > j) {
          // Of the spaces numbered curDropped … curDropped + run - 1, those from minIndent on stay.
          const kept = curDropped >= minIndent ? k - j : curDropped + (k - j) - minIndent;
          if (kept > 0) s2 += ' '.repeat(kept);
          curDropped += k - j;
          j = k;
          if (j >= len) break;
        }
        if (t.charCodeAt(j) === 10) {
          curDropped = 0;
          s2 += '\n';
          j++;
        } else {
          atStartOfLine = false;
          curDropped = 0;
        }
      } else {
        const nl = t.indexOf('\n', j);
        if (nl < 0) {
          s2 += j === 0 ? t : t.slice(j);
          break;
        }
        s2 += t.slice(j, nl + 1);
        j = nl + 1;
        atStartOfLine = true;
      }
    }
    if (q === es.length - 1) {
      // The last line of the string, if only spaces, is dropped.
      const nl = s2.lastIndexOf('\n');
      if (nl >= 0 && /^ *$/.test(s2.slice(nl + 1))) s2 = s2.slice(0, nl + 1);
    }
    if (s2 !== '') es2.push({ kind: 'String', src, start: p.start, end: p.end, value: s2 });
  }
  if (es2.length === 0) return empty();
  if (es2.length === 1 && es2[0].kind === 'String') return es2[0];
  return { kind: 'ConcatStrings', src, start, end, forceString: true, parts: es2 };
}

/** CanonPath: an absolute, normalised path (`.`/`..`/empty segments removed). */
export function canonPath(p: string, base = '/'): string {
  const segs: string[] = [];
  const full = p.startsWith('/') ? p : base + '/' + p;
  for (const s of full.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segs.pop();
    else segs.push(s);
  }
  return '/' + segs.join('/');
}

/** The value of a PATH token's literal (the start of a path expression). */
export function resolvePath(literal: string, dir: string): string {
  let p = canonPath(literal, dir);
  if (literal.length > 1 && literal.endsWith('/')) p += '/';
  return p;
}

export function homeDir(): string {
  return process.env.HOME ?? os.homedir();
}
