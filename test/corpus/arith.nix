builtins.add 1 2
---
1 + 2 * 3 - 4
---
builtins.add 1 2.5
---
builtins.sub 10 3
---
builtins.sub 1 1.5
---
builtins.mul 6 7
---
builtins.mul 0.1 3
---
builtins.div 7 2
---
builtins.div (-7) 2
---
builtins.div 7 (-2)
---
builtins.div (-1) 2
---
builtins.div 7 2.0
---
1.0 / 3
---
builtins.div 1 0
---
builtins.div 1.0 0
---
builtins.div 1 0.0
---
builtins.div "a" 0
---
# expect-error
builtins.add 9223372036854775807 1
---
# expect-error
9223372036854775807 + 1
---
# expect-error
builtins.sub (-9223372036854775807) 2
---
# expect-error
builtins.mul 4294967296 4294967296
---
# expect-error
(-9223372036854775807 - 1) * (-1)
---
builtins.div (-9223372036854775807 - 1) (-1)
---
builtins.add 9223372036854775806 1
---
builtins.sub (-9223372036854775807) 1
---
builtins.mul 3037000499 3037000499
---
builtins.mul (-4294967296) 2147483648
---
builtins.add 9007199254740991 1
---
builtins.add 9007199254740993 (-2)
---
builtins.div 9223372036854775807 2
---
builtins.div 9223372036854775807 9223372036854775807
---
builtins.mul 9007199254740993 1.0
---
builtins.bitAnd 12 10
---
builtins.bitOr 12 10
---
builtins.bitXor 12 10
---
builtins.bitAnd (-1) 9223372036854775807
---
builtins.bitXor (-9223372036854775807 - 1) (-1)
---
builtins.bitOr 4294967296 1
---
builtins.bitAnd (-8) 1099511627788
---
builtins.bitAnd 1.0 1
---
builtins.lessThan 1 2
---
builtins.lessThan 2.5 2
---
builtins.lessThan "a" "b"
---
builtins.lessThan [ 1 2 ] [ 1 3 ]
---
builtins.lessThan (-9223372036854775807 - 1) 9223372036854775807
---
builtins.lessThan 1 "a"
---
builtins.lessThan { } { }
---
builtins.ceil 1.2
---
builtins.floor (-1.2)
---
builtins.ceil (-0.5)
---
builtins.floor 5
---
builtins.typeOf (builtins.ceil 5)
---
builtins.floor 1.0e15
---
# expect-error
builtins.floor 1.0e20
---
builtins.ceil "x"
---
builtins.add "a" 1
---
builtins.add 1.5 "a"
---
builtins.sub 1 null
---
builtins.add (throw "x") 1
---
builtins.typeOf (builtins.add 1 1.0)
---
builtins.typeOf (builtins.div 4 2)
---
[ (builtins.add 0.5 0.25) (builtins.sub 0.5 1) (builtins.mul 2 1.5) ]
---
# toString of a float is C's %f: every digit of large values, exact ties rounded to even
[ (toString 1.0e21) (toString 6.02214076e23) (toString (0.0 - 1.0e300)) (toString 9.99e20) ]
---
[ (toString 0.0078125) (toString (0.0 - 0.0078125)) (toString 0.0234375) (toString 2.5e-6) (toString 1.0000005) ]
---
"${toString 1.0e22} ${toString 0.5e-6} ${toString (0.0 - 1.0e-9)}"
---
# strtod's underflow to a subnormal is an invalid float
2.2e-308
---
1.0e-310
---
2.3e-308
---
# NaN: printed with its sign as printf does (x86-64 arithmetic makes a negative NaN), and
# never equal to itself except as the very same element of a list or set
let inf = 1.0e300 * 1.0e300; in [ (inf - inf) (0 * inf) (0 - (inf - inf)) ]
---
let nan = (1.0e300 * 1.0e300) - (1.0e300 * 1.0e300); in [ (nan == nan) (nan != nan) ([ nan ] == [ nan ]) (builtins.elem nan [ nan ]) ]
---
let nan = (1.0e300 * 1.0e300) - (1.0e300 * 1.0e300); s = { a = nan; }; in [ (s.a == s.a) ([ s.a ] == [ s.a ]) (s == s) ]
---
let nan = (1.0e300 * 1.0e300) - (1.0e300 * 1.0e300); in builtins.toXML nan
---
# current Nix (nlohmann::json) writes non-finite floats as null; Nix 2.8 wrote -nan and inf
# expect: "null"
builtins.toJSON ((1.0e300 * 1.0e300) - (1.0e300 * 1.0e300))
---
# Nix 2.8 truncated substring's start to 32 bits (this one to -1); current Nix does not
# expect: ""
builtins.substring 9223372036854775807 1 "abc"
---
# toString of a NaN shows its sign as printf does (x86-64 arithmetic makes a negative NaN)
let inf = 1.0e308 * 10; in [ (toString (inf - inf)) (toString (0.0 - (inf - inf))) (toString inf) (toString (0.0 - inf)) ]
