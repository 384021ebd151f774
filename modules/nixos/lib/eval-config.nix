# Evaluates a NixOS-style configuration: our base modules (../modules/module-list.nix)
# plus the user's, with `modulesPath` and `pkgs` as NixOS provides them.
{ system ? builtins.currentSystem
, modules ? [ ]
, specialArgs ? { }
, lib ? import ../../lib
, baseModules ? import ../modules/module-list.nix
, extraModules ? [ ]
, prefix ? [ ]
}:
let
  systemModule = {
    _file = ./eval-config.nix;
    key = ./eval-config.nix;
    config.nixpkgs.system = lib.mkDefault system;
  };
  eval = lib.evalModules {
    inherit prefix;
    class = "nixos";
    specialArgs = { modulesPath = toString ../modules; } // specialArgs;
    modules = baseModules ++ extraModules ++ [ systemModule ] ++ modules;
  };
in
eval // { pkgs = eval._module.args.pkgs; }
