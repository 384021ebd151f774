# Every module of the NixOS layer, as nixos/modules/module-list.nix lists NixOS's.
[
  ./config/networking.nix
  ./config/system-path.nix
  ./config/users-groups.nix
  ./misc/assertions.nix
  ./misc/meta.nix
  ./misc/nixpkgs.nix
  ./system/activation/top-level.nix
  ./system/boot/systemd.nix
  ./system/boot/systemd/sysusers.nix
  ./system/boot/systemd/tmpfiles.nix
  ./system/etc/etc.nix
  ./virtualisation/docker.nix
  ./virtualisation/oci-containers.nix
  ./virtualisation/podman.nix
]
