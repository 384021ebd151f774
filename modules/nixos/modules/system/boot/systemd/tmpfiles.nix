# systemd.tmpfiles.rules and systemd.tmpfiles.settings, as NixOS's
# nixos/modules/system/boot/systemd/tmpfiles.nix declares and renders them. NixOS links
# them into /etc/tmpfiles.d (00-nixos.conf for the rules, <name>.conf for each settings
# entry) for the upstream systemd-tmpfiles units; nixling, whose host keeps its own
# /etc/tmpfiles.d, writes the same files' text into one file in the store, in the order
# systemd-tmpfiles reads them (by file name), and runs it with its own units:
#
#   nixling-tmpfiles.service        systemd-tmpfiles --create --remove FILE, early at boot
#                                   (before sysinit.target, after nixling-sysusers) and
#                                   when a switch changes the file
#   nixling-tmpfiles-clean.timer    systemd-tmpfiles --clean FILE 15 minutes after boot
#   nixling-tmpfiles-clean.service  and daily (the `age` field), as upstream's
#                                   systemd-tmpfiles-clean.timer does for /etc/tmpfiles.d
#
# They exist only when there are rules. Lines whose type has `!` (boot only) are not
# applied, since the service does not know whether the system is booting (as NixOS's
# systemd-tmpfiles-resetup.service).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.systemd.tmpfiles;

  entryOptions = { name, ... }: {
    options = {
      type = mkOption {
        type = types.str;
        default = name;
        defaultText = "‹tmpfiles-type›";
        example = "d";
        description = ''
          The type of operation to perform on the file: a single letter and
          optionally one or more modifier characters. See {manpage}`tmpfiles.d(5)`.
        '';
      };
      mode = mkOption {
        type = types.str;
        default = "-";
        example = "0755";
        description = "The file access mode to use when creating this file or directory.";
      };
      user = mkOption {
        type = types.str;
        default = "-";
        example = "root";
        description = ''
          The user of the file: a numeric ID or a user name. If `"-"`, the user who
          invokes systemd-tmpfiles (root).
        '';
      };
      group = mkOption {
        type = types.str;
        default = "-";
        example = "root";
        description = ''
          The group of the file: a numeric ID or a group name. If `"-"`, the group of
          the user who invokes systemd-tmpfiles (root).
        '';
      };
      age = mkOption {
        type = types.str;
        default = "-";
        example = "10d";
        description = ''
          Delete a file when it reaches a certain age (by nixling-tmpfiles-clean.timer).
          If `"-"` no automatic clean-up is done.
        '';
      };
      argument = mkOption {
        type = types.str;
        default = "";
        example = "";
        description = ''
          An argument whose meaning depends on the type of operation; see
          {manpage}`tmpfiles.d(5)`.
        '';
      };
    };
  };

  attrsWith' = placeholder: elemType: types.attrsWith { inherit elemType placeholder; };

  # One line per (path, type), quoted as NixOS quotes them.
  entryLine = path: e: "'${e.type}' '${path}' '${e.mode}' '${e.user}' '${e.group}' '${e.age}' ${e.argument}\n";
  settingsText = paths:
    lib.concatStrings (lib.mapAttrsToList (path: entries: lib.concatStrings (lib.mapAttrsToList (_: entryLine path) entries)) paths);

  rulesText = ''
    # This file is created automatically and should not be modified.
    # Please change the option ‘systemd.tmpfiles.rules’ instead.

    ${lib.concatStringsSep "\n" cfg.rules}
  '';

  # NixOS's /etc/tmpfiles.d files, by name.
  files =
    lib.optional (cfg.rules != [ ]) { name = "00-nixos.conf"; text = rulesText; }
    ++ lib.mapAttrsToList (name: paths: { name = "${name}.conf"; text = settingsText paths; })
      (lib.filterAttrs (_: paths: paths != { }) cfg.settings);
  sorted = lib.sort (a: b: a.name < b.name) files;

  conf = pkgs.writeText "nixling-tmpfiles.conf"
    (lib.concatMapStringsSep "\n" (f: "# ${f.name}\n${f.text}") sorted);

  tmpfilesBin = "${config.systemd.package}/bin/systemd-tmpfiles";
in
{
  options.systemd.tmpfiles = {
    rules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "d /tmp 1777 root root 10d" ];
      description = ''
        Rules for creation, deletion and cleaning of volatile and temporary files
        automatically. See {manpage}`tmpfiles.d(5)` for the exact format.
      '';
    };

    settings = mkOption {
      description = ''
        Declare systemd-tmpfiles rules to create, delete, and clean up volatile and
        temporary files and directories: `settings.<name>.<path>.<type>`.

        Even though the service is called `*tmp*files` you can also create
        persistent files.
      '';
      example = {
        "10-mypackage" = {
          "/var/lib/my-service/statefolder".d = {
            mode = "0755";
            user = "root";
            group = "root";
          };
        };
      };
      default = { };
      type = attrsWith' "config-name" (attrsWith' "path" (attrsWith' "tmpfiles-type" (types.submodule entryOptions)));
    };
  };

  config = lib.mkIf (files != [ ]) {
    system.build.tmpfiles = conf;

    systemd.services.nixling-tmpfiles = {
      description = "Create the files and directories of the configuration";
      wantedBy = [ "sysinit.target" ];
      after = [ "local-fs.target" "nixling-sysusers.service" "systemd-sysusers.service" "systemd-journald.service" ];
      before = [ "sysinit.target" "shutdown.target" ];
      conflicts = [ "shutdown.target" ];
      unitConfig.DefaultDependencies = false;
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "${tmpfilesBin} --create --remove ${conf}";
        SuccessExitStatus = "DATAERR CANTCREAT";
      };
    };

    systemd.services.nixling-tmpfiles-clean = {
      description = "Clean up the files and directories of the configuration";
      after = [ "local-fs.target" "time-set.target" ];
      before = [ "shutdown.target" ];
      conflicts = [ "shutdown.target" ];
      unitConfig.DefaultDependencies = false;
      serviceConfig = {
        Type = "oneshot";
        ExecStart = "${tmpfilesBin} --clean ${conf}";
        SuccessExitStatus = "DATAERR";
      };
    };

    systemd.timers.nixling-tmpfiles-clean = {
      description = "Daily clean-up of the files and directories of the configuration";
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnBootSec = "15min";
        OnUnitActiveSec = "1d";
      };
    };
  };
}
