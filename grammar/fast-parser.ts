/**
 * The Nix parser used by default: hand-written recursive descent with precedence climbing,
 * over the token arrays of `scan` (lexer.ts). It builds exactly the AST of the chevrotain
 * grammar in parser.ts — same nodes, same fields in the same order, same positions — and
 * fails with exactly its errors, at the same places. parser.ts remains the definition of the
 * grammar (its railroad diagrams, and the oracle of test/grammar/fast-parser.test.ts); this
 * file is the same grammar written for speed: no token objects, no rule machinery, few
 * allocations beyond the AST itself.
 *
 * How it mirrors the chevrotain parser:
 *  - Each rule decides on the same look-ahead as chevrotain's LL(k) choice for that rule
 *    (mostly one token; function heads use `isFormals`, the parser's `isLambda`).
 *  - A mismatched token reports "syntax error, unexpected X, expecting Y" with the same
 *    expected tokens (including parser.ts's bison-like overrides); an alternative with no
 *    viable choice reports "syntax error, unexpected X" (chevrotain lists expected tokens
 *    only when there are at most four); leftover input reports "expecting end of file".
 *  - Semantic checks (duplicate attributes, duplicate formals, dynamic attributes in `let`
 *    or `inherit`) run at the moment parser.ts's actions run them, so that when a source has
 *    several errors the same one is reported. In particular parser.ts resolves operator
 *    precedence only after reading a whole operator sequence, so a misused non-associative
 *    operator (`a == b == c`) is remembered here and reported at the end of the sequence,
 *    after any syntax error inside it.
 *
 * Operators, loosest first (as in Nix's parser.y):
 *
 *     ->  right        ==  !=  non-assoc     //  right     +  -  left     ++  right
 *     ||  left         <  >  <=  >=  n.a.     !  (prefix)   *  /  left     ?   non-assoc
 *     &&  left                                                            -  (prefix, highest)
 */
import { ParseError, type AttrName, type Attrs, type BinOpKind, type Call, type Expr, type Formal, type Source } from './ast';
import {
  addAttr,
  addAttr1,
  addInherits,
  homeDir,
  newAttrs,
  resolvePath,
  stripIndentation,
  validateFormals,
  type IndPart,
} from './build';
import { scan, Tk, tokenLabels, TokenBuffer } from './lexer';

// ---- token classes ----

const KINDS = 64;

/** Binding power of binary operators (0: not one); `?` is parsed with them. */
const PREC = new Uint8Array(KINDS);
const LEFT = 0;
const RIGHT = 1;
const NONASSOC = 2;
const ASSOC = new Uint8Array(KINDS);
for (const [t, prec, assoc] of [
  [Tk.IMPL, 1, RIGHT],
  [Tk.OR, 2, LEFT],
  [Tk.AND, 3, LEFT],
  [Tk.EQ, 4, NONASSOC],
  [Tk.NEQ, 4, NONASSOC],
  [Tk.LT, 5, NONASSOC],
  [Tk.GT, 5, NONASSOC],
  [Tk.LEQ, 5, NONASSOC],
  [Tk.GEQ, 5, NONASSOC],
  [Tk.UPDATE, 6, RIGHT],
  [Tk.PLUS, 8, LEFT],
  [Tk.MINUS, 8, LEFT],
  [Tk.STAR, 9, LEFT],
  [Tk.SLASH, 9, LEFT],
  [Tk.CONCAT, 10, RIGHT],
  [Tk.QMARK, 11, NONASSOC],
]) {
  PREC[t] = prec;
  ASSOC[t] = assoc;
}
/** `!x` binds looser than arithmetic, `-x` tighter than everything. */
const NOT_PREC = 7;
const NEG_PREC = 12;

/** Tokens that start a simple expression (exprSimple, hence exprSelect and exprApp). */
const FIRST_SIMPLE = new Uint8Array(KINDS);
for (const t of [
  Tk.ID,
  Tk.INT,
  Tk.FLOAT,
  Tk.DQUOTE,
  Tk.IND_OPEN,
  Tk.PATH,
  Tk.HPATH,
  Tk.SPATH,
  Tk.URI,
  Tk.LPAREN,
  Tk.LET,
  Tk.REC,
  Tk.LBRACE,
  Tk.LBRACK,
])
  FIRST_SIMPLE[t] = 1;
