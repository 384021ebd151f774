/**
 * `nixling instantiate`: a drop-in for `nix-instantiate`. With --parse it prints the parsed
 * expression; with --eval it evaluates and prints like nix-instantiate (--strict, --json,
 * --xml, --raw); otherwise it instantiates the derivations the expression yields and prints
 * their .drv paths. Output, error text and exit status follow nix-instantiate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { printExpr } from '../../grammar';
import { NixError } from '../eval/errors';
import { evalAst, parseSource, readSource, resolveImportPath } from '../eval/index';
import { findInSearchPath } from '../builtins/import';
import { compileProgram } from '../eval/compile';
import { printAmbiguous } from '../eval/print';
import { callFunction, coerceToString, deepForce } from '../eval/runtime';
import { addNixPathFromEnv, evalState, parseSearchPathEntry, setExperimentalFeatures } from '../eval/state';
import { Attrs, force, Lambda, Lazy, showType, Thunk, Value } from '../eval/value';
import { printValueAsJSON } from '../builtins/json';
import { printValueAsXML } from '../builtins/xml';
import { reportError, writeOut } from './output';
import { installBuiltins } from '../builtins';
import { collectDerivations } from './derivations';

interface Options {
  mode: 'instantiate' | 'eval' | 'parse';
  strict: boolean;
  output: 'nix' | 'json' | 'xml' | 'raw';
  location: boolean;
  exprs: string[];
  files: string[];
  attrPaths: string[];
  autoArgs: { name: string; expr?: string; str?: string }[];
}

const IGNORED_WITH_VALUE = new Set(['--timeout', '--max-jobs', '-j', '--cores', '--store', '--add-root', '--eval-store']);
const LINT_FLAGS: Record<string, keyof typeof evalState.lint> = {
  '--lint-url-literals': 'urlLiterals',
  '--lint-absolute-path-literals': 'absolutePathLiterals',
  '--lint-short-path-literals': 'shortPathLiterals',
};
const IGNORED = new Set(['--read-write-mode', '--readonly-mode', '--impure', '--indirect', '--trace-verbose', '--no-gc-warning', '--pure-eval', '--quiet', '-Q', '--verbose', '-v']);

export function parseArgs(argv: string[]): Options {
  const o: Options = {
    mode: 'instantiate',
    strict: false,
    output: 'nix',
    location: true,
    exprs: [],
    files: [],
    attrPaths: [],
    autoArgs: [],
  };
  let isExpr = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      if (i + 1 >= argv.length) throw new NixError('eval', `flag '${a}' requires an argument`);
      return argv[++i];
    };
    switch (a) {
      case '--eval':
      case '--eval-only':
        o.mode = 'eval';
        break;
      case '--parse':
      case '--parse-only':
        o.mode = 'parse';
        break;
      case '--strict':
        o.strict = true;
        break;
      case '--json':
        o.output = 'json';
        break;
      case '--xml':
        o.output = 'xml';
        break;
      case '--raw':
        o.output = 'raw';
        break;
      case '--no-location':
        o.location = false;
        break;
      case '-E':
      case '--expr':
        isExpr = true;
        break;
      case '-A':
      case '--attr':
        o.attrPaths.push(next());
        break;
      case '--arg': {
        const name = next();
        o.autoArgs.push({ name, expr: next() });
        break;
      }
      case '--argstr': {
        const name = next();
        o.autoArgs.push({ name, str: next() });
        break;
      }
      case '-I':
      case '--include':
        evalState.searchPath.push(parseSearchPathEntry(next()));
        break;
      case '--show-trace':
        evalState.showTrace = true;
        break;
      case '--no-show-trace':
        evalState.showTrace = false;
        break;
      case '--abort-on-warn':
        evalState.abortOnWarn = true;
        break;
      case '--max-call-depth':
        evalState.maxCallDepth = Number(next());
        break;
      case '--experimental-features':
      case '--extra-experimental-features':
        setExperimentalFeatures(next(), a === '--experimental-features');
        break;
      case '--option': {
        const name = next();
        const value = next();
        if (name === 'abort-on-warn') evalState.abortOnWarn = value === 'true';
        if (name === 'max-call-depth') evalState.maxCallDepth = Number(value);
        if (name === 'show-trace') evalState.showTrace = value === 'true';
        if (name === 'experimental-features' || name === 'extra-experimental-features') {
          setExperimentalFeatures(value, name === 'experimental-features');
        }
        break;
      }
      default:
        if (IGNORED.has(a)) break;
        // (Object.hasOwn: `a in` would also take `toString`, `constructor`, … as flags.)
        if (Object.hasOwn(LINT_FLAGS, a)) {
          const level = next();
          if (level !== 'ignore' && level !== 'warn' && level !== 'fatal') throw new NixError('eval', `invalid value '${level}' for ${a}`);
          evalState.lint[LINT_FLAGS[a]] = level;
          break;
        }
        if (IGNORED_WITH_VALUE.has(a) || a.startsWith('--lint-')) {
          next();
          break;
        }
        if (a.startsWith('-') && a !== '-') throw new NixError('eval', `unrecognised flag '${a}'`);
        if (isExpr) o.exprs.push(a);
        else o.files.push(a);
    }
  }
  if (isExpr && o.exprs.length === 0) throw new NixError('eval', "'-E' needs an expression");
  addNixPathFromEnv();
  return o;
}

/** Parses (and resolves scopes of) every input; returns them in order. */
function loadInputs(o: Options) {
  const cwd = process.cwd();
  const inputs: { text: string; name: string; dir: string; isFile: boolean }[] = [];
  if (o.exprs.length) {
    for (const e of o.exprs) inputs.push({ text: Buffer.from(e, 'utf8').toString('latin1'), name: '\xc2\xabstring\xc2\xbb', dir: cwd, isFile: false });
  } else {
    const files = o.files.length ? o.files : ['./default.nix'];
    for (const f of files) {
      if (f === '-') {
        inputs.push({ text: readStdin(), name: '\xc2\xabstdin\xc2\xbb', dir: cwd, isFile: false });
      } else {
        // As Nix's lookupFileArg and resolveExprPath: `<p>` is looked up in the search path,
        // a directory means its default.nix, a symbolic link is followed.
        const abs = resolveImportPath(/^<.+>$/.test(f) ? findInSearchPath(f.slice(1, -1)) : path.resolve(cwd, f));
        let text: string;
        try {
          text = readSource(abs);
        } catch {
          throw new NixError('io', `path '${abs}' does not exist`);
        }
        inputs.push({ text, name: abs, dir: path.dirname(abs), isFile: true });
      }
    }
  }
  return inputs.map((i) => parseSource(i.text, i.name, i.dir, i.isFile));
}

