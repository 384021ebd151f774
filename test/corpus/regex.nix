# builtins.match and builtins.split: POSIX extended regexes as libstdc++ implements them
builtins.match "ab" "abc"
---
builtins.match "abc" "abc"
---
builtins.match "a(b)(c)" "abc"
---
builtins.match "[[:space:]]+([[:upper:]]+)[[:space:]]+" "  FOO   "
---
builtins.match "(.*)\\.nix" "default.nix"
---
builtins.match "([^=]*)=(.*)" "key=val=ue"
---
builtins.match "((a)|b)+" "ab"
---
builtins.match "(a|(b))+" "ba"
---
builtins.match "(a*)*" ""
---
builtins.match "(a)*" ""
---
builtins.match "(a|ab)(c|bcd)(d*)" "abcd"
---
builtins.match "[\\]a]+" "\\a]]"
---
builtins.match "[]a]+" "]a"
---
builtins.match "[^]a]+" "bc"
---
builtins.match "[a-]+" "a-"
---
builtins.match "[]-a]" "^"
---
builtins.match "[[:alpha:][:digit:]_]+" "a1_"
---
builtins.match "a{2,}" "aaa"
---
builtins.match "a{2}{3}" "aaaaaa"
---
builtins.match "a{1,2}" "aaa"
---
builtins.match "." "\n"
---
builtins.match "a^b" "ab"
---
builtins.match "(^a)" "a"
---
builtins.match "é+" "éé"
---
builtins.match "a+?" "a"
---
builtins.match "\\{\\}" "{}"
---
builtins.match "}]" "}]"
---
builtins.match "[[.a.]-c]+" "abc"
---
builtins.match "(a)(b)?" "a"
---
builtins.match "(|a)" ""
---
builtins.match "(?:a)" "a"
---
builtins.match "\\d" "1"
---
builtins.match "a{,2}" "a"
---
builtins.match "[z-a]" "a"
---
builtins.match "[a-z-9]" "a"
---
builtins.match "[[:foo:]]" "a"
---
builtins.match "(.*" ""
---
builtins.match "*a" "a"
---
builtins.match "\\" ""
---
builtins.split "(a)b" "abc"
---
builtins.split "([ac])" "abc"
---
builtins.split "(a)|(c)" "abc"
---
builtins.split "([[:upper:]]+)" " FOO "
---
builtins.split "(a|ab)" "xabx"
---
builtins.split "(a|ab)(c|bcd)(d*)" "abcd"
---
builtins.split "a*" "baaac"
---
builtins.split "" "abc"
---
builtins.split "(a)|b" "ab"
---
builtins.split "a|ab|abc" "abcabd"
---
builtins.split "x" "abc"
---
builtins.split "," ",a,,b,"
---
builtins.split "(,)|(;)" "a,b;c"
---
builtins.split "^a" "aaa"
---
builtins.split "a$" "aaa"
---
builtins.split "((a)|b)+" "xabx"
---
builtins.split "[[:space:]]+" "  a b\tc\n"
---
builtins.split "(" "a"
---
builtins.match 1 "a"
---
builtins.match "a" 1
---
builtins.match "a(b)" (builtins.substring 0 2 "abc")
