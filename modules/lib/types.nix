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
  mergeElem = loc: elemType: defs: native.mergeDefinitions loc elemType defs;

  types = rec {
    inherit mkOptionType isStringLike defaultFunctor defaultTypeMerge optionDescriptionPhrase;
    isType = type: x: (x._type or "") == type;
    isOptionType = x: (x._type or "") == "option-type";

    raw = mkOptionType { name = "raw"; description = "raw value"; descriptionClass = "noun"; check = x: true; merge = mergeOneOption; };

    anything = mkOptionType {
      name = "anything"; description = "anything"; descriptionClass = "noun";
      check = x: true;
      merge = loc: defs:
        let
          getType = value: if isAttrs value && isStringLike value then "stringCoercibleSet" else builtins.typeOf value;
          commonType = builtins.foldl' (t: def: if getType def.value == t then t else
            throw "The option `${showOption loc}' has conflicting definition values:${showDefs defs}\n")
            (getType (head defs).value) defs;
          mergeFunction = {
            list = if length defs > 1 then throw "The option `${showOption loc}' has conflicting definition values:${showDefs defs}" else (loc: defs: (head defs).value);
            set = (attrsOf anything).merge;
            lambda = loc: defs: arg: anything.merge (loc ++ [ "<function body>" ]) (map (def: { file = def.file; value = def.value arg; }) defs);
          }.${commonType} or (loc: defs: mergeEqualOption loc defs);
        in mergeFunction loc defs;
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

    package = mkOptionType { name = "package"; descriptionClass = "noun";
      check = x: lib.isDerivation x || lib.isStorePath x;
      merge = loc: defs: let res = mergeOneOption loc defs; in
        if builtins.isPath res || (builtins.isString res && !builtins.hasContext res) then lib.toDerivation res else res; };

    pathWith = { inStore ? null, absolute ? null }: mkOptionType {
      name = "path";
      description = (if absolute == null then "" else (if absolute then "absolute " else "relative ")) + "path"
        + (if inStore == null then "" else (if inStore then " in the Nix store" else " not in the Nix store"));
      descriptionClass = "noun";
      merge = mergeEqualOption;
      check = x:
        let isAbsolute = builtins.substring 0 1 (toString x) == "/";
            isInStore = lib.hasPrefix builtins.storeDir (toString x);
        in (if inStore == null || inStore then isStringLike x else isString x)
          && (inStore == null || inStore == isInStore)
          && (absolute == null || absolute == isAbsolute);
      functor = defaultFunctor "path" // { type = pathWith; payload = { inherit inStore absolute; }; binOp = a: b: if a == b then a else null; };
    };
    path = pathWith { absolute = true; };
    pathInStore = pathWith { inStore = true; };

    listOf = elemType: mkOptionType rec {
      name = "listOf";
      description = "list of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = isList;
      merge = loc: defs:
        map (r: r.mergedValue) (filter (r: r.isDefined) (concatLists (lib.imap1 (n: def:
          lib.imap1 (m: def': mergeElem (loc ++ [ "[definition ${toString n}-entry ${toString m}]" ]) elemType
            [ { inherit (def) file; value = def'; } ]) def.value) defs)));
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

    attrsWith = { elemType, lazy ? false, placeholder ? "name" }: mkOptionType rec {
      name = if lazy then "lazyAttrsOf" else "attrsOf";
      description = (if lazy then "lazy attribute set" else "attribute set")
        + " of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = isAttrs;
      merge = loc: defs:
        let
          byName = builtins.zipAttrsWith (n: vs: vs)
            (map (def: builtins.mapAttrs (n: v: { inherit (def) file; value = v; }) def.value) defs);
          merged = builtins.mapAttrs (n: ds: mergeElem (loc ++ [ n ]) elemType ds) byName;
        in
        if lazy then builtins.mapAttrs (n: r: r.mergedValue) merged
        else builtins.mapAttrs (n: r: r.mergedValue) (lib.filterAttrs (n: r: r.isDefined) merged);
      emptyValue = { value = { }; };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<${placeholder}>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: attrsWith { elemType = elemType.substSubModules m; inherit lazy placeholder; };
      functor = defaultFunctor "attrsWith" // {
        type = payload: attrsWith payload;
        wrapped = null;
        payload = { inherit elemType lazy placeholder; };
        binOp = a: b:
          let et = a.elemType.typeMerge b.elemType.functor; in
          if a.lazy == b.lazy && a.placeholder == b.placeholder && et != null
          then { elemType = et; inherit (a) lazy placeholder; } else null;
      };
      nestedTypes.elemType = elemType;
    };
    attrsOf = elemType: attrsWith { inherit elemType; };
    lazyAttrsOf = elemType: attrsWith { inherit elemType; lazy = true; };

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
      check = x: t1.check x || t2.check x;
      merge = loc: defs:
        let defList = map (d: d.value) defs; in
        if all (x: t1.check x) defList then t1.merge loc defs
        else if all (x: t2.check x) defList then t2.merge loc defs
        else mergeOneOption loc defs;
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
        check = x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x;
        merge = loc: defs:
          let coerceVal = val: if coercedType.check val then coerceFunc val else val;
          in finalType.merge loc (map (def: def // { value = coerceVal def.value; }) defs);
        emptyValue = finalType.emptyValue;
        getSubOptions = finalType.getSubOptions;
        getSubModules = finalType.getSubModules;
        substSubModules = m: coercedTo coercedType coerceFunc (finalType.substSubModules m);
        typeMerge = t: null;
        functor = defaultFunctor name // { wrapped = finalType; };
        nestedTypes.coercedType = coercedType;
        nestedTypes.finalType = finalType;
      };

    addCheck = elemType: check: elemType // { check = x: elemType.check x && check x; };

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
        freeformType = base._module.freeformType or null;
        name = "submodule";
      in
      mkOptionType {
        inherit name;
        description = if description != null then description
          else if freeformType == null then "submodule" else "open submodule of ${freeformType.description}";
        descriptionClass = "noun";
        check = x: isAttrs x || isFunction x || isPath x;
        merge = loc: defs: (base.extendModules {
          modules = [ { _module.args.name = lib.last loc; } ] ++ allModules defs;
          prefix = loc;
        }).config;
        emptyValue = { value = base.config; };
        getSubOptions = prefix: (base.extendModules { inherit prefix; }).options;
        getSubModules = modules;
        substSubModules = m: submoduleWith (attrs // { modules = m; });
        nestedTypes = { };
        functor = defaultFunctor name // {
          type = submoduleWith;
          payload = { inherit modules class specialArgs shorthandOnlyDefinesConfig description; };
          binOp = lhs: rhs: {
            modules = lhs.modules ++ rhs.modules;
            specialArgs = lhs.specialArgs // rhs.specialArgs;
            class = if lhs.class == null then rhs.class else lhs.class;
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
        else (lib.evalModules { modules = map (d: { _file = d.file; options.x = lib.mkOption { type = d.value; }; }) defs; }).options.x.type;
    };
  };
in
types
