/**
 * Module-system cases. Each expression sees `lib` (nixling's `<nixling/lib>`, or nixpkgs'
 * lib for the oracle) and `@FIXTURES@` (absolute path of ./fixtures).
 * - outputCases: `--eval --strict --json` output must equal nixpkgs' (recorded in
 *   modules.expected.json, and re-checked live against nix-instantiate when present).
 * - errorCases: evaluation must fail with an error containing `match` (with nixling and,
 *   when present, with nix-instantiate running nixpkgs' lib).
 */
const ev = (modules: string, attr = 'config') => `(lib.evalModules { modules = [ ${modules} ]; }).${attr}`;

export const outputCases: string[] = [
  // basics: declarations, definitions, defaults, option trees
  ev(`{ options.a = lib.mkOption { type = lib.types.int; default = 1; }; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.int; default = 1; }; } { a = 2; }`),
  ev(`{ options.a.b.c = lib.mkOption { type = lib.types.str; }; } { a.b.c = "x"; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.bool; default = false; }; config.a = true; }`),
  ev(`{ options.x = lib.mkEnableOption "x"; }`),
  // function modules, config fixed point, _module.args, specialArgs
  ev(`({ config, ... }: { options.a = lib.mkOption { default = 1; }; options.b = lib.mkOption { default = config.a + 1; }; }) { a = 10; }`),
  ev(`({ foo, ... }: { options.a = lib.mkOption { default = foo; }; }) { _module.args.foo = 7; }`),
  `(lib.evalModules { specialArgs.bar = "sp"; modules = [ ({ bar, ... }: { options.a = lib.mkOption { default = bar; }; }) ]; }).config`,
  // imports, keys, disabledModules
  ev(`{ imports = [ { options.a = lib.mkOption { type = lib.types.listOf lib.types.int; }; } { a = [ 1 ]; } ]; a = [ 2 ]; }`),
  ev(`{ imports = [ @FIXTURES@/decl-a.nix @FIXTURES@/def-a.nix @FIXTURES@/def-a.nix ]; }`),
  ev(`{ imports = [ @FIXTURES@/decl-a.nix @FIXTURES@/def-a.nix ]; disabledModules = [ @FIXTURES@/def-a.nix ]; }`),
  ev(`{ imports = [ @FIXTURES@/decl-a.nix { key = "k"; a = [ 5 ]; } { key = "k"; a = [ 6 ]; } ]; }`),
  ev(`{ imports = [ @FIXTURES@/decl-a.nix { key = "k"; a = [ 5 ]; } ]; disabledModules = [ { key = "k"; } ]; }`),
  // priorities
  ev(`{ options.a = lib.mkOption { type = lib.types.int; default = 1; }; } { a = lib.mkDefault 2; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkDefault 2; } { a = 3; } { a = lib.mkForce 4; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkOverride 10 2; } { a = lib.mkForce 4; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ 0 ]; }; } { a = lib.mkOptionDefault [ 1 ]; }`),
  `let o = ${ev(`{ options.a = lib.mkOption { type = lib.types.int; default = 1; }; } { a = lib.mkDefault 2; }`, 'options')}; in { inherit (o.a) highestPrio isDefined value files definitions; }`,
  `let o = ${ev(`{ options.a = lib.mkOption { type = lib.types.int; }; }`, 'options')}; in { inherit (o.a) isDefined highestPrio; }`,
  // mkIf, mkMerge, pushdown
  ev(`{ options.a = lib.mkOption { type = lib.types.int; default = 1; }; } { a = lib.mkIf false 5; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.int; default = 1; }; } { a = lib.mkIf true 5; }`),
  ev(`({ config, ... }: { options.e = lib.mkOption { default = true; }; options.x = lib.mkOption { default = 0; }; config = lib.mkIf config.e { x = 42; }; })`),
  ev(`{ options.a = lib.mkOption { type = lib.types.listOf lib.types.int; }; } { a = lib.mkMerge [ [ 1 ] (lib.mkIf true [ 2 ]) (lib.mkIf false [ 3 ]) ]; }`),
  ev(`{ options.x.y = lib.mkOption { type = lib.types.int; default = 0; }; } { config = lib.mkMerge [ { x.y = 1; } ]; }`),
  ev(`{ options.x.y = lib.mkOption { type = lib.types.int; default = 0; }; } { config = lib.mkForce { x.y = 3; }; } { x.y = 4; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkIf true (lib.mkForce 1); } { a = 2; }`),
  // mkOrder
  ev(`{ options.a = lib.mkOption { type = lib.types.listOf lib.types.str; }; } { a = [ "m" ]; } { a = lib.mkAfter [ "z" ]; } { a = lib.mkBefore [ "a" ]; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.lines; }; } { a = "two"; } { a = lib.mkBefore "one"; } { a = lib.mkOrder 2000 "three"; }`),
  // types
  ev(`{ options.a = lib.mkOption { type = lib.types.attrsOf lib.types.int; }; } { a.x = 1; } { a.y = 2; a.z = lib.mkIf false 3; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.lazyAttrsOf (lib.types.nullOr lib.types.int); }; } { a.x = 1; a.y = null; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.attrsOf (lib.types.listOf lib.types.int); }; } { a.x = [ 1 ]; } { a.x = [ 2 ]; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.nullOr lib.types.str; default = null; }; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.enum [ "x" "y" ]; }; } { a = "y"; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.either lib.types.int lib.types.str; }; } { a = "s"; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.port; default = 80; }; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.anything; }; } { a.x.y = 1; } { a.x.z = [ 2 ]; a.w = "s"; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.attrs; }; } { a.x = 1; } { a.y = 2; }`),
  ev(`{ options.a = lib.mkOption { }; } { a = [ 1 ]; } { a = [ 2 ]; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.str; apply = x: x + "!"; default = "hi"; }; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.coercedTo lib.types.int toString lib.types.str; }; } { a = 5; }`),
  // submodules
  ev(`{ options.s = lib.mkOption { type = lib.types.attrsOf (lib.types.submodule ({ name, ... }: { options.n = lib.mkOption { default = name; }; options.p = lib.mkOption { type = lib.types.int; default = 0; }; })); }; } { s.foo.p = 1; s.bar = { }; } { s.foo.p = lib.mkForce 3; }`),
  ev(`{ options.s = lib.mkOption { type = lib.types.submodule { options.x = lib.mkOption { type = lib.types.int; default = 1; }; }; default = { }; }; } { s.x = 2; }`),
  ev(`{ options.s = lib.mkOption { type = lib.types.listOf (lib.types.submodule { options.x = lib.mkOption { type = lib.types.int; }; }); }; } { s = [ { x = 1; } { x = 2; } ]; }`),
  ev(`{ options.s = lib.mkOption { type = lib.types.submodule { options.x = lib.mkOption { default = 1; }; }; }; } { options.s = lib.mkOption { type = lib.types.submodule { options.y = lib.mkOption { default = 2; }; }; }; } { s = { }; }`),
  // descriptions
  `map (t: t.description) [ (lib.types.attrsOf (lib.types.either lib.types.int lib.types.str)) (lib.types.listOf lib.types.str) (lib.types.nullOr (lib.types.enum [ "a" "b" ])) lib.types.port lib.types.lines (lib.types.submodule { }) ]`,
  // freeformType
  ev(`{ freeformType = lib.types.attrsOf lib.types.int; options.a = lib.mkOption { type = lib.types.str; default = "d"; }; } { x = 1; y = 2; }`),
  ev(`{ config._module.freeformType = lib.types.lazyAttrsOf lib.types.str; } ({ config, ... }: { b = "1"; c = config.b + "2"; })`),
  // mkDefinition, whole-module mkIf/mkForce
  `let o = ${ev(`{ options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkDefinition { file = "elsewhere"; value = 3; }; }`, 'options')}; in [ o.a.value o.a.files ]`,
  ev(`{ options.a = lib.mkOption { type = lib.types.bool; default = true; }; } (lib.mkForce { a = false; }) { a = true; }`),
  ev(`{ options.a = lib.mkOption { type = lib.types.int; default = 1; }; } (lib.mkIf false { a = 2; })`),
  // a submodule option that is also declared as a parent of options
  ev(`{ options.s = lib.mkOption { type = lib.types.submodule { options.x = lib.mkOption { default = 1; }; }; default = { }; }; } { options.s.y = lib.mkOption { default = 2; }; }`),
  // extendModules, declarations
  `let r = lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; default = 1; }; } ]; }; in (r.extendModules { modules = [ { a = 5; } ]; }).config`,
  `let o = ${ev(`@FIXTURES@/decl-a.nix { options.b = lib.mkOption { }; }`, 'options')}; in [ (map baseNameOf o.a.declarations) (map (p: p.line) o.a.declarationPositions) ]`,
  // the type helpers nixpkgs also has at the top of lib
  `[ (lib.setType "x" { a = 1; }) (lib.types.setType "y" { }) (lib.isOptionType lib.types.int) (lib.defaultFunctor "int").name (lib.defaultTypeMerge (lib.types.listOf lib.types.int).functor (lib.types.listOf lib.types.int).functor != null) ]`,
  `let r = lib.mergeDefinitions [ "o" ] lib.types.int [ { file = "f"; value = 3; } ]; in [ r.mergedValue r.isDefined ]`,
  // _module.check = false
  ev(`{ _module.check = false; } { foo = 1; }`),
  // a submodule's sub-options expose its freeform type's sub-options (for documentation)
  `let o = ${ev(`{ options.s = lib.mkOption { type = lib.types.submodule { freeformType = lib.types.attrsOf (lib.types.submodule { options.f = lib.mkOption { description = "f"; }; }); }; }; }`, 'options')}; in builtins.attrNames (o.s.type.getSubOptions [ "s" ])._freeformOptions`,
  `let o = ${ev(`{ options.s = lib.mkOption { type = lib.types.submodule { freeformType = lib.types.attrsOf (lib.types.submodule { options.f = lib.mkOption { description = "f"; }; }); }; }; }`, 'options')}; in ((o.s.type.getSubOptions [ "s" ])._freeformOptions.f.loc)`,
  // a freeform type defined twice merges (types.optionType), next to _module's own options
  `let c = ${ev(`{ options.s = lib.mkOption { type = lib.types.submodule { config._module.freeformType = lib.mkMerge [ (lib.types.attrsOf (lib.types.submodule { options.a = lib.mkOption { }; })) (lib.types.attrsOf (lib.types.submodule { options.b = lib.mkOption { }; })) ]; }; }; } { s.x.a = 1; s.y.b = 2; }`)}; in [ c.s.x.a c.s.y.b ]`,
  // types.optionType merges submodule types declaration by declaration, in definition order
  `let o = ${ev(`{ options.t = lib.mkOption { type = lib.types.optionType; }; options.v = lib.mkOption { type = lib.types.int; }; } ({ config, ... }: { options.o = lib.mkOption { type = config.t; default = { }; }; }) { _file = "f1"; t = lib.types.submodule { options.n = lib.mkOption { type = lib.types.int; default = 1; }; }; } { _file = "f2"; t = lib.types.submodule { options.n = lib.mkOption { type = lib.types.int; }; }; }`, 'options')}; in (o.o.type.getSubOptions [ ]).n.declarations`,
];

