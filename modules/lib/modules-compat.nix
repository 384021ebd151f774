# nixling lib.modules — the module-level helpers of nixpkgs' lib/modules.nix that are
# plain Nix on top of the core: option renames and aliases (doRename and its wrappers),
# removed/changed/merged options, alias definitions, derived configs, per-attribute
# priority merging, definition mapping, and a few compatibility entry points.
# Written for nixling; the behaviour (including every user-visible message) follows
# nixpkgs' lib/modules.nix.
{ lib, mkIf, mkMerge, mkOverride, mkOrder, defaultOverridePriority, defaultOrderPriority, evalModules }:
let
  inherit (builtins) length head foldl' concatMap filter any mapAttrs;
  inherit (lib.attrsets) setAttrByPath getAttrFromPath attrByPath mapAttrsToList zipAttrs optionalAttrs recursiveUpdate;
  inherit (lib.lists) optional concatLists sort;
  inherit (lib.options) mkOption showOption showFiles;
  inherit (lib.strings) optionalString;

  # Copy every definition of `option` (with its properties) into `wrap`'s position,
  # active only if the option has a definition at all.
  mkAliasAndWrapDefinitions = wrap: option:
    mkIf option.isDefined (wrap (mkMerge option.definitions));

  # As mkAliasAndWrapDefinitions, but every copied definition keeps the priority the
  # source option's winning definitions had (plain definitions: defaultOverridePriority).
  mkAliasAndWrapDefsWithPriority = wrap: option:
    let prio = option.highestPrio or defaultOverridePriority; in
    mkIf option.isDefined (wrap (mkMerge (map (d: mkOverride prio d) option.definitions)));

  # A module declaring option `from` as an alias of option `to`: definitions of `from`
  # are forwarded to `to`, reading `from` yields `use` applied to `to`'s value, and an
  # optional warning is added to `warnings` when `from` is defined.
  doRename = { from, to, visible, warn, use, withPriority ? true, condition ? true }:
    { config, options, ... }:
    let
      fromOpt = getAttrFromPath from options;
      toValue = attrByPath to (abort "Renaming error: option `${showOption to}' does not exist.") config;
      # Set unconditionally (null, i.e. no type, standing for `unspecified`) so the
      # declaration's attribute names stay independent of the option tree.
      toType = let t = (attrByPath to { } options).type or (lib.types.submodule { }); in
        if t == null then lib.types.unspecified else t;
      forward = if withPriority then mkAliasAndWrapDefsWithPriority else mkAliasAndWrapDefinitions;
      warning = optionalAttrs (options ? warnings) {
        warnings = optional (warn && fromOpt.isDefined)
          "The option `${showOption from}' defined in ${showFiles fromOpt.files} has been renamed to `${showOption to}'.";
      };
    in
    {
      options = setAttrByPath from (mkOption {
        inherit visible;
        description = "Alias of {option}`${showOption to}`.";
        apply = _: use toValue;
        type = toType;
      });
      config = mkIf condition (mkMerge [ warning (forward (setAttrByPath to) fromOpt) ]);
    };

  mkAliasOptionModule = from: to: doRename { inherit from to; visible = true; warn = false; use = x: x; };

  # `from` options may still be defined (the values are then handed to `mergeFn config`
  # to produce `to`), each definition producing a warning.
  mkMergedOptionModule = from: to: mergeFn:
    { config, options, ... }:
    let
      marker = "_mkMergedOptionModule";
      isSet = path: getAttrFromPath path config != marker;
      warningFor = path:
        optionalString (isSet path)
          "The option `${showOption path}' defined in ${showFiles (getAttrFromPath path options).files} has been changed to `${showOption to}' that has a different type. Please read `${showOption to}' documentation and update your configuration accordingly.";
    in
    {
      options = foldl' recursiveUpdate { } (map (path:
        setAttrByPath path (mkOption { visible = false; default = marker; })) from);
      config = { warnings = filter (w: w != "") (map warningFor from); }
        // setAttrByPath to (mkMerge (optional (any isSet from) (mergeFn config)));
    };

  # Definitions of `opts`'s attrsOf/lazyAttrsOf option merged attribute by attribute,
  # each with the priority its winning definitions had.
  mergeAttrDefinitionsWithPrio = opt:
    let
      perAttr = def: map (attrs: mapAttrsToList (name: v: { ${name} = def // { value = v; }; }) attrs)
        (lib.modules.pushDownProperties def.value);
      byAttr = zipAttrs (concatLists (concatMap perAttr opt.definitionsWithLocations));
    in
    assert opt.type.name == "attrsOf" || opt.type.name == "lazyAttrsOf";
    mapAttrs (name: defs:
      let m = lib.modules.mergeDefinitions (opt.loc ++ [ name ]) opt.type.nestedTypes.elemType defs; in
      { value = m.mergedValue; highestPrio = m.defsFinal'.highestPrio; }) byAttr;

  # Apply `f` to the value under any nesting of mkIf/mkMerge/mkOverride/mkOrder/mkDefinition.
  mapDefinitionValue = f: def:
    let t = def._type or null; in
    if t == "merge" then def // { contents = map (mapDefinitionValue f) def.contents; }
    else if t == "if" || t == "override" || t == "order" then def // { content = mapDefinitionValue f def.content; }
    else if t == "definition" then def // { value = mapDefinitionValue f def.value; }
    else f def;

  # Keep the definitions of highest priority (lowest number), unwrapping mkOverride.
  filterOverrides' = defs:
    let
      prioOf = def: if (def.value._type or "") == "override" then def.value.priority else defaultOverridePriority;
      unwrap = def: if (def.value._type or "") == "override" then def // { value = def.value.content; } else def;
      highestPrio = foldl' (acc: def: lib.min acc (prioOf def)) 9999 defs;
    in
    if length defs == 1 then { values = map unwrap defs; highestPrio = prioOf (head defs); }
    else { values = concatMap (def: if prioOf def == highestPrio then [ (unwrap def) ] else [ ]) defs; inherit highestPrio; };

  sortProperties = defs:
    let
      unwrap = def: if (def.value._type or "") == "order"
        then def // { value = def.value.content; inherit (def.value) priority; } else def;
      key = def: def.priority or defaultOrderPriority;
    in
    sort (a: b: key a < key b) (map unwrap defs);
in
{
  inherit doRename mkAliasOptionModule mkMergedOptionModule mergeAttrDefinitionsWithPrio mapDefinitionValue
    mkAliasAndWrapDefinitions mkAliasAndWrapDefsWithPriority filterOverrides' sortProperties;

  filterOverrides = defs: (filterOverrides' defs).values;

  mkAliasDefinitions = mkAliasAndWrapDefinitions (x: x);

  mkAliasIfDef = lib.warn "Usage of 'mkAliasIfDef' has been deprecated. Use 'mkIf option.isDefined' instead."
    (option: mkIf option.isDefined);

  mkAssert = assertion: message: content:
    mkIf (if assertion then true else throw "\nFailed assertion: ${message}") content;

  # The definition of another option's value, at that option's priority.
  mkDerivedConfig = opt: f: mkOverride (opt.highestPrio or defaultOverridePriority) (f opt.value);

  mkAliasOptionModuleMD = lib.warn "mkAliasOptionModuleMD is deprecated and will be removed in 26.05; please use mkAliasOptionModule." mkAliasOptionModule;

  mkRenamedOptionModule = from: to: doRename {
    inherit from to;
    visible = false;
    warn = true;
    use = builtins.trace "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
  };

  mkRenamedOptionModuleWith = { from, to, sinceRelease }:
    let active = lib.trivial.oldestSupportedReleaseIsAtLeast sinceRelease; in
    doRename {
      inherit from to;
      visible = false;
      warn = active;
      use = lib.warnIf active "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
    };

  mkChangedOptionModule = from: to: changeFn: mkMergedOptionModule [ from ] to changeFn;

  # Declares `optionName` as removed: defining it fails an assertion, reading it throws.
  mkRemovedOptionModule = optionName: replacementInstructions:
    { options, ... }:
    {
      options = setAttrByPath optionName (mkOption {
        visible = false;
        apply = _: throw "The option `${showOption optionName}' can no longer be used since it's been removed. ${replacementInstructions}";
      });
      config.assertions =
        let opt = getAttrFromPath optionName options; in
        [ {
          assertion = !opt.isDefined;
          message = ''
            The option definition `${showOption optionName}' in ${showFiles opt.files} no longer has any effect; please remove it.
            ${replacementInstructions}
          '';
        } ];
    };

  fixMergeModules = modules: args: evalModules { inherit modules args; check = false; };

  importJSON = file: { _file = file; config = lib.trivial.importJSON file; };
  importTOML = file: { _file = file; config = lib.trivial.importTOML file; };
}
