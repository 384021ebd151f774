# nixling lib — list functions (folds, indexing, sorting, set-like operations,
# topological sort). Written on top of the list builtins.
{ lib }:

let
  b = builtins;
  inherit (b) length elemAt genList filter concatMap head tail;
in
rec {
  inherit (b)
    map filter concatMap concatLists genList length head tail elem elemAt
    isList any all partition sort foldl';

  singleton = x: [ x ];
  forEach = xs: f: map f xs;

  # Right fold, evaluated without building nested thunks per element in the list.
  foldr = op: nul: list:
    let
      n = length list;
      step = i: if i == n then nul else op (elemAt list i) (step (i + 1));
    in
    step 0;
  fold = foldr;

  # Left fold that (unlike foldl') does not force the accumulator.
  foldl = op: nul: list:
    let
      step = i: if i < 0 then nul else op (step (i - 1)) (elemAt list i);
    in
    step (length list - 1);

  imap0 = f: list: genList (i: f i (elemAt list i)) (length list);
  imap1 = f: list: genList (i: f (i + 1) (elemAt list i)) (length list);

  ifilter0 = pred: list:
    map (i: elemAt list i)
      (filter (i: pred i (elemAt list i)) (genList (i: i) (length list)));

  flatten = x: if b.isList x then concatMap flatten x else [ x ];

  remove = x: filter (y: y != x);

  findSingle = pred: default: multiple: list:
    let found = filter pred list; in
    if found == [ ] then default
    else if length found > 1 then multiple
    else head found;

  # Iterative (no deep recursion on long lists); stops calling pred after a match.
  findFirstIndex = pred: default: list:
    let
      found = b.foldl' (hit: i: if hit != null then hit else if pred (elemAt list i) then i else null)
        null (genList (i: i) (length list));
    in
    if found == null then default else found;

  findFirst = pred: default: list:
    let i = findFirstIndex pred null list; in
    if i == null then default else elemAt list i;

  count = pred: b.foldl' (n: x: if pred x then n + 1 else n) 0;

  optional = cond: x: if cond then [ x ] else [ ];
  optionals = cond: xs: if cond then xs else [ ];

  toList = x: if b.isList x then x else [ x ];

  range = from: to: if from > to then [ ] else genList (i: from + i) (to - from + 1);
  replicate = n: x: genList (_: x) n;

  groupBy = b.groupBy or (key: b.foldl' (acc: x:
    let k = key x; in acc // { ${k} = (acc.${k} or [ ]) ++ [ x ]; }) { });
  groupBy' = op: nul: key: list: b.mapAttrs (_: foldl op nul) (groupBy key list);

  zipListsWith = f: xs: ys:
    genList (i: f (elemAt xs i) (elemAt ys i)) (lib.trivial.min (length xs) (length ys));
  zipLists = zipListsWith (fst: snd: { inherit fst snd; });

  reverseList = xs: let n = length xs; in genList (i: elemAt xs (n - 1 - i)) n;

  # Depth-first search for a minimal element with respect to `before`.
  listDfs = stopOnCycles: before: list:
    let
      visit = current: visited: rest:
        let
          loops = filter (x: before x current) visited;
          split = partition (x: before x current) rest;
        in
        if stopOnCycles && loops != [ ] then
          { cycle = current; inherit loops visited rest; }
        else if split.right == [ ] then
          { minimal = current; inherit visited rest; }
        else
          visit (head split.right) ([ current ] ++ visited) (tail split.right ++ split.wrong);
    in
    visit (head list) [ ] (tail list);

  toposort = before: list:
    if length list < 2 then
      { result = list; }
    else
      let
        dfs = listDfs true before list;
        remaining = toposort before (dfs.visited ++ dfs.rest);
      in
      if dfs ? cycle then
        { cycle = reverseList ([ dfs.cycle ] ++ dfs.visited); inherit (dfs) loops; }
      else if remaining ? cycle then
        remaining
      else
        { result = [ dfs.minimal ] ++ remaining.result; };

  # Sort by a key computed once per element.
  sortOn = key: list:
    map (p: p.value)
      (b.sort (x: y: x.key < y.key) (map (v: { key = key v; value = v; }) list));

  compareLists = cmp: xs: ys:
    let
      nx = length xs;
      ny = length ys;
      go = i:
        if i == nx then (if i == ny then 0 else -1)
        else if i == ny then 1
        else
          let c = cmp (elemAt xs i) (elemAt ys i); in
          if c == 0 then go (i + 1) else c;
    in
    go 0;

  # Sort strings so that embedded decimal numbers compare numerically.
  naturalSort = list:
    let
      chunks = s: map (c: if b.isList c then lib.strings.toInt (head c) else c)
        (b.split "(0|[1-9][0-9]*)" s);
      keyed = map (s: { key = chunks s; value = s; }) list;
    in
    map (p: p.value) (b.sort (x: y: compareLists lib.trivial.compare x.key y.key < 0) keyed);

  sublist = start: n: list:
    let
      len = length list;
      size = if start >= len then 0 else if start + n > len then len - start else n;
    in
    genList (i: elemAt list (start + i)) size;

  take = n: sublist 0 n;
  drop = n: list: sublist n (length list) list;
  takeEnd = n: list: drop (lib.trivial.max 0 (length list - n)) list;
  dropEnd = n: list: take (lib.trivial.max 0 (length list - n)) list;

  hasPrefix = prefix: list: take (length prefix) list == prefix;
  removePrefix = prefix: list:
    if hasPrefix prefix list then drop (length prefix) list
    else throw "lib.lists.removePrefix: First argument is not a list prefix of the second argument";

  commonPrefix = xs: ys:
    let
      n = lib.trivial.min (length xs) (length ys);
      go = i: if i < n && elemAt xs i == elemAt ys i then go (i + 1) else i;
    in
    take (go 0) xs;

  last = list:
    assert lib.asserts.assertMsg (list != [ ]) "lists.last: list must not be empty!";
    elemAt list (length list - 1);
  init = list:
    assert lib.asserts.assertMsg (list != [ ]) "lists.init: list must not be empty!";
    take (length list - 1) list;

  crossLists = f: argLists:
    b.foldl' (fns: args: concatMap (fn: map fn args) fns) [ f ] argLists;

  # Keeps the first occurrence of each element. Equality on arbitrary values
  # cannot be hashed, so this is quadratic; strings have uniqueStrings.
  unique = b.foldl' (seen: x: if b.elem x seen then seen else seen ++ [ x ]) [ ];
  uniqueStrings = list: b.attrNames (b.listToAttrs (map (s: { name = s; value = null; }) list));
  allUnique = list: length (unique list) == length list;

  intersectLists = xs: filter (x: b.elem x xs);
  subtractLists = xs: filter (x: !b.elem x xs);
  mutuallyExclusive = xs: ys: xs == [ ] || !(b.any (y: b.elem y xs) ys);

  concatAttrValues = set: b.concatLists (b.attrValues set);

  replaceElemAt = list: idx: value:
    assert lib.asserts.assertMsg (idx >= 0 && idx < length list)
      "'lists.replaceElemAt' called with index ${toString idx} on a list of size ${toString (length list)}";
    genList (i: if i == idx then value else elemAt list i) (length list);
}
