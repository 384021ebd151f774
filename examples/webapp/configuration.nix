# A web server in an image built from store paths only: the host's statically linked
# busybox, copied into the store by runCommand, and a page written by writeTextDir, layered
# by buildLayeredImage and run by oci-containers (podman) through `imageFile`.
#
#   nixling build -c examples/webapp
#   sudo nixling switch -c examples/webapp --root /     # then: curl http://127.0.0.1:18080/
{ pkgs, lib, ... }:
let
  # Debian's busybox-static package provides it; the image has no libc to link against.
  busybox = pkgs.runCommand "busybox-static" { } ''
    mkdir -p $out/bin
    cp ${lib.getExe pkgs.busybox} $out/bin/busybox
    # ldd succeeds only on dynamically linked programs.
    if [ -x /usr/bin/ldd ] && /usr/bin/ldd $out/bin/busybox >/dev/null 2>&1; then
      echo "the host's busybox is dynamically linked; install busybox-static" >&2
      exit 1
    fi
    for applet in sh httpd ls cat; do ln -s busybox $out/bin/$applet; done
  '';

  site = pkgs.writeTextDir "share/www/index.html" ''
    <!doctype html>
    <title>webapp</title>
    <p>Hello from a nixling image.</p>
  '';

  image = pkgs.dockerTools.buildLayeredImage {
    name = "webapp";
    tag = "latest";
    contents = [ busybox site ];
    config = {
      # busybox httpd installs no SIGTERM handler, and PID 1 ignores signals it does not
      # handle: `podman stop` would wait 10 s, then SIGKILL it. A shell as PID 1 exits on TERM.
      Cmd = [ "${busybox}/bin/sh" "-c" "trap 'exit 0' TERM; ${busybox}/bin/httpd -f -v -p 8080 -h ${site}/share/www & wait" ];
      ExposedPorts."8080/tcp" = { };
      Labels."org.opencontainers.image.title" = "webapp";
    };
  };
in
{
  system.stateVersion = "25.11";

  virtualisation.oci-containers = {
    backend = "podman";
    containers.webapp = {
      image = "webapp:latest";
      imageFile = image;
      ports = [ "127.0.0.1:18080:8080" ];
    };
  };
}
