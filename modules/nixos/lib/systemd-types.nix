# The option types of systemd.units, systemd.services, … (as nixos/lib/systemd-types.nix):
# each kind is a submodule of its options, the unitConfig module (options → [Unit] keys)
# and its own config module (name, derived sections).
{ lib, systemdUtils, pkgs }:
let
  inherit (systemdUtils.lib)
    automountConfig makeUnit mountConfig pathConfig sliceConfig socketConfig stage2ServiceConfig
    targetConfig timerConfig unitConfig;
  inherit (systemdUtils.unitOptions)
    concreteUnitOptions stage2AutomountOptions stage2CommonUnitOptions stage2MountOptions
    stage2PathOptions stage2ServiceOptions stage2SliceOptions stage2SocketOptions stage2TimerOptions;
  inherit (lib.types) attrsOf listOf submodule;
in
{
  units = attrsOf (submodule ({ name, config, ... }: {
    options = concreteUnitOptions;
    config = {
      name = lib.mkDefault name;
      unit = lib.mkDefault (makeUnit name config);
    };
  }));

  services = attrsOf (submodule [ stage2ServiceOptions unitConfig stage2ServiceConfig ]);
  targets = attrsOf (submodule [ stage2CommonUnitOptions unitConfig targetConfig ]);
  sockets = attrsOf (submodule [ stage2SocketOptions unitConfig socketConfig ]);
  timers = attrsOf (submodule [ stage2TimerOptions unitConfig timerConfig ]);
  paths = attrsOf (submodule [ stage2PathOptions unitConfig pathConfig ]);
  slices = attrsOf (submodule [ stage2SliceOptions unitConfig sliceConfig ]);
  mounts = listOf (submodule [ stage2MountOptions unitConfig mountConfig ]);
  automounts = listOf (submodule [ stage2AutomountOptions unitConfig automountConfig ]);
}
