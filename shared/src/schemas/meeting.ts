import { Type, type Static } from 'typebox';
import { CAMERA_REASONS, CAMERA_STATUSES } from './camera.js';
import { PeriodSchema } from './common.js';
import { GridReportSchema, GridWorkerViewSchema } from './grid.js';
import { RegionFiguresSchema, RegionRefSchema, type RegionFigures, type RegionRef } from './summary.js';
import { PERIOD_KINDS, type PeriodKind } from '../time/periods.js';
import { RANKING_METRICS, type MetricValues, type RankingMetric, type SortDir } from '../metrics/ranking.js';
import type { Period } from './common.js';

const Nullable = Type.Union([Type.Number(), Type.Null()]);
export const MetricValuesSchema = Type.Object(Object.fromEntries(RANKING_METRICS.map((k) => [k, Nullable])), {
  description: 'current − previous per metric (rates as fractions); null where either side has no value',
});

/** GET /api/v1/regions/:code/ranking: the children ranked over a period, each against the previous one. */
export const RankingSchema = Type.Object({
  region: RegionRefSchema,
  kind: Type.Enum(PERIOD_KINDS),
  period: PeriodSchema,
  previous: PeriodSchema,
  sort: Type.Enum(RANKING_METRICS),
  dir: Type.Enum(['asc', 'desc']),
  generatedAt: Type.String(),
  total: Type.Object({ current: RegionFiguresSchema, previous: RegionFiguresSchema, delta: MetricValuesSchema }),
  rows: Type.Array(
    Type.Object({ rank: Type.Integer(), region: RegionRefSchema, current: RegionFiguresSchema, previous: RegionFiguresSchema, delta: MetricValuesSchema }),
  ),
});
/** The ranking as the API sends it (figures typed precisely, unlike the schema's generic records). */
export interface Ranking {
  region: RegionRef;
  kind: PeriodKind;
  period: Period;
  previous: Period;
  sort: RankingMetric;
  dir: SortDir;
  generatedAt: string;
  total: { current: RegionFigures; previous: RegionFigures; delta: MetricValues };
  rows: { rank: number; region: RegionRef; current: RegionFigures; previous: RegionFigures; delta: MetricValues }[];
}

/** One channel's downtime in a period (GET /api/v1/regions/:code/outages). */
export const ChannelOutageSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  region: Type.String(),
  /** Time not online in the period (offline or unknown), maintenance excluded, ms. */
  downMs: Type.Number(),
  /** Counted time in the period, ms. */
  countedMs: Type.Number(),
  /** Times it went down in the period. */
  failures: Type.Integer(),
  /** Status now, and since when. */
  status: Type.Enum(CAMERA_STATUSES),
  since: Type.String(),
  /** Why it is (or last was) down. */
  reason: Type.Union([Type.Enum(CAMERA_REASONS), Type.Null()]),
});
export type ChannelOutage = Static<typeof ChannelOutageSchema>;

/** GET /api/v1/regions/:code/grid-activity: grid workers with their report counts, and the latest reports. */
export const GridActivitySchema = Type.Object({
  period: PeriodSchema,
  workers: Type.Array(Type.Intersect([GridWorkerViewSchema, Type.Object({ reports: Type.Integer() })])),
  reports: Type.Array(GridReportSchema),
  totalReports: Type.Integer(),
});
export type GridActivity = Static<typeof GridActivitySchema>;
