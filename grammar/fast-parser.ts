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
import { ParseError, type AttrName, type Attrs, type BinOpKind, type Expr, type Formal, type Source } from './ast';
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

class FastParser {
  src!: Source;
  text = '';
  types: Uint8Array = new Uint8Array(0);
  starts: Int32Array = new Int32Array(0);
  ends: Int32Array = new Int32Array(0);
  vals: (string | number | bigint | undefined)[] = [];
  eofOffset = 0;
  /** Index of the current token. */
  p = 0;
  /** In the current operator sequence: index of the first misused non-associative operator, or -1. */
  viol = -1;
  /** Span of the attribute name / attribute path just parsed by `attr` / `attrpath`. */
  attrStart = 0;
  attrEnd = 0;
  pathStart = 0;
  pathEnd = 0;
  /** End of the string just parsed by `string`. */
  strEnd = 0;

  parse(src: Source, buf: TokenBuffer): Expr {
    this.src = src;
    this.text = src.text;
    this.types = buf.types;
    this.starts = buf.starts;
    this.ends = buf.ends;
    this.vals = buf.vals;
    this.eofOffset = buf.eofOffset;
    this.p = 0;
    this.viol = -1;
    try {
      const e = this.expr();
      if (this.types[this.p] !== Tk.EOF) this.unexpected(this.p, X_EOF);
      return e;
    } finally {
      this.src = undefined as unknown as Source;
      this.text = '';
    }
  }

  // ---- errors ----

  private fail(message: string, at: number): never {
    throw new ParseError(message, this.src, at);
  }

  /** "syntax error, unexpected <token k><expected>", at token k. */
  private unexpected(k: number, expected: string): never {
    const t = this.types[k];
    this.fail(`syntax error, unexpected ${tokenLabels[t]}${expected}`, t === Tk.EOF ? this.eofOffset : this.starts[k]);
  }

  /** Consumes a token of kind t and returns its index. */
  private expect(t: Tk, expected: string): number {
    const k = this.p;
    if (this.types[k] !== t) this.unexpected(k, expected);
    this.p = k + 1;
    return k;
  }

  /** The text of token k. */
  private slice(k: number): string {
    return this.text.slice(this.starts[k], this.ends[k]);
  }

  private v(name: string, at: number): Expr {
    return { kind: 'Var', src: this.src, start: at, end: at, name };
  }

  // ---- expressions ----

  /** expr: a function, assert, with, let … in, if, or an operator expression. */
  private expr(): Expr {
    const types = this.types;
    const p = this.p;
    switch (types[p]) {
      case Tk.ID: {
        const t2 = types[p + 1];
        if (t2 === Tk.COLON) return this.simpleLambda();
        if (t2 === Tk.AT) return this.namedFormalsLambda();
        return this.exprOp();
      }
      case Tk.LBRACE:
        return this.isFormals() ? this.formalsLambda() : this.exprOp();
      case Tk.ASSERT: {
        this.p = p + 1;
        const cond = this.expr();
        this.expect(Tk.SEMI, X_SEMI);
        const body = this.expr();
        return { kind: 'Assert', src: this.src, start: this.starts[p], end: body.end, cond, body };
      }
      case Tk.WITH: {
        this.p = p + 1;
        const attrs = this.expr();
        this.expect(Tk.SEMI, X_SEMI);
        const body = this.expr();
        return { kind: 'With', src: this.src, start: this.starts[p], end: body.end, attrs, body };
      }
      case Tk.LET:
        return types[p + 1] === Tk.LBRACE ? this.exprOp() : this.letIn();
      case Tk.IF: {
        this.p = p + 1;
        const cond = this.expr();
        this.expect(Tk.THEN, X_THEN);
        const then = this.expr();
        this.expect(Tk.ELSE, X_ELSE);
        const els = this.expr();
        return { kind: 'If', src: this.src, start: this.starts[p], end: els.end, cond, then, else: els };
      }
    }
    if (FIRST_OP[types[p]]) return this.exprOp();
    this.unexpected(p, '');
  }

