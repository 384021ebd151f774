/**
 * builtins.parseFlakeRef and builtins.flakeRefToString: Nix's flake-reference parser and
 * printer, as pure functions over strings and attribute sets (nothing is fetched).
 *
 * A flake reference is parsed in three attempts, as Nix does:
 *   1. the flake-ID shorthand `nixpkgs[/ref][/rev]` (an `indirect` input);
 *   2. a URL `scheme:…`, handed to the input schemes (path, git, hg, tarball, file, github,
 *      gitlab, sourcehut, indirect `flake:`); a "bad URL" from this step falls through to 3;
 *   3. a filesystem path `/a/b?query`. There is no base directory (the builtin passes none),
 *      so a relative path is an error ("is not an absolute path"), while `path:./x` is kept.
 * The `dir` query parameter is taken off the URL and becomes the `dir` attribute.
 *
 * flakeRefToString goes the other way: the attribute set is checked against the scheme
 * named by `type` and rendered as the URL form (attributes a scheme does not show, such as
 * `revCount` of a git input, are dropped, as Nix drops them).
 *
 * The github, gitlab, sourcehut, indirect and path schemes belong to the experimental
 * `flakes` feature, as in Nix (Nix's test suite runs with it enabled).
 *
 * Strings are byte strings (each code unit one byte), so percent-coding works per char.
 */
import { evalState } from '../eval/state';
import { NixError } from '../eval/errors';
import { forceAttrs } from '../eval/runtime';
import { Attrs, force, Lazy, mkInt, NixString, showType, Value } from '../eval/value';
import { argStringNoCtx } from './strings';
import type { Builtin } from './registry';
import { BadHash, Hash, parseHashAny } from '../store/hash';

/** An error Nix raises as BadURL (the URL step catches these and tries a path). */
class BadURL extends Error {}
/** Any other error (propagates). */
class FlakeError extends Error {}

export type FlakeAttr = string | bigint | boolean;
export type FlakeAttrs = Map<string, FlakeAttr>;

interface Authority {
  host: string;
  ipv6?: boolean;
  user?: string;
  password?: string;
  port?: string;
}

interface ParsedURL {
  scheme: string;
  authority?: Authority;
  path: string[];
  query: Map<string, string>;
  fragment: string;
}

// ---------------------------------------------------------------------------------------
// Percent-coding and URL parsing (RFC 3986, with Nix's lenient extras)

const HEX = '0123456789ABCDEF';
const isUnreserved = (c: string) => /[A-Za-z0-9\-._~]/.test(c);

export function percentEncode(s: string, keep = ''): string {
  let r = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    if ((isUnreserved(c) || keep.includes(c)) && code < 128) r += c;
    else r += '%' + HEX[(code >> 4) & 15] + HEX[code & 15];
  }
  return r;
}

export function percentDecode(s: string): string {
  let r = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new BadURL(`invalid URI parameter '${s}': invalid pct-encoded`);
      r += String.fromCharCode(parseInt(h, 16));
      i += 2;
    } else r += s[i];
  }
  return r;
}

const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|${PCT})`;
const PATH_RE = new RegExp(`^(?:${PCHAR}|/)*$`);
const QUERY_RE = new RegExp(`^(?:${PCHAR}|[/?])*$`);
const USERINFO_RE = new RegExp(`^(?:[A-Za-z0-9\\-._~!$&'()*+,;=:]|${PCT})*$`);
const REGNAME_RE = new RegExp(`^(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|${PCT})*$`);

/** Encodes the characters of `set` (Nix lets ' ' and '"' through unencoded in queries). */
const encodeSet = (s: string, set: string) => [...s].map((c) => (set.includes(c) ? percentEncode(c) : c)).join('');

function decodeQuery(query: string, lenient: boolean): Map<string, string> {
  const q = lenient ? encodeSet(query, ' "') : query;
  if (!QUERY_RE.test(q)) throw new BadURL(`invalid URI query '${query}': invalid format`);
  const res = new Map<string, string>();
  if (q === '') return res;
  for (const param of q.split('&')) {
    const eq = param.indexOf('=');
    if (eq < 0) {
      evalState.stderr(`warning: dubious URI query '${param}' is missing equal sign '=', ignoring\n`);
      continue;
    }
    const k = percentDecode(param.slice(0, eq));
    if (!res.has(k)) res.set(k, percentDecode(param.slice(eq + 1)));
  }
  return res;
}

function parseAuthority(s: string): Authority {
  const bad = () => new BadURL(`invalid URL authority: '${s}': invalid format`);
  let rest = s;
  const a: Authority = { host: '' };
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const ui = rest.slice(0, at);
    if (!USERINFO_RE.test(ui)) throw bad();
    const colon = ui.indexOf(':');
    a.user = percentDecode(colon >= 0 ? ui.slice(0, colon) : ui);
    if (colon >= 0) a.password = percentDecode(ui.slice(colon + 1));
    rest = rest.slice(at + 1);
  }
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw bad();
    a.host = rest.slice(1, close);
    if (!/^[0-9A-Fa-f:.]+$/.test(a.host)) throw bad();
    a.ipv6 = true;
    rest = rest.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw bad();
    if (rest !== '') a.port = rest.slice(1);
  } else {
    const colon = rest.lastIndexOf(':');
    const host = colon >= 0 ? rest.slice(0, colon) : rest;
    if (!REGNAME_RE.test(host)) throw bad();
    a.host = percentDecode(host);
    if (colon >= 0) a.port = rest.slice(colon + 1);
  }
  if (a.port !== undefined) {
    if (!/^[0-9]*$/.test(a.port)) throw bad();
    if (a.port === '') a.port = undefined;
    else if (Number(a.port) === 0 || Number(a.port) > 65535) throw new BadURL(`port '${a.port}' is invalid`);
    else a.port = String(Number(a.port));
  }
  return a;
}

