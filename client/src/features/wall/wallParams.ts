/** Options of a wall, read from its URL so each screen can be set up without a settings page. */
export interface WallParams {
  /** Seconds per scene when rotating (overview ↔ each child region); null: no rotation. */
  rotateSec: number | null;
  /** Seconds the overview scene lasts when rotating (default: rotateSec). */
  overviewSec: number | null;
  /** Night dimming window in Asia/Shanghai hours [from, to), e.g. 22–6; null: never. */
  dim: { from: number; to: number } | null;
  /** Opacity of the dimming veil (0.1–0.9). */
  dimLevel: number;
  /** Burn-in protection: max pixel shift (logical px); 0 disables it. */
  shiftPx: number;
  /** Seconds the map stays on an urgent clue before flying back. */
  urgentSec: number;
  /** Force a layout: `wide` for 32:9 walls, `standard` for 16:9; null: by aspect ratio. */
  layout: 'wide' | 'standard' | null;
  /** `sound=on`: the wall speaks (chime and zh-CN voice line) on urgent clues and new roll-up alerts. */
  sound: boolean;
  /** Seconds between announcements (`announce=`); null: the server's setting. */
  announceSec: number | null;
}

const int = (v: string | null, min: number, max: number): number | null => {
  if (v === null || v.trim() === '') return null;
  const n = Number(v);
  if (!Number.isFinite(n)) return null;
  return Math.min(max, Math.max(min, Math.round(n)));
};

export function parseWallParams(search: string): WallParams {
  const q = new URLSearchParams(search);
  const rotateSec = int(q.get('rotate'), 5, 3600);
  let dim: WallParams['dim'] = null;
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(q.get('dim') ?? '');
  if (m) {
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (from <= 23 && to <= 24 && from !== to) dim = { from, to: to % 24 };
  }
  const level = Number(q.get('dimLevel'));
  const layout = q.get('layout');
  return {
    rotateSec,
    overviewSec: rotateSec === null ? null : (int(q.get('overview'), 5, 3600) ?? rotateSec),
    dim,
    dimLevel: Number.isFinite(level) && level > 0 ? Math.min(0.9, Math.max(0.1, level)) : 0.45,
    shiftPx: int(q.get('shift'), 0, 16) ?? 4,
    urgentSec: int(q.get('urgent'), 3, 600) ?? 20,
    layout: layout === 'wide' || layout === 'standard' ? layout : null,
    sound: q.get('sound') === 'on',
    announceSec: int(q.get('announce'), 0, 3600),
  };
}

/** Whether the hour (0–23) lies in the dimming window; windows may wrap midnight (22–6). */
export function isDimHour(dim: WallParams['dim'], hour: number): boolean {
  if (!dim) return false;
  return dim.from < dim.to ? hour >= dim.from && hour < dim.to : hour >= dim.from || hour < dim.to;
}

/**
 * Burn-in protection: a slow orbit of a few pixels. Step k (one per minute) walks a small
 * square spiral so static edges never sit on the same pixels for long.
 */
export function pixelShift(maxPx: number, minute: number): { x: number; y: number } {
  if (maxPx <= 0) return { x: 0, y: 0 };
  const angle = (minute % 24) * ((2 * Math.PI) / 24);
  const r = maxPx * (0.5 + 0.5 * Math.abs(Math.sin(minute / 7)));
  return { x: Math.round(Math.cos(angle) * r), y: Math.round(Math.sin(angle) * r) };
}
