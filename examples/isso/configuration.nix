# Isso, the commenting server, in a podman container managed by systemd: the
# configuration of "Running Isso on NixOS in a Docker container" (Vincent Bernat), with
# the registry's image instead of one built from Python packages.
#
#   nixling build -c examples/isso          # realise the system: units, isso.conf
#   nixling option virtualisation.oci-containers.containers.isso.ports -c examples/isso
{ pkgs, ... }:
let
  port = "8080";
  issoConfig = pkgs.writeText "isso.conf" ''
    [general]
    dbpath = /db/comments.db
    host =
      https://vincent.bernat.ch
      http://localhost:8080
    notify = smtp

    [server]
    listen = http://0.0.0.0:${port}/
  '';
in
{
  system.stateVersion = "25.11";

  virtualisation.oci-containers = {
    backend = "podman";
    containers.isso = {
      image = "ghcr.io/isso-comments/isso:0.13.0";
      ports = [ "127.0.0.1:${port}:${port}" ];
      volumes = [
        "/var/db/isso:/db"
        "${issoConfig}:/config/isso.cfg:ro"
      ];
      environment.ISSO_SETTINGS = "/config/isso.cfg";
    };
  };
}
