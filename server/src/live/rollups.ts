import {
  MAX_DOWN_LONGEST,
  cameraFiguresAt,
  clueFigures,
  finishCameraFigures,
  mediationFigures,
  msAt,
  reasonOf,
  sumRegionFigures,
  toShanghaiIso,
  type DownChannel,
  type ExcludedSpan,
  type Period,
  type RegionFigures,
  type Validity,
  type WallFigures,
} from '@zhihui/shared';
import type { CameraRecord } from '../store/types.js';
import { channelParts, type PartPeriods, type Uptime } from './channelParts.js';
import { compareDown, type Cam, type Node } from './engineModel.js';
import { addPast, emptyPast, pastCounts, type PastCounts } from './trend.js';

/**
 * The live engine's reads of a region that roll up along the tree: its figures, the channels down
 * longest, the past hours' counts of the trend. Each is cached on the region's Node and on every
 * node above it, and dropped along the path to the root when a record changes (LiveEngine#dirty),
 * so a read after a change recounts only the regions on that path.
 */

/** The engine's periods, as the figures name them and as the channels' parts count them (ms). */
export interface FigurePeriods {
  periods: { today: Period; recent: Period };
  parts: PartPeriods;
}

/**
 * A region's own figures (its own channels, clues, workers and reports), with the time-weighted
 * parts (onlineMs, countedMs) stored as of the periods' starts: additive, and read at any later
 * instant t by adding the counts times (t − from) (figuresAt), exact until a state changes, which
 * drops this cache.
 */
function ownFigures(n: Node, p: FigurePeriods, now: number): [RegionFigures, RegionFigures] {
  if (n.own) return n.own;
  const clues = [...n.clues.values()];
  let onDuty = 0;
  for (const w of n.workers.values()) if (w.onDuty) onDuty++;
  const make = (period: Period, i: 0 | 1): RegionFigures => {
    const up: Uptime = { online: 0, counted: 0 };
    for (const c of n.cams.values()) {
      const part = channelParts(c, now, p.parts)[i];
      up.online += part.online;
      up.counted += part.counted;
    }
    const cameras = finishCameraFigures({
      ...n.counts,
      repaired: n.repaired[i],
      newlyFailed: n.failed[i],
      timeWeightedRate: null,
      onlineMs: up.online,
      countedMs: up.counted,
    });
    return {
      region: n.ref,
      period,
      cameras,
      clues: clueFigures(clues, period, now),
      mediation: mediationFigures(clues, period),
      grid: { workers: n.workers.size, onDuty, reports: n.reports[i] },
    };
  };
  n.own = [make(p.periods.today, 0), make(p.periods.recent, 1)];
  return n.own;
}

/**
 * The roll-up of `n` (parts as of the periods' starts, see ownFigures): its children's roll-ups
 * and its own records, summed. A region without children has its own figures as they are.
 */
export function rolledFigures(n: Node, p: FigurePeriods, now: number): WallFigures {
  if (n.roll) return n.roll;
  const own = ownFigures(n, p, now);
  if (n.children.length === 0) {
    n.roll = { today: own[0], recent: own[1] };
    return n.roll;
  }
  const kids = n.children.map((c) => rolledFigures(c, p, now));
  n.roll = {
    today: sumRegionFigures(n.ref, p.periods.today, [...kids.map((k) => k.today), own[0]]),
    recent: sumRegionFigures(n.ref, p.periods.recent, [...kids.map((k) => k.recent), own[1]]),
  };
  return n.roll;
}

/** A roll-up read at `now`: the time-weighted parts carried from the periods' starts (see ownFigures). */
export function figuresAt(w: WallFigures, now: number): WallFigures {
  const one = (f: RegionFigures): RegionFigures => {
    const from = msAt(f.period.from);
    const cameras = cameraFiguresAt(f.cameras, from, Math.min(now, msAt(f.period.to)));
    return {
      ...f,
      cameras: now > from ? cameras : { ...cameras, onlineMs: 0, countedMs: 0, timeWeightedRate: null },
    };
  };
  return { today: one(w.today), recent: one(w.recent) };
}

/** The channels down longest in `n`'s subtree (offline or unknown, oldest first), bounded. */
export function rolledDown(n: Node, regionName: (code: string) => string): DownChannel[] {
  if (n.rollDown) return n.rollDown;
  const cands: Cam[] = [];
  for (const c of n.cams.values()) if (c.state === 'offline' || c.state === 'unknown') cands.push(c);
  cands.sort(compareDown);
  const mine = cands.slice(0, MAX_DOWN_LONGEST).map((c) => downChannel(c, regionName));
  const all = [mine, ...n.children.map((c) => rolledDown(c, regionName))].flat();
  all.sort((a, b) => msAt(a.since) - msAt(b.since) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  n.rollDown = all.slice(0, MAX_DOWN_LONGEST);
  return n.rollDown;
}

function downChannel(c: Cam, regionName: (code: string) => string): DownChannel {
  return {
    id: c.rec.id,
    name: c.rec.name,
    region: c.rec.region,
    regionName: regionName(c.rec.region),
    state: c.state as 'offline' | 'unknown',
    reason: reasonOf(c.state, c.rec.reason),
    since: toShanghaiIso(c.sinceMs),
  };
}

/** What the past hours' counts read of a channel besides its record: its maintenance and validity. */
export interface ChannelSpans {
  readonly spansOf: (id: string) => readonly ExcludedSpan[];
  readonly validityOf: (rec: CameraRecord) => Validity;
}

/** Online and counted channels at the end of each past hour of the trend, over `n`'s subtree. */
export function rolledPast(n: Node, now: number, spans: ChannelSpans): PastCounts {
  if (n.rollPast) return n.rollPast;
  if (!n.past) {
    if (n.eventsUnsorted) {
      n.events.sort((a, b) => msAt(a.at) - msAt(b.at));
      n.eventsUnsorted = false;
    }
    n.past =
      n.cams.size === 0
        ? emptyPast()
        : pastCounts(
            [...n.cams.values()].map((c) => c.rec),
            n.events,
            now,
            spans.spansOf,
            spans.validityOf,
          );
  }
  const sum = emptyPast();
  addPast(sum, n.past);
  for (const c of n.children) addPast(sum, rolledPast(c, now, spans));
  n.rollPast = sum;
  return sum;
}
