# The `pkgs` set handed to NixOS-style modules. There is no nixpkgs here: packages are the
# host's installed programs (./host-packages.nix), plus the trivial builders
# (./trivial-builders.nix) and dockerTools (./docker-tools.nix), all as derivations.
#
#   import <nixling/pkgs> { overlays = [ (final: prev: { … }) ]; }
{ lib ? import ../lib
, system ? builtins.currentSystem
, overlays ? [ ]
, config ? { }
}:
let
  base = final: {
    inherit lib system config;
    pkgs = final;
    # nixpkgs calls its platform description hostPlatform; modules sometimes read it.
    stdenv = import ./stdenv.nix { inherit lib; pkgs = final; };
    buildPlatform = final.stdenv.hostPlatform;
    hostPlatform = final.stdenv.hostPlatform;
    callPackage = fn: args:
      let f = if builtins.isFunction fn then fn else import fn;
      in f (builtins.intersectAttrs (builtins.functionArgs f) final // args);
    dockerTools = import ./docker-tools.nix { inherit lib; pkgs = final; };
  }
  // import ./host-packages.nix { inherit lib; pkgs = final; }
  // import ./trivial-builders.nix { inherit lib; pkgs = final; };
in
lib.fix (lib.foldl' (acc: overlay: lib.extends overlay acc) base overlays)
