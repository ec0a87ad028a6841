// The dispatch meeting's ranking: which figures rank regions, which way is better, and the
// comparison with the previous period. Pure; the server's ranking route, report and CSV and the
// client's table all use it, so they cannot disagree.
import type { Period } from '../schemas/common.js';
import { emptyCameraFigures } from './operationalRate.js';
import type { RegionFigures, RegionRef, RegionSummary } from '../schemas/summary.js';

/** The figures the dispatch meeting ranks regions by. */
export const RANKING_METRICS = [
  'rate', // time-weighted operational rate over the period
  'down', // channels down (offline + unknown, those behind a source that is down left out) at the period's end, or now
  'repaired', // offline → online changes in the period
  'received', // valid clues reported in the period
  'resolved', // of those, resolved or closed
  'overdue', // of those, still open past their due time
  'resolvedRate',
  'mediationRate',
  'appealsResolved',
] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

/** Which way is better, for arrows and colours; `received` is a workload, neither good nor bad. */
export const METRIC_BETTER: Record<RankingMetric, 'up' | 'down' | 'neutral'> = {
  rate: 'up',
  down: 'down',
  repaired: 'up',
  received: 'neutral',
  resolved: 'up',
  overdue: 'down',
  resolvedRate: 'up',
  mediationRate: 'up',
  appealsResolved: 'up',
};

/** Rates are fractions 0..1; counts are whole numbers. */
export const RATE_METRICS: ReadonlySet<RankingMetric> = new Set(['rate', 'resolvedRate', 'mediationRate']);

export type MetricValues = Record<RankingMetric, number | null>;

/** The ranked figures of one region, read off its RegionFigures. */
export function metricValues(f: RegionFigures): MetricValues {
  return {
    rate: f.cameras.timeWeightedRate,
    // A channel behind a source that is down is not held against its township (#11).
    down: f.cameras.offline + f.cameras.unknown - f.cameras.sourceDown,
    repaired: f.cameras.repaired,
    received: f.clues.total,
    resolved: f.clues.byStatus.resolved + f.clues.byStatus.closed,
    overdue: f.clues.overdue,
    resolvedRate: f.clues.resolvedRate,
    mediationRate: f.mediation.successRate,
    appealsResolved: f.clues.appeals.resolved,
  };
}

/** current − previous for every metric; null where either side has no value (a rate over nothing). */
export function compareFigures(current: RegionFigures, previous: RegionFigures): MetricValues {
  const a = metricValues(current);
  const b = metricValues(previous);
  const out = {} as MetricValues;
  for (const k of RANKING_METRICS) {
    const x = a[k];
    const y = b[k];
    // Rounded so 0.1 + 0.2-style float noise never shows as a change.
    out[k] = x === null || y === null ? null : Math.round((x - y) * 1e9) / 1e9 + 0; // + 0: no −0
  }
  return out;
}

export interface RankingRow {
  /** 1-based position in the requested order. */
  rank: number;
  region: RegionRef;
  current: RegionFigures;
  previous: RegionFigures;
  delta: MetricValues;
}

export interface RankingTotal {
  current: RegionFigures;
  previous: RegionFigures;
  delta: MetricValues;
}

export type SortDir = 'asc' | 'desc';

/** Default direction for a metric: best first. */
export function defaultDir(metric: RankingMetric): SortDir {
  return METRIC_BETTER[metric] === 'down' ? 'asc' : 'desc';
}

/**
 * Pairs each child of the current summary with the same child of the previous one and orders
 * them by `sort`. Regions without a value for that metric go last whichever the direction; ties
 * keep code order so the ranking is stable from one request to the next.
 */
export function buildRanking(
  current: RegionSummary,
  previous: RegionSummary,
  sort: RankingMetric,
  dir: SortDir,
): { total: RankingTotal; rows: RankingRow[] } {
  const prevByCode = new Map(previous.children.map((c) => [c.region.code, c]));
  const rows = current.children.map((cur) => {
    const prev = prevByCode.get(cur.region.code) ?? emptyLike(cur, previous.period);
    return { rank: 0, region: cur.region, current: cur, previous: prev, delta: compareFigures(cur, prev) };
  });
  const sign = dir === 'asc' ? 1 : -1;
  rows.sort((r1, r2) => {
    const a = metricValues(r1.current)[sort];
    const b = metricValues(r2.current)[sort];
    if (a === null && b === null) return r1.region.code.localeCompare(r2.region.code);
    if (a === null) return 1;
    if (b === null) return -1;
    if (a !== b) return (a - b) * sign;
    return r1.region.code.localeCompare(r2.region.code);
  });
  rows.forEach((r, i) => (r.rank = i + 1));
  const { children: _c, ...cur } = current;
  const { children: _p, ...prev } = previous;
  return { total: { current: cur, previous: prev, delta: compareFigures(cur, prev) }, rows };
}

/** A child missing from the previous summary (added to the tree since) compares with nothing. */
function emptyLike(f: RegionFigures, period: Period): RegionFigures {
  return {
    region: f.region,
    period,
    cameras: emptyCameraFigures(),
    clues: {
      total: 0,
      byCategory: Object.fromEntries(
        Object.keys(f.clues.byCategory).map((k) => [k, 0]),
      ) as RegionFigures['clues']['byCategory'],
      byStatus: Object.fromEntries(
        Object.keys(f.clues.byStatus).map((k) => [k, 0]),
      ) as RegionFigures['clues']['byStatus'],
      overdue: 0,
      resolvedRate: null,
      appeals: { collected: 0, resolved: 0 },
    },
    mediation: { cases: 0, success: 0, failed: 0, court: 0, pending: 0, successRate: null },
    grid: { workers: 0, onDuty: 0, reports: 0 },
  };
}
