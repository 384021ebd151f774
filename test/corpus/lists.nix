builtins.length [ (throw "x") ]
---
builtins.length [ ]
---
builtins.head [ 1 (throw "x") ]
---
builtins.head [ ]
---
builtins.head 1
---
builtins.tail [ 1 2 3 ]
---
builtins.tail [ ]
---
builtins.length (builtins.tail [ (throw "a") (throw "b") ])
---
builtins.elemAt [ 1 2 3 ] 1
---
builtins.elemAt [ 1 2 ] 2
---
builtins.elemAt [ 1 2 ] (-1)
---
builtins.elemAt [ (throw "a") 2 ] 1
---
builtins.elemAt [ 1 ] "0"
---
map (x: x * 2) [ 1 2 3 ]
---
builtins.length (map (x: throw "no") [ 1 2 ])
---
map (throw "x") [ ]
---
map 1 [ 1 ]
---
map (x: x) [ (throw "x") ]
---
builtins.filter (x: x > 1) [ 1 2 3 ]
---
builtins.filter (x: 1) [ 1 ]
---
# expect: [ ]
builtins.filter (throw "x") [ ]
---
builtins.filter (x: true) [ 1 2 ]
---
builtins.elem 2 [ 1 2.0 ]
---
builtins.elem { a = 1; } [ { a = 1; } ]
---
builtins.elem 3 [ 1 2 ]
---
builtins.elem (x: x) [ (x: x) ]
---
builtins.elem 1 [ 1 (throw "x") ]
---
builtins.foldl' (a: b: a + b) 0 [ 1 2 3 ]
---
builtins.foldl' (a: b: a - b) 100 [ 1 2 3 ]
---
builtins.foldl' (a: b: b) (throw "x") [ 1 ]
---
builtins.foldl' (a: b: b) 0 [ (throw "x") 2 ]
---
builtins.foldl' (a: b: a ++ [ b ]) [ ] [ 1 2 3 ]
---
builtins.foldl' (a: b: a) 0 [ ]
---
builtins.foldl' (a: b: a) (throw "x") [ ]
---
builtins.foldl' (a: b: if b == 2 then throw "two" else a) 0 [ 1 2 3 ]
---
builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 10000)
---
builtins.concatLists [ [ 1 ] [ ] [ 2 3 ] ]
---
builtins.concatLists [ ]
---
builtins.concatLists [ 1 ]
---
builtins.length (builtins.concatLists [ [ (throw "a") ] [ (throw "b") ] ])
---
builtins.concatMap (x: [ x x ]) [ 1 2 ]
---
builtins.concatMap (x: x) [ 1 ]
---
builtins.genList (x: x * x) 5
---
builtins.genList (x: x) 0
---
builtins.genList (x: x) (-1)
---
builtins.length (builtins.genList (x: throw "x") 3)
---
# expect-error
builtins.genList (throw "x") 0
---
builtins.sort builtins.lessThan [ 3 1 2 ]
---
builtins.sort (a: b: a > b) [ 1 3 2 ]
---
map (x: x.v) (builtins.sort (a: b: a.k < b.k) [ { k = 1; v = "a"; } { k = 0; v = "b"; } { k = 1; v = "c"; } { k = 0; v = "d"; } { k = 2; v = "e"; } { k = 0; v = "f"; } ])
---
builtins.sort builtins.lessThan [ "b" "a" "B" "" ]
---
builtins.sort builtins.lessThan [ [ 1 2 ] [ 1 ] [ 0 5 ] [ ] ]
---
builtins.sort builtins.lessThan [ 2 1.5 (-1) ]
---
# expect: [ ]
builtins.sort (throw "x") [ ]
---
builtins.sort builtins.lessThan [ 1 "a" ]
---
builtins.sort (a: b: 1) [ 1 2 ]
---
builtins.sort (a: b: a < b) (builtins.genList (i: i * 7919 - (i * 7919) / 1013 * 1013) 200)
---
map (x: x.i) (builtins.sort (a: b: a.k < b.k) (builtins.genList (i: { i = i; k = i - i / 3 * 3; }) 40))
---
builtins.any (x: x > 2) [ 1 3 (throw "x") ]
---
builtins.all (x: x > 2) [ 3 1 (throw "x") ]
---
builtins.any (x: x) [ ]
---
builtins.all (x: x) [ ]
---
builtins.any (x: 1) [ 1 ]
---
builtins.partition (x: x > 2) [ 1 3 2 4 ]
---
builtins.partition (x: true) [ ]
---
(builtins.partition (x: true) [ (throw "x") ]).wrong
---
builtins.groupBy (x: if x > 2 then "big" else "small") [ 1 3 2 4 ]
---
builtins.groupBy (x: 1) [ 1 ]
---
builtins.groupBy (x: x.n) [ { n = "b"; v = 1; } { n = "a"; v = 2; } { n = "b"; v = 3; } ]
---
builtins.head (builtins.tail (map (x: x + 1) [ 1 2 ]))
---
builtins.length 1
---
[ (builtins.isList [ ]) (builtins.isList { }) ]
---
# sort is libstdc++'s std::stable_sort step by step: the same result (and the same calls,
# so the same traces) for comparators that are not strict weak orders
builtins.sort (a: b: a - b * 3 > 2) (builtins.genList (i: i * 7919 - (i * 7919) / 101 * 101) 50)
---
builtins.sort (a: b: a - b * 3 > 2) (builtins.genList (i: i * 7919 - (i * 7919) / 101 * 101) 999)
---
map (x: x.v) (builtins.sort (a: b: a.k <= b.k) (builtins.genList (i: { k = i - i / 3 * 3; v = i; }) 23))
---
builtins.sort (a: b: true) (builtins.genList (x: x) 15)
---
let nan = (1.0e300 * 1.0e300) - (1.0e300 * 1.0e300); in builtins.sort builtins.lessThan [ 3 nan 1 2 ]
---
# the sorted list holds the very same values: a function in it is elem of itself
let f = x: x; in builtins.elem f (builtins.sort (a: b: false) [ 1 f ])
---
# elem compares by identity first, as Nix compares the value pointers
let f = x: x; in builtins.elem f [ 1 f ]
---
let f = x: x; g = f; in builtins.elem f (builtins.attrValues { a = g; })
---
builtins.elem builtins.map [ builtins.map ]
---
let f = x: x; in builtins.elem ((y: y) f) [ f ]
---
# genericClosure: keys are the same when neither is less than the other (Nix keeps them in a
# std::set ordered by <), so a NaN key matches any number
builtins.genericClosure { startSet = [ { key = 3; } { key = 1.0; } ]; operator = x: if x.key > 0 then [ { key = x.key - 1; } ] else [ ]; }
---
let nan = (1.0e300 * 1.0e300) - (1.0e300 * 1.0e300); in map (x: x.key) (builtins.genericClosure { startSet = [ { key = 1.0; } { key = nan; } { key = 2; } ]; operator = x: [ ]; })
---
builtins.genericClosure { startSet = [ { key = [ 1 "a" ]; } { key = [ 1.0 "a" ]; } ]; operator = x: [ ]; }
---
builtins.genericClosure { startSet = [ { key = 1; } { key = "a"; } ]; operator = x: [ ]; }
