builtins.attrNames { b = 1; a = 2; B = 3; "a b" = 4; _x = 5; "1" = 6; }
---
builtins.attrNames { }
---
builtins.attrValues { b = 1; a = 2; c = 3; }
---
builtins.length (builtins.attrValues { a = throw "x"; })
---
builtins.attrNames { a = throw "x"; }
---
builtins.attrNames 1
---
builtins.getAttr "a" { a = 1; }
---
builtins.getAttr "b" { a = 1; }
---
builtins.getAttr "a" 1
---
builtins.getAttr "a b" { "a b" = 1; }
---
builtins.getAttr "a" { a = throw "boom"; }
---
builtins.hasAttr "a" { a = throw "x"; }
---
builtins.hasAttr "b" { }
---
builtins.hasAttr 1 { }
---
builtins.removeAttrs { a = 1; b = 2; c = 3; } [ "a" "c" "z" ]
---
removeAttrs { a = 1; } [ ]
---
removeAttrs { a = 1; b = 2; } [ "a" "a" ]
---
removeAttrs { a = 1; } [ 1 ]
---
removeAttrs { a = throw "x"; b = 1; } [ "a" ]
---
removeAttrs [ ] [ "a" ]
---
builtins.listToAttrs [ { name = "a"; value = 1; } { name = "b"; value = 2; } { name = "a"; value = 3; } ]
---
builtins.attrNames (builtins.listToAttrs [ { name = "a"; value = throw "x"; } ])
---
builtins.listToAttrs [ { value = 1; } ]
---
builtins.listToAttrs [ { name = "a"; } ]
---
builtins.listToAttrs [ { name = "a"; value = 1; } { name = "a"; } ]
---
builtins.listToAttrs [ { name = 1; value = 1; } ]
---
builtins.listToAttrs [ ]
---
builtins.listToAttrs [ 1 ]
---
builtins.listToAttrs [ { name = "x${"y"}"; value = 1; extra = throw "no"; } ]
---
builtins.attrNames (builtins.listToAttrs (builtins.genList (i: { name = "k${toString i}"; value = i; }) 20))
---
(builtins.listToAttrs (builtins.genList (i: { name = "k${toString (i - i / 10 * 10)}"; value = i; }) 100)).k7
---
builtins.intersectAttrs { a = 1; b = 2; } { b = 3; c = 4; }
---
builtins.intersectAttrs { } { a = 1; }
---
builtins.intersectAttrs { a = 1; b = 2; c = 3; d = 4; } { b = 20; d = 40; }
---
builtins.intersectAttrs { a = throw "x"; } { a = 1; }
---
builtins.catAttrs "a" [ { a = 1; } { b = 2; } { a = 3; } ]
---
builtins.catAttrs "a" [ 1 ]
---
builtins.length (builtins.catAttrs "a" [ { a = throw "x"; } ])
---
builtins.mapAttrs (n: v: n + toString v) { a = 1; b = 2; }
---
builtins.attrNames (builtins.mapAttrs (throw "x") { a = 1; })
---
builtins.mapAttrs (throw "x") { }
---
builtins.mapAttrs (n: v: v * 2) 1
---
builtins.attrValues (builtins.mapAttrs (n: v: n) { z = 1; a = 2; })
---
builtins.mapAttrs (n: v: throw "x") { a = 1; }
---
builtins.zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]
---
builtins.zipAttrsWith (n: vs: n) [ ]
---
builtins.zipAttrsWith (n: vs: builtins.length vs) [ { a = throw "x"; } { a = 1; } ]
---
builtins.zipAttrsWith (n: vs: n) [ 1 ]
---
builtins.attrNames (builtins.zipAttrsWith (n: vs: throw "x") [ { b = 1; } { a = 1; } ])
---
builtins.isAttrs (builtins.zipAttrsWith (n: vs: vs) [ ])
