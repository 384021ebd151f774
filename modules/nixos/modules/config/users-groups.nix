# users.users and users.groups, with the options and checks of NixOS's
# nixos/modules/config/users-groups.nix. They are realised by systemd-sysusers
# (../system/boot/systemd/sysusers.nix): nixling's host already has its accounts, so the
# configuration's users and groups are added to them, and NixOS's built-in accounts (root,
# nobody, wheel, …) are not declared here, except the primary groups `users`, `nogroup`
# and `root` when a user of the configuration names them (NixOS always declares those).
#
# Left out, because nothing here could realise them: passwords (hashedPassword, password,
# hashedPasswordFile, initialPassword, initialHashedPassword), openssh.authorizedKeys,
# subUidRanges/subGidRanges/autoSubUidGidRange, packages, expires, linger, cryptHomeLuks,
# pamMount, users.mutableUsers, users.allowNoPasswordLogin. A module setting one of them
# fails with "The option … does not exist" instead of having it silently ignored.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption mkDefault mkIf mkMerge types;
  cfg = config.users;

  # NixOS's fixed ids of the groups declared on demand (nixos/modules/misc/ids.nix).
  hostGroupIds = { root = 0; users = 100; nogroup = 65534; };

  nameLengthCheck = what: x:
    if builtins.stringLength x < 32 then x
    else throw "${what} '${x}' is longer than 31 characters which is not allowed!";

  userOpts = { name, config, ... }: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        example = false;
        description = ''
          If set to false, the user account will not be created. This is useful for
          when you wish to conditionally disable user accounts.
        '';
      };

      name = mkOption {
        type = types.passwdEntry types.str;
        apply = nameLengthCheck "Username";
        description = ''
          The name of the user account. If undefined, the name of the attribute set
          will be used.
        '';
      };

      description = mkOption {
        type = types.passwdEntry types.str;
        default = "";
        example = "Alice Q. User";
        description = ''
          A short description of the user account, typically the user's full name.
          This is the "GECOS" or "comment" field in {file}`/etc/passwd`.
        '';
      };

      uid = mkOption {
        type = with types; nullOr int;
        default = null;
        description = ''
          The account UID. If the UID is null, a free UID is picked when the account
          is created: below 1000 for system users, from 1000 to 29999 for normal users.
        '';
      };

      isSystemUser = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Indicates if the user is a system user or not. This option only has an
          effect if {option}`uid` is `null`, in which case it determines whether the
          user's UID is allocated in the range for system users (below 1000) or in
          the range for normal users (starting at 1000). Exactly one of
          `isNormalUser` and `isSystemUser` must be true.
        '';
      };

      isNormalUser = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Indicates whether this is an account for a "real" user. This
          automatically sets {option}`group` to `users`, {option}`createHome` to
          `true`, {option}`home` to {file}`/home/«username»`,
          {option}`useDefaultShell` to `true`, and {option}`isSystemUser` to
          `false`. Exactly one of `isNormalUser` and `isSystemUser` must be true.
        '';
      };

      group = mkOption {
        type = types.str;
        apply = nameLengthCheck "Group name";
        default = "";
        description = "The user's primary group.";
      };

      extraGroups = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = ''
          The user's auxiliary groups. A group that {option}`users.groups` does not
          declare is expected on the host, and created as a system group if missing.
        '';
      };

      home = mkOption {
        type = types.passwdEntry types.path;
        default = "/var/empty";
        description = "The user's home directory.";
      };

      homeMode = mkOption {
        type = types.strMatching "[0-7]{1,5}";
        default = "700";
        description = ''
          The user's home directory mode in numeric format. See {manpage}`chmod(1)`.
          The mode is only applied if {option}`users.users.<name>.createHome` is true.
        '';
      };

      createHome = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether to create the home directory and ensure ownership as well as
          permissions to match the user (a systemd.tmpfiles `d` rule).
        '';
      };

      shell = mkOption {
        type = types.nullOr (types.either types.package (types.passwdEntry types.path));
        default = pkgs.shadow;
        defaultText = lib.literalExpression "pkgs.shadow";
        example = lib.literalExpression "pkgs.bashInteractive";
        description = ''
          The path to the user's shell, or a package: its `shellPath` when it has one
          (as NixOS's shell packages), its `bin/nologin` for `pkgs.shadow`, otherwise
          its main program. `null` leaves the choice to systemd-sysusers
          ({file}`/usr/sbin/nologin`).
        '';
      };

      useDefaultShell = mkOption {
        type = types.bool;
        default = false;
        description = ''
          If true, the user's shell will be set to {option}`users.defaultUserShell`.
        '';
      };
    };

    config = mkMerge [
      {
        name = mkDefault name;
        shell = mkIf config.useDefaultShell (mkDefault cfg.defaultUserShell);
      }
      (mkIf config.isNormalUser {
        group = mkDefault "users";
        createHome = mkDefault true;
        home = mkDefault "${cfg.defaultUserHome}/${config.name}";
        homeMode = mkDefault "700";
        useDefaultShell = mkDefault true;
        isSystemUser = mkDefault false;
      })
    ];
  };

  groupOpts = { name, config, ... }: {
    options = {
      name = mkOption {
        type = types.passwdEntry types.str;
        description = ''
          The name of the group. If undefined, the name of the attribute set will be
          used.
        '';
      };

      gid = mkOption {
        type = with types; nullOr int;
        default = null;
        description = ''
          The group GID. If the GID is null, a free GID is picked when the group is
          created.
        '';
      };

      members = mkOption {
        type = with types; listOf (passwdEntry str);
        default = [ ];
        description = ''
          The user names of the group members (besides the users naming the group in
          their `extraGroups`, which are added to this list).
        '';
      };
    };

    config = {
      name = mkDefault name;
      members = lib.mapAttrsToList (_: u: u.name)
        (lib.filterAttrs (_: u: u.enable && lib.elem config.name u.extraGroups) cfg.users);
    };
  };

  # The ids of SET (users or groups) sharing ATTR; each is traced as NixOS does.
  duplicateIds = set: attr:
    let
      ids = map (x: x.${attr}) (lib.filter (x: x.${attr} != null) (lib.attrValues set));
      dups = lib.unique (lib.filter (i: lib.count (j: j == i) ids > 1) ids);
    in
    map (i: lib.trace "Duplicate ${attr} ${toString i}" i) dups;

  groupNames = lib.mapAttrsToList (_: g: g.name) cfg.groups;
  usersWithoutExistingGroup = lib.filterAttrs (_: u: u.group != "" && !lib.elem u.group groupNames) cfg.users;
  userNameRegex = "[a-zA-Z0-9_.][a-zA-Z0-9_.-]*";

  shells = lib.mapAttrsToList (_: u: u.shell) (lib.filterAttrs (_: u: u.enable) cfg.users);
