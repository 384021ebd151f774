/**
 * Building a system from a configuration file, for `switch` and `diff`: evaluate it
 * (configuration.ts), then either realise its toplevel into the store, or — for a dry run —
 * write the unit tree the toplevel would hold into a temporary directory straight from the
 * evaluated `systemd.units`, so that nothing is built (a unit's script may need an image
 * built first). Either way the result carries the generation's metadata: the option
 * snapshot (option-values.ts) and the images the containers load.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evalExpr } from '../eval/index';
import { callFunction1, forceAttrs, forceBool, forceList, forceStringNoCtx, forceStringValue } from '../eval/runtime';
import { force } from '../eval/value';
import { getStore } from '../store';
import { addTempRoots } from '../store/gc';
import { parseTarget, Realiser } from '../store/realise';
import { writeErr } from '../cli/output';
import { evalSystem, SystemEval } from './configuration';
import { optionSnapshot } from './option-values';
import type { BuiltSystem } from './switch';

export interface BuildSystemOptions {
  configFile: string;
  dryRun?: boolean;
  jobs?: number;
}

/** What a dry run needs of each unit, as NixOS's generateUnits reads it. */
const UNITS_EXPR = `config: map (name: let u = config.systemd.units.\${name}; in {
  inherit name;
  enable = u.enable or true;
  text = if u.enable or true then u.text or "" else "";
  overrideStrategy = u.overrideStrategy or "asDropinIfExists";
  aliases = u.aliases or [ ];
  wantedBy = u.wantedBy or [ ];
  requiredBy = u.requiredBy or [ ];
  upheldBy = u.upheldBy or [ ];
}) (builtins.attrNames (config.systemd.units or { }))`;

/** The images the configuration's containers load (imageFile / imageStream), as store paths. */
const IMAGES_EXPR = `config: let cs = builtins.attrValues (config.virtualisation.oci-containers.containers or { }); in
  builtins.sort builtins.lessThan (map toString (builtins.filter (x: x != null)
    (builtins.concatMap (c: [ (c.imageFile or null) (c.imageStream or null) ]) cs)))`;

function applyExpr(expr: string, sys: SystemEval) {
  return force(callFunction1(evalExpr(expr), sys.config));
}

export function systemMetadata(sys: SystemEval): { options: ReturnType<typeof optionSnapshot>; images: string[] } {
  const images = forceList(applyExpr(IMAGES_EXPR, sys)).map((v) => forceStringValue(v));
  return { options: optionSnapshot(sys), images };
}

export async function buildSystem(opts: BuildSystemOptions): Promise<BuiltSystem> {
  const sys = evalSystem(opts.configFile);
  const toplevel = forceAttrs(sys.root.get('system')!);
  const drvPath = forceStringValue(toplevel.get('drvPath')!);
  const outPath = forceStringValue(toplevel.get('outPath')!);
  const metadata = systemMetadata(sys);
  if (opts.dryRun) {
    return { toplevel: outPath, physical: writeDryRunTree(sys), metadata };
  }
  const store = getStore();
  const progress = process.stderr.isTTY ? (msg: string) => writeErr(msg + '\n') : undefined;
  const realiser = new Realiser(store, { jobs: opts.jobs ?? 1, progress });
  const target = parseTarget(drvPath);
  addTempRoots(store, [drvPath, outPath]);
  await realiser.realise([target]);
  return { toplevel: outPath, physical: store.physicalPath(outPath), metadata };
}

/**
 * The toplevel's etc/systemd/system for a dry run, in a fresh temporary directory: unit
 * files with their texts, /dev/null for disabled units, overrides.conf drop-ins, aliases
 * and the .wants/.requires/.upholds links — what generateUnits would link.
 */
function writeDryRunTree(sys: SystemEval): string {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'nixling-dry-run-'));
  const dir = path.join(top, 'etc/systemd/system');
  fs.mkdirSync(dir, { recursive: true });
  const fsName = (s: string) => Buffer.from(s, 'latin1').toString('utf8');
  const place = (rel: string, make: (at: string) => void) => {
    const at = path.join(dir, fsName(rel));
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.rmSync(at, { force: true });
    make(at);
  };
  for (const v of forceList(applyExpr(UNITS_EXPR, sys))) {
    const u = forceAttrs(v);
    const name = forceStringNoCtx(u.get('name')!);
    const enabled = forceBool(u.get('enable')!);
    const file = forceStringValue(u.get('overrideStrategy')!) === 'asDropin' ? `${name}.d/overrides.conf` : name;
    if (enabled) {
      const text = Buffer.from(forceStringValue(u.get('text')!), 'latin1');
      place(file, (at) => fs.writeFileSync(at, text));
    } else place(file, (at) => fs.symlinkSync('/dev/null', at));
    const strings = (k: string) => forceList(u.get(k)!).map((x) => forceStringNoCtx(x));
    for (const a of strings('aliases')) place(a, (at) => fs.symlinkSync(fsName(name), at));
    for (const [attr, suffix] of [['wantedBy', 'wants'], ['requiredBy', 'requires'], ['upheldBy', 'upholds']]) {
      for (const t of strings(attr)) place(`${t}.${suffix}/${name}`, (at) => fs.symlinkSync('../' + fsName(name), at));
    }
  }
  return top;
}

