/**
 * `nixling path-info [-r] [-s] [-S] [--json] PATH…`: a valid store path's references
 * (with -r, its closure), one per line, with the NAR size (-s) and closure size (-S).
 * PATH may be a store path, a path inside one, or a link into the store such as ./result.
 */
import { getStore } from '../store';
import { BuildError } from '../store/realise';
import { reportStoreError, resolveStorePathArg } from './build';
import { extractStoreOptions, useStore } from './store-options';
import { writeOut } from './output';
import { NixError } from '../eval/errors';

export async function pathInfoCommand(argv: string[]): Promise<number> {
  try {
    const { opts, rest } = extractStoreOptions(argv, true);
    useStore(opts);
    let recursive = false;
    let size = false;
    let closureSize = false;
    let json = false;
    const args: string[] = [];
    for (const a of rest) {
      if (a === '-r' || a === '--recursive') recursive = true;
      else if (a === '-s' || a === '--size') size = true;
      else if (a === '-S' || a === '--closure-size') closureSize = true;
      else if (a === '--json') json = true;
      else if (/^-[rsS]{2,}$/.test(a)) {
        recursive ||= a.includes('r');
        size ||= a.includes('s');
        closureSize ||= a.includes('S');
      } else if (a.startsWith('-')) throw new NixError('eval', `unrecognised flag '${a}'`);
      else args.push(a);
    }
    if (args.length === 0) throw new NixError('eval', 'path-info needs at least one store path');
    const store = getStore();
    const info = (p: string) => {
      const i = store.queryPathInfo(p);
      if (!i) throw new BuildError(`path '${p}' is not valid`, '');
      return i;
    };
    const shown = new Set<string>();
    for (const a of args) {
      const p = resolveStorePathArg(a);
      const i = info(p);
      if (recursive) for (const c of store.computeFSClosure(p)) shown.add(c);
      else for (const r of i.references) shown.add(r);
    }
    const closureOf = (p: string): number => [...store.computeFSClosure(p)].reduce((n, c) => n + info(c).narSize, 0);
    const paths = [...shown].sort();
    if (json) {
      const out = paths.map((p) => {
        const i = info(p);
        return { path: p, narHash: i.narHash, narSize: i.narSize, references: i.references, deriver: i.deriver, ca: i.ca, ...(closureSize ? { closureSize: closureOf(p) } : {}) };
      });
      writeOut(JSON.stringify(out) + '\n');
      return 0;
    }
    for (const p of paths) {
      let line = p;
      if (size) line += '\t' + info(p).narSize;
      if (closureSize) line += '\t' + closureOf(p);
      writeOut(line + '\n');
    }
    return 0;
  } catch (e) {
    return reportStoreError(e);
  }
}
