/**
 * The Nix-level helpers of the module system (lib.modules / lib.options): renames and
 * aliases (doRename, mkAliasOptionModule, mkRenamedOptionModule, mkChangedOptionModule,
 * mkMergedOptionModule, mkRemovedOptionModule), alias definitions, mkDerivedConfig,
 * mergeAttrDefinitionsWithPrio, mapDefinitionValue, filterOverrides, sortProperties,
 * mkAssert, fixMergeModules, mkPackageOption, and the option text/merge helpers.
 * Our own snippets; each output case is compared with the expectation recorded from
 * nix-instantiate running nixpkgs lib (below), and re-checked live against that oracle
 * when nix-instantiate and nixpkgs.lib (env NIXPKGS_LIB) are available.
 */
import { describe, expect, it } from "vitest";
import { hasOracle, libOracle, libOurs } from "../support/lib-oracle";


const oracle = libOracle;
const ours = libOurs;

const ev = (modules: string, attr = "config") => `(lib.evalModules { modules = [ ${modules} ]; }).${attr}`;
const warnDecl = `{ options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; }`;
const assertDecl = `{ options.assertions = lib.mkOption { type = lib.types.listOf lib.types.unspecified; default = [ ]; }; }`;
const outputCases: string[] = [
  // aliases and renames
  ev(`(lib.mkAliasOptionModule [ "old" ] [ "new" ]) { options.new = lib.mkOption { type = lib.types.int; }; } { old = 3; }`),
  ev(`(lib.mkAliasOptionModule [ "old" ] [ "new" ]) { options.new = lib.mkOption { type = lib.types.int; default = 1; }; } { old = lib.mkDefault 3; }`),
  ev(`(lib.mkAliasOptionModule [ "old" ] [ "new" ]) { options.new = lib.mkOption { type = lib.types.int; }; } { old = lib.mkDefault 3; new = 4; }`),
  ev(`(lib.mkAliasOptionModule [ "a" "old" ] [ "b" "new" ]) { options.b.new = lib.mkOption { type = lib.types.listOf lib.types.int; }; } { a.old = [ 1 ]; b.new = [ 2 ]; }`),
  ev(`(lib.mkRenamedOptionModule [ "old" ] [ "new" ]) ${warnDecl} { options.new = lib.mkOption { type = lib.types.str; }; } { old = "x"; }`),
  ev(`(lib.mkRenamedOptionModule [ "old" ] [ "new" ]) ${warnDecl} { options.new = lib.mkOption { type = lib.types.str; }; } { new = "x"; }`),
  ev(`(lib.doRename { from = [ "p" ]; to = [ "q" "r" ]; visible = true; warn = true; use = x: x; }) ${warnDecl} { options.q.r = lib.mkOption { }; } { p = 5; }`),
  ev(`(lib.doRename { from = [ "p" ]; to = [ "q" ]; visible = true; warn = false; use = x: x; withPriority = false; }) { options.q = lib.mkOption { type = lib.types.int; default = 0; }; } { p = lib.mkDefault 5; }`),
  ev(`(lib.doRename { from = [ "p" ]; to = [ "q" ]; visible = true; warn = false; use = x: x; condition = false; }) { options.q = lib.mkOption { type = lib.types.int; default = 0; }; } { p = 5; }`),
  `let e = ${ev(`(lib.mkAliasOptionModule [ "old" ] [ "new" ]) { options.new = lib.mkOption { type = lib.types.int; description = "d"; }; }`, 'options')}; in { inherit (e.old) description visible; t = e.old.type.name; }`,
  ev(`(lib.mkChangedOptionModule [ "size" ] [ "big" ] (config: config.size > 10)) ${warnDecl} { options.big = lib.mkOption { type = lib.types.bool; default = false; }; } { size = 20; }`),
  ev(`(lib.mkChangedOptionModule [ "size" ] [ "big" ] (config: config.size > 10)) ${warnDecl} { options.big = lib.mkOption { type = lib.types.bool; default = false; }; }`),
  ev(`(lib.mkMergedOptionModule [ [ "a" ] [ "b" ] ] [ "c" ] (config: "\${toString (config.a or "")}-\${toString config.b}")) ${warnDecl} { options.c = lib.mkOption { type = lib.types.str; default = "none"; }; } { b = 2; }`),
  ev(`(lib.mkRemovedOptionModule [ "gone" ] "Use other instead.") ${assertDecl} { gone = 1; }`, 'config.assertions'),
  ev(`(lib.mkRemovedOptionModule [ "gone" ] "Use other instead.") ${assertDecl}`, 'config.assertions'),
  // alias definitions, derived configs
  ev(`({ options, ... }: { options.a = lib.mkOption { type = lib.types.listOf lib.types.int; }; options.b = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ ]; }; config.b = lib.mkAliasDefinitions options.a; }) { a = [ 1 ]; } { a = [ 2 ]; }`),
  ev(`({ options, ... }: { options.a = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ 9 ]; }; options.b = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ 0 ]; }; config.b = lib.mkAliasDefinitions options.a; })`),
  ev(`({ options, ... }: { options.a = lib.mkOption { type = lib.types.int; }; options.b = lib.mkOption { type = lib.types.attrsOf lib.types.int; }; config.b = lib.mkAliasAndWrapDefinitions (v: { x = v; }) options.a; }) { a = 4; }`),
  ev(`({ options, ... }: { options.a = lib.mkOption { type = lib.types.str; }; options.b = lib.mkOption { type = lib.types.str; }; config.b = lib.mkDerivedConfig options.a (s: s + "!"); }) { a = lib.mkDefault "x"; } { b = "y"; }`),
  ev(`({ options, ... }: { options.a = lib.mkOption { type = lib.types.str; }; options.b = lib.mkOption { type = lib.types.str; }; config.b = lib.mkDerivedConfig options.a (s: s + "!"); }) { a = "x"; }`),
  // mergeAttrDefinitionsWithPrio, mapDefinitionValue, filterOverrides, sortProperties
  `let e = ${ev(`{ options.m = lib.mkOption { type = lib.types.attrsOf lib.types.int; }; } { m = { a = lib.mkDefault 1; b = 2; }; } { m.c = lib.mkForce 3; }`, 'options')}; in lib.modules.mergeAttrDefinitionsWithPrio e.m`,
  `lib.modules.mapDefinitionValue (x: x + 1) (lib.mkMerge [ 1 (lib.mkIf true (lib.mkForce 2)) (lib.mkOrder 5 3) ])`,
  `lib.modules.mapDefinitionValue (x: x * 2) 21`,
  `lib.filterOverrides [ { file = "a"; value = lib.mkDefault 1; } { file = "b"; value = 2; } { file = "c"; value = lib.mkForce 3; } ]`,
  `lib.modules.filterOverrides' [ { file = "a"; value = lib.mkDefault 1; } { file = "b"; value = lib.mkDefault 2; } ]`,
  `lib.sortProperties [ { file = "a"; value = lib.mkAfter 1; } { file = "b"; value = 2; } { file = "c"; value = lib.mkBefore 3; } ]`,
  ev(`{ options.a = lib.mkOption { type = lib.types.int; default = 1; }; config.a = lib.mkAssert true "never" 5; }`),
  // importApply, importJSON, fixMergeModules
  `(lib.fixMergeModules [ { options.a = lib.mkOption { default = 1; }; } { b = 2; } ] { }).config.a`,
  // lib.options helpers
  `lib.showOption [ "a" "b c" "<name>" "*" "d" ]`,
  `lib.showFiles [ "x.nix" "y.nix" ]`,
  `lib.options.showDefs [ { file = "f"; value = 1; } { file = "g"; value = { a = [ 1 2 3 4 5 6 ]; }; } ]`,
  `lib.mergeEqualOption [ "o" ] [ { file = "a"; value = 3; } { file = "b"; value = 3; } ]`,
  `lib.mergeOneOption [ "o" ] [ { file = "a"; value = "v"; } ]`,
  `lib.mergeDefaultOption [ "o" ] [ { file = "a"; value = [ 1 ]; } { file = "b"; value = [ 2 ]; } ]`,
  `lib.getValues [ { value = 1; } { value = 2; } ]`,
  `lib.getFiles [ { file = "a"; } { file = "b"; } ]`,
  `lib.unknownModule`,
  `lib.showOptionWithDefLocs { loc = [ "x" "y" ]; files = [ "a.nix" "b.nix" ]; }`,
  `lib.scrubOptionValue { a = [ { b = 1; _args = 2; } ]; }`,
  `[ (lib.isOption (lib.mkOption { })) (lib.isOption { }) (lib.isOption 3) ]`,
  `lib.options.literalCode "nix" "1 + 1"`,
  `map (o: { inherit (o) name type readOnly visible internal; d = o.default or null; }) (lib.optionAttrSetToDocList ${ev(`{ options.a.b = lib.mkOption { type = lib.types.int; default = 1; description = "ab"; }; options.c = lib.mkEnableOption "c"; options.s = lib.mkOption { type = lib.types.submodule { options.x = lib.mkOption { type = lib.types.str; default = "q"; }; }; default = { }; }; }`, 'options')})`,
  ev(`{ options.sink = lib.mkSinkUndeclaredOptions { }; } { sink.anything = 1; } { sink = 2; }`, 'options.sink.isDefined'),
  `let pkgs = { hello = { type = "derivation"; name = "hello"; outPath = "/h"; }; sub.tool = { type = "derivation"; name = "tool"; outPath = "/t"; }; }; o = lib.mkPackageOption pkgs [ "sub" "tool" ] { nullable = true; extraDescription = "More."; example = [ "hello" ]; }; in { inherit (o) description defaultText example; t = o.type.description; }`,
];
const errorCases: { expr: string; match: string }[] = [
  { expr: ev(`(lib.mkRemovedOptionModule [ "gone" ] "Use other instead.") ${assertDecl} { gone = 1; }`, 'config.gone'), match: "The option `gone' can no longer be used since it's been removed. Use other instead." },
  { expr: `lib.mergeEqualOption [ "o" ] [ { file = "a"; value = 3; } { file = "b"; value = 4; } ]`, match: "The option `o' has conflicting definition values:" },
  { expr: `lib.mergeOneOption [ "o" ] [ { file = "a"; value = 3; } { file = "b"; value = 4; } ]`, match: "The option `o' is defined multiple times while it's expected to be unique." },
  { expr: ev(`{ options.sink = lib.mkSinkUndeclaredOptions { }; } { sink = 2; }`, 'config.sink'), match: 'Option value is not readable because the option is not declared.' },
  { expr: `(lib.mkPackageOption { } "nope" { }).default`, match: 'nope cannot be found in pkgs' },
  { expr: ev(`{ options.a = lib.mkOption { default = 1; }; config.a = lib.mkAssert false "it broke" 5; }`, 'config.a'), match: 'Failed assertion: it broke' },
];

