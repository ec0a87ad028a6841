import { Type, type Static, type TSchema } from 'typebox';

/** Administrative code: 6 digits (county and above), 9 (township) or 12 (village). */
export const RegionCodeSchema = Type.String({
  pattern: '^(\\d{6}|\\d{9}|\\d{12})$',
  description: 'NBS administrative code (6, 9 or 12 digits)',
});
export type RegionCode = Static<typeof RegionCodeSchema>;

/** ISO 8601 time with an offset, e.g. 2026-11-27T08:00:00+08:00. */
export const IsoTimeSchema = Type.String({ format: 'date-time', description: 'ISO 8601 with offset' });

export const LonSchema = Type.Number({ minimum: -180, maximum: 180 });
export const LatSchema = Type.Number({ minimum: -90, maximum: 90 });

/** A period [from, to) as ISO instants. */
export const PeriodSchema = Type.Object({ from: IsoTimeSchema, to: IsoTimeSchema });
export type Period = Static<typeof PeriodSchema>;

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

/** A cursor page of `item` as the REST API sends it. */
export const PageSchema = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** Path parameters `/…/:code` naming a region (any string: an unknown one is 404). */
export const CodeParamsSchema = Type.Object({ code: Type.String({ description: 'region code (6, 9 or 12 digits)' }) });
/** Path parameters `/…/:code` naming a region, checked to be a region code (400 otherwise). */
export const RegionCodeParamsSchema = Type.Object({ code: RegionCodeSchema });

/** `T` or null. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The body of a 204 answer. */
export const NoContentSchema = Type.Null();
