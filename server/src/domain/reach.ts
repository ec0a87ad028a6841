import { ErrorCode, ancestorsOf, descendantsOf, isWithin, type Region, type RegionTree } from '@zhihui/shared';
import { HttpError, notFound } from './errors.js';

/**
 * The one answer to "may this credential touch this region?". A credential reaches the subtree
 * under its region root (the root itself and everything below it); a root of null reaches the
 * whole tree. HTTP routes, the ingest service, the socket `subscribe` and the admin API all ask
 * here, so a rule changed here changes everywhere at once.
 */

/** Root of a credential's region subtree; null: the whole tree. */
export type RegionRoot = string | null;

/** True when `code` lies in the subtree under `root` (an unknown code lies in no bound subtree). */
export function reaches(tree: RegionTree, root: RegionRoot, code: string): boolean {
  return root === null || isWithin(tree, code, root);
}

/** True when the subtree under `inner` lies inside the one under `outer` (a bound root never covers the whole tree). */
export function covers(tree: RegionTree, outer: RegionRoot, inner: RegionRoot): boolean {
  if (outer === null) return true;
  return inner !== null && isWithin(tree, inner, outer);
}

const describe = (tree: RegionTree, root: string): string => {
  const name = tree.byCode.get(root)?.name;
  return name ? `${root} ${name}` : root;
};

/** The 403 for a region outside the credential's subtree, naming both. */
export function outOfReach(tree: RegionTree, root: string, code: string, field?: string): HttpError {
  const message = `${field ? `${field}: ` : ''}region ${code} is outside this credential's region (${describe(tree, root)})`;
  return new HttpError(
    403,
    ErrorCode.forbidden,
    message,
    field ? [{ field, message: "outside this credential's region" }] : undefined,
  );
}

/** Throws 403 FORBIDDEN unless `code` is in reach. */
export function assertReaches(tree: RegionTree, root: RegionRoot, code: string, field?: string): void {
  if (root !== null && !reaches(tree, root, code)) throw outOfReach(tree, root, code, field);
}

/** The region of `code`, when it exists (404 UNKNOWN_REGION) and `root` reaches it (403). */
export function regionInReach(tree: RegionTree, root: RegionRoot, code: string): Region {
  const r = tree.byCode.get(code);
  if (!r) throw notFound('region', code, ErrorCode.unknownRegion);
  assertReaches(tree, root, code);
  return r;
}

/** 403 unless the credential reaches the whole tree: for what is deployment-wide (the audit log, the sources). */
export function assertWholeTree(root: RegionRoot, what: string): void {
  if (root !== null)
    throw new HttpError(
      403,
      ErrorCode.forbidden,
      `${what} covers the whole tree; this credential reaches region ${root} only`,
    );
}

/**
 * The region codes a list may read: the requested region's subtree (403 when out of reach), or,
 * with no region asked for, the credential's own subtree; undefined means every region.
 */
export function readableCodes(tree: RegionTree, root: RegionRoot, requested: string | undefined): string[] | undefined {
  if (requested !== undefined) {
    assertReaches(tree, root, requested, 'region');
    return descendantsOf(tree, requested).map((r) => r.code);
  }
  return root === null ? undefined : descendantsOf(tree, root).map((r) => r.code);
}

/**
 * What of the tree a credential may see as a tree: its subtree plus the path above it (names for
 * breadcrumbs), with the top of that path as the root. The whole tree when unbound.
 */
export function visibleTree(tree: RegionTree, root: RegionRoot): { roots: string[]; regions: Region[] } {
  if (root === null) return { roots: tree.roots.map((r) => r.code), regions: [...tree.byCode.values()] };
  if (!tree.byCode.has(root)) return { roots: [], regions: [] };
  const path = ancestorsOf(tree, root);
  return { roots: [(path[0] ?? tree.byCode.get(root)!).code], regions: [...path, ...descendantsOf(tree, root)] };
}

/** The region root of whoever made a request or opened a socket (no principal: the whole tree, as open reads are). */
export const rootOf = (who: { principal?: { region: string | null } | null }): RegionRoot =>
  who.principal?.region ?? null;
