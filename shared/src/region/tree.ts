import type { Region } from '../schemas/region.js';

/** The region tree, indexed for look-ups and roll-ups. Build once; it is immutable. */
export interface RegionTree {
  byCode: ReadonlyMap<string, Region>;
  childrenOf: ReadonlyMap<string, readonly Region[]>;
  roots: readonly Region[];
}

export function buildRegionTree(regions: readonly Region[]): RegionTree {
  const byCode = new Map<string, Region>();
  const childrenOf = new Map<string, Region[]>();
  for (const r of regions) byCode.set(r.code, r);
  const roots: Region[] = [];
  for (const r of regions) {
    // A region that names itself as parent would otherwise make every walk below loop forever.
    if (r.parent === null || r.parent === r.code || !byCode.has(r.parent)) {
      roots.push(r);
      continue;
    }
    const list = childrenOf.get(r.parent) ?? [];
    list.push(r);
    childrenOf.set(r.parent, list);
  }
  for (const list of childrenOf.values()) list.sort((a, b) => a.code.localeCompare(b.code));
  return { byCode, childrenOf, roots };
}

/** Ancestors of a region, root first (the region itself excluded). */
export function ancestorsOf(tree: RegionTree, code: string): Region[] {
  const out: Region[] = [];
  let r = tree.byCode.get(code);
  // Bounded by the tree's size so a cycle in bad data cannot hang the caller.
  for (let n = tree.byCode.size; r && r.parent !== null && r.parent !== r.code && n > 0; n--) {
    const p = tree.byCode.get(r.parent);
    if (!p) break;
    out.unshift(p);
    r = p;
  }
  return out;
}

export function childrenOf(tree: RegionTree, code: string): readonly Region[] {
  return tree.childrenOf.get(code) ?? [];
}

/** True when `code` is `ancestor` or lies below it. */
export function isWithin(tree: RegionTree, code: string, ancestor: string): boolean {
  let r = tree.byCode.get(code);
  for (let n = tree.byCode.size; r && n > 0; n--) {
    if (r.code === ancestor) return true;
    r = r.parent === null ? undefined : tree.byCode.get(r.parent);
  }
  return false;
}

/** The child of `ancestor` on the path to `code`; null when `code` is not below `ancestor`. */
export function childOnPathTo(tree: RegionTree, ancestor: string, code: string): string | null {
  let r = tree.byCode.get(code);
  for (let n = tree.byCode.size; r && r.parent !== null && n > 0; n--) {
    if (r.parent === ancestor) return r.code === ancestor ? null : r.code;
    r = tree.byCode.get(r.parent);
  }
  return null;
}

/** The region and every region below it. */
export function descendantsOf(tree: RegionTree, code: string): Region[] {
  const out: Region[] = [];
  const root = tree.byCode.get(code);
  if (!root) return out;
  const seen = new Set<string>();
  const stack: Region[] = [root];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (seen.has(r.code)) continue;
    seen.add(r.code);
    out.push(r);
    stack.push(...childrenOf(tree, r.code));
  }
  return out;
}
