# nixling lib — filesystem queries at evaluation time (file types, recursive
# listings, locating a file in parent directories).
{ lib }:

let
  b = builtins;

  # Type of a path: "regular", "directory", "symlink" or "unknown".
  fileType =
    if b ? readFileType then b.readFileType
    else path:
      if !b.pathExists path then
        throw "lib.filesystem.pathType: Path ${toString path} does not exist."
      else
        # Normalised first (a path value has no `.` or `..`), so that the last component
        # is a real entry of its parent's listing.
        let p = /. + "/${toString path}"; in
        if toString p == "/" then "directory" else (b.readDir (dirOf p)).${baseNameOf p};
in
{
  inherit (b) baseNameOf dirOf isPath readDir hashFile;
  readFileType = fileType;
  pathType = fileType;
  pathIsDirectory = path: b.pathExists path && fileType path == "directory";
  pathIsRegularFile = path: b.pathExists path && fileType path == "regular";

  listFilesRecursive = dir:
    lib.lists.flatten (lib.attrsets.mapAttrsToList (name: type:
      if type == "directory" then lib.filesystem.listFilesRecursive (dir + "/${name}")
      else dir + "/${name}") (b.readDir dir));

  locateDominatingFile = pattern: file:
    let
      search = dir:
        let
          found = b.filter (m: m != null) (map (b.match pattern) (b.attrNames (b.readDir dir)));
        in
        if found != [ ] then { path = dir; matches = found; }
        else if toString dir == "/" then null
        else search (dirOf dir);
      parent = dirOf file;
      startsAtDir = toString file == "/" || ((b.readDir parent).${baseNameOf file} or null) == "directory";
    in
    search (if startsAtDir then file else parent);

  # A directory stands for its default.nix; so does a string ending in "/".
  resolveDefaultNix = v:
    if lib.filesystem.pathIsDirectory v then v + "/default.nix"
    else if b.isString v && lib.strings.hasSuffix "/" v then v + "default.nix"
    else v;
}
