/**
 * The `nixling` command: dispatches to one file per subcommand. Every failure a user can
 * cause is printed by the error renderer and exits with status 1; a JavaScript stack trace
 * is only ever printed for an internal bug, and then says so.
 */
import { parseCommand } from './parse';
import { instantiateCommand } from './instantiate';
import { evalCommand } from './eval';
import { buildCommand } from './build';
import { pathInfoCommand } from './path-info';
import { gcCommand } from './gc';
import { logCommand } from './log';
import { resolveStoreConfig, setStoreConfig } from '../store/config';

type Command = (argv: string[]) => Promise<number> | number;

const commands: Record<string, Command> = {
  parse: parseCommand,
  instantiate: instantiateCommand,
  eval: evalCommand,
  build: buildCommand,
  'path-info': pathInfoCommand,
  gc: gcCommand,
  log: logCommand,
};

const usage = `usage: nixling <command> [options]

commands:
  parse FILE...            parse Nix files (- for standard input); --json prints the AST
  instantiate [OPTS] FILE  a drop-in for nix-instantiate (--parse, --eval, --strict, --json, --xml, -A, --arg, …)
  eval [FILE | -E EXPR]    evaluate strictly and print the value (-A PATH, --json)
  build [FILE | -E EXPR | -c CONFIG]
                           build derivations like nix-build (-A, --arg, -o LINK, --dry-run, -j N, --store ROOT, --store-dir DIR);
                           -c CONFIG builds a system configuration's toplevel
  path-info [-r] [-s] PATH a store path's references (-r: closure), with sizes (-s, -S)
  gc [--dry-run]           delete store paths no root (result links, generations) reaches
  log PATH                 show the build log of a derivation or of the path it built
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(usage);
    return cmd ? 0 : 1;
  }
  const run = commands[cmd];
  if (!run) {
    process.stderr.write(`error: unknown command '${cmd}'\n\n${usage}`);
    return 1;
  }
  return run(rest);
}

/** Runs the command and sets the exit status (used by both entry points). */
export function run(argv: string[]): void {
  // The environment is read per run, never at load: a startup snapshot would freeze it.
  setStoreConfig(resolveStoreConfig());
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`nixling: internal error (this is a bug): ${e?.stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
