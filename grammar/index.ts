/**
 * The Nix language's syntax: `parse` turns source text into the AST of ast.ts (desugared as
 * Nix does), `printExpr` prints it as `nix-instantiate --parse` does.
 *
 * Pipeline: lexer.ts (hand-written, context-sensitive, follows Nix's flex rules) scans the
 * text into token arrays; fast-parser.ts (hand-written recursive descent) builds the AST with
 * the actions of build.ts. The chevrotain grammar of parser.ts (over tokens.ts) is the
 * reference: the railroad diagrams are generated from it, and the tests check that both
 * parsers give the same AST, positions and errors. `parseWithReference` uses it, and so does
 * `parse` when the environment variable NIXLING_PARSER is `reference`.
 */
import { EOF, type IRecognitionException } from 'chevrotain';
import { Expr, ParseError, Source } from './ast';
import { fastParse } from './fast-parser';
import { lex } from './lexer';
import { NixParser, SyntaxErrorAt } from './parser';

export { printExpr, printString, printIdentifier, printFloat } from './print';
export { Source, ParseError } from './ast';
export type { Expr } from './ast';

let parser: NixParser | undefined;

/** The shared chevrotain parser instance (its serialized grammar feeds the railroad diagrams). */
export function getParser(): NixParser {
  return (parser ??= new NixParser());
}

/** Parses a Source with the chevrotain reference parser; throws ParseError like `parseSource`. */
export function parseSourceWithReference(src: Source): Expr {
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

/** Set by `useReferenceParser`; otherwise NIXLING_PARSER=reference selects the chevrotain parser. */
let selected: boolean | undefined;

/**
 * Selects the parser of `parse`/`parseSource` (the `--reference` flag of `nixling parse`);
 * undefined goes back to the environment's choice. The environment is read at each call,
 * not at load time, because the startup snapshot loads this module at install time.
 */
export function useReferenceParser(on: boolean | undefined): void {
  selected = on;
}

/** Parses a Source; throws ParseError (with position) on any syntax error. */
export function parseSource(src: Source): Expr {
  const reference = selected ?? process.env.NIXLING_PARSER === 'reference';
  return reference ? parseSourceWithReference(src) : fastParse(src);
}

/**
 * Parses Nix text. `path` names the source in positions (a file path, «stdin», «string»);
 * `dir` is what relative path literals are resolved against. Text is a byte string.
 */
export function parse(text: string, path: string, dir: string, isFile = true): Expr {
  return parseSource(new Source(path, text, dir, isFile));
}

/** `parse` with the chevrotain reference parser. */
export function parseWithReference(text: string, path: string, dir: string, isFile = true): Expr {
  return parseSourceWithReference(new Source(path, text, dir, isFile));
}
