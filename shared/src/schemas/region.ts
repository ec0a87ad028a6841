import { Type, type Static } from 'typebox';
import { LatSchema, LonSchema, RegionCodeSchema } from './common.js';

export const RegionLevel = {
  province: 'province',
  city: 'city',
  county: 'county',
  township: 'township',
  village: 'village',
} as const;
export type RegionLevel = (typeof RegionLevel)[keyof typeof RegionLevel];
export const REGION_LEVELS = Object.values(RegionLevel);

/** A node of the administrative region tree. */
export const RegionSchema = Type.Object({
  code: RegionCodeSchema,
  name: Type.String({ minLength: 1, maxLength: 60 }),
  level: Type.Enum(REGION_LEVELS),
  parent: Type.Union([RegionCodeSchema, Type.Null()]),
  /** Seat or label point [lon, lat] (WGS84). */
  center: Type.Union([Type.Tuple([LonSchema, LatSchema]), Type.Null()]),
  /** True when the boundary drawn for it is approximate (synthetic), not official. */
  approximate: Type.Optional(Type.Boolean()),
});
export type Region = Static<typeof RegionSchema>;

/** GET /api/v1/regions: the visible tree, ordered by code. */
export const RegionListSchema = Type.Object({ roots: Type.Array(Type.String()), regions: Type.Array(RegionSchema) });
/** GET /api/v1/regions/:code: the region, its ancestors (root first) and its children. */
export const RegionDetailSchema = Type.Object({
  region: RegionSchema,
  path: Type.Array(RegionSchema),
  children: Type.Array(RegionSchema),
});
/** Query of GET /api/v1/regions/:code/summary: [from, to), both defaulting to today (Asia/Shanghai). */
export const SummaryQuerySchema = Type.Object({ from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) });
