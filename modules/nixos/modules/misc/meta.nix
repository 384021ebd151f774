# meta: what a NixOS module says about itself (its maintainers and teams, its manual
# chapter), as NixOS's misc/meta.nix declares it, so that modules written for NixOS, most of
# which end with `meta.maintainers = …`, evaluate here unchanged.
#
# Each attribute may be set once per module file, and none conflicts across files: the lists
# merge into one attribute set keyed by the defining file, as NixOS's manual build reads
# them ({ "/path/to/module.nix" = [ maintainer … ]; }); `doc` and `buildDocsInSandbox` give
# their definitions, each with its file.
# nixling has no copy of nixpkgs' maintainer list (lib.maintainers), so entries are not
# checked against it: a module's `with lib.maintainers; [ name ]` is only looked up when
# something reads the list.
{ lib, ... }:
let
  inherit (lib) types mkOption;

  # An internal option holding a list per module file, merged into { file = list; }. The
  # elements stay unevaluated.
  listByFile = what: example: mkOption {
    type = types.listOf types.raw // {
      description = "list of ${what}";
      merge = loc: defs: lib.zipAttrsWith (file: lists: builtins.concatLists lists)
        (map (def: { ${def.file} = def.value; }) defs);
    };
    internal = true;
    default = [ ];
    example = lib.literalExpression example;
    description = "The ${what} of each module, keyed by the module's file.";
  };

  # One value per module file: the definitions themselves ([ { file; value; } ]), so that
  # two modules' different values do not conflict.
  perFile = type: type // { merge = loc: defs: defs; };
in
{
  options.meta = {
    maintainers = listByFile "maintainers" "[ lib.maintainers.alice ]";
    teams = listByFile "teams" "[ lib.teams.acme ]";

    doc = mkOption {
      type = perFile types.path;
      internal = true;
      example = "./meta.chapter.md";
      description = "The file holding the module's chapter of the manual.";
    };

    buildDocsInSandbox = mkOption {
      type = perFile types.bool;
      internal = true;
      default = true;
      description = ''
        Whether the module's option documentation can be built in a sandbox, seeing only
        `lib`, `options` and `pkgs.formats`.
      '';
    };
  };
}
