# nixling lib — customisation: overridable function results, callPackage-style
# auto-argument filling, derivation extension and package scopes.
{ lib }:

let
  b = builtins;
  inherit (lib.trivial) isFunction functionArgs setFunctionArgs mirrorFunctionArgs;
  inherit (lib.attrsets) isDerivation;

  # Error text for callPackageWith when a required argument is missing, with
  # up to three close names as suggestions.
  missingArgMessage = available: formals: arg:
    let
      close = lib.lists.take 3 (lib.lists.sortOn (lib.strings.levenshtein arg)
        (b.filter (lib.strings.levenshteinAtMost 2 arg) (b.attrNames available)));
      quoted = map (x: "\"" + x + "\"") close;
      hint =
        if quoted == [ ] then ""
        else if b.length quoted == 1 then ", did you mean ${b.head quoted}?"
        else ", did you mean ${b.concatStringsSep ", " (lib.lists.init quoted)} or ${lib.lists.last quoted}?";
      pos = b.unsafeGetAttrPos arg formals;
      where = if pos == null then "<unknown location>" else pos.file + ":" + toString pos.line;
    in
    "lib.customisation.callPackageWith: Function called without required argument \"${arg}\" at ${where}${hint}";
in
rec {
  # Re-run `derivation` with attributes changed by `f oldAttrs`.
  overrideDerivation = drv: f:
    let
      spliced = lib.attrsets.optionalAttrs (drv ? __spliced) {
        __spliced = b.mapAttrs (_: d: overrideDerivation d f) drv.__spliced;
      };
    in
    extendDerivation (b.seq drv.drvPath true)
      ({ meta = drv.meta or { }; passthru = drv.passthru or { }; } // (drv.passthru or { }) // spliced)
      (derivation (drv.drvAttrs // f drv));

  # Make the result of `f args` carry `override` (call again with changed args)
  # and, for derivations, `overrideDerivation`/`overrideAttrs`.
  makeOverridable = f:
    let
      withArgsOf = mirrorFunctionArgs f;
      call = args:
        let
          result = f args;
          override = withArgsOf (changes:
            makeOverridable f (args // (if isFunction changes then changes args else changes)));
        in
        if b.isAttrs result then
          result // {
            inherit override;
            overrideDerivation = fdrv: makeOverridable (withArgsOf (a: overrideDerivation (f a) fdrv)) args;
          } // lib.attrsets.optionalAttrs (result ? overrideAttrs) {
            overrideAttrs = fdrv: makeOverridable (withArgsOf (a: (f a).overrideAttrs fdrv)) args;
          }
        else if isFunction result then
          setFunctionArgs result (functionArgs result) // { inherit override; }
        else
          result;
    in
    if b.isAttrs f then
      f // withArgsOf call // lib.attrsets.optionalAttrs (f ? override) {
        override = x: makeOverridable (f.override x);
      }
    else
      withArgsOf call;

  # Call `fn` (a function or a file) with the arguments it names taken from
  # autoArgs, overridden by `args`; the result is overridable.
  callPackageWith = autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      formals = functionArgs f;
      given = b.intersectAttrs formals autoArgs // args;
      missing = b.removeAttrs formals (b.attrNames given);
      required = b.filter (n: !missing.${n}) (b.attrNames missing);
    in
    if required == [ ] then makeOverridable f given
    else abort (missingArgMessage (autoArgs // args) formals (b.head required));

  callPackagesWith = autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      withArgsOf = mirrorFunctionArgs f;
      startArgs = b.intersectAttrs (functionArgs f) autoArgs // args;
      pkgs = f startArgs;
    in
    if isDerivation pkgs then
      throw ("function `callPackages` was called on a *single* derivation "
        + "\"${pkgs.name or "<unknown-name>"}\";"
        + " did you mean to use `callPackage` instead?")
    else
      b.mapAttrs (name: _: makeOverridable (withArgsOf (a: (f a).${name})) startArgs) pkgs;

  # Add passthru attributes to a derivation and to each of its outputs; the
  # outputs' paths are only available if `condition` holds.
  extendDerivation = condition: passthru: drv:
    let
      outputNames = drv.outputs or [ "out" ];
      outputs = map (o: {
        name = o;
        value = common // {
          inherit (drv.${o}) type outputName;
          outputSpecified = true;
          drvPath = assert condition; drv.${o}.drvPath;
          outPath = assert condition; drv.${o}.outPath;
        } // lib.attrsets.optionalAttrs (passthru ? overrideAttrs) {
          overrideAttrs = g: (passthru.overrideAttrs g).${o};
        };
      }) outputNames;
      common = drv
        // b.listToAttrs outputs
        // { all = map (x: x.value) outputs; }
        // passthru
        // {
          drvPath = assert condition; drv.drvPath;
          outPath = assert condition; drv.outPath;
        };
    in
    common;

  hydraJob = drv:
    let
      outputNames = drv.outputs or [ "out" ];
      common = { inherit (drv) name system meta; outputs = outputNames; }
        // lib.attrsets.optionalAttrs (drv._hydraAggregate or false) {
          _hydraAggregate = true;
          constituents = map hydraJob (lib.lists.flatten drv.constituents);
        }
        // b.listToAttrs outputs;
      outputs = map (o: {
        name = o;
        value = common // {
          outPath = drv.${o}.outPath;
          drvPath = drv.${o}.drvPath;
          type = "derivation";
          outputName = o;
        };
      }) outputNames;
      first = (b.head outputs).value;
    in
    if drv == null then null else b.deepSeq first first;

  makeScope = newScope: f:
    let
      self = { callPackage = self.newScope { }; }
        // f self
        // {
          newScope = extra: newScope (self // extra);
          overrideScope = g: makeScope newScope (lib.fixedPoints.extends g f);
          packages = f;
        };
    in
    self;

  makeScopeWithSplicing = splicePackages: newScope: otherSplices: keep: extra: f:
    makeScopeWithSplicing' { inherit splicePackages newScope; } { inherit otherSplices keep extra f; };

  makeScopeWithSplicing' = { splicePackages, newScope }:
    { otherSplices, keep ? (_: { }), extra ? (_: { }), f }:
    let
      base = splicePackages {
        pkgsBuildBuild = otherSplices.selfBuildBuild;
        pkgsBuildHost = otherSplices.selfBuildHost;
        pkgsBuildTarget = otherSplices.selfBuildTarget;
        pkgsHostHost = otherSplices.selfHostHost;
        pkgsHostTarget = self;
        pkgsTargetTarget = otherSplices.selfTargetTarget;
      };
      spliced = extra base // base // keep self;
      self = f self // {
        newScope = scope: newScope (spliced // scope);
        callPackage = newScope spliced;
        overrideScope = g: makeScopeWithSplicing' { inherit splicePackages newScope; } {
          inherit otherSplices keep extra;
          f = lib.fixedPoints.extends g f;
        };
        packages = f;
      };
    in
    self;

  extendMkDerivation =
    { constructDrv, excludeDrvArgNames ? [ ], excludeFunctionArgNames ? [ ], extendDrvArgs,
      inheritFunctionArgs ? true, transformDrv ? (x: x) }:
    {
      __functor = _: fpargs:
        transformDrv (constructDrv (final:
          let previous = if isFunction fpargs then fpargs final else fpargs; in
          b.removeAttrs previous excludeDrvArgNames // extendDrvArgs final previous));
      __functionArgs = b.removeAttrs
        (lib.attrsets.optionalAttrs inheritFunctionArgs (b.removeAttrs (functionArgs constructDrv) excludeDrvArgNames)
          // functionArgs (extendDrvArgs { }))
        excludeFunctionArgNames;
    };
}
