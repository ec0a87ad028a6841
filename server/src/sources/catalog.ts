import type { CameraInput, RegionTree } from '@zhihui/shared';
import type { CameraRecord } from '../store/types.js';
import type { WvpChannel } from './wvpApi.js';

/** The `catalog:` settings of a wvp source. */
export interface CatalogRules {
  /** Civil code (or a prefix of it) → region code, for codes that are not NBS codes (GB/T 28181's 8-digit 基层 codes). */
  regions?: Record<string, string>;
  defaultRegion?: string;
}

/** How one channel of the platform's catalog would enter the inventory. */
export interface CatalogRow extends CameraInput {
  /** How the region was found: mapping table, the civil code itself, the county in the GB id, the default. */
  regionFrom: 'mapping' | 'civil_code' | 'gb_id' | 'default';
  /** The position is the region's centre: the platform gave none. */
  approximatePosition: boolean;
}

export interface CatalogPlan {
  add: CatalogRow[];
  update: (CatalogRow & { changes: string[] })[];
  unchanged: number;
  skipped: { id: string; name: string | null; why: string }[];
}

const GB_ID = /^\d{20}$/;

/** The region of a channel: mapping table (longest prefix), an NBS civil code, the county in its GB id, or the default. */
function regionOf(
  ch: WvpChannel,
  tree: RegionTree,
  rules: CatalogRules,
): { code: string; from: CatalogRow['regionFrom'] } | null {
  const civil = ch.civilCode ?? '';
  const table = rules.regions ?? {};
  let best: string | null = null;
  for (const prefix of Object.keys(table))
    if (civil.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
  if (best !== null && tree.byCode.has(table[best]!)) return { code: table[best]!, from: 'mapping' };
  if (/^(\d{6}|\d{9}|\d{12})$/.test(civil) && tree.byCode.has(civil)) return { code: civil, from: 'civil_code' };
  // GB/T 28181 ids begin with the 6-digit county code of the centre the device is registered to.
  const county = ch.id.slice(0, 6);
  if (tree.byCode.has(county)) return { code: county, from: 'gb_id' };
  if (rules.defaultRegion && tree.byCode.has(rules.defaultRegion))
    return { code: rules.defaultRegion, from: 'default' };
  return null;
}

const validPoint = (lon: number | null, lat: number | null): boolean =>
  lon !== null && lat !== null && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90 && !(lon === 0 && lat === 0);

/**
 * What importing a platform's channel catalog would change in the inventory: new channels,
 * changed names, regions or positions, and what cannot be imported (with why). Pure: the caller
 * fetches the catalog and the existing records, shows this (dry run) or applies it.
 */
export function planCatalog(
  channels: readonly WvpChannel[],
  existing: ReadonlyMap<string, CameraRecord>,
  tree: RegionTree,
  rules: CatalogRules,
): CatalogPlan {
  const plan: CatalogPlan = { add: [], update: [], unchanged: 0, skipped: [] };
  const seen = new Set<string>();
  for (const ch of channels) {
    if (seen.has(ch.id)) continue;
    seen.add(ch.id);
    if (!GB_ID.test(ch.id)) {
      plan.skipped.push({ id: ch.id, name: ch.name, why: 'not a 20-digit GB/T 28181 id' });
      continue;
    }
    const region = regionOf(ch, tree, rules);
    if (!region) {
      plan.skipped.push({
        id: ch.id,
        name: ch.name,
        why: `no region for civil code '${ch.civilCode ?? ''}' (add it to catalog.regions, or set catalog.defaultRegion)`,
      });
      continue;
    }
    const approximate = !validPoint(ch.lon, ch.lat);
    const center = tree.byCode.get(region.code)!.center;
    if (approximate && !center) {
      plan.skipped.push({
        id: ch.id,
        name: ch.name,
        why: `no position, and region ${region.code} has no centre to stand in`,
      });
      continue;
    }
    const name = (ch.name ?? '').trim().slice(0, 120) || ch.id;
    const row: CatalogRow = {
      id: ch.id,
      name,
      region: region.code,
      lon: approximate ? center![0] : ch.lon!,
      lat: approximate ? center![1] : ch.lat!,
      regionFrom: region.from,
      approximatePosition: approximate,
    };
    const old = existing.get(ch.id);
    if (!old) {
      plan.add.push(row);
      continue;
    }
    const changes: string[] = [];
    if (old.name !== row.name) changes.push('name');
    if (old.region !== row.region) changes.push('region');
    // A position the platform does not know does not move one set by hand.
    if (!approximate && (Math.abs(old.lon - row.lon) > 1e-6 || Math.abs(old.lat - row.lat) > 1e-6))
      changes.push('position');
    if (changes.length === 0) {
      plan.unchanged++;
      continue;
    }
    plan.update.push({
      ...row,
      lon: changes.includes('position') ? row.lon : old.lon,
      lat: changes.includes('position') ? row.lat : old.lat,
      changes,
    });
  }
  return plan;
}
