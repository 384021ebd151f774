# Derivations: drvPath and outPath must equal Nix's (store directory /nix/store).
(derivation { name = "simple"; system = "x86_64-linux"; builder = "/bin/sh"; }).drvPath
---
(derivation { name = "simple"; system = "x86_64-linux"; builder = "/bin/sh"; }).outPath
---
let d = derivation { name = "multi"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" "doc" ]; };
in [ d.drvPath d.outPath d.dev.outPath d.doc.outPath d.outputName d.dev.outputName (map (o: o.outputName) d.all) ]
---
let d = derivation { name = "multi"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "dev" "out" ]; };
in [ d.outputName d.outPath d.out.outPath d.type (builtins.attrNames d) ]
---
let
  a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo a > $out" ]; };
  b = derivation { name = "b"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "cat ${a} > $out" ]; };
in [ b.drvPath b.outPath ]
---
let
  a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "lib" ]; };
  b = derivation { name = "b"; system = "x86_64-linux"; builder = "/bin/sh"; inputs = [ a.lib a ]; };
  c = derivation { name = "c"; system = "x86_64-linux"; builder = "/bin/sh"; inputs = [ b ]; n = 42; t = true; f = false; nul = null; };
in [ c.drvPath c.outPath ]
---
let f = builtins.toFile "script.sh" "echo hello > $out\n";
in (derivation { name = "uses-file"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ f ]; }).drvPath
---
let
  f1 = builtins.toFile "one" "1";
  f2 = builtins.toFile "two" "refers to ${f1}";
in [ f2 (derivation { name = "t"; system = "x86_64-linux"; builder = "/bin/sh"; src = f2; }).drvPath ]
---
(derivation { name = "path-literal"; system = "x86_64-linux"; builder = "/bin/sh"; src = ./README.md; }).drvPath
---
(derivation { name = "dir"; system = "x86_64-linux"; builder = "/bin/sh"; src = builtins.path { path = ./.; filter = p: t: builtins.match ".*/README.md" p != null; }; }).drvPath
---
builtins.path { path = ./README.md; name = "readme"; }
---
builtins.path { path = ./README.md; recursive = false; }
---
builtins.path { path = ./.; name = "only-readme"; filter = p: t: t == "directory" || builtins.match ".*README.md" p != null; }
---
builtins.filterSource (p: t: builtins.match ".*README.md" p != null) ./.
---
"${./README.md}"
---
let
  fo = derivation {
    name = "fetched"; system = "x86_64-linux"; builder = "/bin/sh";
    outputHashMode = "flat"; outputHashAlgo = "sha256";
    outputHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  };
in [ fo.drvPath fo.outPath ]
---
let
  fo = derivation {
    name = "fetched-rec"; system = "x86_64-linux"; builder = "/bin/sh";
    outputHashMode = "recursive";
    outputHash = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
  };
  user = derivation { name = "user"; system = "x86_64-linux"; builder = "/bin/sh"; src = fo; };
in [ fo.drvPath fo.outPath user.drvPath user.outPath ]
---
let
  fo = derivation { name = "sha1-fo"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashAlgo = "sha1"; outputHash = "a9993e364706816aba3e25717850c26c9cd0d89d"; outputHashMode = "recursive"; };