/** Tokens that start an operator expression: a simple expression or a prefix operator. */
const FIRST_OP = FIRST_SIMPLE.slice();
FIRST_OP[Tk.NOT] = FIRST_OP[Tk.MINUS] = 1;
/** Tokens that start an attribute name. */
const FIRST_ATTR = new Uint8Array(KINDS);
for (const t of [Tk.ID, Tk.OR_KW, Tk.DOLLAR_CURLY, Tk.DQUOTE]) FIRST_ATTR[t] = 1;

const binOpKinds: (BinOpKind | undefined)[] = [];
binOpKinds[Tk.EQ] = 'Eq';
binOpKinds[Tk.NEQ] = 'NEq';
binOpKinds[Tk.AND] = 'And';
binOpKinds[Tk.OR] = 'Or';
binOpKinds[Tk.IMPL] = 'Impl';
binOpKinds[Tk.UPDATE] = 'Update';
binOpKinds[Tk.CONCAT] = 'ConcatLists';

// ---- error messages ----

/** ", expecting A or B": chevrotain (parser.ts) names at most four expected tokens. */
function expecting(...kinds: Tk[]): string {
  const uniq = [...new Set(kinds)];
  if (uniq.length === 0 || uniq.length > 4) return '';
  return ', expecting ' + uniq.map((t) => tokenLabels[t]).join(' or ');
}

const X_SEMI = expecting(Tk.SEMI);
const X_COLON = expecting(Tk.COLON);
const X_ID = expecting(Tk.ID);
const X_LBRACE = expecting(Tk.LBRACE);
const X_RBRACE = expecting(Tk.RBRACE);
const X_RPAREN = expecting(Tk.RPAREN);
const X_RBRACK = expecting(Tk.RBRACK);
const X_DQUOTE = expecting(Tk.DQUOTE);
const X_THEN = expecting(Tk.THEN);
const X_ELSE = expecting(Tk.ELSE);
const X_IND_CLOSE = expecting(Tk.IND_CLOSE);
const X_PATH_END = expecting(Tk.PATH_END);
const X_DOLLAR_CURLY = expecting(Tk.DOLLAR_CURLY);
const X_EOF = expecting(Tk.EOF);
const X_ATTR = expecting(Tk.ID, Tk.OR_KW, Tk.DOLLAR_CURLY, Tk.DQUOTE);
// Where parser.ts's error provider reports what bison's state would also accept.
const X_FORMALS_END = expecting(Tk.RBRACE, Tk.COMMA);
const X_ATTRS_END = expecting(Tk.INHERIT);
const X_REC_END = expecting(Tk.RBRACE, Tk.INHERIT);
const X_LET_IN = expecting(Tk.IN, Tk.INHERIT);
const X_ASSIGN = expecting(Tk.DOT, Tk.ASSIGN);
const X_INHERIT_END = expecting(Tk.ID, Tk.OR_KW, Tk.DOLLAR_CURLY, Tk.DQUOTE, Tk.SEMI);

interface FormalSet {
  formals: Formal[];
  ellipsis: boolean;
  start: number;
  end: number;
}

// The parser's state. Module variables rather than fields: before V8 optimizes the parser
// (most of a short run), reading a field is an inline-cache call and reading a module
// variable a plain load.
let src!: Source;
let text = '';
let types: Uint8Array = new Uint8Array(0);
let starts: Int32Array = new Int32Array(0);
let ends: Int32Array = new Int32Array(0);
let vals: (string | number | bigint | undefined)[] = [];
let eofOffset = 0;
/** Index of the current token. */
let p = 0;
/** In the current operator sequence: index of the first misused non-associative operator, or -1. */
let viol = -1;
/** Span of the attribute name / attribute path just parsed by `attr` / `attrpath`. */
let attrStart = 0;
let attrEnd = 0;
let pathStart = 0;
let pathEnd = 0;
/** End of the string just parsed by `string`. */
let strEnd = 0;

// The parser: one function per rule.

function parseTokens(source: Source, buf: TokenBuffer): Expr {
  src = source;
  text = src.text;
  types = buf.types;
  starts = buf.starts;
  ends = buf.ends;
  vals = buf.vals;
  eofOffset = buf.eofOffset;
  p = 0;
  viol = -1;
  try {
    const e = expr();
    if (types[p] !== Tk.EOF) unexpected(p, X_EOF);
    return e;
  } finally {
    src = undefined as unknown as Source;
    text = '';
  }
}

