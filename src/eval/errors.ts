/**
 * Errors are data. An error has a kind (a stable code), a message, an optional position
 * (where it happened) and trace frames (what was being evaluated, innermost first), added
 * by the evaluator as the error unwinds. Only `renderError` turns positions into
 * file:line:column and source excerpts, in the layout Nix uses for `--show-trace`.
 *
 * `throw` and failed `assert` are catchable by `builtins.tryEval`; everything else is not.
 */
import { ParseError, Source } from '../../grammar/ast';

export interface Pos {
  src: Source;
  start: number;
  end?: number;
}

export interface TraceFrame {
  message: string;
  pos?: Pos;
}

/** Stable error codes, one per kind of failure a user can cause. */
export type ErrorKind =
  | 'parse' // syntax error
  | 'undefined-variable'
  | 'type' // value of the wrong type
  | 'missing-attribute'
  | 'missing-argument'
  | 'unexpected-argument'
  | 'infinite-recursion'
  | 'throw' // builtins.throw (catchable)
  | 'assert' // failed assertion (catchable)
  | 'abort'
  | 'overflow'
  | 'division-by-zero'
  | 'stack-overflow'
  | 'io'
  | 'eval'; // anything else

export class NixError extends Error {
  readonly trace: TraceFrame[] = [];
  constructor(
    readonly kind: ErrorKind,
    message: string,
    public pos?: Pos,
  ) {
    super(message);
  }

  /** `throw` and `assert` failures can be caught by `builtins.tryEval`. */
  get catchable(): boolean {
    return this.kind === 'throw' || this.kind === 'assert';
  }

  /** Adds a frame (innermost first) and returns the error for rethrowing. */
  addTrace(message: string, pos?: Pos): this {
    this.trace.push({ message, pos });
    return this;
  }
}

export function fromParseError(e: ParseError): NixError {
  return new NixError('parse', e.message, { src: e.src, start: e.start, end: e.end });
}

/**
 * The `file` that __curPos, unsafeGetAttrPos and --xml report for a position. For an
 * expression given with -E, --arg or on stdin Nix 2.8 names the "file" by the source text
 * itself (current Nix gives no position there); error messages say «string» or «stdin».
 */
export function positionFile(src: Pos['src']): string {
  return src.isFile ? src.path : src.text;
}

/** "file:line:col" (or «string»:line:col) of a position. */
export function showPos(pos: Pos): string {
  const { line, column } = pos.src.location(pos.start);
  return `${pos.src.path}:${line}:${column}`;
}

/**
 * The source excerpt Nix prints under a position: the line before, the line, a caret and
 * the line after, each behind a line number right-aligned in five columns.
 */
function excerpt(pos: Pos, indent: string): string {
  const { line, column } = pos.src.location(pos.start);
  const out: string[] = [];
  const gutter = (n: number | '') => `${indent}${String(n).padStart(5)}| `;
  if (line > 1) out.push((gutter(line - 1) + pos.src.lineText(line - 1)).trimEnd());
  out.push(gutter(line) + pos.src.lineText(line));
  out.push(gutter('') + ' '.repeat(column - 1) + '^');
  if (pos.src.location(pos.src.text.length).line > line) out.push((gutter(line + 1) + pos.src.lineText(line + 1)).trimEnd());
  return out.join('\n');
}

export interface RenderOptions {
  showTrace: boolean;
}

/**
 * Renders an error as Nix does:
 *
 *     error:
 *            … while evaluating …
 *              at FILE:LINE:COL:
 *                 excerpt
 *
 *            error: MESSAGE
 *            at FILE:LINE:COL:
 *                 excerpt
 *
 * Without a trace and position, just `error: MESSAGE`.
 */
export function renderError(err: NixError, opts: RenderOptions = { showTrace: false }): string {
  const frames = opts.showTrace ? [...err.trace].reverse() : [];
  if (frames.length === 0) {
    const msg = indentLines(err.message, '       ');
    if (!err.pos) return `error: ${msg}`;
    return `error: ${msg}\n       at ${showPos(err.pos)}:\n${excerpt(err.pos, '        ')}`;
  }
  const parts: string[] = ['error:'];
  for (const f of frames) {
    let s = `       \xe2\x80\xa6 ${f.message}`;
    if (f.pos) s += `\n         at ${showPos(f.pos)}:\n${excerpt(f.pos, '        ')}`;
    parts.push(s + '\n');
  }
  let s = `       error: ${indentLines(err.message, '              ')}`;
  if (err.pos) s += `\n       at ${showPos(err.pos)}:\n${excerpt(err.pos, '        ')}`;
  parts.push(s);
  return parts.join('\n');
}

/**
 * Continuation lines of a multi-line message line up under its first line, as Nix prints
 * them: every line after the first is indented, except an empty one.
 */
export function indentLines(message: string, indent: string): string {
  if (!message.includes('\n')) return message;
  return message
    .split('\n')
    .map((line, k) => (k === 0 || line === '' ? line : indent + line))
    .join('\n');
}

/** A warning with its position, laid out as Nix prints warnings. */
export function renderWarning(message: string, pos: Pos): string {
  return `warning: ${message}\n         at ${showPos(pos)}:\n${excerpt(pos, '          ')}`;
}
