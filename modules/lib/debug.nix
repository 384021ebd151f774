# nixling lib — tracing helpers and a tiny unit-test runner.
{ lib }:

let
  b = builtins;
  pretty = lib.generators.toPretty { allowPrettyValues = true; };
in
rec {
  inherit (b) trace addErrorContext unsafeGetAttrPos;

  traceIf = cond: msg: x: if cond then b.trace msg x else x;
  traceValFn = f: x: b.trace (f x) x;
  traceVal = traceValFn (x: x);
  traceSeq = x: y: b.trace (b.deepSeq x x) y;

  # Trace x pretty-printed down to `depth` levels; deeper sets/lists print as {…}/[…].
  traceSeqN = depth: x: y:
    let
      placeholder = text: v: { __pretty = _: text; val = v; };
      cut = v:
        if b.isList v then placeholder "[…]" v
        else if b.isAttrs v then placeholder "{…}" v
        else v;
      limit = n: v:
        if n == 0 then cut v
        else if b.isList v then map (limit (n - 1)) v
        else if b.isAttrs v then b.mapAttrs (_: limit (n - 1)) v
        else v;
    in
    b.trace (pretty (limit depth x)) y;

  traceValSeqFn = f: v: traceValFn f (b.deepSeq v v);
  traceValSeq = traceValSeqFn (x: x);
  traceValSeqNFn = f: depth: v: traceSeqN depth (f v) v;
  traceValSeqN = traceValSeqNFn (x: x);
  traceFnSeqN = depth: name: f: v:
    let result = f v; in
    traceSeqN (depth + 1) { fn = name; from = v; to = result; } result;

  # Runs every attribute named test* (or listed in `tests.tests`) of the form
  # { expr; expected; } and returns the failures.
  runTests = tests:
    let
      selected = tests.tests or [ ];
      wanted = name:
        (b.substring 0 4 name == "test" || b.elem name selected)
        && (selected == [ ] || b.elem name selected);
    in
    b.concatLists (b.attrValues (b.mapAttrs (name: t:
      if wanted name && t.expr != t.expected then
        [ { inherit name; expected = t.expected; result = t.expr; } ]
      else [ ]) tests));

  throwTestFailures = { failures, description ? "tests", ... }:
    if failures == [ ] then null
    else
      let
        show = v: b.unsafeDiscardStringContext (pretty v);
        render = f: ''
          FAIL ${show f.name}:
          Expected:
          ${show f.expected}
          Result:
          ${show f.result}
        '';
        traced = b.foldl' (_: f: traceVal (render f)) null failures;
      in
      throw (b.seq traced (
        "${toString (b.length failures)} ${description} failed:\n- "
        + b.concatStringsSep "\n- " (map (f: f.name) failures)
        + "\n\n" + b.toJSON failures));

  testAllTrue = exprs: {
    expr = exprs;
    expected = map (_: true) exprs;
  };
}
