/**
 * The startup snapshot bin/nixling uses for every command but parse, instantiate and eval:
 * snapshot.ts plus the other commands (system-commands.ts) and nixling's own Nix files (lib,
 * NixOS modules, corepkgs) already parsed, since most of these commands evaluate a NixOS
 * configuration. Parsing the files costs more than deserialising them, but the extra heap
 * and code would slow the evaluation commands' starts, hence two snapshots.
 * The cache is keyed by path, mtime and size, so an edited file is parsed again.
 */
import * as path from 'node:path';
import { preloadParseCache } from '../eval/index';
import { nixlingDataDir } from '../builtins/import';
import './snapshot';
import './system-commands';

preloadParseCache([path.join(nixlingDataDir(), 'modules'), path.join(nixlingDataDir(), 'corepkgs')]);
