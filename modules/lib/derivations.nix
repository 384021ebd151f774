# nixling lib — derivation wrappers: lazy derivation attribute sets and
# instantiation warnings.
{ lib }:

let
  b = builtins;
  posOf = prefix: name: set:
    let p = b.unsafeGetAttrPos name set; in
    if p == null then "" else "${prefix}${p.file}:${toString p.line}:${toString p.column}";
  pkgPos = prefix: pkg:
    if pkg ? meta.position && b.isString pkg.meta.position then "${prefix}${pkg.meta.position}" else "";
in
{
  addDrvOutputDependencies = b.addDrvOutputDependencies or (throw "builtins.addDrvOutputDependencies is not available");
  unsafeDiscardOutputDependency = b.unsafeDiscardOutputDependency;

  # A derivation-shaped set whose attributes do not force `derivation` until used.
  lazyDerivation = args@{ derivation, meta ? null, passthru ? { }, outputs ? [ "out" ] }:
    let
      show = lib.generators.toPretty { multiline = false; };
      checked =
        lib.trivial.throwIfNot ((derivation.type or null) == "derivation") "lazyDerivation: input must be a derivation."
        lib.trivial.throwIfNot (derivation.outputs == outputs) ''
          lib.lazyDerivation: The derivation ${derivation.name or "<unknown>"} has outputs that don't match the assumed outputs.

          Assumed outputs passed to lazyDerivation${posOf ",\n    at " "outputs" args}:
              ${show outputs};

          Actual outputs of the derivation${pkgPos ",\n    defined at " derivation}:
              ${show derivation.outputs}

          If the outputs are known ahead of evaluating the derivation,
          then update the lazyDerivation call to match the actual outputs, in the same order.
          If lazyDerivation is passed a literal value, just change it to the actual outputs.
          As a result it will work as before / as intended.

          Otherwise, when the outputs are dynamic and can't be known ahead of time, it won't
          be possible to add laziness, but lib.lazyDerivation may still be useful for trimming
          the attributes.
          If you want to keep trimming the attributes, make sure that the package is in a
          variable (don't evaluate it twice!) and pass the variable and its outputs attribute
          to lib.lazyDerivation. This largely defeats laziness, but keeps the trimming.
          If none of the above works for you, replace the lib.lazyDerivation call by the
          expression in the derivation argument.
        ''
        derivation;
    in
    {
      type = "derivation";
      inherit (checked) outPath outputName drvPath name system;
      inherit outputs;
      meta = args.meta or checked.meta;
    }
    // lib.attrsets.genAttrs outputs (o: checked.${o})
    // passthru;

  optionalDrvAttr = cond: value: if cond then value else null;

  warnOnInstantiate = msg: drv:
    let
      wrapped = b.removeAttrs drv [ "meta" "name" "type" "outputName" ];
    in
    drv
    // b.mapAttrs (_: lib.trivial.warn msg) wrapped
    // lib.attrsets.optionalAttrs (drv ? overrideAttrs && b.isFunction drv.overrideAttrs) {
      overrideAttrs = f: lib.derivations.warnOnInstantiate msg (drv.overrideAttrs f);
    };
}
