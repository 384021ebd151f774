# What `nix-instantiate --eval` without `--strict` shows: only what the evaluation forced,
# the rest as <CODE>. Which parts Nix makes thunks for (everything but constants, variables
# and empty lists) is therefore visible, and nixling must make the same ones.
# lazy
{ a = [ 1 ]; b = { c = 1; }; d = 1 + 1; e = 1; f = "s"; h = ./x; i = 1.5; }
---
# lazy
[ [ 1 ] { x = 1; } (1 + 1) null true ]
---
# lazy
let x = { a = 1; }; y = [ 2 ]; in [ x y x.a ]
---
# lazy
let x = { a = 1; }; in builtins.seq x [ x ]
---
# lazy
builtins.map (x: [ x ]) [ 1 2 ]
---
# lazy
builtins.genList (x: x) 2
---
# lazy
let f = { a }: [ a ]; in f { a = 1; }
---
# lazy
let f = args@{ a, ... }: [ args a ]; in f { a = [ 1 ]; b = 2; }
---
# lazy
rec { a = [ b ]; b = { c = a; }; }
---
# lazy
let s = { a = 1; b = 2; }; in s // { c = [ 3 ]; }
---
# lazy
builtins.listToAttrs [ { name = "a"; value = [ 1 ]; } ]
---
# lazy
builtins.mapAttrs (n: v: [ v ]) { a = 1; }
---
# lazy
{ inherit (builtins) map; x = builtins.head [ 1 ]; }
---
# Current Nix makes no thunk for an empty list (Nix 2.8 did).
# lazy
# expect: { a = [ ]; b = <CODE>; }
{ a = [ ]; b = [ [ ] ]; }
---
# A lambda is made behind a thunk like any other expression.
# lazy
{ f = x: x; g = [ (x: x) ]; }
---
# Builtins get lambdas and literals as arguments without a thunk (nixling makes them at
# once there); what they return shows no difference.
# lazy
[ (builtins.seq 1 [ [ 1 ] (x: x) ]) (builtins.foldl' (a: b: a) { a = [ 1 ]; } [ ]) (builtins.trace "t" { b = x: x; }) ]
---
# lazy
builtins.seq (builtins.map (x: x) [ ]) (builtins.head [ { c = [ 1 ]; } ])
---
# lazy
(builtins.tryEval { d = [ 1 ]; }).value
---
# lazy
builtins.mapAttrs (n: v: v) { e = [ 1 ]; }
---
# lazy
let x = 1; s = { a = { b = 2; }; }; in [ "${toString x}" s.a s.a.b (s.c or 3) (x + 1) (if true then 1 else 2) (with s; a) (assert true; 1) (let y = 1; in y) ]
---
# lazy
let s = { a = [ 1 ]; }; in { inherit s; inherit (s) a; b = rec { c = [ 1 ]; d = c; }; }
---
# lazy
[ builtins.map map (builtins.map (x: x)) ./corpus (builtins.head) ]
---
# lazy
let f = x: y: [ x y ]; in [ (f 1) (f 1 2) f ]
---
# lazy
let s = { a = 1; }; in [ (s ? a) (s // { }) ({ } // s) (-1) (!true) ([ 1 ] ++ [ 2 ]) ("a" + "b") ]
---
# A let-bound function read only by calling it (nixling makes it without a thunk), next to
# ones that escape unforced.
# lazy
let f = x: [ x ]; g = x: x; h = x: x; k = g; in { a = f 1; b = h; c = k; d = (f 2); e = builtins.seq h h; }
---
# lazy
let f = x: x; in [ (f 1) f ]
---
# lazy
let f = x: x; in { inherit f; g = f 1; }
---
# lazy
let f = x: x; y = let g = f; in [ g ]; in y
---
# lazy
let f = x: x; in with { f = 1; }; [ f ]
---
# lazy
let f = x: x; in builtins.map f [ 1 ]
---
# lazy
let f = x: x; s = rec { g = f; }; in s
