/**
 * `nixling eval [FILE | -E EXPR] [-A PATH] [--json]`: the friendly form of
 * `nix-instantiate --eval --strict`. Values are printed in full; on a terminal, sets and
 * lists are laid out over several lines.
 */
import { NixError } from '../eval/errors';
import { evalAst, parseFile, parseSource } from '../eval/index';
import { printValue } from '../eval/print';
import { deepForce } from '../eval/runtime';
import { addNixPathFromEnv, evalState, parseSearchPathEntry } from '../eval/state';
import { Attrs } from '../eval/value';
import { printValueAsJSON } from '../builtins/json';
import { extractStoreOptions, useStore } from './store-options';
import { findAlongAttrPath } from './instantiate';
import { reportError, writeOut } from './output';
import * as path from 'node:path';

export async function evalCommand(argv: string[]): Promise<number> {
  let expr: string | undefined;
  let file: string | undefined;
  let attr = '';
  let json = false;
  try {
    // --store-dir DIR / --store ROOT: the store paths are computed for (never written to).
    const { opts, rest } = extractStoreOptions(argv, true);
    useStore(opts);
    argv = rest;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      const next = () => {
        if (i + 1 >= argv.length) throw new NixError('eval', `flag '${a}' requires an argument`);
        return argv[++i];
      };
      if (a === '-E' || a === '--expr') expr = next();
      else if (a === '-A' || a === '--attr') attr = next();
      else if (a === '--json') json = true;
      else if (a === '--show-trace') evalState.showTrace = true;
      else if (a === '-I') evalState.searchPath.push(parseSearchPathEntry(next()));
      else if (a.startsWith('-')) throw new NixError('eval', `unrecognised flag '${a}'`);
      else file = a;
    }
    addNixPathFromEnv();
    const ast =
      expr !== undefined
        ? parseSource(Buffer.from(expr, 'utf8').toString('latin1'), '\xc2\xabstring\xc2\xbb', process.cwd(), false)
        : parseFile(path.resolve(file ?? 'default.nix'));
    const v = findAlongAttrPath(evalAst(ast), attr, new Attrs(new Map()));
    if (json) {
      writeOut(printValueAsJSON(v, true, true).json + '\n');
    } else {
      deepForce(v);
      writeOut(printValue(v) + '\n');
    }
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