// ---- errors ----

function fail(message: string, at: number): never {
  throw new ParseError(message, src, at);
}

/** "syntax error, unexpected <token k><expected>", at token k. */
function unexpected(k: number, expected: string): never {
  const t = types[k];
  fail(`syntax error, unexpected ${tokenLabels[t]}${expected}`, t === Tk.EOF ? eofOffset : starts[k]);
}

/** Consumes a token of kind t and returns its index. */
function expect(t: Tk, expected: string): number {
  const k = p;
  if (types[k] !== t) unexpected(k, expected);
  p = k + 1;
  return k;
}

/** The text of token k. */
function slice(k: number): string {
  return text.slice(starts[k], ends[k]);
}

function v(name: string, at: number): Expr {
  return { kind: 'Var', src, start: at, end: at, name };
}

// ---- expressions ----

/** expr: a function, assert, with, let … in, if, or an operator expression. */
function expr(): Expr {
  const k = p;
  switch (types[k]) {
    case Tk.ID: {
      const t2 = types[k + 1];
      if (t2 === Tk.COLON) return simpleLambda();
      if (t2 === Tk.AT) return namedFormalsLambda();
      return exprOp();
    }
    case Tk.LBRACE:
      return isFormals() ? formalsLambda() : exprOp();
    case Tk.ASSERT: {
      p = k + 1;
      const cond = expr();
      expect(Tk.SEMI, X_SEMI);
      const body = expr();
      return { kind: 'Assert', src, start: starts[k], end: body.end, cond, body };
    }
    case Tk.WITH: {
      p = k + 1;
      const attrs = expr();
      expect(Tk.SEMI, X_SEMI);
      const body = expr();
      return { kind: 'With', src, start: starts[k], end: body.end, attrs, body };
    }
    case Tk.LET:
      return types[k + 1] === Tk.LBRACE ? exprOp() : letIn();
    case Tk.IF: {
      p = k + 1;
      const cond = expr();
      expect(Tk.THEN, X_THEN);
      const then = expr();
      expect(Tk.ELSE, X_ELSE);
      const els = expr();
      return { kind: 'If', src, start: starts[k], end: els.end, cond, then, else: els };
    }
  }
  if (FIRST_OP[types[k]]) return exprOp();
  unexpected(k, '');
}

/** After `{`: does a function's formals pattern start here (parser.ts's isLambda)? */
function isFormals(): boolean {
  const t2 = types[p + 1];
  if (t2 === Tk.ELLIPSIS) return true;
  const t3 = types[p + 2];
  if (t2 === Tk.RBRACE) return t3 === Tk.COLON || t3 === Tk.AT;
  if (t2 === Tk.ID) return t3 === Tk.COMMA || t3 === Tk.QMARK || t3 === Tk.RBRACE;
  return false;
}

/** `x: body` */
function simpleLambda(): Expr {
  const id = p;
  p = id + 2;
  const arg = slice(id);
  const body = expr();
  return { kind: 'Lambda', src, start: starts[id], end: body.end, arg, body };
}

/** `x @ { formals }: body` */
function namedFormalsLambda(): Expr {
  const id = p;
  p = id + 2;
  const arg = slice(id);
  const fs = formalSet();
  expect(Tk.COLON, X_COLON);
  const body = expr();
  return lambda(starts[id], fs, arg, body);
}

/** `{ formals } [@ x]: body` */
function formalsLambda(): Expr {
  const fs = formalSet();
  let arg: string | undefined;
  if (types[p] === Tk.AT) {
    p++;
    arg = slice(expect(Tk.ID, X_ID));
  }
  expect(Tk.COLON, X_COLON);
  const body = expr();
  return lambda(fs.start, fs, arg, body);
}

function lambda(start: number, fs: FormalSet, arg: string | undefined, body: Expr): Expr {
  validateFormals(src, fs.formals, start, arg);
  return {
    kind: 'Lambda',
    src,
    start,
    end: body.end,
    arg,
    formals: { formals: fs.formals, ellipsis: fs.ellipsis },
    body,
  };
}