in
{
  imports = [
    (lib.mkAliasOptionModule [ "users" "extraUsers" ] [ "users" "users" ])
    (lib.mkAliasOptionModule [ "users" "extraGroups" ] [ "users" "groups" ])
  ];

  options.users = {
    users = mkOption {
      default = { };
      type = types.attrsOf (types.submodule userOpts);
      example = {
        alice = {
          uid = 1234;
          description = "Alice Q. User";
          home = "/home/alice";
          createHome = true;
          group = "users";
          extraGroups = [ "wheel" ];
          shell = "/bin/sh";
        };
      };
      description = ''
        Additional user accounts to be created automatically by the system
        (with systemd-sysusers; an account that already exists is left as it is).
      '';
    };

    groups = mkOption {
      default = { };
      example = {
        students.gid = 1001;
        hackers = { };
      };
      type = types.attrsOf (types.submodule groupOpts);
      description = ''
        Additional groups to be created automatically by the system (with
        systemd-sysusers; a group that already exists is left as it is, its members
        added).
      '';
    };

    defaultUserShell = mkOption {
      type = types.either types.package (types.passwdEntry types.path);
      default = pkgs.bashInteractive;
      defaultText = lib.literalExpression "pkgs.bashInteractive";
      description = "The shell of users whose `useDefaultShell` is true (normal users by default).";
    };

    defaultUserHome = mkOption {
      type = types.str;
      default = "/home";
      description = "The default home directory for normal users.";
    };

    enforceIdUniqueness = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to require that no two users/groups share the same uid/gid.";
    };
  };

  config = {
    # The primary groups NixOS always declares, when a user of the configuration uses one.
    users.groups = lib.mapAttrs (_: gid: { gid = mkDefault gid; })
      (lib.filterAttrs
        (g: _: lib.any (u: u.group == g) (lib.attrValues cfg.users))
        hostGroupIds);

    # As NixOS, the users' shell packages are installed.
    environment.systemPackages = lib.filter lib.isDerivation shells;

    assertions = [
      {
        assertion = !cfg.enforceIdUniqueness
          || (duplicateIds cfg.users "uid" == [ ] && duplicateIds cfg.groups "gid" == [ ]);
        message = "UIDs and GIDs must be unique!";
      }
      {
        assertion = usersWithoutExistingGroup == { };
        message =
          let
            errUsers = lib.attrNames usersWithoutExistingGroup;
            missingGroups = lib.unique (lib.mapAttrsToList (_: u: u.group) usersWithoutExistingGroup);
          in
          ''
            The following users have a primary group that is undefined: ${lib.concatStringsSep " " errUsers}
            Hint: Add this to your NixOS configuration:
              ${lib.concatStringsSep "\n  " (map (g: "users.groups.${g} = {};") missingGroups)}
          '';
      }
    ]
    ++ lib.concatLists (lib.mapAttrsToList
      (_: user: [
        {
          assertion = builtins.match userNameRegex user.name != null;
          message = "The username \"${user.name}\" is not valid, it does not match the regex \"${userNameRegex}\".";
        }
        {
          assertion = user.isNormalUser && user.uid != null -> user.uid >= 1000;
          message = ''
            A user cannot have a users.users.${user.name}.uid set below 1000 and set users.users.${user.name}.isNormalUser.
            Either users.users.${user.name}.isSystemUser must be set to true instead of users.users.${user.name}.isNormalUser
            or users.users.${user.name}.uid must be changed to 1000 or above.
          '';
        }
        {
          assertion =
            let
              effectivelySystem = user.isSystemUser || (user.uid != null && user.uid < 1000 && !user.isNormalUser);
            in
            lib.xor effectivelySystem user.isNormalUser;
          message = ''
            Exactly one of users.users.${user.name}.isSystemUser and users.users.${user.name}.isNormalUser must be set.
          '';
        }
        {
          assertion = user.group != "";
          message = ''
            users.users.${user.name}.group is unset. This used to default to
            nogroup, but this is unsafe. For example you can create a group
            for this user with:
            users.users.${user.name}.group = "${user.name}";
            users.groups.${user.name} = {};
          '';
        }
      ])
      cfg.users);
  };
}
