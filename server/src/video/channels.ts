import {
  ancestorsOf,
  CAMERA_REASONS,
  CAMERA_STATES,
  childrenOf,
  isWithin,
  type RegionTree,
  type VideoChannel,
} from '@zhihui/shared';
import type { CameraRecord } from '../store/types.js';
import type { Plan } from './broker.js';

/** What the channel views need from the live state (LiveEngine satisfies it). */
export interface ChannelSource {
  readonly tree: RegionTree;
  camera(id: string): CameraRecord | undefined;
  cameraRow(id: string): { state: number; reason: number; since: number } | undefined;
  /** Channel ids in a region's subtree, sorted. */
  rows(code: string): { ids: readonly string[] };
}

/** A channel as a tile shows it: names from the region tree, state as the wall counts it. */
export function channelView(src: ChannelSource, cam: CameraRecord, plan: Plan | null, snapshot: boolean): VideoChannel {
  const tree = src.tree;
  const region = tree.byCode.get(cam.region);
  const row = src.cameraRow(cam.id);
  const township =
    region?.level === 'village'
      ? (ancestorsOf(tree, cam.region).find((r) => r.level === 'township') ?? region)
      : region;
  return {
    id: cam.id,
    name: cam.name,
    region: cam.region,
    regionName: region?.name ?? cam.region,
    township: township?.name ?? cam.region,
    lon: cam.lon,
    lat: cam.lat,
    status: cam.status,
    state: row ? CAMERA_STATES[row.state]! : cam.status,
    reason: row && row.reason > 0 ? CAMERA_REASONS[row.reason - 1]! : cam.reason,
    since: row ? new Date(row.since * 1000).toISOString() : cam.since,
    origin: plan?.origin ?? null,
    snapshot,
  };
}

const isLive = (src: ChannelSource, id: string): boolean => {
  const row = src.cameraRow(id);
  return row !== undefined && CAMERA_STATES[row.state] === 'online';
};

/** The configured key-channel list that applies to a region: its own, or its nearest ancestor's. */
function configuredList(tree: RegionTree, region: string, lists: Record<string, string[]>): string[] | null {
  if (lists[region]) return lists[region]!;
  for (const a of ancestorsOf(tree, region).reverse()) if (lists[a.code]) return lists[a.code]!;
  return null;
}

export const MAX_AUTO_KEY_CHANNELS = 12;

/**
 * The 重点点位 of a region's wall: the configured list (its own or an ancestor's, keeping the
 * channels inside the region), else one live channel per child region in code order (a
 * township wall: its first live channels), so every wall has something to show without setup.
 */
export function keyChannelIds(
  src: ChannelSource,
  region: string,
  lists: Record<string, string[]>,
): { ids: string[]; auto: boolean } {
  const list = configuredList(src.tree, region, lists);
  if (list) {
    const ids = list.filter((id) => {
      const c = src.camera(id);
      return c !== undefined && isWithin(src.tree, c.region, region);
    });
    return { ids: [...new Set(ids)], auto: false };
  }
  const kids = childrenOf(src.tree, region);
  const ids: string[] = [];
  if (kids.length === 0) {
    for (const id of src.rows(region).ids) {
      if (isLive(src, id)) ids.push(id);
      if (ids.length >= MAX_AUTO_KEY_CHANNELS) break;
    }
  } else {
    for (const k of kids) {
      const id = src.rows(k.code).ids.find((x) => isLive(src, x));
      if (id) ids.push(id);
      if (ids.length >= MAX_AUTO_KEY_CHANNELS) break;
    }
  }
  return { ids, auto: true };
}

const EARTH_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The `limit` channels of a region nearest to a point, nearest first (ties by id); `live` keeps online ones only. */
export function nearestIds(
  src: ChannelSource,
  region: string,
  lon: number,
  lat: number,
  limit: number,
  live: boolean,
): { id: string; distanceM: number }[] {
  const best: { id: string; distanceM: number }[] = [];
  for (const id of src.rows(region).ids) {
    if (live && !isLive(src, id)) continue;
    const c = src.camera(id);
    if (!c || !c.inService) continue;
    const d = distanceM(lon, lat, c.lon, c.lat);
    if (best.length === limit && d >= best[best.length - 1]!.distanceM) continue;
    let i = best.length;
    while (i > 0 && best[i - 1]!.distanceM > d) i--;
    best.splice(i, 0, { id, distanceM: d });
    if (best.length > limit) best.pop();
  }
  return best;
}
