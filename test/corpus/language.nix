# Syntax forms and evaluator semantics: literals, operators, scoping, laziness.
1
---
-1
---
1.5
---
.5
---
1e3
---
1.
---
"a\nb\t\"c\"\\d\${e}"
---
''
  indented
    more
  back
''
---
''a''$b'''c''\nd''
---
"x${toString 1}y${"z"}"
---
let x = "in"; in ''out ${x} ''${x}''
---
[ 1 "a" null true false [ ] { } ]
---
{ a = 1; "b c" = 2; ${"d"} = 3; }
---
{ a.b.c = 1; a.b.d = 2; a.e = 3; }
---
{ a = { b = 1; }; a.c = 2; }
---
rec { a = 1; b = a + 1; c = b * 2; }
---
let a = 1; b = a + 1; in { inherit a b; }
---
let s = { x = 1; y = 2; }; in { inherit (s) x y; }
---
let { x = 1; body = x + 1; }
---
with { a = 1; }; with { a = 2; b = 3; }; [ a b ]
---
let a = 1; in with { a = 2; }; a
---
with { map = 1; }; map (x: x) [ 1 ]
---
({ a, b ? a * 10, ... }: a + b) { a = 1; c = 5; }
---
(args@{ a, ... }: args.c or 0 + a) { a = 1; c = 5; }
---
({ a, ... }@args: builtins.attrNames args) { a = 1; z = 2; }
---
(x: y: x - y) 10 3
---
let f = x: { inherit x; }; in (f 1).x
---
if 1 < 2 then "yes" else "no"
---
1 + 2 * 3 - 4 / 2
---
[ (2 > 1) (2 >= 2) (1 <= 0) (1 == 1.0) ("a" < "b") ([ 1 2 ] < [ 1 3 ]) ]
---
[ (true && false) (true || false) (false -> true) (!true) ]
---
{ a = 1; } // { b = 2; } // { a = 3; }
---
[ 1 ] ++ [ 2 3 ] ++ [ ]
---
{ a.b = 1; } ? a.b
---
{ a = 1; } ? b
---
{ a = { b = 1; }; }.a.b
---
{ a = 1; }.b or "default"
---
(1).a or 2
---
let or = 1; in or
---
{ x = 1; }.x or (throw "no")
---
builtins.attrNames __curPos
---
builtins.length [ (throw "lazy") 2 ]
---
let x = throw "unused"; in 1
---
(rec { a = b; b = 1; }).a
---
let xs = [ 1 2 3 ]; in builtins.elemAt xs 1
---
./a/../b == ./b
---
builtins.typeOf ./x
---
toString ./foo/bar
---
"a" + "b"
---
1 + 1.5
---
[ (5 / 2) (-5 / 2) (5.0 / 2) ]
---
builtins.toString [ 1 "a" [ ] null true false 1.5 ]
---
let f = { a ? 1 }: a; in f { }
---
builtins.functionArgs ({ a, b ? 1 }: a)
---
(x: x) == (x: x)
---
let f = x: x; in [ f ] == [ f ]
---
let f = x: x; in f == f
---
{ a = 1; b = 2; } == { b = 2; a = 1; }
---
[ 1 2 ] == [ 1 2 ]
---
"abc" == "abc"
---
null == null
---
{ __toString = self: "str"; } + "!"
---
"${{ outPath = "/out"; }}"
---
let s = { __functor = self: x: x + self.n; n = 10; }; in s 5
---
builtins.tryEval (throw "x")
---
builtins.tryEval (assert false; 1)
---
builtins.tryEval 1
---
let fix = f: let x = f x; in x; in (fix (self: { a = 1; b = self.a + 1; })).b
---
builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 1000)
---
let inherit (builtins) map; in map (x: x * x) [ 1 2 3 ]
---
rec { inherit (x) y; x = { y = 1; }; }.y
---
(rec { a = 1; __overrides = { a = 2; }; b = a; }).b
---
{ "${"a"}" = 1; }.a
---
{ ${null} = 1; b = 2; }
---
let a = "x"; in { ${a} = 1; }.x
---
builtins.attrNames { z = 1; a = 2; m = 3; B = 4; }
---
builtins.seq (throw "forced") 1
# expect-error
---
1 + "a"
# expect-error
---
"a" + 1
# expect-error
---
undefinedVariable
# expect-error
---
{ a = 1; }.b
# expect-error
---
assert 1 == 2; 1
# expect-error
---
let x = x; in x
# expect-error
---
({ a }: a) { b = 1; }
# expect-error
---
({ a }: a) { }
# expect-error
---
1 / 0
# expect-error
---
9223372036854775807 + 1
# expect-error
---
if 1 then 2 else 3
# expect-error
---
abort "stop"
# expect-error
---
builtins.tryEval (abort "not caught")
# expect-error
---
"${1}"
# expect-error
---
{ a = 1; a = 2; }
# expect-error
---
./x + "${builtins.toFile "f" "c"}"
# expect-error
---
9223372036854775807
---
-9223372036854775807 - 1
---
4611686018427387904 * 2 - 1 + 4611686018427387904 * 2
# expect-error
---
[ 9007199254740993 (9007199254740993 + 2) (9007199254740993 * 3) ]
---
builtins.div 9223372036854775807 2
---
1.0e300 * 1.0e10
---
[ 0.1 (0.1 + 0.2) 1.0e-5 123456789.0 1.5e-7 100000.0 1000000.0 ]
---
# a path's literal pieces come only around an interpolation: /a//b is a syntax error
/a//b
---
./a//b
---
/a//${"b"}
---
# every set made by removeAttrs, intersectAttrs or // (of two non-empty sets) is new, so
# --eval does not show it as «repeated»
let s = { a = 1; }; in [ s (removeAttrs s [ ]) (builtins.intersectAttrs s s) (s // s) ]
---
let s = { a = 1; }; t = { a = 2; b = 1; }; in [ t (s // t) (s // { }) ]
---
# Nix 2.8 quoted no keyword but `if` in attribute names and escaped every `$`; current Nix
# quotes every keyword and escapes `${` only
# expect: { "$" = 1; "a$b" = 2; "if" = 3; "let" = 4; "rec" = 5; }
{ "$" = 1; "a$b" = 2; "if" = 3; "let" = 4; "rec" = 5; }
---
# import follows a symbolic link to the file (Nix's resolveExprPath), so the paths in it are
# relative to the directory it really is in
import ./import/link.nix
---
# Nix remembers a list of three or more elements by its element array, which copies of the
# list share: a second sight of it is Â«repeatedÂ» however it was reached
let l = [ 1 2 3 ]; s = { a = l; }; in [ s.a l (builtins.head [ l ]) ]
---
let l = [ 1 2 3 ]; f = x: x; in [ (f l) (f l) (l ++ [ ]) (builtins.filter (x: true) l) ]
---
let l = [ 1 2 3 ]; in builtins.map (x: l) [ 1 2 ]
---
let l = [ [ 1 2 3 ] ]; in [ (builtins.head l) (builtins.head l) (builtins.map (x: x) (builtins.head l)) ]
---
# a list of one or two elements lives in the value cell: a copy of the cell is a new list
let l = [ 1 ]; m = [ 1 2 ]; s = { a = l; b = m; }; in [ s.a l (builtins.head [ l ]) s.b m (builtins.head [ m ]) ]
