# nixling lib — fixed points and extension (overlay) composition.
{ lib }:

rec {
  # The least fixed point of f, computed lazily: f receives its own result.
  fix = f: let result = f result; in result;

  # Like fix, but remembers f under __unfix__ so the fixed point can be re-opened.
  fix' = f: let result = f result // { __unfix__ = f; }; in result;

  # Iterate f from x until the value stops changing.
  converge = f: x:
    let next = f x; in
    if next == x then x else converge f next;

  # Apply an overlay `final: prev: { … }` on top of the function `rattrs`.
  extends = overlay: rattrs: final:
    let prev = rattrs final; in
    prev // overlay final prev;

  composeExtensions = first: second: final: prev:
    let
      fromFirst = first final prev;
    in
    fromFirst // second final (prev // fromFirst);

  composeManyExtensions = overlays:
    lib.foldr composeExtensions (_: _: { }) overlays;

  makeExtensible = makeExtensibleWithCustomName "extend";

  makeExtensibleWithCustomName = extenderName: rattrs:
    fix' (self: rattrs self // {
      ${extenderName} = overlay: makeExtensibleWithCustomName extenderName (extends overlay rattrs);
    });

  # Turn an attribute set, a `prev: …` function or a `final: prev: …` function
  # into an overlay.
  toExtension = v:
    if !lib.isFunction v then
      (_: _: v)
    else
      final: prev:
        let applied = v prev; in
        if lib.isFunction applied then v final prev else applied;
}
