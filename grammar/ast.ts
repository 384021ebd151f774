/**
 * The abstract syntax tree of the Nix language.
 *
 * The node kinds mirror Nix's own `Expr*` classes (nixexpr.hh) so that desugaring, printing
 * (`nix-instantiate --parse`) and evaluation follow Nix exactly:
 *  - `a - b`, `a * b`, `a / b`, `a < b` are calls of `__sub`, `__mul`, `__div`, `__lessThan`
 *    (`a > b` is `__lessThan b a`, `a <= b` is `!(__lessThan b a)`, `a >= b` is
 *    `!(__lessThan a b)`, `-x` is `__sub 0 x`);
 *  - `a + b` and strings/paths with interpolation are `ConcatStrings`;
 *  - `<p>` is `__findFile __nixPath "p"`;
 *  - `a.b.c = v` nests into attribute sets at parse time, as Nix does.
 *
 * Text is a *byte string*: every Nix string in nixling is a JavaScript string whose code
 * units are the bytes of the UTF-8 text (latin1 decoding), so that lengths, substrings and
 * regexes work on bytes as in Nix. Sources are read with 'latin1'; output is written back
 * with 'latin1'.
 *
 * Positions: every node carries `src` (its Source) and byte offsets `start`/`end` into
 * `src.text`; line and column are computed on demand by `src.location(offset)` (1-based).
 */

export class Source {
  private lineStarts?: number[];
  constructor(
    /** Absolute path of the file, or a pseudo-name such as «string» or «stdin». */
    readonly path: string,
    /** The text, as a byte string. */
    readonly text: string,
    /** Directory that relative paths are resolved against (the file's directory, or cwd). */
    readonly dir: string,
    /** True when the source is a real file (so positions print as file:line:col). */
    readonly isFile: boolean = true,
  ) {}

