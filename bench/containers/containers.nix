# N generated containers with varied options, shared by both sides of the benchmark.
n:
{ lib, ... }:
{
  virtualisation.oci-containers.containers = builtins.listToAttrs (builtins.genList (i:
    let s = toString i; in {
      name = "app${s}";
      value = {
        image = "registry.example/app${s}:1.${s}";
        ports = [ "${toString (10000 + i)}:80" ] ++ lib.optional (lib.mod i 3 == 0) "127.0.0.1:${toString (20000 + i)}:443/tcp";
        volumes = [ "/srv/app${s}:/data" ] ++ lib.optional (lib.mod i 2 == 0) "/etc/app${s}.conf:/etc/app.conf:ro";
        environment = { APP_ID = s; LANG = "C.UTF-8"; GREETING = "hello \"world\" $HOME `x`"; };
        cmd = lib.optionals (lib.mod i 4 == 0) [ "--port" "80" "--name" "app ${s}" ];
        labels = lib.optionalAttrs (lib.mod i 5 == 0) { "com.example.id" = s; };
        extraOptions = lib.optional (lib.mod i 7 == 0) "--read-only";
        dependsOn = lib.optional (i > 0 && lib.mod i 10 == 0) "app${toString (i - 1)}";
        autoStart = lib.mod i 11 != 0;
        user = if lib.mod i 6 == 0 then "1000:1000" else null;
        workdir = if lib.mod i 8 == 0 then "/data" else null;
      };
    }) n);
}
