# nixling lib — text snippets with dependencies, concatenated in dependency
# order (used by NixOS activation scripts).
{ lib }:

let
  b = builtins;
in
rec {
  # `predefined` maps names to entries { text; deps; }; `wanted` lists names or
  # entries. Each named entry is emitted once, after its dependencies.
  textClosureList = predefined: wanted:
    let
      walk = seen: todo:
        if todo == [ ] then { texts = [ ]; inherit seen; }
        else
          let item = b.head todo; rest = b.tail todo; in
          if b.isAttrs item then
            let
              before = walk seen item.deps;
              after = walk before.seen rest;
            in
            { texts = before.texts ++ [ item.text ] ++ after.texts; seen = after.seen; }
          else if seen ? ${item} then walk seen rest
          else walk (seen // { ${item} = true; }) ([ predefined.${item} ] ++ rest);
    in
    (walk { } wanted).texts;

  textClosureMap = f: predefined: names:
    b.concatStringsSep "\n" (map f (textClosureList predefined names));

  noDepEntry = text: { inherit text; deps = [ ]; };
  fullDepEntry = text: deps: { inherit text deps; };
  packEntry = deps: { inherit deps; text = ""; };
  stringAfter = deps: text: { inherit text deps; };
}
