# parseDrvName, splitVersion, compareVersions
builtins.parseDrvName "nix-0.12pre12876"
---
builtins.parseDrvName "apache-httpd-2.0.48"
---
builtins.parseDrvName "hello"
---
builtins.parseDrvName "foo-bar-baz"
---
builtins.parseDrvName "foo-"
---
builtins.parseDrvName "foo--1"
---
builtins.parseDrvName "-1.0"
---
builtins.parseDrvName 1
---
builtins.splitVersion "1.2.3"
---
builtins.splitVersion "1.2a3-pre4"
---
builtins.splitVersion ""
---
builtins.splitVersion "..1--2.."
---
builtins.splitVersion "alpha_beta.rc1"
---
builtins.compareVersions "1.0" "2.3"
---
builtins.compareVersions "2.1" "2.3"
---
builtins.compareVersions "2.3" "2.3"
---
builtins.compareVersions "2.5" "2.3"
---
builtins.compareVersions "3.1" "2.3"
---
builtins.compareVersions "2.3.1" "2.3"
---
builtins.compareVersions "2.3.1" "2.3a"
---
builtins.compareVersions "2.3pre1" "2.3"
---
builtins.compareVersions "2.3pre1" "2.3pre2"
---
builtins.compareVersions "2.3pre1" "2.3c"
---
builtins.compareVersions "2.3" "2.3.0"
---
builtins.compareVersions "1.0a" "1.0b"
---
builtins.compareVersions "1.01" "1.1"
---
builtins.compareVersions "99999999999" "1"
---
builtins.compareVersions "2.3" ""
---
builtins.compareVersions "a" "1"
---
builtins.compareVersions 1 "1"