  /** After `{`: does a function's formals pattern start here (parser.ts's isLambda)? */
  private isFormals(): boolean {
    const types = this.types;
    const p = this.p;
    const t2 = types[p + 1];
    if (t2 === Tk.ELLIPSIS) return true;
    const t3 = types[p + 2];
    if (t2 === Tk.RBRACE) return t3 === Tk.COLON || t3 === Tk.AT;
    if (t2 === Tk.ID) return t3 === Tk.COMMA || t3 === Tk.QMARK || t3 === Tk.RBRACE;
    return false;
  }

  /** `x: body` */
  private simpleLambda(): Expr {
    const id = this.p;
    this.p = id + 2;
    const arg = this.slice(id);
    const body = this.expr();
    return { kind: 'Lambda', src: this.src, start: this.starts[id], end: body.end, arg, body };
  }

  /** `x @ { formals }: body` */
  private namedFormalsLambda(): Expr {
    const id = this.p;
    this.p = id + 2;
    const arg = this.slice(id);
    const fs = this.formalSet();
    this.expect(Tk.COLON, X_COLON);
    const body = this.expr();
    return this.lambda(this.starts[id], fs, arg, body);
  }

  /** `{ formals } [@ x]: body` */
  private formalsLambda(): Expr {
    const fs = this.formalSet();
    let arg: string | undefined;
    if (this.types[this.p] === Tk.AT) {
      this.p++;
      arg = this.slice(this.expect(Tk.ID, X_ID));
    }
    this.expect(Tk.COLON, X_COLON);
    const body = this.expr();
    return this.lambda(fs.start, fs, arg, body);
  }

  private lambda(start: number, fs: FormalSet, arg: string | undefined, body: Expr): Expr {
    validateFormals(this.src, fs.formals, start, arg);
    return {
      kind: 'Lambda',
      src: this.src,
      start,
      end: body.end,
      arg,
      formals: { formals: fs.formals, ellipsis: fs.ellipsis },
      body,
    };
  }

  /** `{ a, b ? e, ... }` */
  private formalSet(): FormalSet {
    const types = this.types;
    const open = this.expect(Tk.LBRACE, X_LBRACE);
    const formals: Formal[] = [];
    let ellipsis = false;
    const t = types[this.p];
    if (t === Tk.ELLIPSIS) {
      this.p++;
      ellipsis = true;
    } else if (t === Tk.ID) {
      formals.push(this.formal());
      while (types[this.p] === Tk.COMMA && types[this.p + 1] === Tk.ID) {
        this.p++;
        formals.push(this.formal());
      }
      if (types[this.p] === Tk.COMMA) {
        this.p++;
        if (types[this.p] === Tk.ELLIPSIS) {
          this.p++;
          ellipsis = true;
        }
      }
    }
    const close = this.expect(Tk.RBRACE, X_FORMALS_END);
    return { formals, ellipsis, start: this.starts[open], end: this.starts[close] + 1 };
  }

  private formal(): Formal {
    const id = this.p;
    this.p = id + 1;
    const name = this.slice(id);
    let def: Expr | undefined;
    if (this.types[this.p] === Tk.QMARK) {
      this.p++;
      def = this.expr();
    }
    return { name, def, start: this.starts[id], end: def ? def.end : this.ends[id] };
  }

  /** `let binds in body` */
  private letIn(): Expr {
    const kw = this.p;
    const start = this.starts[kw];
    this.p = kw + 1;
    const attrs = newAttrs(this.src, start, start, true);
    this.binds(attrs);
    const inTok = this.expect(Tk.IN, X_LET_IN);
    const body = this.expr();
    attrs.end = this.starts[inTok];
    if (attrs.dynamicAttrs.length) this.fail('dynamic attributes not allowed in let', start);
    return { kind: 'Let', src: this.src, start, end: body.end, attrs, body };
  }

  /** Operands and binary operators (and `? attrpath`), resolved by precedence climbing. */
  private exprOp(): Expr {
    const types = this.types;
    const t = types[this.p];
    const outer = this.viol;
    let e: Expr;
    if (t === Tk.NOT || t === Tk.MINUS) {
      this.viol = -1;
      e = this.prefixed(t);
    } else {
      // The common case, a lone operand, needs no climbing. (Operators inside the operand
      // belong to nested operator expressions, which keep their own `viol`.)
      e = this.exprApp();
      if (PREC[types[this.p]] === 0) return e;
      this.viol = -1;
    }
    e = this.climb(e, 0);
    if (this.viol >= 0) this.unexpected(this.viol, '');
    this.viol = outer;
    return e;
  }

