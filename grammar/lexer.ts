/**
 * The Nix lexer, written by hand to follow Nix's flex scanner (src/libexpr/lexer.l) rule by
 * rule: longest match wins, ties go to the earlier rule, and a stack of start conditions
 * tracks where we are (expression, "string", ''indented string'', path with ${…}).
 *
 * `scan` tokenizes the whole input up front into a `TokenBuffer`: parallel typed arrays of
 * token kinds (`Tk`, small integers), start and end offsets, and decoded values. The buffer is
 * reused from one call to the next, so scanning allocates nothing per token beyond the
 * decoded strings and numbers. The fast parser (fast-parser.ts) reads the buffer directly;
 * `lex` turns it into chevrotain `Token` objects for the reference parser (parser.ts).
 *
 * A lexing error (trailing slash in a path, invalid integer, pipe operators) throws
 * ParseError. Strings inside `"…"` are unescaped here; indented-string pieces are kept raw
 * (`Tk.IND_STR`, which takes part in indentation stripping, or `Tk.IND_STR_LIT` for escapes
 * and lone `$`/`'`) because indentation stripping needs them as Nix's lexer made them.
 */
import { ParseError, Source } from './ast';
import { T, Token } from './tokens';
import type { TokenType } from 'chevrotain';

/** Token kinds. Values index `tokenTypes` and `tokenLabels`. */
export const enum Tk {
  EOF,
  ID,
  STR,
  IND_STR,
  IND_STR_LIT,
  INT,
  FLOAT,
  PATH,
  HPATH,
  SPATH,
  PATH_END,
  URI,
  IF,
  THEN,
  ELSE,
  ASSERT,
  WITH,
  LET,
  IN,
  REC,
  INHERIT,
  OR_KW,
  ELLIPSIS,
  EQ,
  NEQ,
  LEQ,
  GEQ,
  AND,
  OR,
  IMPL,
  UPDATE,
  CONCAT,
  DOLLAR_CURLY,
  IND_OPEN,
  IND_CLOSE,
  COLON,
  AT,
  SEMI,
  DOT,
  LPAREN,
  RPAREN,
  LBRACK,
  RBRACK,
  LBRACE,
  RBRACE,
  ASSIGN,
  COMMA,
  QMARK,
  NOT,
  MINUS,
  PLUS,
  STAR,
  SLASH,
  LT,
  GT,
  DQUOTE,
  INVALID,
}

/**
 * The chevrotain token type of each kind, in the order of `Tk` (EOF has none: chevrotain has
 * its own; IND_STR_LIT is an IND_STR whose text takes no part in indentation stripping).
 */
export const tokenTypes: (TokenType | undefined)[] = [
  undefined,
  ...`
    ID STR IND_STR IND_STR INT FLOAT PATH HPATH SPATH PATH_END URI IF THEN ELSE ASSERT
    WITH LET IN REC INHERIT OR_KW ELLIPSIS EQ NEQ LEQ GEQ AND OR IMPL UPDATE CONCAT
    DOLLAR_CURLY IND_OPEN IND_CLOSE COLON AT SEMI DOT LPAREN RPAREN LBRACK RBRACK
    LBRACE RBRACE ASSIGN COMMA QMARK NOT MINUS PLUS STAR SLASH LT GT DQUOTE INVALID
  `
    .trim()
    .split(/\s+/)
    .map((name) => T[name as keyof typeof T]),
];

/** How syntax errors name each kind (bison's names, as in tokens.ts). */
export const tokenLabels: string[] = tokenTypes.map((t) => (t ? (t.LABEL ?? t.name) : 'end of file'));

const enum St {
  INITIAL,
  DEFAULT,
  STRING,
  IND_STRING,
  INPATH,
  INPATH_SLASH,
}

const INT64_MAX = 9223372036854775807n;

// Character classes as lookup tables over bytes.
const isPathChar = new Uint8Array(256);
const isIdStart = new Uint8Array(256);
const isIdChar = new Uint8Array(256);
const isUriChar = new Uint8Array(256);
const isUriSchemeChar = new Uint8Array(256);
const isDigit = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  const alpha = /[a-zA-Z]/.test(ch);
  const digit = /[0-9]/.test(ch);
  isDigit[c] = digit ? 1 : 0;
  isPathChar[c] = alpha || digit || '._-+'.includes(ch) ? 1 : 0;
  isIdStart[c] = alpha || ch === '_' ? 1 : 0;
  isIdChar[c] = alpha || digit || "_'-".includes(ch) ? 1 : 0;
  isUriSchemeChar[c] = alpha || digit || '+-.'.includes(ch) ? 1 : 0;
  isUriChar[c] = alpha || digit || "%/?:@&=+$,-_.!~*'".includes(ch) ? 1 : 0;
}

