# Realises users.users and users.groups (../../../config/users-groups.nix) with
# systemd-sysusers, as NixOS does with systemd.sysusers.enable
# (nixos/modules/system/boot/systemd/sysusers.nix): the accounts become sysusers.d lines
# in the store, and the oneshot unit nixling-sysusers.service runs systemd-sysusers on
# them early at boot (before sysinit.target) and when a switch changes them. It exists
# only when the configuration declares users or groups.
#
#   nixling-sysusers.conf          u lines of system users, g lines of the groups, m lines
#                                  of their memberships (as NixOS renders them)
#   nixling-sysusers-normal.conf   normal users (isNormalUser), whose free UIDs come from
#                                  1000-29999 (an `r` line: sysusers' own range is the
#                                  system one), and their memberships; run second, once
#                                  the groups exist
#
# A group named in extraGroups that users.groups does not declare is expected on the host;
# a `g` line creates it (as a system group) when it is missing, as the `m` line would.
# Home directories (createHome) are systemd.tmpfiles `d` rules (settings.home-directories),
# applied after this unit by nixling-tmpfiles.service.
#
# systemd-sysusers only creates what is missing: an existing account keeps its UID, home,
# shell and description (NixOS's users.mutableUsers = true behaves the same for passwords;
# its perl activation script updates the other fields).
{ config, lib, pkgs, ... }:
let
  cfg = config.users;
  systemdPkg = config.systemd.package;

  users = lib.filter (u: u.enable) (lib.attrValues cfg.users);
  groups = lib.attrValues cfg.groups;
  normalUsers = lib.filter (u: u.isNormalUser) users;
  systemUsers = lib.filter (u: !u.isNormalUser) users;
  normalNames = map (u: u.name) normalUsers;

  # sysusers reads specifiers (%…) in every field, and C-style escapes in quoted ones.
  escapeField = s:
    let
      e = lib.replaceStrings [ "%" ] [ "%%" ] s;
    in
    if builtins.match "[^[:space:]\"'\\\\]+" e != null then e
    else "\"" + lib.replaceStrings [ "\\" "\"" "\n" "\t" ] [ "\\\\" "\\\"" "\\n" "\\t" ] e + "\"";
  quoteGecos = s: "\"" + lib.replaceStrings [ "\\" "\"" "%" ] [ "\\\\" "\\\"" "%%" ] s + "\"";

  shellPath = s:
    if s == null then "-"
    else if lib.isDerivation s then
      (if s ? shellPath then "${s}${s.shellPath}"
      else if (s.pname or "") == "shadow" then "${s}/bin/nologin"
      else lib.getExe s)
    else toString s;

  userLine = u:
    "u ${u.name} ${if u.uid == null then "-" else toString u.uid}:${u.group} ${quoteGecos u.description} ${escapeField u.home} ${escapeField (shellPath u.shell)}\n";

  groupLine = g: "g ${g.name} ${if g.gid == null then "-" else toString g.gid}\n";

  # Every (user, group) membership: the members of the declared groups, and the
  # extraGroups naming groups the configuration does not declare.
  declaredGroupNames = map (g: g.name) groups;
  memberships = lib.unique (
    lib.concatMap (g: map (m: { user = m; group = g.name; }) g.members) groups
    ++ lib.concatMap
      (u: map (g: { user = u.name; group = g; }) (lib.filter (g: !lib.elem g declaredGroupNames) u.extraGroups))
      users);
  hostGroups = lib.unique (lib.filter (g: !lib.elem g declaredGroupNames) (map (m: m.group) memberships));
  memberLine = m: "m ${m.user} ${m.group}\n";
  normalMembership = m: lib.elem m.user normalNames;

  header = "# Type Name ID GECOS Home directory Shell\n";

  systemConf = pkgs.writeText "nixling-sysusers.conf" (
    header
    + "\n# Users\n" + lib.concatMapStrings userLine systemUsers
    + "\n# Groups\n" + lib.concatMapStrings groupLine groups
    + lib.optionalString (hostGroups != [ ])
      ("\n# Groups named in extraGroups that users.groups does not declare\n"
        + lib.concatMapStrings (g: "g ${g} -\n") hostGroups)
    + "\n# Group membership\n" + lib.concatMapStrings memberLine (lib.filter (m: !normalMembership m) memberships)
  );

  normalConf = pkgs.writeText "nixling-sysusers-normal.conf" (
    header
    + "\n# Normal users: free UIDs from 1000 to 29999\nr - 1000-29999\n"
    + "\n# Users\n" + lib.concatMapStrings userLine normalUsers
    + "\n# Group membership\n" + lib.concatMapStrings memberLine (lib.filter normalMembership memberships)
  );

  # The host's systemd-sysusers, through systemd.package when it links it.
  sysusersBin =
    if lib.elem "systemd-sysusers" (systemdPkg.passthru.hostPrograms or [ "systemd-sysusers" ])
    then "${systemdPkg}/bin/systemd-sysusers"
    else "${pkgs.hostPackage "systemd-sysusers" { }}/bin/systemd-sysusers";

  enabled = users != [ ] || groups != [ ];
  homes = lib.filter (u: u.createHome) users;
in
{
  config = lib.mkIf enabled {
    system.build.sysusers = { system = systemConf; } // lib.optionalAttrs (normalUsers != [ ]) { normal = normalConf; };

    systemd.services.nixling-sysusers = {
      description = "Create the users and groups of the configuration";
      wantedBy = [ "sysinit.target" ];
      after = [ "systemd-remount-fs.service" ];
      before = [ "sysinit.target" "systemd-tmpfiles-setup.service" "systemd-update-done.service" "shutdown.target" ];
      conflicts = [ "shutdown.target" ];
      unitConfig.DefaultDependencies = false;
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = [ "${sysusersBin} ${systemConf}" ]
          ++ lib.optional (normalUsers != [ ]) "${sysusersBin} ${normalConf}";
      };
    };

    # Home directories, created (and given their owner and mode) once the users exist.
    systemd.tmpfiles.settings.home-directories = lib.mkIf (homes != [ ]) (lib.listToAttrs (map
      (u: lib.nameValuePair u.home { d = { mode = u.homeMode; user = u.name; group = u.group; }; })
      homes));
  };
}
