# nixling lib — attribute set functions: paths into nested sets, mapping,
# filtering, zipping, recursive update, derivation output helpers.
{ lib }:

let
  b = builtins;
  inherit (b) attrNames attrValues listToAttrs length elemAt isAttrs head tail filter concatMap;
in
rec {
  inherit (b)
    attrNames attrValues getAttr hasAttr isAttrs listToAttrs mapAttrs
    catAttrs intersectAttrs removeAttrs;

  # --- attribute paths ------------------------------------------------------
  attrByPath = path: default: set:
    let
      n = length path;
      walk = i: v:
        if i == n then v
        else
          let name = elemAt path i; in
          if v ? ${name} then walk (i + 1) v.${name} else default;
    in
    walk 0 set;

  hasAttrByPath = path: set:
    let
      n = length path;
      walk = i: v:
        i == n || (let name = elemAt path i; in v ? ${name} && walk (i + 1) v.${name});
    in
    walk 0 set;

  longestValidPathPrefix = path: set:
    let
      n = length path;
      walk = i: v:
        if i == n then path
        else
          let name = elemAt path i; in
          if v ? ${name} then walk (i + 1) v.${name} else lib.lists.take i path;
    in
    walk 0 set;

  setAttrByPath = path: value:
    lib.lists.foldr (name: inner: { ${name} = inner; }) value path;

  getAttrFromPath = path: set:
    attrByPath path (abort ("cannot find attribute '" + b.concatStringsSep "." path + "'")) set;

  showAttrPath = path:
    if path == [ ] then "<root attribute path>"
    else b.concatStringsSep "." (map lib.strings.escapeNixIdentifier path);

  # Apply many `{ path; update; }` edits in one traversal.
  updateManyAttrsByPath = updates: value:
    let
      apply = depth: present: current: todo:
        let
          split = b.partition (u: length u.path == depth) todo;
          here = split.right;
          deeper = split.wrong;
          byName = lib.lists.groupBy (u: elemAt u.path depth) deeper;
          base =
            if deeper == [ ] then
              (if present then current
               else throw ("updateManyAttrsByPath: Path '${showAttrPath (head here).path}' does "
                 + "not exist in the given value, but the first update to this "
                 + "path tries to access the existing value."))
            else if !present then
              b.mapAttrs (_: apply (depth + 1) false null) byName
            else if isAttrs current then
              current // b.mapAttrs (name: apply (depth + 1) (current ? ${name}) current.${name}) byName
            else
              let p = (head deeper).path; in
              throw ("updateManyAttrsByPath: Path '${showAttrPath p}' needs to "
                + "be updated, but path '${showAttrPath (lib.lists.take depth p)}' "
                + "of the given value is not an attribute set, so we can't "
                + "update an attribute inside of it.");
        in
        lib.lists.foldl (acc: u: u.update acc) base here;
    in
    apply 0 true value updates;

  # --- selecting and filtering ----------------------------------------------
  attrVals = names: set: map (name: set.${name}) names;
  getAttrs = names: set: genAttrs names (name: set.${name});

  filterAttrs = pred: set:
    b.removeAttrs set (filter (name: !pred name set.${name}) (attrNames set));

  filterAttrsRecursive = pred: set:
    listToAttrs (concatMap (name:
      let v = set.${name}; in
      if pred name v then
        [ { inherit name; value = if isAttrs v then filterAttrsRecursive pred v else v; } ]
      else [ ]) (attrNames set));

  foldlAttrs = f: init: set:
    b.foldl' (acc: name: f acc name set.${name}) init (attrNames set);

  # For each name, foldr op over that name's values in list order.
  foldAttrs = op: nul: sets:
    zipAttrsWith (_: values: lib.lists.foldr op nul values) sets;

  collect = pred: v:
    if pred v then [ v ]
    else if isAttrs v then concatMap (collect pred) (attrValues v)
    else [ ];

  cartesianProduct = setOfLists:
    b.foldl' (combos: name:
      concatMap (combo: map (x: combo // { ${name} = x; }) setOfLists.${name}) combos)
      [ { } ] (attrNames setOfLists);
  mapCartesianProduct = f: setOfLists: map f (cartesianProduct setOfLists);

  # --- mapping ---------------------------------------------------------------
  nameValuePair = name: value: { inherit name value; };
  mapAttrs' = f: set: listToAttrs (mapAttrsToList f set);
  mapAttrsToList = f: set: attrValues (b.mapAttrs f set);
  attrsToList = mapAttrsToList nameValuePair;
  concatMapAttrs = f: set: mergeAttrsList (mapAttrsToList f set);

  mapAttrsRecursive = mapAttrsRecursiveCond (_: true);
  mapAttrsRecursiveCond = cond: f: set:
    let
      go = path: value:
        if isAttrs value && cond value then
          b.mapAttrs (name: go (path ++ [ name ])) value
        else
          f path value;
    in
    b.mapAttrs (name: go [ name ]) set;

  mapAttrsToListRecursive = mapAttrsToListRecursiveCond (_: _: true);
  mapAttrsToListRecursiveCond = cond: f: set:
    let
      go = path: value:
        if isAttrs value && cond path value then recurse path value else [ (f path value) ];
      recurse = path: s: concatMap (name: go (path ++ [ name ]) s.${name}) (attrNames s);
    in
    recurse [ ] set;

  genAttrs = names: f: listToAttrs (map (name: { inherit name; value = f name; }) names);
  genAttrs' = xs: f: listToAttrs (map f xs);

  optionalAttrs = cond: set: if cond then set else { };

  # --- zipping and merging ---------------------------------------------------
  zipAttrsWithNames = names: f: sets:
    listToAttrs (map (name: { inherit name; value = f name (b.catAttrs name sets); }) names);
  zipAttrsWith = b.zipAttrsWith or (f: sets:
    zipAttrsWithNames (lib.lists.unique (concatMap attrNames sets)) f sets);
  zipAttrs = zipAttrsWith (_: values: values);

  mergeAttrsList = list:
    let
      merge = from: to:
        if to - from == 1 then elemAt list from
        else
          let mid = (from + to) / 2; in
          merge from mid // merge mid to;
    in
    if list == [ ] then { } else merge 0 (length list);

  recursiveUpdateUntil = stop: lhs: rhs:
    let
      go = path: zipAttrsWith (name: values:
        let here = path ++ [ name ]; in
        if length values == 1 || stop here (elemAt values 1) (head values) then head values
        else go here values);
    in
    go [ ] [ rhs lhs ];

  recursiveUpdate = recursiveUpdateUntil (_: l: r: !(isAttrs l && isAttrs r));

  matchAttrs = pattern: set:
    assert isAttrs pattern;
    b.all (name:
      set ? ${name} && (
        let p = pattern.${name}; v = set.${name}; in
        if isAttrs p then isAttrs v && matchAttrs p v else p == v))
      (attrNames pattern);

  overrideExisting = old: new: b.mapAttrs (name: value: new.${name} or value) old;

  unionOfDisjoint = x: y:
    let
      common = b.intersectAttrs x y;
      names = b.concatStringsSep " " (attrNames common);
    in
    x // y // b.mapAttrs (name: _: throw "unionOfDisjoint: collision on ${name}; complete list: ${names}") common;

  # --- derivations -----------------------------------------------------------
  isDerivation = v: (v.type or null) == "derivation";

  toDerivation = path:
    let
      storePath = b.storePath path;
      drv = {
        type = "derivation";
        name = lib.strings.sanitizeDerivationName (b.substring 33 (-1) (baseNameOf storePath));
        outPath = storePath;
        outputs = [ "out" ];
        out = drv;
        outputName = "out";
      };
    in
    drv;

  getOutput = output: pkg:
    if pkg.outputSpecified or false then pkg else pkg.${output} or pkg.out or pkg;
  getFirstOutput = candidates: pkg:
    let present = filter (o: pkg ? ${o}) candidates; in
    if pkg.outputSpecified or false || present == [ ] then pkg else pkg.${head present};
  getBin = getOutput "bin";
  getLib = getOutput "lib";
  getDev = getOutput "dev";
  getMan = getOutput "man";
  getStatic = getFirstOutput [ "static" "lib" "out" ];
  getInclude = getFirstOutput [ "include" "dev" "out" ];
  chooseDevOutputs = map getDev;

  recurseIntoAttrs = set: set // { recurseForDerivations = true; };
  dontRecurseIntoAttrs = set: set // { recurseForDerivations = false; };
}
