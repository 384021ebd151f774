# nixling lib — generators: render Nix values as configuration file formats
# (key=value, INI, git-config, JSON/YAML, Lua, plist, Dhall) and as pretty Nix.
{ lib }:

let
  b = builtins;
  inherit (b) isAttrs isList isString isInt isFloat isBool isPath attrNames concatStringsSep concatMap;
  inherit (lib.attrsets) mapAttrsToList isDerivation;
  inherit (lib.strings) escape escapeNixIdentifier;
  isFunction = lib.trivial.isFunction;
in
rec {
  # How a scalar is written on the right of `key=`.
  mkValueStringDefault = { }: v:
    let
      unsupported = what: x: abort ("generators.mkValueStringDefault: " + "${what} not supported: ${toPretty { } x}");
    in
    if isInt v then toString v
    else if isDerivation v then toString v
    else if isString v then v
    else if v == true then "true"
    else if v == false then "false"
    else if v == null then "null"
    else if isList v then unsupported "lists" v
    else if isAttrs v then unsupported "attrsets" v
    else if isFunction v then unsupported "functions" v
    else if isFloat v then lib.strings.floatToString v
    else unsupported "this value is" (toString v);

  mkKeyValueDefault = { mkValueString ? mkValueStringDefault { } }: sep: k: v:
    "${escape [ sep ] k}${sep}${mkValueString v}";

  toKeyValue = { mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false, indent ? "" }:
    attrs:
    let
      line = k: v: indent + mkKeyValue k v + "\n";
      linesFor = k: v:
        if listsAsDuplicateKeys then map (line k) (lib.lists.toList v) else [ (line k v) ];
    in
    b.concatStringsSep "" (b.concatLists (mapAttrsToList linesFor attrs));

  toINI = { mkSectionName ? (name: escape [ "[" "]" ] name), mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false }:
    sections:
    concatStringsSep "\n" (mapAttrsToList (name: values:
      "[${mkSectionName name}]\n" + toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } values) sections);

  toINIWithGlobalSection = { mkSectionName ? (name: escape [ "[" "]" ] name), mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false }:
    { globalSection, sections ? { } }:
    (if globalSection == { } then ""
     else toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } globalSection + "\n")
    + toINI { inherit mkSectionName mkKeyValue listsAsDuplicateKeys; } sections;

  # git-config(1) syntax: nested sets become `[section "sub.section"]`.
  toGitINI = attrs:
    let
      sectionName = name:
        let parts = lib.strings.splitString "." name; in
        if lib.strings.hasInfix "\"" name || b.length parts == 1 then name
        else "${b.head parts} \"${concatStringsSep "." (b.tail parts)}\"";
      quote = b.replaceStrings [ "\n" "\t" "\"" "\\" ] [ "\\n" "\\t" "\\\"" "\\\\" ];
      valueString = v: mkValueStringDefault { } (if isString v then "\"${quote v}\"" else v);
      pair = mkKeyValueDefault { mkValueString = valueString; } " = ";
      keyValue = k: v:
        if isList v then concatStringsSep "\n" (map (x: "\t" + pair k x) v) else "\t" + pair k v;

      isPlainSet = v: isAttrs v && !isDerivation v;
      # Collect leaves of a nested set as { "a.b" = { key = value; }; } fragments.
      leaves = path: v:
        if isPlainSet v then
          concatMap (n: leaves (path ++ [ n ]) v.${n}) (attrNames v)
        else if b.length path > 1 then
          [ { ${concatStringsSep "." (lib.lists.init path)} = { ${lib.lists.last path} = v; }; } ]
        else
          [ { ${b.head path} = v; } ];
      nested = b.filter (n: isAttrs attrs.${n} && b.any isPlainSet (b.attrValues attrs.${n})) (attrNames attrs);
      flattened = b.removeAttrs attrs nested
        // b.foldl' lib.attrsets.recursiveUpdate { } (leaves [ ] (lib.attrsets.getAttrs nested attrs));
    in
    toINI { mkKeyValue = keyValue; mkSectionName = sectionName; } flattened;

  # Replace values nested deeper than depthLimit by a throw or "<unevaluated>".
  withRecursion = { depthLimit, throwOnDepthLimit ? true }:
    assert isInt depthLimit;
    let
      special = [ "__functor" "__functionArgs" "__toString" "__pretty" ];
      guard = depth:
        if depthLimit != null && depth > depthLimit then
          (if throwOnDepthLimit then
            throw "Exceeded maximum eval-depth limit of ${toString depthLimit} while trying to evaluate with `generators.withRecursion'!"
          else _: "<unevaluated>")
        else (x: x);
      walk = depth: v:
        let next = x: walk (depth + 1) (guard (depth + 1) x); in
        if isAttrs v then b.mapAttrs (n: x: if b.elem n special then x else next x) v
        else if isList v then map next v
        else guard (depth + 1) v;
    in
    walk 0;

  # Nix-like rendering of any value, for messages and debugging.
  toPretty = { allowPrettyValues ? false, multiline ? true, indent ? "" }:
    let
      render = ind: v:
        let
          open = if multiline then "\n${ind}  " else " ";
          close = if multiline then "\n${ind}" else " ";
          inner = ind + "  ";
        in
        if isInt v then toString v
        else if isFloat v then b.toJSON v
        else if isString v then
          let
            lines = b.filter isString (b.split "\n" v);
            oneLine = "\"" + concatStringsSep "\\n" (map (escape [ "\\" "\"" "\${" ]) lines) + "\"";
            indented =
              let
                esc = map (b.replaceStrings [ "\${" "''" ] [ "''\${" "'''" ]) lines;
                lastLine = lib.lists.last esc;
              in
              "''" + open + concatStringsSep open (lib.lists.init esc)
              + (if lastLine == "" then close else open + lastLine) + "''";
          in
          if multiline && b.length lines > 1 then indented else oneLine
        else if v == true then "true"
        else if v == false then "false"
        else if v == null then "null"
        else if isPath v then toString v
        else if isList v then
          if v == [ ] then "[ ]"
          else "[" + open + concatStringsSep open (map (render inner) v) + close + "]"
        else if isFunction v then
          let
            args = lib.trivial.functionArgs v;
            shown = concatStringsSep ", " (mapAttrsToList (n: opt: if opt then n + "?" else n) args);
          in
          if args == { } then "<function>" else "<function, args: {${shown}}>"
        else if isAttrs v then
          if allowPrettyValues && v ? __pretty && v ? val then v.__pretty v.val
          else if v == { } then "{ }"
          else if v ? type && v.type == "derivation" then "<derivation ${v.name or "???"}>"
          else
            "{" + open
            + concatStringsSep open (mapAttrsToList (n: x:
                "${escapeNixIdentifier n} = ${b.addErrorContext "while evaluating an attribute `${n}`" (render inner x)};") v)
            + close + "}"
        else abort "generators.toPretty: should never happen (v = ${v})";
    in
    render indent;

  toJSON = { }: b.toJSON;
  # JSON is a subset of YAML 1.2.
  toYAML = { }: b.toJSON;

  toPlist = { escape ? false }: v:
    let
      xmlText = if escape then lib.strings.escapeXML else (x: x);
      el = ind: x:
        if x == null then ""
        else if isBool x then ind + (if x then "<true/>" else "<false/>")
        else if isInt x then ind + "<integer>${toString x}</integer>"
        else if isString x then ind + "<string>${xmlText x}</string>"
        else if isList x then
          concatStringsSep "\n" ([ (ind + "<array>") ] ++ [ (concatStringsSep "\n" (map (el "\t${ind}") x)) ] ++ [ (ind + "</array>") ])
        else if isAttrs x then
          concatStringsSep "\n" [ (ind + "<dict>") (entries ind x) (ind + "</dict>") ]
        else if isPath x then ind + "<string>${xmlText (toString x)}</string>"
        else if isFloat x then ind + "<real>${toString x}</real>"
        else abort "generators.toPlist: should never happen (v = ${v})";
      entries = ind: x:
        concatStringsSep "\n" (concatMap (n:
          let val = x.${n}; in
          if n == "_module" || val == null then [ ]
          else [ "\t${ind}<key>${xmlText n}</key>" (el "\t${ind}" val) ]) (attrNames x));
    in
    lib.trivial.warnIf (!escape && lib.trivial.oldestSupportedReleaseIsAtLeast 2505)
      "Using `lib.generators.toPlist` without `escape = true` is deprecated"
      ''
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        ${el "" v}
        </plist>'';

  toDhall = { }@args: v:
    if isAttrs v then "{ ${concatStringsSep ", " (mapAttrsToList (k: x: "${k} = ${toDhall args x}") v)} }"
    else if isList v then "[ ${concatStringsSep ", " (map (toDhall args) v)} ]"
    else if isInt v then (if v < 0 then "" else "+") + toString v
    else if isBool v then (if v then "True" else "False")
    else if isFunction v then abort "generators.toDhall: cannot convert a function to Dhall"
    else if v == null then abort "generators.toDhall: cannot convert a null to Dhall"
    else b.toJSON v;

  mkLuaInline = expr: { _type = "lua-inline"; inherit expr; };

  toLua = { multiline ? true, indent ? "", asBindings ? false }@args: v:
    let
      inner = "${indent}  ";
      open = if multiline then "\n${inner}" else " ";
      close = if multiline then "\n${indent}" else " ";
      sub = args // { indent = if asBindings then indent else inner; asBindings = false; };
      items = concatStringsSep ",${open}";
      validName = n: b.match "[[:alpha:]_][[:alnum:]_]*(\\.[[:alpha:]_][[:alnum:]_]*)*" n != null;
      badNames = b.filter (n: !validName n) (attrNames v);
    in
    if asBindings then
      assert lib.asserts.assertMsg (badNames == [ ]) "Bad Lua var names: ${toPretty { } badNames}";
      b.concatStringsSep "" (mapAttrsToList (k: x: "${indent}${k} = ${toLua sub x}\n") v)
    else if v == null then "nil"
    else if isInt v || isFloat v || isString v || isBool v then b.toJSON v
    else if isPath v || isDerivation v then b.toJSON "${v}"
    else if isList v then
      (if v == [ ] then "{}" else "{${open}${items (map (toLua sub) v)}${close}}")
    else if isAttrs v then
      (if (v._type or null) == "lua-inline" then "(${v.expr})"
       else if v == { } then "{}"
       else "{${open}${items (mapAttrsToList (k: x: "[${b.toJSON k}] = ${toLua sub x}") v)}${close}}")
    else abort "generators.toLua: type ${b.typeOf v} is unsupported";
}
