# PLACEHOLDER (being replaced)
{ lib, ... }:
{
  options.virtualisation.oci-containers.containers = lib.mkOption { type = lib.types.attrsOf lib.types.anything; default = { }; };
}
