import { Type, type Static, type TInteger, type TObject } from 'typebox';
import { CLUE_CATEGORIES, CLUE_STATUSES } from './clue.js';
import { PeriodSchema, RegionCodeSchema } from './common.js';
import { REGION_LEVELS } from './region.js';

const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
  description: 'fraction 0..1; null when the denominator is 0',
});
/** A count per key, typed per key (so Static gives Record<K, number>). */
const countsOf = <K extends string>(keys: readonly K[]): TObject<Record<K, TInteger>> =>
  Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer({ minimum: 0 })])) as Record<K, TInteger>);

/** Channel counts. operationalRate = online ÷ (inService − maintenance − sourceDown). */
export const CameraFiguresSchema = Type.Object({
  total: Type.Integer(),
  inService: Type.Integer(),
  maintenance: Type.Integer(),
  online: Type.Integer(),
  offline: Type.Integer(),
  unknown: Type.Integer(),
  /**
   * Of `unknown`, the channels whose status source is down (reason source_down): what their
   * cameras do is not known, so, like planned maintenance, they are left out of the rate rather
   * than held against the township (#11).
   */
  sourceDown: Type.Integer(),
  operationalRate: Rate,
  /** Status changes in the period: offline→online (repaired) and online→offline (newly failed). */
  repaired: Type.Integer(),
  newlyFailed: Type.Integer(),
  /** Time-weighted operational rate over the period, from the status history (null where not computed). */
  timeWeightedRate: Rate,
  /**
   * The time-weighted rate's parts, pooled over channels: online and counted channel-milliseconds
   * (counted = in service, valid, not in planned maintenance and not behind a source that is down). A roll-up adds these, so a
   * county's rate is its channels' online time over their counted time, never an average of rates.
   */
  onlineMs: Type.Number({ minimum: 0 }),
  countedMs: Type.Number({ minimum: 0 }),
});
export type CameraFigures = Static<typeof CameraFiguresSchema>;

export const ClueFiguresSchema = Type.Object({
  /** Clues reported in the period (invalid ones included in byStatus, excluded from total). */
  total: Type.Integer(),
  byCategory: countsOf(CLUE_CATEGORIES),
  byStatus: countsOf(CLUE_STATUSES),
  /** Of the period's clues, those still open past their due time (at the period's end, or now). */
  overdue: Type.Integer(),
  /** Of the period's valid clues, the share resolved or closed. */
  resolvedRate: Rate,
  /** 说事儿日 appeals: collected and resolved in the period. */
  appeals: Type.Object({ collected: Type.Integer(), resolved: Type.Integer() }),
});
export type ClueFigures = Static<typeof ClueFiguresSchema>;

export const MediationFiguresSchema = Type.Object({
  /** Dispute cases reported in the period (invalid excluded). */
  cases: Type.Integer(),
  success: Type.Integer(),
  failed: Type.Integer(),
  court: Type.Integer(),
  /** Cases without an outcome yet. */
  pending: Type.Integer(),
  successRate: Rate,
});
export type MediationFigures = Static<typeof MediationFiguresSchema>;

export const GridFiguresSchema = Type.Object({
  workers: Type.Integer(),
  onDuty: Type.Integer(),
  /** Grid reports filed in the period. */
  reports: Type.Integer(),
});
export type GridFigures = Static<typeof GridFiguresSchema>;

export const RegionRefSchema = Type.Object({
  code: RegionCodeSchema,
  name: Type.String(),
  level: Type.Enum(REGION_LEVELS),
});
export type RegionRef = Static<typeof RegionRefSchema>;

/** Every figure for one region over one period. */
export const RegionFiguresSchema = Type.Object({
  region: RegionRefSchema,
  period: PeriodSchema,
  cameras: CameraFiguresSchema,
  clues: ClueFiguresSchema,
  mediation: MediationFiguresSchema,
  grid: GridFiguresSchema,
});
export type RegionFigures = Static<typeof RegionFiguresSchema>;

/** GET /api/v1/regions/:code/summary: the region's figures and the same for each child. */
export const RegionSummarySchema = Type.Intersect([
  RegionFiguresSchema,
  Type.Object({ children: Type.Array(RegionFiguresSchema) }),
]);
export type RegionSummary = RegionFigures & { children: RegionFigures[] };
