/**
 * Ordering store paths by "popularity", as nixpkgs' referencesByPopularity does for
 * layered images, so that paths many things depend on get layers of their own and images
 * built from the same packages share them.
 *
 * The reference graph (self-references dropped) is unfolded into a tree from its roots (the
 * paths nothing else refers to), a path that is reachable several ways appearing several
 * times. Each path's popularity is then computed bottom-up: a node's direct children count 1
 * each and everything below a child counts its popularity under that child plus 1. In the
 * result paths come by decreasing popularity, equally popular ones ordered by their name
 * without the hash (then by the hash), so unrelated changes land near the end of the list.
 *
 * Popularities grow exponentially with depth, so they are BigInts.
 */

/** The name-first sort key nixpkgs uses: "/nix/store/HASH-a-b" → "a-b-/nix/store/HASH". */
function packageKey(path: string): string {
  const parts = path.split('-');
  const first = parts.shift()!;
  parts.push(first);
  return parts.join('-');
}

/**
 * Orders the nodes of `graph` (node → the nodes it refers to) by popularity, most popular
 * first. Nodes referred to but missing as keys count as leaves.
 */
export function orderByPopularity(graph: Map<string, string[]>): string[] {
  const lookup = new Map<string, string[]>();
  const referenced = new Set<string>();
  for (const [p, refs] of graph) {
    const rs = refs.filter((r) => r !== p);
    lookup.set(p, rs);
    for (const r of rs) referenced.add(r);
  }
  const roots = [...graph.keys()].filter((p) => !referenced.has(p));

  const memo = new Map<string, Map<string, bigint>>();
  const contest = (children: string[]): Map<string, bigint> => {
    const pop = new Map<string, bigint>();
    const add = (k: string, v: bigint): void => {
      pop.set(k, (pop.get(k) ?? 0n) + v);
    };
    for (const c of children) {
      add(c, 1n);
      let sub = memo.get(c);
      if (sub === undefined) {
        sub = contest(lookup.get(c) ?? []);
        memo.set(c, sub);
      }
      for (const [s, v] of sub) add(s, v + 1n);
    }
    return pop;
  };
  const pop = contest(roots);

  const ordered = [...pop.keys()].sort((a, b) => {
    const pa = pop.get(a)!;
    const pb = pop.get(b)!;
    if (pa !== pb) return pa > pb ? -1 : 1;
    const ka = packageKey(a);
    const kb = packageKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  // Anything unreachable from a root (only possible with cycles) goes last, sorted.
  const seen = new Set(ordered);
  const all = new Set<string>();
  for (const [p, refs] of graph) {
    all.add(p);
    for (const r of refs) all.add(r);
  }
  ordered.push(...[...all].filter((p) => !seen.has(p)).sort());
  return ordered;
}

/**
 * Splits the paths into at most `available` layers: one per path for the first
 * `available - 1`, and the rest together in the last (no empty layers).
 */
export function groupLayers(paths: string[], available: number): string[][] {
  if (available < 1) throw new Error(`no layers are left for the store paths (${available} available)`);
  const single = paths.slice(0, available - 1).map((p) => [p]);
  const rest = paths.slice(available - 1);
  return rest.length > 0 ? [...single, rest] : single;
}