  /** Extends `left` with the operators binding at least as tightly as `min`. */
  private climb(left: Expr, min: number): Expr {
    const types = this.types;
    for (;;) {
      const k = this.p;
      const t = types[k];
      const prec = PREC[t];
      if (prec === 0 || prec < min) return left;
      this.p = k + 1;
      if (t === Tk.QMARK) {
        const path = this.attrpath();
        left = { kind: 'HasAttr', src: this.src, start: left.start, end: this.pathEnd, e: left, path };
      } else {
        const u = types[this.p];
        const operand = u === Tk.NOT || u === Tk.MINUS ? this.prefixed(u) : this.exprApp();
        const right = this.climb(operand, ASSOC[t] === RIGHT ? prec : prec + 1);
        left = this.binary(t, this.starts[k], left, right);
      }
      // `a == b == c`: remembered, reported when the whole sequence has been read.
      if (ASSOC[t] === NONASSOC && this.viol < 0 && PREC[types[this.p]] === prec) this.viol = this.p;
    }
  }

  /** An operand with prefix operators: `!x` and `-x` (`__sub 0 x`); t is the first. */
  private prefixed(t: Tk): Expr {
    const op = this.p++;
    const at = this.starts[op];
    const u = this.types[this.p];
    const operand = u === Tk.NOT || u === Tk.MINUS ? this.prefixed(u) : this.exprApp();
    if (t === Tk.NOT) {
      const e = this.climb(operand, NOT_PREC + 1);
      return { kind: 'Not', src: this.src, start: at, end: e.end, e };
    }
    const e = this.climb(operand, NEG_PREC + 1);
    const zero: Expr = { kind: 'Int', src: this.src, start: at, end: at, value: 0 };
    return { kind: 'Call', src: this.src, start: at, end: e.end, fn: this.v('__sub', at), args: [zero, e], opStart: at };
  }

  private binary(t: Tk, at: number, e1: Expr, e2: Expr): Expr {
    const src = this.src;
    const start = e1.start;
    const end = e2.end;
    const op = binOpKinds[t];
    if (op !== undefined) return { kind: 'BinOp', src, start, end, op, e1, e2, opStart: at };
    switch (t) {
      case Tk.PLUS:
        return { kind: 'ConcatStrings', src, start, end, forceString: false, parts: [e1, e2], opStart: at };
      case Tk.MINUS:
        return this.opCall('__sub', at, start, end, e1, e2);
      case Tk.STAR:
        return this.opCall('__mul', at, start, end, e1, e2);
      case Tk.SLASH:
        return this.opCall('__div', at, start, end, e1, e2);
      case Tk.LT:
        return this.opCall('__lessThan', at, start, end, e1, e2);
      case Tk.GT:
        return this.opCall('__lessThan', at, start, end, e2, e1);
      case Tk.LEQ:
        return { kind: 'Not', src, start, end, e: this.opCall('__lessThan', at, start, end, e2, e1) };
      case Tk.GEQ:
        return { kind: 'Not', src, start, end, e: this.opCall('__lessThan', at, start, end, e1, e2) };
    }
    throw new Error('unknown operator ' + tokenLabels[t]);
  }

  private opCall(name: string, at: number, start: number, end: number, a: Expr, b: Expr): Expr {
    return { kind: 'Call', src: this.src, start, end, fn: this.v(name, at), args: [a, b], opStart: at };
  }

  /** Application: `f a b` is one Call; arguments are added to a call in function position. */
  private exprApp(): Expr {
    const types = this.types;
    let e = this.exprSimple();
    let t = types[this.p];
    if (t === Tk.DOT || t === Tk.OR_KW) {
      e = this.selectRest(e, t);
      t = types[this.p];
    }
    while (FIRST_SIMPLE[t]) {
      let arg = this.exprSimple();
      t = types[this.p];
      if (t === Tk.DOT || t === Tk.OR_KW) {
        arg = this.selectRest(arg, t);
        t = types[this.p];
      }
      if (e.kind === 'Call') {
        e.args.push(arg);
        e.end = arg.end;
      } else e = { kind: 'Call', src: this.src, start: e.start, end: arg.end, fn: e, args: [arg] };
    }
    return e;
  }