function transportOf(scheme: string): string {
  const i = scheme.indexOf('+');
  return i >= 0 ? scheme.slice(i + 1) : scheme;
}
function applicationOf(scheme: string): string | undefined {
  const i = scheme.indexOf('+');
  return i >= 0 ? scheme.slice(0, i) : undefined;
}

export function parseURL(url: string, lenient = false): ParsedURL {
  let s = url;
  if (lenient) {
    // Nix lets ' ' and '"' through in queries and ' ', '"' and '^' in fragments.
    const q = s.indexOf('?');
    const h = s.indexOf('#');
    if (q >= 0 && (h < 0 || q < h)) {
      const end = h >= 0 ? h : s.length;
      s = s.slice(0, q + 1) + encodeSet(s.slice(q + 1, end), ' "') + s.slice(end);
    }
    const h2 = s.indexOf('#');
    if (h2 >= 0) s = s.slice(0, h2 + 1) + encodeSet(s.slice(h2 + 1), ' "^');
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (!m) throw new BadURL(`'${url}' doesn't have a scheme`);
  const scheme = m[1];
  let rest = s.slice(m[0].length);
  let fragment = '';
  const h = rest.indexOf('#');
  if (h >= 0) {
    const f = rest.slice(h + 1);
    if (!QUERY_RE.test(f)) throw new BadURL(`'${url}' is not a valid URL: invalid format`);
    fragment = percentDecode(f);
    rest = rest.slice(0, h);
  }
  let query = '';
  let hasQuery = false;
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    hasQuery = true;
    rest = rest.slice(0, q);
  }
  let authority: Authority | undefined;
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    authority = parseAuthority(end >= 0 ? rest.slice(2, end) : rest.slice(2));
    rest = end >= 0 ? rest.slice(end) : '';
  }
  if (!PATH_RE.test(rest)) throw new BadURL(`'${url}' is not a valid URL: invalid format`);
  const isFile = transportOf(scheme) === 'file';
  if (authority && authority.host !== '' && isFile) {
    throw new BadURL(`file:// URL '${url}' has unexpected authority '${renderAuthority(authority)}'`);
  }
  if (isFile && rest === '') rest = '/';
  return {
    scheme,
    authority,
    path: rest.split('/').map(percentDecode),
    query: hasQuery ? decodeQuery(query, false) : new Map(),
    fragment,
  };
}

function renderAuthority(a: Authority): string {
  let r = '';
  if (a.user !== undefined) {
    r += percentEncode(a.user);
    if (a.password !== undefined) r += ':' + percentEncode(a.password);
    r += '@';
  }
  if (a.ipv6) r += '[' + a.host + ']';
  else if (/^\d+\.\d+\.\d+\.\d+$/.test(a.host)) r += a.host;
  else r += percentEncode(a.host);
  if (a.port !== undefined) r += ':' + a.port;
  return r;
}

