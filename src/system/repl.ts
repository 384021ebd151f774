/**
 * The REPL's engine (`nixling repl`), independent of the terminal: a scope of variables
 * (`config`, `options`, `pkgs`, `system`, `lib` of a configuration, plus `:l`oaded files
 * and `x = expr` bindings), lines evaluated and printed as nix repl prints them, the
 * `:` commands, and completion of attribute paths.
 *
 * Printing follows nix repl: the value is forced, and so are the attributes and elements
 * of a top-level set or list; sets and lists nested deeper print as `{ ... }` / `[ ... ]`
 * and derivations as `«derivation /nix/store/….drv»`. `:p` prints everything.
 * An evaluation error is rendered (file:line:col and the source line) and the session
 * goes on. An incomplete expression (unexpected end of file) waits for more lines.
 */
import * as path from 'node:path';
import { NixError, renderError } from '../eval/errors';
import { evalAst, evalExpr, parseSource } from '../eval/index';
import { Scope } from '../eval/scope';
import { evalState } from '../eval/state';
import { Attrs, Lazy, Thunk, Value, force, mkEnv, showType } from '../eval/value';
import { isOptionValue } from '../modules/options';
import { nixPathExpr } from './configuration';
import { InspectedSystem, LookupResult, lookupOption, parseOptionPath, typeDescription } from './option-info';
import { asEvalError, printNix, tryForce } from './option-values';

export interface ReplOutput {
  /** What goes to standard output (a printed value), or ''. */
  out: string;
  /** Errors and messages for standard error, or ''. */
  err: string;
  /** Set when the line started or continues an incomplete expression. */
  more?: boolean;
  /** Set by :q. */
  quit?: boolean;
}

export const REPL_HELP = `The following commands are available:

  <expr>        Evaluate and print expression
  <x> = <expr>  Bind expression to variable
  :? :help      Brings up this help menu
  :doc <path>   Show documentation of an option (config.a.b, options.a.b or a.b)
  :l <path>     Load Nix expression (an attribute set) and add it to scope
  :p <expr>     Evaluate and print expression recursively
  :t <expr>     Describe result of evaluation (for an option: its type)
  :q :quit      Exit nixling repl
`;

