# toJSON and fromJSON
builtins.toJSON { b = 1; a = [ true false null ]; c = "x"; }
---
builtins.toJSON "quote \" backslash \\ newline \n tab \t cr \r"
---
builtins.toJSON "\u0001 é ✓"
---
# current Nix prints floats as nlohmann::json does (Nix 2.8 used %g)
# expect: "[1.5,0.1,1e+21,123456789012.0,1e-05,0.0001,-2.0,100.0]"
builtins.toJSON [ 1.5 0.1 1.0e21 123456789012.0 1.0e-5 0.0001 (-2.0) 100.0 ]
---
# expect: "1.0"
builtins.toJSON 1.0
---
builtins.toJSON 3.0e15
---
builtins.toJSON 1.0e16
---
builtins.toJSON (-9223372036854775807 - 1)
---
builtins.toJSON { outPath = "/nix/store/x"; foo = 1; }
---
builtins.toJSON { __toString = self: "str"; }
---
builtins.toJSON { outPath = { a = 1; }; }
---
builtins.toJSON { a = { __toString = self: 42; }; }
---
builtins.toJSON (x: x)
---
builtins.toJSON { f = builtins.map; }
---
builtins.toJSON { a = throw "hah"; }
---
builtins.toJSON { }
---
builtins.toJSON [ [ ] { } "" ]
---
builtins.toJSON { "a b" = 1; "\n" = 2; }
---
builtins.fromJSON ''{"x": [1, 2, 3], "y": null}''
---
builtins.fromJSON ''[1, -0, 1.0, 1e2, -1.5E-3, 9223372036854775807, -9223372036854775808]''
---
builtins.fromJSON "-9223372036854775809"
---
# current Nix: unsigned json number 18446744073709551615 outside of Nix integer range
# expect-error
builtins.fromJSON "18446744073709551615"
---
builtins.fromJSON "18446744073709551616"
---
builtins.fromJSON ''"\u00e9\ud83d\ude00 \" \\ \/ \b\f\n\r\t"''
---
builtins.fromJSON ''{"a": 1, "a": 2}''
---
builtins.fromJSON "  true  "
---
builtins.fromJSON ""
---
builtins.fromJSON "[1,]"
---
builtins.fromJSON "01"
---
builtins.fromJSON "1."
---
builtins.fromJSON "{\"a\" 1}"
---
builtins.fromJSON "[1] x"
---
builtins.fromJSON "\"\\ud800\""
---
# current Nix rejects strings with NUL bytes
# expect-error
builtins.fromJSON "\"a\\u0000b\""
---
builtins.fromJSON "1e400"
---
builtins.fromJSON "nul"
---
builtins.fromJSON (builtins.toJSON { a = [ 1 "x" { b = null; } ]; c = 2.5; })
---
# json
# expect: {"nested":{"list":[1,2.5,"s",false]}}
builtins.fromJSON ''{"nested": {"list": [1, 2.5, "s", false]}}''
---
# json
# expect: {"a":1,"b":["x",null]}
{ a = 1; b = [ "x" null ]; }
