/**
 * The literal lints of current Nix (`--lint-url-literals`, `--lint-absolute-path-literals`,
 * `--lint-short-path-literals`, each `warn` or `fatal`): checked when a file is compiled,
 * as Nix checks them when it parses.
 */
import type * as A from '../../grammar/ast';
import { NixError, renderWarning } from './errors';
import { evalState, LintLevel } from './state';

function report(level: LintLevel, message: (verb: string) => string, e: A.Expr, verbs: [string, string]): void {
  if (level === 'ignore') return;
  const pos = { src: e.src, start: e.start, end: e.end };
  if (level === 'fatal') throw new NixError('parse', message(verbs[1]), pos);
  evalState.stderr(renderWarning(message(verbs[0]), pos) + '\n');
}

export function lintLiteral(e: A.Str | A.Path): void {
  const lint = evalState.lint;
  if (e.kind === 'String') {
    if (e.uri) {
      report(lint.urlLiterals, (v) => `URL literals are ${v}. Consider using a string literal "${e.value}" instead (lint-url-literals)`, e, ['discouraged', 'disallowed']);
    }
    return;
  }
  const lit = e.literal;
  if (lit === undefined) return;
  if (lit.startsWith('/')) {
    report(lint.absolutePathLiterals, () => `absolute path literals are not portable. Consider replacing path literal '${lit}' by a string, relative path, or parameter (lint-absolute-path-literals)`, e, ['', '']);
  } else if (lit.startsWith('~')) {
    report(lint.absolutePathLiterals, () => `home path literals are not portable. Consider replacing path literal '${lit}' by a string, relative path, or parameter (lint-absolute-path-literals)`, e, ['', '']);
  } else if (!lit.startsWith('./') && !lit.startsWith('../')) {
    report(lint.shortPathLiterals, () => `relative path literal '${lit}' should be prefixed with '.' for clarity: './${lit}' (lint-short-path-literals)`, e, ['', '']);
  }
}
