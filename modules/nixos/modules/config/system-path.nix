# environment.systemPackages, joined into one tree (the toplevel's `sw`).
{ config, lib, pkgs, ... }:
{
  options.environment.systemPackages = lib.mkOption {
    type = lib.types.listOf lib.types.package;
    default = [ ];
    example = lib.literalExpression "[ pkgs.podman pkgs.curl ]";
    description = "Packages linked into the system's software tree (`sw` in the toplevel).";
  };
  options.system.path = lib.mkOption {
    type = lib.types.package;
    internal = true;
    readOnly = true;
    description = "The joined tree of environment.systemPackages.";
  };
  config.system.path = pkgs.symlinkJoin {
    name = "system-path";
    paths = lib.unique config.environment.systemPackages;
  };
}
