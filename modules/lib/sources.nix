# nixling lib.sources — adding local source trees to the store with filters
# (cleanSource, cleanSourceWith, sourceByRegex, …), reading the commit of a Git
# checkout without Git, and naming sources fetched from repositories.
#
# A filtered source is the attrset
#   { _isLibCleanSourceWith = true; origSrc; filter; name; outPath; }
# where `origSrc` is the unfiltered path, `filter` the predicate `builtins.path` calls
# with each path string below it and its type, and `outPath` the store path. Filtering
# a filtered source again combines the filters, so the store path is computed from the
# original path in one go. lib.fileset.toSource returns the same shape.
{ lib }:
let
  inherit (builtins) match split filter isString isList length elemAt head any
    stringLength substring;
  inherit (lib.strings) hasPrefix hasSuffix removePrefix removeSuffix escapeRegex
    fileContents;

  # ---- filtered sources ------------------------------------------------------------

  isFiltered = src: src ? _isLibCleanSourceWith;

  # Any source (a path, a string, a filtered source) as origin, filter and name.
  describe = src:
    if isFiltered src then { inherit (src) origSrc filter name; }
    else { origSrc = src; filter = _: _: true; name = "source"; };

  # The filtered source of a description.
  filtered = { origSrc, filter, name }: {
    _isLibCleanSourceWith = true;
    inherit origSrc filter name;
    outPath = builtins.path { path = origSrc; inherit filter name; };
  };

  cleanSourceWith = { src, filter ? _: _: true, name ? null }:
    let d = describe src; in
    filtered {
      inherit (d) origSrc;
      # The new filter first: the old one is only asked about what it lets through.
      filter = path: type: filter path type && d.filter path type;
      name = if name == null then d.name else name;
    };

  # Version control metadata, editor backups and swap files, object files, result
  # links of nix-build and files the store cannot hold.
  vcsDirectories = [ ".svn" "CVS" ".hg" ".jj" ".pijul" "_darcs" ];

  cleanSourceFilter = name: type:
    let base = baseNameOf name; in
    !(base == ".git"
      || type == "directory" && builtins.elem base vcsDirectories
      || hasSuffix "~" base
      || match "^\\.sw[a-z]$" base != null
      || match "^\\..*\\.sw[a-z]$" base != null
      || hasSuffix ".o" base
      || hasSuffix ".so" base
      || type == "symlink" && hasPrefix "result" base
      || type == "unknown");

  cleanSource = src: cleanSourceWith { inherit src; filter = cleanSourceFilter; };

  # ---- git checkouts -----------------------------------------------------------------

  # A path string made absolute against `base` (the directory holding the reference).
  againstDir = base: p:
    if hasPrefix "/" p then p
    else if hasPrefix "/" base then "${base}/${p}"
    else "/${base}/${p}";

  # { value = commit; } or { error = message; } for the reference `ref` (a file name
  # below `dir`: "HEAD", "refs/heads/main", …) of the Git directory `dir`. `dir` may
  # also be the `.git` file of a worktree, which names the real directory.
  resolveRef = ref: dir:
    let
      refFile = dir + "/${ref}";
      packed = dir + "/packed-refs";
      isFile = lib.filesystem.pathIsRegularFile;
    in
    if isFile dir then
      let gitdirLine = match "^gitdir: (.*)$" (fileContents dir); in
      if gitdirLine == null then { error = "File contains no gitdir reference: " + dir; }
      else
        let
          gitDir = againstDir (dirOf dir) (head gitdirLine);
          common =
            let
              named = if isFile "${gitDir}/commondir" then fileContents "${gitDir}/commondir" else gitDir;
            in
            againstDir gitDir (removeSuffix "/" named);
        in
        resolveRef (removePrefix "${common}/" "${gitDir}/${ref}") common
    else if isFile refFile then
      let
        content = fileContents refFile;
        symbolic = match "^ref: (.*)$" content;
      in
      if symbolic == null then { value = content; } else resolveRef (head symbolic) dir
    else if isFile packed then
      let
        entry = match "([a-z0-9]+) ${ref}";
        # Line by line: one regular expression over the whole file can overflow the
        # stack of some regex engines.
        lines = filter (l: isString l && entry l != null) (split "\n" (builtins.readFile packed));
      in
      if lines == [ ] then { error = "Could not find " + ref + " in " + packed; }
      else { value = head (entry (head lines)); }
    else
      { error = "Not a .git directory: " + toString dir; };

  commitOf = resolveRef "HEAD";

  # ---- names of fetched sources ------------------------------------------------------

  # The last segment of a URL or path without archive or ".git" extensions.
  urlToName = url:
    let
      segment = baseNameOf (removeSuffix "/" (lib.lists.last (lib.strings.splitString ":" (toString url))));
      dropExtension = s:
        let m = match "(.*)\\.(git|tar|zip|gz|tgz|bz|tbz|bz2|tbz2|lzma|txz|xz|zstd)$" s; in
        if m == null then s else head m;
      # Repeat while it gets shorter ("x.tar.gz" -> "x.tar" -> "x").
      strip = s:
        let s' = dropExtension s; in
        if stringLength s' < stringLength s then strip s' else s;
    in
    strip segment;

  # "refs/tags/v12.0" -> "12.0"; a commit hash -> its first 7 characters.
  shortRev = rev:
    let
      last = baseNameOf (toString rev);
      version = match "([A-Za-z]+[-_. ]?)*(v)?([0-9.]+.*)" last;
    in
    if match "[a-f0-9]+" last != null then substring 0 7 last
    else if version != null then lib.lists.last version
    else last;

  revOrTag = rev: tag:
    if tag != null then tag else if rev != null then rev else "HEAD";

  fullName = repo: rev: suffix:
    urlToName repo
    + (if rev == null then "" else "-${shortRev rev}")
    + (if suffix == null then "" else "-${suffix}")
    + "-source";

  repoRevToName = kind:
    if kind == "source" then (_: _: _: "source")
    else if kind == "versioned" then (repo: rev: _: fullName repo rev null)
    else if kind == "full" then fullName
    else throw "repoRevToName: invalid kind";

  # ---- globs -------------------------------------------------------------------------

  segments = p: filter isString (split "/" p);

  # A glob segment as a regular expression: runs of `*` match within one segment;
  # "**" stands for any number of segments and is handled by the matcher.
  segmentRegex = g:
    if g == "**" then ".*"
    else lib.strings.concatMapStrings (t: if isList t then "[^/]*" else escapeRegex t) (split "\\*+" g);

  globMatcher = pattern:
    let
      globs = map segmentRegex (segments pattern);
      n = length globs;
    in
    path: type:
    let
      parts = segments path;
      m = length parts;
      fits = g: p: match g p != null;
      # Glob `i` against path segment `j`; directories may match a prefix of the
      # pattern (their contents might match the rest). "**" looks one glob ahead and
      # takes the first way that fits, without backtracking.
      go = i: j:
        if j >= m then i >= n || type == "directory" || type == "symlink"
        else if i >= n then false
        else if elemAt globs i == ".*" then
          (if i + 1 == n then true
           else if fits (elemAt globs (i + 1)) (elemAt parts j) then go (i + 1) j
           else if fits ".*" (elemAt parts j) then go i (j + 1)
           else false)
        else fits (elemAt globs i) (elemAt parts j) && go (i + 1) (j + 1);
    in
    go 0 0;

  sourceByGlobs = src: patterns:
    let
      prefix = "${toString src}/";
      matchers = map globMatcher patterns;
    in
    cleanSourceWith {
      inherit src;
      filter = name: type: let rel = removePrefix prefix name; in any (f: f rel type) matchers;
    };

  pathHasContext = builtins.hasContext or (hasPrefix builtins.storeDir);
