/**
 * XML: `builtins.toXML` and `printValueAsXML` (for `nix-instantiate --eval --xml`).
 *
 * The format is Nix's: an `<expr>` root, two-space indentation, one element per value
 * (`<int value="1" />`, `<string …/>`, `<attrs>` of `<attr name=…>`, `<list>`, `<function>`
 * with an `<attrspat>` or `<varpat>`, `<derivation drvPath=… outPath=…>` shown once and
 * `<repeated />` afterwards), XML attributes in sorted order, values escaped with `&quot;`,
 * `&lt;`, `&gt;`, `&amp;` and `&#xA;`. With `location`, attributes and functions carry their
 * `path`, `line` and `column`. Unevaluated values (when not strict) and builtins print as
 * `<unevaluated />`.
 */
import { positionFile } from '../eval/errors';
import { formatFloat } from '../eval/print';
import { isDerivation } from '../eval/runtime';
import {
  AttrPos,
  Attrs,
  Context,
  force,
  Lambda,
  Lazy,
  mkString,
  NixFloat,
  NixPath,
  NixString,
  Thunk,
  Value,
} from '../eval/value';
import type { Builtin } from './registry';

function escapeAttr(s: string): string {
  return /["<>&\n]/.test(s)
    ? s.replace(/["<>&\n]/g, (c) =>
        c === '"' ? '&quot;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : '&#xA;',
      )
    : s;
}

/** `<name a="…" b="…"`: attributes sorted by name, as Nix's std::map orders them. */
function tag(name: string, attrs?: Record<string, string>): string {
  let out = '<' + name;
  if (attrs) for (const k of Object.keys(attrs).sort()) out += ` ${k}="${escapeAttr(attrs[k])}"`;
  return out;
}

class XMLWriter {
  out: string[] = ["<?xml version='1.0' encoding='utf-8'?>\n"];
  depth = 0;
  empty(name: string, attrs?: Record<string, string>): void {
    this.out.push('  '.repeat(this.depth) + tag(name, attrs) + ' />\n');
  }
  open(name: string, attrs?: Record<string, string>): void {
    this.out.push('  '.repeat(this.depth) + tag(name, attrs) + '>\n');
    this.depth++;
  }
  close(name: string): void {
    this.depth--;
    this.out.push('  '.repeat(this.depth) + `</${name}>\n`);
  }
}

function posAttrs(attrs: Record<string, string>, src: AttrPos['src'], start: number): void {
  attrs.path = positionFile(src);
  const { line, column } = src.location(start);
  attrs.line = String(line);
  attrs.column = String(column);
}

class Printer {
  doc = new XMLWriter();
  drvsSeen = new Set<string>();
  ctx: Context = new Set();
  constructor(
    readonly strict: boolean,
    readonly location: boolean,
  ) {}

  value(v: Lazy): void {
    const doc = this.doc;
    let x: Value;
    if (v instanceof Thunk) {
      if (!v.forced && !this.strict) return doc.empty('unevaluated');
      x = v.force();
    } else x = v;
    if (x === null) return doc.empty('null');
    switch (typeof x) {
      case 'boolean':
        return doc.empty('bool', { value: x ? 'true' : 'false' });
      case 'number':
      case 'bigint':
        return doc.empty('int', { value: String(x) });
      case 'string':
        return doc.empty('string', { value: x });
    }
    if (x instanceof NixString) {
      for (const c of x.ctx) this.ctx.add(c);
      return doc.empty('string', { value: x.s });
    }
    if (x instanceof NixFloat) return doc.empty('float', { value: formatFloat(x.value) });
    if (x instanceof NixPath) return doc.empty('path', { value: x.path });
    if (Array.isArray(x)) {
      doc.open('list');
      for (const e of x) this.value(e);
      return doc.close('list');
    }
    if (x instanceof Attrs) return this.attrs(x);
    if (x instanceof Lambda) return this.lambda(x);
    return doc.empty('unevaluated');
  }

  attrs(a: Attrs): void {
    const doc = this.doc;
    if (!isDerivation(a)) {
      doc.open('attrs');
      this.showAttrs(a);
      return doc.close('attrs');
    }
    const xmlAttrs: Record<string, string> = {};
    let drvPath = '';
    const str = (name: string): string | undefined => {
      const l = a.get(name);
      if (l === undefined) return undefined;
      const v = this.strict ? force(l) : l instanceof Thunk ? (l.forced ? l.v : undefined) : l;
      return typeof v === 'string' ? v : v instanceof NixString ? v.s : undefined;
    };
    const d = str('drvPath');
    if (d !== undefined) xmlAttrs.drvPath = drvPath = d;
    const o = str('outPath');
    if (o !== undefined) xmlAttrs.outPath = o;
    doc.open('derivation', xmlAttrs);
    if (drvPath !== '' && !this.drvsSeen.has(drvPath)) {
      this.drvsSeen.add(drvPath);
      this.showAttrs(a);
    } else doc.empty('repeated');
    doc.close('derivation');
  }

  showAttrs(a: Attrs): void {
    for (const k of a.keys()) {
      const attrs: Record<string, string> = { name: k };
      const p = this.location ? a.posOf(k) : undefined;
      if (p) posAttrs(attrs, p.src, p.start);
      this.doc.open('attr', attrs);
      this.value(a.get(k)!);
      this.doc.close('attr');
    }
  }

  lambda(l: Lambda): void {
    const doc = this.doc;
    const info = l.info;
    const attrs: Record<string, string> = {};
    if (this.location) posAttrs(attrs, info.src, info.start);
    doc.open('function', attrs);
    if (info.formals) {
      const pat: Record<string, string> = {};
      if (info.arg !== undefined) pat.name = info.arg;
      if (info.ellipsis) pat.ellipsis = '1';
      doc.open('attrspat', pat);
      for (const name of [...info.formals.keys()].sort()) doc.empty('attr', { name });
      doc.close('attrspat');
    } else doc.empty('varpat', { name: info.arg ?? '' });
    doc.close('function');
  }
}

/** The XML text of a value and the union of the contexts of its strings. */
export function valueToXML(v: Lazy, strict: boolean, location: boolean): { xml: string; ctx: Context } {
  const p = new Printer(strict, location);
  p.doc.open('expr');
  p.value(v);
  p.doc.close('expr');
  return { xml: p.doc.out.join(''), ctx: p.ctx };
}

/** `nix-instantiate --eval --xml` output (ends with a newline). */
export function printValueAsXML(v: Lazy, strict: boolean, location: boolean): string {
  return valueToXML(v, strict, location).xml;
}

export const builtins: Builtin[] = [
  {
    name: 'toXML',
    arity: 1,
    fn: ([a]) => {
      const r = valueToXML(a, true, false);
      return mkString(r.xml, r.ctx);
    },
  },
];