/** `{ a, b ? e, ... }` */
function formalSet(): FormalSet {
  const open = expect(Tk.LBRACE, X_LBRACE);
  const formals: Formal[] = [];
  let ellipsis = false;
  const t = types[p];
  if (t === Tk.ELLIPSIS) {
    p++;
    ellipsis = true;
  } else if (t === Tk.ID) {
    formals.push(formal());
    while (types[p] === Tk.COMMA && types[p + 1] === Tk.ID) {
      p++;
      formals.push(formal());
    }
    if (types[p] === Tk.COMMA) {
      p++;
      if (types[p] === Tk.ELLIPSIS) {
        p++;
        ellipsis = true;
      }
    }
  }
  const close = expect(Tk.RBRACE, X_FORMALS_END);
  return { formals, ellipsis, start: starts[open], end: starts[close] + 1 };
}

function formal(): Formal {
  const id = p;
  p = id + 1;
  const name = slice(id);
  let def: Expr | undefined;
  if (types[p] === Tk.QMARK) {
    p++;
    def = expr();
  }
  return { name, def, start: starts[id], end: def ? def.end : ends[id] };
}

/** `let binds in body` */
function letIn(): Expr {
  const kw = p;
  const start = starts[kw];
  p = kw + 1;
  const attrs = newAttrs(src, start, start, true);
  binds(attrs);
  const inTok = expect(Tk.IN, X_LET_IN);
  const body = expr();
  attrs.end = starts[inTok];
  if (attrs.dynamicAttrs.length) fail('dynamic attributes not allowed in let', start);
  return { kind: 'Let', src, start, end: body.end, attrs, body };
}

/** Operands and binary operators (and `? attrpath`), resolved by precedence climbing. */
function exprOp(): Expr {
  const t = types[p];
  const outer = viol;
  let e: Expr;
  if (t === Tk.NOT || t === Tk.MINUS) {
    viol = -1;
    e = prefixed(t);
  } else {
    // The common case, a lone operand, needs no climbing. (Operators inside the operand
    // belong to nested operator expressions, which keep their own `viol`.)
    e = exprApp();
    if (PREC[types[p]] === 0) return e;
    viol = -1;
  }
  e = climb(e, 0);
  if (viol >= 0) unexpected(viol, '');
  viol = outer;
  return e;
}

/** Extends `left` with the operators binding at least as tightly as `min`. */
function climb(left: Expr, min: number): Expr {
  for (;;) {
    const k = p;
    const t = types[k];
    const prec = PREC[t];
    if (prec === 0 || prec < min) return left;
    p = k + 1;
    if (t === Tk.QMARK) {
      const path = attrpath();
      left = { kind: 'HasAttr', src, start: left.start, end: pathEnd, e: left, path };
    } else {
      const u = types[p];
      const operand = u === Tk.NOT || u === Tk.MINUS ? prefixed(u) : exprApp();
      const right = climb(operand, ASSOC[t] === RIGHT ? prec : prec + 1);
      left = binary(t, starts[k], left, right);
    }
    // `a == b == c`: remembered, reported when the whole sequence has been read.
    if (ASSOC[t] === NONASSOC && viol < 0 && PREC[types[p]] === prec) viol = p;
  }
}

/** An operand with prefix operators: `!x` and `-x` (`__sub 0 x`); t is the first. */
function prefixed(t: Tk): Expr {
  const op = p++;
  const at = starts[op];
  const u = types[p];
  const operand = u === Tk.NOT || u === Tk.MINUS ? prefixed(u) : exprApp();
  if (t === Tk.NOT) {
    const e = climb(operand, NOT_PREC + 1);
    return { kind: 'Not', src, start: at, end: e.end, e };
  }
  const e = climb(operand, NEG_PREC + 1);
  const zero: Expr = { kind: 'Int', src, start: at, end: at, value: 0 };
  return { kind: 'Call', src, start: at, end: e.end, fn: v('__sub', at), args: [zero, e], opStart: at };
}

function binary(t: Tk, at: number, e1: Expr, e2: Expr): Expr {
  const start = e1.start;
  const end = e2.end;
  const op = binOpKinds[t];
  if (op !== undefined) return { kind: 'BinOp', src, start, end, op, e1, e2, opStart: at };
  switch (t) {
    case Tk.PLUS:
      return { kind: 'ConcatStrings', src, start, end, forceString: false, parts: [e1, e2], opStart: at };
    case Tk.MINUS:
      return opCall('__sub', at, start, end, e1, e2);
    case Tk.STAR:
      return opCall('__mul', at, start, end, e1, e2);
    case Tk.SLASH:
      return opCall('__div', at, start, end, e1, e2);
    case Tk.LT:
      return opCall('__lessThan', at, start, end, e1, e2);
    case Tk.GT:
      return opCall('__lessThan', at, start, end, e2, e1);
    case Tk.LEQ:
      return { kind: 'Not', src, start, end, e: opCall('__lessThan', at, start, end, e2, e1) };
    case Tk.GEQ:
      return { kind: 'Not', src, start, end, e: opCall('__lessThan', at, start, end, e1, e2) };
  }
  throw new Error('unknown operator ' + tokenLabels[t]);
}

