/**
 * The Nix grammar as a chevrotain parser: the single source of truth for the syntax (the
 * railroad diagrams in diagrams.html are generated from it).
 *
 * The rules follow Nix's parser.y. Where parser.y relies on LALR precedence declarations,
 * this LL grammar reads an operator expression as a flat sequence of operands and operators
 * (`exprOp`) and the action resolves it by precedence climbing with Nix's table:
 *
 *     ->  right        ==  !=  non-assoc     //  right     +  -  left     ++  right
 *     ||  left         <  >  <=  >=  n.a.     !  (prefix)   *  /  left     ?   non-assoc
 *     &&  left                                                            -  (prefix, highest)
 *
 * Semantic actions build the AST directly (no CST) and desugar as Nix does; see build.ts.
 * Function heads (`x:`, `{ a, b ? 1 }:`, `args@{ … }:`) are told apart from attribute sets
 * by looking at most three tokens ahead (`isLambda`), which is what bison does implicitly.
 */
import { EmbeddedActionsParser, type IParserErrorMessageProvider, type IToken, type TokenType, EOF } from 'chevrotain';
import type { AttrName, Attrs, BinOpKind, Expr, Formal, Source, Str } from './ast';
import {
  addAttr,
  addInherits,
  homeDir,
  IndPart,
  newAttrs,
  resolvePath,
  stripIndentation,
  validateFormals,
} from './build';
import { allTokens, BinaryOp, PrefixOp, T, Token } from './tokens';

type Item = { prefixes: Token[]; e: Expr } | { op: Token; path?: AttrName[]; pathEnd?: number };

interface FormalSet {
  formals: Formal[];
  ellipsis: boolean;
  start: number;
  end: number;
}

interface StringPart {
  e: Expr;
  start: number;
  /** True for an interpolation `${e}` (never folded into a plain string, as in Nix). */
  interpolated?: boolean;
}

function label(t: IToken | TokenType | undefined): string {
  if (!t) return 'end of file';
  const tt = 'tokenType' in t ? (t as IToken).tokenType : (t as TokenType);
  if (tt === EOF) return 'end of file';
  return tt.LABEL ?? tt.name;
}

function expecting(types: TokenType[]): string {
  const uniq: TokenType[] = [];
  for (const t of types) if (!uniq.includes(t)) uniq.push(t);
  if (uniq.length === 0 || uniq.length > 4) return '';
  return ', expecting ' + uniq.map(label).join(' or ');
}

/** Messages worded like bison's "syntax error, unexpected X, expecting Y or Z". */
const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    let exp = [expected];
    // Places where bison's state also accepts a token that an LL loop just declined.
    if (ruleName === 'binding' && expected === T.ASSIGN) exp = [T.DOT, T.ASSIGN];
    if (ruleName === 'formalSet' && expected === T.RBRACE) exp = [T.RBRACE, T.COMMA];
    // After bindings, bison's default reduction leaves a state that expects 'inherit'.
    if (ruleName === 'attrSet' && expected === T.RBRACE) exp = [T.INHERIT];
    if ((ruleName === 'recAttrSet' || ruleName === 'legacyLet') && expected === T.RBRACE) exp = [T.RBRACE, T.INHERIT];
    if (ruleName === 'exprFunction' && expected === T.IN) exp = [T.IN, T.INHERIT];
    if (ruleName === 'inherit' && expected === T.SEMI) exp = [T.ID, T.OR_KW, T.DOLLAR_CURLY, T.DQUOTE, T.SEMI];
    return `syntax error, unexpected ${label(actual)}${expecting(exp)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `syntax error, unexpected ${label(firstRedundant)}, expecting end of file`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    const firsts: TokenType[] = [];
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.push(path[0]);
    return `syntax error, unexpected ${label(actual[0])}${expecting(firsts)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    return `syntax error, unexpected ${label(actual[0])}${expecting(expectedIterationPaths.map((p) => p[0]))}`;
  },
};

