# stringLength, substring, concatStringsSep, replaceStrings, baseNameOf, dirOf
builtins.stringLength "héllo"
---
builtins.stringLength ""
---
builtins.stringLength 1
---
builtins.substring 1 3 "nixos"
---
builtins.substring 0 100 "nixos"
---
builtins.substring 10 2 "nixos"
---
builtins.substring 2 (-1) "nixos"
---
builtins.substring (-1) 1 "x"
---
builtins.substring 0 0 "abc"
---
builtins.substring 1 1 "é"
---
builtins.substring "a" 1 "x"
---
builtins.concatStringsSep "/" [ "usr" "local" "bin" ]
---
builtins.concatStringsSep ", " [ ]
---
builtins.concatStringsSep "-" [ "a" ]
---
builtins.concatStringsSep "" [ "a" "b" ]
---
builtins.concatStringsSep "-" [ "a" 1 ]
---
builtins.concatStringsSep "-" [ "a" { outPath = "x"; } { __toString = s: "y"; } ]
---
builtins.concatStringsSep 1 [ ]
---
builtins.replaceStrings [ "oo" "a" ] [ "a" "i" ] "foobar"
---
builtins.replaceStrings [ "" ] [ "-" ] "abc"
---
builtins.replaceStrings [ "a" "" ] [ "A" "-" ] "xay"
---
builtins.replaceStrings [ "a" "ab" ] [ "1" "2" ] "abab"
---
# Nix 2.8 forced every replacement; current Nix forces only those whose pattern matches
# expect: "abc"
builtins.replaceStrings [ "x" ] [ (throw "not forced") ] "abc"
---
builtins.replaceStrings [ "b" ] [ (throw "forced") ] "abc"
---
builtins.replaceStrings [ "a" ] [ ] "abc"
---
builtins.replaceStrings [ ] [ ] "abc"
---
builtins.replaceStrings [ "&" "<" ">" ] [ "&amp;" "&lt;" "&gt;" ] "<a & b>"
---
builtins.replaceStrings [ "aa" ] [ "a" ] "aaaaa"
---
builtins.replaceStrings [ "a" ] [ 1 ] "abc"
---
builtins.replaceStrings [ "" ] [ "X" ] ""
---
builtins.baseNameOf "/foo/bar"
---
builtins.baseNameOf "/foo/bar/"
---
builtins.baseNameOf "foo"
---
builtins.baseNameOf "/"
---
builtins.baseNameOf ""
---
builtins.baseNameOf "//a//"
---
baseNameOf /foo/bar.nix
---
builtins.baseNameOf [ ]
---
builtins.dirOf "/foo/bar"
---
builtins.dirOf "foo"
---
builtins.dirOf "/foo"
---
builtins.dirOf "/foo/bar/"
---
builtins.dirOf "a//b"
---
dirOf /foo/bar
---
dirOf /.
---
builtins.typeOf (dirOf /foo/bar)
---
builtins.dirOf 1
