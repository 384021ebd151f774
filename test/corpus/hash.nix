# Hash builtins: hashString, hashFile, convertHash.
builtins.hashString "md5" "hello"
---
builtins.hashString "sha1" ""
---
builtins.hashString "sha256" "The quick brown fox jumps over the lazy dog"
---
builtins.hashString "sha512" "abc"
---
builtins.hashString "sha256" "caf\xc3\xa9"
---
map (a: builtins.hashString a "x") [ "md5" "sha1" "sha256" "sha512" ]
---
builtins.hashString "sha256" "${builtins.toFile "f" "contents"}"
---
builtins.hashString "sha3" "x"
---
builtins.hashString 1 "x"
---
builtins.hashString "sha256" { }
---
builtins.hashFile "sha256" ./README.md == builtins.hashString "sha256" (builtins.readFile ./README.md)
---
builtins.hashFile "md5" ./README.md == builtins.hashString "md5" (builtins.readFile ./README.md)
---
builtins.hashFile "sha256" ./does-not-exist
---
# expect: "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"
builtins.convertHash { hash = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; toHashFormat = "nix32"; }
---
# expect: "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
builtins.convertHash { hash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; hashAlgo = "sha256"; toHashFormat = "sri"; }
---
# expect: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
builtins.convertHash { hash = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="; toHashFormat = "base16"; }
---
# expect: "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
builtins.convertHash { hash = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"; hashAlgo = "sha256"; toHashFormat = "base64"; }
---
# expect-error
builtins.convertHash { hash = "abcd"; hashAlgo = "sha256"; toHashFormat = "nix32"; }
---
# expect-error
builtins.convertHash { hash = "sha1:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; hashAlgo = "sha256"; toHashFormat = "nix32"; }
---
# expect-error
builtins.convertHash { hash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; toHashFormat = "sri"; }
