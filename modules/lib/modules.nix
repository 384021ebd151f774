# nixling lib.modules — the Nix face of the native module system. evalModules' core
# (collection, option tree, definitions, priorities, merging) is native TypeScript
# (src/modules/, reached through the `__nixling` global); this file adds the property
# constructors (mkIf, mkMerge, mkOverride, mkOrder, …), the internal `_module` options,
# extendModules and `type` on evaluation results, as nixpkgs' lib/modules.nix has them.
{ lib }:
let
  # `__nixling` (native module system) exists only in nixling; other evaluators see null.
  native = with { __nixling = null; }; __nixling;
  inherit (lib.options) mkOption;
  types = lib.types;

  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkMerge = contents: { _type = "merge"; inherit contents; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkOrder = priority: content: { _type = "order"; inherit priority content; };
  mkDefinition = args@{ file, value }: args // { _type = "definition"; };

  defaultOverridePriority = 100;
  defaultOrderPriority = 1000;

  # The options every evaluation has, under `_module`.
  # (`_module.args` is visible at the top level and internal in submodules, as in nixpkgs.)
  # Built once per lib (for the top level and for submodules) rather than per evaluation.
  internalOptions = internal: {
    args = mkOption ({ type = types.lazyAttrsOf types.raw;
      description = "Additional arguments passed to each module in addition to ones like `lib`, `config`, and `pkgs`, `modulesPath`."; }
      // lib.optionalAttrs internal { internal = true; });
    check = mkOption { type = types.bool; internal = true; default = true;
      description = "Whether to check whether all option definitions have matching declarations."; };
    freeformType = mkOption { type = types.nullOr types.optionType; internal = true; default = null;
      description = "If set, merge all definitions that don't have an associated option together using this type."; };
    specialArgs = mkOption { readOnly = true; internal = true;
      description = "Externally provided module arguments that can't be modified from within a configuration, but can be used in module imports."; };
  };
  internalOptionsTop = internalOptions false;
  internalOptionsSub = internalOptions true;

  evalModules = evalModulesWith [ ];
  # `sharedModules`: the modules of the evaluation this one extends (the first of `modules`),
  # whose loading the native side keeps across the evaluations that extend it.
  evalModulesWith = sharedModules: evalModulesArgs@{ modules, prefix ? [ ], args ? { }, specialArgs ? { }, class ? null, check ? true }:
    let
      core = native.evalModules {
        inherit lib prefix specialArgs class;
        inherit modules sharedModules;
        # lib's own modules go after the user's, as in nixpkgs (keys count from :anon-1): the
        # deprecated `args`/`check` arguments as modules, then the internal module.
        internalModules =
          (if evalModulesArgs ? args then [ { _file = "lib/modules.nix"; key = "nixling-lib-modules-args"; config._module.args = args; } ] else [ ])
          ++ (if evalModulesArgs ? check then [ { _file = "lib/modules.nix"; key = "nixling-lib-modules-check"; config._module.check = mkOverride 1000 check; } ] else [ ])
          ++ [ {
            _file = "lib/modules.nix"; key = "nixling-lib-modules-internal";
            options._module = if prefix == [ ] then internalOptionsTop else internalOptionsSub;
            config._module = { args = { inherit extendModules; moduleType = type; }; inherit specialArgs; };
          } ];
      };
      extendModules = extendArgs@{ modules ? [ ], specialArgs ? { }, prefix ? [ ] }:
        evalModulesWith evalModulesArgs.modules (evalModulesArgs // {
          modules = evalModulesArgs.modules ++ modules;
          specialArgs = evalModulesArgs.specialArgs or { } // specialArgs;
          prefix = extendArgs.prefix or evalModulesArgs.prefix or [ ];
        });
      type = types.submoduleWith { inherit modules specialArgs class; };
      result = {
        _type = "configuration";
        inherit (core) options config;
        inherit extendModules type class;
        inherit (core) graph;
        _module = core._internalConfig._module;
      };
    in result;
  compat = import ./modules-compat.nix { inherit lib mkIf mkMerge mkOverride mkOrder defaultOverridePriority defaultOrderPriority evalModules; };
in
# compat's names, listed so that the file is only read when one of them is used.
{
  inherit (compat) doRename filterOverrides filterOverrides' fixMergeModules importJSON importTOML
    mapDefinitionValue mergeAttrDefinitionsWithPrio mkAliasAndWrapDefinitions
    mkAliasAndWrapDefsWithPriority mkAliasDefinitions mkAliasIfDef mkAliasOptionModule
    mkAliasOptionModuleMD mkAssert mkChangedOptionModule mkDerivedConfig mkMergedOptionModule
    mkRemovedOptionModule mkRenamedOptionModule mkRenamedOptionModuleWith sortProperties;
} //
{
  inherit mkIf mkMerge mkOverride mkOrder mkDefinition evalModules defaultOverridePriority defaultOrderPriority;
  mkOptionDefault = mkOverride 1500;
  mkDefault = mkOverride 1000;
  mkImageMediaOverride = mkOverride 60;
  mkForce = mkOverride 50;
  mkVMOverride = mkOverride 10;
  mkBefore = mkOrder 500;
  mkAfter = mkOrder 1500;
  mkFixStrictness = lib.id;
  pushDownProperties = native.pushDownProperties;
  dischargeProperties = native.dischargeProperties;
  mergeDefinitions = loc: type: defs:
    let r = native.mergeDefinitions loc type defs; in
    { inherit (r) defsFinal isDefined mergedValue;
      # highestPrio forces neither the sorting nor the definitions' contents (as in nixpkgs).
      defsFinal' = { values = r.defsFinal; inherit (r) highestPrio; }; };
  setDefaultModuleLocation = file: m: { _file = file; imports = [ m ]; };
  importApply = modulePath: staticArg: lib.setDefaultModuleLocation modulePath (import modulePath staticArg);
  fixupOptionType = loc: opt: opt;
}