  /** A simple expression with its selection: `e.a.b`, `e.a.b or d`, `e or`. */
  private exprSelect(): Expr {
    const e = this.exprSimple();
    const t = this.types[this.p];
    return t === Tk.DOT || t === Tk.OR_KW ? this.selectRest(e, t) : e;
  }

  /** After `e`, at `.` or `or` (t): `e.a.b`, `e.a.b or d`, or `e or` (a call of e with the variable `or`). */
  private selectRest(e: Expr, t: Tk): Expr {
    if (t === Tk.DOT) {
      this.p++;
      const path = this.attrpath();
      const pathEnd = this.pathEnd;
      let def: Expr | undefined;
      if (this.types[this.p] === Tk.OR_KW) {
        this.p++;
        def = this.exprSelect();
      }
      return { kind: 'Select', src: this.src, start: e.start, end: def ? def.end : pathEnd, e, path, def };
    }
    const at = this.starts[this.p++];
    const or: Expr = { kind: 'Var', src: this.src, start: at, end: at + 2, name: 'or' };
    return { kind: 'Call', src: this.src, start: e.start, end: at + 2, fn: e, args: [or] };
  }

  private exprSimple(): Expr {
    const k = this.p;
    const src = this.src;
    switch (this.types[k]) {
      case Tk.ID: {
        this.p = k + 1;
        const start = this.starts[k];
        const end = this.ends[k];
        const name = this.text.slice(start, end);
        if (name === '__curPos') return { kind: 'CurPos', src, start, end };
        return { kind: 'Var', src, start, end, name };
      }
      case Tk.INT:
        this.p = k + 1;
        return { kind: 'Int', src, start: this.starts[k], end: this.ends[k], value: this.vals[k] as number | bigint };
      case Tk.FLOAT:
        this.p = k + 1;
        return { kind: 'Float', src, start: this.starts[k], end: this.ends[k], value: this.vals[k] as number };
      case Tk.DQUOTE:
        this.p = k + 1;
        return this.string(k);
      case Tk.IND_OPEN:
        return this.indString();
      case Tk.PATH:
      case Tk.HPATH:
        return this.path();
      case Tk.SPATH: {
        this.p = k + 1;
        const at = this.starts[k];
        const end = this.ends[k];
        const s: Expr = { kind: 'String', src, start: at, end, value: this.text.slice(at + 1, end - 1) };
        return { kind: 'Call', src, start: at, end, fn: this.v('__findFile', at), args: [this.v('__nixPath', at), s] };
      }
      case Tk.URI:
        this.p = k + 1;
        return { kind: 'String', src, start: this.starts[k], end: this.ends[k], value: this.slice(k), uri: true };
      case Tk.LPAREN: {
        this.p = k + 1;
        const e = this.expr();
        this.expect(Tk.RPAREN, X_RPAREN);
        return e;
      }
      case Tk.LET: {
        // Legacy `let { …; body = …; }` is `(rec { … }).body`.
        this.p = k + 1;
        this.expect(Tk.LBRACE, X_LBRACE);
        const start = this.starts[k];
        const attrs = newAttrs(src, start, start, true);
        this.binds(attrs);
        attrs.end = this.starts[this.expect(Tk.RBRACE, X_REC_END)] + 1;
        return { kind: 'Select', src, start, end: attrs.end, e: attrs, path: [{ name: 'body' }] };
      }
      case Tk.REC: {
        this.p = k + 1;
        this.expect(Tk.LBRACE, X_LBRACE);
        const start = this.starts[k];
        const attrs = newAttrs(src, start, start, true);
        this.binds(attrs);
        attrs.end = this.starts[this.expect(Tk.RBRACE, X_REC_END)] + 1;
        return attrs;
      }
      case Tk.LBRACE: {
        this.p = k + 1;
        const start = this.starts[k];
        const attrs = newAttrs(src, start, start);
        this.binds(attrs);
        attrs.end = this.starts[this.expect(Tk.RBRACE, X_ATTRS_END)] + 1;
        return attrs;
      }
      case Tk.LBRACK: {
        this.p = k + 1;
        const elems: Expr[] = [];
        while (FIRST_SIMPLE[this.types[this.p]]) elems.push(this.exprSelect());
        const close = this.expect(Tk.RBRACK, X_RBRACK);
        return { kind: 'List', src, start: this.starts[k], end: this.starts[close] + 1, elems };
      }
    }
    this.unexpected(k, '');
  }

