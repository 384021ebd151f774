# String context: getContext, appendContext, hasContext, the unsafe… functions.
# (Contexts are shown as lists of [ path info ], so no attribute name needs quoting.)
let
  show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
  drv = derivation { name = "ctx"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
  file = builtins.toFile "ctx-file" "hello";
in show "${drv} ${drv.dev} ${file}"
---
let show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
in show (derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; }).drvPath
---
builtins.hasContext "${builtins.toFile "a" "b"}"
---
builtins.hasContext "plain"
---
builtins.getContext "plain"
---
let s = "${builtins.toFile "a" "b"}"; in builtins.hasContext (builtins.unsafeDiscardStringContext s)
---
let s = "${builtins.toFile "a" "b"}"; in builtins.unsafeDiscardStringContext s == s
---
let
  show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
  d = derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; };
in show (builtins.unsafeDiscardOutputDependency d.drvPath)
---
let
  show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
  d = derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; };
  ctx = builtins.getContext "${d}";
in show (builtins.appendContext "x" ctx)
---
let
  show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
  f = builtins.toFile "a" "b";
in show (builtins.appendContext "x" { ${f} = { path = true; }; })
---
builtins.appendContext "x" { "/not/a/store/path" = { path = true; }; }
---
let f = builtins.toFile "a" "b";
in builtins.appendContext "x" { ${f} = { allOutputs = true; }; }
---
let show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
in show "${./README.md}"
---
let show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
in show (builtins.substring 0 3 "${builtins.toFile "a" "b"}")
---
let
  show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
  d = derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; };
in show (builtins.unsafeDiscardOutputDependency "${d.drvPath}${d}")
---
let
  show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
  a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; };
  b = derivation { name = "b"; system = "x86_64-linux"; builder = "/bin/sh"; dep = a; };
in show "${a.drvPath}${b}${b.drvPath}"
---
# expect: true
let d = derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; };
in builtins.getContext (builtins.addDrvOutputDependencies (builtins.unsafeDiscardOutputDependency d.drvPath)) == builtins.getContext d.drvPath
---
# expect-error
builtins.addDrvOutputDependencies ""
---
# expect-error
builtins.addDrvOutputDependencies "${derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; }}"