/** Recorded from nix-instantiate (Nix 2.8) with nixpkgs.lib. */
const recorded: Record<string, string> = {
 "(lib.evalModules { modules = [ (lib.mkAliasOptionModule [ \"old\" ] [ \"new\" ]) { options.new = lib.mkOption { type = lib.types.int; }; } { old = 3; } ]; }).config": "{\"new\":3,\"old\":3}",
 "(lib.evalModules { modules = [ (lib.mkAliasOptionModule [ \"old\" ] [ \"new\" ]) { options.new = lib.mkOption { type = lib.types.int; default = 1; }; } { old = lib.mkDefault 3; } ]; }).config": "{\"new\":3,\"old\":3}",
 "(lib.evalModules { modules = [ (lib.mkAliasOptionModule [ \"old\" ] [ \"new\" ]) { options.new = lib.mkOption { type = lib.types.int; }; } { old = lib.mkDefault 3; new = 4; } ]; }).config": "{\"new\":4,\"old\":4}",
 "(lib.evalModules { modules = [ (lib.mkAliasOptionModule [ \"a\" \"old\" ] [ \"b\" \"new\" ]) { options.b.new = lib.mkOption { type = lib.types.listOf lib.types.int; }; } { a.old = [ 1 ]; b.new = [ 2 ]; } ]; }).config": "{\"a\":{\"old\":[2,1]},\"b\":{\"new\":[2,1]}}",
 "(lib.evalModules { modules = [ (lib.mkRenamedOptionModule [ \"old\" ] [ \"new\" ]) { options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; } { options.new = lib.mkOption { type = lib.types.str; }; } { old = \"x\"; } ]; }).config": "{\"new\":\"x\",\"old\":\"x\",\"warnings\":[\"The option `old' defined in `<unknown-file>' has been renamed to `new'.\"]}",
 "(lib.evalModules { modules = [ (lib.mkRenamedOptionModule [ \"old\" ] [ \"new\" ]) { options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; } { options.new = lib.mkOption { type = lib.types.str; }; } { new = \"x\"; } ]; }).config": "{\"new\":\"x\",\"old\":\"x\",\"warnings\":[]}",
 "(lib.evalModules { modules = [ (lib.doRename { from = [ \"p\" ]; to = [ \"q\" \"r\" ]; visible = true; warn = true; use = x: x; }) { options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; } { options.q.r = lib.mkOption { }; } { p = 5; } ]; }).config": "{\"p\":5,\"q\":{\"r\":5},\"warnings\":[\"The option `p' defined in `<unknown-file>' has been renamed to `q.r'.\"]}",
 "(lib.evalModules { modules = [ (lib.doRename { from = [ \"p\" ]; to = [ \"q\" ]; visible = true; warn = false; use = x: x; withPriority = false; }) { options.q = lib.mkOption { type = lib.types.int; default = 0; }; } { p = lib.mkDefault 5; } ]; }).config": "{\"p\":5,\"q\":5}",
 "(lib.evalModules { modules = [ (lib.doRename { from = [ \"p\" ]; to = [ \"q\" ]; visible = true; warn = false; use = x: x; condition = false; }) { options.q = lib.mkOption { type = lib.types.int; default = 0; }; } { p = 5; } ]; }).config": "{\"p\":0,\"q\":0}",
 "let e = (lib.evalModules { modules = [ (lib.mkAliasOptionModule [ \"old\" ] [ \"new\" ]) { options.new = lib.mkOption { type = lib.types.int; description = \"d\"; }; } ]; }).options; in { inherit (e.old) description visible; t = e.old.type.name; }": "{\"description\":\"Alias of {option}`new`.\",\"t\":\"int\",\"visible\":true}",
 "(lib.evalModules { modules = [ (lib.mkChangedOptionModule [ \"size\" ] [ \"big\" ] (config: config.size > 10)) { options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; } { options.big = lib.mkOption { type = lib.types.bool; default = false; }; } { size = 20; } ]; }).config": "{\"big\":true,\"size\":20,\"warnings\":[\"The option `size' defined in `<unknown-file>' has been changed to `big' that has a different type. Please read `big' documentation and update your configuration accordingly.\"]}",
 "(lib.evalModules { modules = [ (lib.mkChangedOptionModule [ \"size\" ] [ \"big\" ] (config: config.size > 10)) { options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; } { options.big = lib.mkOption { type = lib.types.bool; default = false; }; } ]; }).config": "{\"big\":false,\"size\":\"_mkMergedOptionModule\",\"warnings\":[]}",
 "(lib.evalModules { modules = [ (lib.mkMergedOptionModule [ [ \"a\" ] [ \"b\" ] ] [ \"c\" ] (config: \"${toString (config.a or \"\")}-${toString config.b}\")) { options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; } { options.c = lib.mkOption { type = lib.types.str; default = \"none\"; }; } { b = 2; } ]; }).config": "{\"a\":\"_mkMergedOptionModule\",\"b\":2,\"c\":\"_mkMergedOptionModule-2\",\"warnings\":[\"The option `b' defined in `<unknown-file>' has been changed to `c' that has a different type. Please read `c' documentation and update your configuration accordingly.\"]}",
 "(lib.evalModules { modules = [ (lib.mkRemovedOptionModule [ \"gone\" ] \"Use other instead.\") { options.assertions = lib.mkOption { type = lib.types.listOf lib.types.unspecified; default = [ ]; }; } { gone = 1; } ]; }).config.assertions": "[{\"assertion\":false,\"message\":\"The option definition `gone' in `<unknown-file>' no longer has any effect; please remove it.\\nUse other instead.\\n\"}]",
 "(lib.evalModules { modules = [ (lib.mkRemovedOptionModule [ \"gone\" ] \"Use other instead.\") { options.assertions = lib.mkOption { type = lib.types.listOf lib.types.unspecified; default = [ ]; }; } ]; }).config.assertions": "[{\"assertion\":true,\"message\":\"The option definition `gone' in  no longer has any effect; please remove it.\\nUse other instead.\\n\"}]",
 "(lib.evalModules { modules = [ ({ options, ... }: { options.a = lib.mkOption { type = lib.types.listOf lib.types.int; }; options.b = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ ]; }; config.b = lib.mkAliasDefinitions options.a; }) { a = [ 1 ]; } { a = [ 2 ]; } ]; }).config": "{\"a\":[2,1],\"b\":[2,1]}",
 "(lib.evalModules { modules = [ ({ options, ... }: { options.a = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ 9 ]; }; options.b = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ 0 ]; }; config.b = lib.mkAliasDefinitions options.a; }) ]; }).config": "{\"a\":[9],\"b\":[9]}",
 "(lib.evalModules { modules = [ ({ options, ... }: { options.a = lib.mkOption { type = lib.types.int; }; options.b = lib.mkOption { type = lib.types.attrsOf lib.types.int; }; config.b = lib.mkAliasAndWrapDefinitions (v: { x = v; }) options.a; }) { a = 4; } ]; }).config": "{\"a\":4,\"b\":{\"x\":4}}",
 "(lib.evalModules { modules = [ ({ options, ... }: { options.a = lib.mkOption { type = lib.types.str; }; options.b = lib.mkOption { type = lib.types.str; }; config.b = lib.mkDerivedConfig options.a (s: s + \"!\"); }) { a = lib.mkDefault \"x\"; } { b = \"y\"; } ]; }).config": "{\"a\":\"x\",\"b\":\"y\"}",
 "(lib.evalModules { modules = [ ({ options, ... }: { options.a = lib.mkOption { type = lib.types.str; }; options.b = lib.mkOption { type = lib.types.str; }; config.b = lib.mkDerivedConfig options.a (s: s + \"!\"); }) { a = \"x\"; } ]; }).config": "{\"a\":\"x\",\"b\":\"x!\"}",
 "let e = (lib.evalModules { modules = [ { options.m = lib.mkOption { type = lib.types.attrsOf lib.types.int; }; } { m = { a = lib.mkDefault 1; b = 2; }; } { m.c = lib.mkForce 3; } ]; }).options; in lib.modules.mergeAttrDefinitionsWithPrio e.m": "{\"a\":{\"highestPrio\":1000,\"value\":1},\"b\":{\"highestPrio\":100,\"value\":2},\"c\":{\"highestPrio\":50,\"value\":3}}",
 "lib.modules.mapDefinitionValue (x: x + 1) (lib.mkMerge [ 1 (lib.mkIf true (lib.mkForce 2)) (lib.mkOrder 5 3) ])": "{\"_type\":\"merge\",\"contents\":[2,{\"_type\":\"if\",\"condition\":true,\"content\":{\"_type\":\"override\",\"content\":3,\"priority\":50}},{\"_type\":\"order\",\"content\":4,\"priority\":5}]}",
 "lib.modules.mapDefinitionValue (x: x * 2) 21": "42",
 "lib.filterOverrides [ { file = \"a\"; value = lib.mkDefault 1; } { file = \"b\"; value = 2; } { file = \"c\"; value = lib.mkForce 3; } ]": "[{\"file\":\"c\",\"value\":3}]",
 "lib.modules.filterOverrides' [ { file = \"a\"; value = lib.mkDefault 1; } { file = \"b\"; value = lib.mkDefault 2; } ]": "{\"highestPrio\":1000,\"values\":[{\"file\":\"a\",\"value\":1},{\"file\":\"b\",\"value\":2}]}",
 "lib.sortProperties [ { file = \"a\"; value = lib.mkAfter 1; } { file = \"b\"; value = 2; } { file = \"c\"; value = lib.mkBefore 3; } ]": "[{\"file\":\"c\",\"priority\":500,\"value\":3},{\"file\":\"b\",\"value\":2},{\"file\":\"a\",\"priority\":1500,\"value\":1}]",
 "(lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; default = 1; }; config.a = lib.mkAssert true \"never\" 5; } ]; }).config": "{\"a\":5}",
 "(lib.fixMergeModules [ { options.a = lib.mkOption { default = 1; }; } { b = 2; } ] { }).config.a": "1",
 "lib.showOption [ \"a\" \"b c\" \"<name>\" \"*\" \"d\" ]": "\"a.\\\"b c\\\".<name>.*.d\"",
 "lib.showFiles [ \"x.nix\" \"y.nix\" ]": "\"`x.nix' and `y.nix'\"",
 "lib.options.showDefs [ { file = \"f\"; value = 1; } { file = \"g\"; value = { a = [ 1 2 3 4 5 6 ]; }; } ]": "\"\\n- In `f': 1\\n- In `g':\\n    {\\n      a = [\\n        1\\n        2\\n        3\\n    ...\"",
 "lib.mergeEqualOption [ \"o\" ] [ { file = \"a\"; value = 3; } { file = \"b\"; value = 3; } ]": "3",
 "lib.mergeOneOption [ \"o\" ] [ { file = \"a\"; value = \"v\"; } ]": "\"v\"",
 "lib.mergeDefaultOption [ \"o\" ] [ { file = \"a\"; value = [ 1 ]; } { file = \"b\"; value = [ 2 ]; } ]": "[1,2]",
 "lib.getValues [ { value = 1; } { value = 2; } ]": "[1,2]",
 "lib.getFiles [ { file = \"a\"; } { file = \"b\"; } ]": "[\"a\",\"b\"]",
 "lib.unknownModule": "\"<unknown-file>\"",
 "lib.showOptionWithDefLocs { loc = [ \"x\" \"y\" ]; files = [ \"a.nix\" \"b.nix\" ]; }": "\"x.y, with values defined in:\\n  - a.nix\\n  - b.nix\\n\"",
 "lib.scrubOptionValue { a = [ { b = 1; _args = 2; } ]; }": "{\"a\":[{\"b\":1}]}",
 "[ (lib.isOption (lib.mkOption { })) (lib.isOption { }) (lib.isOption 3) ]": "[true,false,false]",
 "lib.options.literalCode \"nix\" \"1 + 1\"": "{\"_type\":\"literalMD\",\"text\":\"```nix\\n1 + 1\\n```\\n\"}",
 "map (o: { inherit (o) name type readOnly visible internal; d = o.default or null; }) (lib.optionAttrSetToDocList (lib.evalModules { modules = [ { options.a.b = lib.mkOption { type = lib.types.int; default = 1; description = \"ab\"; }; options.c = lib.mkEnableOption \"c\"; options.s = lib.mkOption { type = lib.types.submodule { options.x = lib.mkOption { type = lib.types.str; default = \"q\"; }; }; default = { }; }; } ]; }).options)": "[{\"d\":{\"_type\":\"literalExpression\",\"text\":\"{ }\"},\"internal\":false,\"name\":\"_module.args\",\"readOnly\":false,\"type\":\"lazy attribute set of raw value\",\"visible\":true},{\"d\":{\"_type\":\"literalExpression\",\"text\":\"true\"},\"internal\":true,\"name\":\"_module.check\",\"readOnly\":false,\"type\":\"boolean\",\"visible\":true},{\"d\":{\"_type\":\"literalExpression\",\"text\":\"null\"},\"internal\":true,\"name\":\"_module.freeformType\",\"readOnly\":false,\"type\":\"null or optionType\",\"visible\":true},{\"d\":null,\"internal\":true,\"name\":\"_module.specialArgs\",\"readOnly\":true,\"type\":\"unspecified value\",\"visible\":true},{\"d\":{\"_type\":\"literalExpression\",\"text\":\"1\"},\"internal\":false,\"name\":\"a.b\",\"readOnly\":false,\"type\":\"signed integer\",\"visible\":true},{\"d\":{\"_type\":\"literalExpression\",\"text\":\"false\"},\"internal\":false,\"name\":\"c\",\"readOnly\":false,\"type\":\"boolean\",\"visible\":true},{\"d\":{\"_type\":\"literalExpression\",\"text\":\"{ }\"},\"internal\":false,\"name\":\"s\",\"readOnly\":false,\"type\":\"submodule\",\"visible\":true},{\"d\":{\"_type\":\"literalExpression\",\"text\":\"{ }\"},\"internal\":true,\"name\":\"s._module.args\",\"readOnly\":false,\"type\":\"lazy attribute set of raw value\",\"visible\":true},{\"d\":{\"_type\":\"literalExpression\",\"text\":\"true\"},\"internal\":true,\"name\":\"s._module.check\",\"readOnly\":false,\"type\":\"boolean\",\"visible\":true},{\"d\":{\"_type\":\"literalExpression\",\"text\":\"null\"},\"internal\":true,\"name\":\"s._module.freeformType\",\"readOnly\":false,\"type\":\"null or optionType\",\"visible\":true},{\"d\":null,\"internal\":true,\"name\":\"s._module.specialArgs\",\"readOnly\":true,\"type\":\"unspecified value\",\"visible\":true},{\"d\":{\"_type\":\"literalExpression\",\"text\":\"\\\"q\\\"\"},\"internal\":false,\"name\":\"s.x\",\"readOnly\":false,\"type\":\"string\",\"visible\":true}]",
 "(lib.evalModules { modules = [ { options.sink = lib.mkSinkUndeclaredOptions { }; } { sink.anything = 1; } { sink = 2; } ]; }).options.sink.isDefined": "true",
 "let pkgs = { hello = { type = \"derivation\"; name = \"hello\"; outPath = \"/h\"; }; sub.tool = { type = \"derivation\"; name = \"tool\"; outPath = \"/t\"; }; }; o = lib.mkPackageOption pkgs [ \"sub\" \"tool\" ] { nullable = true; extraDescription = \"More.\"; example = [ \"hello\" ]; }; in { inherit (o) description defaultText example; t = o.type.description; }": "{\"defaultText\":{\"_type\":\"literalExpression\",\"text\":\"pkgs.sub.tool\"},\"description\":\"The tool package to use. More.\",\"example\":{\"_type\":\"literalExpression\",\"text\":\"pkgs.hello\"},\"t\":\"null or package\"}"
};

describe("module lib functions: outputs", () => {
  for (const c of outputCases) {
    it(c, () => {
      const want = recorded[c];
      expect(want, "no recorded expectation").toBeDefined();
      const got = ours(c);
      expect(got.out).toBe(want);
      if (hasOracle) expect(oracle(c).out).toBe(want);
    });
  }
});

describe("module lib functions: errors", () => {
  for (const c of errorCases) {
    it(`${c.match} ← ${c.expr}`, () => {
      const got = ours(c.expr);
      expect(got.ok, got.out).toBe(false);
      expect(got.out).toContain(c.match);
      if (hasOracle) {
        const r = oracle(c.expr);
        expect(r.ok).toBe(false);
        expect(r.out).toContain(c.match);
      }
    });
  }
});