function opCall(name: string, at: number, start: number, end: number, a: Expr, b: Expr): Expr {
  return { kind: 'Call', src, start, end, fn: v(name, at), args: [a, b], opStart: at };
}

/** Application: `f a b` is one Call; arguments are added to a call in function position. */
function exprApp(): Expr {
  let e = exprSimple();
  let t = types[p];
  if (t === Tk.DOT || t === Tk.OR_KW) {
    e = selectRest(e, t);
    t = types[p];
  }
  while (FIRST_SIMPLE[t]) {
    const first = starts[p];
    let arg = exprSimple();
    t = types[p];
    if (t === Tk.DOT || t === Tk.OR_KW) {
      arg = selectRest(arg, t);
      if (t === Tk.OR_KW) markCursedOr(arg, first);
      t = types[p];
    }
    if (e.kind === 'Call') {
      e.args.push(arg);
      e.end = arg.end;
    } else e = { kind: 'Call', src, start: e.start, end: arg.end, fn: e, args: [arg] };
  }
  return e;
}

/** A simple expression with its selection: `e.a.b`, `e.a.b or d`, `e or` (not in an application). */
function exprSelect(): Expr {
  const first = starts[p];
  const e = exprSimple();
  const t = types[p];
  if (t !== Tk.DOT && t !== Tk.OR_KW) return e;
  const r = selectRest(e, t);
  if (t === Tk.OR_KW) markCursedOr(r, first);
  return r;
}

/** Marks `e or` outside the head of an application (see Call.cursedOr). */
function markCursedOr(call: Expr, first: number): void {
  (call as Call).cursedOr = first;
}

/** After `e`, at `.` or `or` (t): `e.a.b`, `e.a.b or d`, or `e or` (a call of e with the variable `or`). */
function selectRest(e: Expr, t: Tk): Expr {
  if (t === Tk.DOT) {
    p++;
    const path = attrpath();
    const end = pathEnd;
    let def: Expr | undefined;
    if (types[p] === Tk.OR_KW) {
      p++;
      def = exprSelect();
    }
    return { kind: 'Select', src, start: e.start, end: def ? def.end : end, e, path, def };
  }
  const at = starts[p++];
  const or: Expr = { kind: 'Var', src, start: at, end: at + 2, name: 'or' };
  return { kind: 'Call', src, start: e.start, end: at + 2, fn: e, args: [or] };
}

function exprSimple(): Expr {
  const k = p;
  switch (types[k]) {
    case Tk.ID: {
      p = k + 1;
      const start = starts[k];
      const end = ends[k];
      const name = text.slice(start, end);
      if (name === '__curPos') return { kind: 'CurPos', src, start, end };
      return { kind: 'Var', src, start, end, name };
    }
    case Tk.INT:
      p = k + 1;
      return { kind: 'Int', src, start: starts[k], end: ends[k], value: vals[k] as number | bigint };
    case Tk.FLOAT:
      p = k + 1;
      return { kind: 'Float', src, start: starts[k], end: ends[k], value: vals[k] as number };
    case Tk.DQUOTE:
      p = k + 1;
      return string(k);
    case Tk.IND_OPEN:
      return indString();
    case Tk.PATH:
    case Tk.HPATH:
      return path();
    case Tk.SPATH: {
      p = k + 1;
      const at = starts[k];
      const end = ends[k];
      const s: Expr = { kind: 'String', src, start: at, end, value: text.slice(at + 1, end - 1) };
      return { kind: 'Call', src, start: at, end, fn: v('__findFile', at), args: [v('__nixPath', at), s] };
    }
    case Tk.URI:
      p = k + 1;
      return { kind: 'String', src, start: starts[k], end: ends[k], value: slice(k), uri: true };
    case Tk.LPAREN: {
      p = k + 1;
      const e = expr();
      expect(Tk.RPAREN, X_RPAREN);
      return e;
    }
    case Tk.LET: {
      // Legacy `let { …; body = …; }` is `(rec { … }).body`.
      p = k + 1;
      expect(Tk.LBRACE, X_LBRACE);
      const attrs = setBody(starts[k], true, X_REC_END);
      return { kind: 'Select', src, start: attrs.start, end: attrs.end, e: attrs, path: [{ name: 'body' }] };
    }
    case Tk.REC:
      p = k + 1;
      expect(Tk.LBRACE, X_LBRACE);
      return setBody(starts[k], true, X_REC_END);
    case Tk.LBRACE:
      p = k + 1;
      return setBody(starts[k], false, X_ATTRS_END);
    case Tk.LBRACK: {
      p = k + 1;
      const elems: Expr[] = [];
      while (FIRST_SIMPLE[types[p]]) elems.push(exprSelect());
      const close = expect(Tk.RBRACK, X_RBRACK);
      return { kind: 'List', src, start: starts[k], end: starts[close] + 1, elems };
    }
  }
  unexpected(k, '');
}

