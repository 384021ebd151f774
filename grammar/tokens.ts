/**
 * The terminals of the Nix grammar, as chevrotain token types.
 *
 * Nix's lexing is context sensitive (strings, indented strings and paths contain
 * interpolations, and braces must be matched to know when an interpolation ends), so the
 * tokens are produced by the hand-written lexer in `lexer.ts`, not by a chevrotain Lexer;
 * chevrotain only needs the token *types*. Each label is the name bison gives the token in
 * Nix's parser.y, so syntax errors read like Nix's ("unexpected 'then'", "expecting ';'").
 *
 * The types are plain objects, not chevrotain's `createToken`: chevrotain completes them
 * (index, category tables) when the reference parser is constructed (reference.ts), so the
 * fast path never loads chevrotain, and neither does the startup snapshot.
 */
import type { IToken, TokenType } from 'chevrotain';

function tok(name: string, label: string, categories: TokenType[] = []): TokenType {
  return { name, LABEL: label, PATTERN: /NOT_USED/, CATEGORIES: categories };
}

/** Categories: any binary operator, any prefix operator (`-` is both). */
export const BinaryOp = tok('BinaryOp', 'binary operator');
export const PrefixOp = tok('PrefixOp', 'prefix operator');
const B = [BinaryOp];

export const T = {
  ID: tok('ID', 'identifier'),
  STR: tok('STR', 'string'),
  IND_STR: tok('IND_STR', 'indented string'),
  INT: tok('INT', 'integer'),
  FLOAT: tok('FLOAT', 'floating-point literal'),
  PATH: tok('PATH', 'path'),
  // Labels are byte strings like all text (the ellipsis is UTF-8 read as latin1).
  HPATH: tok('HPATH', "'~/\xe2\x80\xa6' path"),
  SPATH: tok('SPATH', "'<\xe2\x80\xa6>' path"),
  PATH_END: tok('PATH_END', 'end of path'),
  URI: tok('URI', 'URI'),
  IF: tok('IF', "'if'"),
  THEN: tok('THEN', "'then'"),
  ELSE: tok('ELSE', "'else'"),
  ASSERT: tok('ASSERT', "'assert'"),
  WITH: tok('WITH', "'with'"),
  LET: tok('LET', "'let'"),
  IN: tok('IN', "'in'"),
  REC: tok('REC', "'rec'"),
  INHERIT: tok('INHERIT', "'inherit'"),
  OR_KW: tok('OR_KW', "'or'"),
  ELLIPSIS: tok('ELLIPSIS', "'...'"),
  EQ: tok('EQ', "'=='", B),
  NEQ: tok('NEQ', "'!='", B),
  LEQ: tok('LEQ', "'<='", B),
  GEQ: tok('GEQ', "'>='", B),
  AND: tok('AND', "'&&'", B),
  OR: tok('OR', "'||'", B),
  IMPL: tok('IMPL', "'->'", B),
  UPDATE: tok('UPDATE', "'//'", B),
  CONCAT: tok('CONCAT', "'++'", B),
  DOLLAR_CURLY: tok('DOLLAR_CURLY', "'${'"),
  IND_OPEN: tok('IND_OPEN', 'start of an indented string'),
  IND_CLOSE: tok('IND_CLOSE', 'end of an indented string'),
  COLON: tok('COLON', "':'"),
  AT: tok('AT', "'@'"),
  SEMI: tok('SEMI', "';'"),
  DOT: tok('DOT', "'.'"),
  LPAREN: tok('LPAREN', "'('"),
  RPAREN: tok('RPAREN', "')'"),
  LBRACK: tok('LBRACK', "'['"),
  RBRACK: tok('RBRACK', "']'"),
  LBRACE: tok('LBRACE', "'{'"),
  RBRACE: tok('RBRACE', "'}'"),
  ASSIGN: tok('ASSIGN', "'='"),
  COMMA: tok('COMMA', "','"),
  QMARK: tok('QMARK', "'?'"),
  NOT: tok('NOT', "'!'", [PrefixOp]),
  MINUS: tok('MINUS', "'-'", [BinaryOp, PrefixOp]),
  PLUS: tok('PLUS', "'+'", B),
  STAR: tok('STAR', "'*'", B),
  SLASH: tok('SLASH', "'/'", B),
  LT: tok('LT', "'<'", B),
  GT: tok('GT', "'>'", B),
  DQUOTE: tok('DQUOTE', `'"'`),
  /** Any character the grammar does not use (bison's "invalid token"). */
  INVALID: tok('INVALID', 'invalid token'),
};

export const allTokens: TokenType[] = [BinaryOp, PrefixOp, ...Object.values(T)];

/** Keywords, looked up after an identifier is matched (same length: the keyword wins). */
export const keywords = new Map<string, TokenType>([
  ['if', T.IF],
  ['then', T.THEN],
  ['else', T.ELSE],
  ['assert', T.ASSERT],
  ['with', T.WITH],
  ['let', T.LET],
  ['in', T.IN],
  ['rec', T.REC],
  ['inherit', T.INHERIT],
  ['or', T.OR_KW],
]);

/**
 * A token as the parser sees it. The fields chevrotain reads come first; `payload` holds
 * the decoded value (unescaped string, number, …) and `end` the exclusive end offset.
 */
export class Token implements IToken {
  readonly tokenTypeIdx: number;
  readonly endOffset: number;
  constructor(
    readonly tokenType: TokenType,
    readonly image: string,
    readonly startOffset: number,
    /** Exclusive end offset. */
    readonly end: number,
    readonly payload: unknown = undefined,
    /** For IND_STR: whether the text takes part in indentation stripping. */
    readonly hasIndentation: boolean = false,
  ) {
    // Set once the reference parser exists (reference.ts makes it before lexing).
    this.tokenTypeIdx = tokenType.tokenTypeIdx!;
    this.endOffset = end - 1;
  }
}
