import type { CameraRecord, MaintenanceSpan, StatusEvent } from './types.js';

/** Each channel's earliest status change or maintenance window (epoch ms) in a seed. */
export function firstEventAt(
  events: readonly StatusEvent[],
  maintenance: readonly MaintenanceSpan[] = [],
): Map<string, number> {
  const out = new Map<string, number>();
  const see = (id: string, at: number) => {
    const cur = out.get(id);
    if (cur === undefined || at < cur) out.set(id, at);
  };
  for (const e of events) see(e.cameraId, Date.parse(e.at));
  for (const m of maintenance) see(m.cameraId, Date.parse(m.from));
  return out;
}

/**
 * Since when a seeded channel is valid (epoch ms): the record's own validFrom (the seed gives its
 * history's start), else the start of its current status; never after its first change or
 * maintenance window, so nothing seeded falls before validity.
 */
export function seedValidFrom(c: CameraRecord, firstEvent: number | undefined): number {
  const own = c.validFrom === undefined ? Date.parse(c.since) : Date.parse(c.validFrom);
  return firstEvent === undefined ? own : Math.min(own, firstEvent);
}
