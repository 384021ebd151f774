/**
 * `nixling option PATH [-c FILE] [--json] [--depth N] [--show-trace]`: an option of a
 * configuration, as nixos-option shows it but complete — value, type, default, example,
 * description, declarations and every definition with its file:line and priority, marking
 * the ones that won (src/system/option-info.ts). Without PATH, the top-level options.
 *
 * Exit status: 0 when the path was found (even when its value fails to evaluate: the error
 * is part of what is shown), 1 for an unknown path or a configuration that cannot be loaded.
 *
 * Also the shared pieces of `option`, `options` and `repl`: their flags (-c, --json,
 * --show-trace, -I) and the human layout of a lookup (`formatLookup`, nixos-option's
 * headings with indented bodies, `<nixling/…>` for nixling's own files).
 */
import { NixError, renderError } from '../eval/errors';
import { addNixPathFromEnv, evalState, parseSearchPathEntry } from '../eval/state';
import { resolveConfigFile } from '../system/configuration';
import {
  DefinitionView,
  InspectedSystem,
  LookupResult,
  Position,
  displayFile,
  inspectSystem,
  lookupOption,
  parseOptionPath,
} from '../system/option-info';
import { showOption } from '../modules/util';
import { reportError, writeErr, writeOut } from './output';

export interface ConfigArgs {
  config?: string;
  json: boolean;
  rest: string[];
}

/** Reads `-c FILE`, `--json`, `--show-trace`, `-I PATH`; returns the other arguments. */
export function parseConfigArgs(argv: string[], extra: Record<string, (value: () => string) => void> = {}): ConfigArgs {
  const o: ConfigArgs = { json: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new NixError('eval', `flag '${a}' requires an argument`);
      return argv[++i];
    };
    if (a === '-c' || a === '--configuration') o.config = next();
    else if (a === '--json') o.json = true;
    else if (a === '--show-trace') evalState.showTrace = true;
    else if (a === '-I') evalState.searchPath.push(parseSearchPathEntry(next()));
    else if (extra[a]) extra[a](next);
    else if (a.startsWith('-') && a !== '-') throw new NixError('eval', `unrecognised flag '${a}'`);
    else o.rest.push(a);
  }
  return o;
}

/** Warns when the configuration as a whole does not evaluate (e.g. an unknown option is defined). */
export function warnConfigError(sys: InspectedSystem): void {
  const e = sys.configError();
  if (e) writeErr(`warning: the configuration does not evaluate as a whole:\n${renderError(e, { showTrace: evalState.showTrace })}\n`);
}

/** `nixling options | head`: a reader that stops early ends the command quietly. */
export function quietOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR;
}

export async function optionCommand(argv: string[]): Promise<number> {
  quietOnClosedStdout();
  try {
    let depth = 4;
    const o = parseConfigArgs(argv, {
      '--depth': (next) => {
        const v = next();
        if (!/^\d+$/.test(v)) throw new NixError('eval', `--depth expects a number, not '${v}'`);
        depth = Number(v) === 0 ? Infinity : Number(v);
      },
    });
    if (o.rest.length > 1) throw new NixError('eval', `expected one option path, got ${o.rest.length} (quote names with dots: a."b.c")`);
    addNixPathFromEnv();
    const parts = parseOptionPath(o.rest[0] ?? '');
    const sys = inspectSystem(resolveConfigFile(o.config));
    const r = lookupOption(sys, parts, { depth, showTrace: evalState.showTrace });
    warnConfigError(sys);
    if (o.json) {
      writeOut(JSON.stringify(r, null, 2) + '\n');
    } else if (r.kind === 'missing' || r.kind === 'error') {
      writeErr(formatLookup(r, { color: useColor(process.stderr) }));
    } else {
      writeOut(formatLookup(r, { color: useColor(process.stdout) }));
    }
    return r.kind === 'missing' || r.kind === 'error' ? 1 : 0;
  } catch (e) {
    return reportError(e);
  }
}

// ---------------------------------------------------------------------------------------
// Formatting for people

function showPosition(p: Position, cwd?: string): string {
  const f = displayFile(p.file, cwd);
  return p.line ? `${f}:${p.line}` : f;
}


export interface FormatOptions {
  color: boolean;
  cwd?: string;
}

function indent(s: string, by = '    '): string {
  return s
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');
}

