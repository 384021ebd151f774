/**
 * A backtracking matcher built like libstdc++'s regex NFA and its `_Executor` in DFS mode,
 * for the patterns where JavaScript's RegExp would give different results (captures in
 * loops, POSIX longest alternatives in searches). See regex.ts.
 */
import { Node, RegexSpaceError, STATE_LIMIT } from './regex-parse';

// ---------------------------------------------------------------------------------------
// The libstdc++-style NFA and backtracking executor

const enum Op {
  Char,
  Set,
  Any,
  Bol,
  Eol,
  SubBegin,
  SubEnd,
  Alt, // try `alt` then `next`, keep the longest
  Repeat, // greedy: `alt` (once more) then `next` unless a solution was found
  Dummy,
  Accept,
}

export class Nfa {
  op: Op[] = [];
  next: number[] = [];
  alt: number[] = [];
  arg: number[] = [];
  tbl: (Uint8Array | undefined)[] = [];

  constructor(ast: Node, readonly groups: number) {
    const s = this.build(ast);
    const acc = this.add(Op.Accept);
    this.next[s.end] = acc;
    this.start = s.start;
  }
  start: number;

  add(op: Op, arg = 0, tbl?: Uint8Array): number {
    if (this.op.length >= STATE_LIMIT) throw new RegexSpaceError();
    this.op.push(op);
    this.next.push(-1);
    this.alt.push(-1);
    this.arg.push(arg);
    this.tbl.push(tbl);
    return this.op.length - 1;
  }

  /** Builds a fragment; returns its first state and the state whose `next` continues it. */
  build(n: Node): { start: number; end: number } {
    switch (n.k) {
      case 'char': {
        const s = this.add(Op.Char, n.c);
        return { start: s, end: s };
      }
      case 'set': {
        const s = this.add(Op.Set, 0, n.tbl);
        return { start: s, end: s };
      }
      case 'any':
      case 'bol':
      case 'eol':
      case 'empty': {
        const s = this.add(n.k === 'any' ? Op.Any : n.k === 'bol' ? Op.Bol : n.k === 'eol' ? Op.Eol : Op.Dummy);
        return { start: s, end: s };
      }
      case 'group': {
        const b = this.add(Op.SubBegin, n.idx);
        const body = this.build(n.body);
        const e = this.add(Op.SubEnd, n.idx);
        this.next[b] = body.start;
        this.next[body.end] = e;
        return { start: b, end: e };
      }
      case 'seq': {
        const first = this.build(n.items[0]);
        let end = first.end;
        for (let i = 1; i < n.items.length; i++) {
          const f = this.build(n.items[i]);
          this.next[end] = f.start;
          end = f.end;
        }
        return { start: first.start, end };
      }
      case 'alt': {
        const a = this.build(n.a);
        const b = this.build(n.b);
        const end = this.add(Op.Dummy);
        this.next[a.end] = end;
        this.next[b.end] = end;
        const s = this.add(Op.Alt);
        this.alt[s] = a.start;
        this.next[s] = b.start;
        return { start: s, end };
      }
      case 'rep': {
        // Mandatory copies, then a loop (unbounded) or a chain of optional copies.
        const head = this.add(Op.Dummy);
        let end = head;
        for (let i = 0; i < n.min; i++) {
          const f = this.build(n.body);
          this.next[end] = f.start;
          end = f.end;
        }
        if (n.max === -1) {
          const f = this.build(n.body);
          const r = this.add(Op.Repeat);
          this.alt[r] = f.start;
          this.next[f.end] = r;
          this.next[end] = r;
          end = r;
        } else {
          const fin = this.add(Op.Dummy);
          for (let i = n.min; i < n.max; i++) {
            const f = this.build(n.body);
            const r = this.add(Op.Repeat);
            this.alt[r] = f.start;
            this.next[r] = fin;
            this.next[end] = r;
            end = f.end;
          }
          this.next[end] = fin;
          end = fin;
        }
        return { start: head, end };
      }
    }
  }
}

/** One run of the executor: finds a match starting exactly at `begin`. */
export class Executor {
  s = '';
  cur = 0;
  begin = 0;
  exact = false;
  notNull = false;
  hasSol = false;
  solPos = -1;
  capS: Int32Array;
  capE: Int32Array;
  resS: Int32Array;
  resE: Int32Array;
  repPos: Int32Array;
  repCnt: Int32Array;

