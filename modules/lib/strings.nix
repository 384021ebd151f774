# nixling lib — string functions: concatenation, searching, splitting, case,
# escaping for shells/Nix/URLs/XML, numeric parsing, configure/CMake/Meson flag
# helpers, edit distance.
{ lib }:

let
  b = builtins;
  inherit (b) stringLength substring length elemAt genList head match isString isList isPath;
  inherit (lib.trivial) warnIf throwIfNot;

  # Code points of tab, newline, carriage return and the printable ASCII range.
  printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  asciiCodes =
    { "\t" = 9; "\n" = 10; "\r" = 13; }
    // b.listToAttrs (genList (i: { name = substring i 1 printable; value = 32 + i; }) (stringLength printable));

  pathArgWarning = fn: arg: consequence: ''
    lib.strings.${fn}: The first argument (${toString arg}) is a path value, but only strings are supported.
        There is almost certainly a bug in the calling code, since this function ${consequence} in such a case.
        This function also copies the path to the Nix store, which may not be what you want.
        This behavior is deprecated and will throw an error in the future.'';

  nixKeywords = [ "assert" "else" "if" "in" "inherit" "let" "or" "rec" "then" "with" ];
in
rec {
  inherit (b)
    compareVersions elem elemAt filter fromJSON genList head isInt isList isAttrs isPath
    isString match parseDrvName readFile replaceStrings split storeDir stringLength
    substring tail toJSON typeOf unsafeDiscardStringContext appendContext;

  # --- concatenation ---------------------------------------------------------
  join = b.concatStringsSep;
  concatStringsSep = b.concatStringsSep;
  concatStrings = b.concatStringsSep "";
  concatMapStrings = f: list: concatStrings (map f list);
  concatImapStrings = f: list: concatStrings (lib.lists.imap1 f list);
  concatMapStringsSep = sep: f: list: b.concatStringsSep sep (map f list);
  concatImapStringsSep = sep: f: list: b.concatStringsSep sep (lib.lists.imap1 f list);
  concatMapAttrsStringSep = sep: f: set: b.concatStringsSep sep (b.attrValues (b.mapAttrs f set));
  concatLines = lines: if lines == [ ] then "" else b.concatStringsSep "\n" lines + "\n";

  intersperse = sep: list:
    if length list < 2 then list
    else [ (head list) ] ++ b.concatMap (x: [ sep x ]) (b.tail list);

  replaceString = from: to: b.replaceStrings [ from ] [ to ];
  replicate = n: s: concatStrings (lib.lists.replicate n s);
  optionalString = cond: s: if cond then s else "";

  # --- search paths ------------------------------------------------------------
  makeSearchPath = subDir: paths:
    b.concatStringsSep ":" (map (p: p + "/" + subDir) (b.filter (p: p != null) paths));
  makeSearchPathOutput = output: subDir: pkgs:
    makeSearchPath subDir (map (lib.attrsets.getOutput output) pkgs);
  makeLibraryPath = makeSearchPathOutput "lib" "lib";
  makeIncludePath = makeSearchPathOutput "dev" "include";
  makeBinPath = makeSearchPathOutput "bin" "bin";

  normalizePath = s:
    warnIf (isPath s) ''
      lib.strings.normalizePath: The argument (${toString s}) is a path value, but only strings are supported.
          Path values are always normalised in Nix, so there's no need to call this function on them.
          This function also copies the path to the Nix store and returns the store path, the same as "''${path}" will, which may not be what you want.
          This behavior is deprecated and will throw an error in the future.''
      (b.foldl' (acc: c: if c == "/" && hasSuffix "/" acc then acc else acc + c) "" (stringToCharacters s));

  # --- prefixes, suffixes, infixes ------------------------------------------------
  hasPrefix = prefix: s:
    warnIf (isPath prefix)
      (pathArgWarning "hasPrefix" prefix "always returns `false`" + "\n    You might want to use `lib.path.hasPrefix` instead, which correctly supports paths.")
      (substring 0 (stringLength prefix) s == prefix);

  hasSuffix = suffix: s:
    let
      n = stringLength s;
      k = stringLength suffix;
    in
    warnIf (isPath suffix) (pathArgWarning "hasSuffix" suffix "always returns `false`")
      (n >= k && substring (n - k) k s == suffix);

  hasInfix = infix: s:
    warnIf (isPath infix) (pathArgWarning "hasInfix" infix "always returns `false`")
      (match ".*${escapeRegex infix}.*" "${s}" != null);

  removePrefix = prefix: s:
    warnIf (isPath prefix) (pathArgWarning "removePrefix" prefix "never removes any prefix")
      (let k = stringLength prefix; in
       if substring 0 k s == prefix then substring k (-1) s else s);

  removeSuffix = suffix: s:
    warnIf (isPath suffix) (pathArgWarning "removeSuffix" suffix "never removes any suffix")
      (let k = stringLength suffix; n = stringLength s; in
       if k <= n && substring (n - k) k s == suffix then substring 0 (n - k) s else s);

  commonPrefixLength = x: y:
    let
      m = lib.trivial.min (stringLength x) (stringLength y);
      go = i: if i < m && substring i 1 x == substring i 1 y then go (i + 1) else i;
    in
    go 0;

  commonSuffixLength = x: y:
    let
      lx = stringLength x;
      ly = stringLength y;
      m = lib.trivial.min lx ly;
      go = i: if i < m && substring (lx - i - 1) 1 x == substring (ly - i - 1) 1 y then go (i + 1) else i;
    in
    go 0;

  # --- characters ---------------------------------------------------------------
  stringToCharacters = s: genList (i: substring i 1 s) (stringLength s);
  stringAsChars = f: s: concatStrings (map f (stringToCharacters s));
  charToInt = c: asciiCodes.${c};
  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  toLower = b.replaceStrings upperChars lowerChars;
  toUpper = b.replaceStrings lowerChars upperChars;

  addContextFrom = src: target: substring 0 0 src + target;

  toSentenceCase = s:
    throwIfNot (isString s) "toSentenceCase does only accepts string values, but got ${b.typeOf s}"
      (addContextFrom s (toUpper (substring 0 1 s) + toLower (substring 1 (-1) s)));

  toCamelCase = s:
    throwIfNot (isString s) "toCamelCase does only accepts string values, but got ${b.typeOf s}" (
      let
        words = splitStringBy (_: c: c == "-" || c == "_" || c == " ") false s;
        humps = b.concatMap
          (splitStringBy (p: c: match "[a-z]" p != null && match "[A-Z]" c != null) true)
          words;
        pieces =
          if humps == [ ] then [ "" ]
          else [ (toLower (head humps)) ] ++ map toSentenceCase (b.tail humps);
      in
      concatStrings (map (addContextFrom s) pieces));

  # --- splitting ---------------------------------------------------------------
  splitString = sep: s:
    map (addContextFrom s)
      (b.filter isString (b.split (escapeRegex (toString sep)) (toString s)));

  # Split before each character where `pred previous current` holds; with
  # keepSplit the splitting character starts the next part, else it is dropped.
  splitStringBy = pred: keepSplit: s:
    let
      n = stringLength s;
      cuts = b.filter (i: pred (if i > 0 then substring (i - 1) 1 s else "") (substring i 1 s)) (genList (i: i) n);
      starts = [ 0 ] ++ map (i: if keepSplit then i else i + 1) cuts;
      ends = cuts ++ [ n ];
      parts = genList (k: substring (elemAt starts k) (elemAt ends k - elemAt starts k) s) (length ends);
    in
    map (addContextFrom s) parts;

  trimWith = { start ? false, end ? false }:
    let
      ws = " \t\r\n";
      re =
        if start && end then "[${ws}]*(.*[^${ws}])[${ws}]*"
        else if start then "[${ws}]*(.*)"
        else if end then "(.*[^${ws}])[${ws}]*"
        else "(.*)";
    in
    s:
    let m = match re s; in
    if m == null then "" else head m;
  trim = trimWith { start = true; end = true; };

  # --- escaping ------------------------------------------------------------------
  escape = chars: b.replaceStrings chars (map (c: "\\${c}") chars);
  escapeC = chars: b.replaceStrings chars
    (map (c: "\\x${fixedWidthString 2 "0" (toLower (lib.trivial.toHexString (charToInt c)))}") chars);
  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");
  escapeNixString = s: escape [ "$" ] (b.toJSON s);
  escapeNixIdentifier = s:
    if match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null && !b.elem s nixKeywords then s
    else escapeNixString s;
  escapeXML = b.replaceStrings [ "\"" "'" "<" ">" "&" ] [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];
  escapeURL =
    let
      keep = b.listToAttrs (map (c: { name = c; value = null; })
        (stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"));
      special = b.filter (c: !(keep ? ${c})) (b.attrNames asciiCodes);
    in
    b.replaceStrings special
      (map (c: "%" + fixedWidthString 2 "0" (lib.trivial.toHexString asciiCodes.${c})) special);

  escapeShellArg = arg:
    let s = toString arg; in
    if match "[[:alnum:],._+:@%/-]+" s != null then s
    else "'" + b.replaceStrings [ "'" ] [ "'\\''" ] s + "'";
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;

  isValidPosixName = name: match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;

  toShellVar = name: value:
    throwIfNot (isValidPosixName name) "toShellVar: ${name} is not a valid shell variable name" (
      if b.isAttrs value && !isStringLike value then
        "declare -A ${name}=(${b.concatStringsSep " "
          (lib.attrsets.mapAttrsToList (k: v: "[${escapeShellArg k}]=${escapeShellArg v}") value)})"
      else if isList value then
        "declare -a ${name}=(${escapeShellArgs value})"
      else
        "${name}=${escapeShellArg value}");
  toShellVars = vars: b.concatStringsSep "\n" (lib.attrsets.mapAttrsToList toShellVar vars);

  # --- type tests --------------------------------------------------------------
  isStringLike = x: isString x || isPath x || x ? outPath || x ? __toString;
  isConvertibleWithToString = x:
    isStringLike x
    || b.elem (b.typeOf x) [ "null" "int" "float" "bool" ]
    || (isList x && b.all isConvertibleWithToString x);
  isStorePath = x:
    isStringLike x && (
      let s = toString x; in
      substring 0 1 s == "/"
      && (dirOf s == b.storeDir || match "/[0-9a-z]{52}" s != null));

  # --- versions and names ----------------------------------------------------------
  versionOlder = v1: v2: b.compareVersions v2 v1 == 1;
  versionAtLeast = v1: v2: !(versionOlder v1 v2);
  getName = x: if isString x then (b.parseDrvName x).name else x.pname or (b.parseDrvName x.name).name;
  getVersion = x: if isString x then (b.parseDrvName x).version else x.version or (b.parseDrvName x.name).version;
  nameFromURL = url: sep:
    let
      file = lib.lists.last (splitString "/" url);
      name = head (splitString sep file);
    in
    assert name != file;
    name;

  sanitizeDerivationName = s:
    if stringLength s <= 207 && match "[[:alnum:]+_?=-][[:alnum:]+._?=-]*" s != null then
      b.unsafeDiscardStringContext s
    else
      let
        noDots = head (match "\\.*(.*)" (b.unsafeDiscardStringContext s));
        replaced = concatStrings (map (p: if isList p then "-" else p) (b.split "[^[:alnum:]+._?=-]+" noDots));
        n = stringLength replaced;
        clipped = substring (lib.trivial.max (n - 207) 0) (-1) replaced;
      in
      if clipped == "" then "unknown" else clipped;

  # --- build-system flags -------------------------------------------------------------
  enableFeature = flag: feature:
    assert b.isBool flag;
    assert isString feature;
    "--${if flag then "enable" else "disable"}-${feature}";
  enableFeatureAs = flag: feature: value: enableFeature flag feature + optionalString flag "=${value}";
  withFeature = flag: feature:
    assert isString feature;
    "--${if flag then "with" else "without"}-${feature}";
  withFeatureAs = flag: feature: value: withFeature flag feature + optionalString flag "=${value}";

  cmakeOptionType = type: feature: value:
    assert b.elem (toUpper type) [ "BOOL" "FILEPATH" "PATH" "STRING" "INTERNAL" "LIST" ];
    assert isString feature;
    assert isString value;
    "-D${feature}:${toUpper type}=${value}";
  cmakeBool = condition: flag:
    assert isString condition;
    assert b.isBool flag;
    cmakeOptionType "bool" condition (if flag then "TRUE" else "FALSE");
  cmakeFeature = feature: value:
    assert isString feature;
    assert isString value;
    cmakeOptionType "string" feature value;
  mesonOption = feature: value:
    assert isString feature;
    assert isString value;
    "-D${feature}=${value}";
  mesonBool = condition: flag:
    assert isString condition;
    assert b.isBool flag;
    mesonOption condition (if flag then "true" else "false");
  mesonEnable = feature: flag:
    assert isString feature;
    assert b.isBool flag;
    mesonOption feature (if flag then "enabled" else "disabled");

  # --- numbers -----------------------------------------------------------------
  # Left-pad with whole copies of `filler` until the width is reached exactly.
  fixedWidthString = width: filler: s:
    let n = stringLength s; in
    assert lib.asserts.assertMsg (n <= width)
      "fixedWidthString: requested string length (${toString width}) must not be shorter than actual length (${toString n})";
    if n == width then s else filler + fixedWidthString (width - stringLength filler) filler s;
  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);

  floatToString = f:
    let s = toString f; in
    warnIf (f != b.fromJSON s) "Imprecise conversion from float to string ${s}" s;

  toInt = s:
    let
      m = match "[[:space:]]*(-?[[:digit:]]+)[[:space:]]*" s;
      digits = head m;
      fail = throw "toInt: Could not convert ${escapeNixString s} to int.";
    in
    if m == null then fail
    else if match "0[[:digit:]]+" digits != null then
      throw "toInt: Ambiguity in interpretation of ${escapeNixString s} between octal and zero padded integer."
    else
      let v = b.fromJSON digits; in
      if b.isInt v then v else fail;

  toIntBase10 = s:
    let
      m = match "[[:space:]]*0*(-?[[:digit:]]+)[[:space:]]*" s;
      digits = head m;
    in
    if m == null then throw "toIntBase10: Could not convert ${escapeNixString s} to int."
    else if match "0+" digits != null then 0
    else
      let v = b.fromJSON digits; in
      if b.isInt v then v else throw "toIntBase10: Could not convert ${escapeNixString s} to int.";

  fileContents = file: removeSuffix "\n" (b.readFile file);

  # --- edit distance -------------------------------------------------------------
  # Classic dynamic programme, one row at a time.
  levenshtein = x: y:
    let
      lx = stringLength x;
      ly = stringLength y;
      ys = stringToCharacters y;
      firstRow = genList (j: j) (ly + 1);
      nextRow = prev: i:
        let
          cx = substring (i - 1) 1 x;
          row = genList (j:
            if j == 0 then i
            else
              let
                cost = if cx == elemAt ys (j - 1) then 0 else 1;
                del = elemAt prev j + 1;
                ins = elemAt row (j - 1) + 1;
                sub = elemAt prev (j - 1) + cost;
              in
              lib.trivial.min (lib.trivial.min del ins) sub) (ly + 1);
        in
        row;
    in
    elemAt (b.foldl' nextRow firstRow (genList (i: i + 1) lx)) ly;

  levenshteinAtMost = k:
    if k <= 0 then (x: y: x == y)
    else
      let
        check = x: y:
          let
            lx = stringLength x;
            ly = stringLength y;
          in
          if lx < ly then check y x
          else if lx - ly > k then false
          else
            let
              # Dropping a shared prefix, then a shared suffix, keeps the distance.
              pre = commonPrefixLength x y;
              x' = substring pre (-1) x;
              y' = substring pre (-1) y;
              suf = commonSuffixLength x' y';
            in
            levenshtein (substring 0 (stringLength x' - suf) x') (substring 0 (stringLength y' - suf) y') <= k;
      in
      check;
}
