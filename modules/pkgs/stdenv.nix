# A minimal stdenv: enough of nixpkgs' interface for modules and small packages.
# `mkDerivation` runs its phases with the host's bash and core tools; there is no
# compiler toolchain to set up.
{ lib, pkgs }:
let
  defaultPath = with pkgs; [ coreutils findutils diffutils gnused gnugrep gawk gnutar gzip bzip2 xz bash ];
in
{
  hostPlatform = {
    inherit (pkgs) system;
    isLinux = true;
    isDarwin = false;
    isx86_64 = pkgs.system == "x86_64-linux";
    isAarch64 = pkgs.system == "aarch64-linux";
    isStatic = false;
  };
  shell = "${pkgs.bash}/bin/bash";
  # `bash -n` as nixpkgs' stdenv.shellDryRun.
  shellDryRun = "${pkgs.bash}/bin/bash -n -O extglob";
  initialPath = defaultPath;

  # mkDerivation { name | pname+version, buildCommand | (unpack/build/install phases),
  # nativeBuildInputs, buildInputs, … }. Phases are shell snippets run in order.
  mkDerivation = args:
    let
      name = args.name or "${args.pname}-${args.version}";
      inputs = defaultPath ++ (args.nativeBuildInputs or [ ]) ++ (args.buildInputs or [ ]);
      phases = lib.concatStringsSep "\n" (lib.filter (s: s != "") [
        (args.unpackPhase or (lib.optionalString (args ? src) ''
          if [ -d "$src" ]; then cp -r --no-preserve=mode "$src"/. .; else cp --no-preserve=mode "$src" .; fi
        ''))
        (args.patchPhase or "")
        (args.configurePhase or "")
        (args.buildPhase or "")
        (args.checkPhase or "")
        (args.installPhase or "")
        (args.fixupPhase or "")
        (args.postInstall or "")
      ]);
      cleaned = removeAttrs args [ "meta" "passthru" "nativeBuildInputs" "buildInputs" "pname" "version" ];
    in
    derivation (cleaned // {
      inherit name;
      system = pkgs.system;
      builder = "${pkgs.bash}/bin/bash";
      args = [ "-e" "-c" ''eval "''${buildCommand:-$genericBuild}"'' ];
      PATH = lib.makeBinPath inputs;
      genericBuild = phases;
    }) // { meta = args.meta or { }; passthru = args.passthru or { }; } // (args.passthru or { });
}