/**
 * The rest of "…" after the opening quote (token `open`): a String, or ConcatStrings when
 * there is more than one piece or an interpolation. Sets `strEnd`.
 */
function string(open: number): Expr {
  let first: Expr | undefined;
  let firstStart = 0;
  let firstInterpolated = false;
  let parts: Expr[] | undefined;
  for (;;) {
    const k = p;
    const t = types[k];
    const e = stringPiece();
    if (e === undefined) break;
    if (first === undefined) {
      first = e;
      firstStart = starts[k];
      firstInterpolated = t === Tk.DOLLAR_CURLY;
    } else if (parts === undefined) parts = [first, e];
    else parts.push(e);
  }
  const end = starts[expect(Tk.DQUOTE, X_DQUOTE)] + 1;
  strEnd = end;
  if (first === undefined) return { kind: 'String', src, start: starts[open], end, value: '' };
  if (parts === undefined && first.kind === 'String' && !firstInterpolated) return first;
  return { kind: 'ConcatStrings', src, start: firstStart, end, forceString: true, parts: parts ?? [first] };
}

/** One piece of a string or path: a literal run (STR) or `${e}`; undefined at anything else. */
function stringPiece(): Expr | undefined {
  const k = p;
  const t = types[k];
  if (t === Tk.STR) {
    p = k + 1;
    return { kind: 'String', src, start: starts[k], end: ends[k], value: vals[k] as string };
  }
  if (t !== Tk.DOLLAR_CURLY) return undefined;
  p = k + 1;
  const e = expr();
  expect(Tk.RBRACE, X_RBRACE);
  return e;
}

/** ''…'': pieces and interpolations, then indentation stripping. */
function indString(): Expr {
  const open = p++;
  const parts: IndPart[] = [];
  for (;;) {
    const k = p;
    const t = types[k];
    if (t === Tk.IND_STR || t === Tk.IND_STR_LIT) {
      p = k + 1;
      parts.push({ str: vals[k] as string, hasIndentation: t === Tk.IND_STR, start: starts[k], end: ends[k] });
    } else if (t === Tk.DOLLAR_CURLY) {
      p = k + 1;
      const e = expr();
      expect(Tk.RBRACE, X_RBRACE);
      parts.push({ expr: e, start: starts[k] });
    } else break;
  }
  const close = expect(Tk.IND_CLOSE, X_IND_CLOSE);
  return stripIndentation(src, starts[open], starts[close] + 2, parts);
}

/** A path literal, possibly with interpolations: PATH (STR | ${e})* PATH_END. */
function path(): Expr {
  const first = p++;
  let parts: Expr[] | undefined;
  let interpolated = false;
  for (;;) {
    if (types[p] === Tk.DOLLAR_CURLY) interpolated = true;
    const e = stringPiece();
    if (e === undefined) break;
    (parts ??= []).push(e);
  }
  const endTok = expect(Tk.PATH_END, X_PATH_END);
  // Nix's grammar has a path's literal pieces only around an interpolation: `/a//b`
  // (PATH `/a/`, STR `/b`) is a syntax error.
  if (parts !== undefined && !interpolated) unexpected(endTok, X_DOLLAR_CURLY);
  const literal = slice(first);
  const value = types[first] === Tk.HPATH ? homeDir() + literal.slice(1) : resolvePath(literal, src.dir);
  const start = starts[first];
  const node: Expr = { kind: 'Path', src, start, end: ends[first], value, literal };
  if (parts === undefined) return node;
  parts.unshift(node);
  return { kind: 'ConcatStrings', src, start, end: starts[endTok], forceString: false, parts };
}

