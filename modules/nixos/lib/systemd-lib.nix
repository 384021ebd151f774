# Helpers of the systemd module (as NixOS's nixos/lib/systemd-lib.nix): unit-name type,
# checks of [Service] keys, rendering option sets into unit files, the derivations of
# units and job scripts, the option-to-unitConfig modules, and the tree of
# /etc/systemd/system (generateUnits).
#
# Rendering follows NixOS byte for byte:
#   - a section is its keys in sorted (bytewise) order, one `Key=value` line each; a list
#     value gives one line per element (an empty list gives none); `true`/`false` render
#     as such, anything else through `toString` (null → empty, path → the literal path,
#     derivation → its out path, float → 6 decimals);
#   - a unit is `[Unit]\n<unit section>\n` then its own section, then, for every kind
#     but targets, `\n[Install]\nWantedBy=…\n` when wantedBy is not empty;
#   - a service's [Service] starts with one `Environment=` line per variable of
#     `systemd.globalEnvironment // environment` (sorted, null skipped), each value the
#     JSON string of "NAME=value", then the switch markers, then serviceConfig.
#
# Where NixOS runs a bash builder per unit (runCommand), we write unit files with the
# native builtin:write-text and symlinks with builtin:link-farm: the same trees, built
# without a process.
{ config, lib, pkgs, utils }:
let
  inherit (lib)
    attrNames concatMap concatMapStrings concatStrings concatStringsSep elem filter flatten
    isList isPath mkAfter mkIf optional optionalAttrs optionalString replaceStrings types;
  inherit (builtins) isInt stringLength toJSON;

  cfg = config.systemd;

  # The parts of job scripts that are the same for all of them.
  jobScriptPreamble = "#!${pkgs.runtimeShell}\nset -e\n\n";
  strictJobScriptPreamble = "#!${pkgs.runtimeShell}\nset -o errexit\nset -o nounset\nset -o pipefail\n\n";
  jobScriptDryRun = "${pkgs.stdenv.shellDryRun} \"$target\"";
  strictJobScriptCheck = "${jobScriptDryRun}\n${pkgs.shellcheckIfInstalled ""}\n";
