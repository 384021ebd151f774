# The systemd part of NixOS's `utils` module argument (nixos/lib/utils.nix): escaping
# paths into unit names and arguments into ExecStart= command lines, and `systemdUtils`
# (lib, unitOptions, types) for modules that declare units of their own.
{ config, lib, pkgs }:
let
  inherit (lib) replaceStrings removePrefix removeSuffix stringToCharacters;
  self = {
    # "/var/lib/my data" -> "var-lib-my\x20data", as `systemd-escape --path`.
    escapeSystemdPath = s:
      let
        normalized = lib.strings.normalizePath s;
        trimmed = if normalized == "/" then normalized else removeSuffix "/" (removePrefix "/" normalized);
        escaped = lib.strings.escapeC (stringToCharacters " !\"#$%&'()*+,;<=>=@[\\]^`{|}~-") trimmed;
        noLeadingDot = if lib.hasPrefix "." escaped then lib.strings.escapeC [ "." ] "." + removePrefix "." escaped else escaped;
      in
      replaceStrings [ "/" ] [ "-" ] noLeadingDot;

    # One argument of an Exec*= line: JSON-quoted, with systemd's `%` and `$` doubled.
    escapeSystemdExecArg = arg:
      let
        s =
          if builtins.isPath arg then "${arg}"
          else if builtins.isString arg then arg
          else if builtins.isInt arg || builtins.isFloat arg then toString arg
          else throw "escapeSystemdExecArg only allows strings, paths and numbers";
      in
      replaceStrings [ "%" "$" ] [ "%%" "$$" ] (builtins.toJSON s);

    escapeSystemdExecArgs = lib.concatMapStringsSep " " self.escapeSystemdExecArg;

    systemdUtils = {
      lib = import ./systemd-lib.nix { inherit config lib pkgs; utils = self; };
      unitOptions = import ./systemd-unit-options.nix { inherit lib; inherit (self) systemdUtils; };
      types = import ./systemd-types.nix { inherit lib pkgs; inherit (self) systemdUtils; };
    };
  };
in
self
