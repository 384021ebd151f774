# builtins.fromTOML (TOML 1.0 as toml11 parses it)
builtins.fromTOML ''
  x = 1
  s = "a"
  [table]
  y = 2
''
---
builtins.fromTOML ''
  int1 = +99
  int2 = -17
  int3 = 1_000
  hex = 0xdead_beef
  oct = 0o755
  bin = 0b1101
''
---
builtins.fromTOML ''
  f1 = +1.0
  f2 = -0.01
  f3 = 5e+22
  f4 = 6.626e-34
  f5 = 9_224_617.445_991
  f6 = 1e6
''
---
builtins.fromTOML "a = inf\nb = -inf\nc = nan"
---
builtins.fromTOML ''
  a = "tab\there \"q\" \u00e9 \U0001F600"
  b = 'C:\Users\nodejs'
  c = """
  line1
  line2"""
  d = """one \
      two"""
  e = \'\'\'
  raw \n text\'\'\'
  f = """a""b"""""
''
---
builtins.fromTOML ''
  a.b.c = 1
  a.b.d = 2
  "quoted key" = true
  'lit.key' = false
  site."google.com" = true
''
---
builtins.fromTOML ''
  arr = [ 1, 2, 3, ]
  nested = [ [ 1, 2 ], [ "a", "b" ] ]
  multi = [
    1, # comment
    2
  ]
  empty = []
''
---
builtins.fromTOML ''
  point = { x = 1, y = 2 }
  animal = { type.name = "pug" }
  empty = {}
''
---
builtins.fromTOML ''
  [[products]]
  name = "Hammer"
  [[products]]
  [[products]]
  name = "Nail"
''
---
builtins.fromTOML ''
  [[fruit]]
  name = "apple"
  [fruit.physical]
  color = "red"
  [[fruit.variety]]
  name = "red delicious"
  [[fruit]]
  name = "banana"
''
---
builtins.fromTOML ''
  [a.b.c]
  x = 1
  [a]
  y = 2
''
---
builtins.fromTOML ""
---
builtins.fromTOML "# only a comment\n"
---
builtins.fromTOML "a = 9223372036854775807\nb = -9223372036854775808"
---
# Nix 2.8 clamped; current Nix (toml11 4) reports an overflow
# expect-error
builtins.fromTOML "attr = 9223372036854775808"
---
builtins.fromTOML "a = 1\na = 2"
---
builtins.fromTOML "[a]\n[a]"
---
builtins.fromTOML "a.b = 1\n[a.b]"
---
builtins.fromTOML "a = { x = 1 }\n[a]"
---
builtins.fromTOML "a = [1]\n[[a]]"
---
builtins.fromTOML "a = 01"
---
builtins.fromTOML "a = 1__0"
---
builtins.fromTOML "a = .5"
---
builtins.fromTOML "a = 1."
---
builtins.fromTOML "a = \"unterminated"
---
builtins.fromTOML "a = 1 b = 2"
---
builtins.fromTOML "a = { x = 1, }"
---
builtins.fromTOML "= 1"
---
builtins.fromTOML "a = \"\\x\""
---
builtins.fromTOML "a = 1979-05-27"
---
builtins.fromTOML "a = 07:32:00"
---
builtins.fromTOML "a = 1979-05-27T07:32:00Z"
---
builtins.fromTOML "a = TRUE"
---
builtins.fromTOML "a = 0x"
---
builtins.fromTOML "a = +0x10"
---
let t = builtins.fromTOML "x = nan\ny = -nan\nz = +nan"; in [ t.x t.y t.z (0 - t.y) ]
