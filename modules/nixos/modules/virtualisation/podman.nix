{ config, lib, pkgs, ... }:
let
  cfg = config.virtualisation.podman;
in
{
  options.virtualisation.podman = {
    enable = lib.mkOption {
      type = lib.types.bool;
      default = false;
      description = "Whether to use podman (the host's) for containers; adds it to the system packages.";
    };
    package = lib.mkPackageOption pkgs "podman" { };
    dockerCompat = lib.mkOption {
      type = lib.types.bool;
      default = false;
      description = "Whether the `docker` command is podman (links it as docker in the system packages).";
    };
  };
  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ cfg.package ]
      ++ lib.optional cfg.dockerCompat (pkgs.runCommand "docker-compat" { } ''
        mkdir -p $out/bin
        ln -s ${lib.getExe cfg.package} $out/bin/docker
      '');
    assertions = [{
      assertion = cfg.dockerCompat -> !config.virtualisation.docker.enable;
      message = "Option dockerCompat conflicts with docker";
    }];
  };
}
