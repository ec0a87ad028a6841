import {
  ErrorCode,
  cameraFigures,
  cameraStateOf,
  chainOf,
  historyUptime,
  stateAtTime,
  statusChangeKind,
  childrenOf,
  clueFigures,
  descendantsOf,
  emptyGridFigures,
  inMaintenance,
  inServiceAt,
  mediationFigures,
  notCountedSpans,
  sumRegionFigures,
  rate,
  type CameraReason,
  type CameraState,
  type ClueStatus,
  type Clue,
  type ExcludedSpan,
  type GridFigures,
  type Period,
  type Region,
  type RegionFigures,
  type RegionRef,
  type RegionSummary,
  type RegionTree,
  type Validity,
} from '@zhihui/shared';
import type { CameraRecord, MaintenanceSpan, ServiceChange, StatusEvent, Store } from '../store/types.js';
import { notFound } from './errors.js';
import { isoAt } from './time.js';

const DAY_MS = 86_400_000;
/** Above this many channels the history is read whole and filtered here, not with an id list. */
const ID_FILTER_LIMIT = 3000;
const PAGE = 5000;

const refOf = (r: Region): RegionRef => ({ code: r.code, name: r.name, level: r.level });

/** Everything one bucket (a child region's subtree, or the region itself) contributes. */
interface Bucket {
  states: { state: CameraState; reason: CameraReason | null }[];
  uptime: { online: number; counted: number }[];
  repaired: number;
  newlyFailed: number;
  clues: Clue[];
  grid: GridFigures;
  touched: boolean;
}

const emptyBucket = (): Bucket => ({
  states: [],
  uptime: [],
  repaired: 0,
  newlyFailed: 0,
  clues: [],
  grid: emptyGridFigures(),
  touched: false,
});

function figuresOf(
  region: Region,
  period: Period,
  b: Bucket,
  now: number,
  statusAtEnd: ReadonlyMap<string, ClueStatus>,
): RegionFigures {
  const cameras = cameraFigures(b.states);
  cameras.repaired = b.repaired;
  cameras.newlyFailed = b.newlyFailed;
  for (const u of b.uptime) {
    cameras.onlineMs += u.online;
    cameras.countedMs += u.counted;
  }
  cameras.timeWeightedRate = rate(cameras.onlineMs, cameras.countedMs);
  return {
    region: refOf(region),
    period,
    cameras,
    clues: clueFigures(b.clues, period, now, (c) => statusAtEnd.get(c.id)),
    mediation: mediationFigures(b.clues, period),
    grid: b.grid,
  };
}

/** One bucket per child region (its whole subtree) and one for the region's own channels. */
function regionBuckets(tree: RegionTree, code: string, children: readonly { code: string }[]) {
  const bucketOf = new Map<string, number>();
  bucketOf.set(code, -1);
  children.forEach((child, i) => {
    for (const d of descendantsOf(tree, child.code)) bucketOf.set(d.code, i);
  });
  const buckets = children.map(emptyBucket);
  const own = emptyBucket();
  const bucket = (regionCode: string): Bucket | null => {
    const i = bucketOf.get(regionCode);
    if (i === undefined) return null;
    const b = i === -1 ? own : buckets[i]!;
    b.touched = true;
    return b;
  };
  const codes = [...bucketOf.keys()];
  return { bucketOf, buckets, own, bucket, codes };
}

/** Status changes and maintenance spans, each grouped by channel. */
function byChannel(changes: readonly StatusEvent[], spans: readonly MaintenanceSpan[]) {
  const eventsOf = new Map<string, StatusEvent[]>();
  for (const e of changes) {
    const list = eventsOf.get(e.cameraId);
    if (list) list.push(e);
    else eventsOf.set(e.cameraId, [e]);
  }
  const spansOf = new Map<string, ExcludedSpan[]>();
  for (const s of spans) {
    const list = spansOf.get(s.cameraId) ?? [];
    list.push({ from: Date.parse(s.from), to: Date.parse(s.to) });
    spansOf.set(s.cameraId, list);
  }
  return { eventsOf, spansOf };
}

/** The period's clues, page by page, into their region's bucket. */
async function bucketClues(
  store: Store,
  codes: string[],
  period: Period,
  bucket: (regionCode: string) => Bucket | null,
): Promise<void> {
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await store.listClues({ regions: codes, from: period.from, to: period.to, limit: PAGE, cursor });
    for (const c of page.items) bucket(c.region)?.clues.push(c);
    cursor = page.nextCursor ?? undefined;
  }
}

/** Grid workers (on duty or not) and their reports, into their region's bucket. */
function bucketGrid(
  workers: readonly { region: string; onDuty: boolean }[],
  reports: readonly { region: string }[],
  bucket: (regionCode: string) => Bucket | null,
): void {
  for (const w of workers) {
    const b = bucket(w.region);
    if (!b) continue;
    b.grid.workers++;
    if (w.onDuty) b.grid.onDuty++;
  }
  for (const r of reports) {
    const b = bucket(r.region);
    if (b) b.grid.reports++;
  }
}

