/**
 * Hash builtins: `hashString` and `hashFile` (base16 digests of a string or a file's
 * contents with md5, sha1, sha256 or sha512) and `convertHash` (re-encode a hash given in any
 * of Nix's forms as base16, nix32, base64 or SRI).
 */
import { NixError } from '../eval/errors';
import { coerceToPath, forceAttrs, forceStringNoCtx, forceStringValue } from '../eval/runtime';
import { HashAlgo, hashString, parseHashAlgo, parseHashAlgoOpt, parseHashAny, parseHashFormat } from '../store/hash';
import * as fs from 'node:fs';
import { fsPath, hashFile } from '../store/nar';
import type { Builtin } from './registry';
import { storeOp, warn, withFrame } from './store-support';

function algoArg(s: string): HashAlgo {
  const a = parseHashAlgoOpt(s);
  if (a === undefined) throw new NixError('eval', `unknown hash algorithm '${s}'`);
  return a;
}

export const builtins: Builtin[] = [
  {
    name: 'hashString',
    arity: 2,
    fn([algo, s], pos) {
      const a = withFrame('while evaluating the first argument passed to builtins.hashString', () =>
        forceStringNoCtx(algo, pos),
      );
      const ha = algoArg(a);
      const str = withFrame('while evaluating the second argument passed to builtins.hashString', () =>
        forceStringValue(s, pos),
      );
      return hashString(ha, str).base16;
    },
  },
  {
    name: 'hashFile',
    arity: 2,
    fn([algo, p], pos) {
      const a = withFrame('while evaluating the first argument passed to builtins.hashFile', () =>
        forceStringNoCtx(algo, pos),
      );
      const ha = algoArg(a);
      const file = coerceToPath(p, pos);
      if (!fs.existsSync(fsPath(file))) throw new NixError('io', `path '${file}' does not exist`, pos);
      return storeOp(pos, () => hashFile(file, ha).base16);
    },
  },
  {
    name: 'convertHash',
    arity: 1,
    fn([args], pos) {
      const attrs = withFrame('while evaluating the first argument passed to builtins.convertHash', () =>
        forceAttrs(args, pos),
      );
      const hv = attrs.get('hash');
      if (hv === undefined) {
        throw new NixError('missing-attribute', "attribute 'hash' missing", pos).addTrace(
          "while locating the attribute 'hash'",
        );
      }
      const hash = withFrame("while evaluating the attribute 'hash'", () => forceStringNoCtx(hv, pos));
      const av = attrs.get('hashAlgo');
      const algo =
        av === undefined
          ? undefined
          : withFrame("while evaluating the attribute 'hashAlgo'", () => forceStringNoCtx(av, pos));
      const fv = attrs.get('toHashFormat');
      if (fv === undefined) {
        throw new NixError('missing-attribute', "attribute 'toHashFormat' missing", pos).addTrace(
          "while locating the attribute 'toHashFormat'",
        );
      }
      const fmt = withFrame("while evaluating the attribute 'toHashFormat'", () => forceStringNoCtx(fv, pos));
      return storeOp(pos, () => {
        const ha = algo === undefined ? undefined : parseHashAlgo(algo);
        const hf = parseHashFormat(fmt, warn);
        return parseHashAny(hash, ha).toString(hf, hf === 'sri');
      });
    },
  },
];
