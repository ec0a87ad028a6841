import type { CameraReason, CameraStatus } from '@zhihui/shared';
import type { CameraRecord } from '../types.js';

/**
 * A `cameras` row as a query returns it, its times in the form that query chose: `Date` for the
 * ordinary reads, epoch ms where the status batch selects them as numbers (no Date per row).
 */
export interface CameraRowOf<T> {
  id: string;
  name: string;
  region: string;
  lon: number;
  lat: number;
  in_service: boolean;
  status: CameraStatus;
  reason: CameraReason | null;
  since: T;
  last_seen: T | null;
  maintenance: CameraRecord['maintenance'];
  valid_from: T;
}

/** The one mapping of a cameras row to the store's record; `iso` writes a time the store's way. */
export function cameraRecordOf<T>(r: CameraRowOf<T>, iso: (t: T) => string): CameraRecord {
  return {
    id: r.id,
    name: r.name,
    region: r.region,
    lon: r.lon,
    lat: r.lat,
    inService: r.in_service,
    status: r.status,
    reason: r.reason,
    since: iso(r.since),
    lastSeen: r.last_seen === null ? null : iso(r.last_seen),
    maintenance: r.maintenance,
    validFrom: iso(r.valid_from),
  };
}
