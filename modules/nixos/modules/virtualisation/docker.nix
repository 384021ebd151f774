{ config, lib, pkgs, ... }:
let
  cfg = config.virtualisation.docker;
in
{
  options.virtualisation.docker = {
    enable = lib.mkOption {
      type = lib.types.bool;
      default = false;
      description = "Whether to use docker (the host's daemon) for containers; adds it to the system packages.";
    };
    package = lib.mkPackageOption pkgs "docker" { };
  };
  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ cfg.package ];
  };
}
