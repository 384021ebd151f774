{ config, lib, ... }:
let
  cfg = config.networking;
  proxyOption = name: example: lib.mkOption {
    type = lib.types.nullOr lib.types.str;
    default = cfg.proxy.default;
    defaultText = lib.literalExpression "config.networking.proxy.default";
    inherit example;
    description = "The ${name} proxy, exported as ${name}_proxy and ${lib.toUpper name}_PROXY.";
  };
in
{
  options.networking = {
    hostName = lib.mkOption {
      type = lib.types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$";
      default = "nixling";
      description = "The name of the machine.";
    };
    proxy = {
      default = lib.mkOption {
        type = lib.types.nullOr lib.types.str;
        default = null;
        example = "http://127.0.0.1:3128";
        description = "The default proxy for every protocol, used when a specific one is not set.";
      };
      httpProxy = proxyOption "http" "http://127.0.0.1:3128";
      httpsProxy = proxyOption "https" "http://127.0.0.1:3128";
      ftpProxy = proxyOption "ftp" "http://127.0.0.1:3128";
      rsyncProxy = proxyOption "rsync" "127.0.0.1:8080";
      allProxy = proxyOption "all" "http://127.0.0.1:3128";
      noProxy = lib.mkOption {
        type = lib.types.nullOr lib.types.str;
        default = null;
        example = "127.0.0.1,localhost,.localdomain";
        description = "Hosts the proxies are not used for (no_proxy).";
      };
      envVars = lib.mkOption {
        type = lib.types.attrs;
        internal = true;
        default = { };
        description = "The proxy environment variables, for services that need them.";
      };
    };
  };

  config.networking.proxy.envVars =
    let
      p = cfg.proxy;
      pair = name: v: lib.optionalAttrs (v != null) { "${name}_proxy" = v; "${lib.toUpper name}_PROXY" = v; };
    in
    pair "http" p.httpProxy // pair "https" p.httpsProxy // pair "ftp" p.ftpProxy
    // pair "rsync" p.rsyncProxy // pair "all" p.allProxy // pair "no" p.noProxy;
}