  /** 1-based line and column of a byte offset. */
  location(offset: number): { line: number; column: number } {
    const starts = this.lineStarts ?? (this.lineStarts = computeLineStarts(this.text));
    let lo = 0,
      hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  /** The text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    const starts = this.lineStarts ?? (this.lineStarts = computeLineStarts(this.text));
    const s = starts[line - 1];
    if (s === undefined) return '';
    let e = line < starts.length ? starts[line] : this.text.length;
    while (e > s && (this.text[e - 1] === '\n' || this.text[e - 1] === '\r')) e--;
    return this.text.slice(s, e);
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      // CRLF and lone CR both end a line, as in Nix's lexer.
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Fields every node has. */
interface Base {
  src: Source;
  start: number;
  end: number;
}

/** One component of an attribute path: `a`, `"a"` (static) or `${e}` / `"${e}x"` (dynamic). */
export type AttrName = { name: string; expr?: undefined } | { name?: undefined; expr: Expr };

export interface Int extends Base {
  kind: 'Int';
  /** A JS number when it is a safe integer, otherwise a bigint (always within int64). */
  value: number | bigint;
}
export interface Float extends Base {
  kind: 'Float';
  value: number;
}
export interface Str extends Base {
  kind: 'String';
  value: string;
  /** Set when the string was written as a URI literal (`http://x`), for lint-url-literals. */
  uri?: boolean;
}
/** An absolute path literal (relative and `~` paths are resolved by the parser). */
export interface Path extends Base {
  kind: 'Path';
  value: string;
  /** The literal as written (`/a`, `~/a`, `a/b`, `./a`), for the path-literal lints. */
  literal?: string;
}
export interface Var extends Base {
  kind: 'Var';
  name: string;
}
export interface Select extends Base {
  kind: 'Select';
  e: Expr;
  path: AttrName[];
  /** The `or` default. */
  def?: Expr;
}
export interface HasAttr extends Base {
  kind: 'HasAttr';
  e: Expr;
  path: AttrName[];
}

/** How an attribute was defined. */
export type AttrDefKind = 'plain' | 'inherited' | 'inheritedFrom';
export interface AttrDef {
  kind: AttrDefKind;
  /**
   * The value. For 'inherited' it is a Var of the same name; for 'inheritedFrom' it is a
   * Select of the attribute from an `InheritFrom` node referring to `inheritFrom[index]`.
   */
  e: Expr;
  /** Position of the attribute name (what unsafeGetAttrPos reports). */
  start: number;
  end: number;
}
export interface DynamicAttrDef {
  name: Expr;
  value: Expr;
  start: number;
  end: number;
}
export interface Attrs extends Base {
  kind: 'Attrs';
  rec: boolean;
  /** Static attributes in source order (a Map keeps insertion order). */
  attrs: Map<string, AttrDef>;
  dynamicAttrs: DynamicAttrDef[];
  /** The expressions of `inherit (e) …;` clauses, each evaluated once per attrset. */
  inheritFrom: Expr[];
}
/** Refers to the `index`-th `inherit (e)` expression of the enclosing Attrs/Let. */
export interface InheritFrom extends Base {
  kind: 'InheritFrom';
  index: number;
}
export interface List extends Base {
  kind: 'List';
  elems: Expr[];
}
export interface Formal {
  name: string;
  def?: Expr;
  start: number;
  end: number;
}
export interface Lambda extends Base {
  kind: 'Lambda';
  /** The name bound to the whole argument (`x:` or `args@{…}`). */
  arg?: string;
  /** Present when the function takes a pattern `{ a, b ? d, ... }`. */
  formals?: { formals: Formal[]; ellipsis: boolean };
  body: Expr;
}
export interface Call extends Base {
  kind: 'Call';
  fn: Expr;
  args: Expr[];
  /** For calls desugared from an operator (`a - b`, `a < b`, `-a`): the operator's offset, where Nix reports errors. */
  opStart?: number;
  /**
   * For `e or` (a call of e with the variable `or`) written where it is not the head of an
   * application (an argument, a list element, a default after `or`): the offset of its first
   * token, where current Nix warns that the meaning of this form will change.
   */
  cursedOr?: number;
}
export interface Let extends Base {
  kind: 'Let';
  /** The bindings (an Attrs node with rec = true semantics, never dynamic). */
  attrs: Attrs;
  body: Expr;
}
export interface With extends Base {
  kind: 'With';
  attrs: Expr;
  body: Expr;
}
export interface If extends Base {
  kind: 'If';
  cond: Expr;
  then: Expr;
  else: Expr;
}
export interface Assert extends Base {
  kind: 'Assert';
  cond: Expr;
  body: Expr;
}
export interface Not extends Base {
  kind: 'Not';
  e: Expr;
}
export type BinOpKind = 'Eq' | 'NEq' | 'And' | 'Or' | 'Impl' | 'Update' | 'ConcatLists';
export interface BinOp extends Base {
  kind: 'BinOp';
  op: BinOpKind;
  e1: Expr;
  e2: Expr;
  /** Offset of the operator token (Nix reports errors of binary operations there). */
  opStart?: number;
}
/** `a + b`, and strings/paths with interpolation (forceString = true for strings). */
export interface ConcatStrings extends Base {
  kind: 'ConcatStrings';
  forceString: boolean;
  parts: Expr[];
  /** For `a + b`: offset of the `+` (Nix reports errors of the addition there). */
  opStart?: number;
}
/** `__curPos`. */
export interface CurPos extends Base {
  kind: 'CurPos';
}

export type Expr =
  | Int
  | Float
  | Str
  | Path
  | Var
  | Select
  | HasAttr
  | Attrs
  | InheritFrom
  | List
  | Lambda
  | Call
  | Let
  | With
  | If
  | Assert
  | Not
  | BinOp
  | ConcatStrings
  | CurPos;

/** A syntax error with its position; rendered by the shared error renderer. */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly src: Source,
    readonly start: number,
    readonly end: number = start,
  ) {
    super(message);
  }
}
