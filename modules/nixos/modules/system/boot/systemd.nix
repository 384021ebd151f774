# systemd units, as NixOS's nixos/modules/system/boot/systemd.nix declares and renders
# them: systemd.services, targets, sockets, timers (and services' startAt), paths,
# slices, mounts and automounts become systemd.units.<name> (text and a derivation
# holding the file), and all units together become /etc/systemd/system
# (environment.etc."systemd/system"): unit files, aliases, and the .wants/.upholds/
# .requires links of wantedBy, upheldBy and requiredBy. The option types and the
# rendering live in ../../../lib/systemd-*.nix.
#
# Unlike NixOS, nixling runs on a host whose systemd already ships its own units:
# /etc/systemd/system holds only the configuration's units (and those of
# systemd.packages), not copies of upstream ones, and none of NixOS's links to them
# (default.target, ctrl-alt-del.target, …) or its overrides of upstream units.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types mapAttrs' nameValuePair;
  cfg = config.systemd;

  utils = import ../../../lib/systemd-utils.nix { inherit config lib pkgs; };
  inherit (utils) systemdUtils;
  inherit (systemdUtils.lib)
    generateUnits targetToUnit serviceToUnit socketToUnit timerToUnit pathToUnit
    mountToUnit automountToUnit sliceToUnit;

  unitsOption = type: kind: manpage: mkOption {
    default = { };
    inherit type;
    description = "Definition of systemd ${kind} units; see {manpage}`${manpage}`.";
  };

  envType = with types; attrsOf (nullOr (oneOf [ str path package ]));

  # `ordered after network-online.target` without depending on it: NixOS's warning.
  netOnlineWarning = kind: name: def:
    lib.optional
      (lib.elem "network-online.target" def.after
        && !(lib.elem "network-online.target" (def.wants ++ def.requires ++ def.bindsTo)))
      "${name}.${kind} is ordered after 'network-online.target' but doesn't depend on it";
  netOnlineWarnings = kind: defs: lib.concatLists (lib.mapAttrsToList (netOnlineWarning kind) defs);
  mountNetOnlineWarnings = kind: defs: lib.concatMap (m: netOnlineWarning kind m.what m) defs;

  serviceWarnings = name: service:
    let
      type = service.serviceConfig.Type or "";
      restart = service.serviceConfig.Restart or "no";
    in
    lib.optional (type == "oneshot" && (restart == "always" || restart == "on-success"))
      "Service '${name}.service' with 'Type=oneshot' cannot have 'Restart=always' or 'Restart=on-success'"
    ++ lib.optional (service.serviceConfig ? StartLimitInterval)
      "Service '${name}.service' uses the attribute 'StartLimitInterval' in the Service section, which is deprecated. See https://github.com/NixOS/nixpkgs/issues/45786."
    ++ lib.optional (service.reloadIfChanged && service.reloadTriggers != [ ])
      "Service '${name}.service' has both 'reloadIfChanged' and 'reloadTriggers' set. This is probably not what you want, because 'reloadTriggers' behave the same whay as 'restartTriggers' if 'reloadIfChanged' is set.";
