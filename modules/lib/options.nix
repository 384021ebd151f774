# nixling lib.options — option declarations and the text helpers of nixpkgs'
# lib/options.nix (mkOption, mkEnableOption, mkPackageOption, literalExpression,
# isOption, showOption, showFiles, showDefs, merge helpers). Option evaluation
# itself is native (src/modules/options.ts).
{ lib }:
let
  inherit (builtins) length head tail all isList isAttrs isBool isString isInt foldl' concatStringsSep map;
  prioritySuggestion = ''
    Use `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.
  '';
in
rec {
  isOption = v: isAttrs v && (v._type or "") == "option";

  mkOption = { default ? null, defaultText ? null, example ? null, description ? null,
    relatedPackages ? null, type ? null, apply ? null, internal ? null, visible ? null,
    readOnly ? null }@attrs: attrs // { _type = "option"; };

  mkEnableOption = name: mkOption {
    default = false;
    example = true;
    description = "Whether to enable ${name}.";
    type = lib.types.bool;
  };

  # The option for a package of `pkgs`: `name` (or attribute path) is the default.
  mkPackageOption = pkgs: name:
    { nullable ? false, default ? name, example ? null, extraDescription ? "", pkgsText ? "pkgs" }:
    let
      shortName = if isList name then lib.last name else name;
      path = lib.toList default;
      pathText = lib.showAttrPath path;
      defaults =
        if default != null then {
          default = lib.attrByPath path (throw "${pathText} cannot be found in ${pkgsText}") pkgs;
          defaultText = literalExpression "${pkgsText}.${pathText}";
        } else lib.optionalAttrs nullable { default = null; };
      exampleAttrs = lib.optionalAttrs (example != null) {
        example = literalExpression (if isList example then "${pkgsText}.${lib.showAttrPath example}" else example);
      };
    in
    mkOption (defaults // {
      description = "The ${shortName} package to use." + (if extraDescription == "" then "" else " ") + extraDescription;
      type = (if nullable then lib.types.nullOr else (t: t)) lib.types.package;
    } // exampleAttrs);

  mkSinkUndeclaredOptions = attrs: mkOption ({
    internal = true;
    visible = false;
    default = false;
    description = "Sink for option definitions.";
    type = lib.types.mkOptionType { name = "sink"; check = _: true; merge = loc: defs: false; };
    apply = x: throw "Option value is not readable because the option is not declared.";
  } // attrs);

  literalExpression = text:
    if !isString text then throw "literalExpression expects a string."
    else { _type = "literalExpression"; inherit text; };
  literalMD = text:
    if !isString text then throw "literalMD expects a string."
    else { _type = "literalMD"; inherit text; };

  showOption = (with { __nixling = null; }; __nixling).showOption;
  unknownModule = "<unknown-file>";

  showOptionWithDefLocs = opt: ''
    ${showOption opt.loc}, with values defined in:
    ${lib.concatMapStringsSep "\n" (file: "  - ${file}") opt.files}
  '';

  literalCode = languageTag: text: literalMD ''
    ```${languageTag}
    ${text}
    ```
  '';

  # Defaults and examples for documentation: already-rendered literals stay, other
  # values become a literalExpression of their pretty-printed form.
  renderOptionValue = v:
    if v ? _type && v ? text then v
    else literalExpression (lib.generators.toPretty { multiline = true; allowPrettyValues = true; } v);

  # Derivations reduced to their name, recursively (obsolete, kept for compatibility).
  scrubOptionValue = x:
    if lib.isDerivation x then { type = "derivation"; drvPath = x.name; outPath = x.name; name = x.name; }
    else if isList x then map scrubOptionValue x
    else if isAttrs x then builtins.mapAttrs (_: scrubOptionValue) (removeAttrs x [ "_args" ])
    else x;

  # The flat list of documentation entries for every option of an option tree,
  # sub-options of submodule-typed options included unless hidden.
  optionAttrSetToDocList = optionAttrSetToDocList' [ ];
  optionAttrSetToDocList' = _: options: builtins.concatMap (opt:
    let
      name = showOption opt.loc;
      visible = opt.visible or true;
      type = opt.type or { };
      hasDefault = opt ? defaultText || opt ? default
        || (type.emptyValue or { }) ? value && (type.getSubModules or null) == null;
      entry = {
        inherit (opt) loc;
        inherit name;
        description = opt.description or null;
        declarations = builtins.filter (d: d != unknownModule) opt.declarations;
        internal = opt.internal or false;
        visible = if isBool visible then visible else visible == "shallow";
        readOnly = opt.readOnly or false;
        type = type.description or "unspecified";
      }
      // lib.optionalAttrs (opt ? example) {
        example = builtins.addErrorContext "while evaluating the example of option `${name}`"
          (renderOptionValue opt.example);
      }
      // lib.optionalAttrs hasDefault {
        default = builtins.addErrorContext
          "while evaluating the ${if opt ? defaultText then "defaultText" else "default value"} of option `${name}`"
          (renderOptionValue (opt.defaultText or opt.default or type.emptyValue.value));
      }
      // lib.optionalAttrs (opt ? relatedPackages && opt.relatedPackages != null) { inherit (opt) relatedPackages; };
      sub = opt.type.getSubOptions opt.loc;
      subEntries = if sub != { } then optionAttrSetToDocList' opt.loc sub else [ ];
      showSub = if isBool visible then visible else visible == "transparent";
    in
    [ entry ] ++ lib.optionals showSub subEntries) (lib.collect isOption options);

  showFiles = files: concatStringsSep " and " (map (f: "`${f}'") files);
  showDefs = defs: lib.concatMapStrings (def:
    let
      pretty = builtins.tryEval (lib.generators.toPretty { }
        (lib.generators.withRecursion { depthLimit = 10; throwOnDepthLimit = false; } def.value));
      lines = builtins.filter (v: !isList v) (builtins.split "\n" pretty.value);
      value = concatStringsSep "\n    " (lib.take 5 lines ++ lib.optional (length lines > 5) "...");
      result = if !pretty.success then "" else if length lines > 1 then ":\n    " + value else ": " + value;
    in "\n- In `${def.file}'${result}") defs;

  getValues = map (x: x.value);
  getFiles = map (x: x.file);

  mergeDefaultOption = loc: defs:
    let list = getValues defs; in
    if length list == 1 then head list
    else if all lib.isFunction list then x: mergeDefaultOption loc (map (f: f x) list)
    else if all isList list then builtins.concatLists list
    else if all isAttrs list then foldl' (a: b: a // b) { } list
    else if all isBool list then foldl' (a: b: a || b) false list
    else if all isString list then lib.concatStrings list
    else if all isInt list && all (x: x == head list) list then head list
    else throw "Cannot merge definitions of `${showOption loc}'. Definition values:${showDefs defs}";

  mergeUniqueOption = { message, merge ? loc: defs: (head defs).value }: loc: defs:
    if length defs == 1 then merge loc defs
    else throw "The option `${showOption loc}' is defined multiple times while it's expected to be unique.\n${message}\nDefinition values:${showDefs defs}\n${prioritySuggestion}";

  mergeOneOption = mergeUniqueOption { message = ""; };

  mergeEqualOption = loc: defs:
    if defs == [ ] then abort "This case should never happen."
    else if length defs == 1 then (head defs).value
    else (foldl' (first: def:
      if def.value != first.value then
        throw "The option `${showOption loc}' has conflicting definition values:${showDefs [ first def ]}\n${prioritySuggestion}"
      else first) (head defs) (tail defs)).value;

  mergeTypedOption = typeName: predicate: merge: loc: list:
    let list' = map (x: x.value) list; in
    if all predicate list' then merge list'
    else throw "The option `${showOption loc}' is not a ${typeName}.";
}
