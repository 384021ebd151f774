# nixling lib — helpers for derivation metadata: names, priorities, platforms,
# licenses by SPDX id, main executables.
{ lib }:

let
  b = builtins;
  inherit (lib.attrsets) isDerivation;
in
rec {
  addMetaAttrs = extra: drv:
    if drv ? overrideAttrs then
      drv.overrideAttrs (old: { meta = (old.meta or { }) // extra; })
    else
      drv // { meta = (drv.meta or { }) // extra; };

  dontDistribute = addMetaAttrs { hydraPlatforms = [ ]; };
  setName = name: drv: drv // { inherit name; };
  updateName = f: drv: drv // { name = f drv.name; };
  appendToName = suffix: updateName (name:
    let parsed = b.parseDrvName name; in "${parsed.name}-${suffix}-${parsed.version}");

  mapDerivationAttrset = f: set: b.mapAttrs (_: v: if isDerivation v then f v else v) set;

  defaultPriority = 5;
  setPrio = priority: addMetaAttrs { inherit priority; };
  lowPrio = setPrio 10;
  lowPrioSet = mapDerivationAttrset lowPrio;
  hiPrio = setPrio (-10);
  hiPrioSet = mapDerivationAttrset hiPrio;

  platformMatch = platform: pattern:
    if b.isString pattern then platform ? system && pattern == platform.system
    else lib.attrsets.matchAttrs (if pattern ? parsed then pattern else { parsed = pattern; }) platform;

  availableOn = platform: pkg:
    (!(pkg ? meta.platforms) || b.any (platformMatch platform) pkg.meta.platforms)
    && (!(pkg ? meta.badPlatforms) || !(b.any (platformMatch platform) pkg.meta.badPlatforms));

  # nixling does not ship the license list; these work on `lib.licenses` when present.
  licensesSpdx = lib.attrsets.mapAttrs' (_: l: lib.attrsets.nameValuePair l.spdxId l)
    (lib.attrsets.filterAttrs (_: l: l ? spdxId) (lib.licenses or { }));
  getLicenseFromSpdxId = id:
    getLicenseFromSpdxIdOr id
      (lib.trivial.warn "getLicenseFromSpdxId: No license with the given SPDX ID found: ${id}" { shortName = id; spdxId = id; });
  getLicenseFromSpdxIdOr =
    let
      byLowerId = lib.attrsets.mapAttrs' (id: l: lib.attrsets.nameValuePair (lib.strings.toLower id) l) licensesSpdx;
    in
    id: fallback: byLowerId.${lib.strings.toLower id} or fallback;

  getExe = pkg:
    getExe' pkg (pkg.meta.mainProgram or (
      lib.trivial.warn
        "getExe: Package ${lib.strings.escapeNixIdentifier pkg.meta.name or pkg.pname or pkg.name} does not have the meta.mainProgram attribute. We'll assume that the main program has the same name for now, but this behavior is deprecated, because it leads to surprising errors when the assumption does not hold. If the package has a main program, please set `meta.mainProgram` in its definition to make this warning go away. Otherwise, if the package does not have a main program, or if you don't control its definition, use getExe' to specify the name to the program, such as lib.getExe' foo \"bar\"."
        (lib.strings.getName pkg)));

  getExe' = pkg: exe:
    assert lib.asserts.assertMsg (isDerivation pkg)
      "lib.meta.getExe': The first argument is of type ${b.typeOf pkg}, but it should be a derivation instead.";
    assert lib.asserts.assertMsg (b.isString exe)
      "lib.meta.getExe': The second argument is of type ${b.typeOf exe}, but it should be a string instead.";
    assert lib.asserts.assertMsg (b.match ".*/.*" exe == null)
      "lib.meta.getExe': The second argument \"${exe}\" is a nested path with a \"/\" character, but it should just be the name of the executable instead.";
    "${lib.attrsets.getBin pkg}/bin/${exe}";

  cpeFullVersionWithVendor = vendor: version: { inherit vendor version; update = "*"; };
}
