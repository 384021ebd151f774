/**
 * The literal lints of current Nix (`--lint-url-literals`, `--lint-absolute-path-literals`,
 * `--lint-short-path-literals`, each `warn` or `fatal`), and its warning about `e or` used
 * as a call: checked when a file is compiled, as Nix checks them when it parses.
 */
import type * as A from '../../grammar/ast';
import { NixError, renderWarning, showPos } from './errors';
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

const warnedCursedOr = new WeakSet<A.Call>();

/**
 * `[ f or ]`, `g f or`, `x.a or f or`: current Nix warns that `e or` outside the head of an
 * application (where it reads as the call `e or`) will change meaning (see Call.cursedOr).
 */
export function warnCursedOr(e: A.Call): void {
  // Once per node: a one-argument call compiles its argument twice (lazily, and strictly
  // for lambdas that force it), so an `e or` argument reaches here twice.
  if (e.cursedOr === undefined || warnedCursedOr.has(e)) return;
  warnedCursedOr.add(e);
  const where = showPos({ src: e.src, start: e.cursedOr, end: e.cursedOr });
  evalState.stderr(
    `warning: at ${where}: This expression uses \`or\` as an identifier in a way that will change in a future Nix release.\n` +
      `Wrap this entire expression in parentheses to preserve its current meaning:\n` +
      `    (${e.src.text.slice(e.cursedOr, e.end)})\n` +
      `Give feedback at https://github.com/NixOS/nix/pull/11121\n`,
  );
}
