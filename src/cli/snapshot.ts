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
import { parse } from '../../grammar';

// Started from a snapshot, process.argv has no script path: [node, ...arguments].
v8.startupSnapshot.setDeserializeMainFunction(() => run(process.argv.slice(1)));

// Warm-up: the parser runs once on a program with most syntax forms, so its functions are
// in the snapshot as bytecode, not compiled again at every start. Nothing is compiled or
// evaluated: that needs the builtins, which (the clock, the environment, the store) are
// installed per run.
const warmUp = `
  let a = 1; b = rec { c = a + 2 * 3 - 4 / 5; d.e = "s\${toString c}t"; inherit a; inherit (b) h; };
      f = { x, y ? 2, ... }@args: x: [ x y 1.5 ./p <nixpkgs> http://u ''
        i \${x}
      '' ];
  in with b; assert a == 1 && !(a != 2) || a < 3 -> a >= 0;
    if b ? d.e then (f { x = 1; } 2).x or null else b.d // { g = a ++ [ ]; }
`;
parse(warmUp, '\xc2\xabstring\xc2\xbb', '/', false);