/** Binding power of each binary operator (higher binds tighter) and associativity. */
const NOT_PREC = 7;
const NEG_PREC = 12;
const HAS_PREC = 11;
const binPrec = new Map<TokenType, [prec: number, assoc: 'l' | 'r' | 'n']>([
  [T.IMPL, [1, 'r']],
  [T.OR, [2, 'l']],
  [T.AND, [3, 'l']],
  [T.EQ, [4, 'n']],
  [T.NEQ, [4, 'n']],
  [T.LT, [5, 'n']],
  [T.GT, [5, 'n']],
  [T.LEQ, [5, 'n']],
  [T.GEQ, [5, 'n']],
  [T.UPDATE, [6, 'r']],
  [T.PLUS, [8, 'l']],
  [T.MINUS, [8, 'l']],
  [T.STAR, [9, 'l']],
  [T.SLASH, [9, 'l']],
  [T.CONCAT, [10, 'r']],
  [T.QMARK, [HAS_PREC, 'n']],
]);

const binOpKinds = new Map<TokenType, BinOpKind>([
  [T.EQ, 'Eq'],
  [T.NEQ, 'NEq'],
  [T.AND, 'And'],
  [T.OR, 'Or'],
  [T.IMPL, 'Impl'],
  [T.UPDATE, 'Update'],
  [T.CONCAT, 'ConcatLists'],
]);

export class SyntaxErrorAt extends Error {
  constructor(
    message: string,
    readonly token: IToken,
  ) {
    super(message);
  }
}