export interface ErrorCase {
  expr: string;
  match: string;
}

export const errorCases: ErrorCase[] = [
  { expr: ev(`{ options.a = lib.mkOption { }; } { b = 1; }`), match: "The option `b' does not exist. Definition values:" },
  { expr: ev(`{ options.a.b = lib.mkOption { }; } { a.c = 1; }`), match: "The option `a.c' does not exist." },
  { expr: ev(`{ options.a = lib.mkOption { type = lib.types.int; }; } { a = "x"; }`), match: "A definition for option `a' is not of type `signed integer'." },
  { expr: ev(`{ options.a = lib.mkOption { type = lib.types.int; }; }`) + '.a', match: "The option `a' was accessed but has no value defined. Try setting the option." },
  { expr: ev(`{ options.a = lib.mkOption { type = lib.types.int; }; } { a = 1; } { a = 2; }`), match: "The option `a' has conflicting definition values:" },
  { expr: ev(`{ options.a = lib.mkOption { type = lib.types.str; }; } { a = "x"; } { a = "y"; }`), match: "has conflicting definition values:" },
  { expr: ev(`{ options.a = lib.mkOption { default = 1; }; } { options.a = lib.mkOption { default = 2; }; }`) + '.a', match: "The option `a' in `" },
  { expr: ev(`{ options.a = lib.mkOption { type = lib.types.bool; }; } { a = lib.mkIf 1 true; }`), match: "called with a non-Boolean condition" },
  { expr: ev(`{ options.s = lib.mkOption { type = lib.types.attrsOf (lib.types.submodule { options.x = lib.mkOption { type = lib.types.int; }; }); }; } { s.foo.y = 1; }`) + '.s.foo', match: "The option `s.foo.y' does not exist." },
  { expr: ev(`{ options.a = lib.mkOption { type = lib.types.raw; }; } { a = 1; } { a = 1; }`), match: "is defined multiple times while it's expected to be unique." },
  { expr: ev(`{ options.a = lib.mkOption { type = lib.types.nullOr lib.types.int; }; } { a = 1; } { a = null; }`), match: 'is defined both null and not null' },
  { expr: ev(`{ config = { }; foo = 1; }`), match: "has an unsupported attribute `foo'" },
  { expr: `(lib.types.optionType.merge [ "o" "p" ] [ { file = "f1"; value = lib.types.int; } { file = "f2"; value = lib.types.int; } { file = "f3"; value = lib.types.str; } ]).description`, match: "The option `o.p' in `f3' is already declared in `f1' and `f2'." },
  { expr: ev(`{ options.s = lib.mkOption { type = lib.types.submoduleWith { class = "a"; modules = [ ]; }; default = { }; }; } { options.s = lib.mkOption { type = lib.types.submoduleWith { class = "b"; modules = [ ]; }; }; }`) + '.s', match: 'A submoduleWith option is declared multiple times with conflicting class values "b" and "a".' },
];
