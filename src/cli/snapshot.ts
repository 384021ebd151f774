/**
 * The entry point for a V8 startup snapshot (`node --build-snapshot`): loading the bundle
 * happens once, at install time, and every later start deserialises the prepared heap
 * instead. Nothing that depends on the environment, the arguments or the clock may run here:
 * builtins are installed per run.
 *
 * Every start pays for deserialising the whole heap (about 7 ms per MB here), so this one
 * holds only the loaded code; snapshot-system.ts adds nixling's parsed Nix files for the
 * commands that always evaluate a system.
 */
import * as v8 from 'node:v8';
import { run } from './main';

// Started from a snapshot, process.argv has no script path: [node, ...arguments].
v8.startupSnapshot.setDeserializeMainFunction(() => run(process.argv.slice(1)));