/**
 * Single-character tokens of the grammar; any other character is an invalid token. Those
 * marked in `alwaysSingle` start no longer token of any flex rule, so they need no look-ahead.
 */
const singleChar = new Uint8Array(256).fill(Tk.INVALID);
const alwaysSingle = new Uint8Array(256);
for (const [ch, t] of [
  [':', Tk.COLON],
  ['@', Tk.AT],
  [';', Tk.SEMI],
  ['.', Tk.DOT],
  ['(', Tk.LPAREN],
  [')', Tk.RPAREN],
  ['[', Tk.LBRACK],
  [']', Tk.RBRACK],
  ['=', Tk.ASSIGN],
  [',', Tk.COMMA],
  ['?', Tk.QMARK],
  ['!', Tk.NOT],
  ['-', Tk.MINUS],
  ['+', Tk.PLUS],
  ['*', Tk.STAR],
  ['/', Tk.SLASH],
  ['<', Tk.LT],
  ['>', Tk.GT],
] as const)
  singleChar[ch.charCodeAt(0)] = t;
for (const ch of ':@;()[],?*') alwaysSingle[ch.charCodeAt(0)] = 1;

/**
 * Character classes for dispatching in the expression state. A const enum: its members are
 * inlined as literals, so `switch (cls)` compiles to a jump table even in unoptimized code.
 */
const enum C {
  OTHER,
  /** A blank, or `#` starting a comment. */
  BLANK,
  ID,
  SINGLE,
  EQ,
  DOT,
  LBRACE,
  SLASH,
}
const charClass = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  if (isIdStart[c]) charClass[c] = C.ID;
  else if (alwaysSingle[c]) charClass[c] = C.SINGLE;
}
for (const ch of ' \t\r\n#') charClass[ch.charCodeAt(0)] = C.BLANK;
charClass[61] = C.EQ;
charClass[46] = C.DOT;
charClass[123] = C.LBRACE;
charClass[47] = C.SLASH;

/** The two-character operator starting with raw characters a, b, or EOF. */
function twoCharOp(a: number, b: number): Tk {
  switch (a) {
    case 61: // =
      return b === 61 ? Tk.EQ : Tk.EOF;
    case 33: // !
      return b === 61 ? Tk.NEQ : Tk.EOF;
    case 60: // <
      return b === 61 ? Tk.LEQ : Tk.EOF;
    case 62: // >
      return b === 61 ? Tk.GEQ : Tk.EOF;
    case 38: // &
      return b === 38 ? Tk.AND : Tk.EOF;
    case 124: // |
      return b === 124 ? Tk.OR : Tk.EOF;
    case 45: // -
      return b === 62 ? Tk.IMPL : Tk.EOF;
    case 47: // /
      return b === 47 ? Tk.UPDATE : Tk.EOF;
    case 43: // +
      return b === 43 ? Tk.CONCAT : Tk.EOF;
  }
  return Tk.EOF;
}

/** Whether a word of length len (< 8) starting with byte c may be a keyword: mayBeKeyword[len * 256 + c]. */
const mayBeKeyword = new Uint8Array(8 * 256);
for (const w of ['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or'])
  mayBeKeyword[w.length * 256 + w.charCodeAt(0)] = 1;

/** The keyword spelled by text[i, i+len), or Tk.ID. */
function keyword(text: string, i: number, len: number): Tk {
  const c = text.charCodeAt(i);
  switch (len) {
    case 2: {
      const d = text.charCodeAt(i + 1);
      if (c === 105) return d === 102 ? Tk.IF : d === 110 ? Tk.IN : Tk.ID; // if in
      if (c === 111 && d === 114) return Tk.OR_KW; // or
      return Tk.ID;
    }
    case 3:
      if (c === 108) return text.startsWith('et', i + 1) ? Tk.LET : Tk.ID;
      if (c === 114) return text.startsWith('ec', i + 1) ? Tk.REC : Tk.ID;
      return Tk.ID;
    case 4:
      if (c === 116) return text.startsWith('hen', i + 1) ? Tk.THEN : Tk.ID;
      if (c === 101) return text.startsWith('lse', i + 1) ? Tk.ELSE : Tk.ID;
      if (c === 119) return text.startsWith('ith', i + 1) ? Tk.WITH : Tk.ID;
      return Tk.ID;
    case 6:
      return c === 97 && text.startsWith('ssert', i + 1) ? Tk.ASSERT : Tk.ID;
    case 7:
      return c === 105 && text.startsWith('nherit', i + 1) ? Tk.INHERIT : Tk.ID;
  }
  return Tk.ID;
}

