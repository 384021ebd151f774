# virtualisation.oci-containers: OCI (docker/podman) containers as systemd services, one
# service `<backend>-<name>` per container, as NixOS's module of the same name.
#
# For every option NixOS's module (the text in seeds/oci-containers-module.txt) has, the
# services generated here are the same as that module's, attribute for attribute. On top:
#   - networks, pull, capabilities, devices, privileged, autoRemoveOnStop;
#   - podman.{user,group,sdnotify}: rootless podman (the container runs as that user);
#   - ports and volumes are parsed: a malformed entry is an evaluation error naming the
#     option, the container, and the file and line of the definition.
# The extras change nothing in the services of containers that don't use them.
{ config, options, lib, pkgs, ... }:
let
  inherit (lib)
    mkOption mkIf mkMerge types literalExpression optional optionals optionalString optionalAttrs
    escapeShellArg concatStringsSep concatMap mapAttrsToList mapAttrs' nameValuePair filterAttrs
    splitString stringToCharacters elem all filter head length elemAt isAttrs isList;

  cfg = config.virtualisation.oci-containers;
  proxyEnv = config.networking.proxy.envVars;
  defaultBackend = options.virtualisation.oci-containers.backend.default;

  # ---------------------------------------------------------------------------------------
  # Parsing ports and volumes. Each parser returns null for a valid entry, else the reason.

  # A decimal number of at most 5 digits, or null.
  decimal = s:
    if builtins.match "[0-9]{1,5}" s == null then null
    else builtins.foldl' (n: c: n * 10 + builtins.fromJSON c) 0 (stringToCharacters s);

  # "N" or "N-M" with 1 <= N <= M <= 65535 → { first; last; }, or null.
  portRange = s:
    let
      m = builtins.match "([0-9]+)(-([0-9]+))?" s;
      first = decimal (elemAt m 0);
      last = if elemAt m 2 == null then first else decimal (elemAt m 2);
      inRange = n: n != null && n >= 1 && n <= 65535;
    in
    if m == null || !(inRange first) || !(inRange last) || first > last then null
    else { inherit first last; };

  isIPv4 = s:
    let m = builtins.match "([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})" s; in
    m != null && all (o: decimal o <= 255) m;

  isIPv6 = s: builtins.match "[0-9a-fA-F:.]*:[0-9a-fA-F:.]*" s != null && builtins.match ".*:::.*" s == null;

  # The common forms, checked by one regular expression: IPv4:HOST:CONTAINER, IPv4::CONTAINER,
  # HOST:CONTAINER, CONTAINER (single ports, no leading zeros), optional /tcp|udp|sctp.
  # Anything else goes through portErrorReason.
  isCommonPort = entry:
    let
      m = builtins.match
        "(((0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})):([1-9][0-9]{0,4})?:|([1-9][0-9]{0,4}):)?([1-9][0-9]{0,4})(/(tcp|udp|sctp))?"
        entry;
      atMost = max: i: let x = elemAt m i; in x == null || builtins.fromJSON x <= max;
    in
    m != null && atMost 255 2 && atMost 255 3 && atMost 255 4 && atMost 255 5
    && atMost 65535 6 && atMost 65535 7 && atMost 65535 8;

  portErrorReason = entry:
    let
      slash = builtins.match "([^/]*)/(.*)" entry;
      spec = if slash == null then entry else elemAt slash 0;
      protocols = if slash == null then null else elemAt slash 1;
      badProtocol = protocols != null
        && !(all (p: elem p [ "tcp" "udp" "sctp" ]) (splitString "," protocols));
      # [IPv6]:HOST:CONTAINER / [IPv6]::CONTAINER
      bracketed = builtins.match "\\[([^]]*)]:(.*)" spec;
      parts = if bracketed != null then [ (elemAt bracketed 0) ] ++ splitString ":" (elemAt bracketed 1)
        else splitString ":" spec;
      n = length parts;
      ip = if n == 3 then elemAt parts 0 else null;
      hostPort = if n == 3 then elemAt parts 1 else if n == 2 then elemAt parts 0 else "";
      containerPort = elemAt parts (n - 1);
      host = portRange hostPort;
      container = portRange containerPort;
      size = r: r.last - r.first;
      portText = "not a port number (1-65535) or a range of them (N-M, N <= M)";
    in
    if entry == "" then "it is empty"
    else if badProtocol then "the protocol `${protocols}' is not tcp, udp or sctp (or a comma-separated list of them)"
    else if bracketed != null && n != 3 then "an IPv6 address in brackets must be followed by `:HOST_PORT:CONTAINER_PORT' or `::CONTAINER_PORT'"
    else if n > 3 then "it has ${toString n} `:'-separated parts, at most 3 are allowed (IPv6 addresses go in brackets: \"[::1]:8080:80\")"
    else if ip != null && bracketed != null && !(isIPv6 ip) then "`[${ip}]' is not an IPv6 address"
    else if ip != null && bracketed == null && !(isIPv4 ip) then
      (if ip == "" then "the IP address before the first `:' is empty"
       else "`${ip}' is not an IP address (IPv4 as in 127.0.0.1, IPv6 in brackets as in [::1])")
    else if containerPort == "" then "the container port is missing"
    else if container == null then "the container port `${containerPort}' is ${portText}"
    else if hostPort != "" && host == null then "the host port `${hostPort}' is ${portText}"
    else if host != null && size container != 0 && size host != size container then
      (if size host == 0
       then "the container port is a range (${containerPort}) but the host port (${hostPort}) is not; give a host range of the same length"
       else "the host port range ${hostPort} and the container port range ${containerPort} have different lengths")
    else null;

  volumeFlags = [
    "rw" "ro" "z" "Z" "O" "U" "copy" "nocopy" "dev" "nodev" "exec" "noexec" "suid" "nosuid"
    "bind" "rbind" "shared" "rshared" "slave" "rslave" "private" "rprivate" "unbindable" "runbindable"
    "consistent" "cached" "delegated" "noswap"
  ];
  propagationFlags = [ "shared" "rshared" "slave" "rslave" "private" "rprivate" "unbindable" "runbindable" ];

  # SOURCE:/CONTAINER_PATH with an absolute host path or a volume name, optionally :ro/:rw
  # and z/Z; anything else goes through volumeErrorReason.
  isCommonVolume = entry:
    builtins.match "(/[^:]*|[a-zA-Z0-9][a-zA-Z0-9_.-]*):/[^:]*(:(ro|rw|z|Z|ro,z|ro,Z|rw,z|rw,Z))?" entry != null;

  volumeErrorReason = entry:
    let
      parts = splitString ":" entry;
      n = length parts;
      source = elemAt parts 0;
      target = if n == 1 then source else elemAt parts 1;
      flags = if n == 3 then splitString "," (elemAt parts 2) else [ ];
      isFlag = f: elem f volumeFlags || f == "idmap" || builtins.match "idmap=.+" f != null;
      badFlags = filter (f: !(isFlag f)) flags;
      count = set: length (filter (f: elem f set) flags);
      isVolumeName = builtins.match "[a-zA-Z0-9][a-zA-Z0-9_.-]*" source != null;
    in
    if entry == "" then "it is empty"
    else if n > 3 then "it has ${toString n} `:'-separated parts, at most 3 are allowed (SOURCE:CONTAINER_PATH:OPTIONS)"
    else if n == 1 && !(lib.hasPrefix "/" entry) then
      "it has no container path: write SOURCE:/path/in/container (a lone entry must be an absolute container path, for an anonymous volume)"
    else if source == "" then "the source (host path or volume name) before the first `:' is empty"
    else if n > 1 && !(lib.hasPrefix "/" source) && !isVolumeName then
      "the source `${source}' is neither an absolute host path nor a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]*); relative host paths are not allowed"
    else if target == "" then "the container path is empty"
    else if !(lib.hasPrefix "/" target) then "the container path `${target}' is relative; it must be absolute"
    else if n == 3 && badFlags != [ ] then
      "${if elem "" badFlags then "an empty option" else "the option `${head badFlags}'"} is not a volume option (ro, rw, z, Z, O, U, [no]copy, [no]dev, [no]exec, [no]suid, [r]bind, [r]shared, [r]slave, [r]private, [r]unbindable, consistent, cached, delegated, noswap, idmap[=…])"
    else if count [ "ro" "rw" ] > 1 then "it has more than one of ro and rw"
    else if count [ "z" "Z" ] > 1 then "it has more than one of z and Z"
    else if count propagationFlags > 1 then "it has more than one mount propagation option (${concatStringsSep ", " propagationFlags})"
    else null;

  # Where containers.NAME.ATTR holding ENTRY was defined in FILE: { file; line; column; } or
  # null. Option definitions carry only their file; the line comes from the position of the
  # attribute in the attrset that defines the container (found through the definitions of
  # `containers`, looking through mkIf/mkMerge/mkOverride/mkOrder).
  definitionPosition = name: attr: file: entry:
    let
      contents = v:
        if isAttrs v && v ? _type then
          (if v._type == "merge" then concatMap contents v.contents
           else if elem v._type [ "if" "override" "order" ] then contents v.content
           else [ ])
        else [ v ];
      defs = filter (d: d.file == file) options.virtualisation.oci-containers.containers.definitionsWithLocations;
      tops = concatMap (d: filter isAttrs (contents d.value)) defs;
      containersNamed = filter (c: c ? ${name}) tops;
      bodies = concatMap (c: filter isAttrs (contents c.${name})) containersNamed;
      withAttr = filter (b: b ? ${attr}) bodies;
      holds = b:
        let r = builtins.tryEval (elem entry (concatMap (l: if isList l then l else [ ]) (contents b.${attr})));
        in r.success && r.value;
      candidates = filter holds withAttr ++ withAttr;
      pos =
        if candidates != [ ] then builtins.unsafeGetAttrPos attr (head candidates)
        else if containersNamed != [ ] then builtins.unsafeGetAttrPos name (head containersNamed)
        else null;
      r = builtins.tryEval pos;
    in
    if r.success then r.value else null;

  # The position of a definition, refined to the line (and column) where the entry is
  # written as a literal string if it is, within the next lines; with an excerpt of the
  # line ("\n  LINE| text", or "" if the file cannot be read).
  locate = pos: entry:
    let
      readable = lib.hasPrefix "/" pos.file && builtins.pathExists pos.file;
      lines = splitString "\n" (builtins.readFile pos.file);
      quoted = builtins.toJSON entry;
      after = lib.sublist (pos.line - 1) 200 lines;
      hits = filter (i: lib.hasInfix quoted (elemAt after i)) (lib.range 0 (length after - 1));
      line = if hits == [ ] then pos.line else pos.line + head hits;
      column = if hits == [ ] then pos.column
        else 1 + lib.stringLength (head (splitString quoted (elemAt lines (line - 1))));
    in
    if !readable || pos.line < 1 || pos.line > length lines then { inherit (pos) file line column; excerpt = ""; }
    else {
      inherit (pos) file;
      inherit line column;
      excerpt = "\n  ${toString line}| ${elemAt lines (line - 1)}"
        + "\n  ${lib.fixedWidthString (lib.stringLength (toString line)) " " ""}| ${lib.fixedWidthString (column - 1) " " ""}^";
    };

  # An element type for ports/volumes: a string that parses, else an error that names the
  # option, the container and where the definition is.
  checkedEntry = { name, what, description, isCommon, reason, expected }: lib.mkOptionType {
    inherit name description;
    descriptionClass = "noun";
    check = builtins.isString;
    merge = loc: defs:
      let
        entry = lib.mergeEqualOption loc defs;
        why = if isCommon entry then null else reason entry;
        # loc = [ … "containers" NAME ATTR "[definition N-entry M]" ]
        optionLoc = lib.init loc;
        attr = lib.last optionLoc;
        container = elemAt loc (length loc - 3);
        file = (head defs).file;
        pos = definitionPosition container attr file entry;
        at = locate pos entry;
        where = if pos == null then "in `${file}'"
          else "at ${at.file}:${toString at.line}:${toString at.column}${at.excerpt}";
      in
      if why == null then entry
      else throw ''
        ${what} ${builtins.toJSON entry} in option `${lib.showOption optionLoc}' of container `${container}' is invalid: ${why}.
        Defined ${where}
        ${expected}'';
  };

  portType = checkedEntry {
    name = "ociPort";
    what = "The port mapping";
    description = "port mapping ([IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL])";
    isCommon = isCommonPort;
    reason = portErrorReason;
    expected = ''Expected [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], for example "8080:80", "127.0.0.1:8080:80", "127.0.0.1::80", "[::1]:8080:80", "53:53/udp" or "8000-8010:8000-8010/tcp".'';
  };

  volumeType = checkedEntry {
    name = "ociVolume";
    what = "The volume";
    description = "volume (SOURCE:CONTAINER_PATH[:OPTIONS])";
    isCommon = isCommonVolume;
    reason = volumeErrorReason;
    expected = ''Expected SOURCE:CONTAINER_PATH[:OPTIONS] with an absolute host path or a volume name as SOURCE, for example "/var/db/app:/db", "app-data:/var/lib/app" or "/etc/app.conf:/etc/app.conf:ro".'';
  };

  # ---------------------------------------------------------------------------------------

  # The options of a container, declared once for all containers.
  containerOptions.options = {
    image = mkOption {
      type = types.str;
      example = "library/hello-world";
      description = "The OCI image the container runs.";
    };

    imageFile = mkOption {
      type = types.nullOr types.package;
      default = null;
      example = literalExpression "pkgs.dockerTools.buildImage { … }";
      description = ''
        An image archive loaded before the container starts, so the image does not come
        from a registry. `image` must name the image (and tag) in the archive; if it
        does not, the image is pulled as usual.
      '';
    };

    imageStream = mkOption {
      type = types.nullOr types.package;
      default = null;
      example = literalExpression "pkgs.dockerTools.streamLayeredImage { … }";
      description = ''
        A script writing an image archive to its standard output (as made by
        `pkgs.dockerTools.streamLayeredImage`), loaded before the container starts: the
        archive itself never needs to be stored. Exclusive with `imageFile`.
      '';
    };


    login = {
      username = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The user name to log in to `registry` with.";
      };
      passwordFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/etc/nixos/dockerhub-password.txt";
        description = "A file holding the password to log in to `registry` with (read when the service starts).";
      };
      registry = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "https://docker.pkg.github.com";
        description = "The registry to log in to before the container starts; login happens only when all three login options are set.";
      };
    };

    cmd = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "--port=9000" ];
      description = "Arguments given to the image's entrypoint.";
    };

    labels = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = { "traefik.https.routers.example.rule" = "Host(`example.container`)"; };
      description = "Labels attached to the container.";
    };

    entrypoint = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/bin/my-app";
      description = "The program to run instead of the image's entrypoint.";
    };

    environment = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = { DATABASE_HOST = "db.example.com"; DATABASE_PORT = "3306"; };
      description = "Environment variables of the container.";
    };

    environmentFiles = mkOption {
      type = types.listOf types.path;
      default = [ ];
      example = literalExpression "[ /run/secrets/app.env ]";
      description = "Files of environment variables (`--env-file`) for the container.";
    };

    log-driver = mkOption {
      type = types.str;
      default = "journald";
      description = ''
        The container's logging driver. With `journald` (the default) its output is
        part of the service's journal. See the logging documentation of docker or podman
        (docker-run(1)) for the others.
      '';
    };

    ports = mkOption {
      type = types.listOf portType;
      default = [ ];
      example = [ "127.0.0.1:8080:9000" ];
      description = ''
        Ports published from the container on the host, each
        `[IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`: `IP:HOST_PORT:CONTAINER_PORT`,
        `IP::CONTAINER_PORT`, `HOST_PORT:CONTAINER_PORT` or `CONTAINER_PORT`, with an
        IPv6 address in brackets (`[::1]:8080:80`) and PROTOCOL one of tcp, udp, sctp.
        Ports can be ranges (`8000-8010:8000-8010`); a host range may map to a single
        container port, and two ranges must have the same length.

        Published ports bypass the host's firewall: publish on 127.0.0.1 what should not
        be reachable from the network. Malformed entries are evaluation errors.
      '';
    };

    user = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "nobody:nogroup";
      description = "The user (name or uid, optionally `:group`) the container's process runs as, instead of the image's.";
    };

    volumes = mkOption {
      type = types.listOf volumeType;
      default = [ ];
      example = [ "volume_name:/path/inside/container" "/path/on/host:/path/inside/container:ro" ];
      description = ''
        Volumes mounted into the container, each `SOURCE:CONTAINER_PATH[:OPTIONS]`: SOURCE
        an absolute host path (store paths included) or a volume name, CONTAINER_PATH
        absolute, OPTIONS a comma-separated list (ro, rw, z, Z, O, U, [no]copy, [no]dev,
        [no]exec, [no]suid, [r]bind, mount propagation, idmap, …). A lone absolute path
        is an anonymous volume. Malformed entries are evaluation errors.
      '';
    };

    workdir = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/var/lib/hello_world";
      description = "The working directory of the container's process, instead of the image's.";
    };

    dependsOn = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = literalExpression ''
        {
          db = { image = "postgres"; };
          app = { image = "app"; dependsOn = [ "db" ]; };
        }
      '';
      description = ''
        Other containers (names under `virtualisation.oci-containers.containers`) this
        one needs: their services are added to this service's `after` and `requires`.
      '';
    };

    hostname = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "hello-world";
      description = "The container's host name.";
    };

    preRunExtraOptions = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "--runtime" "runsc" ];
      description = "Extra arguments for {command}`${defaultBackend}`, before `run`.";
    };

    extraOptions = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "--network=host" ];
      description = "Extra arguments for {command}`${defaultBackend} run`, before the image.";
    };

    autoStart = mkOption {
      type = types.bool;
      default = true;
      description = "Whether the container starts at boot (the service is wanted by multi-user.target); if not, start its service when needed.";
    };

    autoRemoveOnStop = mkOption {
      type = types.bool;
      default = true;
      description = "Whether the container is removed when it stops (`--rm`).";
    };

    networks = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "backend" "frontend" ];
      description = "Networks the container is attached to (`--network=`, each once).";
    };

    pull = mkOption {
      type = types.nullOr (types.enum [ "always" "missing" "never" "newer" ]);
      default = null;
      example = "newer";
      description = "When to pull the image (`--pull=`); null leaves it to the backend (which pulls missing images).";
    };

    capabilities = mkOption {
      type = types.attrsOf (types.nullOr types.bool);
      default = { };
      example = { SYS_ADMIN = true; NET_RAW = false; };
      description = "Capabilities added to (true, `--cap-add=`) or dropped from (false, `--cap-drop=`) the container; null keeps the backend's default.";
    };

    devices = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "/dev/dri:/dev/dri" ];
      description = "Host devices made available in the container (`--device=`).";
    };

    privileged = mkOption {
      type = types.bool;
      default = false;
      description = "Whether the container runs with extended privileges (`--privileged`).";
    };

    # Podman-only settings, as NixOS's `podman` submodule has them; plain nested options
    # here (a submodule per container costs a module evaluation each). With the docker
    # backend they must keep their defaults (an assertion says so).
    podman = {
      user = mkOption {
        type = types.str;
        default = "root";
        example = "alice";
        description = ''
          The user that runs podman for this container (podman backend only). Anything
          but `root` makes the container rootless: the service runs as this user
          (`User=`), with its cgroup delegated to it (`Delegate=`, `--cgroups=split`)
          and its container id file in the service's runtime directory
          (`/run/podman-<name>/ctr-id`). The user needs subordinate uid/gid ranges
          (/etc/subuid, /etc/subgid).
        '';
      };
      group = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "containers";
        description = "The group a rootless container's service runs as (`Group=`); null means the user's primary group.";
      };
      sdnotify = mkOption {
        type = types.enum [ "conmon" "healthy" "container" ];
        default = "conmon";
        description = ''
          How podman tells systemd that the service is ready (`--sdnotify=`, podman
          backend only): `conmon` when the container has started, `healthy` when its
          health check first passes, `container` when the program in the container says
          so through `NOTIFY_SOCKET`.
        '';
      };
    };
  };

  isValidLogin = login: login.username != null && login.passwordFile != null && login.registry != null;

  mkService = name: container:
    let
      isPodman = cfg.backend == "podman";
      inherit (container) podman;
      rootless = isPodman && podman.user != "root";
      escapedName = escapeShellArg name;
      # Rootless podman cannot write to /run: its container id goes in the service's
      # runtime directory, which systemd creates for the service's user.
      runtimeDirectory = "podman-${name}";
      cidFile = if rootless then "/run/${escapeShellArg runtimeDirectory}/ctr-id" else "/run/podman-${escapedName}.ctr-id";
      dependsOn = map (x: "${cfg.backend}-${x}.service") container.dependsOn;
      imageFromRegistry = container.imageFile == null && container.imageStream == null;

      preStartScript = pkgs.writeShellApplication {
        name = "pre-start";
        runtimeInputs = [ ];
        text = ''
          ${cfg.backend} rm -f ${escapedName} || true
          ${optionalString (isValidLogin container.login) ''
            # try logging in, if it fails, check if image exists locally
            ${cfg.backend} login \
            ${escapeShellArg container.login.registry} \
            --username ${escapeShellArg container.login.username} \
            --password-stdin < ${escapeShellArg container.login.passwordFile} \
            || ${cfg.backend} image inspect ${escapeShellArg container.image} >/dev/null \
            || { echo "image doesn't exist locally and login failed" >&2 ; exit 1; }
          ''}
          ${optionalString (container.imageFile != null) ''
            ${cfg.backend} load -i ${container.imageFile}
          ''}
          ${optionalString (container.imageStream != null) ''
            ${container.imageStream} | ${cfg.backend} load
          ''}
          ${optionalString isPodman ''
            rm -f ${cidFile}
          ''}
        '';
      };

      capabilityArgs = flag: wanted:
        mapAttrsToList (k: _: "--cap-${flag}=${escapeShellArg k}") (filterAttrs (_: v: v == wanted) container.capabilities);

      runArgs = [ "exec ${cfg.backend} " ]
        ++ map escapeShellArg container.preRunExtraOptions
        ++ [ "run" ]
        ++ optional container.autoRemoveOnStop "--rm"
        ++ [
          "--name=${escapedName}"
          "--log-driver=${escapeShellArg container.log-driver}"
        ]
        ++ optional (container.entrypoint != null) "--entrypoint=${escapeShellArg container.entrypoint}"
        ++ optional (container.hostname != null) "--hostname=${escapeShellArg container.hostname}"
        ++ optionals isPodman [
          "--cidfile=${cidFile}"
          (if rootless then "--cgroups=split" else "--cgroups=no-conmon")
          "--sdnotify=${podman.sdnotify}"
          "-d"
          "--replace"
        ]
        ++ mapAttrsToList (k: v: "-e ${escapeShellArg k}=${escapeShellArg v}") container.environment
        ++ map (f: "--env-file ${escapeShellArg f}") container.environmentFiles
        ++ map (p: "-p ${escapeShellArg p}") container.ports
        ++ optional (container.user != null) "-u ${escapeShellArg container.user}"
        ++ map (v: "-v ${escapeShellArg v}") container.volumes
        ++ mapAttrsToList (k: v: "-l ${escapeShellArg k}=${escapeShellArg v}") container.labels
        ++ optional (container.workdir != null) "-w ${escapeShellArg container.workdir}"
        ++ optional container.privileged "--privileged"
        ++ capabilityArgs "add" true
        ++ capabilityArgs "drop" false
        ++ map (d: "--device=${escapeShellArg d}") container.devices
        ++ map (n: "--network=${escapeShellArg n}") (lib.unique container.networks)
        ++ optional (container.pull != null) "--pull=${container.pull}"
        ++ map escapeShellArg container.extraOptions
        ++ [ (escapeShellArg container.image) ]
        ++ map escapeShellArg container.cmd;
    in
    {
      wantedBy = optional container.autoStart "multi-user.target";
      wants = optional imageFromRegistry "network-online.target";
      after = optionals (cfg.backend == "docker") [ "docker.service" "docker.socket" ]
        # Without an image file or stream, the image may come from a registry.
        ++ optional imageFromRegistry "network-online.target"
        ++ dependsOn;
      requires = dependsOn;
      environment = proxyEnv;
      path =
        if cfg.backend == "docker" then [ config.virtualisation.docker.package ]
        else [ config.virtualisation.podman.package ];

      script = concatStringsSep " \\\n " runArgs;

      preStop = if isPodman
        then "podman stop --ignore --cidfile=${cidFile}"
        else "${cfg.backend} stop ${escapedName} || true";
      postStop = if isPodman
        then "podman rm -f --ignore --cidfile=${cidFile}"
        else "${cfg.backend} rm -f ${escapedName} || true";

      # No ExecReload: containers have no common way to reload (SIGHUP to their init may
      # or may not work), so `systemctl reload` fails instead of doing something undefined.
      # A configuration can still set one on the service.
      serviceConfig = {
        ExecStartPre = [ "${preStartScript}/bin/pre-start" ];
        TimeoutStartSec = 0;
        TimeoutStopSec = 120;
        Restart = "always";
      } // optionalAttrs isPodman {
        Environment = "PODMAN_SYSTEMD_UNIT=${cfg.backend}-${name}.service";
        Type = "notify";
        NotifyAccess = "all";
      } // optionalAttrs (rootless || (isPodman && podman.sdnotify == "healthy")) {
        Delegate = true;
      } // optionalAttrs rootless ({
        User = podman.user;
        RuntimeDirectory = runtimeDirectory;
      } // optionalAttrs (podman.group != null) {
        Group = podman.group;
      });
    };

  validName = name: builtins.match "[a-zA-Z0-9][a-zA-Z0-9_.-]*" name != null;
