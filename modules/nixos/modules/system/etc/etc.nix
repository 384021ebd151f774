# environment.etc: files under /etc. The toplevel's etc/ is a tree of symlinks into the
# store (system.build.etc); entries whose mode is not "symlink" are listed, with their
# mode and owner, in etc-metadata.json for `nixling switch` to copy into place.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  enabled = lib.filter (f: f.enable) (lib.attrValues config.environment.etc);

  etcEntry = { name, config, options, ... }: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Whether this /etc file should be generated.";
      };
      target = mkOption {
        type = types.str;
        description = "Name of the file, relative to /etc (the attribute name by default).";
      };
      text = mkOption {
        type = types.nullOr types.lines;
        default = null;
        description = "Text of the file.";
      };
      source = mkOption {
        type = types.path;
        description = "Path of the source file (or directory).";
      };
      mode = mkOption {
        type = types.str;
        default = "symlink";
        example = "0600";
        description = ''
          If not `symlink`, the file is copied instead of symlinked, with the given
          file mode.
        '';
      };
      uid = mkOption {
        type = types.int;
        default = 0;
        description = "UID of the copied file.";
      };
      gid = mkOption {
        type = types.int;
        default = 0;
        description = "GID of the copied file.";
      };
      user = mkOption {
        type = types.str;
        default = "+${toString config.uid}";
        description = "User name of the copied file (overrides uid).";
      };
      group = mkOption {
        type = types.str;
        default = "+${toString config.gid}";
        description = "Group name of the copied file (overrides gid).";
      };
    };
    config = {
      target = lib.mkDefault name;
      source = lib.mkIf (config.text != null) (
        let name' = "etc-" + lib.replaceStrings [ "/" ] [ "-" ] name;
        in lib.mkDerivedConfig options.text (pkgs.writeText name')
      );
    };
  };
in
{
  options.environment.etc = mkOption {
    default = { };
    example = lib.literalExpression ''
      { example-configuration-file = {
          source = "/nix/store/.../etc/dir/file.conf.example";
          mode = "0440";
        };
        "default/useradd".text = "GROUP=100 ...";
      }
    '';
    description = "Set of files that have to be linked in {file}`/etc`.";
    type = types.attrsOf (types.submodule etcEntry);
  };

  options.system.build.etc = mkOption {
    type = types.package;
    internal = true;
    description = "The etc tree of the system.";
  };

  config.system.build.etc =
    let
      targets = map (f: lib.removePrefix "/" f.target) enabled;
      dups = lib.filter (t: lib.count (x: x == t) targets > 1) (lib.unique targets);
    in
    if dups != [ ] then throw "environment.etc: several entries have the target ${lib.concatMapStringsSep ", " (t: "'${t}'") dups}"
    else pkgs.linkFarm "etc" (
      map (f: { name = "etc/" + lib.removePrefix "/" f.target; path = f.source; }) enabled
      ++ [{
        name = "etc-metadata.json";
        path = pkgs.writeText "etc-metadata.json" (builtins.toJSON (map
          (f: { target = lib.removePrefix "/" f.target; source = "${f.source}"; inherit (f) mode uid gid user group; })
          (lib.filter (f: f.mode != "symlink") enabled)));
      }]
    );
}
