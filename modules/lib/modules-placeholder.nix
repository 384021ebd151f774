# nixling lib — MODULE SYSTEM HOOK.
#
# The module system (lib.modules, lib.options, lib.types, evalModules, mkOption,
# mkIf, mkMerge, mkOverride, mkDefault, mkForce, mkOrder, mkBefore, mkAfter,
# mkEnableOption, mkPackageOption, literalExpression, … and their top-level
# aliases) is implemented natively in TypeScript by nixling. Whoever lands it
# replaces this file (or the import of it in ./default.nix) so that it returns
# those attributes; default.nix merges the returned set into `lib` inside the
# fixed point, so `lib.types`, `lib.mkIf` etc. see and are seen by the rest.
#
# Deliberately empty: nixling ships no Nix-level stand-in for the module system.
{ lib }:
{ }
