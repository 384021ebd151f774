# builtins.toXML
builtins.toXML 1
---
builtins.toXML "a \"q\" <b> & c\nd"
---
builtins.toXML [ true false null 1.5 ]
---
builtins.toXML { b = 1; a = "x"; }
---
builtins.toXML { }
---
builtins.toXML [ ]
---
builtins.toXML (x: x)
---
builtins.toXML ({ a, b ? 1, ... }: a)
---
builtins.toXML (args@{ z, a }: a)
---
builtins.toXML builtins.map
---
builtins.toXML (builtins.map (x: x))
---
builtins.toXML /foo/bar
---
builtins.toXML 123.456
---
builtins.toXML 1.0e30
---
builtins.toXML (-5)
---
builtins.toXML { type = "derivation"; drvPath = "/nix/store/x.drv"; outPath = "/nix/store/x"; name = "x"; }
---
let d = { type = "derivation"; drvPath = "/nix/store/x.drv"; outPath = "/nix/store/x"; name = "x"; }; in builtins.toXML [ d d ]
---
builtins.toXML { type = "derivation"; name = "no-paths"; }
---
builtins.toXML { a.b.c = [ 1 { d = "e"; } ]; }
---
builtins.toXML { "weird name" = "'apos'"; }
---
builtins.toXML (throw "boom")
---
builtins.toXML { a = throw "inner"; }
---
builtins.toXML "é ✓"
---
builtins.toXML [ [ [ ] ] ]
---
builtins.stringLength (builtins.toXML null)
