/**
 * The `nixling` command: dispatches to one file per subcommand. Every failure a user can
 * cause is printed by the error renderer and exits with status 1; a JavaScript stack trace
 * is only ever printed for an internal bug, and then says so.
 */
import { parseCommand } from './parse';
import { instantiateCommand } from './instantiate';
import { evalCommand } from './eval';
import { reportError } from './output';
import { resolveStoreConfig, setStoreConfig } from '../store/config';

export type Command = (argv: string[]) => Promise<number> | number;

/**
 * The evaluation commands. The others (building, the store, systems) are added by
 * system-commands.ts: the general startup snapshot, which bin/nixling runs for these three,
 * leaves them out, because every start deserialises all the code a snapshot holds.
 */
const commands: Record<string, Command> = {
  parse: parseCommand,
  instantiate: instantiateCommand,
  eval: evalCommand,
};

export function addCommands(more: Record<string, Command>): void {
  Object.assign(commands, more);
}

const usage = `usage: nixling <command> [options]

commands:
  parse FILE...            parse Nix files (- for standard input); --json prints the AST
  instantiate [OPTS] FILE  a drop-in for nix-instantiate (--parse, --eval, --strict, --json, --xml, -A, --arg, …)
  eval [FILE | -E EXPR]    evaluate strictly and print the value (-A PATH, --json, --store-dir DIR)
  build [FILE | -E EXPR | -c CONFIG]
                           build derivations like nix-build (-A, --arg, -o LINK, --dry-run, -j N, --store ROOT, --store-dir DIR);
                           -c CONFIG builds a system configuration's toplevel
  path-info [-r] [-s] PATH a store path's references (-r: closure), with sizes (-s, -S)
  gc [--dry-run]           delete store paths no root (result links, generations) reaches
  log PATH                 show the build log of a derivation or of the path it built
  switch [-c FILE]         build, record a generation, install the units into ROOT/etc/systemd/system and
                           apply the activation plan (--root DIR, --profile DIR, --toplevel PATH, --dry-run, --rollback)
  generations              list the profile's generations with dates and unit changes (--profile DIR, --json)
  diff [OLD] [NEW]         what switching would change: options, units, activation plan, images (--json);
                           each side a configuration file, a built system, a generation number or current
                           (default: current and ./configuration.nix; one side: compared with current)
  option [PATH] [-c FILE]  an option's value, type, documentation, declarations and definitions
                           (file:line, priority, which won) like nixos-option (--json, --depth N)
  options [-c FILE]        document every option (--json: options.json, --markdown, --json-schema)
  repl [-c FILE]           a REPL like nix repl with config, options, pkgs and lib in scope
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
  // A closed pipe (`nixling options --json | head`) ends the command quietly, as it does
  // for other Unix tools, instead of an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.exitCode = reportError(e);
    },
  );
}
