# nixling lib — MODULE SYSTEM HOOK. The module system is native TypeScript
# (src/modules/, exposed as the `__nixling` global); ./modules.nix, ./options.nix and
# ./types.nix wire it into `lib` (lib.modules, lib.options, lib.types and the usual
# top-level aliases). default.nix merges this set into `lib` inside the fixed point.
# Under another evaluator (no `__nixling`, e.g. real Nix running our lib in tests) the
# module system is absent and this hook contributes nothing, as before it existed.
{ lib }:
let
  native = with { __nixling = null; }; __nixling;
  modules = import ./modules.nix { inherit lib; };
  options = import ./options.nix { inherit lib; };
  types = import ./types.nix { inherit lib; };
in
if native == null then { } else
{
  inherit modules options types;
  inherit (modules) evalModules mkIf mkMerge mkOverride mkOrder mkDefinition mkOptionDefault
    mkDefault mkImageMediaOverride mkForce mkVMOverride mkBefore mkAfter mkFixStrictness
    setDefaultModuleLocation importApply pushDownProperties dischargeProperties
    defaultOverridePriority defaultOrderPriority filterOverrides sortProperties fixupOptionType mkAssert
    mkAliasDefinitions mkAliasAndWrapDefinitions fixMergeModules mkRemovedOptionModule
    mkRenamedOptionModule mkRenamedOptionModuleWith mkMergedOptionModule mkChangedOptionModule
    mkAliasOptionModule mkDerivedConfig doRename mkAliasOptionModuleMD;
  inherit (options) mkOption mkEnableOption mkPackageOption mkSinkUndeclaredOptions literalExpression literalMD
    isOption showOption showFiles showDefs getValues getFiles mergeDefaultOption mergeOneOption
    mergeEqualOption mergeUniqueOption mergeTypedOption optionAttrSetToDocList optionAttrSetToDocList'
    scrubOptionValue showOptionWithDefLocs unknownModule;
  inherit (modules) mergeDefinitions;
  inherit (types) isType setType defaultTypeMerge defaultFunctor isOptionType mkOptionType;
}