const IDENT = /^[a-zA-Z_][a-zA-Z0-9_'-]*$/;
const KEYWORDS = ['assert', 'else', 'if', 'in', 'inherit', 'let', 'or', 'rec', 'then', 'with'];
const COMMANDS = [':?', ':doc', ':help', ':l', ':load', ':p', ':print', ':q', ':quit', ':t'];

export interface ReplOptions {
  /** Base directory for relative paths in expressions. */
  cwd: string;
  /** How `:doc` shows an option (the command line's formatter); JSON by default. */
  formatDoc?: (r: LookupResult) => string;
}

export class ReplSession {
  private readonly vars = new Map<string, Lazy>();
  private pending = '';

  constructor(
    readonly sys: InspectedSystem | undefined,
    readonly opts: ReplOptions = { cwd: process.cwd() },
  ) {
    if (sys) {
      for (const n of sys.root.keys()) if (n !== 'eval') this.vars.set(n, sys.root.get(n)!);
      this.vars.set('config', sys.config);
      this.vars.set('options', sys.options);
    }
    this.vars.set('lib', new Thunk(() => force(evalExpr('import <nixling/lib>', { dir: opts.cwd })), undefined));
  }

  /** Drops an incomplete expression (Ctrl-C). */
  reset(): void {
    this.pending = '';
  }

  /** The names in scope (besides the builtins). */
  names(): string[] {
    return [...this.vars.keys()].sort();
  }

  private render(e: NixError): string {
    return renderError(e, { showTrace: evalState.showTrace }) + '\n';
  }

  /** Evaluates source text in the session's scope (to weak head normal form). */
  evaluate(text: string): Value {
    const names = [...this.vars.keys()];
    const expr = parseSource(Buffer.from(text, 'utf8').toString('latin1'), '\xc2\xabstring\xc2\xbb', this.opts.cwd, false);
    return evalAst(expr, Scope.frame(null, names), mkEnv(null, names.map((n) => this.vars.get(n)!)));
  }

  /** Handles one input line. */
  line(input: string): ReplOutput {
    const text = this.pending ? this.pending + '\n' + input : input;
    const trimmed = text.trim();
    if (!this.pending && trimmed === '') return { out: '', err: '' };
    try {
      if (!this.pending && trimmed.startsWith(':')) return this.command(trimmed);
      const m = /^\s*([a-zA-Z_][a-zA-Z0-9_'-]*)\s*=(?!=)([\s\S]*)$/.exec(text);
      if (m && !KEYWORDS.includes(m[1])) {
        const body = m[2];
        // Parse now (an incomplete body waits for more lines), evaluate lazily.
        this.parseOrWait(body);
        if (this.pending) return { out: '', err: '', more: true };
        const thunk = new Thunk(() => this.evaluate(body), undefined);
        this.vars.set(m[1], thunk);
        return { out: '', err: '' };
      }
      this.parseOrWait(text);
      if (this.pending) return { out: '', err: '', more: true };
      const v = this.evaluate(text);
      return { out: this.print(v, false), err: '' };
    } catch (e) {
      this.pending = '';
      const err = asEvalError(e);
      if (!err) throw e;
      return { out: '', err: this.render(err) };
    }
  }

  /** Parses text; an incomplete expression is kept for the next line (not an error). */
  private parseOrWait(text: string): void {
    try {
      parseSource(Buffer.from(text, 'utf8').toString('latin1'), '\xc2\xabstring\xc2\xbb', this.opts.cwd, false);
      this.pending = '';
    } catch (e) {
      if (e instanceof NixError && e.kind === 'parse' && /unexpected end of file/.test(e.message)) {
        this.pending = text;
        return;
      }
      throw e;
    }
  }

  /** A value as nix repl prints it (`deep`: everything, as :p). */
  print(v: Lazy, deep: boolean): string {
    const p = printNix(v, { depth: deep ? Infinity : 1 });
    return p.text + '\n';
  }

  private command(text: string): ReplOutput {
    const m = /^(:\S+)\s*([\s\S]*)$/.exec(text)!;
    const cmd = m[1];
    const arg = m[2].trim();
    switch (cmd) {
      case ':?':
      case ':help':
        return { out: REPL_HELP, err: '' };
      case ':q':
      case ':quit':
        return { out: '', err: '', quit: true };
      case ':p':
      case ':print': {
        const v = this.evaluate(arg);
        const p = printNix(v, { depth: Infinity });
        return { out: p.text + '\n', err: p.errors.map((e) => this.render(e)).join('') };
      }
      case ':t':
        return { out: this.typeOf(arg) + '\n', err: '' };
      case ':doc':
        return this.doc(arg);
      case ':l':
      case ':load': {
        if (!arg) throw new NixError('eval', ':l needs a file');
        const file = path.resolve(this.opts.cwd, arg);
        const v = force(evalExpr(`import ${nixPathExpr(file)}`, { dir: this.opts.cwd }));
        if (!(v instanceof Attrs)) throw new NixError('type', `':l ${arg}' expects a file evaluating to an attribute set, but it is ${showType(v)}`);
        for (const k of v.keys()) this.vars.set(k, v.get(k)!);
        return { out: '', err: `Added ${v.size} variable${v.size === 1 ? '' : 's'}.\n` };
      }
      default:
        throw new NixError('eval', `unknown command '${cmd}' (:? for help)`);
    }
  }

  /** `:t`: the type of a value; for an option (or config.PATH), the option's type. */
  private typeOf(arg: string): string {
    const cfg = /^config\.(.+)$/.exec(arg);
    if (cfg && this.sys) {
      const parts = tryParsePath(cfg[1]);
      if (parts) {
        const r = lookupOption(this.sys, parts, { depth: 1, showTrace: false });
        if (r.kind === 'option' && r.type) return r.type;
      }
    }
    const v = this.evaluate(arg);
    if (isOptionValue(v)) {
      const t = tryForce(v.get('type') ?? null);
      if ('value' in t && t.value instanceof Attrs) return `option of type ${typeDescription(t.value) ?? 'unspecified'}`;
    }
    return showType(v);
  }

  /** `:doc PATH`: what `nixling option PATH` shows. */
  private doc(arg: string): ReplOutput {
    if (!this.sys) throw new NixError('eval', ':doc needs a configuration');
    const p = arg.replace(/^(config|options)\./, '');
    const parts = tryParsePath(p);
    if (!parts) throw new NixError('eval', `':doc' expects an option path such as networking.hostName, not '${arg}'`);
    const r = lookupOption(this.sys, parts, { depth: 4, showTrace: evalState.showTrace });
    const text = this.opts.formatDoc ? this.opts.formatDoc(r) : JSON.stringify(r, null, 2) + '\n';
    return r.kind === 'missing' || r.kind === 'error' ? { out: '', err: text } : { out: text, err: '' };
  }

  /**
   * Completions for the text before the cursor, as node's readline completer wants them:
   * [candidates, the part of the line they complete].
   */
  complete(line: string): [string[], string] {
    if (/^\s*:[a-z?]*$/.test(line)) {
      const t = line.trim();
      return [COMMANDS.filter((c) => c.startsWith(t)), t];
    }
    const m = /([a-zA-Z_][a-zA-Z0-9_'-]*(?:\.(?:[a-zA-Z_][a-zA-Z0-9_'-]*|"[^"]*"))*)(\.?)([a-zA-Z0-9_'-]*)$/.exec(line);
    const word = /[a-zA-Z0-9_'."-]*$/.exec(line)![0];
    if (!m || word === '') return [[], word];
    const full = m[0];
    const dot = full.lastIndexOf('.');
    if (dot < 0) {
      const all = [...new Set([...this.vars.keys(), ...[...evalState.globals.keys()].filter((k) => !k.startsWith('__')), ...KEYWORDS])];
      return [all.filter((n) => n.startsWith(full)).sort(), full];
    }
    const base = full.slice(0, dot);
    const partial = full.slice(dot + 1);
    const target = this.resolvePath(base);
    if (!(target instanceof Attrs)) return [[], full];
    const hits = target
      .keys()
      .filter((k) => k.startsWith(partial))
      .map((k) => `${base}.${IDENT.test(k) ? k : JSON.stringify(k)}`);
    return [hits, full];
  }

  /** Follows `a.b.c` from a variable (or builtins) without evaluating other expressions. */
  private resolvePath(text: string): Value | undefined {
    const parts = tryParsePath(text);
    if (!parts || parts.length === 0) return undefined;
    let l: Lazy | undefined = this.vars.get(parts[0]) ?? evalState.globals.get(parts[0]);
    try {
      for (const p of parts.slice(1)) {
        if (l === undefined) return undefined;
        const v = force(l);
        l = v instanceof Attrs ? v.get(p) : undefined;
      }
      return l === undefined ? undefined : force(l);
    } catch (e) {
      if (asEvalError(e)) return undefined;
      throw e;
    }
  }
}

function tryParsePath(s: string): string[] | undefined {
  try {
    return parseOptionPath(s);
  } catch {
    return undefined;
  }
}
