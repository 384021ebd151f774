# PLACEHOLDER (being replaced): just enough for the skeleton to evaluate.
{ lib, ... }:
{
  options.systemd.services = lib.mkOption { type = lib.types.attrsOf (lib.types.submodule { freeformType = lib.types.attrsOf lib.types.anything; }); default = { }; };
}
