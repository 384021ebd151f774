/**
 * `nixling repl [-c FILE] [--show-trace]`: a REPL like `nix repl` on a configuration, with
 * `config`, `options`, `pkgs`, `system` and `lib` in scope (src/system/repl.ts). On a
 * terminal it prompts, keeps a history for the session and completes attribute paths with
 * TAB; otherwise it reads lines from standard input and prints each result, so scripts
 * and tests can drive it. `-c` is optional when ./configuration.nix exists; without a
 * configuration only `lib` (and the builtins) are in scope.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Readline from 'node:readline';
import { addNixPathFromEnv } from '../eval/state';
import { resolveConfigFile } from '../system/configuration';
import { inspectSystem } from '../system/option-info';
import { ReplSession } from '../system/repl';
import { formatLookup, parseConfigArgs, useColor, warnConfigError } from './option';
import { reportError, writeErr, writeOut } from './output';
import { NixError } from '../eval/errors';

export async function replCommand(argv: string[]): Promise<number> {
  let session: ReplSession;
  try {
    const o = parseConfigArgs(argv);
    if (o.rest.length) throw new NixError('eval', `unexpected argument '${o.rest[0]}'`);
    addNixPathFromEnv();
    const cwd = process.cwd();
    const hasDefault = fs.existsSync(path.join(cwd, 'configuration.nix'));
    const sys = o.config !== undefined || hasDefault ? inspectSystem(resolveConfigFile(o.config, cwd)) : undefined;
    const interactive = !!process.stdin.isTTY && !!process.stdout.isTTY;
    const color = useColor(process.stdout);
    session = new ReplSession(sys, { cwd, formatDoc: (r) => formatLookup(r, { color, cwd }) });
    if (interactive) {
      writeErr('Welcome to nixling repl. Type :? for help.\n\n');
      if (sys) writeErr(`Loading configuration '${sys.configFile}'...\n`);
      writeErr(`Added ${session.names().length} variables.\n\n`);
    }
    if (sys) warnConfigError(sys);
    return await (interactive ? runInteractive(session) : runPiped(session));
  } catch (e) {
    return reportError(e);
  }
}

/** One line through the session: prints the result; true when the session should end. */
function handle(session: ReplSession, line: string): { quit: boolean; more: boolean } {
  const r = session.line(line);
  if (r.out) writeOut(r.out);
  if (r.err) writeErr(r.err);
  return { quit: !!r.quit, more: !!r.more };
}

async function runPiped(session: ReplSession): Promise<number> {
  const rl = readline().createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  let more = false;
  for await (const line of rl) {
    const r = handleSafely(session, line);
    if (r.quit) {
      rl.close();
      return 0;
    }
    more = r.more;
  }
  if (more) writeErr('error: unexpected end of input (an incomplete expression)\n');
  return more ? 1 : 0;
}

function handleSafely(session: ReplSession, line: string): { quit: boolean; more: boolean } {
  try {
    return handle(session, line);
  } catch (e) {
    // An internal bug in one line should not end the session silently.
    reportError(e);
    return { quit: false, more: false };
  }
}

function runInteractive(session: ReplSession): Promise<number> {
  return new Promise((resolve) => {
    const rl = readline().createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: true,
      historySize: 1000,
      completer: (line: string) => {
        try {
          return session.complete(line);
        } catch {
          return [[], line];
        }
      },
    });
    const PROMPT = 'nixling-repl> ';
    const MORE = '              ';
    rl.setPrompt(PROMPT);
    rl.prompt();
    rl.on('line', (line) => {
      const r = handleSafely(session, line);
      if (r.quit) {
        rl.close();
        return;
      }
      rl.setPrompt(r.more ? MORE : PROMPT);
      rl.prompt();
    });
    rl.on('SIGINT', () => {
      // Ctrl-C drops the current input, as nix repl does; Ctrl-D (close) quits.
      writeOut('\n');
      session.reset();
      rl.setPrompt(PROMPT);
      rl.prompt();
    });
    rl.on('close', () => {
      writeOut('\n');
      resolve(0);
    });
  });
}

/** readline is loaded on use: the bundle's load is captured in a V8 startup snapshot. */
function readline(): typeof Readline {
  return require('node:readline') as typeof Readline;
}
