# Trivial builders, with nixpkgs' names and arguments. Files and symlink trees are written
# by native builders (src/store/native/trivial.ts); runCommand runs bash with the host's
# core tools on PATH and $out set.
{ lib, pkgs }:
let
  inherit (lib) optionalString concatStringsSep concatMapStringsSep makeBinPath;

  # Attributes that describe a derivation to Nix code but are not part of its environment.
  withMeta = drv: { meta ? { }, passthru ? { } }: drv // passthru // { inherit meta passthru; };

  defaultPath = pkgs.stdenv.initialPath;

  # What every file with a checkPhase gets, made once: derivations are made by the
  # thousand (a unit file and scripts per service).
  checkPhaseEnv = {
    shell = "${pkgs.bash}/bin/bash";
    PATH = makeBinPath defaultPath;
  };

  # writeShellApplication's preamble and check, made once for the defaults.
  defaultBashOptions = [ "errexit" "nounset" "pipefail" ];
  shellApplicationPreamble = bashOptions: ''
    #!${pkgs.runtimeShell}
    ${concatMapStringsSep "\n" (option: "set -o ${option}") bashOptions}
  '';
  defaultShellApplicationPreamble = shellApplicationPreamble defaultBashOptions;
  shellApplicationCheck = flags: ''
    ${pkgs.stdenv.shellDryRun} "$target"
    ${pkgs.shellcheckIfInstalled flags}
  '';
  defaultShellApplicationCheck = shellApplicationCheck "";
