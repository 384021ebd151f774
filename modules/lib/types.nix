# nixling lib.types — option types with nixpkgs' names, descriptions, checks and merges.
# A type is an attrset { _type = "option-type"; name; description; descriptionClass;
# check; merge; emptyValue; getSubOptions; getSubModules; substSubModules; typeMerge;
# functor; nestedTypes; }. `merge loc defs` receives the definitions that survived
# properties and priorities ([{ file; value; }]); element-wise merging of compound types
# goes through the native __nixling.mergeDefinitions (src/modules/merge.ts).
{ lib }:
let
  inherit (builtins) isAttrs isList isString isInt isBool isFloat isFunction isPath
    length head elem concatLists filter attrNames listToAttrs map all any;
  inherit (lib.options) mergeEqualOption mergeOneOption mergeDefaultOption mergeUniqueOption
    showOption showDefs;
  # `__nixling` (native module system) exists only in nixling; other evaluators see null.
  native = with { __nixling = null; }; __nixling;

  # Added to a submodule evaluated only to list its options (documentation): nothing
  # in it is checked.
  noCheckForDocsModule = {
    config._module.check = lib.mkForce false;
    _file = "<built-in module that disables checks for the purpose of documentation generation>";
  };

  isStringLike = x: isString x || isPath x || x ? outPath || x ? __toString;

  defaultFunctor = name: { inherit name; type = lib.types.${name} or null; wrapped = null; payload = null; binOp = a: b: null; };

  # Merging two types of the same option (declared twice): same name and payload.
  defaultTypeMerge = f: f':
    let
      wrapped = f.wrapped.typeMerge f'.wrapped.functor;
      payload = f.binOp f.payload f'.payload;
    in
    if f.name != f'.name then null
    else if f.payload != null && f'.payload != null then
      (if payload != null then f.type payload else null)
    else if f.wrapped != null && f'.wrapped != null then
      (if wrapped != null then f.type wrapped else null)
    else if f.wrapped == null && f'.wrapped == null && f.payload == null && f'.payload == null then f.type
    else null;

  # Whether a (context-free) absolute path string lies strictly inside a store object:
  # `<storeDir>/<hash>-<name>[/…]`.
  hasStorePathPrefix = s:
    let
      prefix = builtins.storeDir + "/";
      n = builtins.stringLength prefix;
      rest = builtins.substring n (-1) s;
      first = head (lib.splitString "/" rest);
    in
    builtins.substring 0 n s == prefix
    && builtins.match "[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+_?=-][A-Za-z0-9+._?=-]*" first != null;

  optionDescriptionPhrase = unparenthesize: t:
    if unparenthesize (t.descriptionClass or null) then t.description else "(${t.description})";

  mkOptionType = { name, description ? null, descriptionClass ? null, check ? (x: true),
      merge ? mergeDefaultOption, emptyValue ? { }, getSubOptions ? prefix: { },
      getSubModules ? null, substSubModules ? m: null, typeMerge ? defaultTypeMerge functor,
      functor ? defaultFunctor name, deprecationMessage ? null, nestedTypes ? { } }:
    {
      _type = "option-type";
      inherit name check merge emptyValue getSubOptions getSubModules substSubModules
        typeMerge functor deprecationMessage nestedTypes descriptionClass;
      description = if description == null then name else description;
    };

  # Merge the definitions of one element (attrsOf value / listOf item).
  #
  # "v2" merges (as in nixpkgs): `merge` is a functor attrset whose `v2 { loc; defs; }` returns
  # { headError; value; valueMeta; }, and `check` carries `isV2MergeCoherent = true`.
  # Called as a plain function such a merge returns `.value`, so the native merge keeps working;
  # the element merges below dispatch to `v2` themselves and expose `valueMeta`.
  isV2 = t: isAttrs t.merge && t.merge ? v2;
  checkDefsForError = check: loc: defs:
    let bad = filter (d: !(check d.value)) defs; in
    if bad == [ ] then null else { message = "Definition values: ${showDefs bad}"; };
  checkV2MergeCoherence = loc: type: result:
    if type.check.isV2MergeCoherent or false then result
    else throw ''
      The option `${showOption loc}' has a type `${type.description}' that uses
      an ad-hoc `type // { check = ...; }' override, which is incompatible with
      the v2 merge mechanism.

      Please use `lib.types.addCheck` instead of `type // { check }' to add
      custom validation. For example:

        lib.types.addCheck baseType (value: /* your check */)

      instead of:

        baseType // { check = value: /* your check */; }
    '';
  # checkedAndMerged of a type that may or may not have a v2 merge.
  checkedAndMergedOf = loc: type: defs:
    if isV2 type then checkV2MergeCoherence loc type (type.merge.v2 { inherit loc defs; })
    else { value = type.merge loc defs; headError = checkDefsForError type.check loc defs; valueMeta = { }; };
  v2Merge = f: { __functor = self: loc: defs: (self.v2 { inherit loc defs; }).value; v2 = f; };
  v2Check = f: { __functor = _: f; isV2MergeCoherent = true; };

  # Merge the definitions of one element (attrsOf value / listOf item): the native
  # mergeDefinitions (properties, priorities, order, check, merge) with v2 types dispatched
  # natively (src/modules/merge.ts mergeElemNix). Returns
  # { isDefined; defsFinal; highestPrio; mergedValue; valueMeta; } where valueMeta is the v2
  # merge's (with `_internal.type`) or { } for a type without a v2 merge.
  mergeElem = native.mergeElem;

  # The v2 merges of listOf and attrsWith. The native ones (src/modules/compound.ts) compute
  # the same; they fall back to these when a definition is not of the expected kind, so
  # that errors are these functions' own.
  listMergeNix = elemType: { loc, defs }:
    let
      evals = filter (r: r.isDefined) (concatLists (lib.imap1 (n: def:
        lib.imap1 (m: def': mergeElem (loc ++ [ "[definition ${toString n}-entry ${toString m}]" ]) elemType
          [ { inherit (def) file; value = def'; } ]) def.value) defs));
    in {
      headError = checkDefsForError isList loc defs;
      value = map (r: r.mergedValue) evals;
      valueMeta.list = map (r: r.valueMeta) evals;
    };
  attrsMergeNix = elemType: lazy: { loc, defs }:
    let
      byName = builtins.zipAttrsWith (n: vs: vs)
        (map (def: builtins.mapAttrs (n: v: { inherit (def) file; value = v; }) def.value) defs);
      merged = builtins.mapAttrs (n: ds: mergeElem (loc ++ [ n ]) elemType ds) byName;
      evals = if lazy then merged else lib.filterAttrs (n: r: r.isDefined) merged;
    in {
      headError = checkDefsForError isAttrs loc defs;
      value = builtins.mapAttrs (n: r: r.mergedValue) evals;
      valueMeta.attrs = builtins.mapAttrs (n: r: r.valueMeta) evals;
    };

  types = rec {
    inherit mkOptionType isStringLike defaultFunctor defaultTypeMerge optionDescriptionPhrase;
    isType = type: x: (x._type or "") == type;
    setType = typeName: value: value // { _type = typeName; };
    isOptionType = x: (x._type or "") == "option-type";

    raw = mkOptionType { name = "raw"; description = "raw value"; descriptionClass = "noun"; check = x: true; merge = mergeOneOption; };

    anything = mkOptionType {
      name = "anything"; description = "anything"; descriptionClass = "noun";
      check = x: true;
      merge = loc: defs:
        let
          kind = v: if isAttrs v && isStringLike v then "stringCoercibleSet" else builtins.typeOf v;
          first = kind (head defs).value;
          same = all (d: kind d.value == first) defs;
          byKind = {
            set = (attrsOf anything).merge;
            stringCoercibleSet = mergeOneOption;
            lambda = loc: defs: arg: anything.merge (loc ++ [ "<function body>" ])
              (map (d: { inherit (d) file; value = d.value arg; }) defs);
          };
        in
        if !same then
          throw "The option `${showOption loc}' has conflicting option types in ${lib.options.showFiles (lib.options.getFiles defs)}"
        else (byKind.${first} or mergeEqualOption) loc defs;
    };

    unspecified = mkOptionType { name = "unspecified"; description = "unspecified value"; descriptionClass = "noun"; };

    bool = mkOptionType { name = "bool"; description = "boolean"; descriptionClass = "noun"; check = isBool; merge = mergeEqualOption; };
    boolByOr = mkOptionType { name = "boolByOr"; description = "boolean (merged using or)"; descriptionClass = "noun"; check = isBool;
      merge = loc: defs: builtins.foldl' (r: d: r || d.value) false defs; };

    int = mkOptionType { name = "int"; description = "signed integer"; descriptionClass = "noun"; check = isInt; merge = mergeEqualOption; };
    ints = let
      betweenDesc = lowest: highest: "${toString lowest} and ${toString highest} (both inclusive)";
      between = lowest: highest: addCheck int (x: x >= lowest && x <= highest) // {
        name = "intBetween"; description = "integer between ${betweenDesc lowest highest}"; };
      sign = bit: range: addCheck int (x: x >= builtins.head range && x <= builtins.elemAt range 1) // {
        name = "${if builtins.head range < 0 then "int" else "uint"}${toString bit}";
        description = "${toString bit} bit ${if builtins.head range < 0 then "signed" else "unsigned"} integer; between ${betweenDesc (builtins.head range) (builtins.elemAt range 1)}";
      };
    in {
      inherit between;
      unsigned = addCheck int (x: x >= 0) // { name = "unsignedInt"; description = "unsigned integer, meaning >=0"; descriptionClass = "nonRestrictiveClause"; };
      positive = addCheck int (x: x > 0) // { name = "positiveInt"; description = "positive integer, meaning >0"; descriptionClass = "nonRestrictiveClause"; };
      u8 = sign 8 [ 0 255 ]; u16 = sign 16 [ 0 65535 ]; u32 = sign 32 [ 0 4294967295 ];
      s8 = sign 8 [ (-128) 127 ]; s16 = sign 16 [ (-32768) 32767 ]; s32 = sign 32 [ (-2147483648) 2147483647 ];
    };
    port = ints.u16;

    float = mkOptionType { name = "float"; description = "floating point number"; descriptionClass = "noun"; check = isFloat; merge = mergeEqualOption; };
    number = either int float;

    str = mkOptionType { name = "str"; description = "string"; descriptionClass = "noun"; check = isString; merge = mergeEqualOption; };
    nonEmptyStr = mkOptionType { name = "nonEmptyStr"; description = "non-empty string"; descriptionClass = "noun";
      check = x: str.check x && builtins.match "[ \t\n]*" x == null; inherit (str) merge; };
    singleLineStr = mkOptionType { name = "singleLineStr"; description = "(optionally newline-terminated) single-line string"; descriptionClass = "noun";
      check = x: str.check x && builtins.match "[^\n]*\n?" x != null; merge = loc: defs: lib.removeSuffix "\n" (str.merge loc defs); };
    strMatching = pattern: mkOptionType { name = "strMatching ${builtins.toJSON pattern}"; description = "string matching the pattern ${pattern}"; descriptionClass = "noun";
      check = x: str.check x && builtins.match pattern x != null; inherit (str) merge;
      functor = defaultFunctor "strMatching" // { type = payload: strMatching payload.pattern; payload = { inherit pattern; }; binOp = a: b: if a == b then a else null; }; };
    separatedString = sep: mkOptionType rec {
      name = "separatedString"; description = "strings concatenated with ${builtins.toJSON sep}"; descriptionClass = "noun";
      check = isString;
      merge = loc: defs: builtins.concatStringsSep sep (map (d: d.value) defs);
      functor = defaultFunctor name // { type = payload: separatedString payload.sep; payload = { inherit sep; }; binOp = a: b: if a.sep == b.sep then a else null; };
    };
    lines = separatedString "\n";
    commas = separatedString ",";
    envVar = separatedString ":";
    string = separatedString "" // { name = "string"; };

    attrs = mkOptionType { name = "attrs"; description = "attribute set"; check = isAttrs;
      merge = loc: builtins.foldl' (res: def: res // def.value) { }; emptyValue = { value = { }; }; };

    # A file set or a path (coerced); the definitions are united.
    fileset = mkOptionType { name = "fileset"; description = "fileset"; descriptionClass = "noun";
      check = x: lib.fileset.isFileset x;
      merge = loc: defs: lib.fileset.unions (map (d: d.value) defs);
      emptyValue = { value = lib.fileset.empty; }; };

    package = mkOptionType { name = "package"; descriptionClass = "noun";
      check = x: lib.isDerivation x || lib.isStorePath x;
      merge = loc: defs: let res = mergeOneOption loc defs; in
        if builtins.isPath res || (builtins.isString res && !builtins.hasContext res) then lib.toDerivation res else res; };

    pathWith = { inStore ? null, absolute ? null }:
      if inStore != null && absolute != null && inStore && !absolute
      then throw "In pathWith, inStore means the path must be absolute"
      else mkOptionType {
        name = "path";
        description = (if absolute == null then "" else (if absolute then "absolute " else "relative ")) + "path"
          + (if inStore == null then "" else (if inStore then " in the Nix store" else " not in the Nix store"));
        descriptionClass = "noun";
        merge = mergeEqualOption;
        check = x:
          let
            s = toString x;
            isAbsolute = builtins.substring 0 1 s == "/";
            kindOk = if inStore == null || inStore then isStringLike x else isString x;
          in
          kindOk
          && (inStore == null || inStore == hasStorePathPrefix (builtins.unsafeDiscardStringContext s))
          && (absolute == null || absolute == isAbsolute);
        functor = defaultFunctor "path" // { type = pathWith; payload = { inherit inStore absolute; }; binOp = a: b: if a == b then a else null; };
      };
    path = pathWith { absolute = true; };
    pathInStore = pathWith { inStore = true; };
    externalPath = pathWith { absolute = true; inStore = false; };

    passwdEntry = entryType: addCheck entryType (x: !(lib.hasInfix ":" x || lib.hasInfix "\n" x)) // {
      name = "passwdEntry ${entryType.name}";
      description = "${optionDescriptionPhrase (c: c == "noun") entryType}, not containing newlines or colons";
      descriptionClass = "nonRestrictiveClause";
    };

    numbers = let
      betweenDesc = lo: hi: "${builtins.toJSON lo} and ${builtins.toJSON hi} (both inclusive)";
    in {
      between = lo: hi:
        if !(lo <= hi) then throw "numbers.between: lowest must be smaller than highest"
        else addCheck number (x: x >= lo && x <= hi) // {
          name = "numberBetween";
          description = "integer or floating point number between ${betweenDesc lo hi}";
        };
      nonnegative = addCheck number (x: x >= 0) // { name = "numberNonnegative";
        description = "nonnegative integer or floating point number, meaning >=0"; descriptionClass = "nonRestrictiveClause"; };
      positive = addCheck number (x: x > 0) // { name = "numberPositive";
        description = "positive integer or floating point number, meaning >0"; descriptionClass = "nonRestrictiveClause"; };
    };

    serializableValueWith = { typeName, nullable ? true }:
      let
        base = oneOf [ bool int float str path (attrsOf value) (listOf value) ];
        value = (if nullable then nullOr base else base) // { description = "${typeName} value"; };
      in value;
    json = serializableValueWith { typeName = "JSON"; };
    toml = serializableValueWith { typeName = "TOML"; nullable = false; };

    optionDeclaration = mkOptionType {
      name = "optionDeclaration"; description = "option declaration"; descriptionClass = "noun";
      check = x: isType "option" x && !(x ? value);
      merge = lib.options.mergeOneOption;
    };

    shellPackage = package // { check = x: lib.isDerivation x && x ? shellPath; };

    luaInline = mkOptionType { name = "luaInline"; description = "inline lua"; descriptionClass = "noun";
      check = x: x._type or null == "lua-inline"; merge = mergeEqualOption; };

    listOf = elemType: mkOptionType rec {
      name = "listOf";
      description = "list of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = v2Check isList;
      merge = v2Merge ({ loc, defs }@args:
        native.listMerge { inherit loc defs elemType; fallback = listMergeNix elemType args; });
      emptyValue = { value = [ ]; };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: listOf (elemType.substSubModules m);
      functor = defaultFunctor name // { wrapped = elemType; };
      nestedTypes.elemType = elemType;
    };
    nonEmptyListOf = elemType: let list = addCheck (listOf elemType) (l: l != [ ]); in list // {
      description = "non-empty ${optionDescriptionPhrase (c: c == "noun") list}";
      emptyValue = { }; substSubModules = m: nonEmptyListOf (elemType.substSubModules m); };

    attrListOf = elemType: attrListWith { inherit elemType; };
    # A list of single-key attribute sets (or an attribute set of mkOrder-able values),
    # merged into one list ordered by mkOrder priority; see nixpkgs' attrListWith.
    attrListWith = { elemType, asAttrs ? false, mergeAttrValues ? _name: values: values }:
      let
        self = mkOptionType {
          name = "attrListOf";
          description = "attribute list of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
          descriptionClass = "composite";
          check = v2Check (x: isList x || isAttrs x);
          merge = v2Merge attrListMerge;
          emptyValue = { value = if asAttrs then { } else [ ]; };
          getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
          getSubModules = elemType.getSubModules;
          substSubModules = m: attrListWith { inherit asAttrs mergeAttrValues; elemType = elemType.substSubModules m; };
          typeMerge = t: null;
          nestedTypes.elemType = elemType;
        };
        defaultOrder = 1000;
        defaultOverride = 100;
        # { value; prio; overridePrio; }: mkOrder is consumed, mkOverride kept on the value.
        peel = v:
          let t = v._type or null; in
          if t == "order" then (peel v.content) // { prio = v.priority; }
          else if t == "override" then
            let inner = peel v.content; in
            { inherit (inner) prio; overridePrio = v.priority; value = lib.mkOverride v.priority inner.value; }
          else { value = v; prio = defaultOrder; overridePrio = defaultOverride; };
        attrListMerge = { loc, defs }:
          let
            itemOf = file: raw:
              let
                ordered = (raw._type or null) == "order";
                item = if ordered then raw.content else raw;
                keys = if isAttrs item then attrNames item else [ ];
              in
              if isAttrs item && length keys == 1 then
                let p = peel item.${head keys}; in
                p // { inherit file; key = head keys; prio = if ordered then raw.priority else p.prio; }
              else
                throw "A definition for option `${showOption loc}' is not of type `${self.description}'. ${
                  if !isAttrs item then "Each list element must be an attribute set, but got ${builtins.typeOf item}"
                  else "Each list element must be a single-key attribute set, but got ${toString (length keys)} keys"
                }.${showDefs [ { inherit file; value = raw; } ]}";
            itemsOf = def:
              if isList def.value then map (itemOf def.file) def.value
              else map (k: peel def.value.${k} // { inherit (def) file; key = k; }) (attrNames def.value);
            all' = concatLists (map itemsOf defs);
            best = builtins.foldl' (acc: i:
              if i.overridePrio < (acc.${i.key} or defaultOverride) then acc // { ${i.key} = i.overridePrio; } else acc) { } all';
            items = builtins.sort (a: b: a.prio < b.prio)
              (filter (i: i.overridePrio == (best.${i.key} or defaultOverride)) all');
            evals = filter (e: e.r.isDefined) (map (i: {
              inherit (i) key file prio;
              r = mergeElem (loc ++ [ i.key ]) elemType [ { inherit (i) file value; } ];
            }) items);
            listValue = map (e: { ${e.key} = e.r.mergedValue; }) evals;
            bad = filter (d: !(isList d.value || isAttrs d.value)) defs;
          in {
            headError = if bad == [ ] then null else { message = "Definition values: ${showDefs bad}"; };
            value = if asAttrs then builtins.zipAttrsWith mergeAttrValues listValue else listValue;
            valueMeta.attrList = map (e: e.r.valueMeta) evals;
            valueMeta.attrListValue = listValue;
            valueMeta.definitions = map (e: lib.mkDefinition {
              inherit (e) file;
              value = lib.mkOrder e.prio { ${e.key} = e.r.mergedValue; };
            }) evals;
          };
      in self;

    attrsWith = { elemType, lazy ? false, placeholder ? "name" }: mkOptionType rec {
      name = if lazy then "lazyAttrsOf" else "attrsOf";
      description = (if lazy then "lazy attribute set" else "attribute set")
        + " of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = v2Check isAttrs;
      merge = v2Merge ({ loc, defs }@args:
        native.attrsMerge { inherit loc defs elemType lazy; fallback = attrsMergeNix elemType lazy args; });
      emptyValue = { value = { }; };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<${placeholder}>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: attrsWith { elemType = elemType.substSubModules m; inherit lazy placeholder; };
      functor = defaultFunctor "attrsWith" // {
        type = payload: attrsWith payload;
        wrapped = null;
        payload = { inherit elemType lazy placeholder; };
        binOp = a: b:
          let
            et = a.elemType.typeMerge b.elemType.functor;
            # The default placeholder "name" gives way to a specific one.
            placeholder = if a.placeholder == b.placeholder then a.placeholder
              else if a.placeholder == "name" then b.placeholder
              else if b.placeholder == "name" then a.placeholder
              else null;
          in
          if a.lazy == b.lazy && placeholder != null && et != null
          then { elemType = et; inherit (a) lazy; inherit placeholder; } else null;
      };
      nestedTypes.elemType = elemType;
    };
    attrsOf = elemType: attrsWith { inherit elemType; };
    lazyAttrsOf = elemType: attrsWith { inherit elemType; lazy = true; };
    loaOf = elemType: attrsOf elemType // {
      name = "loaOf";
      deprecationMessage = "Mixing lists with attribute values is no longer possible; please use `types.attrsOf` instead. See https://github.com/NixOS/nixpkgs/issues/1800 for the motivation.";
      nestedTypes.elemType = elemType;
    };

    # A single-key attribute set whose key selects one of `tags` (options made with mkOption).
    attrTag = tagsArg:
      let
        posSuffix = n: let p = builtins.unsafeGetAttrPos n tagsArg; in
          if p == null then "" else " at ${p.file}:${toString p.line}:${toString p.column}";
        tags = builtins.mapAttrs (n: opt:
          builtins.addErrorContext "while checking that attrTag tag ${lib.strings.escapeNixIdentifier n} is an option with a type${posSuffix n}" (
            if opt._type or null != "option" then
              throw "In attrTag, each tag value must be an option, but tag ${lib.strings.escapeNixIdentifier n} ${
                if opt ? _type then
                  (if opt._type == "option-type" then "was a bare type, not wrapped in mkOption."
                   else "was of type ${builtins.toJSON opt._type}.")
                else "was not."}"
            else opt // {
              declarations = opt.declarations or (let p = builtins.unsafeGetAttrPos n tagsArg; in if p == null then [ ] else [ p.file ]);
              declarationPositions = opt.declarationPositions or (let p = builtins.unsafeGetAttrPos n tagsArg; in if p == null then [ ] else [ p ]);
            })) tagsArg;
        choices = lib.concatMapStringsSep ", " lib.strings.escapeNixIdentifier (attrNames tags);
        # evalOptionValue for one tag: definitions plus the tag's default, then `apply`.
        evalTag = loc: opt: defs:
          let
            allDefs = (if opt ? default then [ { file = head (opt.declarations ++ [ "<unknown-file>" ]); value = lib.mkOptionDefault opt.default; } ] else [ ]) ++ defs;
            r = mergeElem loc (opt.type or unspecified) allDefs;
          in
          (opt.apply or (x: x)) r.mergedValue;
        # Two declarations of the same tag: merged like repeated option declarations.
        mergeTagDecls = a: b:
          let
            ta = a.type or null; tb = b.type or null;
            mergedType =
              if ta == null then tb else if tb == null then ta
              else let m = ta.typeMerge tb.functor; in
                if m == null then throw "The attrTag option `${lib.concatStringsSep "." (a.loc or [ ])}' is declared with conflicting types." else m;
          in
          a // b // lib.optionalAttrs (mergedType != null) { type = mergedType; } // {
            declarations = a.declarations ++ b.declarations;
            declarationPositions = a.declarationPositions ++ b.declarationPositions;
          };
      in
      mkOptionType {
        name = "attrTag";
        description = "attribute-tagged union with choices: ${choices}";
        descriptionClass = "noun";
        getSubOptions = prefix: builtins.mapAttrs (n: opt: opt // { loc = prefix ++ [ n ]; }) tags;
        check = v: isAttrs v && length (attrNames v) == 1 && tags ? ${head (attrNames v)};
        merge = loc: defs:
          let
            choice = head (attrNames (head defs).value);
            valueDefs = map (def:
              if head (attrNames def.value) != choice then
                throw "The option `${showOption loc}` is defined both as `${choice}` and `${head (attrNames def.value)}`, in ${lib.options.showFiles (lib.options.getFiles defs)}."
              else { inherit (def) file; value = def.value.${choice}; }) defs;
          in
          if tags ? ${choice} then { ${choice} = evalTag (loc ++ [ choice ]) tags.${choice} valueDefs; }
          else throw "The option `${showOption loc}` is defined as ${lib.strings.escapeNixIdentifier choice}, but ${lib.strings.escapeNixIdentifier choice} is not among the valid choices (${choices}). Value ${choice} was defined in ${lib.options.showFiles (lib.options.getFiles defs)}.";
        nestedTypes = tags;
        functor = defaultFunctor "attrTag" // {
          type = { tags, ... }: attrTag tags;
          payload = { inherit tags; };
          binOp = a: b: {
            tags = a.tags // b.tags // builtins.mapAttrs (n: bOpt: mergeTagDecls a.tags.${n} bOpt) (builtins.intersectAttrs a.tags b.tags);
          };
        };
      };

    uniq = unique { message = ""; };
    unique = { message }: type: mkOptionType rec {
      name = "unique";
      inherit (type) description descriptionClass check;
      merge = mergeUniqueOption { inherit message; inherit (type) merge; };
      emptyValue = type.emptyValue;
      getSubOptions = type.getSubOptions;
      getSubModules = type.getSubModules;
      substSubModules = m: uniq (type.substSubModules m);
      functor = defaultFunctor name // { wrapped = type; };
      nestedTypes.elemType = type;
    };

    nullOr = elemType: mkOptionType rec {
      name = "nullOr";
      description = "null or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") elemType}";
      descriptionClass = "conjunction";
      check = x: x == null || elemType.check x;
      merge = loc: defs:
        let nrNulls = length (filter (d: d.value == null) defs); in
        if nrNulls == length defs then null
        else if nrNulls != 0 then
          throw "The option `${showOption loc}` is defined both null and not null, in ${lib.options.showFiles (lib.options.getFiles defs)}."
        else elemType.merge loc defs;
      emptyValue = { value = null; };
      getSubOptions = elemType.getSubOptions;
      getSubModules = elemType.getSubModules;
      substSubModules = m: nullOr (elemType.substSubModules m);
      functor = defaultFunctor name // { wrapped = elemType; };
      nestedTypes.elemType = elemType;
    };

    functionTo = elemType: mkOptionType {
      name = "functionTo";
      description = "function that evaluates to a(n) ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = lib.isFunction;
      merge = loc: defs: fnArgs:
        (mergeElem (loc ++ [ "<function body>" ]) elemType (map (fn: { inherit (fn) file; value = fn.value fnArgs; }) defs)).mergedValue;
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<function body>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: functionTo (elemType.substSubModules m);
      functor = defaultFunctor "functionTo" // { wrapped = elemType; };
      nestedTypes.elemType = elemType;
    };

    enum = values:
      let show = v: if isString v then ''"${v}"'' else if isInt v then toString v
        else if isBool v then lib.boolToString v else "<${builtins.typeOf v}>"; in
      mkOptionType rec {
        name = "enum";
        description = if values == [ ] then "impossible (empty enum)"
          else if length values == 1 then "value ${show (head values)} (singular enum)"
          else "one of ${lib.concatMapStringsSep ", " show values}";
        descriptionClass = if length values < 2 then "noun" else "conjunction";
        check = x: elem x values;
        merge = mergeEqualOption;
        functor = defaultFunctor name // { payload = { inherit values; }; type = payload: enum payload.values; binOp = a: b: { values = lib.unique (a.values ++ b.values); }; };
      };

    either = t1: t2: mkOptionType rec {
      name = "either";
      description =
        if t1.descriptionClass or null == "nonRestrictiveClause" then
          "${t1.description}, or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") t2}"
        else
          "${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") t1} or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction" || c == "composite") t2}";
      descriptionClass = "conjunction";
      check = v2Check (x: t1.check x || t2.check x);
      merge = v2Merge ({ loc, defs }:
        let
          r1 = checkedAndMergedOf loc t1 defs;
          r2 = checkedAndMergedOf loc t2 defs;
          headError = { message = "The option `${showOption loc}` is neither a value of type `${t1.description}` nor `${t2.description}`, Definition values: ${showDefs defs}"; };
        in
        if r1.headError == null then r1
        else if r2.headError == null then r2
        else {
          inherit headError;
          valueMeta = { inherit headError; };
          value = lib.warn ''
            One or more definitions did not pass the type-check of the 'either' type.
            ${headError.message}
            If `either`, `oneOf` or similar is used in freeformType, ensure that it is preceded by an 'attrsOf' such as: `freeformType = types.attrsOf (types.either t1 t2)`.
            Otherwise consider using the correct type for the option `${showOption loc}`.  This will be an error in Nixpkgs 26.05.
          '' (mergeOneOption loc defs);
        });
      typeMerge = f': let mt1 = t1.typeMerge (builtins.elemAt f'.payload 0).functor; mt2 = t2.typeMerge (builtins.elemAt f'.payload 1).functor; in
        if name == f'.name && mt1 != null && mt2 != null then functor.type mt1 mt2 else null;
      functor = defaultFunctor name // { type = either; payload = [ t1 t2 ]; };
      nestedTypes.left = t1;
      nestedTypes.right = t2;
    };
    oneOf = ts: if ts == [ ] then throw "types.oneOf needs to get at least one type in its argument"
      else builtins.foldl' either (head ts) (builtins.tail ts);

    coercedTo = coercedType: coerceFunc: finalType:
      assert lib.assertMsg (coercedType.getSubModules == null) "coercedTo: coercedType must not have submodules (it's a ${coercedType.description})";
      mkOptionType rec {
        name = "coercedTo";
        description = "${optionDescriptionPhrase (c: c == "noun") finalType} or ${optionDescriptionPhrase (c: c == "noun") coercedType} convertible to it";
        check = v2Check (x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x);
        merge = v2Merge ({ loc, defs }:
          let
            coerces = def:
              if isV2 coercedType then
                (checkV2MergeCoherence loc coercedType (coercedType.merge.v2 { inherit loc; defs = [ def ]; })).headError == null
              else coercedType.check def.value;
            finalDefs = map (def: def // { value = if coerces def then coerceFunc def.value else def.value; }) defs;
          in
          if isV2 finalType then checkV2MergeCoherence loc finalType (finalType.merge.v2 { inherit loc; defs = finalDefs; })
          else {
            value = finalType.merge loc finalDefs;
            valueMeta = { };
            headError = checkDefsForError check loc defs;
          });
        emptyValue = finalType.emptyValue;
        getSubOptions = finalType.getSubOptions;
        getSubModules = finalType.getSubModules;
        substSubModules = m: coercedTo coercedType coerceFunc (finalType.substSubModules m);
        typeMerge = t: null;
        functor = defaultFunctor name // { wrapped = finalType; };
        nestedTypes.coercedType = coercedType;
        nestedTypes.finalType = finalType;
      };

    addCheck = elemType: check:
      if isV2 elemType then elemType // {
        check = v2Check (x: elemType.check x && check x);
        merge = v2Merge ({ loc, defs }@args:
          let orig = checkV2MergeCoherence loc elemType (elemType.merge.v2 args); in
          orig // { headError = if orig.headError != null then orig.headError else checkDefsForError check loc defs; });
      }
      else elemType // { check = x: elemType.check x && check x; };

    submodule = modules: submoduleWith { shorthandOnlyDefinesConfig = true; modules = lib.toList modules; };

    submoduleWith = { modules, specialArgs ? { }, shorthandOnlyDefinesConfig ? false, description ? null, class ? null }@attrs:
      let
        allModules = defs: map ({ value, file }:
          if isAttrs value && shorthandOnlyDefinesConfig then { _file = file; config = value; }
          else { _file = file; imports = [ value ]; }) defs;
        base = lib.evalModules {
          inherit class specialArgs;
          modules = [ { _module.args.name = lib.mkOptionDefault "‹name›"; } ] ++ modules;
        };
        # Read through `options` so that an unusual freeform type (e.g. listOf) is not merged here.
        freeformType = base.options._module.freeformType.value or null;
        name = "submodule";
      in
      mkOptionType {
        inherit name;
        description = if description != null then description
          else if freeformType == null then "submodule" else "open submodule of ${freeformType.description}";
        check = v2Check (x: isAttrs x || isFunction x || isPath x);
        merge = v2Merge ({ loc, defs }:
          let configuration = base.extendModules {
            modules = [ { _module.args.name = lib.last loc; } ] ++ allModules defs;
            prefix = loc;
          }; in {
            headError = checkDefsForError (x: isAttrs x || isFunction x || isPath x) loc defs;
            value = configuration.config;
            valueMeta = { inherit configuration; };
          });
        emptyValue = { value = base.config; };
        # As in the manual's option listing: checks off, and the freeform type's own
        # sub-options exposed under a name no option discovery cares about.
        getSubOptions = prefix:
          let
            docsEval = base.extendModules { inherit prefix; modules = [ noCheckForDocsModule ]; };
            freeform = docsEval.options._module.freeformType.value or null;
          in
          docsEval.options // lib.optionalAttrs (freeform != null) { _freeformOptions = freeform.getSubOptions prefix; };
        getSubModules = modules;
        substSubModules = m: submoduleWith (attrs // { modules = m; });
        nestedTypes = { };
        functor = defaultFunctor name // {
          type = submoduleWith;
          payload = { inherit modules class specialArgs shorthandOnlyDefinesConfig description; };
          binOp = lhs: rhs: {
            modules = lhs.modules ++ rhs.modules;
            specialArgs = lhs.specialArgs // rhs.specialArgs;
            class = if lhs.class == null then rhs.class
              else if rhs.class == null || lhs.class == rhs.class then lhs.class
              else throw "A submoduleWith option is declared multiple times with conflicting class values \"${toString lhs.class}\" and \"${toString rhs.class}\".";
            shorthandOnlyDefinesConfig = if lhs.shorthandOnlyDefinesConfig == null then rhs.shorthandOnlyDefinesConfig
              else if rhs.shorthandOnlyDefinesConfig == null then lhs.shorthandOnlyDefinesConfig
              else if lhs.shorthandOnlyDefinesConfig == rhs.shorthandOnlyDefinesConfig then lhs.shorthandOnlyDefinesConfig
              else throw "A submoduleWith option is declared multiple times with conflicting shorthandOnlyDefinesConfig values";
            description = if lhs.description == null then rhs.description else lhs.description;
          };
        };
      };

    deferredModuleWith = { staticModules ? [ ] }: mkOptionType {
      name = "deferredModule";
      description = "module";
      descriptionClass = "noun";
      check = x: isAttrs x || isFunction x || isPath x;
      merge = loc: defs: {
        imports = staticModules ++ map (def: lib.setDefaultModuleLocation "${def.file}, via option ${showOption loc}" def.value) defs;
      };
      getSubOptions = prefix: (lib.evalModules { modules = staticModules; inherit prefix; }).options;
      getSubModules = staticModules;
      substSubModules = m: deferredModuleWith { staticModules = m; };
      functor = defaultFunctor "deferredModuleWith" // {
        type = deferredModuleWith;
        payload = { inherit staticModules; };
        binOp = a: b: { staticModules = a.staticModules ++ b.staticModules; };
      };
    };
    deferredModule = deferredModuleWith { };

    optionType = mkOptionType {
      name = "optionType"; description = "optionType"; descriptionClass = "noun";
      check = value: value._type or null == "option-type";
      merge = loc: defs: if length defs == 1 then (head defs).value
        else
          # Each definition becomes a declaration of one option, so that the types merge as
          # declarations do (sub-modules wrapped in the file of their definition). evalModules
          # merges its modules last first, as nixpkgs does; nixpkgs merges these declarations
          # in definition order, hence the reversal.
          # The option sits at the top of its evaluation, with the rest of `loc` as prefix, so
          # that errors name `loc` while no declaration of this evaluation's own `_module`
          # can clash with it.
          let name = if loc == [ ] then "_" else lib.last loc; in
          (lib.evalModules {
            prefix = if loc == [ ] then [ ] else lib.init loc;
            modules = lib.reverseList (map (d: { _file = d.file; options.${name} = lib.mkOption { type = d.value; }; }) defs);
          }).options.${name}.type;
    };
  };
in
types
