/**
 * `nixling generations [--profile DIR] [--json]`: the profile's generations, oldest
 * first, with their dates and what changed in each relative to the one before it (units
 * added, removed and changed); the current one is marked.
 */
import { NixError } from '../eval/errors';
import { currentNumber, listGenerations } from '../system/profile';
import { mapperOf } from '../system/switch';
import { diffUnitTrees } from '../system/unit-diff';
import { readToplevelUnits, UnitTree } from '../system/units';
import { colours, profileDirOf, rejectUnknownFlags, reportSystemError, takeFlag, useSystemStore } from './diff';

function localDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export async function generationsCommand(argv: string[]): Promise<number> {
  try {
    const args = [...argv];
    const json = takeFlag(args, '--json');
    const profileDir = profileDirOf(args);
    const { store, rest } = useSystemStore(args, true);
    rejectUnknownFlags(rest);
    if (rest.length > 0) throw new NixError('eval', `unexpected argument '${rest[0]}'`);
    const map = mapperOf(store);
    const gens = listGenerations(profileDir);
    const current = currentNumber(profileDir);
    let prev: UnitTree = { units: new Map(), deps: new Map() };
    const rows = gens.map((g) => {
      const tree = readToplevelUnits(g.physical, map);
      const d = diffUnitTrees(prev, tree);
      prev = tree;
      return {
        number: g.number,
        current: g.number === current,
        created: g.created,
        toplevel: g.toplevel,
        units: { total: tree.units.size, added: d.added.length, removed: d.removed.length, changed: d.changed.length },
      };
    });
    if (json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write(`no generations in ${profileDir}\n`);
      return 0;
    }
    const c = colours();
    const width = String(rows[rows.length - 1].number).length;
    for (const r of rows) {
      const u = r.units;
      const changes = u.added + u.removed + u.changed === 0 ? 'no unit changes' : [u.added && `${u.added} added`, u.removed && `${u.removed} removed`, u.changed && `${u.changed} changed`].filter(Boolean).join(', ');
      const line = `${r.current ? '*' : ' '} ${String(r.number).padStart(width)}  ${localDate(r.created)}  ${u.total} units: ${changes}${r.current ? '  (current)' : ''}`;
      process.stdout.write((r.current ? c('1', line) : line) + '\n');
    }
    return 0;
  } catch (e) {
    return reportSystemError(e);
  }
}
