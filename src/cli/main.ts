/**
 * The `nixling` command: dispatches to one file per subcommand. Every failure a user can
 * cause is printed by the error renderer and exits with status 1; a JavaScript stack trace
 * is only ever printed for an internal bug, and then says so.
 */
import { parseCommand } from './parse';
import { instantiateCommand } from './instantiate';
import { evalCommand } from './eval';
import { resolveStoreConfig, setStoreConfig } from '../store/config';

type Command = (argv: string[]) => Promise<number> | number;

const commands: Record<string, Command> = {
  parse: parseCommand,
  instantiate: instantiateCommand,
  eval: evalCommand,
};

const usage = `usage: nixling <command> [options]

commands:
  parse FILE...            parse Nix files (- for standard input); --json prints the AST
  instantiate [OPTS] FILE  a drop-in for nix-instantiate (--parse, --eval, --strict, --json, --xml, -A, --arg, …)
  eval [FILE | -E EXPR]    evaluate strictly and print the value (-A PATH, --json)
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
