# nixling lib — render attribute sets as command-line arguments.
{ lib }:

let
  b = builtins;
  valueString = lib.generators.mkValueStringDefault { };
  deprecatedGNU = name:
    lib.trivial.warnIf (lib.trivial.oldestSupportedReleaseIsAtLeast 2511)
      "lib.cli.${name} is deprecated, please use lib.cli.toCommandLine or lib.cli.toCommandLineShellGNU instead.";
in
rec {
  toGNUCommandLineShell =
    lib.trivial.warnIf (lib.trivial.oldestSupportedReleaseIsAtLeast 2511)
      "lib.cli.toGNUCommandLineShell is deprecated, please use lib.cli.toCommandLineShell or lib.cli.toCommandLineShellGNU instead."
      (options: attrs: lib.strings.escapeShellArgs (toGNUCommandLine options attrs));

  toGNUCommandLine = deprecatedGNU "toGNUCommandLine" (
    {
      mkOptionName ? k: if b.stringLength k == 1 then "-${k}" else "--${k}",
      mkBool ? k: v: lib.lists.optional v (mkOptionName k),
      mkList ? k: v: b.concatMap (mkOption k) v,
      mkOption ? k: v:
        if v == null then [ ]
        else if optionValueSeparator == null then [ (mkOptionName k) (valueString v) ]
        else [ "${mkOptionName k}${optionValueSeparator}${valueString v}" ],
      optionValueSeparator ? null,
    }:
    attrs:
    b.concatLists (lib.attrsets.mapAttrsToList (k: v:
      if b.isBool v then mkBool k v
      else if b.isList v then mkList k v
      else mkOption k v) attrs));

  # `optionFormat name` returns { option; sep; explicitBool; formatArg? }.
  toCommandLine = optionFormat: attrs:
    let
      render = name: value:
        let
          fmt = optionFormat name;
          explicit = fmt.explicitBool;
          format = fmt.formatArg or valueString;
        in
        if value == null || (!explicit && value == false) then [ ]
        else if !explicit && value == true then [ fmt.option ]
        else if fmt.sep != null then [ "${fmt.option}${fmt.sep}${format value}" ]
        else [ fmt.option (format value) ];
      renderPair = name: value:
        if name == "" then throw "lib.cli.toCommandLine only accepts non-empty option names."
        else if b.isList value then b.concatMap (render name) value
        else render name value;
    in
    b.concatLists (lib.attrsets.mapAttrsToList renderPair attrs);

  toCommandLineShell = optionFormat: attrs: lib.strings.escapeShellArgs (toCommandLine optionFormat attrs);

  toCommandLineGNU = { isLong ? name: b.stringLength name > 1, explicitBool ? false, formatArg ? valueString }:
    toCommandLine (name:
      let long = isLong name; in {
        option = if long then "--${name}" else "-${name}";
        sep = if long then "=" else "";
        inherit explicitBool formatArg;
      });

  toCommandLineShellGNU = options: attrs: lib.strings.escapeShellArgs (toCommandLineGNU options attrs);
}