// ---- bindings ----

/** The bindings and closing `}` of a set whose `{` (or `rec {`, `let {`) is behind. */
function setBody(start: number, rec: boolean, expected: typeof X_ATTRS_END): Attrs {
  const attrs = newAttrs(src, start, start, rec);
  binds(attrs);
  attrs.end = starts[expect(Tk.RBRACE, expected)] + 1;
  return attrs;
}

/** Bindings of an attribute set or let, added into `attrs` as they are parsed. */
function binds(attrs: Attrs): void {
  for (;;) {
    const t = types[p];
    if (t === Tk.ID && types[p + 1] === Tk.ASSIGN) {
      // The common `name = e;`
      const k = p;
      p = k + 2;
      const start = starts[k];
      const end = ends[k];
      const name = text.slice(start, end);
      const e = expr();
      expect(Tk.SEMI, X_SEMI);
      addAttr1(attrs, name, start, end, e);
    } else if (t === Tk.INHERIT) inherit(attrs);
    else if (FIRST_ATTR[t]) {
      const path = attrpath();
      const start = pathStart;
      const end = pathEnd;
      expect(Tk.ASSIGN, X_ASSIGN);
      const e = expr();
      expect(Tk.SEMI, X_SEMI);
      addAttr(attrs, path, start, end, e);
    } else return;
  }
}

/** `inherit a b;` / `inherit (e) a b;` */
function inherit(attrs: Attrs): void {
  p++;
  let from: Expr | undefined;
  if (types[p] === Tk.LPAREN) {
    p++;
    from = expr();
    expect(Tk.RPAREN, X_RPAREN);
  }
  const names: { name: string; start: number; end: number }[] = [];
  while (FIRST_ATTR[types[p]]) {
    const a = attr();
    if (a.name === undefined) fail('dynamic attributes not allowed in inherit', attrStart);
    names.push({ name: a.name, start: attrStart, end: attrEnd });
  }
  expect(Tk.SEMI, X_INHERIT_END);
  addInherits(attrs, names, from, from?.start ?? 0, from?.end ?? 0);
}

/** `a.b."c".${d}`; sets pathStart / pathEnd. */
function attrpath(): AttrName[] {
  const path = [attr()];
  const start = attrStart;
  let end = attrEnd;
  while (types[p] === Tk.DOT) {
    p++;
    path.push(attr());
    end = attrEnd;
  }
  pathStart = start;
  pathEnd = end;
  return path;
}

/** One attribute name: `a`, `or`, `${e}` or `"…"` (static when it has no interpolation). */
function attr(): AttrName {
  const k = p;
  switch (types[k]) {
    case Tk.ID: {
      p = k + 1;
      const start = starts[k];
      const end = ends[k];
      attrStart = start;
      attrEnd = end;
      return { name: text.slice(start, end) };
    }
    case Tk.OR_KW:
      p = k + 1;
      attrStart = starts[k];
      attrEnd = ends[k];
      return { name: 'or' };
    case Tk.DOLLAR_CURLY: {
      p = k + 1;
      const e = expr();
      const close = expect(Tk.RBRACE, X_RBRACE);
      attrStart = starts[k];
      attrEnd = starts[close] + 1;
      return e.kind === 'String' ? { name: e.value } : { expr: e };
    }
    case Tk.DQUOTE: {
      p = k + 1;
      const e = string(k);
      attrStart = starts[k];
      attrEnd = strEnd;
      return e.kind === 'String' ? { name: e.value } : { expr: e };
    }
  }
  unexpected(k, X_ATTR);
}

/** Token buffers beyond this many tokens (sources beyond ~128 KiB) are not kept for reuse. */
const KEEP_TOKENS = 1 << 17;
let buffer = new TokenBuffer();

/** Parses a Source with the fast parser; throws ParseError (with position) on any error. */
export function fastParse(src: Source): Expr {
  const buf = buffer;
  try {
    return parseTokens(src, scan(src, buf));
  } finally {
    if (buf.types.length > KEEP_TOKENS) buffer = new TokenBuffer();
  }
}