const sortedEntries = (m: Map<string, string>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function renderURL(u: ParsedURL): string {
  let r = u.scheme + ':';
  if (u.authority) r += '//' + renderAuthority(u.authority);
  r += u.path.map((p) => percentEncode(p, ':@')).join('/');
  if (u.query.size > 0) {
    r += '?' + sortedEntries(u.query).map(([k, v]) => percentEncode(k, ':@/?') + '=' + percentEncode(v, ':@/?')).join('&');
  }
  if (u.fragment !== '') r += '#' + percentEncode(u.fragment);
  return r;
}

/** A filesystem path as URL path segments (an absolute one starts with an empty segment). */
function pathToUrlPath(p: string): string[] {
  const segs = p.split('/').filter((x) => x !== '');
  if (p.startsWith('/')) segs.unshift('');
  if (p.endsWith('/')) segs.push('');
  return segs;
}

function urlPathToPath(segs: string[]): string {
  for (const c of segs) {
    if (c.includes('/')) throw new BadURL(`URL path component '${c}' contains '/', which is not allowed in file names`);
    if (c.includes('\0')) throw new BadURL(`URL path component '${c.replace(/\0/g, '␀')}' contains NUL byte which is not allowed`);
  }
  let r = '';
  let i = 0;
  if (segs.length > 0 && segs[0] === '') {
    r = '/';
    i = 1;
  }
  for (; i < segs.length; i++) {
    const c = segs[i];
    if (c === '') {
      if (r !== '' && !r.endsWith('/')) r += '/';
    } else r = r === '' || r.endsWith('/') ? r + c : r + '/' + c;
  }
  return r;
}

const GIT_SCHEMES = new Set(['ssh', 'http', 'https', 'file', 'ftp', 'ftps', 'git'].flatMap((s) => [s, 'git+' + s]));

/** Nix's fixGitURL: absolute paths become file URLs, `host:path` becomes an ssh URL, `git+` goes. */
function fixGitURL(url: string): ParsedURL {
  if (url.startsWith('/')) return { scheme: 'file', authority: { host: '' }, path: pathToUrlPath(url), query: new Map(), fragment: '' };
  const colon = url.indexOf(':');
  if (!url.includes('://') && colon >= 0 && !url.slice(0, colon).includes('/') && !GIT_SCHEMES.has(url.slice(0, colon))) {
    let host = url.slice(0, colon);
    const pathView = url.slice(colon + 1);
    let user: string | undefined;
    const at = host.indexOf('@');
    if (at >= 0) {
      user = host.slice(0, at);
      host = host.slice(at + 1);
    }
    if (pathView === '') throw new BadURL(`SCP-style Git URL '${url}' has an empty path`);
    const path = pathView.split('/');
    if (path[0] !== '') path.unshift('');
    const authority: Authority = { host, user };
    if (host.startsWith('[') && host.endsWith(']')) {
      authority.host = host.slice(1, -1);
      authority.ipv6 = true;
    }
    return { scheme: 'ssh', authority, path, query: new Map(), fragment: '' };
  }
  const parsed = parseURL(url);
  if (applicationOf(parsed.scheme) === 'git') parsed.scheme = transportOf(parsed.scheme);
  return parsed;
}

// ---------------------------------------------------------------------------------------
// Attribute helpers (fetchers::Attrs)

function attrsToJSON(attrs: FlakeAttrs): string {
  const keys = [...attrs.keys()].sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + (typeof attrs.get(k) === 'bigint' ? String(attrs.get(k)) : JSON.stringify(attrs.get(k)))).join(',') + '}';
}

function maybeStr(attrs: FlakeAttrs, name: string): string | undefined {
  const v = attrs.get(name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  throw new FlakeError(`input attribute '${name}' is not a string ${attrsToJSON(attrs)}`);
}
function getStr(attrs: FlakeAttrs, name: string): string {
  const v = maybeStr(attrs, name);
  if (v === undefined) throw new FlakeError(`input attribute '${name}' is missing`);
  return v;
}
function maybeInt(attrs: FlakeAttrs, name: string): bigint | undefined {
  const v = attrs.get(name);
  if (v === undefined) return undefined;
  if (typeof v === 'bigint') return v;
  throw new FlakeError(`input attribute '${name}' is not an integer`);
}
function maybeBool(attrs: FlakeAttrs, name: string): boolean | undefined {
  const v = attrs.get(name);
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  throw new FlakeError(`input attribute '${name}' is not a Boolean`);
}

function attrsToQuery(attrs: FlakeAttrs): Map<string, string> {
  const q = new Map<string, string>();
  for (const [k, v] of attrs) q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  return q;
}

/** string2Int<uint64_t>: all digits, in range. */
function toUint64(s: string): bigint | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < 2n ** 64n ? n : undefined;
}

const REV_RE = /^[0-9a-fA-F]{40}$/;
const REF_RE = /^[a-zA-Z0-9@][a-zA-Z0-9_./@+-]*$/;
const FLAKE_ID_RE = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
const HOST_RE = /^[a-zA-Z0-9.-]*$/;

