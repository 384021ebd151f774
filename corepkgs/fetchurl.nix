# <nix/fetchurl.nix>: a fixed-output derivation fetched by the built-in `builtin:fetchurl`
# builder (nixling has no network; building one reports that clearly, evaluating works).
{
  system ? "builtin",
  url ? null,
  urls ? [ ],
  hash ? "",
  sha256 ? "",
  sha1 ? "",
  md5 ? "",
  sha512 ? "",
  outputHash ? "",
  outputHashAlgo ? "",
  outputHashMode ? (if executable || unpack then "recursive" else "flat"),
  name ? baseNameOf (toString (if url != null then url else builtins.head urls)),
  executable ? false,
  unpack ? false,
  impure ? false,
}:

let
  chosen =
    if outputHash != "" then { inherit outputHash outputHashAlgo; }
    else if hash != "" then { outputHash = hash; outputHashAlgo = ""; }
    else if sha512 != "" then { outputHash = sha512; outputHashAlgo = "sha512"; }
    else if sha256 != "" then { outputHash = sha256; outputHashAlgo = "sha256"; }
    else if sha1 != "" then { outputHash = sha1; outputHashAlgo = "sha1"; }
    else if md5 != "" then { outputHash = md5; outputHashAlgo = "md5"; }
    else throw "fetchurl requires a hash for fixed-output derivation: ${toString url}";
in
derivation (
  {
    builder = "builtin:fetchurl";
    inherit name system outputHashMode executable unpack;
    urls = if url != null then [ url ] else urls;
    # No preferLocalBuild/impure distinction: every fetch is a fixed-output derivation.
    preferLocalBuild = true;
    impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
  }
  // chosen
)
