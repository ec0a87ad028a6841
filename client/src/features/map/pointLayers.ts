import { CAMERA_STATES, isOverdue, type Clue, type RegionSnapshot } from '@zhihui/shared';
import type { CanvasLayer, CircleLook, IconLook } from '../../ui/MapView';
import { clueIcon } from './mapData';

/** The layer names a pick reports. */
export const CAMERA_LAYER = 'camera-points';
export const CLUE_LAYER = 'clue-icons';

/**
 * How a channel's point looks: down ones (offline, unknown) larger, ringed and on top; online ones
 * small and translucent, and only on a township or village wall (`includeOnline`); elsewhere not
 * drawn nor picked. The ring sits outside the disc, as maplibre's circle stroke did.
 */
const ONLINE: CircleLook = { kind: 'circle', radius: 3, fill: 'rgba(46, 230, 166, 0.75)', z: 0 };
const ringed = (fill: string, z: number): CircleLook => ({
  kind: 'circle',
  radius: 5.6,
  fill,
  stroke: '#05101f',
  strokeWidth: 1.2,
  z,
});
const UNKNOWN = ringed('#f5a524', 1);
const OFFLINE = ringed('#ff4d5e', 2);

/** The look of a channel point from its state column value (null: not drawn). */
export function cameraLook(value: number, includeOnline: boolean): CircleLook | null {
  const state = CAMERA_STATES[value] ?? 'unknown';
  if (state === 'offline') return OFFLINE;
  if (state === 'unknown') return UNKNOWN;
  return includeOnline && state === 'online' ? ONLINE : null;
}

/**
 * The channels as map points, point i being the snapshot's row i (rows without a position are not
 * drawn); a pick reports the channel's id. Positions change only with a new snapshot's rows; a
 * delta's new state column makes a new layer over the same positions.
 */
export function cameraLayer(
  cams: Pick<RegionSnapshot['cameras'], 'id' | 'lon' | 'lat' | 'state'>,
  includeOnline: boolean,
  minZoom: number,
): CanvasLayer {
  const { state, id } = cams;
  return {
    id: CAMERA_LAYER,
    lon: cams.lon,
    lat: cams.lat,
    minZoom,
    look: (i) => cameraLook(state[i]!, includeOnline),
    properties: (i) => ({ id: id[i] }),
  };
}

/** Clue icons are drawn 34 px across; closed ones smaller and dimmer. */
const ICON_PX = 34;

/**
 * Open clues with a position (and today's closed ones, dimmer), as map icons: overdue ones (a red
 * ring) over open ones over closed ones. A pick reports the clue's id.
 */
export function clueLayer(clues: readonly Clue[], now: number, todayFrom: number, minZoom: number): CanvasLayer {
  const shown: { clue: Clue; look: IconLook }[] = [];
  const looks = new Map<string, IconLook>();
  for (const c of clues) {
    if (c.lon === null || c.lat === null || c.status === 'invalid') continue;
    const open = c.status === 'reported' || c.status === 'verified' || c.status === 'dispatched';
    if (!open && Date.parse(c.reportedAt) < todayFrom) continue;
    const overdue = isOverdue(c, now);
    const image = clueIcon(c.category, overdue);
    const key = `${image}|${open}`;
    let look = looks.get(key);
    if (!look) {
      look = {
        kind: 'icon',
        image,
        size: open ? ICON_PX : ICON_PX * 0.75,
        alpha: open ? 1 : 0.55,
        z: overdue ? 2 : open ? 1 : 0,
      };
      looks.set(key, look);
    }
    shown.push({ clue: c, look });
  }
  return {
    id: CLUE_LAYER,
    lon: shown.map((s) => s.clue.lon!),
    lat: shown.map((s) => s.clue.lat!),
    minZoom,
    look: (i) => shown[i]?.look ?? null,
    properties: (i) => ({ id: shown[i]!.clue.id }),
  };
}
