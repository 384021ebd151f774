# The options of systemd units, with NixOS's names, types and defaults (as
# nixos/lib/systemd-unit-options.nix): options every unit has (enable, name, wantedBy, …),
# those of units defined by option sets (description, requires, …, unitConfig), and those
# of each kind (services, sockets, timers, paths, slices, mounts, automounts). The
# `stage2*` modules are the ones of the running system (NixOS also has stage 1, initrd).
{ lib, systemdUtils }:
let
  inherit (systemdUtils.lib) assertValueOneOf checkUnitConfig makeJobScript unitNameType;
  inherit (lib) any concatMap isList mergeEqualOption mkIf mkMerge mkOption mkOptionType toList types;

  # A value of a unit section. A key defined as a list in any definition is a repeated key:
  # all definitions are concatenated (non-lists becoming one element). Otherwise the
  # definitions must agree.
  unitOption = mkOptionType {
    name = "systemd option";
    merge = loc: defs:
      if any (def: isList def.value) defs
      then concatMap (def: toList def.value) defs
      else mergeEqualOption loc defs;
  };

  unitList = description: mkOption { default = [ ]; type = types.listOf unitNameType; inherit description; };
  section = name: manpage: example: mkOption {
    default = { };
    inherit example;
    type = types.attrsOf unitOption;
    description = "Keys of the `[${name}]` section of the unit; see {manpage}`${manpage}`.";
  };

  checkService = checkUnitConfig "Service" [
    (assertValueOneOf "Type" [ "exec" "simple" "forking" "oneshot" "dbus" "notify" "notify-reload" "idle" ])
    (assertValueOneOf "Restart" [ "no" "on-success" "on-failure" "on-abnormal" "on-abort" "always" ])
  ];

  # A script option and the [Service] key it fills.
  scriptOption = description: mkOption { type = types.lines; default = ""; inherit description; };

  # The options of services, declared once for all of them (serviceOptions is a function
  # of each service's name and config: declaring them inside it would make them anew for
  # every service).
  serviceOptionDecls = {
    environment = mkOption {
      default = { };
      type = with types; attrsOf (nullOr (oneOf [ str path package ]));
      example = { PATH = "/foo/bar/bin"; LANG = "nl_NL.UTF-8"; };
      description = "Environment variables of the service's processes (`Environment=`); null leaves one out.";
    };
    path = mkOption {
      default = [ ];
      type = with types; listOf (oneOf [ package str ]);
      description = "Packages whose `bin` and `sbin` directories make up the service's PATH.";
    };
    serviceConfig = mkOption {
      default = { };
      example = { RestartSec = 5; };
      type = types.addCheck (types.attrsOf unitOption) checkService;
      description = ''
        Keys of the `[Service]` section; see {manpage}`systemd.service(5)`. `Type` and
        `Restart` are checked against the values systemd knows.
      '';
    };
    enableStrictShellChecks = mkOption {
      type = types.bool;
      defaultText = lib.literalExpression "config.systemd.enableStrictShellChecks";
      description = ''
        Whether the service's generated scripts use a strict bash preamble (errexit,
        nounset, pipefail) and are checked with shellcheck (when the host has it).
      '';
    };
    script = scriptOption "Shell commands run as the service's main process (`ExecStart=`).";
    scriptArgs = mkOption {
      type = types.str;
      default = "";
      example = "%i";
      description = "Arguments of the main process script; systemd expands specifiers (`%i`) in them.";
    };
    preStart = scriptOption "Shell commands run before the main process (`ExecStartPre=`).";
    postStart = scriptOption "Shell commands run after the main process has started (`ExecStartPost=`).";
    reload = scriptOption "Shell commands reloading the service (`ExecReload=`).";
    preStop = scriptOption "Shell commands stopping the service (`ExecStop=`).";
    postStop = scriptOption "Shell commands run after the main process has exited (`ExecStopPost=`).";
    jobScripts = mkOption {
      type = with types; coercedTo path lib.singleton (listOf path);
      internal = true;
      default = [ ];
      description = "The generated scripts of the unit.";
    };
  };