function readStdin(): string {
  return fs.readFileSync(0, 'latin1');
}

/** Splits an `-A` path: dots separate, double quotes protect dots. */
export function parseAttrPath(s: string): string[] {
  const res: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') {
      res.push(cur);
      cur = '';
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= s.length) throw new NixError('parse', `missing closing quote in selection path '${s}'`);
        if (s[i] === '"') break;
        cur += s[i++];
      }
    } else cur += c;
  }
  if (cur !== '') res.push(cur);
  return res;
}

/** Calls a function with the --arg/--argstr arguments it takes, as nix-instantiate does. */
export function autoCall(v: Value, autoArgs: Attrs): Value {
  let f = force(v);
  if (f instanceof Attrs && f.has('__functor')) {
    return autoCall(callFunction(force(f.get('__functor')!), [f]), autoArgs);
  }
  if (!(f instanceof Lambda) || !f.info.formals) return f;
  const m = new Map<string, Lazy>();
  if (f.info.ellipsis) for (const k of autoArgs.keys()) m.set(k, autoArgs.get(k)!);
  else {
    for (const [name, hasDefault] of f.info.formals) {
      const a = autoArgs.get(name);
      if (a !== undefined) m.set(name, a);
      else if (!hasDefault) {
        throw new NixError(
          'missing-argument',
          `cannot evaluate a function that has an argument without a value ('${name}')\nNix attempted to evaluate a function as a top level expression; in\nthis case it must have its arguments supplied either by default\nvalues, or passed explicitly with '--arg' or '--argstr'. See\nhttps://nix.dev/manual/nix/stable/language/syntax.html#functions.`,
          { src: f.info.src, start: f.info.start },
        );
      }
    }
  }
  f = callFunction(f, [new Attrs(m)]);
  return f;
}