/** A lookup result as text, in nixos-option's layout (headings, indented bodies). */
export function formatLookup(r: LookupResult, fo: FormatOptions = { color: false }): string {
  const bold = (s: string) => (fo.color ? `\x1b[1m${s}\x1b[0m` : s);
  const dim = (s: string) => (fo.color ? `\x1b[2m${s}\x1b[0m` : s);
  const red = (s: string) => (fo.color ? `\x1b[31m${s}\x1b[0m` : s);
  const out: string[] = [];
  const section = (title: string, body: string | undefined) => {
    if (body === undefined) return;
    out.push(bold(title + ':'), indent(body), '');
  };
  const defsBody = (defs: DefinitionView[]): string | undefined => {
    if (defs.length === 0) return undefined;
    const rows = defs.map((d) => {
      const status = !d.active ? 'inactive' : d.won ? 'used' : 'overridden';
      const where = showPosition(d, fo.cwd);
      const prio = d.isOptionDefault ? 'option default (1500)' : d.priority === 100 ? 'no priority (100)' : `${d.priorityName}${/^mkOverride/.test(d.priorityName) ? '' : ` (${d.priority})`}`;
      const order = d.order !== undefined ? `, mkOrder ${d.order}` : '';
      let line = `${status === 'used' ? '*' : '-'} ${where}  ${prio}${order}  [${status}${!d.active ? ': mkIf condition is false' : ''}]`;
      if (d.value !== undefined) line += '\n    ' + d.value.split('\n').join('\n    ');
      if (d.error) line += '\n' + indent(red(d.error));
      return status === 'used' ? line : dim(line);
    });
    return rows.join('\n');
  };
  switch (r.kind) {
    case 'missing': {
      let s = `error: ${r.message}`;
      if (r.suggestions.length === 1) s += `\n\nDid you mean '${r.suggestions[0]}'?`;
      else if (r.suggestions.length > 1) s += '\n\nDid you mean one of:\n' + r.suggestions.map((x) => `  ${x}`).join('\n');
      return s + '\n';
    }
    case 'error':
      return `error while looking up '${r.path}':\n${r.error}\n`;
    case 'value': {
      out.push(bold(r.path), '');
      out.push(r.within ? `A value inside the option '${r.within}'.` : 'A freeform value (no option is declared for it).', '');
      section('Value', r.value ?? red('(evaluation failed)'));
      if (r.valueErrors.length) section('Errors', red(r.valueErrors.join('\n\n')));
      if (r.definitions) section('Defined by', defsBody(r.definitions) ?? '(no definitions)');
      break;
    }
    case 'prefix': {
      out.push(bold(r.path === '' ? '(top level)' : r.path), '');
      if (r.within) {
        out.push(`An element of the option '${r.within}'${r.type ? ` (${r.type})` : ''}.`, '');
        section('Value', r.value ?? red('(evaluation failed)'));
        if (r.valueErrors?.length) section('Errors', red(r.valueErrors.join('\n\n')));
        section('Defined by', r.definitions ? defsBody(r.definitions) : undefined);
      } else out.push('This is an attribute set of options, not an option.', '');
      const opts = r.children.filter((c) => c.option).map((c) => c.name);
      const sets = r.children.filter((c) => !c.option).map((c) => c.name);
      if (opts.length) section('Options', opts.map((n) => showOption([...r.loc, n])).join('\n'));
      if (sets.length) section(r.within ? 'Attributes' : 'Option sets', sets.map((n) => showOption([...r.loc, n])).join('\n'));
      break;
    }
    case 'option': {
      out.push(bold(r.path), '');
      if (r.within) out.push(`An option of the submodule '${r.within}'.`, '');
      if (r.placeholder) out.push('The option as declared for every element (the path goes through a placeholder).', '');
      else section('Value', r.value ?? red('(evaluation failed)'));
      if (r.valueErrors.length) section('Errors', red(r.valueErrors.join('\n\n')));
      section('Type', r.type ?? 'unspecified');
      section('Default', r.default);
      section('Example', r.example);
      section('Description', r.description);
      if (r.readOnly) out.push('This option is read-only.', '');
      if (r.internal) out.push('This option is internal.', '');
      if (r.names !== undefined) section('Names', r.names.length ? r.names.map((n) => showOption([...r.loc, n])).join('\n') : '(none defined)');
      if (r.subOptions && r.subOptions.length) section(r.names !== undefined ? 'Options of each element' : 'Sub-options', r.subOptions.join(' '));
      section('Declared in', r.declarations.map((d) => showPosition(d, fo.cwd)).join('\n') || undefined);
      const legend =
        r.definitions.length > 1 || r.definitions.some((d) => !d.won)
          ? '\n' + dim('(* used; the definitions with the highest priority (lowest number) are merged)')
          : '';
      const body = defsBody(r.definitions);
      if (!r.placeholder) section('Defined in', body === undefined ? '(no definitions)' : body + legend);
      break;
    }
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}