  /**
   * The rest of "…" after the opening quote (token `open`): a String, or ConcatStrings when
   * there is more than one piece or an interpolation. Sets `strEnd`.
   */
  private string(open: number): Expr {
    const types = this.types;
    const src = this.src;
    let first: Expr | undefined;
    let firstStart = 0;
    let firstInterpolated = false;
    let parts: Expr[] | undefined;
    for (;;) {
      const k = this.p;
      const t = types[k];
      const e = this.stringPiece();
      if (e === undefined) break;
      if (first === undefined) {
        first = e;
        firstStart = this.starts[k];
        firstInterpolated = t === Tk.DOLLAR_CURLY;
      } else if (parts === undefined) parts = [first, e];
      else parts.push(e);
    }
    const end = this.starts[this.expect(Tk.DQUOTE, X_DQUOTE)] + 1;
    this.strEnd = end;
    if (first === undefined) return { kind: 'String', src, start: this.starts[open], end, value: '' };
    if (parts === undefined && first.kind === 'String' && !firstInterpolated) return first;
    return { kind: 'ConcatStrings', src, start: firstStart, end, forceString: true, parts: parts ?? [first] };
  }

  /** One piece of a string or path: a literal run (STR) or `${e}`; undefined at anything else. */
  private stringPiece(): Expr | undefined {
    const k = this.p;
    const t = this.types[k];
    if (t === Tk.STR) {
      this.p = k + 1;
      return { kind: 'String', src: this.src, start: this.starts[k], end: this.ends[k], value: this.vals[k] as string };
    }
    if (t !== Tk.DOLLAR_CURLY) return undefined;
    this.p = k + 1;
    const e = this.expr();
    this.expect(Tk.RBRACE, X_RBRACE);
    return e;
  }

  /** ''…'': pieces and interpolations, then indentation stripping. */
  private indString(): Expr {
    const types = this.types;
    const open = this.p++;
    const parts: IndPart[] = [];
    for (;;) {
      const k = this.p;
      const t = types[k];
      if (t === Tk.IND_STR || t === Tk.IND_STR_LIT) {
        this.p = k + 1;
        parts.push({ str: this.vals[k] as string, hasIndentation: t === Tk.IND_STR, start: this.starts[k], end: this.ends[k] });
      } else if (t === Tk.DOLLAR_CURLY) {
        this.p = k + 1;
        const e = this.expr();
        this.expect(Tk.RBRACE, X_RBRACE);
        parts.push({ expr: e, start: this.starts[k] });
      } else break;
    }
    const close = this.expect(Tk.IND_CLOSE, X_IND_CLOSE);
    return stripIndentation(this.src, this.starts[open], this.starts[close] + 2, parts);
  }

  /** A path literal, possibly with interpolations: PATH (STR | ${e})* PATH_END. */
  private path(): Expr {
    const types = this.types;
    const src = this.src;
    const first = this.p++;
    let parts: Expr[] | undefined;
    for (let e = this.stringPiece(); e !== undefined; e = this.stringPiece()) (parts ??= []).push(e);
    const endTok = this.expect(Tk.PATH_END, X_PATH_END);
    const literal = this.slice(first);
    const value = types[first] === Tk.HPATH ? homeDir() + literal.slice(1) : resolvePath(literal, src.dir);
    const start = this.starts[first];
    const p: Expr = { kind: 'Path', src, start, end: this.ends[first], value, literal };
    if (parts === undefined) return p;
    parts.unshift(p);
    return { kind: 'ConcatStrings', src, start, end: this.starts[endTok], forceString: false, parts };
  }

