import { Type, type Static } from 'typebox';
import { IsoTimeSchema, Nullable, PageSchema, RegionCodeSchema } from './common.js';
import { CLUE_CATEGORIES } from './clue.js';

/** Reports older than this are not "recent": the desk's picker and the list API look no further back. */
export const GRID_REPORT_LOOKBACK_DAYS = 92;
/** What `since` defaults to: the last week of reports. */
export const GRID_REPORT_DEFAULT_DAYS = 7;

/** Query of GET /api/v1/grid/reports: recent reports of a region subtree, newest first. */
export const GridReportListQuerySchema = Type.Object(
  {
    region: Type.Optional(
      Type.String({ description: "region code: the reports of its subtree (default: the credential's own)" }),
    ),
    since: Type.Optional(
      Type.String({
        description: `reported at or after (ISO 8601; a bare date is its start in Asia/Shanghai); default ${GRID_REPORT_DEFAULT_DAYS} days ago, at most ${GRID_REPORT_LOOKBACK_DAYS}`,
      }),
    ),
    withoutClue: Type.Optional(Type.Boolean({ description: 'only reports that raised no clue yet' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  // A misspelt parameter is named back, not silently ignored.
  { additionalProperties: false },
);
export type GridReportListQuery = Static<typeof GridReportListQuerySchema>;

/**
 * One grid report as the desk picks it to make a clue: the report, who filed it, and what a clue
 * made from it starts with. Category and location come from the clue the report raised when it
 * raised one; otherwise a category suggested by the report's words and the seat of its region.
 */
export const GridReportItemSchema = Type.Object({
  id: Type.String(),
  workerId: Type.String(),
  workerName: Nullable(Type.String()),
  region: RegionCodeSchema,
  regionName: Type.String(),
  at: IsoTimeSchema,
  text: Type.String(),
  clueId: Nullable(Type.String()),
  /** The village the report names ("…村"), when it names one. */
  village: Nullable(Type.String()),
  category: Nullable(Type.Enum(CLUE_CATEGORIES)),
  categoryFrom: Nullable(Type.Union([Type.Literal('clue'), Type.Literal('text')])),
  lon: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  /** `clue`: the raised clue's own point; `region`: the seat of the report's region (approximate). */
  locationFrom: Nullable(Type.Union([Type.Literal('clue'), Type.Literal('region')])),
});
export type GridReportItem = Static<typeof GridReportItemSchema>;

export const GridReportPageSchema = PageSchema(GridReportItemSchema);
export type GridReportPage = Static<typeof GridReportPageSchema>;
