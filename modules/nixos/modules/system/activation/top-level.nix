# system.build.toplevel: the realised system. A directory holding etc/ (systemd units and
# the rest of environment.etc), sw/ (environment.systemPackages), and links to what the
# configuration needs in the store. Failed assertions stop evaluation with their
# messages; warnings are printed, as NixOS does.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;

  failedAssertions = map (x: x.message) (lib.filter (x: !x.assertion) config.assertions);

  baseSystem = pkgs.linkFarm "nixling-system-${config.networking.hostName}-${config.system.nixos.label}" ([
    { name = "etc"; path = "${config.system.build.etc}/etc"; }
    { name = "etc-metadata.json"; path = "${config.system.build.etc}/etc-metadata.json"; }
    { name = "sw"; path = config.system.path; }
    { name = "nixling-version"; path = pkgs.writeText "nixling-version" config.system.nixos.label; }
    { name = "extra-dependencies"; path = pkgs.writeText "extra-dependencies" (lib.concatMapStringsSep "\n" toString config.system.extraDependencies); }
  ]) // {
    inherit (config.system) stateVersion;
  };

  checked =
    if failedAssertions != [ ] then
      throw "\nFailed assertions:\n${lib.concatStringsSep "\n" (map (x: "- ${x}") failedAssertions)}"
    else lib.showWarnings config.warnings baseSystem;
in
{
  options.system = {
    build = mkOption {
      default = { };
      description = "Attribute set of derivations used to set up the system.";
      type = types.submoduleWith {
        modules = [{ freeformType = types.lazyAttrsOf types.unspecified; }];
      };
    };
    stateVersion = mkOption {
      type = types.str;
      default = "25.11";
      description = ''
        The release whose defaults stateful data was created with (as NixOS's
        system.stateVersion); oci-containers picks its default backend from it.
      '';
    };
    nixos.label = mkOption {
      type = types.strMatching "[a-zA-Z0-9:_\\.-]*";
      default = "nixling-${config.system.stateVersion}";
      description = "Label of this system, part of the toplevel's name.";
    };
    extraDependencies = mkOption {
      type = types.listOf types.pathInStore;
      default = [ ];
      description = "Store paths kept in the system's closure without being used by it.";
    };
  };

  config.system.build.toplevel = checked;
}