/** A revision: a SHA-1 hash in any form Hash::parseAny reads (base16, nix32, base64, `sha1:`
 *  or SRI), in base16. */
function parseRev(s: string): string {
  return parseHashAny(s, 'sha1').base16;
}

/** Input::getNarHash rendered as SRI (it must be SHA-256; empty stands for all zeros). */
function narHashSRI(s: string): string {
  if (s === '') return Hash.zero('sha256').toString('sri');
  if (!/^[a-z0-9]+-/.test(s)) throw new FlakeError(`hash '${s}' is not SRI`);
  const h = parseHashAny(s);
  if (h.algo !== 'sha256') throw new FlakeError('narHash must use SHA-256');
  return h.toString('sri');
}

/** git check-ref-format, as libgit2 checks a branch, tag or reference name. */
export function isLegalRefName(name: string): boolean {
  if (name === '@' || name === '' || name.includes('\x7f')) return false;
  if (/[\x00-\x20~^:?*[\\]/.test(name) || name.includes('..') || name.includes('@{')) return false;
  if (name.endsWith('/') || name.endsWith('.') || name.startsWith('/')) return false;
  for (const comp of name.split('/')) {
    if (comp === '' || comp.startsWith('.') || comp.endsWith('.lock')) return false;
  }
  // A branch or tag may not start with '-'; a full reference name may (refs/…) .
  if (name.startsWith('-')) return false;
  return true;
}

// ---------------------------------------------------------------------------------------
// Input schemes

interface Scheme {
  name: string;
  flakes?: boolean;
  allowed: string[];
  fromURL(url: ParsedURL, requireTree: boolean): FlakeAttrs | undefined;
  fromAttrs(attrs: FlakeAttrs): FlakeAttrs;
  toURL(attrs: FlakeAttrs): ParsedURL;
}

function requireFeature(f: string): void {
  if (!evalState.experimentalFeatures.has(f)) {
    throw new FlakeError(`experimental Nix feature '${f}' is disabled; add '--extra-experimental-features ${f}' to enable it`);
  }
}

const emptyURL = (scheme: string, path: string[]): ParsedURL => ({ scheme, path, query: new Map(), fragment: '' });

const indirect: Scheme = {
  name: 'indirect',
  flakes: true,
  allowed: ['id', 'ref', 'rev', 'narHash'],
  fromURL(url) {
    if (url.scheme !== 'flake') return undefined;
    const path = url.path.filter((s) => s !== '');
    let rev: string | undefined;
    let ref: string | undefined;
    const u = renderURL(url);
    if (path.length === 1) {
      // just the ID
    } else if (path.length === 2) {
      if (REV_RE.test(path[1])) rev = path[1].toLowerCase();
      else if (isLegalRefName(path[1])) ref = path[1];
      else throw new BadURL(`in flake URL '${u}', '${path[1]}' is not a commit hash or branch/tag name`);
    } else if (path.length === 3) {
      if (!isLegalRefName(path[1])) throw new BadURL(`in flake URL '${u}', '${path[1]}' is not a branch/tag name`);
      ref = path[1];
      if (!REV_RE.test(path[2])) throw new BadURL(`in flake URL '${u}', '${path[2]}' is not a commit hash`);
      rev = path[2].toLowerCase();
    } else throw new BadURL(`GitHub URL '${u}' is invalid`);
    if (!FLAKE_ID_RE.test(path[0])) throw new BadURL(`'${path[0]}' is not a valid flake ID`);
    const attrs: FlakeAttrs = new Map([
      ['type', 'indirect'],
      ['id', path[0]],
    ]);
    if (rev !== undefined) attrs.set('rev', rev);
    if (ref !== undefined) attrs.set('ref', ref);
    return attrs;
  },
  fromAttrs(attrs) {
    const id = getStr(attrs, 'id');
    if (!FLAKE_ID_RE.test(id)) throw new BadURL(`'${id}' is not a valid flake ID`);
    return attrs;
  },
  toURL(attrs) {
    const path = [getStr(attrs, 'id')];
    const ref = maybeStr(attrs, 'ref');
    if (ref !== undefined) path.push(ref);
    const rev = maybeStr(attrs, 'rev');
    if (rev !== undefined) path.push(parseRev(rev));
    return emptyURL('flake', path);
  },
};

const pathScheme: Scheme = {
  name: 'path',
  flakes: true,
  allowed: ['path', 'rev', 'revCount', 'lastModified', 'narHash'],
  fromURL(url) {
    if (url.scheme !== 'path') return undefined;
    if (url.authority && url.authority.host !== '') {
      throw new FlakeError(`path URL '${renderURL(url)}' should not have an authority ('${renderAuthority(url.authority)}')`);
    }
    const attrs: FlakeAttrs = new Map([
      ['type', 'path'],
      ['path', urlPathToPath(url.path)],
    ]);
    for (const [name, value] of url.query) {
      if (name === 'rev' || name === 'narHash') attrs.set(name, value);
      else if (name === 'revCount' || name === 'lastModified') {
        const n = toUint64(value);
        if (n === undefined) throw new FlakeError(`path URL '${renderURL(url)}' has invalid parameter '${name}'`);
        attrs.set(name, n);
      } else throw new FlakeError(`path URL '${renderURL(url)}' has unsupported parameter '${name}'`);
    }
    return attrs;
  },
  fromAttrs(attrs) {
    getStr(attrs, 'path');
    return attrs;
  },
  toURL(attrs) {
    const query = attrsToQuery(attrs);
    query.delete('path');
    query.delete('type');
    query.delete('__final');
    return { scheme: 'path', path: pathToUrlPath(getStr(attrs, 'path')), query, fragment: '' };
  },
};

function gitArchive(name: string): Scheme {
  const scheme: Scheme = {
    name,
    flakes: true,
    allowed: ['owner', 'repo', 'ref', 'rev', 'narHash', 'lastModified', 'host', 'treeHash'],
    fromURL(url) {
      if (url.scheme !== name) return undefined;
      const path = url.path.filter((s) => s !== '');
      const u = () => renderURL(url);
      const attrs: FlakeAttrs = new Map();
      if (path.length === 3) {
        attrs.set(REV_RE.test(path[2]) ? 'rev' : 'ref', path[2]);
      } else if (path.length > 3) {
        attrs.set('ref', path.slice(2).join('/'));
      } else if (path.length < 2) throw new BadURL(`URL '${u()}' is invalid`);
      for (const [k, v] of url.query) {
        if (k === 'rev') {
          if (attrs.has(k)) throw new BadURL(`URL '${u()}' contains multiple commit hashes`);
          attrs.set('rev', v);
        } else if (k === 'ref') {
          if (attrs.has(k)) throw new BadURL(`URL '${u()}' contains multiple branch/tag names`);
          attrs.set('ref', v);
        } else if (k === 'host' || k === 'narHash') attrs.set(k, v);
        else throw new BadURL(`URL '${u()}' contains unknown parameter '${k}'`);
      }
      attrs.set('type', name);
      attrs.set('owner', path[0]);
      attrs.set('repo', path[1]);
      return scheme.fromAttrs(attrs);
    },
    fromAttrs(attrs) {
      getStr(attrs, 'owner');
      getStr(attrs, 'repo');
      const ref = maybeStr(attrs, 'ref');
      const rev = maybeStr(attrs, 'rev');
      if (ref !== undefined && rev !== undefined) {
        throw new BadURL(`input ${attrsToJSON(attrs)} contains both a commit hash ('${rev}') and a branch/tag name ('${ref}')`);
      }
      if (rev !== undefined) parseRev(rev);
      if (ref !== undefined && !isLegalRefName(ref)) throw new BadURL(`input ${attrsToJSON(attrs)} contains an invalid branch/tag name`);
      const host = maybeStr(attrs, 'host');
      if (host !== undefined && !HOST_RE.test(host)) throw new BadURL(`input ${attrsToJSON(attrs)} contains an invalid instance host`);
      return attrs;
    },
    toURL(attrs) {
      const path = [getStr(attrs, 'owner'), getStr(attrs, 'repo')];
      const ref = maybeStr(attrs, 'ref');
      const rev = maybeStr(attrs, 'rev');
      if (ref !== undefined) path.push(ref);
      if (rev !== undefined) path.push(parseRev(rev));
      const url = emptyURL(name, path);
      const narHash = maybeStr(attrs, 'narHash');
      if (narHash !== undefined) url.query.set('narHash', narHashSRI(narHash));
      const host = maybeStr(attrs, 'host');
      if (host !== undefined) url.query.set('host', host);
      return url;
    },
  };
  return scheme;
}

const GIT_BOOL_PARAMS = ['shallow', 'submodules', 'lfs', 'exportIgnore', 'allRefs', 'verifyCommit'];

const git: Scheme = {
  name: 'git',
  allowed: [
    'url', 'ref', 'rev', 'shallow', 'submodules', 'lfs', 'exportIgnore', 'lastModified', 'revCount', 'narHash',
    'allRefs', 'name', 'dirtyRev', 'dirtyShortRev', 'verifyCommit', 'keytype', 'publicKey', 'publicKeys',
  ],
  fromURL(url) {
    if (url.scheme !== 'git' && applicationOf(url.scheme) !== 'git') return undefined;
    const url2: ParsedURL = { ...url, query: new Map() };
    const attrs: FlakeAttrs = new Map([['type', 'git']]);
    for (const [k, v] of url.query) {
      if (['rev', 'ref', 'keytype', 'publicKey', 'publicKeys'].includes(k)) attrs.set(k, v);
      else if (GIT_BOOL_PARAMS.includes(k)) attrs.set(k, v === '1');
      else url2.query.set(k, v);
    }
    attrs.set('url', renderURL(url2));
    return git.fromAttrs(attrs);
  },
  fromAttrs(attrs) {
    for (const k of ['verifyCommit', 'keytype', 'publicKey', 'publicKeys']) if (attrs.has(k)) requireFeature('verified-fetches');
    maybeBool(attrs, 'verifyCommit');
    const ref = maybeStr(attrs, 'ref');
    if (ref !== undefined && !isLegalRefName(ref)) throw new BadURL(`invalid Git branch/tag name '${ref}'`);
    const res = new Map(attrs);
    res.set('url', renderURL(fixGitURL(getStr(attrs, 'url'))));
    maybeBool(res, 'shallow');
    maybeBool(res, 'submodules');
    maybeBool(res, 'allRefs');
    return res;
  },
  toURL(attrs) {
    const url = parseURL(getStr(attrs, 'url'));
    if (url.scheme !== 'git') url.scheme = 'git+' + url.scheme;
    const rev = maybeStr(attrs, 'rev');
    if (rev !== undefined) url.query.set('rev', parseRev(rev));
    const ref = maybeStr(attrs, 'ref');
    if (ref !== undefined) url.query.set('ref', ref);
    for (const k of ['shallow', 'lfs', 'submodules', 'exportIgnore', 'verifyCommit']) {
      if (maybeBool(attrs, k)) url.query.set(k, '1');
    }
    const publicKey = maybeStr(attrs, 'publicKey');
    const publicKeys = maybeStr(attrs, 'publicKeys');
    if (publicKey !== undefined && publicKeys === undefined) {
      url.query.set('keytype', maybeStr(attrs, 'keytype') ?? 'ssh-ed25519');
      url.query.set('publicKey', publicKey);
    } else if (publicKeys !== undefined) {
      url.query.set('publicKeys', publicKeys);
    }
    return url;
  },
};

const hg: Scheme = {
  name: 'hg',
  allowed: ['url', 'ref', 'rev', 'revCount', 'narHash', 'name'],
  fromURL(url) {
    if (!['hg+http', 'hg+https', 'hg+ssh', 'hg+file'].includes(url.scheme)) return undefined;
    const url2: ParsedURL = { ...url, scheme: url.scheme.slice(3), query: new Map() };
    const attrs: FlakeAttrs = new Map([['type', 'hg']]);
    for (const [k, v] of url.query) {
      if (k === 'rev' || k === 'ref') attrs.set(k, v);
      else url2.query.set(k, v);
    }
    attrs.set('url', renderURL(url2));
    return hg.fromAttrs(attrs);
  },
  fromAttrs(attrs) {
    parseURL(getStr(attrs, 'url'));
    const ref = maybeStr(attrs, 'ref');
    if (ref !== undefined && !REF_RE.test(ref)) throw new BadURL(`invalid Mercurial branch/tag name '${ref}'`);
    return attrs;
  },
  toURL(attrs) {
    const url = parseURL(getStr(attrs, 'url'));
    url.scheme = 'hg+' + url.scheme;
    const rev = maybeStr(attrs, 'rev');
    if (rev !== undefined) url.query.set('rev', parseRev(rev));
    const ref = maybeStr(attrs, 'ref');
    if (ref !== undefined) url.query.set('ref', ref);
    return url;
  },
};

const TARBALL_EXTS = ['.zip', '.tar', '.tgz', '.tar.gz', '.tar.xz', '.tar.bz2', '.tar.zst'];
const CURL_ALLOWED = ['url', 'narHash', 'name', 'unpack', 'rev', 'revCount', 'lastModified'];

function curl(name: 'file' | 'tarball'): Scheme {
  const valid = (url: ParsedURL, requireTree: boolean) => {
    if (!['file', 'http', 'https'].includes(transportOf(url.scheme))) return false;
    const app = applicationOf(url.scheme);
    if (app !== undefined) return app === name;
    const last = url.path.length > 0 ? url.path[url.path.length - 1] : '';
    const ext = url.path.length > 0 && TARBALL_EXTS.some((e) => last.endsWith(e));
    return name === 'file' ? !requireTree && !ext : requireTree || ext;
  };
  return {
    name,
    allowed: CURL_ALLOWED,
    fromURL(u, requireTree) {
      if (!valid(u, requireTree)) return undefined;
      const url: ParsedURL = { ...u, scheme: transportOf(u.scheme), query: new Map(u.query) };
      const attrs: FlakeAttrs = new Map();
      const narHash = url.query.get('narHash');
      if (narHash !== undefined) attrs.set('narHash', narHash);
      const rev = url.query.get('rev');
      if (rev !== undefined) attrs.set('rev', rev);
      for (const k of ['revCount', 'lastModified']) {
        const v = url.query.get(k);
        const n = v === undefined ? undefined : toUint64(v);
        if (n !== undefined) attrs.set(k, n);
      }
      for (const k of CURL_ALLOWED) url.query.delete(k);
      attrs.set('type', name);
      attrs.set('url', renderURL(url));
      return attrs;
    },
    fromAttrs: (attrs) => attrs,
    toURL(attrs) {
      const url = parseURL(getStr(attrs, 'url'));
      const narHash = maybeStr(attrs, 'narHash');
      if (narHash !== undefined) url.query.set('narHash', narHashSRI(narHash));
      return url;
    },
  };
}

/** In Nix's registration order (a map by name), which decides who gets a URL first. */
const SCHEMES: Scheme[] = [
  curl('file'),
  git,
  gitArchive('github'),
  gitArchive('gitlab'),
  hg,
  indirect,
  pathScheme,
  gitArchive('sourcehut'),
  curl('tarball'),
];

interface Input {
  attrs: FlakeAttrs;
  scheme?: Scheme;
}

function fixupInput(attrs: FlakeAttrs): void {
  getStr(attrs, 'type');
  maybeStr(attrs, 'ref');
  maybeInt(attrs, 'revCount');
  maybeInt(attrs, 'lastModified');
}

function inputFromURL(url: ParsedURL, requireTree: boolean): Input {
  for (const scheme of SCHEMES) {
    const attrs = scheme.fromURL(url, requireTree);
    if (attrs) {
      if (scheme.flakes) requireFeature('flakes');
      fixupInput(attrs);
      return { attrs, scheme };
    }
  }
  if (applicationOf(url.scheme) === 'file' && transportOf(url.scheme) === 'git') {
    throw new FlakeError(`input '${renderURL(url)}' is unsupported; did you mean 'git+file' instead of 'file+git'?`);
  }
  throw new FlakeError(`input '${renderURL(url)}' is unsupported`);
}

function inputFromAttrs(attrs: FlakeAttrs): Input {
  const type = maybeStr(attrs, 'type');
  if (type === undefined) throw new FlakeError("'type' attribute to specify input scheme is required but not provided");
  const scheme = SCHEMES.find((s) => s.name === type);
  if (!scheme) {
    fixupInput(attrs);
    return { attrs };
  }
  if (scheme.flakes) requireFeature('flakes');
  for (const k of attrs.keys()) {
    if (k !== 'type' && k !== '__final' && !scheme.allowed.includes(k)) {
      throw new FlakeError(`input attribute '${k}' not supported by scheme '${type}'`);
    }
  }
  const res = scheme.fromAttrs(attrs);
  fixupInput(res);
  return { attrs: res, scheme };
}

function inputToURLString(input: Input, extraQuery: Map<string, string>): string {
  if (!input.scheme) throw new FlakeError(`cannot show unsupported input '${attrsToJSON(input.attrs)}'`);
  const url = input.scheme.toURL(input.attrs);
  for (const [k, v] of extraQuery) if (!url.query.has(k)) url.query.set(k, v);
  return renderURL(url);
}

// ---------------------------------------------------------------------------------------
// Flake references

interface FlakeRef {
  input: Input;
  subdir: string;
}

function fromParsedURL(url: ParsedURL): [FlakeRef, string] {
  const dir = url.query.get('dir') ?? '';
  const query = new Map(url.query);
  query.delete('dir');
  return [{ input: inputFromURL({ ...url, query, fragment: '' }, true), subdir: dir }, url.fragment];
}

const REF_S = '[a-zA-Z0-9@][a-zA-Z0-9_.\\/@+-]*';
const REV_S = '[0-9a-fA-F]{40}';
const FRAGMENT_S = `(?:${PCHAR}|["/? ^])*`;
const FLAKE_ID_REF_RE = new RegExp(
  `^(([a-zA-Z][a-zA-Z0-9_-]*)(?:/(?:(${REV_S})|(?:(${REF_S})(?:/(${REV_S}))?)))?)(?:#(${FRAGMENT_S}))?$`,
);

function parseFlakeIdRef(url: string): [FlakeRef, string] | undefined {
  const m = FLAKE_ID_REF_RE.exec(url);
  if (!m) return undefined;
  const input = inputFromURL(emptyURL('flake', m[1].split('/')), true);
  return [{ input, subdir: '' }, percentDecode(m[6] ?? '')];
}

function parseURLFlakeRef(url: string): [FlakeRef, string] | undefined {
  try {
    return fromParsedURL(parseURL(url, true));
  } catch (e) {
    if (e instanceof BadURL) return undefined;
    throw e;
  }
}

function parsePathFlakeRef(url: string): [FlakeRef, string] {
  const m = /^([^?#]*)(\?([^#]*))?(#(.*))?$/s.exec(url)!;
  const path = m[1];
  const query = decodeQuery(m[3] ?? '', true);
  const fragment = percentDecode(m[5] ?? '');
  // No base directory: the builtin resolves nothing against the current directory.
  if (!path.startsWith('/')) throw new BadURL(`flake reference '${url}' is not an absolute path`);
  return fromParsedURL({ scheme: 'path', authority: { host: '' }, path: pathToUrlPath(path), query, fragment });
}

function parseFlakeRefWithFragment(url: string): [FlakeRef, string] {
  return parseFlakeIdRef(url) ?? parseURLFlakeRef(url) ?? parsePathFlakeRef(url);
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BadURL || e instanceof FlakeError || e instanceof BadHash) throw new NixError('eval', e.message);
    throw e;
  }
}

/** parseFlakeRef as attributes (`dir` included when set). Throws NixError. */
export function parseFlakeRef(url: string): FlakeAttrs {
  return wrap(() => {
    const [ref, fragment] = parseFlakeRefWithFragment(url);
    if (fragment !== '') throw new FlakeError(`unexpected fragment '${fragment}' in flake reference '${url}'`);
    const attrs = new Map(ref.input.attrs);
    if (ref.subdir !== '') attrs.set('dir', ref.subdir);
    return attrs;
  });
}

/** flakeRefToString over attributes. Throws NixError. */
export function flakeRefToString(attrs: FlakeAttrs): string {
  return wrap(() => {
    const attrs2 = new Map(attrs);
    attrs2.delete('dir');
    const input = inputFromAttrs(attrs2);
    const dir = maybeStr(attrs, 'dir') ?? '';
    return inputToURLString(input, dir !== '' ? new Map([['dir', dir]]) : new Map());
  });
}

// ---------------------------------------------------------------------------------------
// The builtins

function toNixValue(v: FlakeAttr): Value {
  if (typeof v === 'bigint') return mkInt(BigInt.asIntN(64, v));
  return v;
}

export const builtins: Builtin[] = [
  {
    name: 'parseFlakeRef',
    arity: 1,
    fn: (args) => {
      const s = argStringNoCtx(args[0], 'while evaluating the argument passed to builtins.parseFlakeRef');
      const attrs = parseFlakeRef(s);
      const m = new Map<string, Lazy>();
      for (const k of [...attrs.keys()].sort()) m.set(k, toNixValue(attrs.get(k)!));
      return new Attrs(m);
    },
  },
  {
    name: 'flakeRefToString',
    arity: 1,
    fn: (args) => {
      let set: Attrs;
      try {
        set = forceAttrs(args[0]);
      } catch (e) {
        if (e instanceof NixError) e.addTrace('while evaluating the argument passed to builtins.flakeRefToString');
        throw e;
      }
      const attrs: FlakeAttrs = new Map();
      for (const name of set.keys()) {
        const v = force(set.get(name)!);
        if (typeof v === 'number' || typeof v === 'bigint') {
          if (v < 0) throw new NixError('eval', `negative value given for flake ref attr ${name}: ${v}`);
          attrs.set(name, BigInt(v));
        } else if (typeof v === 'boolean') attrs.set(name, v);
        else if (typeof v === 'string') attrs.set(name, v);
        else if (v instanceof NixString) attrs.set(name, v.s);
        else {
          throw new NixError(
            'eval',
            `flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '${name}' is ${showType(v)}`,
          );
        }
      }
      return flakeRefToString(attrs);
    },
  },
];
