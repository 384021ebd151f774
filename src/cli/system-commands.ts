/**
 * The commands beyond evaluation: building, the store, system configurations. Importing this
 * module adds them to main.ts's table; the plain bundle and the system snapshot do, the
 * general snapshot (parse, instantiate, eval) does not.
 */
import { addCommands } from './main';
import { buildCommand } from './build';
import { pathInfoCommand } from './path-info';
import { gcCommand } from './gc';
import { logCommand } from './log';
import { optionCommand } from './option';
import { optionsCommand } from './options';
import { replCommand } from './repl';
import { switchCommand } from './switch';
import { generationsCommand } from './generations';
import { diffCommand } from './diff';

addCommands({
  build: buildCommand,
  'path-info': pathInfoCommand,
  gc: gcCommand,
  log: logCommand,
  option: optionCommand,
  options: optionsCommand,
  repl: replCommand,
  switch: switchCommand,
  generations: generationsCommand,
  diff: diffCommand,
  // Hidden: run by streamLayeredImage scripts.
  'stream-image': (argv) => import('./stream-image').then((m) => m.streamImageCommand(argv)),
});
