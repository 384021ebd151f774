/**
 * The Nix lexer, written by hand to follow Nix's flex scanner (src/libexpr/lexer.l) rule by
 * rule: longest match wins, ties go to the earlier rule, and a stack of start conditions
 * tracks where we are (expression, "string", ''indented string'', path with ${…}).
 *
 * The whole input is tokenized up front into an array for the chevrotain parser. A lexing
 * error (trailing slash in a path, invalid integer, pipe operators) throws ParseError.
 * Strings inside `"…"` are unescaped here; indented-string pieces are kept raw (with the
 * `hasIndentation` flag) because indentation stripping needs them as Nix's lexer made them.
 */
import { ParseError, Source } from './ast';
import { keywords, T, Token } from './tokens';
import type { TokenType } from 'chevrotain';

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

/** Single-character tokens of the grammar; any other character is an invalid token. */
const singleChar: (TokenType | undefined)[] = [];
for (const [ch, t] of [
  [':', T.COLON],
  ['@', T.AT],
  [';', T.SEMI],
  ['.', T.DOT],
  ['(', T.LPAREN],
  [')', T.RPAREN],
  ['[', T.LBRACK],
  [']', T.RBRACK],
  ['=', T.ASSIGN],
  [',', T.COMMA],
  ['?', T.QMARK],
  ['!', T.NOT],
  ['-', T.MINUS],
  ['+', T.PLUS],
  ['*', T.STAR],
  ['/', T.SLASH],
  ['<', T.LT],
  ['>', T.GT],
] as const)
  singleChar[ch.charCodeAt(0)] = t;

const twoChar = new Map<string, TokenType>([
  ['==', T.EQ],
  ['!=', T.NEQ],
  ['<=', T.LEQ],
  ['>=', T.GEQ],
  ['&&', T.AND],
  ['||', T.OR],
  ['->', T.IMPL],
  ['//', T.UPDATE],
  ['++', T.CONCAT],
]);

const OPCHARS = '=!<>&|-/+';

export interface LexResult {
  tokens: Token[];
  /** Offset of the end-of-file token (where Nix reports "unexpected end of file"). */
  eofOffset: number;
}

/** Unescapes the body of a "…" string (or the char after `''\`), as Nix's unescapeStr. */
function unescapeStr(s: string): string {
  if (s.indexOf('\\') < 0 && s.indexOf('\r') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; ) {
    let c = s[i++];
    if (c === '\\') {
      c = s[i++] ?? '';
      if (c === 'n') out += '\n';
      else if (c === 'r') out += '\r';
      else if (c === 't') out += '\t';
      else out += c;
    } else if (c === '\r') {
      out += '\n';
      if (s[i] === '\n') i++;
    } else out += c;
  }
  return out;
}

