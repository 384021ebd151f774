# nixling lib.fileset — sets of local files, composed lazily and added to the store
# with `toSource`. Paths coerce to file sets (a directory: every file below it).
#
# Representation (shared with nixpkgs' lib.fileset, version 3, so that file sets made
# by either library can be mixed): an attrset tagged `_type = "fileset"` with
#   _internalIsEmptyWithoutBase  true only for `empty` (no other attributes below);
#   _internalBase                the directory outside of which nothing can matter;
#   _internalBaseRoot            its filesystem root (always /. here);
#   _internalBaseComponents      its components below the root;
#   _internalTree                a tree under the base: null (nothing), a file type
#                                string ("directory" = everything below), or an attrset
#                                of entry name -> tree (absent entries = nothing).
# Only a single filesystem root exists in this evaluator, so file sets never disagree
# on their root.
{ lib }:
let
  inherit (builtins)
    isAttrs isPath isString isList isBool isFunction typeOf pathExists readDir mapAttrs
    attrNames attrValues filter length elemAt head tail concatLists all foldl' seq
    substring stringLength split concatStringsSep intersectAttrs zipAttrsWith listToAttrs;

  pathType = p: lib.filesystem.pathType p;
  # The native module system object: non-null only when nixling evaluates this file.
  nixling = with { __nixling = null; }; __nixling;
  isStringLike = x: isString x || isPath x || x ? outPath || x ? __toString;

  version = 3;

  # ---- paths -------------------------------------------------------------------

  # Components of an absolute path value below the filesystem root.
  componentsOf = p: filter (c: isString c && c != "") (split "/" (toString p));

  pathFromComponents = cs: if cs == [ ] then /. else /. + "/${concatStringsSep "/" cs}";

  # Number of leading elements two lists share.
  sharedLength = xs: ys:
    let
      n = if length xs < length ys then length xs else length ys;
      go = i: if i < n && elemAt xs i == elemAt ys i then go (i + 1) else i;
    in
    go 0;

  isPrefixOf = xs: ys: length xs <= length ys && sharedLength xs ys == length xs;

  # A store path or something inside one (only the store directory prefix and the
  # shape of the first component below it are checked).
  inStore = p:
    let
      store = componentsOf builtins.storeDir;
      cs = componentsOf p;
      n = length store;
    in
    length cs > n && isPrefixOf store cs
    && builtins.match "[0-9a-df-np-sv-z]{32}-.+" (elemAt cs n) != null;

  # ---- construction --------------------------------------------------------------

  noEvalMessage = ''
    lib.fileset: Directly evaluating a file set is not supported.
      To turn it into a usable source, use `lib.fileset.toSource`.
      To pretty-print the contents, use `lib.fileset.trace` or `lib.fileset.traceVal`.'';

  emptySet = {
    _type = "fileset";
    _internalVersion = version;
    _internalIsEmptyWithoutBase = true;
    _noEval = throw noEvalMessage;
  };

  make = base: tree: {
    _type = "fileset";
    _internalVersion = version;
    _internalIsEmptyWithoutBase = false;
    _internalBase = base;
    _internalBaseRoot = /.;
    _internalBaseComponents = componentsOf base;
    _internalTree = tree;
    _noEval = throw noEvalMessage;
  };

  # The file set of an existing path: a directory with everything in it, or a file
  # inside its parent directory.
  fromPath = p:
    let t = pathType p; in
    if t == "directory" then make p t
    else make (dirOf p) { ${baseNameOf p} = t; };

  # Older representations: v0 had no root/components, v1 could not omit entries, v2 had
  # no base-less empty set. Each step brings a file set one version forward.
  upgrade = fs:
    if fs._internalVersion == 0 then upgrade (fs // {
      _internalVersion = 1;
      _internalBaseRoot = /.;
      _internalBaseComponents = componentsOf fs._internalBase;
    })
    else if fs._internalVersion == 1 then upgrade (fs // { _internalVersion = 2; })
    else if fs._internalVersion == 2 then upgrade (fs // {
      _internalVersion = 3;
      _internalIsEmptyWithoutBase = false;
    })
    else fs;

  # { success = true; value; } or { success = false; message; } — `what` names the
  # argument in messages.
  tryCoerce = what: x:
    let
      fail = message: { success = false; inherit message; };
    in
    if x._type or "" == "fileset" then
      if x._internalVersion > version then
        fail ''
          ${what} is a file set created from a future version of the file set library with a different internal representation:
              - Internal version of the file set: ${toString x._internalVersion}
              - Internal version of the library: ${toString version}
              Make sure to update your Nixpkgs to have a newer version of `lib.fileset`.''
      else { success = true; value = upgrade x; }
    else if !isPath x then
      if x ? _isLibCleanSourceWith then
        fail ''
          ${what} is a `lib.sources`-based value, but it should be a file set or a path instead.
              To convert a `lib.sources`-based value to a file set you can use `lib.fileset.fromSource`.
              Note that this only works for sources created from paths.''
      else if isStringLike x then
        fail ''
          ${what} ("${toString x}") is a string-like value, but it should be a file set or a path instead.
              Paths represented as strings are not supported by `lib.fileset`, use `lib.sources` or derivations instead.''
      else
        fail "${what} is of type ${typeOf x}, but it should be a file set or a path instead."
    else if !pathExists x then
      fail ''
        ${what} (${toString x}) is a path that does not exist.
            To create a file set from a path that may not exist, use `lib.fileset.maybeMissing`.''
    else { success = true; value = fromPath x; };

  coerce = what: x:
    let r = tryCoerce what x; in
    if r.success then r.value else throw r.message;

  # Coerces the arguments of function `fn`, given as [ { name; value; } ].
  coerceArgs = fn: args: map (a: coerce "${fn}: ${a.name}" a.value) args;

  # ---- trees ---------------------------------------------------------------------

  # All entries of directory `dir` whose tree is `tree` (a directory tree), those not in
  # the set mapped to null.
  entriesOf = dir: tree:
    if tree == "directory" then readDir dir
    else mapAttrs (_: _: null) (readDir dir) // tree;

  # The tree of `fs` seen from the ancestor directory with components `cs`.
  treeFromAncestor = cs: fs:
    let
      own = fs._internalBaseComponents;
      wrap = i: if i < length own then { ${elemAt own i} = wrap (i + 1); } else fs._internalTree;
    in
    wrap (length cs);

  # The tree of `fs` seen from the descendant directory with components `cs`.
  treeFromDescendant = cs: fs:
    let
      walk = i: tree:
        if isAttrs tree && i < length cs then walk (i + 1) (tree.${elemAt cs i} or null)
        else tree;
    in
    walk (length fs._internalBaseComponents) fs._internalTree;

  # Union of trees over the same directory: the first tree including everything (a
  # string) wins, otherwise the attrset trees merge entry by entry.
  unionTrees = trees:
    let
      whole = lib.lists.findFirst isString null trees;
      partial = filter (t: t != null) trees;
    in
    if whole != null then whole
    else if partial == [ ] then null
    else zipAttrsWith (_: unionTrees) partial;

  unionAll = sets:
    let
      based = filter (fs: !fs._internalIsEmptyWithoutBase) sets;
      first = head based;
      common = foldl'
        (cs: fs: lib.lists.take (sharedLength cs fs._internalBaseComponents) cs)
        first._internalBaseComponents (tail based);
    in
    if based == [ ] then emptySet
    else make (pathFromComponents common) (unionTrees (map (treeFromAncestor common) based));

  intersectTrees = a: b:
    if isAttrs a && isAttrs b then mapAttrs (name: intersectTrees a.${name}) (intersectAttrs a b)
    else if a == null || isString b then a
    else b;

  intersectTwo = x: y:
    let
      xs = x._internalBaseComponents;
      ys = y._internalBaseComponents;
      shared = sharedLength xs ys;
      deeper = if shared == length xs then y else if shared == length ys then x else null;
      cs = deeper._internalBaseComponents;
    in
    if x._internalIsEmptyWithoutBase || y._internalIsEmptyWithoutBase || deeper == null then emptySet
    else make deeper._internalBase (intersectTrees (treeFromDescendant cs x) (treeFromDescendant cs y));

  subtractTree = dir: keep: drop:
    if keep == null || isString drop then null
    else if drop == null then keep
    else mapAttrs (name: t: subtractTree (dir + "/${name}") t (drop.${name} or null)) (entriesOf dir keep);

  subtract = pos: neg:
    let
      ps = pos._internalBaseComponents;
      ns = neg._internalBaseComponents;
      shared = sharedLength ps ns;
      negTree =
        if shared == length ps then treeFromAncestor ps neg
        else if shared == length ns then treeFromDescendant ps neg
        else null;
    in
    if pos._internalIsEmptyWithoutBase then emptySet
    else if neg._internalIsEmptyWithoutBase then pos
    else make pos._internalBase (subtractTree pos._internalBase pos._internalTree negTree);

  # Strict normal form for import filtering: directories without files become null,
  # directories with all their files become "directory".
  pruneTree = dir: tree:
    if tree == "directory" || isAttrs tree then
      let
        sub = mapAttrs (name: pruneTree (dir + "/${name}")) (entriesOf dir tree);
        vs = attrValues sub;
      in
      if all (v: v == null) vs then null
      else if all isString vs then "directory"
      else sub
    else tree;

  allPaths = fs:
    let
      go = p: tree:
        if isAttrs tree then concatLists (map (n: go (p + "/${n}") tree.${n}) (attrNames tree))
        else if tree == "directory" then go p (readDir p)
        else if tree == null then [ ]
        else [ p ];
    in
    if fs._internalIsEmptyWithoutBase then [ ] else go fs._internalBase fs._internalTree;

  # ---- import filter -------------------------------------------------------------

  # The `builtins.path` filter selecting exactly the files of `fs`.
  importFilter = fs:
    let
      tree = pruneTree fs._internalBase fs._internalTree;
      base = "/" + lib.strings.concatMapStrings (c: c + "/") fs._internalBaseComponents;
      baseLen = stringLength base;
      # Whether the path below the base with these components is kept.
      kept = cs:
        let
          go = i: t:
            if isAttrs t then (i >= length cs || go (i + 1) (t.${elemAt cs i} or null))
            else t != null;
        in
        go 0 tree;
      select = path: type:
        let slashed = path + "/"; in
        (if substring 0 (stringLength slashed) base == slashed then true
         else if substring 0 baseLen slashed != base then false
         else kept (filter isString (split "/" (substring baseLen (-1) path))))
        && (type != "unknown" || throw ''
          lib.fileset.toSource: `fileset` contains a file that cannot be added to the store: ${path}
              This file is neither a regular file nor a symlink, the only file types supported by the Nix store.
              Therefore the file set cannot be added to the Nix store as is. Make sure to not include that file to avoid this error.'');
    in
    if fs._internalIsEmptyWithoutBase || tree == null then (_: _: false) else select;

  # The file set a source filter selects below `root` (called lazily, on path strings
  # as builtins.path would call it; never on `root` itself).
  filterToSet = root: keep:
    let
      entry = p: s: type:
        if !keep s type then null
        else if type == "directory" then dir p s
        else type;
      dir = p: s: mapAttrs (name: entry (p + "/${name}") (s + "/${name}")) (readDir p);
      t = pathType root;
    in
    if t == "directory" then make root (dir root ("/" + concatStringsSep "/" (componentsOf root)))
    else make (dirOf root) { ${baseNameOf root} = t; };

  # ---- tracing -------------------------------------------------------------------

  # Normal form for printing: "emptyDir" for directories without files, "directory"
  # where everything (or only empty directories) is included, null where nothing is.
  displayTree = dir: tree:
    if tree == "directory" || isAttrs tree then
      let
        sub = mapAttrs (name: displayTree (dir + "/${name}")) (entriesOf dir tree);
        vs = attrValues sub;
      in
      if all (v: v == "emptyDir") vs then "emptyDir"
      else if tree == "directory" || all isString vs then "directory"
      else if all (v: v == null || v == "emptyDir") vs then null
      else sub
    else tree;

  # Evaluating the result traces the lines of the tree, top to bottom.
  traceSet = fs:
    let
      suffix = t:
        if isAttrs t then ""
        else if t == "directory" then " (all files in directory)"
        else " (${t})";
      hidden = t: t == null || t == "emptyDir";
      # `before` (the lines above) is forced before each line is printed.
      lines = before: indent: tree:
        seq before (foldl' (done: name:
          let
            t = tree.${name};
            printed = builtins.trace "${indent}- ${name}${suffix t}" done;
          in
          if hidden t then done
          else if isAttrs t then lines printed "${indent}  " t
          else printed) before (attrNames tree));
      shown = displayTree fs._internalBase fs._internalTree;
      top =
        if hidden shown then builtins.trace "(empty)" null
        else builtins.trace "${toString fs._internalBase}${suffix shown}" null;
    in
    if fs._internalIsEmptyWithoutBase then builtins.trace "(empty)" null
    else if isAttrs shown then lines top "" shown
    else top;

  # ---- git -----------------------------------------------------------------------

  # The file set of the files Git tracks in the working tree `p`.
  gitFiles = fn: what: p: extra:
    let
      mirror = local: stored:
        let
          walk = s: mapAttrs (name: type: if type == "directory" then walk (s + "/${name}") else type) (readDir s);
        in
        make local (walk stored);
      viaStore =
        if pathExists (p + "/.git") then
          throw ''
            lib.fileset.${fn}: The ${what} (${toString p}) is a store path within a working tree of a Git repository.
                This indicates that a source directory was imported into the store using a method such as `import "''${./.}"` or `path:.`.
                This function currently does not support such a use case, since it currently relies on `builtins.fetchGit`.
                You could make this work by using a fetcher such as `fetchGit` instead of copying the whole repository.
                If you can't avoid copying the repo to the store, see https://github.com/NixOS/nix/issues/9292.''
        else fromPath p;
      viaGit =
        if !pathExists (p + "/.git") then
          throw "lib.fileset.${fn}: Expected the ${what} (${toString p}) to point to a local working tree of a Git repository, but it's not."
        # nixling's builtins.fetchGit is a stub that always fails; say so plainly.
        else if !(builtins ? fetchGit) || nixling != null then
          throw "lib.fileset.${fn}: The files tracked by Git cannot be listed: this needs `builtins.fetchGit`, which nixling does not implement."
        else
          mirror p (builtins.fetchGit ({ url = p; shallow = true; } // extra)).outPath;
    in
    if !isPath p then
      throw "lib.fileset.${fn}: Expected the ${what} to be a path, but it's a ${typeOf p} instead."
    else if pathType p != "directory" then
      throw "lib.fileset.${fn}: Expected the ${what} (${toString p}) to be a directory, but it's a file instead."
    else if inStore p then viaStore
    else viaGit;

in
{
  empty = emptySet;

  isFileset = x: (tryCoerce "" x).success;

  maybeMissing = path:
    if !isPath path then
      if isStringLike path then
        throw ''lib.fileset.maybeMissing: Argument ("${toString path}") is a string-like value, but it should be a path instead.''
      else
        throw "lib.fileset.maybeMissing: Argument is of type ${typeOf path}, but it should be a path instead."
    else if !pathExists path then emptySet
    else fromPath path;

  union = fileset1: fileset2:
    unionAll (coerceArgs "lib.fileset.union" [
      { name = "First argument"; value = fileset1; }
      { name = "Second argument"; value = fileset2; }
    ]);

  unions = filesets:
    if !isList filesets then
      throw "lib.fileset.unions: Argument is of type ${typeOf filesets}, but it should be a list instead."
    else
      unionAll (coerceArgs "lib.fileset.unions"
        (lib.lists.imap0 (i: value: { name = "Element ${toString i}"; inherit value; }) filesets));

  intersection = fileset1: fileset2:
    let
      args = coerceArgs "lib.fileset.intersection" [
        { name = "First argument"; value = fileset1; }
        { name = "Second argument"; value = fileset2; }
      ];
    in
    intersectTwo (elemAt args 0) (elemAt args 1);

  difference = positive: negative:
    let
      args = coerceArgs "lib.fileset.difference" [
        { name = "First argument (positive set)"; value = positive; }
        { name = "Second argument (negative set)"; value = negative; }
      ];
    in
    subtract (elemAt args 0) (elemAt args 1);

  fileFilter = predicate: path:
    let
      # The extra attribute (whose name is the error) makes predicates without `...` fail.
      test = name: type: predicate {
        inherit name type;
        hasExt = ext: lib.strings.hasSuffix ".${ext}" name;
        "lib.fileset.fileFilter: The predicate function passed as the first argument must be able to handle extra attributes for future compatibility. If you're using `{ name, file, hasExt }:`, use `{ name, file, hasExt, ... }:` instead." = null;
      };
      file = name: type: if test name type then type else null;
      dir = p: mapAttrs (name: type: if type == "directory" then dir (p + "/${name}") else file name type) (readDir p);
      t = pathType path;
    in
    if !lib.trivial.isFunction predicate then
      throw "lib.fileset.fileFilter: First argument is of type ${typeOf predicate}, but it should be a function instead."
    else if !isPath path then
      if path._type or "" == "fileset" then
        throw ''
          lib.fileset.fileFilter: Second argument is a file set, but it should be a path instead.
              If you need to filter files in a file set, use `intersection fileset (fileFilter pred ./.)` instead.''
      else
        throw "lib.fileset.fileFilter: Second argument is of type ${typeOf path}, but it should be a path instead."
    else if !pathExists path then
      throw "lib.fileset.fileFilter: Second argument (${toString path}) is a path that does not exist."
    else if t == "directory" then make path (dir path)
    else make (dirOf path) { ${baseNameOf path} = file (baseNameOf path) t; };

  toList = fileset: allPaths (coerce "lib.fileset.toList: Argument" fileset);

  toSource = { root, fileset }:
    let
      fs = coerce "lib.fileset.toSource: `fileset`" fileset;
      select = importFilter fs;
    in
    if !isPath root then
      if root ? _isLibCleanSourceWith then
        throw ''
          lib.fileset.toSource: `root` is a `lib.sources`-based value, but it should be a path instead.
              To use a `lib.sources`-based value, convert it to a file set using `lib.fileset.fromSource` and pass it as `fileset`.
              Note that this only works for sources created from paths.''
      else if isStringLike root then
        throw ''
          lib.fileset.toSource: `root` (${toString root}) is a string-like value, but it should be a path instead.
              Paths in strings are not supported by `lib.fileset`, use `lib.sources` or derivations instead.''
      else
        throw "lib.fileset.toSource: `root` is of type ${typeOf root}, but it should be a path instead."
    # Forces the coercion of `fileset` first, as the filesystem root check would.
    else if !fs._internalIsEmptyWithoutBase && fs._internalBaseRoot != /. then
      throw ''
        lib.fileset.toSource: Filesystem roots are not the same for `fileset` and `root` (${toString root}):
            `root`: Filesystem root is "/"
            `fileset`: Filesystem root is "${toString fs._internalBaseRoot}"
            Different filesystem roots are not supported.''
    else if !pathExists root then
      throw "lib.fileset.toSource: `root` (${toString root}) is a path that does not exist."
    else if pathType root != "directory" then
      throw ''
        lib.fileset.toSource: `root` (${toString root}) is a file, but it should be a directory instead. Potential solutions:
            - If you want to import the file into the store _without_ a containing directory, use string interpolation or `builtins.path` instead of this function.
            - If you want to import the file into the store _with_ a containing directory, set `root` to the containing directory, such as ${toString (dirOf root)}, and set `fileset` to the file path.''
    else if !fs._internalIsEmptyWithoutBase && !isPrefixOf (componentsOf root) fs._internalBaseComponents then
      throw ''
        lib.fileset.toSource: `fileset` could contain files in ${toString fs._internalBase}, which is not under the `root` (${toString root}). Potential solutions:
            - Set `root` to ${toString fs._internalBase} or any directory higher up. This changes the layout of the resulting store path.
            - Set `fileset` to a file set that cannot contain files outside the `root` (${toString root}). This could change the files included in the result.''
    else
      seq select {
        # The shape lib.sources.cleanSourceWith gives, so fromSource can read it back.
        _isLibCleanSourceWith = true;
        origSrc = root;
        filter = select;
        name = "source";
        outPath = builtins.path { name = "source"; path = root; filter = select; };
      };

  fromSource = source:
    let
      filtered = source ? _isLibCleanSourceWith;
      p = if filtered then source.origSrc else source;
    in
    if !isPath p then
      if isStringLike p then
        throw ''
          lib.fileset.fromSource: The source origin of the argument is a string-like value ("${toString p}"), but it should be a path instead.
              Sources created from paths in strings cannot be turned into file sets, use `lib.sources` or derivations instead.''
      else
        throw "lib.fileset.fromSource: The source origin of the argument is of type ${typeOf p}, but it should be a path instead."
    else if !pathExists p then
      throw "lib.fileset.fromSource: The source origin (${toString p}) of the argument is a path that does not exist."
    else if filtered then filterToSet p source.filter
    else fromPath p;

  trace = fileset:
    let fs = coerce "lib.fileset.trace: Argument" fileset; in
    seq (traceSet fs) (x: x);

  traceVal = fileset:
    let fs = coerce "lib.fileset.traceVal: Argument" fileset; in
    seq (traceSet fs) fs;

  gitTracked = path: gitFiles "gitTracked" "argument" path { };

  gitTrackedWith = { recurseSubmodules ? false }: path:
    if !isBool recurseSubmodules then
      throw "lib.fileset.gitTrackedWith: Expected the attribute `recurseSubmodules` of the first argument to be a boolean, but it's a ${typeOf recurseSubmodules} instead."
    else gitFiles "gitTrackedWith" "second argument" path { submodules = recurseSubmodules; };
}