in
{
  options.systemd = {
    package = lib.mkPackageOption pkgs "systemd" { };

    enableStrictShellChecks = lib.mkEnableOption "" // {
      description = ''
        Whether the scripts generated from services' script, preStart, postStart, reload,
        preStop and postStop use a strict bash preamble (errexit, nounset, pipefail) and
        are checked with shellcheck (when the host has it). Each service's own
        `enableStrictShellChecks` takes precedence. Command lines given directly in
        serviceConfig (ExecStart, …) are not affected.
      '';
    };

    units = mkOption {
      default = { };
      type = systemdUtils.types.units;
      description = "Definition of systemd units (text and file); see {manpage}`systemd.unit(5)`.";
    };

    packages = mkOption {
      default = [ ];
      type = types.listOf types.package;
      description = ''
        Packages providing systemd units (in etc/systemd/system or lib/systemd/system),
        linked into /etc/systemd/system. A unit of the configuration with the same name
        becomes a drop-in (NAME.d/overrides.conf) extending the package's.
      '';
    };

    targets = unitsOption systemdUtils.types.targets "target" "systemd.target(5)";
    services = unitsOption systemdUtils.types.services "service" "systemd.service(5)";
    sockets = unitsOption systemdUtils.types.sockets "socket" "systemd.socket(5)";
    timers = unitsOption systemdUtils.types.timers "timer" "systemd.timer(5)";
    paths = unitsOption systemdUtils.types.paths "path" "systemd.path(5)";
    slices = unitsOption systemdUtils.types.slices "slice" "systemd.slice(5)";

    mounts = mkOption {
      default = [ ];
      type = systemdUtils.types.mounts;
      description = ''
        Definition of systemd mount units; see {manpage}`systemd.mount(5)`. A list, since
        a mount unit's name derives from its `where`.
      '';
    };

    automounts = mkOption {
      default = [ ];
      type = systemdUtils.types.automounts;
      description = ''
        Definition of systemd automount units; see {manpage}`systemd.automount(5)`. A
        list, since an automount unit's name derives from its `where`.
      '';
    };

    globalEnvironment = mkOption {
      type = envType;
      default = { };
      example = { TZ = "CET"; };
      description = "Environment variables of every service (a service's own `environment` wins).";
    };

    suppressedSystemUnits = mkOption {
      default = [ ];
      type = types.listOf types.str;
      example = [ "foo.service" ];
      description = "Units left out of /etc/systemd/system, whatever defines them.";
    };
  };

  config = {
    # NixOS modules reach the systemd helpers through the `utils` argument.
    _module.args.utils = lib.mkDefault utils;

    warnings =
      lib.concatLists (lib.mapAttrsToList serviceWarnings cfg.services)
      ++ netOnlineWarnings "target" cfg.targets
      ++ netOnlineWarnings "service" cfg.services
      ++ netOnlineWarnings "socket" cfg.sockets
      ++ netOnlineWarnings "timer" cfg.timers
      ++ netOnlineWarnings "path" cfg.paths
      ++ mountNetOnlineWarnings "mount" cfg.mounts
      ++ mountNetOnlineWarnings "automount" cfg.automounts
      ++ netOnlineWarnings "slice" cfg.slices;

    assertions = lib.concatLists (lib.mapAttrsToList
      (name: service: lib.optional
        (lib.elem "network-interfaces.target" service.after || lib.elem "network-interfaces.target" service.wants)
        {
          assertion = false;
          message = "Service '${name}.service' is using the deprecated target network-interfaces.target, which no longer exists. Using network.target is recommended instead.";
        })
      cfg.services);

    system.build.units = cfg.units;

    environment.etc."systemd/system".source = generateUnits {
      type = "system";
      units = lib.filterAttrs (n: _: !lib.elem n cfg.suppressedSystemUnits) cfg.units;
    };

    systemd.units =
      let withName = toUnit: def: nameValuePair def.name (toUnit def);
      in
      mapAttrs' (_: withName pathToUnit) cfg.paths
      // mapAttrs' (_: withName serviceToUnit) cfg.services
      // mapAttrs' (_: withName sliceToUnit) cfg.slices
      // mapAttrs' (_: withName socketToUnit) cfg.sockets
      // mapAttrs' (_: withName targetToUnit) cfg.targets
      // mapAttrs' (_: withName timerToUnit) cfg.timers
      // lib.listToAttrs (map (withName mountToUnit) cfg.mounts)
      // lib.listToAttrs (map (withName automountToUnit) cfg.automounts);

    # A service with startAt is started by a timer of the same name.
    systemd.timers = lib.mapAttrs
      (_: service: {
        wantedBy = [ "timers.target" ];
        timerConfig.OnCalendar = service.startAt;
      })
      (lib.filterAttrs (_: service: service.enable && service.startAt != [ ]) cfg.services);
  };
}
