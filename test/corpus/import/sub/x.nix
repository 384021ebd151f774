# Imported through ../link.nix (a symbolic link): paths here are relative to this directory.
{ here = ./.; y = ./y; pos = (builtins.unsafeGetAttrPos "here" { here = 1; }).file; }
