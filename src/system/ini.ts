/**
 * systemd unit files as data (systemd.syntax(7)), the way switch-to-configuration reads
 * them to decide what a change needs:
 *
 * - `[Section]` headers; `Key=Value` assignments, whitespace around the key and the value
 *   trimmed; lines starting with `#` or `;` are comments; blank lines are ignored.
 * - A line ending in a backslash continues on the next one: the backslash becomes a space
 *   (comment lines inside a continuation are skipped, as systemd does).
 * - Every key is multi-valued: each assignment appends to its list, and an empty
 *   assignment (`ExecStart=`) resets the list to empty (the key stays, with no values).
 * - Drop-ins (`<unit>.d/*.conf`) are parsed into the same data after the unit file, in
 *   file-name order, so their assignments append to or reset the unit's lists.
 *
 * Lines that are not assignments, and assignments before the first section, are ignored
 * (systemd logs and skips them). Values are kept as written: no unquoting or escapes.
 */

/** section → key → values, both maps in first-seen order. */
export type UnitInfo = Map<string, Map<string, string[]>>;

/** Parses `text` into `into` (a fresh map by default), appending to what is there. */
export function parseUnitText(text: string, into: UnitInfo = new Map()): UnitInfo {
  let section: Map<string, string[]> | undefined;
  for (const line of logicalLines(text)) {
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      if (end < 0) {
        section = undefined;
        continue;
      }
      const name = line.slice(1, end);
      section = into.get(name);
      if (!section) into.set(name, (section = new Map()));
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !section) continue;
    const key = line.slice(0, eq).trim();
    if (key === '') continue;
    const value = line.slice(eq + 1).trim();
    const values = section.get(key);
    if (value === '') section.set(key, []);
    else if (values) values.push(value);
    else section.set(key, [value]);
  }
  return into;
}

/** The logical lines of a unit file: trimmed, comments and blank lines dropped, continuations joined. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending !== undefined) {
      if (line.startsWith('#') || line.startsWith(';')) continue;
      if (line.endsWith('\\')) {
        pending += ' ' + line.slice(0, -1);
        continue;
      }
      out.push(pending + ' ' + line);
      pending = undefined;
      continue;
    }
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.endsWith('\\') && !line.startsWith('[')) {
      pending = line.slice(0, -1);
      continue;
    }
    out.push(line);
  }
  if (pending !== undefined) out.push(pending);
  return out;
}

/** A unit's text and its drop-ins (name → text), parsed together in systemd's order. */
export function parseUnitWithDropins(text: string, dropins: ReadonlyMap<string, string> = new Map()): UnitInfo {
  const info = parseUnitText(text);
  for (const name of [...dropins.keys()].sort()) {
    if (name.endsWith('.conf')) parseUnitText(dropins.get(name)!, info);
  }
  return info;
}

/** The last value of a key, if any. */
export function lastValue(info: UnitInfo, section: string, key: string): string | undefined {
  const vs = info.get(section)?.get(key);
  return vs && vs.length > 0 ? vs[vs.length - 1] : undefined;
}

/** A boolean key (systemd's 1/yes/true/on), `dflt` when unset. */
export function unitBool(info: UnitInfo, section: string, key: string, dflt: boolean): boolean {
  const v = lastValue(info, section, key);
  if (v === undefined) return dflt;
  return v === '1' || v === 'yes' || v === 'true' || v === 'on';
}

/** All values of a key split on whitespace (lists of unit names: `Sockets=a.socket b.socket`). */
export function unitWords(info: UnitInfo, section: string, key: string): string[] {
  return (info.get(section)?.get(key) ?? []).flatMap((v) => v.split(/\s+/)).filter((w) => w !== '');
}

/** A plain-object view (for JSON and tests): sections and keys sorted. */
export function unitInfoToJSON(info: UnitInfo): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const s of [...info.keys()].sort()) {
    const sec: Record<string, string[]> = {};
    for (const k of [...info.get(s)!.keys()].sort()) sec[k] = [...info.get(s)!.get(k)!];
    out[s] = sec;
  }
  return out;
}
