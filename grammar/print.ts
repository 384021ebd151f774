/**
 * Prints an expression exactly as `nix-instantiate --parse` does (Nix's `Expr::show` in
 * nixexpr.cc): fully parenthesised, attributes and formals sorted by name, identifiers
 * quoted when they are not plain identifiers, floats in C++'s default `%g` format.
 */
import type { AttrName, Attrs, Expr, InheritFrom, Select } from './ast';

const reserved = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit']);

/** A string literal with Nix's escapes (printLiteralString). */
export function printString(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c === 34) esc = '\\"';
    else if (c === 92) esc = '\\\\';
    else if (c === 10) esc = '\\n';
    else if (c === 13) esc = '\\r';
    else if (c === 9) esc = '\\t';
    else if (c === 36 && s.charCodeAt(i + 1) === 123) esc = '\\$';
    if (esc !== undefined) {
      out += s.slice(from, i) + esc;
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}

const plainId = /^[a-zA-Z_][a-zA-Z0-9_'-]*$/;

/** A symbol as Nix prints it (printIdentifier): bare when it lexes as an identifier. */
export function printIdentifier(s: string): string {
  if (s === '') return '""';
  if (reserved.has(s)) return `"${s}"`;
  return plainId.test(s) ? s : printString(s);
}

/** C++ `ostream << double` with default flags: `%g` with precision 6. */
export function printFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expS] = x.toExponential(5).split('e');
  const exp = Number(expS);
  if (exp < -4 || exp >= 6) {
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const ae = Math.abs(exp);
    return `${m}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  const f = x.toFixed(5 - exp);
  return f.includes('.') ? f.replace(/0+$/, '').replace(/\.$/, '') : f;
}

export function printAttrPath(path: AttrName[]): string {
  const parts: string[] = [];
  for (const a of path) parts.push(a.name !== undefined ? printIdentifier(a.name) : `"\${${printExpr(a.expr)}}"`);
  return parts.join('.');
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function printBindings(e: Attrs, out: string[]): void {
  const names = [...e.attrs.keys()].sort(byName);
  const inherits: string[] = [];
  const inheritsFrom = new Map<number, string[]>();
  for (const k of names) {
    const d = e.attrs.get(k)!;
    if (d.kind === 'inherited') inherits.push(k);
    else if (d.kind === 'inheritedFrom') {
      const idx = ((d.e as Select).e as InheritFrom).index;
      let l = inheritsFrom.get(idx);
      if (!l) inheritsFrom.set(idx, (l = []));
      l.push(k);
    }
  }
  if (inherits.length) out.push('inherit', ...inherits.map((s) => ' ' + printIdentifier(s)), '; ');
  for (const idx of [...inheritsFrom.keys()].sort((a, b) => a - b)) {
    out.push('inherit (');
    show(e.inheritFrom[idx], out);
    out.push(')', ...inheritsFrom.get(idx)!.map((s) => ' ' + printIdentifier(s)), '; ');
  }
  for (const k of names) {
    const d = e.attrs.get(k)!;
    if (d.kind !== 'plain') continue;
    out.push(printIdentifier(k), ' = ');
    show(d.e, out);
    out.push('; ');
  }
  for (const d of e.dynamicAttrs) {
    out.push('"${');
    show(d.name, out);
    out.push('}" = ');
    show(d.value, out);
    out.push('; ');
  }
}

function show(e: Expr, out: string[]): void {
  switch (e.kind) {
    case 'Int':
      out.push(String(e.value));
      return;
    case 'Float':
      out.push(printFloat(e.value));
      return;
    case 'String':
      out.push(printString(e.value));
      return;
    case 'Path':
      out.push(e.value);
      return;
    case 'Var':
      out.push(printIdentifier(e.name));
      return;
    case 'CurPos':
      out.push('__curPos');
      return;
    case 'InheritFrom':
      // Never printed on its own by Nix; shown as a placeholder for debugging.
      out.push(`«inherit-from ${e.index}»`);
      return;
    case 'Select':
      out.push('(');
      show(e.e, out);
      out.push(').', printAttrPath(e.path));
      if (e.def) {
        out.push(' or (');
        show(e.def, out);
        out.push(')');
      }
      return;
    case 'HasAttr':
      out.push('((');
      show(e.e, out);
      out.push(') ? ', printAttrPath(e.path), ')');
      return;
    case 'Attrs':
      if (e.rec) out.push('rec ');
      out.push('{ ');
      printBindings(e, out);
      out.push('}');
      return;
    case 'List':
      out.push('[ ');
      for (const x of e.elems) {
        out.push('(');
        show(x, out);
        out.push(') ');
      }
      out.push(']');
      return;
    case 'Lambda': {
      out.push('(');
      if (e.formals) {
        out.push('{ ');
        const fs = [...e.formals.formals].sort((a, b) => byName(a.name, b.name));
        let first = true;
        for (const f of fs) {
          if (!first) out.push(', ');
          first = false;
          out.push(printIdentifier(f.name));
          if (f.def) {
            out.push(' ? ');
            show(f.def, out);
          }
        }
        if (e.formals.ellipsis) out.push(first ? '...' : ', ...');
        out.push(' }');
        if (e.arg !== undefined) out.push(' @ ');
      }
      if (e.arg !== undefined) out.push(printIdentifier(e.arg));
      out.push(': ');
      show(e.body, out);
      out.push(')');
      return;
    }
    case 'Call':
      out.push('(');
      show(e.fn, out);
      for (const a of e.args) {
        out.push(' ');
        show(a, out);
      }
      out.push(')');
      return;
    case 'Let':
      out.push('(let ');
      printBindings(e.attrs, out);
      out.push('in ');
      show(e.body, out);
      out.push(')');
      return;
    case 'With':
      out.push('(with ');
      show(e.attrs, out);
      out.push('; ');
      show(e.body, out);
      out.push(')');
      return;
    case 'If':
      out.push('(if ');
      show(e.cond, out);
      out.push(' then ');
      show(e.then, out);
      out.push(' else ');
      show(e.else, out);
      out.push(')');
      return;
    case 'Assert':
      out.push('assert ');
      show(e.cond, out);
      out.push('; ');
      show(e.body, out);
      return;
    case 'Not':
      out.push('(! ');
      show(e.e, out);
      out.push(')');
      return;
    case 'BinOp': {
      const sym = binOpSymbol[e.op];
      out.push('(');
      show(e.e1, out);
      out.push(` ${sym} `);
      show(e.e2, out);
      out.push(')');
      return;
    }
    case 'ConcatStrings': {
      out.push('(');
      let first = true;
      for (const p of e.parts) {
        if (!first) out.push(' + ');
        first = false;
        show(p, out);
      }
      out.push(')');
      return;
    }
  }
}

export const binOpSymbol = {
  Eq: '==',
  NEq: '!=',
  And: '&&',
  Or: '||',
  Impl: '->',
  Update: '//',
  ConcatLists: '++',
} as const;

/** The text `nix-instantiate --parse` prints for an expression (without a newline). */
export function printExpr(e: Expr): string {
  const out: string[] = [];
  show(e, out);
  return out.join('');
}
