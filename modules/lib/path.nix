# nixling lib.path — operations on path values and on subpath strings (relative
# paths such as "foo/bar" or "./foo/./bar/", never absolute, never containing "..").
#
# A path value is taken apart as its filesystem root (the path that is its own parent
# directory, /. in Nix as it is today) and the list of its components below that root.
# A subpath string is kept as its list of components; the normal form of that list is
# "./" followed by the components joined with "/", or "./." when there are none.
{ lib }:
let
  inherit (builtins) isString isPath typeOf match split filter length elemAt head
    substring concatStringsSep storeDir;

  # null for a valid subpath string, else why it is not one.
  whyInvalid = value:
    if !isString value then
      "The given value is of type ${typeOf value}, but a string was expected"
    else if value == "" then
      "The given string is empty"
    else if substring 0 1 value == "/" then
      "The given string \"${value}\" starts with a `/`, representing an absolute path"
    else if match "(.*/)?\\.\\.(/.*)?" value != null then
      "The given string \"${value}\" contains a `..` component, which is not allowed in subpaths"
    else
      null;

  valid = value: whyInvalid value == null;

  # The components of a valid subpath string: empty and "." components say nothing.
  componentsOfSubpath = s: filter (c: isString c && c != "" && c != ".") (split "/" s);

  normalForm = cs: if cs == [ ] then "./." else "./" + concatStringsSep "/" cs;

  # { root; components; } of a path value, walking up with dirOf until the parent of a
  # directory is itself.
  takeApart = p:
    let
      up = here: below:
        let parent = dirOf here; in
        if parent == here then { root = here; components = below; }
        else up parent ([ (baseNameOf here) ] ++ below);
    in
    up p [ ];

  # Whether the list `xs` starts with the list `prefix`.
  startsWith = prefix: xs:
    let n = length prefix; in
    length xs >= n && lib.lists.take n xs == prefix;

  storeComponents = componentsOfSubpath storeDir;

  # A path below /: in a store path (the store directory followed by an entry named
  # like "<32 characters>-<name>"), or rooted at a 52-character lower-case hash.
  storeLike = cs:
    let n = length storeComponents; in
    (length cs > n && startsWith storeComponents cs
      && match ".{32}-.+" (elemAt cs n) != null)
    || (cs != [ ] && match "[0-9a-z]{52}" (head cs) != null);

  differentRoots = fn: p1: r1: p2: r2: ''
    lib.path.${fn}: Filesystem roots must be the same for both paths, but paths with different roots were given:
        first argument: "${toString p1}" with root "${toString r1}"
        second argument: "${toString p2}" with root "${toString r2}"'';
in
{
  append = path: subpath:
    if !isPath path then
      throw "lib.path.append: The first argument is of type ${typeOf path}, but a path was expected"
    else if !valid subpath then
      throw ''
        lib.path.append: Second argument is not a valid subpath string:
            ${whyInvalid subpath}''
    else
      path + ("/" + subpath);

  # The first argument is checked as soon as it is given.
  hasPrefix = path1:
    if !isPath path1 then
      throw "lib.path.hasPrefix: First argument is of type ${typeOf path1}, but a path was expected"
    else
      let a = takeApart path1; in
      path2:
      if !isPath path2 then
        throw "lib.path.hasPrefix: Second argument is of type ${typeOf path2}, but a path was expected"
      else
        let b = takeApart path2; in
        if a.root != b.root then throw (differentRoots "hasPrefix" path1 a.root path2 b.root)
        else startsWith a.components b.components;

  removePrefix = path1:
    if !isPath path1 then
      throw "lib.path.removePrefix: First argument is of type ${typeOf path1}, but a path was expected."
    else
      let a = takeApart path1; in
      path2:
      if !isPath path2 then
        throw "lib.path.removePrefix: Second argument is of type ${typeOf path2}, but a path was expected."
      else
        let b = takeApart path2; in
        if a.root != b.root then throw (differentRoots "removePrefix" path1 a.root path2 b.root)
        else if !startsWith a.components b.components then
          throw ''lib.path.removePrefix: The first path argument "${toString path1}" is not a component-wise prefix of the second path argument "${toString path2}".''
        else
          normalForm (lib.lists.drop (length a.components) b.components);

  splitRoot = path:
    if !isPath path then
      throw "lib.path.splitRoot: Argument is of type ${typeOf path}, but a path was expected"
    else
      let parts = takeApart path; in
      { root = parts.root; subpath = normalForm parts.components; };

  hasStorePathPrefix = path:
    if !isPath path then
      throw "lib.path.hasStorePathPrefix: Argument is of type ${typeOf path}, but a path was expected"
    else
      let parts = takeApart path; in
      if !(parts.root == /. && toString parts.root == "/") then
        throw "lib.path.hasStorePathPrefix: Argument has a filesystem root (${toString parts.root}) that's not /, which is currently not supported."
      else
        storeLike parts.components;

  subpath = {
    isValid = valid;

    join = subpaths:
      let
        # The index of the first invalid element (the list has one).
        firstInvalid = i: if valid (elemAt subpaths i) then firstInvalid (i + 1) else i;
        bad = firstInvalid 0;
      in
      if lib.lists.all valid subpaths then
        normalForm (lib.lists.concatMap componentsOfSubpath subpaths)
      else
        throw ''
          lib.path.subpath.join: Element at index ${toString bad} is not a valid subpath string:
              ${whyInvalid (elemAt subpaths bad)}'';

    components = subpath:
      if !valid subpath then
        throw ''
          lib.path.subpath.components: Argument is not a valid subpath string:
              ${whyInvalid subpath}''
      else
        componentsOfSubpath subpath;

    normalise = subpath:
      if !valid subpath then
        throw ''
          lib.path.subpath.normalise: Argument is not a valid subpath string:
              ${whyInvalid subpath}''
      else
        normalForm (componentsOfSubpath subpath);
  };
}
