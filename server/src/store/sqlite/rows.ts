import { msAt, type CameraReason, type CameraStatus } from '@zhihui/shared';
import { isoAt } from '../isoAt.js';
import type { CameraRecord } from '../types.js';

type Row = Record<string, unknown>;

/** A channel as held in memory: times as epoch ms, so the ingest path compares numbers. */
export interface CamRow {
  id: string;
  name: string;
  region: string;
  lon: number;
  lat: number;
  inService: boolean;
  status: CameraStatus;
  reason: CameraReason | null;
  since: number;
  lastSeen: number | null;
  mReason: string | null;
  mFrom: number | null;
  mTo: number | null;
  /** Since when the channel counts (#18.2). */
  validFrom: number;
}

/** An instant as the store keeps it (epoch ms); anything Date.parse cannot read is refused. */
export const ms = (iso: string): number => {
  const t = msAt(iso);
  if (!Number.isFinite(t)) throw new RangeError(`not a time: ${iso}`);
  return t;
};

export function toRecord(c: CamRow): CameraRecord {
  const since = isoAt(c.since);
  return {
    id: c.id,
    name: c.name,
    region: c.region,
    lon: c.lon,
    lat: c.lat,
    inService: c.inService,
    status: c.status,
    reason: c.reason,
    since,
    // A change heard just now starts its state at its last sign of life: one string for both.
    lastSeen: c.lastSeen === null ? null : c.lastSeen === c.since ? since : isoAt(c.lastSeen),
    maintenance:
      c.mReason !== null && c.mFrom !== null && c.mTo !== null
        ? { reason: c.mReason, from: isoAt(c.mFrom), to: isoAt(c.mTo) }
        : null,
    validFrom: isoAt(c.validFrom),
  };
}

export function camFromRow(r: Row): CamRow {
  return {
    id: r.id as string,
    name: r.name as string,
    region: r.region as string,
    lon: r.lon as number,
    lat: r.lat as number,
    inService: r.in_service === 1,
    status: r.status as CameraStatus,
    reason: (r.reason as CameraReason | null) ?? null,
    since: r.since as number,
    lastSeen: (r.last_seen as number | null) ?? null,
    mReason: (r.m_reason as string | null) ?? null,
    mFrom: (r.m_from as number | null) ?? null,
    mTo: (r.m_to as number | null) ?? null,
    validFrom: (r.valid_from as number | null) ?? (r.created_at as number),
  };
}