/** Escapes in a "…" string, and line ends (CR LF and CR read as LF, as Nix does). */
const ESCAPE = /\\([\s\S])|\\$|\r\n?/g;

function unescapeOne(m: string, c: string | undefined): string {
  if (c === undefined) return m === '\\' ? '' : '\n';
  return c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c;
}

/** Unescapes the body of a "…" string (or the char after `''\`), as Nix's unescapeStr. */
function unescapeStr(s: string): string {
  if (s.indexOf('\\') < 0 && s.indexOf('\r') < 0) return s;
  return s.replace(ESCAPE, unescapeOne);
}

// ---- Length functions of flex's patterns, over code units (-1 past the end) ----
// Text is a byte string (see ast.ts); a code unit above 255 is in no character class, so
// outside strings and comments it is an invalid token.

function code(text: string, n: number, j: number): number {
  return j < n ? text.charCodeAt(j) : -1;
}

/** Length of `{PATH_CHAR}*(\/{PATH_CHAR}+)+\/?` at j, or 0. */
function pathLen(text: string, n: number, j: number): number {
  let k = j;
  while (k < n && isPathChar[text.charCodeAt(k)]) k++;
  let segs = 0;
  while (code(text, n, k) === 47 && k + 1 < n && isPathChar[text.charCodeAt(k + 1)]) {
    k += 2;
    while (k < n && isPathChar[text.charCodeAt(k)]) k++;
    segs++;
  }
  if (segs === 0) return 0;
  if (code(text, n, k) === 47) k++;
  return k - j;
}

/** Length of `{PATH_CHAR}*\/\$\{` at j (PATH_SEG followed by ${), or 0. */
function pathSegDollarLen(text: string, n: number, j: number): number {
  let k = j;
  while (k < n && isPathChar[text.charCodeAt(k)]) k++;
  if (code(text, n, k) === 47 && code(text, n, k + 1) === 36 && code(text, n, k + 2) === 123) return k + 3 - j;
  return 0;
}

/** Length of `{PATH}|{PATH_SEG}|{PATH_CHAR}+` at j (inside a path), or 0. */
function inPathLen(text: string, n: number, j: number): number {
  const p = pathLen(text, n, j);
  let k = j;
  while (k < n && isPathChar[text.charCodeAt(k)]) k++;
  const seg = code(text, n, k) === 47 ? k + 1 - j : 0;
  return Math.max(p, seg, k - j);
}

function uriLen(text: string, n: number, j: number): number {
  let k = j + 1;
  while (k < n && isUriSchemeChar[text.charCodeAt(k)]) k++;
  if (code(text, n, k) !== 58) return 0;
  k++;
  const s = k;
  while (k < n && isUriChar[text.charCodeAt(k)]) k++;
  return k > s ? k - j : 0;
}

function floatLen(text: string, n: number, j: number): number {
  let k = j;
  const c = code(text, n, k);
  if (c >= 49 && c <= 57) {
    k++;
    while (k < n && isDigit[text.charCodeAt(k)]) k++;
    if (code(text, n, k) !== 46) return 0;
    k++;
    while (k < n && isDigit[text.charCodeAt(k)]) k++;
  } else {
    if (c === 48) k++;
    if (code(text, n, k) !== 46 || !(k + 1 < n && isDigit[text.charCodeAt(k + 1)])) return 0;
    k += 2;
    while (k < n && isDigit[text.charCodeAt(k)]) k++;
  }
  const e = code(text, n, k);
  if (e === 69 || e === 101) {
    let m = k + 1;
    if (code(text, n, m) === 43 || code(text, n, m) === 45) m++;
    if (m < n && isDigit[text.charCodeAt(m)]) {
      while (m < n && isDigit[text.charCodeAt(m)]) m++;
      k = m;
    }
  }
  return k - j;
}

/**
 * The tokens of one source as parallel arrays. `count` tokens are valid, followed by at
 * least three `Tk.EOF` entries (so the parser may look ahead without bounds checks).
 * `vals` holds the decoded value of STR, IND_STR, IND_STR_LIT, INT and FLOAT tokens (other
 * entries are stale); every other token's value is its text.
 */
