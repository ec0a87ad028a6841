import { Type, type Static, type TNull, type TNumber, type TObject, type TUnion } from 'typebox';
import { CAMERA_REASONS, CAMERA_STATUSES } from './camera.js';
import { CLUE_STATUSES } from './clue.js';
import { PeriodSchema } from './common.js';
import { GridReportSchema, GridWorkerViewSchema } from './grid.js';
import { RegionFiguresSchema, RegionRefSchema } from './summary.js';
import { PERIOD_KINDS } from '../time/periods.js';
import { RANKING_METRICS, type RankingMetric } from '../metrics/ranking.js';

type TNullableNumber = TUnion<[TNumber, TNull]>;
export const MetricValuesSchema: TObject<Record<RankingMetric, TNullableNumber>> = Type.Object(
  Object.fromEntries(RANKING_METRICS.map((k) => [k, Type.Union([Type.Number(), Type.Null()])])) as Record<
    RankingMetric,
    TNullableNumber
  >,
  { description: 'current − previous per metric (rates as fractions); null where either side has no value' },
);

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
    Type.Object({
      rank: Type.Integer(),
      region: RegionRefSchema,
      current: RegionFiguresSchema,
      previous: RegionFiguresSchema,
      delta: MetricValuesSchema,
    }),
  ),
});
/** The ranking as the API sends it. */
export type Ranking = Static<typeof RankingSchema>;

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

/** A reporting period as query parameters: `period=<kind>` or `from`/`to` (custom). */
const periodQuery = {
  period: Type.Optional(
    Type.String({
      description: `one of ${PERIOD_KINDS.join(', ')} (Asia/Shanghai); default last_week, or custom when from is given`,
    }),
  ),
  from: Type.Optional(
    Type.String({ description: 'custom period start (ISO 8601; a bare date is its Shanghai midnight)' }),
  ),
  to: Type.Optional(Type.String({ description: 'custom period end, exclusive' })),
};
export const PeriodQuerySchema = Type.Object(periodQuery);
/** Query of the ranking, its CSV and the report: a period and the order. */
export const RankingQuerySchema = Type.Object({
  ...periodQuery,
  sort: Type.Optional(Type.String({ description: `one of ${RANKING_METRICS.join(', ')} (default rate)` })),
  dir: Type.Optional(Type.String({ description: 'asc or desc (default: best first)' })),
});
/** Query of a period's list with a length limit (outages, grid activity). */
export const PeriodListQuerySchema = (defaultLimit: number) =>
  Type.Object({
    ...periodQuery,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: defaultLimit })),
  });
/** GET /api/v1/regions/:code/outages. */
export const OutagesSchema = Type.Object({
  period: PeriodSchema,
  total: Type.Integer(),
  items: Type.Array(ChannelOutageSchema),
});
/** Query of GET /api/v1/clues.csv: filters as GET /clues, the period as the meeting's (none: every clue). */
export const CluesCsvQuerySchema = Type.Object({
  region: Type.Optional(Type.String()),
  status: Type.Optional(Type.String({ description: `comma-separated: ${CLUE_STATUSES.join(', ')}` })),
  ...periodQuery,
});
/** A CSV download (UTF-8 with BOM, for Excel). */
export const CsvFileSchema = Type.String({ description: 'CSV, UTF-8 with BOM' });
/** A printable HTML page (the report). */
export const HtmlPageSchema = Type.String({ description: 'HTML' });
/** A PDF file (the report), sent as bytes. */
export const PdfFileSchema = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'PDF' });
