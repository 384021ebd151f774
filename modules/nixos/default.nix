# The entry point, as <nixpkgs/nixos>:
#
#   import <nixling/nixos> { configuration = ./configuration.nix; }
#
# returns { config, options, pkgs, system } where system = config.system.build.toplevel.
{ configuration ?
    let env = builtins.getEnv "NIXLING_CONFIG"; in
    if env != "" then env else throw "<nixling/nixos>: pass `configuration` (a file or a module), or set NIXLING_CONFIG"
, system ? builtins.currentSystem
}:
let
  eval = import ./lib/eval-config.nix {
    inherit system;
    modules = [ configuration ];
  };
in
{
  inherit (eval) config options pkgs;
  inherit eval;
  system = eval.config.system.build.toplevel;
}
