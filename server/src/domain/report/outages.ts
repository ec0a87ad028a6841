import {
  chainOf,
  historyUptime,
  descendantsOf,
  isSourceDown,
  notCountedSpans,
  type CameraReason,
  type ChannelOutage,
  type ExcludedSpan,
  type Period,
  type RegionTree,
} from '@zhihui/shared';
import type { CameraRecord, StatusEvent, Store } from '../../store/types.js';
import { isoAt } from '../time.js';
import { validityByChannel } from '../summary.js';

const DAY_MS = 86_400_000;

/**
 * Downtime per channel of a region's subtree over [from, min(to, now)), from the status history,
 * with the same walk-back and the same shared channelUptime as the summary, so the list adds up
 * to the rate the ranking shows. Channels with no downtime are left out; longest first.
 */
export async function channelOutages(
  store: Store,
  tree: RegionTree,
  code: string,
  period: Period,
  now: number,
  limit = 200,
): Promise<{ items: ChannelOutage[]; total: number }> {
  const codes = new Set(descendantsOf(tree, code).map((r) => r.code));
  const cameras = (await store.allCameras()).filter((c) => codes.has(c.region));
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const at = Math.min(to, now);
  if (at <= from || cameras.length === 0) return { items: [], total: 0 };
  const ids = cameras.length <= 3000 ? cameras.map((c) => c.id) : undefined;
  const [before, events, spans, service] = await Promise.all([
    store.statusBefore({ before: period.from, cameraIds: ids }),
    store.statusEvents({ from: period.from, to: isoAt(Math.max(now, to) + DAY_MS), cameraIds: ids }),
    store.maintenanceHistory({ from: period.from, to: isoAt(at), cameraIds: ids }),
    store.serviceHistory({ from: period.from, to: isoAt(at + 1), cameraIds: ids }),
  ]);
  const validityOf = validityByChannel(service);
  const eventsOf = group([...before, ...events], (e) => e.cameraId);
  const spansOf = new Map<string, ExcludedSpan[]>();
  for (const s of spans) {
    const list = spansOf.get(s.cameraId) ?? [];
    list.push({ from: Date.parse(s.from), to: Date.parse(s.to) });
    spansOf.set(s.cameraId, list);
  }
  const out: ChannelOutage[] = [];
  for (const c of cameras) {
    // Only while valid and in service, as the summary counts it (#18.2).
    const v = validityOf(c);
    if (v.validFrom > at) continue;
    const excluded = [...(spansOf.get(c.id) ?? []), ...notCountedSpans(v, c.inService, from, at)];
    const o = outageOf(c, eventsOf.get(c.id) ?? [], excluded, from, at);
    if (o.downMs > 0) out.push(o);
  }
  out.sort((a, b) => b.downMs - a.downMs || a.id.localeCompare(b.id));
  return { items: out.slice(0, limit), total: out.length };
}

function outageOf(
  c: CameraRecord,
  evs: readonly StatusEvent[],
  spans: ExcludedSpan[],
  from: number,
  at: number,
): ChannelOutage {
  const excluded = [...spans];
  if (c.maintenance) excluded.push({ from: Date.parse(c.maintenance.from), to: Date.parse(c.maintenance.to) });
  const steps = chainOf(evs);
  let failures = 0;
  let lastReason: CameraReason | null = null;
  steps.forEach((e, i) => {
    if (e.at >= at || e.at < from) return;
    // Every going down from online counts here (to unknown as well): the list is of outages. A
    // source going down is not one (#11): its time is not counted either (historyUptime).
    if (e.to !== 'online' && e.from === 'online' && !isSourceDown(e.to, e.reason)) failures++;
    if (e.to !== 'online' && evs[i]!.reason) lastReason = evs[i]!.reason;
  });
  // Down now: why it is down now; back up since: why it was down in the period.
  const reason = c.status === 'online' ? lastReason : (c.reason ?? lastReason);
  const u = historyUptime(steps, c.status, from, at, excluded, c.reason);
  return {
    id: c.id,
    name: c.name,
    region: c.region,
    downMs: u.counted - u.online,
    countedMs: u.counted,
    failures,
    status: c.status,
    since: c.since,
    reason,
  };
}

function group<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}
