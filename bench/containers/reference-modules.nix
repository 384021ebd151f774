# The reference side of bench/containers-scale.mjs, for nix-instantiate with nixpkgs' lib:
# the options the seed oci-containers module reads (networking.proxy, podman/docker,
# assertions, system.stateVersion), a minimal systemd module that renders services to unit
# text the way NixOS does (scripts as derivations, Environment= lines, sorted keys), and a
# stub pkgs whose writers are plain derivations. Written for this benchmark only.
{ lib, ... }:
let
  inherit (lib) mkOption types;

  drv = name: text: derivation { inherit name text; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo \"$text\" > $out" ]; };
  pkg = name: drv name name // { meta.mainProgram = name; };
  pkgs = {
    podman = pkg "podman";
    docker = pkg "docker";
    bash = pkg "bash";
    coreutils = pkg "coreutils";
    writeText = drv;
    writeShellScriptBin = name: text: drv name "#!/bin/sh\n${text}" // { meta.mainProgram = name; };
    writeShellApplication = { name, text, runtimeInputs ? [ ], ... }:
      drv name "#!/bin/sh\nset -o errexit\nset -o nounset\nset -o pipefail\n${text}";
  };

  unitOption = types.mkOptionType {
    name = "systemd option";
    merge = loc: defs:
      let defs' = lib.filterOverrides defs; in
      if lib.any (d: lib.isList d.value) defs'
      then lib.concatMap (d: lib.toList d.value) defs'
      else lib.mergeEqualOption loc defs';
  };

  attrsToSection = as: lib.concatStrings (lib.concatLists (lib.mapAttrsToList (name: value:
    map (x: "${name}=${if x == true then "true" else if x == false then "false" else toString x}\n")
      (if lib.isList value then value else [ value ])) as));

  service = { name, config, ... }: {
    options = {
      wantedBy = mkOption { type = types.listOf types.str; default = [ ]; };
      wants = mkOption { type = types.listOf types.str; default = [ ]; };
      after = mkOption { type = types.listOf types.str; default = [ ]; };
      requires = mkOption { type = types.listOf types.str; default = [ ]; };
      description = mkOption { type = types.str; default = ""; };
      environment = mkOption { type = types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ])); default = { }; };
      path = mkOption { type = types.listOf (types.oneOf [ types.package types.str ]); default = [ ]; };
      script = mkOption { type = types.lines; default = ""; };
      preStop = mkOption { type = types.lines; default = ""; };
      postStop = mkOption { type = types.lines; default = ""; };
      serviceConfig = mkOption { type = types.attrsOf unitOption; default = { }; };
      unitConfig = mkOption { type = types.attrsOf unitOption; default = { }; };
      text = mkOption { type = types.str; internal = true; };
    };
    config = {
      unitConfig = lib.mkMerge [
        (lib.mkIf (config.wants != [ ]) { Wants = toString config.wants; })
        (lib.mkIf (config.after != [ ]) { After = toString config.after; })
        (lib.mkIf (config.requires != [ ]) { Requires = toString config.requires; })
        (lib.mkIf (config.description != "") { Description = config.description; })
      ];
      serviceConfig = lib.mkMerge [
        (lib.mkIf (config.script != "") { ExecStart = "${pkgs.writeShellScriptBin "unit-script-${name}-start" "set -e\n${config.script}"}/bin/unit-script-${name}-start "; })
        (lib.mkIf (config.preStop != "") { ExecStop = "${pkgs.writeShellScriptBin "unit-script-${name}-pre-stop" "set -e\n${config.preStop}"}/bin/unit-script-${name}-pre-stop"; })
        (lib.mkIf (config.postStop != "") { ExecStopPost = "${pkgs.writeShellScriptBin "unit-script-${name}-post-stop" "set -e\n${config.postStop}"}/bin/unit-script-${name}-post-stop"; })
      ];
      environment.PATH = "${lib.makeBinPath config.path}:${lib.makeSearchPathOutput "bin" "sbin" config.path}";
      text = "[Unit]\n" + attrsToSection config.unitConfig + "\n[Service]\n"
        + lib.concatStrings (lib.mapAttrsToList (k: v: lib.optionalString (v != null) "Environment=${builtins.toJSON "${k}=${toString v}"}\n") config.environment)
        + attrsToSection config.serviceConfig
        + lib.optionalString (config.wantedBy != [ ]) "\n[Install]\nWantedBy=${toString config.wantedBy}\n";
    };
  };
in
{
  options = {
    systemd.services = mkOption { type = types.attrsOf (types.submodule service); default = { }; };
    networking.proxy.envVars = mkOption { type = types.attrs; default = { }; };
    virtualisation.podman = { enable = mkOption { type = types.bool; default = false; }; package = mkOption { type = types.package; default = pkgs.podman; }; };
    virtualisation.docker = { enable = mkOption { type = types.bool; default = false; }; package = mkOption { type = types.package; default = pkgs.docker; }; };
    assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; };
    warnings = mkOption { type = types.listOf types.str; default = [ ]; };
    system.stateVersion = mkOption { type = types.str; default = "25.11"; };
  };
  config._module.args.pkgs = pkgs;
}
