map builtins.typeOf [ null true 1 1.5 "s" ./. [ ] { } (x: x) builtins.add (builtins.add 1) ]
---
builtins.typeOf 9223372036854775807
---
builtins.typeOf { __functor = self: x: x; }
---
builtins.typeOf "${"a"}b"
---
builtins.typeOf (throw "x")
---
builtins.typeOf { a = throw "x"; }
---
builtins.typeOf [ (throw "x") ]
---
isNull null
---
isNull 0
---
builtins.isNull (throw "x")
---
builtins.isAttrs { }
---
builtins.isAttrs [ ]
---
builtins.isBool false
---
builtins.isBool null
---
builtins.isBool (1 == 1)
---
builtins.isFloat 1.0
---
builtins.isFloat 1
---
builtins.isFloat (1 / 2.0)
---
builtins.isFunction (x: x)
---
builtins.isFunction builtins.map
---
builtins.isFunction (builtins.map (x: x))
---
builtins.isFunction { __functor = self: x: x; }
---
builtins.isFunction { }
---
builtins.isInt 1
---
builtins.isInt (-9223372036854775807 - 1)
---
builtins.isInt 1.0
---
builtins.isInt "1"
---
builtins.isList [ (throw "x") ]
---
builtins.isList { }
---
builtins.isPath ./.
---
builtins.isPath "/tmp"
---
builtins.isPath /tmp
---
builtins.isString "x"
---
builtins.isString ''
  x
''
---
builtins.isString ./.
---
builtins.isString (toString 1)
---
builtins.isString null
---
builtins.isInt (throw "boom")
---
[ (builtins.isAttrs (builtins.listToAttrs [ ])) (builtins.isList (builtins.attrNames { })) ]
---
let f = { a ? 1 }: a; in [ (builtins.isFunction f) (builtins.typeOf f) ]
