# nixling lib — gvariant: building values in the GVariant text format
# (https://docs.gtk.org/glib/gvariant-text-format.html), as dconf settings use them.
#
# A GVariant value is an attribute set
#   { _type = "gvariant"; type = <GVariant type string>; value = <payload>; __toString = …; }
# so `toString v` (or "${v}") renders it in GVariant text form. Plain Nix values are
# converted by `mkValue`; integers are ambiguous and must be wrapped explicitly.
{ lib }:

let
  inherit (lib) concatMapStringsSep concatStrings;

  # Type strings of the GVariant types this library knows.
  type = {
    boolean = "b";
    uchar = "y";
    int16 = "n";
    uint16 = "q";
    int32 = "i";
    uint32 = "u";
    int64 = "x";
    uint64 = "t";
    double = "d";
    string = "s";
    variant = "v";
    arrayOf = elem: "a" + elem;
    maybeOf = elem: "m" + elem;
    tupleOf = elems: "(" + concatStrings elems + ")";
    dictionaryEntryOf = key: val: "{" + key + val + "}";
  };

  # A GVariant value with its type string, payload and renderer (a function of the
  # value itself, like any `__toString`).
  gvariantOf = typeString: payload: render: {
    _type = "gvariant";
    type = typeString;
    value = payload;
    __toString = render;
  };

  # The default text form: the value with a type annotation, `@u 42`.
  annotated = self: "@" + self.type + " " + toString self.value;

  # A value whose text form carries its type annotation.
  typed = typeString: payload: gvariantOf typeString payload annotated;

  # Comma-separated text forms of a list of GVariant values.
  commaJoined = concatMapStringsSep "," toString;

  # Quoting of a string in GVariant text: `'`, `\` and newlines are escaped.
  quoteString = s: "'" + builtins.replaceStrings [ "\\" "'" "\n" ] [ "\\\\" "\\'" "\\n" ] s + "'";

  # The integer constructors with the ranges they accept (null: no bound Nix can express).
  intRange = name: typeString: min: max: {
    inherit name min max;
    type = typeString;
  };

  intConstructors = [
    (intRange "mkInt32" type.int32 (-2147483648) 2147483647)
    (intRange "mkUint32" type.uint32 0 4294967295)
    (intRange "mkInt64" type.int64 null null)
    (intRange "mkUint64" type.uint64 0 null)
    (intRange "mkInt16" type.int16 (-32768) 32767)
    (intRange "mkUint16" type.uint16 0 65535)
    (intRange "mkUchar" type.uchar 0 255)
  ];

  inRange = n: c: (c.min == null || c.min <= n) && (c.max == null || n <= c.max);

  ambiguousInt =
    n:
    let
      candidates = builtins.filter (inRange n) intConstructors;
      suggestion = c: "- `lib.gvariant.${c.name}` for `${c.type}`";
    in
    throw (
      "The GVariant type for number “${toString n}” is unclear.\n"
      + "Please wrap the value with one of the following, depending on the value type in GSettings schema:\n"
      + "\n"
      + concatMapStringsSep "\n" suggestion candidates
      + "\n"
    );

  isGVariant = v: (v._type or "") == "gvariant";

  mkValue =
    v:
    if builtins.isBool v then
      mkBoolean v
    else if builtins.isFloat v then
      mkDouble v
    else if builtins.isString v then
      mkString v
    else if builtins.isList v then
      mkArray v
    else if isGVariant v then
      v
    else if builtins.isInt v then
      ambiguousInt v
    else if builtins.isAttrs v then
      throw "Cannot construct GVariant value from an attribute set. If you want to construct a dictionary, you will need to create an array containing items constructed with `lib.gvariant.mkDictionaryEntry`."
    else
      throw "The GVariant type of “${builtins.typeOf v}” can't be inferred.";

  mkBoolean = b: gvariantOf type.boolean b (self: if self.value then "true" else "false");

  mkString = s: gvariantOf type.string s (self: quoteString self.value);

  # Object paths carry type "s", as in nixpkgs; only `'` is escaped in their text.
  mkObjectpath =
    s:
    gvariantOf type.string s (
      self: "objectpath '" + builtins.replaceStrings [ "'" ] [ "\\'" ] self.value + "'"
    );

  mkDouble = x: gvariantOf type.double x (self: toString self.value);

  # int32 is GVariant's default integer type, so it needs no annotation.
  mkInt32 = n: gvariantOf type.int32 n (self: toString self.value);

  mkUchar = typed type.uchar;
  mkInt16 = typed type.int16;
  mkUint16 = typed type.uint16;
  mkUint32 = typed type.uint32;
  mkInt64 = typed type.int64;
  mkUint64 = typed type.uint64;

  mkArray =
    elems:
    let
      members = map mkValue (
        if elems == [ ] then throw "Please create empty array with mkEmptyArray." else elems
      );
      memberType = (builtins.head members).type;
      sameType = builtins.all (m: m.type == memberType) members;
      elemType =
        if sameType then memberType else throw "Elements in a list should have same type.";
    in
    gvariantOf (type.arrayOf elemType) members (self: "@${self.type} [${commaJoined self.value}]");

  mkEmptyArray = elemType: gvariantOf (type.arrayOf elemType) [ ] (self: "@${self.type} []");

  mkVariant = elem: gvariantOf type.variant (mkValue elem) (self: "<${toString self.value}>");

  mkDictionaryEntry =
    name: value:
    let
      key = mkValue name;
      val = mkValue value;
    in
    gvariantOf (type.dictionaryEntryOf key.type val.type) { inherit name value; } (
      self: "@${self.type} {${key},${val}}"
    );

  # The element is kept as given (not converted); `just` renders it with toString.
  mkMaybe =
    elemType: elem:
    gvariantOf (type.maybeOf elemType) elem (
      self: if self.value == null then "@${self.type} nothing" else "just ${toString self.value}"
    );

  mkNothing = elemType: mkMaybe elemType null;

  mkJust =
    elem:
    let
      inner = mkValue elem;
    in
    mkMaybe inner.type inner;

  mkTuple =
    elems:
    let
      members = map mkValue elems;
    in
    gvariantOf (type.tupleOf (map (m: m.type) members)) members (
      self: "@${self.type} (${commaJoined self.value})"
    );
in
{
  inherit
    type
    isGVariant
    intConstructors
    mkValue
    mkArray
    mkEmptyArray
    mkVariant
    mkDictionaryEntry
    mkMaybe
    mkNothing
    mkJust
    mkTuple
    mkBoolean
    mkString
    mkObjectpath
    mkUchar
    mkInt16
    mkUint16
    mkInt32
    mkUint32
    mkInt64
    mkUint64
    mkDouble
    ;
}