in
rec {
  shellEscape = s: replaceStrings [ "\\" ] [ "\\\\" ] s;

  # Unit names as they may appear in store path names.
  mkPathSafeName = replaceStrings [ "@" ":" "\\" "[" "]" ] [ "-" "-" "-" "" "" ];

  # The type of options naming a unit.
  unitNameType = types.strMatching
    "[a-zA-Z0-9@%:_.\\-]+[.](service|socket|device|mount|automount|swap|target|path|timer|scope|slice)";

  # ---------------------------------------------------------------------------------------
  # Checks of option sets (serviceConfig, …). Each check maps (group, attrs) to a list of
  # error messages; checkUnitConfig prints them (trace) and fails the type check, so the
  # module system then reports the option and the files defining it.

  assertValueOneOf = name: values: group: attr:
    optional (attr ? ${name} && !elem attr.${name} values)
      "Systemd ${group} field `${name}' cannot have value `${toString attr.${name}}'.";

  assertHasField = name: group: attr:
    optional (!(attr ? ${name})) "Systemd ${group} field `${name}' must exist.";

  assertRange = name: min: max: group: attr:
    optional (attr ? ${name} && !(min <= attr.${name} && max >= attr.${name}))
      "Systemd ${group} field `${name}' is outside the range [${toString min},${toString max}]";

  assertMinimum = name: min: group: attr:
    optional (attr ? ${name} && attr.${name} < min)
      "Systemd ${group} field `${name}' must be greater than or equal to ${toString min}";

  assertOnlyFields = fields: group: attr:
    let bad = filter (n: !elem n fields) (attrNames attr); in
    optional (bad != [ ]) "Systemd ${group} has extra fields [${concatStringsSep " " bad}].";

  assertInt = name: group: attr:
    optional (attr ? ${name} && !isInt attr.${name}) "Systemd ${group} field `${name}' is not an integer";

  checkUnitConfig = group: checks: attrs:
    let
      # The check runs on definitions, whose values may still be wrapped in mkIf or
      # mkOverride: look through the wrappers (NixOS looks through one).
      unwrap = v: if (v._type or "") == "override" || (v._type or "") == "if" then unwrap v.content else v;
      defs = builtins.mapAttrs (_: unwrap) attrs;
      errors = concatMap (c: c group defs) checks;
    in
    if errors == [ ] then true else builtins.trace (concatStringsSep "\n" errors) false;

  # ---------------------------------------------------------------------------------------
  # Rendering.

  toOption = x: if x == true then "true" else if x == false then "false" else toString x;

  attrsToSection = as:
    concatStrings (concatMap
      (name:
        let value = as.${name}; in
        if isList value then map (x: "${name}=${toOption x}\n") value
        else [ "${name}=${toOption value}\n" ])
      (attrNames as));

  commonUnitText = def: lines:
    "[Unit]\n${attrsToSection def.unitConfig}\n"
    + lines
    + optionalString (def.wantedBy != [ ]) "\n[Install]\nWantedBy=${concatStringsSep " " def.wantedBy}\n";

  # What every kind passes on to systemd.units.<name>.
  unitAttrs = def: {
    inherit (def) name aliases wantedBy requiredBy upheldBy enable overrideStrategy;
  };

  targetToUnit = def: unitAttrs def // {
    text = "[Unit]\n${attrsToSection def.unitConfig}\n";
  };

  environmentLines = def:
    let env = cfg.globalEnvironment // def.environment; in
    concatMapStrings
      (n:
        let
          v = env.${n};
          line = if v == null then "" else "Environment=${toJSON "${n}=${v}"}\n";
        in
        # systemd reads lines of up to 1 MiB.
        if stringLength line >= 1048576
        then throw "The value of the environment variable ‘${n}’ in systemd service ‘${def.name}’ is too long."
        else line)
      (attrNames env);

  serviceToUnit = def: unitAttrs def // {
    text = commonUnitText def (
      "[Service]\n"
      + environmentLines def
      + (if def.reloadIfChanged or false then "X-ReloadIfChanged=true\n"
         else if !(def.restartIfChanged or true) then "X-RestartIfChanged=false\n"
         else "")
      + optionalString (!(def.stopIfChanged or true)) "X-StopIfChanged=false\n"
      + optionalString (def.notSocketActivated or false) "X-NotSocketActivated=true\n"
      + attrsToSection def.serviceConfig
    );
  };

  socketToUnit = def: unitAttrs def // {
    text = commonUnitText def (
      "[Socket]\n${attrsToSection def.socketConfig}\n"
      + "${concatStringsSep "\n" (map (s: "ListenStream=${s}") def.listenStreams)}\n"
      + "${concatStringsSep "\n" (map (s: "ListenDatagram=${s}") def.listenDatagrams)}\n"
    );
  };

  sectionToUnit = section: key: def: unitAttrs def // {
    text = commonUnitText def "[${section}]\n${attrsToSection def.${key}}\n";
  };
  timerToUnit = sectionToUnit "Timer" "timerConfig";
  pathToUnit = sectionToUnit "Path" "pathConfig";
  sliceToUnit = sectionToUnit "Slice" "sliceConfig";
  mountToUnit = sectionToUnit "Mount" "mountConfig";
  automountToUnit = sectionToUnit "Automount" "automountConfig";

  # ---------------------------------------------------------------------------------------
  # Derivations.

  # A directory holding the unit file `name` (a symlink to /dev/null when disabled).
  makeUnit = name: unit:
    if unit.enable then
      pkgs.writeTextFile {
        name = "unit-${mkPathSafeName name}";
        text = optionalString (unit.text != null) unit.text;
        destination = "/${name}";
      }
    else
      pkgs.linkFarm "unit-${mkPathSafeName name}-disabled" [{ inherit name; path = "/dev/null"; }];

  # A generated script of a service (script, preStart, …): derivation
  # `unit-script-NAME`, program `bin/NAME`; the value is the program's path. NixOS
  # renames a writeShellScriptBin of "set -e\n\nTEXT\n" (or, with enableStrictShellChecks,
  # a writeShellApplication: strict preamble and shellcheck) with overrideAttrs; our
  # builders have no overrideAttrs, so this gives writeTextFile what those two give it,
  # with the derivation's name changed.
  makeJobScript = { name, text, enableStrictShellChecks }:
    let
      scriptName = replaceStrings [ "\\" "@" ] [ "-" "_" ] (shellEscape name);
      drv = pkgs.writeTextFile ({
        name = "unit-script-${scriptName}";
        executable = true;
        destination = "/bin/${scriptName}";
      } // (if !enableStrictShellChecks then {
        text = "${jobScriptPreamble}${text}\n\n";
        checkPhase = jobScriptDryRun;
        meta.mainProgram = scriptName;
      } else {
        text = "${strictJobScriptPreamble}${text}\n";
        checkPhase = strictJobScriptCheck;
        allowSubstitutes = true;
        preferLocalBuild = false;
      }));
    in
    "${drv}/bin/${scriptName}";

  # ---------------------------------------------------------------------------------------
  # Modules deriving the unit's sections from its options.

  unitConfig = { config, name, options, ... }: {
    config.unitConfig =
      let
        listKey = key: opt: optionalAttrs (config.${opt} != [ ]) { ${key} = toString config.${opt}; };
        triggers = key: opt: optionalAttrs (config ? ${opt} && config.${opt} != [ ]) {
          ${key} = "${pkgs.writeText "${key}-${name}"
            (toString (map (x: if isPath x then "${x}" else x) (flatten config.${opt})))}";
        };
      in
      listKey "Requires" "requires"
      // listKey "Wants" "wants"
      // listKey "Upholds" "upholds"
      // listKey "After" "after"
      // listKey "Before" "before"
      // listKey "BindsTo" "bindsTo"
      // listKey "PartOf" "partOf"
      // listKey "Conflicts" "conflicts"
      // listKey "Requisite" "requisite"
      // triggers "X-Restart-Triggers" "restartTriggers"
      // triggers "X-Reload-Triggers" "reloadTriggers"
      // optionalAttrs (config.description != "") { Description = config.description; }
      // listKey "Documentation" "documentation"
      // listKey "OnFailure" "onFailure"
      // listKey "OnSuccess" "onSuccess"
      // optionalAttrs options.startLimitIntervalSec.isDefined {
        StartLimitIntervalSec = toString config.startLimitIntervalSec;
      }
      // optionalAttrs options.startLimitBurst.isDefined {
        StartLimitBurst = toString config.startLimitBurst;
      };
  };

  serviceConfig = { name, config, ... }: {
    config = {
      name = "${name}.service";
      environment.PATH = mkIf (config.path != [ ])
        "${lib.makeBinPath config.path}:${lib.makeSearchPathOutput "bin" "sbin" config.path}";
      enableStrictShellChecks = lib.mkOptionDefault cfg.enableStrictShellChecks;
    };
  };

  # Services of the running system get a minimal default PATH.
  stage2ServiceConfig = {
    imports = [ serviceConfig ];
    config.path = mkAfter [ pkgs.coreutils pkgs.findutils pkgs.gnugrep pkgs.gnused cfg.package ];
  };

  nameConfig = suffix: { name, ... }: { config.name = "${name}.${suffix}"; };
  targetConfig = nameConfig "target";
  socketConfig = nameConfig "socket";
  timerConfig = nameConfig "timer";
  pathConfig = nameConfig "path";
  sliceConfig = nameConfig "slice";

  mountConfig = { config, ... }: {
    config = {
      name = "${utils.escapeSystemdPath config.where}.mount";
      mountConfig = { What = config.what; Where = config.where; }
        // optionalAttrs (config.type != "") { Type = config.type; }
        // optionalAttrs (config.options != "") { Options = config.options; };
    };
  };

  automountConfig = { config, ... }: {
    config = {
      name = "${utils.escapeSystemdPath config.where}.automount";
      automountConfig.Where = config.where;
    };
  };

  # ---------------------------------------------------------------------------------------
  # The unit directory (/etc/systemd/system).
  #
  # For every unit NAME of `units`: NAME (or NAME.d/overrides.conf with overrideStrategy
  # asDropin) links to its file; each alias links to NAME; NAME is linked from
  # T.wants/, T.upholds/ and T.requires/ (as `../NAME`) for the targets T of wantedBy,
  # upheldBy and requiredBy. Later links replace earlier ones of the same name, as NixOS's
  # `ln -sfn` does.
  #
  # Without systemd.packages this is one builtin:link-farm. With packages, their units
  # (etc/systemd/system and lib/systemd/system) are linked in by a bash builder first, and
  # a unit of ours whose name a package already provides becomes NAME.d/overrides.conf
  # (a disabled one masks it), as in NixOS.
  unitLinks = units:
    let
      file = name: unit: "${unit.unit}/${name}";
      inverse = suffix: attr: concatMap
        (name: map (t: { name = "${t}.${suffix}/${name}"; path = "../${name}"; }) (units.${name}.${attr} or [ ]))
        (attrNames units);
    in
    {
      asDropinIfExists = concatMap
        (name: let u = units.${name}; in
          optional ((u.overrideStrategy or "asDropinIfExists") == "asDropinIfExists") { inherit name; path = file name u; })
        (attrNames units);
      asDropin = concatMap
        (name: let u = units.${name}; in
          optional ((u.overrideStrategy or "asDropinIfExists") == "asDropin") { name = "${name}.d/overrides.conf"; path = file name u; })
        (attrNames units);
      aliases = concatMap (name: map (a: { name = a; path = name; }) (units.${name}.aliases or [ ])) (attrNames units);
      wants = inverse "wants" "wantedBy";
      upholds = inverse "upholds" "upheldBy";
      requires = inverse "requires" "requiredBy";
    };

  generateUnits = { type ? "system", units, packages ? cfg.packages }:
    let
      links = unitLinks units;
      # Later entries win: listToAttrs keeps the first of a name, so reverse.
      lastWins = entries: builtins.listToAttrs (lib.reverseList (map (e: { inherit (e) name; value = e.path; }) entries));
      q = lib.escapeShellArg;
      lnAll = entries: concatMapStrings (e: ''
        mkdir -p "$out"/${q (dirOf e.name)}
        ln -sfn ${q e.path} "$out"/${q e.name}
      '') entries;
    in
    if packages == [ ] then
      pkgs.linkFarm "${type}-units" (lastWins (links.asDropinIfExists ++ links.asDropin ++ links.aliases
        ++ links.wants ++ links.upholds ++ links.requires))
    else
      pkgs.runCommand "${type}-units" { preferLocalBuild = true; allowSubstitutes = false; packages = lib.unique packages; } ''
        mkdir -p "$out"
        for pkg in $packages; do
          for fn in "$pkg"/etc/systemd/${type}/* "$pkg"/lib/systemd/${type}/*; do
            [ -e "$fn" ] || [ -L "$fn" ] || continue
            case "$fn" in *.wants) continue ;; esac
            if [ -d "$fn" ]; then
              # As lndir: real directories, links to the files.
              dir="$out/$(basename "$fn")"
              (cd "$fn" && find . ! -type d) | while IFS= read -r f; do
                f=''${f#./}
                mkdir -p "$dir/$(dirname "$f")"
                ln -sfn "$fn/$f" "$dir/$f"
              done
            else
              ln -sfn "$fn" "$out"/
            fi
          done
        done
        ${concatMapStrings (e: ''
          name=${q e.name}
          if [ -e "$out/$name" ]; then
            if [ "$(readlink -f ${q e.path})" = /dev/null ]; then
              ln -sfn /dev/null "$out/$name"
            else
              mkdir -p "$out/$name.d"
              ln -sfn ${q e.path} "$out/$name.d/overrides.conf"
            fi
          else
            ln -sfn ${q e.path} "$out/$name"
          fi
        '') links.asDropinIfExists}
        ${lnAll (links.asDropin ++ links.aliases ++ links.wants ++ links.upholds ++ links.requires)}
      '';
}
