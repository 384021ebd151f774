/**
 * The chevrotain reference parser (parser.ts) behind `parseSourceWithReference`. It lives
 * apart from index.ts so that only a reference parse loads chevrotain: the command's fast
 * path (and its startup snapshot) never does.
 */
import { EOF, Lexer, type IRecognitionException } from 'chevrotain';
import { Expr, ParseError, Source } from './ast';
import { registerReferenceParser } from './index';
import { lex } from './lexer';
import { NixParser, SyntaxErrorAt } from './parser';
import { allTokens } from './tokens';

// chevrotain completes token types (indexes, category tables) when a Lexer or a parser is
// made from them, but a parser picks its token matcher (with categories or without) before
// completing them: a Lexer, never used, completes tokens.ts's plain types first.
new Lexer(allTokens, { positionTracking: 'onlyOffset', skipValidations: true, ensureOptimizations: false });

let parser: NixParser | undefined;

/** The shared chevrotain parser instance (its serialized grammar feeds the railroad diagrams). */
export function getParser(): NixParser {
  return (parser ??= new NixParser());
}

/** Parses a Source with the chevrotain reference parser; throws ParseError like `parseSource`. */
export function parseSourceWithReference(src: Source): Expr {
  // The parser first: constructing it completes the token types the lexer's tokens copy.
  const p = getParser();
  const { tokens, eofOffset } = lex(src);
  p.src = src;
  p.input = tokens;
  let result: Expr;
  try {
    result = p.expr();
  } catch (e) {
    if (e instanceof SyntaxErrorAt) throw new ParseError(e.message, src, e.token.startOffset);
    throw e;
  } finally {
    // Drop references to the tokens so they can be collected.
    const errors = p.errors;
    p.input = [];
    p.errors = errors;
  }
  if (p.errors.length > 0) {
    const err: IRecognitionException = p.errors[0];
    const t = err.token;
    const at = !t || t.tokenType === EOF || Number.isNaN(t.startOffset) ? eofOffset : t.startOffset;
    throw new ParseError(err.message, src, at);
  }
  return result;
}

registerReferenceParser(parseSourceWithReference);
