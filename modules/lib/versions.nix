# nixling lib — version strings: components and padding.
{ lib }:

let
  b = builtins;
  component = i: v: b.elemAt (b.splitVersion v) i;
in
{
  inherit (b) compareVersions splitVersion;

  major = component 0;
  minor = component 1;
  patch = component 2;
  majorMinor = v: b.concatStringsSep "." (lib.lists.take 2 (b.splitVersion v));

  # Pad (or cut) the numeric part to n components, keeping any "-suffix".
  pad = n: version:
    let
      numeric = b.head (lib.strings.splitString "-" version);
      suffix = lib.strings.removePrefix numeric version;
      parts = b.splitVersion numeric;
      padded = lib.lists.take n (parts ++ lib.lists.replicate n "0");
    in
    b.concatStringsSep "." padded + suffix;
}
