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
---
# storePath keeps the context of its argument: a drvPath still has all its outputs.
builtins.getContext (builtins.storePath (derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; }).drvPath)
---
builtins.storePath "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/"
---
builtins.getContext (builtins.storePath "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/")
---
builtins.storePath "/nix//store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo"
---
# Below a store path, symlinks are resolved: a missing or non-directory component fails.
builtins.storePath "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/bar/baz"
---
builtins.storePath "${toString ./.}/does-not-exist"
---
# appendContext keys are store paths once canonicalised; they are kept as written, and a
# derivation using them gets the canonical path as input.
builtins.getContext (builtins.appendContext "" { "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/" = { path = true; }; })
---
builtins.getContext (builtins.appendContext "" { "/nix//store/./vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo" = { path = true; }; })
---
(derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; a = builtins.appendContext "" { "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/" = { path = true; }; }; }).drvPath
---
# An empty output name reads back as all outputs; a '!' in one leaves no store path.
builtins.getContext (builtins.appendContext "" { "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo.drv" = { outputs = [ "" ]; }; })
---
builtins.getContext (builtins.appendContext "" { "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo.drv" = { outputs = [ "a!b" ]; }; })
---
# expect-error
builtins.appendContext "" { "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-." = { path = true; }; }
---
# toPath keeps the context of a string.
let show = s: let c = builtins.getContext s; in map (k: [ k c.${k} ]) (builtins.attrNames c);
in show (builtins.toPath "${builtins.toFile "a" "b"}")