in [ fo.drvPath fo.outPath ]
---
# Two fixed-output derivations with different builders give the same output path, and
# their dependents the same output paths (hashing modulo fixed outputs).
let
  mk = b: derivation { name = "fo"; system = "x86_64-linux"; builder = b; outputHash = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="; };
  use = fo: derivation { name = "use"; system = "x86_64-linux"; builder = "/bin/sh"; src = fo; };
in [ ((mk "/bin/sh").outPath == (mk "/bin/bash").outPath) ((use (mk "/bin/sh")).outPath == (use (mk "/bin/bash")).outPath) ((use (mk "/bin/sh")).drvPath == (use (mk "/bin/bash")).drvPath) ]
---
(derivation { name = "placeholders"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "bin" ]; script = "mv ${builtins.placeholder "bin"} ${placeholder "out"}"; }).drvPath
---
builtins.placeholder "out"
---
(derivation { name = "structured"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; list = [ 1 "two" { three = 3; } null true ]; nested.a.b = "c"; }).drvPath
---
(derivation { name = "ignore-nulls"; system = "x86_64-linux"; builder = "/bin/sh"; __ignoreNulls = true; gone = null; kept = "x"; }).drvPath
---
(derivation { name = "escapes"; system = "x86_64-linux"; builder = "/bin/sh"; s = "quote \" backslash \\ newline \n tab \t cr \r dollar $"; }).drvPath
---
(derivation { name = "lists"; system = "x86_64-linux"; builder = "/bin/sh"; l = [ "a" [ ] "b" [ "c" [ "d" ] ] 1 null ]; }).drvPath
---
let d = builtins.derivationStrict { name = "strict"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "man" ]; };
in [ d.drvPath d.out d.man (builtins.attrNames d) ]
---
let d = derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; };
in [ (d == d) (d.drvAttrs.name) (builtins.typeOf d) (builtins.isAttrs d.drvAttrs) ]
---
builtins.storeDir
---
builtins.storePath "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo"
---
builtins.toFile "foo" "bar"
---
builtins.toFile "with-ctx" "${derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; }}"
---
builtins.toFile "bad name" "x"
---
derivation { system = "x86_64-linux"; builder = "/bin/sh"; }
---
(derivation { name = "x"; system = "x86_64-linux"; }).drvPath
---
(derivation { name = "x"; builder = "/bin/sh"; }).drvPath
---
(derivation { name = "~jiggle~"; system = "x86_64-linux"; builder = "/bin/sh"; }).drvPath
---
(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "out" ]; }).drvPath
---
(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ ]; }).drvPath
---
# expect-error
(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "drvPath" ]; }).drvPath
---
(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; outputHash = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="; }).drvPath
---
(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha256:abcd"; }).drvPath
---
(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashMode = "bogus"; outputHash = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="; }).drvPath
---
(derivation { name = "x.drv"; system = "x86_64-linux"; builder = "/bin/sh"; }).drvPath
---
builtins.derivationStrict "nope"
---
builtins.path { path = ./README.md; sha256 = "0000000000000000000000000000000000000000000000000000"; }
---
# `outputs = null` fails in derivation's `{ outputs ? [ "out" ], ... }` even with __ignoreNulls
# (a null attribute is not a missing one).
(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; __ignoreNulls = true; outputs = null; }).drvPath
---
# Nix 2.8 refuses an output named "drv"; current Nix refuses "drvPath" instead (above).
# expect: "/nix/store/ilyxckxcxbpsq7z81l0vnwagzdjagr7k-x.drv"
(derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "drv" ]; }).drvPath
---
# outputHashMode = "nar" (newer than Nix 2.8) is "recursive".
# expect: true
let mk = m: derivation { name = "fo"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashMode = m; outputHash = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="; };
in (mk "nar").outPath == (mk "recursive").outPath
---
# A path with a trailing slash is added as its canonical form: the filter sees no `//` (as
# Nix 2.8 in --read-write-mode and current Nix; 2.8's --readonly-mode hashes it as written).
# expect: [ true true ]
let f = p: t: builtins.match ".*//.*" p == null && builtins.baseNameOf p == "README.md";
in [
  (builtins.path { path = "${toString ./.}/"; name = "slash"; filter = f; } == builtins.path { path = ./.; name = "slash"; filter = f; })
  (builtins.filterSource f "${toString ./.}/" == builtins.filterSource f ./.)
]
---
# A store path with references, named by a string with context: added with those references
# (Nix 2.8 in --read-write-mode and current Nix; 2.8's --readonly-mode drops them).
# expect: "/nix/store/4xa4rl2zfpm114f2k5j6lz5sakl2654n-h"
let f = builtins.toFile "f" "x"; g = builtins.toFile "g" "${f}"; in builtins.path { path = g; name = "h"; }
---
# ... and without context, without them (as current Nix).
let f = builtins.toFile "f" "x"; g = builtins.toFile "g" "${f}"; in builtins.path { path = builtins.unsafeDiscardStringContext g; name = "h"; }
---
# Current Nix checks that the filter is a function even when a single file never calls it.
# expect-error
builtins.path { path = ./README.md; filter = 1; }
---
# Nix 2.8 accepts the names "." and ".."; current Nix does not.
# expect-error
builtins.toFile "." "x"
---
# expect-error
builtins.toFile ".." "x"
---
# `derivation` is a lambda (Nix's derivation.nix), not a primop.
[ derivation builtins.derivation (builtins.typeOf derivation) (builtins.isFunction derivation) (derivation == builtins.derivation) ]
---
builtins.functionArgs derivation
---
builtins.toXML derivation
---
builtins.toXML builtins.derivation
---
# The positions Nix reports in its //builtin/derivation.nix.
builtins.unsafeGetAttrPos "outputs" (builtins.functionArgs derivation)
---
let d = derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "y" ]; };
in map (n: builtins.unsafeGetAttrPos n d) [ "x" "y" "all" "drvAttrs" "outputName" "type" "outPath" "drvPath" ]
---
let d = derivation { name = "a"; builder = "b"; system = "c"; };
in map (n: builtins.unsafeGetAttrPos n d) [ "out" "all" "type" ]
---
# lazy
derivation { name = "a"; builder = "b"; system = "c"; }
---
# lazy
(derivation { name = "a"; builder = "b"; system = "c"; }).all
---
# lazy
(derivation { name = "a"; builder = "b"; system = "c"; }).drvAttrs
---
# lazy
derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "y" ]; }
---
# lazy
(derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "y" ]; }).y
---
# lazy
(derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "y" "x" ]; }).all
---
# lazy
let d = derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "y" ]; }; in builtins.seq d.all d.all
---
# lazy
let d = derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "y" ]; }; in builtins.deepSeq d.all d
---
# lazy
{ inherit derivation; b = builtins.derivation; }
---
# Nothing but the argument, the output names and the first output's set is forced.
# lazy
derivation { name = throw "n"; builder = throw "b"; system = "c"; }
---
(derivation { name = throw "n"; builder = throw "b"; outputs = [ "o" ]; }).outputName
---
(derivation { outputs = [ "a" (throw "x") ]; }).drvAttrs
---
(derivation { outputs = [ "a" 1 ]; }).drvAttrs
---
derivation 1
---
derivation { outputs = [ ]; }
---
derivation { outputs = null; }
---
derivation { outputs = [ 1 ]; }
---
(derivation { }).type
---
(derivation { }).outPath
---
(derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "x" ]; }).drvPath
---
(derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "y" ]; }).y.outPath
---
(builtins.derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "y" ]; }).all
---
# json
derivation { name = "a"; builder = "b"; system = "c"; outputs = [ "x" "y" ]; }
