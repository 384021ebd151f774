# nixling lib — the `lib` attribute set, nixling's own implementation of the
# nixpkgs `lib` API. `import <nixling/lib>` evaluates this file.
#
# Each area lives in its own file taking `{ lib }` (the final, fixed-point lib);
# this file assembles them and re-exports the usual top-level aliases.
let
  # The library as a function of its own final value, so it can be extended:
  # `lib.extend (final: prev: { … })` returns a patched library.
  build = libFn:
    let
      self = libFn self // {
        extend = overlay: build (final: let prev = libFn final; in prev // overlay final prev);
      };
    in
    self;

  base = self:
    let
      load = file: import file { lib = self; };
      sub = {
        trivial = load ./trivial.nix;
        fixedPoints = load ./fixed-points.nix;
        attrsets = load ./attrsets.nix;
        lists = load ./lists.nix;
        strings = load ./strings.nix;
        stringsWithDeps = load ./strings-with-deps.nix;
        customisation = load ./customisation.nix;
        derivations = load ./derivations.nix;
        meta = load ./meta.nix;
        versions = load ./versions.nix;
        cli = load ./cli.nix;
        generators = load ./generators.nix;
        asserts = load ./asserts.nix;
        debug = load ./debug.nix;
        filesystem = load ./filesystem.nix;
        fileset = load ./fileset.nix;
        gvariant = load ./gvariant.nix;
        path = load ./path.nix;
        sources = load ./sources.nix;
      };
      inherit (sub) trivial fixedPoints attrsets lists strings stringsWithDeps customisation
        derivations meta versions generators asserts debug filesystem sources;
    in
    sub
    // {
      inherit (builtins)
        getContext hasContext convertHash hashString parseDrvName placeholder fromJSON
        fromTOML toFile toJSON toString toXML tryEval;

      inherit (trivial)
        id const pipe concat "or" and mul div xor bitAnd bitOr bitXor bitNot boolToString
        boolToYesNo mergeAttrs flip defaultTo mapNullable inNixShell isFloat min max
        importJSON importTOML warn warnIf warnIfNot throwIf throwIfNot checkListOfEnum info
        showWarnings nixpkgsVersion version isInOldestRelease oldestSupportedReleaseIsAtLeast
        mod compare splitByAndCompare seq deepSeq lessThan add sub functionArgs
        setFunctionArgs isFunction toFunction mirrorFunctionArgs fromHexString toHexString
        toBaseDigits inPureEvalMode isBool isInt pathExists genericClosure readFile ceil floor;

      inherit (fixedPoints)
        fix fix' converge extends composeExtensions composeManyExtensions makeExtensible
        makeExtensibleWithCustomName toExtension;

      inherit (attrsets)
        attrByPath hasAttrByPath setAttrByPath getAttrFromPath attrVals attrNames attrValues
        getAttrs catAttrs filterAttrs filterAttrsRecursive foldlAttrs foldAttrs collect
        nameValuePair mapAttrs mapAttrs' mapAttrsToList attrsToList concatMapAttrs
        mapAttrsRecursive mapAttrsRecursiveCond mapAttrsToListRecursive
        mapAttrsToListRecursiveCond genAttrs genAttrs' isDerivation toDerivation optionalAttrs
        zipAttrsWithNames zipAttrsWith zipAttrs recursiveUpdateUntil recursiveUpdate matchAttrs
        mergeAttrsList overrideExisting showAttrPath getOutput getFirstOutput getBin getLib
        getStatic getDev getInclude getMan chooseDevOutputs recurseIntoAttrs
        dontRecurseIntoAttrs cartesianProduct mapCartesianProduct updateManyAttrsByPath
        listToAttrs hasAttr getAttr isAttrs intersectAttrs removeAttrs;

      inherit (lists)
        singleton forEach map foldr fold foldl foldl' imap0 imap1 filter ifilter0 concatMap
        flatten remove findSingle findFirst any all count optional optionals toList range
        replicate partition zipListsWith zipLists reverseList listDfs toposort sort sortOn
        naturalSort compareLists take takeEnd drop dropEnd sublist last init crossLists
        unique uniqueStrings allUnique intersectLists subtractLists mutuallyExclusive groupBy
        groupBy' concatLists genList length head tail elem elemAt isList concatAttrValues
        replaceElemAt;

      inherit (strings)
        concatStrings concatMapStrings concatImapStrings stringLength substring isString
        replaceString replaceStrings intersperse concatStringsSep concatMapStringsSep
        concatMapAttrsStringSep concatImapStringsSep concatLines makeSearchPath
        makeSearchPathOutput makeLibraryPath makeIncludePath makeBinPath optionalString
        hasInfix hasPrefix hasSuffix join stringToCharacters stringAsChars escape
        escapeShellArg escapeShellArgs isStorePath isStringLike isValidPosixName toShellVar
        toShellVars trim trimWith escapeRegex escapeURL escapeXML lowerChars upperChars
        toLower toUpper toCamelCase toSentenceCase typeOf addContextFrom splitString
        splitStringBy removePrefix removeSuffix versionOlder versionAtLeast getName
        getVersion match split cmakeOptionType cmakeBool cmakeFeature mesonOption mesonBool
        mesonEnable nameFromURL enableFeature enableFeatureAs withFeature withFeatureAs
        fixedWidthString fixedWidthNumber toInt toIntBase10 fileContents appendContext
        unsafeDiscardStringContext;

      inherit (stringsWithDeps)
        textClosureList textClosureMap noDepEntry fullDepEntry packEntry stringAfter;

      inherit (customisation)
        overrideDerivation makeOverridable callPackageWith callPackagesWith extendDerivation
        hydraJob makeScope makeScopeWithSplicing makeScopeWithSplicing' extendMkDerivation;

      inherit (derivations)
        lazyDerivation optionalDrvAttr warnOnInstantiate addDrvOutputDependencies
        unsafeDiscardOutputDependency;

      inherit (generators) mkLuaInline;

      inherit (meta)
        addMetaAttrs dontDistribute setName updateName appendToName mapDerivationAttrset
        setPrio lowPrio lowPrioSet hiPrio hiPrioSet licensesSpdx getLicenseFromSpdxId
        getLicenseFromSpdxIdOr getExe getExe';

      inherit (filesystem)
        pathType pathIsDirectory pathIsRegularFile baseNameOf dirOf isPath hashFile readDir
        readFileType;

      inherit (asserts) assertMsg assertOneOf;

      inherit (debug)
        trace traceIf traceVal traceValFn traceSeq traceSeqN traceValSeq traceValSeqFn
        traceValSeqN traceValSeqNFn traceFnSeqN addErrorContext unsafeGetAttrPos runTests
        testAllTrue;

      inherit (versions) compareVersions splitVersion;

      # Placeholders for a fixed-output hash not known yet: the build fails and names the real one.
      fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
      fakeSha256 = "0000000000000000000000000000000000000000000000000000000000000000";
      fakeSha512 = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

      inherit (sources)
        cleanSourceFilter cleanSource sourceByRegex sourceFilesBySuffices commitIdFromGitRepo
        cleanSourceWith pathHasContext canCleanSource pathIsGitRepo revOrTag repoRevToName
        filterSource;
    };

  # ---------------------------------------------------------------------------
  # MODULE SYSTEM HOOK — see ./modules-placeholder.nix. The natively implemented
  # module system (modules, options, types, evalModules, mkOption, mkIf, …) is
  # merged in here, inside the fixed point, overriding nothing above.
  # ---------------------------------------------------------------------------
  moduleSystem = self: import ./modules-placeholder.nix { lib = self; };
in
build (self: base self // moduleSystem self)