export class NixParser extends EmbeddedActionsParser {
  src!: Source;

  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion, …): the tests
   * and the diagram generator do; the command skips them to start faster (~3x less setup).
   */
  constructor(validate = false) {
    super(allTokens, {
      maxLookahead: 3,
      recoveryEnabled: false,
      errorMessageProvider: errorMessages,
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  // ---- helpers (only called from ACTIONs and GATEs) ----

  private isLambda(): boolean {
    const t1 = this.LA(1).tokenType;
    const t2 = this.LA(2).tokenType;
    if (t1 === T.ID) return t2 === T.COLON || t2 === T.AT;
    if (t1 !== T.LBRACE) return false;
    if (t2 === T.ELLIPSIS) return true;
    const t3 = this.LA(3).tokenType;
    if (t2 === T.RBRACE) return t3 === T.COLON || t3 === T.AT;
    if (t2 === T.ID) return t3 === T.COMMA || t3 === T.QMARK || t3 === T.RBRACE;
    return false;
  }

  private node<K extends Expr['kind']>(kind: K, start: number, end: number, rest: object): Extract<Expr, { kind: K }> {
    return { kind, src: this.src, start, end, ...rest } as Extract<Expr, { kind: K }>;
  }

  private v(name: string, at: number): Expr {
    return { kind: 'Var', src: this.src, start: at, end: at, name };
  }

  /** Function application, appending to an existing call as Nix's makeCall does. */
  private call(fn: Expr, arg: Expr, start: number): Expr {
    if (fn.kind === 'Call') {
      fn.args.push(arg);
      fn.end = arg.end;
      return fn;
    }
    return { kind: 'Call', src: this.src, start, end: arg.end, fn, args: [arg] };
  }

  private binary(op: Token, e1: Expr, e2: Expr): Expr {
    const src = this.src;
    const start = e1.start;
    const end = e2.end;
    const at = op.startOffset;
    const tt = op.tokenType;
    const kind = binOpKinds.get(tt);
    if (kind) return { kind: 'BinOp', src, start, end, op: kind, e1, e2, opStart: at };
    const call = (name: string, a: Expr, b: Expr): Expr => ({
      kind: 'Call',
      src,
      start,
      end,
      fn: this.v(name, at),
      args: [a, b],
      opStart: at,
    });
    switch (tt) {
      case T.PLUS:
        return { kind: 'ConcatStrings', src, start, end, forceString: false, parts: [e1, e2], opStart: at };
      case T.MINUS:
        return call('__sub', e1, e2);
      case T.STAR:
        return call('__mul', e1, e2);
      case T.SLASH:
        return call('__div', e1, e2);
      case T.LT:
        return call('__lessThan', e1, e2);
      case T.GT:
        return call('__lessThan', e2, e1);
      case T.LEQ:
        return { kind: 'Not', src, start, end, e: call('__lessThan', e2, e1) };
      case T.GEQ:
        return { kind: 'Not', src, start, end, e: call('__lessThan', e1, e2) };
    }
    throw new Error('unknown operator ' + tt.name);
  }

  /** Resolves `operand (op operand | ? attrpath)*` by precedence climbing. */
  private climb(items: Item[]): Expr {
    let pos = 0;
    const rest = (left: Expr, min: number): Expr => {
      while (pos < items.length) {
        const it = items[pos] as { op: Token; path?: AttrName[]; pathEnd?: number };
        const [prec, assoc] = binPrec.get(it.op.tokenType)!;
        if (prec < min) break;
        pos++;
        if (it.path) {
          left = { kind: 'HasAttr', src: this.src, start: left.start, end: it.pathEnd!, e: left, path: it.path };
        } else {
          const right = rest(unary(), assoc === 'r' ? prec : prec + 1);
          left = this.binary(it.op, left, right);
        }
        if (assoc === 'n' && pos < items.length) {
          const next = (items[pos] as { op: Token }).op;
          if (binPrec.get(next.tokenType)![0] === prec)
            throw new SyntaxErrorAt(`syntax error, unexpected ${label(next)}`, next);
        }
      }
      return left;
    };
    const unary = (): Expr => {
      const operand = items[pos++] as { prefixes: Token[]; e: Expr };
      const apply = (i: number): Expr => {
        if (i === operand.prefixes.length) return operand.e;
        const p = operand.prefixes[i];
        const isNot = p.tokenType === T.NOT;
        const inner = rest(apply(i + 1), (isNot ? NOT_PREC : NEG_PREC) + 1);
        if (isNot) return { kind: 'Not', src: this.src, start: p.startOffset, end: inner.end, e: inner };
        const zero: Expr = { kind: 'Int', src: this.src, start: p.startOffset, end: p.startOffset, value: 0 };
        return {
          kind: 'Call',
          src: this.src,
          start: p.startOffset,
          end: inner.end,
          fn: this.v('__sub', p.startOffset),
          args: [zero, inner],
          opStart: p.startOffset,
        };
      };
      return apply(0);
    };
    const e = rest(unary(), 0);
    return e;
  }

  private strParts(parts: StringPart[], start: number, end: number): Expr {
    if (parts.length === 0) return this.node('String', start, end, { value: '' });
    if (parts.length === 1 && parts[0].e.kind === 'String' && !parts[0].interpolated) return parts[0].e;
    return this.node('ConcatStrings', parts[0].start, end, { forceString: true, parts: parts.map((p) => p.e) });
  }

  // ---- the grammar ----

  public expr = this.RULE('expr', (): Expr => this.SUBRULE(this.exprFunction));

  private exprFunction = this.RULE('exprFunction', (): Expr =>
    this.OR({
      MAX_LOOKAHEAD: 1,
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.isLambda(), ALT: () => this.SUBRULE(this.lambda) },
        {
          ALT: () => {
            const kw = this.CONSUME(T.ASSERT);
            const cond = this.SUBRULE(this.expr);
            this.CONSUME(T.SEMI);
            const body = this.SUBRULE(this.exprFunction);
            return this.ACTION(() => this.node('Assert', kw.startOffset, body.end, { cond, body }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.WITH);
            const attrs = this.SUBRULE1(this.expr);
            this.CONSUME1(T.SEMI);
            const body = this.SUBRULE1(this.exprFunction);
            return this.ACTION(() => this.node('With', kw.startOffset, body.end, { attrs, body }));
          },
        },
        {
          GATE: () => this.LA(2).tokenType !== T.LBRACE,
          ALT: () => {
            const kw = this.CONSUME(T.LET);
            const attrs = this.ACTION(() => newAttrs(this.src, kw.startOffset, kw.startOffset, true));
            this.SUBRULE(this.binds, { ARGS: [attrs] });
            const inTok = this.CONSUME(T.IN);
            const body = this.SUBRULE2(this.exprFunction);
            return this.ACTION(() => {
              attrs.end = inTok.startOffset;
              if (attrs.dynamicAttrs.length)
                throw new SyntaxErrorAt('dynamic attributes not allowed in let', kw);
              return this.node('Let', kw.startOffset, body.end, { attrs, body });
            });
          },
        },
        { ALT: () => this.SUBRULE(this.exprIf) },
      ],
    }),
  );

  private lambda = this.RULE('lambda', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const id = this.CONSUME(T.ID);
          this.CONSUME(T.COLON);
          const body = this.SUBRULE(this.exprFunction);
          return this.ACTION(() => this.node('Lambda', id.startOffset, body.end, { arg: id.image, body }));
        },
      },
      {
        ALT: () => {
          const id = this.CONSUME1(T.ID);
          this.CONSUME(T.AT);
          const fs = this.SUBRULE(this.formalSet);
          this.CONSUME1(T.COLON);
          const body = this.SUBRULE1(this.exprFunction);
          return this.ACTION(() => this.mkLambda(id.startOffset, fs, id.image, body));
        },
      },
      {
        ALT: () => {
          const fs = this.SUBRULE1(this.formalSet);
          const arg = this.OPTION(() => {
            this.CONSUME1(T.AT);
            return this.CONSUME2(T.ID);
          });
          this.CONSUME2(T.COLON);
          const body = this.SUBRULE2(this.exprFunction);
          return this.ACTION(() => this.mkLambda(fs.start, fs, arg?.image, body));
        },
      },
    ]),
  );

  private mkLambda(start: number, fs: FormalSet, arg: string | undefined, body: Expr): Expr {
    validateFormals(this.src, fs.formals, start, arg);
    return this.node('Lambda', start, body.end, {
      arg,
      formals: { formals: fs.formals, ellipsis: fs.ellipsis },
      body,
    });
  }

  private formalSet = this.RULE('formalSet', (): FormalSet => {
    const formals: Formal[] = [];
    let ellipsis = false;
    const open = this.CONSUME(T.LBRACE);
    this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.ELLIPSIS);
            ellipsis = true;
          },
        },
        {
          ALT: () => {
            const f = this.SUBRULE(this.formal);
            this.ACTION(() => formals.push(f));
            this.MANY(() => {
              this.CONSUME(T.COMMA);
              const g = this.SUBRULE1(this.formal);
              this.ACTION(() => formals.push(g));
            });
            this.OPTION1(() => {
              this.CONSUME1(T.COMMA);
              this.OPTION2(() => {
                this.CONSUME1(T.ELLIPSIS);
                ellipsis = true;
              });
            });
          },
        },
      ]),
    );
    const close = this.CONSUME(T.RBRACE);
    return { formals, ellipsis, start: open.startOffset, end: close.startOffset + 1 };
  });

  private formal = this.RULE('formal', (): Formal => {
    const id = this.CONSUME(T.ID) as Token;
    const def = this.OPTION(() => {
      this.CONSUME(T.QMARK);
      return this.SUBRULE(this.expr);
    });
    return this.ACTION(() => ({ name: id.image, def, start: id.startOffset, end: def ? def.end : id.end }));
  });

  private exprIf = this.RULE('exprIf', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(T.IF);
          const cond = this.SUBRULE(this.expr);
          this.CONSUME(T.THEN);
          const then = this.SUBRULE1(this.expr);
          this.CONSUME(T.ELSE);
          const els = this.SUBRULE2(this.expr);
          return this.ACTION(() => this.node('If', kw.startOffset, els.end, { cond, then, else: els }));
        },
      },
      { ALT: () => this.SUBRULE(this.exprOp) },
    ]),
  );

  /** `operand (binop operand | '?' attrpath)*`, resolved by precedence in the action. */
  private exprOp = this.RULE('exprOp', (): Expr => {
    const items: Item[] = [];
    const operand = () => {
      const prefixes: Token[] = [];
      this.MANY(() => {
        const p = this.CONSUME(PrefixOp) as Token;
        this.ACTION(() => prefixes.push(p));
      });
      const e = this.SUBRULE(this.exprApp);
      this.ACTION(() => items.push({ prefixes, e }));
    };
    operand();
    this.MANY1(() =>
      this.OR([
        {
          ALT: () => {
            const op = this.CONSUME(BinaryOp) as Token;
            this.ACTION(() => items.push({ op }));
            const prefixes: Token[] = [];
            this.MANY2(() => {
              const p = this.CONSUME1(PrefixOp) as Token;
              this.ACTION(() => prefixes.push(p));
            });
            const e = this.SUBRULE1(this.exprApp);
            this.ACTION(() => items.push({ prefixes, e }));
          },
        },
        {
          ALT: () => {
            const op = this.CONSUME(T.QMARK) as Token;
            const p = this.SUBRULE(this.attrpath);
            this.ACTION(() => items.push({ op, path: p.path, pathEnd: p.end }));
          },
        },
      ]),
    );
    return this.ACTION(() => (items.length === 1 && (items[0] as { prefixes: Token[] }).prefixes.length === 0 ? (items[0] as { e: Expr }).e : this.climb(items)));
  });

  private exprApp = this.RULE('exprApp', (): Expr => {
    let e = this.SUBRULE(this.exprSelect);
    // `e or` heading an application is the call it reads as (see Call.cursedOr).
    this.ACTION(() => {
      if (e.kind === 'Call') delete e.cursedOr;
    });
    this.MANY(() => {
      const a = this.SUBRULE1(this.exprSelect);
      this.ACTION(() => (e = this.call(e, a, e.start)));
    });
    return e;
  });

  private exprSelect = this.RULE('exprSelect', (): Expr => {
    const first = this.LA(1).startOffset;
    const e = this.SUBRULE(this.exprSimple);
    const r = this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.DOT);
            const p = this.SUBRULE(this.attrpath);
            const def = this.OPTION1(() => {
              this.CONSUME(T.OR_KW);
              return this.SUBRULE(this.exprSelect);
            });
            return this.ACTION(
              (): Expr => this.node('Select', e.start, def ? def.end : p.end, { e, path: p.path, def }),
            );
          },
        },
        {
          ALT: () => {
            // `f or` calls f with the variable `or` (backwards compatibility in Nix).
            const kw = this.CONSUME1(T.OR_KW);
            return this.ACTION(
              (): Expr =>
                this.node('Call', e.start, kw.startOffset + 2, {
                  fn: e,
                  args: [{ kind: 'Var', src: this.src, start: kw.startOffset, end: kw.startOffset + 2, name: 'or' }],
                  cursedOr: first,
                }),
            );
          },
        },
      ]),
    );
    return r ?? e;
  });

  private exprSimple = this.RULE('exprSimple', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.ID) as Token;
          return this.ACTION(
            (): Expr =>
              t.image === '__curPos'
                ? this.node('CurPos', t.startOffset, t.end, {})
                : this.node('Var', t.startOffset, t.end, { name: t.image }),
          );
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.INT) as Token;
          return this.ACTION((): Expr => this.node('Int', t.startOffset, t.end, { value: t.payload }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.FLOAT) as Token;
          return this.ACTION((): Expr => this.node('Float', t.startOffset, t.end, { value: t.payload }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.DQUOTE);
          const parts = this.SUBRULE(this.stringParts);
          const close = this.CONSUME1(T.DQUOTE);
          return this.ACTION(() => this.strParts(parts, open.startOffset, close.startOffset + 1));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.IND_OPEN);
          const parts: IndPart[] = [];
          this.MANY(() =>
            this.OR1([
              {
                ALT: () => {
                  const t = this.CONSUME(T.IND_STR) as Token;
                  this.ACTION(() =>
                    parts.push({ str: t.payload as string, hasIndentation: t.hasIndentation, start: t.startOffset, end: t.end }),
                  );
                },
              },
              {
                ALT: () => {
                  const d = this.CONSUME(T.DOLLAR_CURLY);
                  const e = this.SUBRULE(this.expr);
                  this.CONSUME3(T.RBRACE);
                  this.ACTION(() => parts.push({ expr: e, start: d.startOffset }));
                },
              },
            ]),
          );
          const close = this.CONSUME(T.IND_CLOSE);
          return this.ACTION(() => stripIndentation(this.src, open.startOffset, close.startOffset + 2, parts));
        },
      },
      { ALT: () => this.SUBRULE(this.path) },
      {
        ALT: () => {
          const t = this.CONSUME(T.SPATH) as Token;
          return this.ACTION((): Expr => {
            const at = t.startOffset;
            const s: Str = { kind: 'String', src: this.src, start: at, end: t.end, value: t.payload as string };
            return this.node('Call', at, t.end, { fn: this.v('__findFile', at), args: [this.v('__nixPath', at), s] });
          });
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.URI) as Token;
          return this.ACTION((): Expr => this.node('String', t.startOffset, t.end, { value: t.image, uri: true }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LPAREN);
          const e = this.SUBRULE1(this.expr);
          this.CONSUME(T.RPAREN);
          return e;
        },
      },
      { ALT: () => this.SUBRULE(this.legacyLet) },
      { ALT: () => this.SUBRULE(this.recAttrSet) },
      { ALT: () => this.SUBRULE(this.attrSet) },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBRACK);
          const elems: Expr[] = [];
          this.MANY1(() => {
            const e = this.SUBRULE(this.exprSelect);
            this.ACTION(() => elems.push(e));
          });
          const close = this.CONSUME(T.RBRACK);
          return this.ACTION((): Expr => this.node('List', open.startOffset, close.startOffset + 1, { elems }));
        },
      },
    ]),
  );

  /** Legacy `let { …; body = …; }` is `(rec { … }).body`. */
  private legacyLet = this.RULE('legacyLet', (): Expr => {
    const kw = this.CONSUME(T.LET);
    this.CONSUME(T.LBRACE);
    const attrs = this.ACTION(() => newAttrs(this.src, kw.startOffset, kw.startOffset, true));
    this.SUBRULE(this.binds, { ARGS: [attrs] });
    const close = this.CONSUME(T.RBRACE);
    return this.ACTION((): Expr => {
      attrs.end = close.startOffset + 1;
      return this.node('Select', kw.startOffset, attrs.end, { e: attrs, path: [{ name: 'body' }] });
    });
  });

  private recAttrSet = this.RULE('recAttrSet', (): Expr => {
    const kw = this.CONSUME(T.REC);
    this.CONSUME(T.LBRACE);
    const attrs = this.ACTION(() => newAttrs(this.src, kw.startOffset, kw.startOffset, true));
    this.SUBRULE(this.binds, { ARGS: [attrs] });
    const close = this.CONSUME(T.RBRACE);
    return this.ACTION((): Expr => {
      attrs.end = close.startOffset + 1;
      return attrs;
    });
  });

  private attrSet = this.RULE('attrSet', (): Expr => {
    const open = this.CONSUME(T.LBRACE);
    const attrs = this.ACTION(() => newAttrs(this.src, open.startOffset, open.startOffset));
    this.SUBRULE(this.binds, { ARGS: [attrs] });
    const close = this.CONSUME(T.RBRACE);
    return this.ACTION((): Expr => {
      attrs.end = close.startOffset + 1;
      return attrs;
    });
  });

  /** A path literal, possibly with interpolations: PATH (STR | ${e})* PATH_END. */
  private path = this.RULE('path', (): Expr => {
    const first = this.OR([
      { ALT: () => this.CONSUME(T.PATH) as Token },
      { ALT: () => this.CONSUME(T.HPATH) as Token },
    ]);
    const parts: Expr[] = [];
    let interpolated = false;
    this.MANY(() =>
      this.OR1([
        {
          ALT: () => {
            const t = this.CONSUME(T.STR) as Token;
            this.ACTION(() => parts.push(this.node('String', t.startOffset, t.end, { value: t.payload })));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.DOLLAR_CURLY);
            const e = this.SUBRULE(this.expr);
            this.CONSUME(T.RBRACE);
            this.ACTION(() => {
              parts.push(e);
              interpolated = true;
            });
          },
        },
      ]),
    );
    const endTok = this.CONSUME(T.PATH_END);
    return this.ACTION((): Expr => {
      // Nix's grammar has a path's literal pieces only around an interpolation: `/a//b`
      // (PATH `/a/`, STR `/b`) is a syntax error.
      if (parts.length > 0 && !interpolated) {
        throw new SyntaxErrorAt(`syntax error, unexpected ${label(endTok)}${expecting([T.DOLLAR_CURLY])}`, endTok);
      }
      const lit = first.payload as string;
      const value = first.tokenType === T.HPATH ? homeDir() + lit.slice(1) : resolvePath(lit, this.src.dir);
      const p: Expr = this.node('Path', first.startOffset, first.end, { value, literal: lit });
      if (parts.length === 0) return p;
      return this.node('ConcatStrings', first.startOffset, endTok.startOffset, { forceString: false, parts: [p, ...parts] });
    });
  });

  /** The inside of "…": STR and ${…} pieces. */
  private stringParts = this.RULE('stringParts', (): StringPart[] => {
    const parts: StringPart[] = [];
    this.MANY(() =>
      this.OR([
        {
          ALT: () => {
            const t = this.CONSUME(T.STR) as Token;
            this.ACTION(() =>
              parts.push({ e: this.node('String', t.startOffset, t.end, { value: t.payload }), start: t.startOffset }),
            );
          },
        },
        {
          ALT: () => {
            const d = this.CONSUME(T.DOLLAR_CURLY);
            const e = this.SUBRULE(this.expr);
            this.CONSUME(T.RBRACE);
            this.ACTION(() => parts.push({ e, start: d.startOffset, interpolated: true }));
          },
        },
      ]),
    );
    return parts;
  });

  /** Bindings of an attribute set or let, added into `attrs` as they are parsed. */
  private binds = this.RULE('binds', (attrs: Attrs): void => {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.inherit, { ARGS: [attrs] }) },
        { ALT: () => this.SUBRULE(this.binding, { ARGS: [attrs] }) },
      ]),
    );
  });

  private binding = this.RULE('binding', (attrs: Attrs): void => {
    const p = this.SUBRULE(this.attrpath);
    this.CONSUME(T.ASSIGN);
    const e = this.SUBRULE(this.expr);
    this.CONSUME(T.SEMI);
    this.ACTION(() => addAttr(attrs, p.path, p.start, p.end, e));
  });

  private inherit = this.RULE('inherit', (attrs: Attrs): void => {
    this.CONSUME(T.INHERIT);
    const from = this.OPTION(() => {
      const open = this.CONSUME(T.LPAREN);
      const e = this.SUBRULE(this.expr);
      this.CONSUME(T.RPAREN);
      return { e, open };
    });
    const names: { name: string; start: number; end: number }[] = [];
    this.MANY(() => {
      const a = this.SUBRULE(this.attr);
      this.ACTION(() => {
        if (a.name.name === undefined)
          throw new SyntaxErrorAt('dynamic attributes not allowed in inherit', a.tok);
        names.push({ name: a.name.name, start: a.start, end: a.end });
      });
    });
    this.CONSUME(T.SEMI);
    this.ACTION(() => addInherits(attrs, names, from?.e, from?.e.start ?? 0, from?.e.end ?? 0));
  });

  private attrpath = this.RULE('attrpath', (): { path: AttrName[]; start: number; end: number } => {
    const path: AttrName[] = [];
    const first = this.SUBRULE(this.attr);
    let end = 0;
    this.ACTION(() => {
      path.push(first.name);
      end = first.end;
    });
    this.MANY(() => {
      this.CONSUME(T.DOT);
      const a = this.SUBRULE1(this.attr);
      this.ACTION(() => {
        path.push(a.name);
        end = a.end;
      });
    });
    return { path, start: first?.start, end };
  });

  /** One attribute name: `a`, `or`, `${e}` or `"…"` (static when it has no interpolation). */
  private attr = this.RULE('attr', (): { name: AttrName; start: number; end: number; tok: IToken } =>
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.ID) as Token;
          return { name: { name: t.image }, start: t.startOffset, end: t.end, tok: t };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.OR_KW) as Token;
          return { name: { name: 'or' }, start: t.startOffset, end: t.end, tok: t };
        },
      },
      {
        ALT: () => {
          const d = this.CONSUME(T.DOLLAR_CURLY);
          const e = this.SUBRULE(this.expr);
          const close = this.CONSUME(T.RBRACE);
          return this.ACTION(() => ({
            name: e.kind === 'String' ? { name: e.value } : { expr: e },
            start: d.startOffset,
            end: close.startOffset + 1,
            tok: d,
          }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.DQUOTE);
          const parts = this.SUBRULE(this.stringParts);
          const close = this.CONSUME1(T.DQUOTE);
          return this.ACTION(() => {
            const e = this.strParts(parts, open.startOffset, close.startOffset + 1);
            return {
              name: e.kind === 'String' ? { name: e.value } : { expr: e },
              start: open.startOffset,
              end: close.startOffset + 1,
              tok: open,
            };
          });
        },
      },
    ]),
  );
}
