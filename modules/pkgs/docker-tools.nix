# dockerTools: building OCI / docker images as derivations, with nixpkgs' names and
# arguments. The images are written by nixling's native builder `builtin:docker-image`
# (src/oci/): uncompressed docker-archive tarballs by default (`podman load -i`,
# `docker load -i`), or OCI image layouts in a tar with `format = "oci-archive"`.
# Everything is reproducible: files are owned by uid/gid 0 (or `uid`/`gid`), dated
# `created` (1970-01-01T00:00:01Z by default), in sorted order.
#
#   buildImage          one layer: copyToRoot merged into /, extraCommands, and the closure
#                       of everything it (and config) refers to under the store directory
#   buildLayeredImage   one layer per store path by popularity (maxLayers), then a layer
#                       with the contents linked into /
#   streamLayeredImage  a script writing that image to standard output: `$(nixling build …) | podman load`
#   mergeImages         several docker-archives in one
#   binSh, usrBinEnv, fakeNss, shadowSetup   small helpers, as in nixpkgs
#
# A missing tag is the hash part of the image's output path (as nixpkgs). The image's
# store paths are those of the logical store directory (/nix/store unless --store-dir).
# Differences from nixpkgs: no virtual machine, no fakeroot and no network, so runAsRoot,
# fakeRootCommands, enableFakechroot, includeNixDB and pullImage stop evaluation with an
# error saying so. pkgs' host packages are symlinks to host programs; an image gets a copy
# of the host file instead (dereferenceHostSymlinks, on by default), so a statically linked
# program such as busybox runs in the container.
{ lib, pkgs }:
let
  inherit (lib) optionalAttrs toList;

  system = pkgs.system or builtins.currentSystem;

  formats = [ "docker-archive" "oci-archive" ];

  unsupported = fn: what: why:
    throw "dockerTools.${fn}: ${what} is not supported by nixling: ${why}";

  checkFormat = fn: format:
    if builtins.elem format formats then format
    else throw "dockerTools.${fn}: format must be one of ${lib.concatMapStringsSep ", " (f: ''"${f}"'') formats}, not ${builtins.toJSON format}";

  checkCompressor = fn: compressor:
    lib.warnIf (compressor != "none")
      "dockerTools.${fn}: compressor \"${compressor}\" is not supported by nixling; the image archive is written uncompressed (podman and docker load it all the same)"
      compressor;

  # The host's bash and core tools, for extraCommands (only depended upon when used).
  shellAttrs = extraCommands:
    optionalAttrs (extraCommands != "") {
      shell = pkgs.runtimeShell;
      binPath = lib.makeBinPath (pkgs.stdenv.initialPath or [ pkgs.coreutils ]);
    };

  # A derivation built by the native image builder. Structured attributes carry lists and
  # the configuration to it as JSON.
  imageDerivation = attrs:
    derivation ({
      system = "builtin";
      builder = "builtin:docker-image";
      __structuredAttrs = true;
      preferLocalBuild = true;
      allowSubstitutes = false;
      hostSystem = system;
    } // attrs);

  # nixpkgs derives a missing tag from the output path's hash; so does the builder.
  tagOf = tag: drv:
    if tag != null && tag != "" then tag
    else builtins.unsafeDiscardStringContext (builtins.substring 0 32 (baseNameOf drv.outPath));

  storePathString = x: "${x}";
  storePaths = x: if x == null then [ ] else map storePathString (toList x);

  # Files for /etc that programs looking up users need (nixpkgs' fakeNss).
  fakeNss = pkgs.runCommand "fake-nss" { } ''
    mkdir -p $out/etc $out/var/empty
    printf '%s\n' 'root:x:0:0:root user:/var/empty:/bin/sh' 'nobody:x:65534:65534:nobody:/var/empty:/bin/sh' > $out/etc/passwd
    printf '%s\n' 'root:x:0:' 'nobody:x:65534:' > $out/etc/group
    printf '%s\n' 'hosts: files dns' > $out/etc/nsswitch.conf
  '';

  layered = fn: kind:
    { name
    , tag ? null
    , fromImage ? null
    , contents ? [ ]
    , config ? { }
    , architecture ? null
    , created ? "1970-01-01T00:00:01Z"
    , uid ? 0
    , gid ? 0
    , uname ? "root"
    , gname ? "root"
    , extraCommands ? ""
    , fakeRootCommands ? ""
    , enableFakechroot ? false
    , maxLayers ? 100
    , includeStorePaths ? true
    , includeNixDB ? false
    , passthru ? { }
    , meta ? { }
    , format ? "docker-archive"
    , compressor ? "none"
    , dereferenceHostSymlinks ? true
    , layeringPipeline ? null
    , debug ? false
    }:
    assert lib.assertMsg (builtins.isInt maxLayers && maxLayers > 1)
      "dockerTools.${fn}: maxLayers must be an integer greater than 1 (it is ${builtins.toJSON maxLayers})";
    let
      baseName = baseNameOf name;
      contentsList = storePaths contents;

      customisationLayer = imageDerivation ({
        name = "${baseName}-customisation-layer";
        kind = "customisation-layer";
        contents = contentsList;
        inherit extraCommands uid gid created dereferenceHostSymlinks;
      } // shellAttrs extraCommands);

      checked =
        if fakeRootCommands != "" then unsupported fn "fakeRootCommands" "it runs under fakeroot, which nixling does not provide. Files in the image are owned by uid/gid (0 by default); do other changes in extraCommands"
        else if enableFakechroot then unsupported fn "enableFakechroot" "it needs fakechroot, which nixling does not provide"
        else if includeNixDB then unsupported fn "includeNixDB" "nixling's store database is not a Nix database a container could use"
        else if layeringPipeline != null then unsupported fn "layeringPipeline" "layers are always chosen by popularity (maxLayers)"
        else true;

      drv = imageDerivation {
        name = if kind == "stream" then "stream-${baseName}" else "${baseName}.tar";
        inherit kind tag created uid gid maxLayers includeStorePaths dereferenceHostSymlinks architecture config;
        imageName = lib.toLower name;
        format = checkFormat fn format;
        compressor = checkCompressor fn compressor;
        contents = contentsList;
        fromImage = if fromImage == null then null else storePathString fromImage;
        customisationLayer = "${customisationLayer}";
      };
    in
    builtins.seq checked (drv // passthru // {
      inherit meta passthru customisationLayer;
      imageName = lib.toLower name;
      imageTag = tagOf tag drv;
    } // optionalAttrs (kind == "stream") { isExe = true; });
in
rec {
  buildImage =
    { name
    , tag ? null
    , fromImage ? null
    , fromImageName ? null
    , fromImageTag ? null
    , copyToRoot ? null
    , keepContentsDirlinks ? false
    , config ? null
    , architecture ? null
    , extraCommands ? ""
    , uid ? 0
    , gid ? 0
    , runAsRoot ? null
    , diskSize ? 1024
    , buildVMMemorySize ? 512
    , created ? "1970-01-01T00:00:01Z"
    , contents ? null
    , format ? "docker-archive"
    , compressor ? "none"
    , includeNixDB ? false
    , dereferenceHostSymlinks ? true
    , meta ? { }
    , passthru ? { }
    }@args:
    let
      baseName = baseNameOf name;
      rootContents =
        if runAsRoot != null then
          unsupported "buildImage" "runAsRoot" "nixpkgs runs it as root in a virtual machine, which nixling does not have. Use extraCommands (run as the build user in the image's root directory; files end up owned by uid/gid, 0 by default)"
        else if includeNixDB then unsupported "buildImage" "includeNixDB" "nixling's store database is not a Nix database a container could use"
        else if contents != null && copyToRoot != null then
          throw "dockerTools.buildImage: in image ${name}: you can not specify both contents and copyToRoot"
        else if contents != null then
          lib.warn "dockerTools.buildImage: in image ${name}: the contents parameter is deprecated; use copyToRoot instead" contents
        else copyToRoot;
      drv = imageDerivation ({
        name = "${if format == "oci-archive" then "oci" else "docker"}-image-${baseName}.tar";
        kind = "image";
        imageName = lib.toLower name;
        inherit tag created uid gid keepContentsDirlinks dereferenceHostSymlinks architecture config extraCommands fromImageName fromImageTag;
        format = checkFormat "buildImage" format;
        compressor = checkCompressor "buildImage" compressor;
        copyToRoot = storePaths rootContents;
        fromImage = if fromImage == null then null else storePathString fromImage;
      } // shellAttrs extraCommands);
    in
    drv // passthru // {
      inherit meta passthru;
      buildArgs = args;
      imageName = lib.toLower name;
      imageTag = tagOf tag drv;
    };

  buildLayeredImage = layered "buildLayeredImage" "layered";

  streamLayeredImage = layered "streamLayeredImage" "stream";

  # Several docker-archives in one: `podman load` / `docker load` load every image in it.
  mergeImages = images: imageDerivation {
    name = "merge-docker-images.tar";
    kind = "merge";
    images = map storePathString images;
  };

  pullImage = { imageName ? "the image", ... }:
    throw "dockerTools.pullImage (${imageName}): nixling has no network access and cannot pull images. Fetch the image yourself (e.g. `skopeo copy docker://IMAGE docker-archive:image.tar`) and use it as `fromImage = ./image.tar;`";

  exportImage = _: unsupported "exportImage" "exportImage" "it unpacks an image in a virtual machine, which nixling does not have";

  buildImageWithNixDb = _: unsupported "buildImageWithNixDb" "a Nix database in the image" "nixling's store database is not a Nix database a container could use";
  buildLayeredImageWithNixDb = buildImageWithNixDb;

  streamNixShellImage = _: unsupported "streamNixShellImage" "streamNixShellImage" "nixling has no nix-shell environments (stdenv setup) to put in an image";
  buildNixShellImage = streamNixShellImage;

  # /usr/bin/env, for scripts starting with `#!/usr/bin/env …`.
  usrBinEnv = pkgs.runCommand "usr-bin-env" { } ''
    mkdir -p $out/usr/bin
    ln -s ${pkgs.coreutils}/bin/env $out/usr/bin/env
  '';

  # /bin/sh (the host's bash; in an image it only runs if its libraries are there too).
  binSh = pkgs.runCommand "bin-sh" { } ''
    mkdir -p $out/bin
    ln -s ${pkgs.bash}/bin/bash $out/bin/sh
  '';

  inherit fakeNss;

  # Shell commands that create /etc/passwd, /etc/group and friends when missing (nixpkgs
  # uses them in runAsRoot; in nixling they fit extraCommands, run in the image's root).
  shadowSetup = ''
    mkdir -p etc/pam.d
    if [ ! -f etc/passwd ]; then
      echo "root:x:0:0::/root:/bin/sh" > etc/passwd
      echo "root:!x:::::::" > etc/shadow
    fi
    if [ ! -f etc/group ]; then
      echo "root:x:0:" > etc/group
      echo "root:x::" > etc/gshadow
    fi
  '';
}