  constructor(readonly nfa: Nfa) {
    const n = nfa.groups + 1;
    this.capS = new Int32Array(n);
    this.capE = new Int32Array(n);
    this.resS = new Int32Array(n);
    this.resE = new Int32Array(n);
    this.repPos = new Int32Array(nfa.op.length);
    this.repCnt = new Int32Array(nfa.op.length);
  }

  run(s: string, begin: number, exact: boolean, notNull: boolean): boolean {
    this.s = s;
    this.begin = this.cur = begin;
    this.exact = exact;
    this.notNull = notNull;
    this.hasSol = false;
    this.solPos = -1;
    this.capS.fill(-1);
    this.capE.fill(-1);
    this.repCnt.fill(0);
    this.dfs(this.nfa.start);
    return this.hasSol;
  }

  dfs(i: number): void {
    const nfa = this.nfa;
    for (;;) {
      switch (nfa.op[i]) {
        case Op.Char:
          if (this.cur < this.s.length && this.s.charCodeAt(this.cur) === nfa.arg[i]) {
            this.cur++;
            this.dfs(nfa.next[i]);
            this.cur--;
          }
          return;
        case Op.Set:
          if (this.cur < this.s.length && nfa.tbl[i]![this.s.charCodeAt(this.cur)]) {
            this.cur++;
            this.dfs(nfa.next[i]);
            this.cur--;
          }
          return;
        case Op.Any:
          if (this.cur < this.s.length) {
            this.cur++;
            this.dfs(nfa.next[i]);
            this.cur--;
          }
          return;
        case Op.Bol:
          if (this.cur !== 0) return;
          i = nfa.next[i];
          continue;
        case Op.Eol:
          if (this.cur !== this.s.length) return;
          i = nfa.next[i];
          continue;
        case Op.Dummy:
          i = nfa.next[i];
          continue;
        case Op.SubBegin: {
          const g = nfa.arg[i];
          const back = this.capS[g];
          this.capS[g] = this.cur;
          this.dfs(nfa.next[i]);
          this.capS[g] = back;
          return;
        }
        case Op.SubEnd: {
          const g = nfa.arg[i];
          const back = this.capE[g];
          this.capE[g] = this.cur;
          this.dfs(nfa.next[i]);
          this.capE[g] = back;
          return;
        }
        case Op.Alt: {
          this.dfs(nfa.alt[i]);
          const had = this.hasSol;
          this.hasSol = false;
          this.dfs(nfa.next[i]);
          this.hasSol = this.hasSol || had;
          return;
        }
        case Op.Repeat: {
          const pos = this.repPos[i];
          const cnt = this.repCnt[i];
          if (cnt === 0 || pos !== this.cur) {
            this.repPos[i] = this.cur;
            this.repCnt[i] = 1;
            this.dfs(nfa.alt[i]);
            this.repPos[i] = pos;
            this.repCnt[i] = cnt;
          } else if (cnt < 2) {
            this.repCnt[i] = cnt + 1;
            this.dfs(nfa.alt[i]);
            this.repCnt[i] = cnt;
          }
          if (this.hasSol) return;
          i = nfa.next[i];
          continue;
        }
        case Op.Accept: {
          let ok = this.exact ? this.cur === this.s.length : true;
          if (this.notNull && this.cur === this.begin) ok = false;
          this.hasSol = ok;
          if (ok && (this.solPos < 0 || this.solPos < this.cur)) {
            this.solPos = this.cur;
            this.resS.set(this.capS);
            this.resE.set(this.capE);
            this.resS[0] = this.begin;
            this.resE[0] = this.cur;
          }
          return;
        }
      }
    }
  }

  /** The groups of the last solution, as [start, end] pairs (-1 when unmatched). */
  groups(): Array<[number, number] | null> {
    const out: Array<[number, number] | null> = [];
    for (let g = 0; g < this.resS.length; g++) {
      const a = this.resS[g];
      const b = this.resE[g];
      out.push(a >= 0 && b >= 0 ? [a, b] : null);
    }
    return out;
  }
}