in
{
  imports = [
    (lib.mkChangedOptionModule [ "docker-containers" ] [ "virtualisation" "oci-containers" ] (oldcfg: {
      backend = "docker";
      containers = lib.mapAttrs
        (n: v: builtins.removeAttrs (v // { extraOptions = v.extraDockerOptions or [ ]; }) [ "extraDockerOptions" ])
        oldcfg.docker-containers;
    }))
  ];

  options.virtualisation.oci-containers = {
    backend = mkOption {
      type = types.enum [ "podman" "docker" ];
      default = if lib.versionAtLeast config.system.stateVersion "22.05" then "podman" else "docker";
      defaultText = literalExpression ''if versionAtLeast config.system.stateVersion "22.05" then "podman" else "docker"'';
      description = "The container engine running the containers.";
    };

    containers = mkOption {
      type = types.attrsOf (types.submodule containerOptions);
      default = { };
      description = "OCI (docker) containers, each run by a systemd service.";
    };
  };

  config = mkIf (cfg.containers != { }) (mkMerge [
    {
      systemd.services = mapAttrs' (n: v: nameValuePair "${cfg.backend}-${n}" (mkService n v)) cfg.containers;

      assertions = lib.concatLists (mapAttrsToList
        (name: c: [
          {
            # Forcing ports and volumes here parses them (a malformed entry is an error)
            # even if nothing reads the services.
            assertion = builtins.deepSeq [ c.ports c.volumes ] (c.imageFile == null || c.imageStream == null);
            message = "virtualisation.oci-containers.containers.${name}: You can only define one of imageFile and imageStream";
          }
          {
            assertion = cfg.backend == "docker" -> c.podman.user == "root" && c.podman.group == null && c.podman.sdnotify == "conmon";
            message = "virtualisation.oci-containers.containers.${name}.podman: the podman options (user, group, sdnotify) need the podman backend, but the backend is docker.";
          }
          {
            assertion = validName name;
            message = "virtualisation.oci-containers.containers.${lib.strings.escapeNixIdentifier name}: `${name}' is not a valid container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*).";
          }
        ])
        cfg.containers);

      warnings = lib.concatLists (mapAttrsToList
        (name: c: map
          (d: "virtualisation.oci-containers.containers.${name}.dependsOn: there is no container `${d}'; the service depends on ${cfg.backend}-${d}.service.")
          (filter (d: !(cfg.containers ? ${d})) c.dependsOn))
        cfg.containers);
    }
    (mkIf (cfg.backend == "podman") {
      virtualisation.podman.enable = true;
    })
    (mkIf (cfg.backend == "docker") {
      virtualisation.docker.enable = true;
    })
  ]);
}
