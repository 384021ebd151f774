/**
 * The entry point for a V8 startup snapshot (`node --build-snapshot`): loading the bundle
 * happens once, at install time, and every later start deserialises the prepared heap
 * instead. Nothing that depends on the environment, the arguments or the clock may stay from
 * here: builtins are installed per run.
 *
 * Every start pays for deserialising the whole heap, so this one, for parse, instantiate and
 * eval, holds only their code; snapshot-system.ts adds the other commands and nixling's
 * parsed Nix files.
 */
import * as v8 from 'node:v8';
import { run } from './main';
import { printValueAsJSON } from '../builtins/json';
import { uninstallBuiltins } from '../builtins';
import { evalExpr } from '../eval/index';
import { printAmbiguous } from '../eval/print';
import { deepForce } from '../eval/runtime';

// Started from a snapshot, process.argv has no script path: [node, ...arguments].
v8.startupSnapshot.setDeserializeMainFunction(() => run(process.argv.slice(1)));

// Warm-up: a program with most syntax forms and common builtins is parsed, compiled,
// evaluated and printed once, so those functions are in the snapshot as bytecode instead of
// compiled again at every start (12 M instructions of 131 M for `instantiate --eval -E 1`).
// The builtins it installed are then forgotten: their values (the clock, the environment,
// the store) belong to a run, and each run installs its own.
const warmUp = `
  let a = 1; b = rec { c = a + 2 * 3 - 4 / 5; d.e = "s\${toString c}t"; inherit a; inherit (d) e; };
      f = { x, y ? 2, ... }@args: z: [ x y z 1.5 ./p ''
        i \${toString x}
      '' args ];
      g = n: if n < 2 then n else g (n - 1) + g (n - 2);
  in with b; assert a == 1 && !(a != 2) || a < 3 -> a >= 0;
    if b ? d.e then {
      l = f { x = 1; } 2 ++ map (x: x * 2) (builtins.genList (i: i) 3);
      s = builtins.concatStringsSep "," (builtins.attrNames b) + builtins.toJSON { inherit a; };
      n = builtins.foldl' (x: y: x + y) (g 5) [ 1 2 ] - builtins.length [ ];
      o = (b // { c = null; }).c or true;
    } else throw "unreachable"
`;
const warm = evalExpr(warmUp, { dir: '/' });
deepForce(warm);
printAmbiguous(warm);
printValueAsJSON(warm, true);
uninstallBuiltins();
