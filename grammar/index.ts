/**
 * The Nix language's syntax: `parse` turns source text into the AST of ast.ts (desugared as
 * Nix does), `printExpr` prints it as `nix-instantiate --parse` does.
 *
 * Pipeline: lexer.ts (hand-written, context-sensitive, follows Nix's flex rules) → tokens.ts
 * (chevrotain token types) → parser.ts (chevrotain EmbeddedActionsParser, the grammar) with
 * the actions of build.ts. The parser instance is created once and reused.
 */
import { EOF, type IRecognitionException } from 'chevrotain';
import { Expr, ParseError, Source } from './ast';
import { lex } from './lexer';
import { NixParser, SyntaxErrorAt } from './parser';

export { printExpr, printString, printIdentifier, printFloat } from './print';
export { Source, ParseError } from './ast';
export type { Expr } from './ast';

let parser: NixParser | undefined;

/** The shared parser instance (its serialized grammar feeds the railroad diagrams). */
export function getParser(): NixParser {
  return (parser ??= new NixParser());
}

/** Parses a Source; throws ParseError (with position) on any syntax error. */
export function parseSource(src: Source): Expr {
  const { tokens, eofOffset } = lex(src);
  const p = getParser();
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

/**
 * Parses Nix text. `path` names the source in positions (a file path, «stdin», «string»);
 * `dir` is what relative path literals are resolved against. Text is a byte string.
 */
export function parse(text: string, path: string, dir: string, isFile = true): Expr {
  return parseSource(new Source(path, text, dir, isFile));
}
