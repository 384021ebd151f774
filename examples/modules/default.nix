# The module system on its own: two modules declare and define options, with types,
# priorities and mkIf, and evalModules computes the configuration as a fixed point.
let
  lib = import <nixling/lib>;
  inherit (lib) mkOption mkIf mkDefault types;

  services = { config, ... }: {
    options.services.web = {
      enable = mkOption { type = types.bool; default = false; description = "Run the web server."; };
      port = mkOption { type = types.port; default = 80; };
      hosts = mkOption { type = types.attrsOf (types.submodule ({ name, ... }: {
        options.root = mkOption { type = types.str; default = "/srv/${name}"; };
      })); default = { }; };
    };
    options.firewall.allowedPorts = mkOption { type = types.listOf types.port; default = [ ]; };
    config.firewall.allowedPorts = mkIf config.services.web.enable [ config.services.web.port ];
  };

  site = {
    services.web.enable = true;
    services.web.port = mkDefault 8080;
    services.web.hosts."example.org" = { };
    services.web.hosts."docs.example.org".root = "/var/www/docs";
  };

  eval = lib.evalModules { modules = [ services site ]; };
in
{
  inherit (eval.config) firewall;
  roots = lib.mapAttrs (_: h: h.root) eval.config.services.web.hosts;
  portIsDefault = eval.options.services.web.port.highestPrio;
}