in
rec {
  writeTextFile =
    { name
    , text
    , executable ? false
    , destination ? ""
    , checkPhase ? ""
    , meta ? { }
    , passthru ? { }
    , allowSubstitutes ? false
    , preferLocalBuild ? true
    , derivationArgs ? { }
    }:
    assert destination == "" || (lib.hasPrefix "/" destination && destination != "/")
      || throw "destination must be an absolute path relative to the derivation's out path, got '${destination}' instead.
        Ensure that the path starts with a / and specifies at least the filename.";
    let
      withCheck = checkPhase != "";
      drv = derivation (derivationArgs // {
        inherit name text destination allowSubstitutes preferLocalBuild;
        executable = if executable then "1" else "";
        system = "builtin";
        builder = "builtin:write-text";
        passAsFile = if withCheck then [ "text" "checkPhase" ] else [ "text" ];
      } // (if withCheck then checkPhaseEnv // { inherit checkPhase; } else { }));
    in
    withMeta drv {
      meta = if executable && destination != "" then { mainProgram = baseNameOf destination; } // meta else meta;
      inherit passthru;
    };

  writeText = name: text: writeTextFile { inherit name text; };

  writeTextDir = path: text: writeTextFile {
    inherit text;
    name = builtins.baseNameOf path;
    destination = "/${path}";
  };

  writeScript = name: text: writeTextFile { inherit name text; executable = true; };

  writeScriptBin = name: text: writeTextFile {
    inherit name text;
    executable = true;
    destination = "/bin/${name}";
    meta.mainProgram = name;
  };

  writeShellScript = name: text: writeTextFile {
    inherit name;
    executable = true;
    text = ''
      #!${pkgs.runtimeShell}
      ${text}
    '';
    checkPhase = ''${pkgs.stdenv.shellDryRun} "$target"'';
  };

  writeShellScriptBin = name: text: writeTextFile {
    inherit name;
    executable = true;
    destination = "/bin/${name}";
    text = ''
      #!${pkgs.runtimeShell}
      ${text}
    '';
    checkPhase = ''${pkgs.stdenv.shellDryRun} "$target"'';
    meta.mainProgram = name;
  };

  # shellcheck runs when the host has it installed (there is no nixpkgs to provide it).
  shellcheckIfInstalled = flags: ''
    for d in /usr/local/bin /usr/bin /bin; do
      if [ -x "$d/shellcheck" ]; then "$d/shellcheck" ${flags} "$target"; break; fi
    done
  '';

  writeShellApplication =
    { name
    , text
    , runtimeInputs ? [ ]
    , runtimeEnv ? null
    , meta ? { }
    , passthru ? { }
    , checkPhase ? null
    , excludeShellChecks ? [ ]
    , extraShellCheckFlags ? [ ]
    , bashOptions ? defaultBashOptions
    , derivationArgs ? { }
    , inheritPath ? true
    }@args:
    writeTextFile {
      inherit name meta passthru derivationArgs;
      executable = true;
      destination = "/bin/${name}";
      allowSubstitutes = true;
      preferLocalBuild = false;
      text = (if args ? bashOptions then shellApplicationPreamble bashOptions else defaultShellApplicationPreamble)
      + optionalString (runtimeEnv != null) (lib.concatStrings (lib.mapAttrsToList
        (n: v: ''
          ${lib.toShellVar n v}
          export ${n}
        '')
        runtimeEnv))
      + optionalString (runtimeInputs != [ ]) ''

        export PATH="${makeBinPath runtimeInputs}${optionalString inheritPath ":$PATH"}"
      ''
      + ''

        ${text}
      '';
      checkPhase =
        if checkPhase != null then checkPhase
        else if excludeShellChecks == [ ] && extraShellCheckFlags == [ ] then defaultShellApplicationCheck
        else shellApplicationCheck (concatStringsSep " " (extraShellCheckFlags
          ++ lib.optional (excludeShellChecks != [ ]) "--exclude=${concatStringsSep "," excludeShellChecks}"));
    };

  runCommandWith = { name, derivationArgs ? { }, ... }: buildCommand:
    let
      args = derivationArgs;
      inputs = defaultPath ++ (args.nativeBuildInputs or [ ]) ++ (args.buildInputs or [ ]);
      env = removeAttrs args [ "meta" "passthru" "nativeBuildInputs" "buildInputs" ];
    in
    withMeta
      (derivation (env // {
        inherit name buildCommand;
        system = pkgs.system;
        builder = "${pkgs.bash}/bin/bash";
        args = [ "-e" "-c" ''eval "$buildCommand"'' ];
        PATH = makeBinPath inputs;
        nativeBuildInputs = args.nativeBuildInputs or [ ];
        buildInputs = args.buildInputs or [ ];
      }))
      { meta = args.meta or { }; passthru = args.passthru or { }; };

  runCommand = name: env: runCommandWith { inherit name; derivationArgs = env; };
  runCommandLocal = name: env: runCommand name ({ preferLocalBuild = true; allowSubstitutes = false; } // env);
  runCommandNoCC = runCommand;
  runCommandCC = runCommand;

  symlinkJoin =
    { name, paths, postBuild ? "", meta ? { }, passthru ? { }, ... }@args:
    let
      env = removeAttrs args [ "name" "paths" "postBuild" "meta" "passthru" ];
    in
    if postBuild == "" then
      withMeta
        (derivation (env // {
          inherit name;
          paths = map toString paths;
          system = "builtin";
          builder = "builtin:symlink-join";
          preferLocalBuild = true;
          allowSubstitutes = false;
        }))
        { inherit meta passthru; }
    else
      runCommand name (env // { paths = map toString paths; inherit meta passthru; }) ''
        mkdir -p $out
        for i in $paths; do cp -rsn --no-preserve=mode "$i"/. $out/; done
        ${postBuild}
      '';

  linkFarm = name: entries:
    let
      list = if builtins.isList entries then entries
        else lib.mapAttrsToList (n: p: { name = n; path = p; }) entries;
    in
    derivation {
      inherit name;
      system = "builtin";
      builder = "builtin:link-farm";
      entries = builtins.toJSON (map (e: { name = e.name; path = "${e.path}"; }) list);
      preferLocalBuild = true;
      allowSubstitutes = false;
    } // { inherit entries; };

  linkFarmFromDrvs = name: drvs: linkFarm name (map (d: { name = d.name; path = d; }) drvs);

  writeDirectReferencesToFile = path: writeText "runtime-references" "${path}";

  # emptyFile / emptyDirectory, as nixpkgs has them.
  emptyFile = writeText "empty-file" "";
  emptyDirectory = linkFarm "empty-directory" [ ];
}
