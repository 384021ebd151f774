/**
 * What changed between two unit trees: units added, removed and changed, each changed one
 * with a unified diff of its text (the unit file, then each drop-in), and the dependency
 * links (`NAME.wants/OTHER`, …) added and removed.
 *
 * The line diff is Myers' O(ND) algorithm (the greedy forward search for the shortest
 * edit script, "An O(ND) Difference Algorithm and Its Variations", 1986), with the trace
 * of each round kept to walk the script back; hunks carry three lines of context, as
 * `diff -u` prints them.
 */
import { UnitFile, UnitTree } from './units';

export type Edit = { op: ' ' | '-' | '+'; line: string };

/** The shortest edit script turning `a` into `b` (deletions before insertions in a run). */
export function diffLines(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) x = v[offset + k + 1];
      else x = v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  // Walk back through the rounds from (n, m).
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    let prevK: number;
    if (d === 0) prevK = 0;
    else if (k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1])) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) edits.push({ op: '+', line: b[y - 1] });
      else edits.push({ op: '-', line: a[x - 1] });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A unified diff of two texts (empty when equal), with `context` lines around changes. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const edits = diffLines(a, b);
  // Group changes into hunks: runs of edits separated by more than 2*context equal lines.
  const out: string[] = [`--- ${oldName}`, `+++ ${newName}`];
  let i = 0;
  let prevStop = 0;
  while (i < edits.length) {
    while (i < edits.length && edits[i].op === ' ') i++;
    if (i >= edits.length) break;
    const start = Math.max(prevStop, i - context);
    // Extend the hunk until `2*context` equal lines in a row (or the end).
    let end = i;
    let j = i;
    while (j < edits.length) {
      if (edits[j].op !== ' ') {
        end = j;
        j++;
        continue;
      }
      let run = 0;
      while (j + run < edits.length && edits[j + run].op === ' ') run++;
      if (j + run >= edits.length || run > 2 * context) break;
      j += run;
    }
    const stop = Math.min(edits.length, end + 1 + context);
    // Line numbers of the hunk's start on each side.
    let oldLine = 0;
    let newLine = 0;
    for (let t = 0; t < start; t++) {
      if (edits[t].op !== '+') oldLine++;
      if (edits[t].op !== '-') newLine++;
    }
    let oldCount = 0;
    let newCount = 0;
    const body: string[] = [];
    for (let t = start; t < stop; t++) {
      const e = edits[t];
      if (e.op !== '+') oldCount++;
      if (e.op !== '-') newCount++;
      body.push(e.op + e.line);
    }
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`, ...body);
    i = stop;
    prevStop = stop;
  }
  return out.join('\n') + '\n';
}

function range(before: number, count: number): string {
  // diff -u: "start,count" with start 1-based; a count of 1 is omitted; an empty range
  // names the line before it.
  const start = count === 0 ? before : before + 1;
  return count === 1 ? `${start}` : `${start},${count}`;
}

export interface ChangedUnit {
  unit: string;
  /** Unified diff of the unit file and its drop-ins. */
  diff: string;
  /** The lines added (for tracing a change back to the option values it contains). */
  addedLines: string[];
}

export interface UnitTreeDiff {
  added: string[];
  removed: string[];
  changed: ChangedUnit[];
  /** Dependency links (`multi-user.target.wants/foo.service`). */
  linksAdded: string[];
  linksRemoved: string[];
}

/** The text a unit file stands for in a diff (a masked unit reads as its link). */
function fileText(u: UnitFile | undefined): string {
  if (!u) return '';
  if (u.text === null) return '# masked: linked to /dev/null\n';
  if (u.aliasOf !== undefined) return `# alias of ${u.aliasOf}\n`;
  return u.text;
}

/** Compares two unit trees (names sorted). */
export function diffUnitTrees(oldTree: UnitTree, newTree: UnitTree): UnitTreeDiff {
  const names = [...new Set([...oldTree.units.keys(), ...newTree.units.keys()])].sort();
  const res: UnitTreeDiff = { added: [], removed: [], changed: [], linksAdded: [], linksRemoved: [] };
  for (const name of names) {
    const o = oldTree.units.get(name);
    const n = newTree.units.get(name);
    if (!o) res.added.push(name);
    else if (!n) res.removed.push(name);
    else {
      let diff = unifiedDiff(fileText(o), fileText(n), `a/${name}`, `b/${name}`);
      const dropins = [...new Set([...o.dropins.keys(), ...n.dropins.keys()])].sort();
      for (const d of dropins) {
        diff += unifiedDiff(o.dropins.get(d) ?? '', n.dropins.get(d) ?? '', `a/${name}.d/${d}`, `b/${name}.d/${d}`);
      }
      if (diff !== '') {
        const addedLines = diff
          .split('\n')
          .filter((l) => l.startsWith('+') && !l.startsWith('+++ '))
          .map((l) => l.slice(1));
        res.changed.push({ unit: name, diff, addedLines });
      }
    }
  }
  const links = (t: UnitTree): Set<string> => {
    const s = new Set<string>();
    for (const [owner, kinds] of t.deps) for (const [kind, us] of kinds) for (const u of us) s.add(`${owner}.${kind}/${u}`);
    return s;
  };
  const ol = links(oldTree);
  const nl = links(newTree);
  res.linksAdded = [...nl].filter((l) => !ol.has(l)).sort();
  res.linksRemoved = [...ol].filter((l) => !nl.has(l)).sort();
  return res;
}

/** Whether a tree diff is empty. */
export function isEmptyTreeDiff(d: UnitTreeDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length + d.linksAdded.length + d.linksRemoved.length === 0;
}