/**
 * Figures of a region over a period, with the same for each child region, rolled up along the
 * tree (county → townships, city → counties …). Channels are counted as they were at
 * min(period.to, now), reconstructed from the status history; repaired / newly failed count
 * offline→online / online→offline changes in the period; the time-weighted rate comes from the
 * history with planned maintenance excluded. Throws 404 UNKNOWN_REGION for an unknown code.
 */
export async function computeSummary(
  store: Store,
  tree: RegionTree,
  code: string,
  period: Period,
  now: number,
): Promise<RegionSummary> {
  const region = tree.byCode.get(code);
  if (!region) throw notFound('region', code, ErrorCode.unknownRegion);
  const children = childrenOf(tree, code);
  const { bucketOf, buckets, own, bucket, codes } = regionBuckets(tree, code, children);

  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const at = Math.min(to, now); // the instant channel states are counted at
  const upTo = Math.max(now, to) + DAY_MS; // far enough to walk back from the current state

  const cameras = (await store.allCameras()).filter((c) => bucketOf.has(c.region));
  const ids = cameras.length <= ID_FILTER_LIMIT ? cameras.map((c) => c.id) : undefined;
  const [before, events, spans, workers, reports, service] = await Promise.all([
    // What each channel's first change in the period started from, reason included.
    store.statusBefore({ before: period.from, cameraIds: ids }),
    store.statusEvents({ from: period.from, to: isoAt(upTo), cameraIds: ids }),
    at > from
      ? store.maintenanceHistory({ from: period.from, to: isoAt(at), cameraIds: ids })
      : Promise.resolve([] as MaintenanceSpan[]),
    store.allGridWorkers(),
    store.gridReports({ from: period.from, to: period.to, regions: codes }),
    store.serviceHistory({ from: period.from, to: isoAt(Math.max(at, from) + 1), cameraIds: ids }),
  ]);
  const validityOf = validityByChannel(service);
  const { eventsOf, spansOf } = byChannel([...before, ...events], spans);

  for (const c of cameras) {
    const v = validityOf(c);
    // A channel that became valid after the instant counted was not part of the period (#18.2).
    if (v.validFrom > at) continue;
    countCamera(c, v, eventsOf.get(c.id) ?? [], spansOf.get(c.id) ?? [], bucket(c.region)!, from, to, at);
  }

  await bucketClues(store, codes, period, bucket);
  bucketGrid(workers, reports, bucket);

  // A past period's overdue: open at its end, read from the lifecycle (steps after the end).
  const statusAtEnd =
    to <= now
      ? await store.clueStatusesAt(
          [...buckets, own].flatMap((b) => b.clues.map((c) => c.id)),
          period.to,
        )
      : new Map<string, ClueStatus>();
  const childFigures = children.map((child, i) => figuresOf(child, period, buckets[i]!, now, statusAtEnd));
  const ownFigures = figuresOf(region, period, own, now, statusAtEnd);
  const figures =
    children.length === 0
      ? ownFigures
      : sumRegionFigures(refOf(region), period, own.touched ? [...childFigures, ownFigures] : childFigures);
  return { ...figures, children: childFigures };
}

/** Each channel's validity (#18.2) from the service history rows and its record. */
export function validityByChannel(rows: readonly ServiceChange[]): (c: CameraRecord) => Validity {
  const byId = new Map<string, { at: number; inService: boolean }[]>();
  for (const r of rows) {
    const list = byId.get(r.cameraId);
    const x = { at: Date.parse(r.at), inService: r.inService };
    if (list) list.push(x);
    else byId.set(r.cameraId, [x]);
  }
  return (c) => ({
    validFrom: c.validFrom === undefined ? -Infinity : Date.parse(c.validFrom),
    service: byId.get(c.id) ?? [],
  });
}

/**
 * Counts one channel into its bucket: state at `at`, changes in the period, and uptime, only
 * while it was valid and in service (#18.2).
 */
function countCamera(
  c: CameraRecord,
  v: Validity,
  evs: readonly StatusEvent[],
  spans: ExcludedSpan[],
  b: Bucket,
  from: number,
  to: number,
  at: number,
): void {
  const steps = chainOf(evs);
  const excluded = [...spans];
  if (c.maintenance) excluded.push({ from: Date.parse(c.maintenance.from), to: Date.parse(c.maintenance.to) });
  const maintained = excluded.some((s) => s.from <= at && at < s.to) || inMaintenance(c.maintenance, at);
  const { status, reason } = stateAtTime(steps, c, at);
  const inService = inServiceAt(v, c.inService, at);
  // cameraStateOf with the window found in the history (the record only holds the latest window).
  b.states.push({
    state: maintained && inService ? 'maintenance' : cameraStateOf({ inService, status, maintenance: null }, at),
    reason,
  });
  for (const e of steps) {
    if (e.at >= to) break;
    // A flip while out of service (or before the channel counted) is neither a repair nor a fault.
    if (e.at < from || !inServiceAt(v, c.inService, e.at)) continue;
    const kind = statusChangeKind(e);
    if (kind === 'repaired') b.repaired++;
    else if (kind === 'failed') b.newlyFailed++;
  }
  if (at > from) {
    excluded.push(...notCountedSpans(v, c.inService, from, at));
    b.uptime.push(historyUptime(steps, c.status, from, at, excluded, c.reason));
  }
}