export function lex(src: Source): LexResult {
  const text = src.text;
  const n = text.length;
  const tokens: Token[] = [];
  const stack: St[] = [St.INITIAL];
  let state = St.INITIAL as St;
  let i = 0;

  const push = (s: St) => {
    stack.push(s);
    state = s;
  };
  const pop = () => {
    stack.pop();
    state = stack[stack.length - 1];
  };
  const fail = (msg: string, at: number): never => {
    throw new ParseError(msg, src, at);
  };
  const emit = (t: TokenType, start: number, end: number, payload?: unknown, ind = false) => {
    // Nix strings cannot hold NUL bytes; Nix rejects them when lexing, showing them as ␀.
    if ((t === T.STR || t === T.IND_STR) && typeof payload === 'string' && payload.includes('\0')) {
      const shown = text.slice(start, end).replace(/\0/g, '\xe2\x90\x80');
      fail(`input string '${shown}' cannot be represented as Nix string because it contains null bytes`, start);
    }
    tokens.push(new Token(t, text.slice(start, end), start, end, payload, ind));
  };
  const code = (j: number) => (j < n ? text.charCodeAt(j) & 255 : -1);

  /** Length of `{PATH_CHAR}*(\/{PATH_CHAR}+)+\/?` at j, or 0. */
  const pathLen = (j: number): number => {
    let k = j;
    while (k < n && isPathChar[code(k)]) k++;
    let segs = 0;
    while (code(k) === 47 && k + 1 < n && isPathChar[code(k + 1)]) {
      k += 2;
      while (k < n && isPathChar[code(k)]) k++;
      segs++;
    }
    if (segs === 0) return 0;
    if (code(k) === 47) k++;
    return k - j;
  };
  /** Length of `{PATH_CHAR}*\/\$\{` at j (PATH_SEG followed by ${), or 0. */
  const pathSegDollarLen = (j: number): number => {
    let k = j;
    while (k < n && isPathChar[code(k)]) k++;
    if (code(k) === 47 && code(k + 1) === 36 && code(k + 2) === 123) return k + 3 - j;
    return 0;
  };
  /** Length of `{PATH}|{PATH_SEG}|{PATH_CHAR}+` at j (inside a path), or 0. */
  const inPathLen = (j: number): number => {
    const p = pathLen(j);
    let k = j;
    while (k < n && isPathChar[code(k)]) k++;
    const seg = code(k) === 47 ? k + 1 - j : 0;
    return Math.max(p, seg, k - j);
  };
  const uriLen = (j: number): number => {
    let k = j + 1;
    while (k < n && isUriSchemeChar[code(k)]) k++;
    if (code(k) !== 58) return 0;
    k++;
    const s = k;
    while (k < n && isUriChar[code(k)]) k++;
    return k > s ? k - j : 0;
  };
  const floatLen = (j: number): number => {
    let k = j;
    const c = code(k);
    if (c >= 49 && c <= 57) {
      k++;
      while (isDigit[code(k)]) k++;
      if (code(k) !== 46) return 0;
      k++;
      while (isDigit[code(k)]) k++;
    } else {
      if (c === 48) k++;
      if (code(k) !== 46 || !isDigit[code(k + 1)]) return 0;
      k += 2;
      while (isDigit[code(k)]) k++;
    }
    const e = code(k);
    if (e === 69 || e === 101) {
      let m = k + 1;
      if (code(m) === 43 || code(m) === 45) m++;
      if (isDigit[code(m)]) {
        while (isDigit[code(m)]) m++;
        k = m;
      }
    }
    return k - j;
  };

  /** Emits a PATH/HPATH start token and enters the path states. */
  const startPath = (t: TokenType, start: number, end: number) => {
    emit(t, start, end, text.slice(start, end));
    push(text.charCodeAt(end - 1) === 47 ? St.INPATH_SLASH : St.INPATH);
  };

  while (true) {
    if (state === St.STRING) {
      const s = i;
      let eofTok = false;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 34) break; // "
        if (c === 92) {
          if (i + 1 >= n) break;
          i += 2;
        } else if (c === 36) {
          const d = code(i + 1);
          if (d === 123) break; // ${
          if (d === 34) {
            i++;
            break;
          }
          if (d === 92) {
            if (i + 2 >= n) break;
            i += 3;
          } else if (d < 0) break;
          else i += 2;
        } else i++;
      }
      if (i > s) emit(T.STR, s, i, unescapeStr(text.slice(s, i)));
      if (i >= n) {
        return { tokens, eofOffset: n };
      }
      const c = text.charCodeAt(i);
      if (c === 34) {
        emit(T.DQUOTE, i, i + 1);
        i++;
        pop();
      } else if (c === 36 && code(i + 1) === 123) {
        emit(T.DOLLAR_CURLY, i, i + 2);
        i += 2;
        push(St.DEFAULT);
      } else {
        // `$`, `\` or `$\` just before the end of input: Nix returns end of file after them.
        eofTok = true;
      }
      if (eofTok) return { tokens, eofOffset: n };
      continue;
    }

    if (state === St.IND_STRING) {
      if (i >= n) return { tokens, eofOffset: n };
      const s = i;
      // ([^$']|\$[^{']|'[^'$])+
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 36) {
          const d = code(i + 1);
          if (d < 0 || d === 123 || d === 39) break;
          i += 2;
        } else if (c === 39) {
          const d = code(i + 1);
          if (d < 0 || d === 39 || d === 36) break;
          i += 2;
        } else i++;
      }
      if (i > s) {
        emit(T.IND_STR, s, i, text.slice(s, i), true);
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 36) {
        if (code(i + 1) === 123) {
          emit(T.DOLLAR_CURLY, i, i + 2);
          i += 2;
          push(St.DEFAULT);
        } else {
          emit(T.IND_STR, i, i + 1, '$');
          i++;
        }
        continue;
      }
      // c === '\''
      if (code(i + 1) === 39) {
        const d = code(i + 2);
        if (d === 36) {
          emit(T.IND_STR, i, i + 3, '$');
          i += 3;
        } else if (d === 39) {
          emit(T.IND_STR, i, i + 3, "''");
          i += 3;
        } else if (d === 92 && i + 3 < n) {
          emit(T.IND_STR, i, i + 4, unescapeStr(text.slice(i + 2, i + 4)));
          i += 4;
        } else {
          emit(T.IND_CLOSE, i, i + 2);
          i += 2;
          pop();
        }
      } else {
        emit(T.IND_STR, i, i + 1, "'");
        i++;
      }
      continue;
    }

    if (state === St.INPATH || state === St.INPATH_SLASH) {
      if (code(i) === 36 && code(i + 1) === 123) {
        emit(T.DOLLAR_CURLY, i, i + 2);
        i += 2;
        pop();
        push(St.INPATH);
        push(St.DEFAULT);
        continue;
      }
      const len = i < n ? inPathLen(i) : 0;
      if (len > 0) {
        emit(T.STR, i, i + len, text.slice(i, i + len));
        i += len;
        pop();
        push(text.charCodeAt(i - 1) === 47 ? St.INPATH_SLASH : St.INPATH);
        continue;
      }
      if (state === St.INPATH_SLASH) fail('path has a trailing slash', i);
      emit(T.PATH_END, i, i);
      pop();
      continue;
    }

    // DEFAULT / INITIAL
    // whitespace and comments
    let c = code(i);
    if (c < 0) return { tokens, eofOffset: n };
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 32 || d === 9 || d === 10 || d === 13) i++;
        else break;
      }
      continue;
    }
    if (c === 35) {
      // # comment up to \r or \n
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10 || d === 13) break;
        i++;
      }
      continue;
    }
    if (c === 47 && code(i + 1) === 42) {
      const e = text.indexOf('*/', i + 2);
      if (e >= 0) {
        i = e + 2;
        continue;
      }
    }

    // Fast path for the commonest token: an identifier or keyword that cannot be the start
    // of a longer path (`a/b`), URI (`a:b`) or path segment, judged by the next character.
    if (isIdStart[c]) {
      let k = i + 1;
      while (k < n && isIdChar[text.charCodeAt(k) & 255]) k++;
      // A path needs a '/' after its run of path characters, a URI a ':' after its scheme.
      let p = k;
      while (p < n && isPathChar[text.charCodeAt(p) & 255]) p++;
      let q = i + 1;
      while (q < n && isUriSchemeChar[text.charCodeAt(q) & 255]) q++;
      if (code(p) !== 47 && (c === 95 || code(q) !== 58)) {
        const word = text.slice(i, k);
        emit(keywords.get(word) ?? T.ID, i, k, word);
        i = k;
        continue;
      }
    }

    const start = i;
    // Candidates by longest match; ties go to the earlier flex rule.
    let best = 0;
    let kind = 0; // 1 id/keyword, 2 int, 3 float, 4 pathSeg${, 5 hpathStart${, 6 path, 7 hpath, 8 spath, 9 uri, 10 fixed
    let fixedType: TokenType | undefined;
    const consider = (len: number, k: number) => {
      if (len > best) {
        best = len;
        kind = k;
      }
    };
    // fixed operators (earliest rules)
    if (c === 46 && code(i + 1) === 46 && code(i + 2) === 46) {
      best = 3;
      kind = 10;
      fixedType = T.ELLIPSIS;
    } else {
      const two = OPCHARS.includes(text[i]) ? twoChar.get(text.substr(i, 2)) : undefined;
      if (two) {
        best = 2;
        kind = 10;
        fixedType = two;
      } else if ((c === 60 && code(i + 1) === 124) || (c === 124 && code(i + 1) === 62)) {
        fail(
          "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features pipe-operators' to enable it",
          i,
        );
      }
    }
    if (isIdStart[c]) {
      let k = i + 1;
      while (k < n && isIdChar[code(k)]) k++;
      consider(k - i, 1);
    }
    if (isDigit[c]) {
      let k = i + 1;
      while (isDigit[code(k)]) k++;
      consider(k - i, 2);
    }
    if (isDigit[c] || c === 46) consider(floatLen(i), 3);
    if (c === 36 && code(i + 1) === 123) consider(2, 11);
    else if (c === 125) consider(1, 12);
    else if (c === 123) consider(1, 13);
    else if (c === 34) consider(1, 14);
    else if (c === 39 && code(i + 1) === 39) {
      let k = i + 2;
      while (code(k) === 32) k++;
      consider(code(k) === 10 ? k + 1 - i : 2, 15);
    }
    if (isPathChar[c] || c === 47) {
      consider(pathSegDollarLen(i), 4);
      consider(pathLen(i), 6);
    } else if (c === 126 && code(i + 1) === 47) {
      if (code(i + 2) === 36 && code(i + 3) === 123) consider(4, 5);
      const p = pathLen(i + 1);
      if (p > 0 && code(i + 1) === 47) consider(p + 1, 7);
    } else if (c === 60) {
      let k = i + 1;
      while (isPathChar[code(k)]) k++;
      if (k > i + 1) {
        while (code(k) === 47 && isPathChar[code(k + 1)]) {
          k += 2;
          while (isPathChar[code(k)]) k++;
        }
        if (code(k) === 62) consider(k + 1 - i, 8);
      }
    }
    if (isIdStart[c] && c !== 95) consider(uriLen(i), 9);

    const end = i + best;
    switch (kind) {
      case 0: {
        const t = singleChar[c];
        emit(t ?? T.INVALID, i, i + 1);
        i++;
        break;
      }
      case 1: {
        const word = text.slice(i, end);
        const kw = keywords.get(word);
        emit(kw ?? T.ID, i, end, word);
        i = end;
        break;
      }
      case 2: {
        const digits = text.slice(i, end);
        let v: number | bigint = Number(digits);
        if (!Number.isSafeInteger(v)) {
          const b = BigInt(digits);
          if (b > INT64_MAX) fail(`invalid integer '${digits}'`, i);
          v = b;
        }
        emit(T.INT, i, end, v);
        i = end;
        break;
      }
      case 3: {
        const s = text.slice(i, end);
        const v = Number(s);
        // strtod reports overflow and underflow (ERANGE); Nix turns both into errors.
        if (!Number.isFinite(v) || (v === 0 && /[1-9]/.test(s.replace(/[eE].*/, ''))))
          fail(`invalid float '${s}'`, i);
        emit(T.FLOAT, i, end, v);
        i = end;
        break;
      }
      case 4: {
        // PATH_SEG followed by ${: the path token is the segment up to its slash.
        startPath(T.PATH, i, end - 2);
        i = end - 2;
        break;
      }
      case 5:
        startPath(T.HPATH, i, i + 2);
        i += 2;
        break;
      case 6:
        startPath(T.PATH, i, end);
        i = end;
        break;
      case 7:
        startPath(T.HPATH, i, end);
        i = end;
        break;
      case 8:
        emit(T.SPATH, i, end, text.slice(i + 1, end - 1));
        i = end;
        break;
      case 9:
        emit(T.URI, i, end, text.slice(i, end));
        i = end;
        break;
      case 10:
        emit(fixedType!, i, end);
        i = end;
        break;
      case 11:
        emit(T.DOLLAR_CURLY, i, end);
        push(St.DEFAULT);
        i = end;
        break;
      case 12:
        emit(T.RBRACE, i, end);
        if (state !== St.INITIAL) pop();
        i = end;
        break;
      case 13:
        emit(T.LBRACE, i, end);
        push(St.DEFAULT);
        i = end;
        break;
      case 14:
        emit(T.DQUOTE, i, end);
        push(St.STRING);
        i = end;
        break;
      case 15:
        emit(T.IND_OPEN, i, end);
        push(St.IND_STRING);
        i = end;
        break;
    }
    void start;
  }
}