in
{
  inherit cleanSourceFilter cleanSource cleanSourceWith pathHasContext urlToName shortRev
    revOrTag repoRevToName sourceByGlobs;
  inherit (builtins) filterSource;

  # The same source, tracing every filter decision ("<name>.filter <path> = <bool>").
  trace = src:
    let d = describe src; in
    filtered (d // {
      filter = path: type:
        let keep = d.filter path type; in
        builtins.trace "${d.name}.filter ${path} = ${lib.trivial.boolToString keep}" keep;
    })
    // { satisfiesSubpathInvariant = src ? satisfiesSubpathInvariant && src.satisfiesSubpathInvariant; };

  # Keeps the paths whose location relative to the source matches one of `regexes`
  # (directories too: a directory left out hides everything in it).
  sourceByRegex = src: regexes:
    let
      prefix = toString (describe src).origSrc + "/";
    in
    cleanSourceWith {
      inherit src;
      filter = path: type:
        let rel = removePrefix prefix (toString path); in
        any (re: match re rel != null) regexes;
    };

  # Keeps the directories and the files whose names end with one of `exts`.
  sourceFilesBySuffices = src: exts:
    cleanSourceWith {
      inherit src;
      filter = name: type:
        type == "directory" || any (ext: hasSuffix ext (baseNameOf name)) exts;
    };

  pathIsGitRepo = path: commitOf path ? value;

  commitIdFromGitRepo = path:
    let r = commitOf path; in
    r.value or (throw r.error);

  canCleanSource = src: isFiltered src || !(pathHasContext (toString src));
}
