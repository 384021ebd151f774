# The `pkgs` module argument: our package set (<nixling/pkgs>) for nixpkgs.system, with the
# configuration's overlays applied, as NixOS's misc/nixpkgs.nix provides nixpkgs.
{ config, lib, ... }:
let
  cfg = config.nixpkgs;
in
{
  options.nixpkgs = {
    system = lib.mkOption {
      type = lib.types.str;
      example = "x86_64-linux";
      description = "The platform the configuration is evaluated for.";
    };
    overlays = lib.mkOption {
      type = lib.types.listOf (lib.mkOptionType {
        name = "nixpkgs-overlay";
        description = "nixpkgs overlay";
        check = lib.isFunction;
        merge = lib.mergeOneOption;
      });
      default = [ ];
      example = lib.literalExpression ''[ (final: prev: { hello = final.writeShellScriptBin "hello" "echo hi"; }) ]'';
      description = "Functions `final: prev: { … }` applied to the package set, in order.";
    };
    config = lib.mkOption {
      type = lib.types.attrsOf lib.types.anything;
      default = { };
      description = "The package set's configuration (kept for compatibility; nothing reads it yet).";
    };
    pkgs = lib.mkOption {
      type = lib.types.nullOr (lib.types.lazyAttrsOf lib.types.raw);
      default = null;
      description = "A package set to use instead of the one built from nixpkgs.system and nixpkgs.overlays.";
    };
  };

  config._module.args.pkgs =
    if cfg.pkgs != null then cfg.pkgs
    else import ../../../pkgs { inherit lib; inherit (cfg) system overlays config; };
}
