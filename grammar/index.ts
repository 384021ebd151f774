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
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Expr, ParseError, Source } from './ast';
import { fastParse } from './fast-parser';
import { distDir } from '../src/dist-dir';

export { printExpr, printString, printIdentifier, printFloat } from './print';
export { Source, ParseError } from './ast';
export type { Expr } from './ast';

let reference: ((src: Source) => Expr) | undefined;

/** The reference parser's bundle is missing: a checkout whose build (build.mjs) did not run. */
export class MissingReferenceParser extends Error {}

/** Called by reference.ts when it loads. */
export function registerReferenceParser(parse: (src: Source) => Expr): void {
  reference = parse;
}

/**
 * Parses a Source with the chevrotain reference parser (reference.ts); throws ParseError like
 * `parseSource`. The tests import reference.ts, which registers itself. The command's
 * bundle leaves it out (chevrotain is a third of the code, and every start deserialises the
 * startup snapshot that holds it): build.mjs bundles it apart, as dist/reference-parser.js,
 * loaded here on first use.
 */
export function parseSourceWithReference(src: Source): Expr {
  if (!reference) {
    // A path esbuild cannot follow, so the bundle does not take the module in; createRequire,
    // because a startup snapshot's own `require` only loads node's built-in modules (and
    // node:module is required here, not imported: snapshots warn about holding it).
    const bundle = path.join(distDir(), 'reference-parser.js');
    if (!fs.existsSync(bundle)) {
      throw new MissingReferenceParser(`the reference parser is not built (${bundle} is missing); run \`node build.mjs\` in nixling's directory`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createRequire } = require('node:module') as typeof import('node:module');
    const parse: (src: Source) => Expr = createRequire(bundle)(bundle).parseSourceWithReference;
    // That bundle has its own copy of ParseError: its errors are given this one's class.
    reference = (src) => {
      try {
        return parse(src);
      } catch (e) {
        if (e instanceof Error && !(e instanceof ParseError) && (e as ParseError).src === src) {
          const { message, start, end } = e as ParseError;
          throw new ParseError(message, src, start, end);
        }
        throw e;
      }
    };
  }
  return reference(src);
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