export function findAlongAttrPath(root: Value, attrPath: string, autoArgs: Attrs): Value {
  let v = root;
  for (const attr of parseAttrPath(attrPath)) {
    v = force(autoCall(v, autoArgs));
    if (/^[0-9]+$/.test(attr)) {
      const idx = Number(attr);
      if (!Array.isArray(v)) {
        throw new NixError('type', `the expression selected by the selection path '${attrPath}' should be a list but is ${showType(v)}`);
      }
      if (idx >= v.length) throw new NixError('missing-attribute', `list index ${idx} in selection path '${attrPath}' is out of range`);
      v = force(v[idx]);
    } else {
      if (!(v instanceof Attrs)) {
        throw new NixError('type', `the expression selected by the selection path '${attrPath}' should be a set but is ${showType(v)}`);
      }
      if (attr === '') throw new NixError('eval', `empty attribute name in selection path '${attrPath}'`);
      const a = v.get(attr);
      if (a === undefined) throw new NixError('missing-attribute', `attribute '${attr}' in selection path '${attrPath}' not found`);
      v = force(a);
    }
  }
  return v;
}

function buildAutoArgs(o: Options): Attrs {
  const m = new Map<string, Lazy>();
  for (const a of o.autoArgs) {
    if (a.str !== undefined) m.set(a.name, Buffer.from(a.str, 'utf8').toString('latin1'));
    else {
      const expr = parseSource(Buffer.from(a.expr!, 'utf8').toString('latin1'), '\xc2\xabstring\xc2\xbb', process.cwd(), false);
      // Nix passes the expression unevaluated (an unused `--arg x 'throw "…"'` is fine).
      m.set(a.name, new Thunk(evalAst, expr));
    }
  }
  return new Attrs(m);
}

export async function instantiateCommand(argv: string[]): Promise<number> {
  let o: Options;
  try {
    o = parseArgs(argv);
  } catch (e) {
    return reportError(e);
  }
  try {
    const exprs = loadInputs(o);
    if (o.mode === 'parse') {
      installBuiltins();
      for (const e of exprs) {
        compileProgram(e); // reports undefined variables, as Nix does when parsing
        writeOut(printExpr(e) + '\n');
      }
      return 0;
    }
    const autoArgs = buildAutoArgs(o);
    const attrPaths = o.attrPaths.length ? o.attrPaths : [''];
    for (const e of exprs) {
      const root = evalAst(e);
      for (const ap of attrPaths) {
        const v = findAlongAttrPath(root, ap, autoArgs);
        if (o.mode === 'eval') {
          const res = autoArgs.size === 0 ? v : force(autoCall(v, autoArgs));
          writeOut(printResult(res, o));
        } else {
          for (const d of collectDerivations(v, autoArgs)) writeOut(d + '\n');
        }
      }
    }
    return 0;
  } catch (e) {
    return reportError(e);
  }
}

function printResult(v: Value, o: Options): string {
  switch (o.output) {
    case 'raw': {
      const s = coerceToString(v, { copyToStore: false });
      return typeof s === 'string' ? s : s.s;
    }
    case 'json':
      return printValueAsJSON(v, o.strict, true).json + '\n';
    case 'xml':
      return printValueAsXML(v, o.strict, o.location);
    default:
      if (o.strict) deepForce(v);
      return printAmbiguous(v) + '\n';
  }
}
