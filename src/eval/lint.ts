/**
 * The literal lints of current Nix (`--lint-url-literals`, `--lint-absolute-path-literals`,
 * `--lint-short-path-literals`, each `warn` or `fatal`): checked when a file is compiled,
 * as Nix checks them when it parses.
 */
import type * as A from '../../grammar/ast';
import { NixError, renderWarning } from './errors';
import { evalState, LintLevel } from './state';

function report(level: LintLevel, e: A.Str | A.Path, warning: string, error = warning): void {
  if (level === 'ignore') return;
  const pos = { src: e.src, start: e.start, end: e.end };
  if (level === 'fatal') throw new NixError('parse', error, pos);
  evalState.stderr(renderWarning(warning, pos) + '\n');
}

export function lintLiteral(e: A.Str | A.Path): void {
  const lint = evalState.lint;
  if (e.kind === 'String') {
    if (e.uri) {
      const advice = `Consider using a string literal "${e.value}" instead (lint-url-literals)`;
      report(lint.urlLiterals, e, `URL literals are discouraged. ${advice}`, `URL literals are disallowed. ${advice}`);
    }
    return;
  }
  const lit = e.literal;
  if (lit === undefined) return;
  const portable = (what: string) =>
    `${what} path literals are not portable. Consider replacing path literal '${lit}' by a string, relative path, or parameter (lint-absolute-path-literals)`;
  if (lit.startsWith('/')) report(lint.absolutePathLiterals, e, portable('absolute'));
  else if (lit.startsWith('~')) report(lint.absolutePathLiterals, e, portable('home'));
  else if (!lit.startsWith('./') && !lit.startsWith('../')) {
    report(lint.shortPathLiterals, e, `relative path literal '${lit}' should be prefixed with '.' for clarity: './${lit}' (lint-short-path-literals)`);
  }
}
