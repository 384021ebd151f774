/**
 * The startup snapshot bin/nixling uses for the commands that always evaluate a NixOS
 * configuration (build -c, option, options, repl, switch, diff): snapshot.ts plus nixling's
 * own Nix files (lib, NixOS modules, corepkgs) already parsed. Parsing them costs more than
 * deserialising them, but the extra heap would slow every other start, hence two snapshots.
 * The cache is keyed by path, mtime and size, so an edited file is parsed again.
 */
import * as path from 'node:path';
import { preloadParseCache } from '../eval/index';
import { nixlingDataDir } from '../builtins/import';
import './snapshot';

preloadParseCache([path.join(nixlingDataDir(), 'modules'), path.join(nixlingDataDir(), 'corepkgs')]);
