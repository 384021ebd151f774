# Host packages: each is a store path whose bin/ holds symlinks to programs installed on
# this host (found in /usr/local/sbin, /usr/local/bin, /usr/sbin, /usr/bin, /sbin, /bin when
# built). `${pkgs.podman}/bin/podman` and `lib.getExe pkgs.podman` then work as on NixOS,
# and units run the host's programs. The store path depends only on the name and program
# list, so it is the same on every host. When the main program is not installed, using the
# package prints a warning and its link points where the program would be
# (/usr/bin/NAME): the configuration still builds, and its units work once it is installed.
{ lib, pkgs }:
let
  hostBinDirs = [ "/usr/local/sbin" "/usr/local/bin" "/usr/sbin" "/usr/bin" "/sbin" "/bin" ];
  installed = program: builtins.any (d: builtins.pathExists "${d}/${program}") hostBinDirs;

  hostPackage = name: { programs ? [ name ], mainProgram ? builtins.head programs, version ? "host" }:
    (if installed mainProgram then lib.id else lib.warn
      "pkgs.${name}: this host has no '${mainProgram}' (looked in ${lib.concatStringsSep ", " hostBinDirs}); its link points to /usr/bin/${mainProgram}, and what runs it will fail until it is installed")
    (derivation {
      name = "${name}-${version}";
      system = "builtin";
      builder = "builtin:host-package";
      programs = lib.concatStringsSep " " programs;
      inherit mainProgram;
      preferLocalBuild = true;
      allowSubstitutes = false;
    } // {
      pname = name;
      inherit version;
      meta = { inherit mainProgram; description = "the host's ${name} (${lib.concatStringsSep ", " programs})"; };
      passthru.hostPrograms = programs;
    });

  coreutilsPrograms = [
    "[" "b2sum" "base32" "base64" "basename" "basenc" "cat" "chcon" "chgrp" "chmod" "chown"
    "chroot" "cksum" "comm" "cp" "csplit" "cut" "date" "dd" "df" "dir" "dircolors" "dirname"
    "du" "echo" "env" "expand" "expr" "factor" "false" "fmt" "fold" "groups" "head" "hostid"
    "id" "install" "join" "link" "ln" "logname" "ls" "md5sum" "mkdir" "mkfifo" "mknod"
    "mktemp" "mv" "nice" "nl" "nohup" "nproc" "numfmt" "od" "paste" "pathchk" "pinky" "pr"
    "printenv" "printf" "ptx" "pwd" "readlink" "realpath" "rm" "rmdir" "runcon" "seq"
    "sha1sum" "sha224sum" "sha256sum" "sha384sum" "sha512sum" "shred" "shuf" "sleep" "sort"
    "split" "stat" "stdbuf" "stty" "sum" "sync" "tac" "tail" "tee" "test" "timeout" "touch"
    "tr" "true" "truncate" "tsort" "tty" "uname" "unexpand" "uniq" "unlink" "users" "vdir"
    "wc" "who" "whoami" "yes"
  ];
in
{
  inherit hostPackage;
  bash = hostPackage "bash" { programs = [ "bash" "sh" ]; };
  bashInteractive = pkgs.bash;
  runtimeShell = "${pkgs.bash}/bin/bash";
  runtimeShellPackage = pkgs.bash;
  coreutils = hostPackage "coreutils" { programs = coreutilsPrograms; mainProgram = "ls"; };
  findutils = hostPackage "findutils" { programs = [ "find" "xargs" ]; };
  diffutils = hostPackage "diffutils" { programs = [ "diff" "cmp" "diff3" "sdiff" ]; };
  gnugrep = hostPackage "gnugrep" { programs = [ "grep" "egrep" "fgrep" ]; };
  gnused = hostPackage "gnused" { programs = [ "sed" ]; };
  gawk = hostPackage "gawk" { programs = [ "awk" "gawk" ]; mainProgram = "awk"; };
  gnutar = hostPackage "gnutar" { programs = [ "tar" ]; };
  gzip = hostPackage "gzip" { programs = [ "gzip" "gunzip" "zcat" ]; };
  bzip2 = hostPackage "bzip2" { programs = [ "bzip2" "bunzip2" "bzcat" ]; };
  xz = hostPackage "xz" { programs = [ "xz" "unxz" "xzcat" ]; };
  util-linux = hostPackage "util-linux" { programs = [ "mount" "umount" "findmnt" "flock" "getopt" "kill" "logger" "lsblk" "mountpoint" "nsenter" "setsid" "unshare" "runuser" "su" ]; mainProgram = "mount"; };
  procps = hostPackage "procps" { programs = [ "ps" "pgrep" "pkill" "free" "top" "uptime" "watch" "sysctl" ]; mainProgram = "ps"; };
  iproute2 = hostPackage "iproute2" { programs = [ "ip" "ss" "bridge" "tc" ]; mainProgram = "ip"; };
  shadow = hostPackage "shadow" { programs = [ "useradd" "usermod" "userdel" "groupadd" "passwd" "newuidmap" "newgidmap" "nologin" ]; mainProgram = "useradd"; };
  systemd = hostPackage "systemd" {
    programs = [ "systemctl" "journalctl" "systemd-analyze" "systemd-run" "systemd-escape" "systemd-notify" "systemd-tmpfiles" "systemd-cat" "loginctl" "busctl" ];
    mainProgram = "systemctl";
  };
  # nixpkgs' podman wraps its program with iptables (and more) on PATH: netavark, which
  # podman runs to publish ports, calls `iptables`/`ip6tables` from PATH, and a unit's PATH
  # holds only its packages' bin directories. Linking them here has the same effect.
  podman = hostPackage "podman" {
    programs = [ "podman" "iptables" "ip6tables" "iptables-save" "iptables-restore" "ip6tables-save" "ip6tables-restore" "nft" ];
    mainProgram = "podman";
  };
  docker = hostPackage "docker" { };
  runc = hostPackage "runc" { };
  crun = hostPackage "crun" { };
  skopeo = hostPackage "skopeo" { };
  umoci = hostPackage "umoci" { };
  shellcheck = hostPackage "shellcheck" { };
  curl = hostPackage "curl" { };
  wget = hostPackage "wget" { };
  busybox = hostPackage "busybox" { };
  sudo = hostPackage "sudo" { };
  openssh = hostPackage "openssh" { programs = [ "ssh" "scp" "sftp" "ssh-keygen" ]; mainProgram = "ssh"; };
  git = hostPackage "git" { };
  jq = hostPackage "jq" { };
  nginx = hostPackage "nginx" { };
  python3 = hostPackage "python3" { };
  nodejs = hostPackage "nodejs" { programs = [ "node" "npm" "npx" ]; mainProgram = "node"; };
}
