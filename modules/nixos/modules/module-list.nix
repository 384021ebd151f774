# Every module of the NixOS layer, as nixos/modules/module-list.nix lists NixOS's.
[
  ./config/networking.nix
  ./config/system-path.nix
  ./misc/assertions.nix
  ./misc/meta.nix
  ./misc/nixpkgs.nix
  ./system/activation/top-level.nix
  ./system/boot/systemd.nix
  ./system/etc/etc.nix
  ./virtualisation/docker.nix
  ./virtualisation/oci-containers.nix
  ./virtualisation/podman.nix
]