export class TokenBuffer {
  types = new Uint8Array(4096);
  starts = new Int32Array(4096);
  ends = new Int32Array(4096);
  /** Allocated at its full length (holey), so that writes at any index keep it a fast array. */
  vals: (string | number | bigint | undefined)[] = new Array(4096);
  count = 0;
  /** Offset of the end-of-file token (where Nix reports "unexpected end of file"). */
  eofOffset = 0;
}

// Runs of characters, matched natively by the regexp engine (sticky: they match at lastIndex):
// fast even before the JIT compiler has warmed up, which is most of a short command's life.
/** Blanks and complete comments. */
const SKIP = /(?:[ \t\r\n]+|#[^\r\n]*|\/\*[\s\S]*?\*\/)+/y;
const ID_REST = /[a-zA-Z0-9_'-]*/y;
const PATH_RUN = /[a-zA-Z0-9._+-]*/y;
const SCHEME_RUN = /[a-zA-Z0-9+.-]*/y;
/** The text of a "…" string up to `"`, `${` or the end (lexer.l's STRING rules). */
const STR_BODY = /(?:[^"\\$]|\\[\s\S]|\$[^{"\\]|\$\\[\s\S])*(?:\$(?="))?/y;
/** The text of an ''indented string'' up to `${`, `''` or the end: `([^$']|\$[^{']|'[^'$])+`. */
const IND_BODY = /(?:[^$']|\$[^{']|'[^'$])+/y;

/** End of the match of sticky regexp `re` at `i` (i itself when it matches nothing). */
function runEnd(re: RegExp, text: string, i: number): number {
  re.lastIndex = i;
  return re.test(text) ? re.lastIndex : i;
}

/** A code unit above 255: in no character class (see `bytes`). */
const NON_BYTE = /[^\x00-\xff]/g;

/** The scanner's state while it runs (one instance, reused). */
class Scanner {
  /**
   * The text's code units as bytes, followed by three zero bytes, for the expression state's
   * dispatch: reading a typed array is much cheaper than a `charCodeAt` call before V8
   * optimizes the scanner. (A code unit above 255 is stored as 0x80, which like it is in no
   * character class; reads past the end see 0, which the dispatch treats as it treats NaN.)
   */
  bytes: Buffer = Buffer.alloc(1 << 16);
  src!: Source;
  text = '';
  n = 0;
  i = 0;
  state: St = St.INITIAL;
  stack: St[] = [];
  hasNul = false;
  out: TokenBuffer = new TokenBuffer();
  types: Uint8Array = this.out.types;
  starts: Int32Array = this.out.starts;
  ends: Int32Array = this.out.ends;
  vals: (string | number | bigint | undefined)[] = this.out.vals;
  count = 0;

  run(src: Source, out: TokenBuffer): TokenBuffer {
    const n = src.text.length;
    // Every token but PATH_END takes at least one character, and PATH_END follows a path
    // token: n + 1 tokens at most, plus the padding. Sized up front, emitting needs no checks.
    if (out.types.length < n + 8) {
      const size = Math.max(n + 8, out.types.length * 2);
      out.types = new Uint8Array(size);
      out.starts = new Int32Array(size);
      out.ends = new Int32Array(size);
      out.vals = new Array(size);
    }
    if (this.bytes.length < n + 3) this.bytes = Buffer.alloc(Math.max(n + 3, this.bytes.length * 2));
    const bytes = this.bytes;
    bytes.write(src.text, 0, n, 'latin1');
    bytes[n] = bytes[n + 1] = bytes[n + 2] = 0;
    if (NON_BYTE.test(src.text)) {
      NON_BYTE.lastIndex = 0;
      for (let m = NON_BYTE.exec(src.text); m; m = NON_BYTE.exec(src.text)) bytes[m.index] = 0x80;
    }
    NON_BYTE.lastIndex = 0;
    this.src = src;
    this.text = src.text;
    this.n = n;
    this.i = 0;
    this.state = St.INITIAL;
    this.stack.length = 0;
    this.stack.push(St.INITIAL);
    this.hasNul = src.text.indexOf('\0') >= 0;
    this.out = out;
    this.types = out.types;
    this.starts = out.starts;
    this.ends = out.ends;
    this.vals = out.vals;
    this.count = 0;
    try {
      this.loop();
    } finally {
      // Padding: the parser looks up to three tokens ahead.
      const c = this.count;
      this.types[c] = this.types[c + 1] = this.types[c + 2] = Tk.EOF;
      this.starts[c] = this.starts[c + 1] = this.starts[c + 2] = n;
      this.ends[c] = this.ends[c + 1] = this.ends[c + 2] = n;
      out.count = c;
      out.eofOffset = n;
      this.text = '';
      // The copy of an unusually large source (beyond 1 MiB) is not kept.
      if (this.bytes.length > 1 << 20) this.bytes = Buffer.alloc(1 << 16);
    }
    return out;
  }

  private emit(t: Tk, start: number, end: number): number {
    const k = this.count;
    this.types[k] = t;
    this.starts[k] = start;
    this.ends[k] = end;
    this.count = k + 1;
    return k;
  }

  /** Emits a string-valued token; Nix rejects strings with NUL bytes (shown as ␀). */
  private emitStr(t: Tk, start: number, end: number, value: string): void {
    if (this.hasNul && value.includes('\0')) {
      const shown = this.text.slice(start, end).replace(/\0/g, '\xe2\x90\x80');
      this.fail(`input string '${shown}' cannot be represented as Nix string because it contains null bytes`, start);
    }
    this.vals[this.emit(t, start, end)] = value;
  }

  private fail(msg: string, at: number): never {
    throw new ParseError(msg, this.src, at);
  }

  private push(s: St): void {
    this.stack.push(s);
    this.state = s;
  }

  private pop(): void {
    this.stack.pop();
    this.state = this.stack[this.stack.length - 1];
  }

  private loop(): void {
    for (;;) {
      const state = this.state;
      if (state === St.DEFAULT || state === St.INITIAL) {
        if (!this.scanDefault()) return;
      } else if (state === St.STRING) {
        if (!this.scanString()) return;
      } else if (state === St.IND_STRING) {
        if (!this.scanIndString()) return;
      } else this.scanPath();
    }
  }

  /** One step inside "…"; false at the end of input. */
  private scanString(): boolean {
    const text = this.text;
    const n = this.n;
    const s = this.i;
    const i = runEnd(STR_BODY, text, s);
    this.i = i;
    if (i > s) this.emitStr(Tk.STR, s, i, unescapeStr(text.slice(s, i)));
    if (i >= n) return false;
    const c = text.charCodeAt(i);
    if (c === 34) {
      this.emit(Tk.DQUOTE, i, i + 1);
      this.i = i + 1;
      this.pop();
      return true;
    }
    if (c === 36 && code(text, n, i + 1) === 123) {
      this.emit(Tk.DOLLAR_CURLY, i, i + 2);
      this.i = i + 2;
      this.push(St.DEFAULT);
      return true;
    }
    // `$`, `\` or `$\` just before the end of input: Nix returns end of file after them.
    return false;
  }

  /** One step inside ''…''; false at the end of input. */
  private scanIndString(): boolean {
    const text = this.text;
    const n = this.n;
    const i = this.i;
    if (i >= n) return false;
    const e = runEnd(IND_BODY, text, i);
    if (e > i) {
      this.emitStr(Tk.IND_STR, i, e, text.slice(i, e));
      this.i = e;
      return true;
    }
    const c = text.charCodeAt(i);
    if (c === 36) {
      if (code(text, n, i + 1) === 123) {
        this.emit(Tk.DOLLAR_CURLY, i, i + 2);
        this.i = i + 2;
        this.push(St.DEFAULT);
      } else {
        this.emitStr(Tk.IND_STR_LIT, i, i + 1, '$');
        this.i = i + 1;
      }
      return true;
    }
    // c === '\''
    if (code(text, n, i + 1) === 39) {
      const d = code(text, n, i + 2);
      if (d === 36) {
        this.emitStr(Tk.IND_STR_LIT, i, i + 3, '$');
        this.i = i + 3;
      } else if (d === 39) {
        this.emitStr(Tk.IND_STR_LIT, i, i + 3, "''");
        this.i = i + 3;
      } else if (d === 92 && i + 3 < n) {
        this.emitStr(Tk.IND_STR_LIT, i, i + 4, unescapeStr(text.slice(i + 2, i + 4)));
        this.i = i + 4;
      } else {
        this.emit(Tk.IND_CLOSE, i, i + 2);
        this.i = i + 2;
        this.pop();
      }
    } else {
      this.emitStr(Tk.IND_STR_LIT, i, i + 1, "'");
      this.i = i + 1;
    }
    return true;
  }

  /** One step inside a path literal (after its first segment). */
  private scanPath(): void {
    const text = this.text;
    const n = this.n;
    const i = this.i;
    if (code(text, n, i) === 36 && code(text, n, i + 1) === 123) {
      this.emit(Tk.DOLLAR_CURLY, i, i + 2);
      this.i = i + 2;
      this.pop();
      this.push(St.INPATH);
      this.push(St.DEFAULT);
      return;
    }
    const len = i < n ? inPathLen(text, n, i) : 0;
    if (len > 0) {
      this.emitStr(Tk.STR, i, i + len, text.slice(i, i + len));
      this.i = i + len;
      this.pop();
      this.push(text.charCodeAt(i + len - 1) === 47 ? St.INPATH_SLASH : St.INPATH);
      return;
    }
    if (this.state === St.INPATH_SLASH) this.fail('path has a trailing slash', i);
    this.emit(Tk.PATH_END, i, i);
    this.pop();
  }

  /**
   * Tokens of the expression state, skipping blanks and comments, until the state changes;
   * false at the end of input. The commonest tokens are handled here; the rest by
   * `scanGeneral`, which follows the flex rules one by one.
   */
  private scanDefault(): boolean {
    const text = this.text;
    const bytes = this.bytes;
    const n = this.n;
    const types = this.types;
    const starts = this.starts;
    const ends = this.ends;
    let count = this.count;
    let i = this.i;
    for (;;) {
      if (i >= n) break;
      let c = bytes[i];
      let cls = charClass[c];
      if (cls === C.BLANK || (cls === C.SLASH && bytes[i + 1] === 42)) {
        // A single space between tokens is the commonest blank.
        const d = c === 32 ? bytes[i + 1] : 32;
        if (charClass[d] !== C.BLANK && d !== 47) i++;
        else {
          SKIP.lastIndex = i;
          if (SKIP.test(text)) i = SKIP.lastIndex;
        }
        if (i >= n) break;
        c = bytes[i];
        cls = charClass[c];
      }
      switch (cls) {
        case C.ID: {
          // An identifier or keyword, unless it starts a longer path (`a/b`) or URI (`a:b`).
          ID_REST.lastIndex = i + 1;
          ID_REST.test(text); // always matches (`*`)
          const k = ID_REST.lastIndex;
          const d = k < n ? bytes[k] : -1;
          if (
            (d !== 47 && d !== 46 && d !== 43 && d !== 58) ||
            // A path needs a '/' after its run of path characters, a URI a ':' after its scheme.
            (code(text, n, runEnd(PATH_RUN, text, k)) !== 47 &&
              (c === 95 || code(text, n, runEnd(SCHEME_RUN, text, i + 1)) !== 58))
          ) {
            types[count] = k - i < 8 && mayBeKeyword[(k - i) * 256 + c] ? keyword(text, i, k - i) : Tk.ID;
            starts[count] = i;
            ends[count++] = k;
            i = k;
            continue;
          }
          break;
        }
        case C.SINGLE:
          types[count] = singleChar[c];
          starts[count] = i;
          ends[count++] = ++i;
          continue;
        case C.EQ: {
          // `=` or `==`
          const eq = bytes[i + 1] === 61;
          types[count] = eq ? Tk.EQ : Tk.ASSIGN;
          starts[count] = i;
          i += eq ? 2 : 1;
          ends[count++] = i;
          continue;
        }
        case C.DOT: {
          // `.`, unless it starts `...`, a float (`.5`) or a path (`./a`, `.a/b`).
          const d = i + 1 < n ? bytes[i + 1] : -1;
          if (
            !(d >= 48 && d <= 57) &&
            !(d === 46 && bytes[i + 2] === 46) &&
            code(text, n, runEnd(PATH_RUN, text, i + 1)) !== 47
          ) {
            types[count] = Tk.DOT;
            starts[count] = i;
            ends[count++] = ++i;
            continue;
          }
          break;
        }
        case C.LBRACE:
          types[count] = Tk.LBRACE;
          starts[count] = i;
          ends[count++] = ++i;
          this.push(St.DEFAULT);
          continue;
      }
      // Tokens that may change the state.
      this.count = count;
      this.i = i;
      if (c === 125) {
        this.emit(Tk.RBRACE, i, i + 1);
        this.i = i + 1;
        if (this.state !== St.INITIAL) this.pop();
        // Back to a string or path after an interpolation?
        if (this.state > St.DEFAULT) return true;
      } else if (c === 34) {
        this.emit(Tk.DQUOTE, i, i + 1);
        this.i = i + 1;
        this.push(St.STRING);
        return true;
      } else {
        this.scanGeneral(c);
        if (this.state > St.DEFAULT) return true;
      }
      i = this.i;
      count = this.count;
    }
    this.count = count;
    this.i = i;
    return false;
  }

  /** Any token, by longest match among the flex rules; ties go to the earlier rule. */
  private scanGeneral(c: number): void {
    const text = this.text;
    const n = this.n;
    const i = this.i;
    let best = 0;
    let kind = 0; // 1 id/keyword, 2 int, 3 float, 4 pathSeg${, 5 hpathStart${, 6 path, 7 hpath, 8 spath, 9 uri, 10 fixed
    let fixedType = Tk.EOF;
    // fixed operators (earliest rules)
    if (c === 46 && code(text, n, i + 1) === 46 && code(text, n, i + 2) === 46) {
      best = 3;
      kind = 10;
      fixedType = Tk.ELLIPSIS;
    } else {
      const two = twoCharOp(text.charCodeAt(i), i + 1 < n ? text.charCodeAt(i + 1) : -1);
      if (two !== Tk.EOF) {
        best = 2;
        kind = 10;
        fixedType = two;
      } else if ((c === 60 && code(text, n, i + 1) === 124) || (c === 124 && code(text, n, i + 1) === 62)) {
        this.fail(
          "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it",
          i,
        );
      }
    }
    let len: number;
    if (isIdStart[c]) {
      let k = i + 1;
      while (k < n && isIdChar[text.charCodeAt(k)]) k++;
      if (k - i > best) {
        best = k - i;
        kind = 1;
      }
    }
    if (isDigit[c]) {
      let k = i + 1;
      while (k < n && isDigit[text.charCodeAt(k)]) k++;
      if (k - i > best) {
        best = k - i;
        kind = 2;
      }
    }
    if (isDigit[c] || c === 46) {
      len = floatLen(text, n, i);
      if (len > best) {
        best = len;
        kind = 3;
      }
    }
    if (c === 36 && code(text, n, i + 1) === 123) {
      if (2 > best) {
        best = 2;
        kind = 11;
      }
    } else if (c === 125) {
      if (1 > best) {
        best = 1;
        kind = 12;
      }
    } else if (c === 123) {
      if (1 > best) {
        best = 1;
        kind = 13;
      }
    } else if (c === 34) {
      if (1 > best) {
        best = 1;
        kind = 14;
      }
    } else if (c === 39 && code(text, n, i + 1) === 39) {
      let k = i + 2;
      while (code(text, n, k) === 32) k++;
      len = code(text, n, k) === 10 ? k + 1 - i : 2;
      if (len > best) {
        best = len;
        kind = 15;
      }
    }
    if (isPathChar[c] || c === 47) {
      len = pathSegDollarLen(text, n, i);
      if (len > best) {
        best = len;
        kind = 4;
      }
      len = pathLen(text, n, i);
      if (len > best) {
        best = len;
        kind = 6;
      }
    } else if (c === 126 && code(text, n, i + 1) === 47) {
      if (code(text, n, i + 2) === 36 && code(text, n, i + 3) === 123 && 4 > best) {
        best = 4;
        kind = 5;
      }
      const p = pathLen(text, n, i + 1);
      if (p > 0 && code(text, n, i + 1) === 47 && p + 1 > best) {
        best = p + 1;
        kind = 7;
      }
    } else if (c === 60) {
      let k = i + 1;
      while (k < n && isPathChar[text.charCodeAt(k)]) k++;
      if (k > i + 1) {
        while (code(text, n, k) === 47 && k + 1 < n && isPathChar[text.charCodeAt(k + 1)]) {
          k += 2;
          while (k < n && isPathChar[text.charCodeAt(k)]) k++;
        }
        if (code(text, n, k) === 62 && k + 1 - i > best) {
          best = k + 1 - i;
          kind = 8;
        }
      }
    }
    if (isIdStart[c] && c !== 95) {
      len = uriLen(text, n, i);
      if (len > best) {
        best = len;
        kind = 9;
      }
    }

    const end = i + best;
    switch (kind) {
      case 0:
        this.emit(c < 256 ? singleChar[c] : Tk.INVALID, i, i + 1);
        this.i = i + 1;
        return;
      case 1:
        this.emit(keyword(text, i, best), i, end);
        break;
      case 2: {
        const digits = text.slice(i, end);
        let v: number | bigint = Number(digits);
        if (!Number.isSafeInteger(v)) {
          const b = BigInt(digits);
          if (b > INT64_MAX) this.fail(`invalid integer '${digits}'`, i);
          v = b;
        }
        this.vals[this.emit(Tk.INT, i, end)] = v;
        break;
      }
      case 3: {
        const s = text.slice(i, end);
        const v = Number(s);
        // strtod reports overflow and underflow (ERANGE); Nix turns both into errors. glibc
        // counts a result below the smallest normal double (a subnormal) as an underflow too.
        if (!Number.isFinite(v) || (v < 2.2250738585072014e-308 && /[1-9]/.test(s.replace(/[eE].*/, ''))))
          this.fail(`invalid float '${s}'`, i);
        this.vals[this.emit(Tk.FLOAT, i, end)] = v;
        break;
      }
      case 4:
        // PATH_SEG followed by ${: the path token is the segment up to its slash.
        this.startPath(Tk.PATH, i, end - 2);
        return;
      case 5:
        this.startPath(Tk.HPATH, i, i + 2);
        return;
      case 6:
        this.startPath(Tk.PATH, i, end);
        return;
      case 7:
        this.startPath(Tk.HPATH, i, end);
        return;
      case 8:
        this.emit(Tk.SPATH, i, end);
        break;
      case 9:
        this.emit(Tk.URI, i, end);
        break;
      case 10:
        this.emit(fixedType, i, end);
        break;
      case 11:
        this.emit(Tk.DOLLAR_CURLY, i, end);
        this.push(St.DEFAULT);
        break;
      case 12:
        this.emit(Tk.RBRACE, i, end);
        if (this.state !== St.INITIAL) this.pop();
        break;
      case 13:
        this.emit(Tk.LBRACE, i, end);
        this.push(St.DEFAULT);
        break;
      case 14:
        this.emit(Tk.DQUOTE, i, end);
        this.push(St.STRING);
        break;
      case 15:
        this.emit(Tk.IND_OPEN, i, end);
        this.push(St.IND_STRING);
        break;
    }
    this.i = end;
  }

  /** Emits a PATH/HPATH start token and enters the path states. */
  private startPath(t: Tk, start: number, end: number): void {
    this.emit(t, start, end);
    this.i = end;
    this.push(this.text.charCodeAt(end - 1) === 47 ? St.INPATH_SLASH : St.INPATH);
  }
}

const scanner = new Scanner();

/** Scans a whole source into `out` (reusing its arrays); throws ParseError on a lexing error. */
export function scan(src: Source, out: TokenBuffer): TokenBuffer {
  return scanner.run(src, out);
}

export interface LexResult {
  tokens: Token[];
  /** Offset of the end-of-file token (where Nix reports "unexpected end of file"). */
  eofOffset: number;
}

/** The tokens as chevrotain Token objects, for the reference parser (parser.ts). */
export function lex(src: Source): LexResult {
  const b = scan(src, new TokenBuffer());
  const text = src.text;
  const tokens: Token[] = [];
  for (let k = 0; k < b.count; k++) {
    const t = b.types[k] as Tk;
    const start = b.starts[k];
    const end = b.ends[k];
    const image = text.slice(start, end);
    let payload: unknown;
    switch (t) {
      case Tk.STR:
      case Tk.IND_STR:
      case Tk.IND_STR_LIT:
      case Tk.INT:
      case Tk.FLOAT:
        payload = b.vals[k];
        break;
      case Tk.SPATH:
        payload = text.slice(start + 1, end - 1);
        break;
      case Tk.DOLLAR_CURLY:
      case Tk.PATH_END:
      case Tk.IND_OPEN:
      case Tk.IND_CLOSE:
      case Tk.DQUOTE:
      case Tk.RBRACE:
      case Tk.LBRACE:
      case Tk.ELLIPSIS:
      case Tk.INVALID:
        payload = undefined;
        break;
      default:
        // Identifiers, keywords, paths and URIs carry their text; operators nothing.
        payload = t <= Tk.OR_KW ? image : undefined;
    }
    tokens.push(new Token(tokenTypes[t]!, image, start, end, payload, t === Tk.IND_STR));
  }
  return { tokens, eofOffset: b.eofOffset };
}
