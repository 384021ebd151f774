# A first look at the Nix language as nixling evaluates it: a small "configuration" with
# functions, recursive sets, string interpolation and builtins.
let
  services = {
    web = { port = 8080; enable = true; };
    db = { port = 5432; enable = false; };
  };
  enabled = builtins.filter (name: services.${name}.enable) (builtins.attrNames services);
  fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2);
in
rec {
  inherit enabled;
  greeting = "hello from ${builtins.concatStringsSep ", " enabled}";
  ports = builtins.mapAttrs (_: s: s.port) services;
  fib20 = fib 20;
  summary = "${toString (builtins.length enabled)} of ${toString (builtins.length (builtins.attrNames services))} services enabled";
}
