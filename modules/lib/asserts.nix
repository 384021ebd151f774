# nixling lib — assertions with readable messages.
{ lib }:

let
  pretty = lib.generators.toPretty { };
in
{
  # True when `pred` holds, otherwise throws `msg`.
  assertMsg = pred: msg: pred || throw msg;

  assertOneOf = name: value: allowed:
    lib.asserts.assertMsg (builtins.elem value allowed)
      "${name} must be one of ${pretty allowed}, but is: ${pretty value}";

  assertEachOneOf = name: values: allowed:
    lib.asserts.assertMsg (builtins.all (v: builtins.elem v allowed) values)
      "each element in ${name} must be one of ${pretty allowed}, but is: ${pretty values}";

  # Throw on failed `{ assertion; message; }` entries, else show warnings and return val.
  checkAssertWarn = assertions: warnings: val:
    let
      failed = map (a: a.message) (builtins.filter (a: !a.assertion) assertions);
    in
    if failed != [ ] then
      throw "\nFailed assertions:\n${builtins.concatStringsSep "\n" (map (m: "- ${m}") failed)}"
    else
      lib.trivial.showWarnings warnings val;
}