in
rec {
  inherit unitOption;

  sharedOptions = {
    enable = mkOption {
      default = true;
      type = types.bool;
      description = ''
        Whether the unit is generated. If false, the unit file is a symlink to /dev/null,
        which masks it (useful for template instances). Starting the unit at boot is
        `wantedBy`'s business, not this option's.
      '';
    };
    name = mkOption {
      type = types.str;
      description = "The unit's name, with its suffix (`foo.service`); how other units refer to it.";
    };
    overrideStrategy = mkOption {
      default = "asDropinIfExists";
      type = types.enum [ "asDropinIfExists" "asDropin" ];
      description = ''
        `asDropinIfExists`: the unit file, unless a package in `systemd.packages` already
        provides one, then a drop-in `NAME.d/overrides.conf`. `asDropin`: always the
        drop-in (for instances of template units, or extending units of the host).
      '';
    };
    requiredBy = unitList "Units requiring this one: a link in each `UNIT.requires/`.";
    upheldBy = unitList "Units upholding this one (a continuous wantedBy): a link in each `UNIT.upholds/`.";
    wantedBy = unitList ''
      Units wanting this one: a link in each `UNIT.wants/`, made when the configuration is
      built rather than by `systemctl enable`. `[ "multi-user.target" ]` starts a service
      at boot.
    '';
    aliases = unitList "Other names of the unit (symlinks to it).";
  };

  concreteUnitOptions = sharedOptions // {
    text = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "The text of the unit file.";
    };
    unit = mkOption {
      internal = true;
      description = "The derivation holding the unit file.";
    };
  };

  commonUnitOptions = {
    options = sharedOptions // {
      description = mkOption {
        default = "";
        type = types.singleLineStr;
        description = "Description of the unit, shown by systemd in messages and status (`Description=`).";
      };
      documentation = mkOption {
        default = [ ];
        type = types.listOf types.str;
        description = "URIs of the unit's documentation (`Documentation=`).";
      };
      requires = unitList "Units started with this one; this one stops when they stop or fail (`Requires=`).";
      wants = unitList "Units started with this one (`Wants=`).";
      upholds = unitList "Units kept running while this one runs (`Upholds=`).";
      after = unitList "Units this one starts after, when started together (`After=`).";
      before = unitList "Units this one starts before, when started together (`Before=`).";
      bindsTo = unitList "As requires, and this unit also stops when they disappear (`BindsTo=`).";
      partOf = unitList "Units whose stop or restart stops or restarts this one (`PartOf=`).";
      conflicts = unitList "Units stopped when this one starts, and the reverse (`Conflicts=`).";
      requisite = unitList "As requires, but the units are not started: the start fails if they are not running (`Requisite=`).";
      unitConfig = section "Unit" "systemd.unit(5)" { RequiresMountsFor = "/data"; };
      onFailure = unitList "Units activated when this one enters the failed state (`OnFailure=`).";
      onSuccess = unitList "Units activated when this one becomes inactive after success (`OnSuccess=`).";
      startLimitBurst = mkOption {
        type = types.int;
        description = "How many starts are allowed within startLimitIntervalSec (`StartLimitBurst=`).";
      };
      startLimitIntervalSec = mkOption {
        type = types.int;
        description = "The interval of the start rate limit, in seconds (`StartLimitIntervalSec=`).";
      };
    };
  };

  stage2CommonUnitOptions = {
    imports = [ commonUnitOptions ];
    options = {
      restartTriggers = mkOption {
        default = [ ];
        type = types.listOf types.unspecified;
        description = ''
          Values (derivations, files, strings) whose change restarts the unit on a switch:
          they are written to a file named by `X-Restart-Triggers=`.
        '';
      };
      reloadTriggers = mkOption {
        default = [ ];
        type = types.listOf unitOption;
        description = ''
          Values whose change reloads the unit on a switch (`X-Reload-Triggers=`); other
          changes of the unit file still restart it.
        '';
      };
    };
  };
  stage1CommonUnitOptions = commonUnitOptions;

  serviceOptions = { name, config, ... }: {
    options = serviceOptionDecls;

    config =
      let
        job = phase: text: makeJobScript {
          name = "${name}-${phase}";
          inherit text;
          inherit (config) enableStrictShellChecks;
        };
      in
      mkMerge [
        (mkIf (config.preStart != "") rec {
          jobScripts = job "pre-start" config.preStart;
          serviceConfig.ExecStartPre = [ jobScripts ];
        })
        (mkIf (config.script != "") rec {
          jobScripts = job "start" config.script;
          serviceConfig.ExecStart = jobScripts + " " + config.scriptArgs;
        })
        (mkIf (config.postStart != "") rec {
          jobScripts = job "post-start" config.postStart;
          serviceConfig.ExecStartPost = [ jobScripts ];
        })
        (mkIf (config.reload != "") rec {
          jobScripts = job "reload" config.reload;
          serviceConfig.ExecReload = jobScripts;
        })
        (mkIf (config.preStop != "") rec {
          jobScripts = job "pre-stop" config.preStop;
          serviceConfig.ExecStop = jobScripts;
        })
        (mkIf (config.postStop != "") rec {
          jobScripts = job "post-stop" config.postStop;
          serviceConfig.ExecStopPost = jobScripts;
        })
      ];
  };

  stage2ServiceOptions = {
    imports = [ stage2CommonUnitOptions serviceOptions ];
    options = {
      restartIfChanged = mkOption {
        type = types.bool;
        default = true;
        description = "Whether a switch restarts the service when its unit changed (false: `X-RestartIfChanged=false`).";
      };
      reloadIfChanged = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether a switch reloads rather than restarts the service when its unit changed
          (`X-ReloadIfChanged=true`; restartIfChanged is then ignored). reloadTriggers is
          the finer-grained way.
        '';
      };
      stopIfChanged = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Whether a changed service is stopped with the old configuration and started with
          the new one; false (`X-StopIfChanged=false`) restarts it in one step with the new.
        '';
      };
      notSocketActivated = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether a switch treats the service as having no socket, even if socket units
          activate it (`X-NotSocketActivated=true`).
        '';
      };
      startAt = mkOption {
        type = with types; either str (listOf str);
        default = [ ];
        example = "Sun 14:00:00";
        description = ''
          Calendar events ({manpage}`systemd.time(7)`) at which to start the service: a
          timer unit of the same name with these as `OnCalendar=`.
        '';
        apply = v: if isList v then v else [ v ];
      };
    };
  };

  stage1ServiceOptions = { imports = [ stage1CommonUnitOptions serviceOptions ]; };

  socketOptions = {
    options = {
      listenStreams = mkOption {
        default = [ ];
        type = types.listOf types.str;
        example = [ "0.0.0.0:993" "/run/my-socket" ];
        description = "One `ListenStream=` line each, after the socketConfig keys.";
      };
      listenDatagrams = mkOption {
        default = [ ];
        type = types.listOf types.str;
        example = [ "0.0.0.0:993" "/run/my-socket" ];
        description = "One `ListenDatagram=` line each, after the listenStreams.";
      };
      socketConfig = section "Socket" "systemd.socket(5)" { ListenStream = "/run/my-socket"; };
    };
  };

  timerOptions.options.timerConfig = section "Timer" "systemd.timer(5)" { OnCalendar = "Sun 14:00:00"; Unit = "foo.service"; };
  pathOptions.options.pathConfig = section "Path" "systemd.path(5)" { PathChanged = "/some/path"; Unit = "changedpath.service"; };
  sliceOptions.options.sliceConfig = section "Slice" "systemd.slice(5)" { MemoryMax = "2G"; };

  mountOptions.options = {
    what = mkOption { example = "/dev/sda1"; type = types.str; description = "What to mount: a device node, file or other resource."; };
    where = mkOption { example = "/mnt"; type = types.str; description = "The mount point (an absolute path); the unit's name derives from it."; };
    type = mkOption { default = ""; example = "ext4"; type = types.str; description = "The file system type."; };
    options = mkOption { default = ""; example = "noatime"; type = types.commas; description = "Mount options."; };
    mountConfig = section "Mount" "systemd.mount(5)" { DirectoryMode = "0775"; };
  };

  automountOptions.options = {
    where = mkOption { example = "/mnt"; type = types.str; description = "The mount point (an absolute path); the unit's name derives from it."; };
    automountConfig = section "Automount" "systemd.automount(5)" { DirectoryMode = "0775"; };
  };

  stage2 = kind: { imports = [ stage2CommonUnitOptions kind ]; };
  stage1 = kind: { imports = [ stage1CommonUnitOptions kind ]; };
  stage2SocketOptions = stage2 socketOptions;
  stage1SocketOptions = stage1 socketOptions;
  stage2TimerOptions = stage2 timerOptions;
  stage1TimerOptions = stage1 timerOptions;
  stage2PathOptions = stage2 pathOptions;
  stage1PathOptions = stage1 pathOptions;
  stage2SliceOptions = stage2 sliceOptions;
  stage1SliceOptions = stage1 sliceOptions;
  stage2MountOptions = stage2 mountOptions;
  stage1MountOptions = stage1 mountOptions;
  stage2AutomountOptions = stage2 automountOptions;
  stage1AutomountOptions = stage1 automountOptions;
}
