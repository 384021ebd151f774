# nixling lib — trivial: tiny combinators, arithmetic/boolean helpers, warnings,
# function-argument reflection, release information. Part of nixling's own
# implementation of the nixpkgs `lib` API.
{ lib }:

let
  b = builtins;

  # Emits a warning through `builtins.warn` when the evaluator has it, otherwise
  # through `builtins.trace`, honouring NIX_ABORT_ON_WARN like Nix does.
  warnFallback =
    let
      esc = b.fromJSON ''"\u001b"'';
      abortOnWarn = b.elem (b.getEnv "NIX_ABORT_ON_WARN") [ "1" "true" "yes" ];
    in
    msg: value:
    assert b.isString msg;
    if abortOnWarn then
      b.trace "${esc}[1;31mevaluation warning:${esc}[0m ${msg}"
        (abort "NIX_ABORT_ON_WARN=true; warnings are treated as unrecoverable errors.")
    else
      b.trace "${esc}[1;35mevaluation warning:${esc}[0m ${msg}" value;

  hexDigit = d: b.substring d 1 "0123456789ABCDEF";
in
rec {
  # --- combinators ---------------------------------------------------------
  id = x: x;
  const = x: _: x;
  flip = f: x: y: f y x;
  pipe = value: fns: b.foldl' (acc: fn: fn acc) value fns;
  concat = xs: ys: xs ++ ys;
  defaultTo = fallback: v: if v == null then fallback else v;
  mapNullable = f: v: if v == null then null else f v;
  mergeAttrs = a: c: a // c;

  # --- booleans ----------------------------------------------------------
  "or" = x: y: x || y;
  and = x: y: x && y;
  xor = x: y: (!x) != (!y);
  boolToString = v: if v then "true" else "false";
  boolToYesNo = v: if v then "yes" else "no";

  # --- arithmetic ----------------------------------------------------------
  inherit (b) add sub mul div lessThan bitAnd bitOr bitXor seq deepSeq
    isInt isBool isFloat pathExists readFile genericClosure ceil floor;
  bitNot = x: (-1) - x;
  min = x: y: if x < y then x else y;
  max = x: y: if x > y then x else y;
  mod = base: m: base - m * (base / m);
  compare = x: y: if x < y then -1 else if x > y then 1 else 0;
  splitByAndCompare = pred: cmpYes: cmpNo: x: y:
    let px = pred x; py = pred y; in
    if px && py then cmpYes x y
    else if px then -1
    else if py then 1
    else cmpNo x y;

  # --- files ---------------------------------------------------------------
  importJSON = file: b.fromJSON (b.readFile file);
  importTOML = file: b.fromTOML (b.readFile file);

  # --- warnings and errors ---------------------------------------------------
  warn = if b ? warn then b.warn else warnFallback;
  warnIf = cond: msg: if cond then warn msg else id;
  warnIfNot = cond: msg: if cond then id else warn msg;
  throwIf = cond: msg: if cond then throw msg else id;
  throwIfNot = cond: msg: if cond then id else throw msg;
  info = msg: b.trace "INFO: ${msg}";
  showWarnings = warnings: result: lib.foldr warn result warnings;
  checkListOfEnum = what: allowed: given:
    let bad = b.filter (x: !b.elem x allowed) given; in
    throwIfNot (bad == [ ])
      "${what}: ${b.concatStringsSep ", " (map toString bad)} unexpected; valid ones: ${b.concatStringsSep ", " (map toString allowed)}";

  # --- release information -------------------------------------------------
  # nixling tracks the nixpkgs lib API of this release.
  release = "26.11";
  codeName = "Zokor";
  versionSuffix = "pre-git";
  version = release + versionSuffix;
  nixpkgsVersion = warn "lib.nixpkgsVersion is a deprecated alias of lib.version." version;
  revisionWithDefault = fallback: fallback;
  oldestSupportedRelease = 2511;
  oldestSupportedReleaseIsAtLeast = rel: rel <= oldestSupportedRelease;
  isInOldestRelease =
    warnIf (oldestSupportedReleaseIsAtLeast 2411)
      "lib.isInOldestRelease is deprecated. Use lib.oldestSupportedReleaseIsAtLeast instead."
      oldestSupportedReleaseIsAtLeast;
  inNixShell = b.getEnv "IN_NIX_SHELL" != "";
  inPureEvalMode = !(b ? currentSystem);

  # --- functions as values -------------------------------------------------
  # Functors (attribute sets with __functor) count as functions throughout.
  isFunction = f: b.isFunction f || (f ? __functor && b.isFunction (f.__functor f));
  functionArgs = f:
    if f ? __functor then f.__functionArgs or (b.functionArgs (f.__functor f))
    else b.functionArgs f;
  setFunctionArgs = f: args: { __functor = _: f; __functionArgs = args; };
  mirrorFunctionArgs = f:
    let args = functionArgs f; in
    g: { __functor = _: g; __functionArgs = args; };
  toFunction = v: if isFunction v then v else _: v;

  # --- number bases ---------------------------------------------------------
  toBaseDigits = base: n:
    assert b.isInt base;
    assert b.isInt n;
    assert base >= 2;
    assert n >= 0;
    let
      digits = k: acc: if k < base then [ k ] ++ acc else digits (k / base) ([ (mod k base) ] ++ acc);
    in
    digits n [ ];
  toHexString = n: b.concatStringsSep "" (map hexDigit (toBaseDigits 16 n));
  fromHexString = str:
    let
      m = b.match "(0x)?([0-7]?[0-9A-Fa-f]{1,15})" str;
      digits =
        if m != null then b.elemAt m 1
        else
          assert warn "fromHexString: ${lib.generators.toPretty { } str} is not a valid input and will be rejected in 26.05" true;
          lib.strings.removePrefix "0x" (lib.strings.toLower str);
    in
    (b.fromTOML "v=0x${digits}").v;
}