  // ---- bindings ----

  /** Bindings of an attribute set or let, added into `attrs` as they are parsed. */
  private binds(attrs: Attrs): void {
    const types = this.types;
    for (;;) {
      const t = types[this.p];
      if (t === Tk.ID && types[this.p + 1] === Tk.ASSIGN) {
        // The common `name = e;`
        const k = this.p;
        this.p = k + 2;
        const start = this.starts[k];
        const end = this.ends[k];
        const name = this.text.slice(start, end);
        const e = this.expr();
        this.expect(Tk.SEMI, X_SEMI);
        addAttr1(attrs, name, start, end, e);
      } else if (t === Tk.INHERIT) this.inherit(attrs);
      else if (FIRST_ATTR[t]) {
        const path = this.attrpath();
        const start = this.pathStart;
        const end = this.pathEnd;
        this.expect(Tk.ASSIGN, X_ASSIGN);
        const e = this.expr();
        this.expect(Tk.SEMI, X_SEMI);
        addAttr(attrs, path, start, end, e);
      } else return;
    }
  }

  /** `inherit a b;` / `inherit (e) a b;` */
  private inherit(attrs: Attrs): void {
    const types = this.types;
    this.p++;
    let from: Expr | undefined;
    if (types[this.p] === Tk.LPAREN) {
      this.p++;
      from = this.expr();
      this.expect(Tk.RPAREN, X_RPAREN);
    }
    const names: { name: string; start: number; end: number }[] = [];
    while (FIRST_ATTR[types[this.p]]) {
      const a = this.attr();
      if (a.name === undefined) this.fail('dynamic attributes not allowed in inherit', this.attrStart);
      names.push({ name: a.name, start: this.attrStart, end: this.attrEnd });
    }
    this.expect(Tk.SEMI, X_INHERIT_END);
    addInherits(attrs, names, from, from?.start ?? 0, from?.end ?? 0);
  }

  /** `a.b."c".${d}`; sets pathStart / pathEnd. */
  private attrpath(): AttrName[] {
    const path = [this.attr()];
    const start = this.attrStart;
    let end = this.attrEnd;
    while (this.types[this.p] === Tk.DOT) {
      this.p++;
      path.push(this.attr());
      end = this.attrEnd;
    }
    this.pathStart = start;
    this.pathEnd = end;
    return path;
  }

  /** One attribute name: `a`, `or`, `${e}` or `"…"` (static when it has no interpolation). */
  private attr(): AttrName {
    const k = this.p;
    switch (this.types[k]) {
      case Tk.ID: {
        this.p = k + 1;
        const start = this.starts[k];
        const end = this.ends[k];
        this.attrStart = start;
        this.attrEnd = end;
        return { name: this.text.slice(start, end) };
      }
      case Tk.OR_KW:
        this.p = k + 1;
        this.attrStart = this.starts[k];
        this.attrEnd = this.ends[k];
        return { name: 'or' };
      case Tk.DOLLAR_CURLY: {
        this.p = k + 1;
        const e = this.expr();
        const close = this.expect(Tk.RBRACE, X_RBRACE);
        this.attrStart = this.starts[k];
        this.attrEnd = this.starts[close] + 1;
        return e.kind === 'String' ? { name: e.value } : { expr: e };
      }
      case Tk.DQUOTE: {
        this.p = k + 1;
        const e = this.string(k);
        this.attrStart = this.starts[k];
        this.attrEnd = this.strEnd;
        return e.kind === 'String' ? { name: e.value } : { expr: e };
      }
    }
    this.unexpected(k, X_ATTR);
  }
}

const parser = new FastParser();
/** Token buffers beyond this many tokens (sources beyond ~128 KiB) are not kept for reuse. */
const KEEP_TOKENS = 1 << 17;
let buffer = new TokenBuffer();

/** Parses a Source with the fast parser; throws ParseError (with position) on any error. */
export function fastParse(src: Source): Expr {
  const buf = buffer;
  try {
    return parser.parse(src, scan(src, buf));
  } finally {
    if (buf.types.length > KEEP_TOKENS) buffer = new TokenBuffer();
  }
}
