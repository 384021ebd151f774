/**
 * The entry point for a V8 startup snapshot (`node --build-snapshot`): loading the bundle
 * and building the chevrotain parser (its self-analysis) happen once, at install time, and
 * every later start deserialises the prepared heap instead. Nothing that depends on the
 * environment, the arguments or the clock may run here: builtins are installed per run.
 */
import * as v8 from 'node:v8';
import * as path from 'node:path';
import { getParser } from '../../grammar';
import { preloadParseCache } from '../eval/index';
import { nixlingDataDir } from '../builtins/import';
import { run } from './main';

getParser();
// nixling's own Nix files (lib, NixOS modules, corepkgs), parsed now rather than per run.
preloadParseCache([path.join(nixlingDataDir(), 'modules'), path.join(nixlingDataDir(), 'corepkgs')]);
// Started from a snapshot, process.argv has no script path: [node, ...arguments].
v8.startupSnapshot.setDeserializeMainFunction(() => run(process.argv.slice(1)));
