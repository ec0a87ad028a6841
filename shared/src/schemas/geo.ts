import { Type, type Static } from 'typebox';
import type { Geometry } from 'geojson';

/** A GeoJSON feature as the server serves it: geometry passed through, properties kept open. */
export const GeoFeatureSchema = Type.Object(
  {
    type: Type.Literal('Feature'),
    properties: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    // Boundary files are checked when the fixtures are built, not on every answer.
    geometry: Type.Unsafe<Geometry>(Type.Unknown()),
  },
  { additionalProperties: true },
);
export type GeoFeature = Static<typeof GeoFeatureSchema>;

export const GeoCollectionSchema = Type.Object(
  { type: Type.Literal('FeatureCollection'), features: Type.Array(GeoFeatureSchema) },
  { additionalProperties: true },
);
export type GeoCollection = Static<typeof GeoCollectionSchema>;

/** GET /regions/:code/geo: the region's outline and its children's polygons (WGS84). */
export const RegionGeoSchema = Type.Object({
  outline: Type.Union([GeoFeatureSchema, Type.Null()]),
  children: GeoCollectionSchema,
});
export type RegionGeo = Static<typeof RegionGeoSchema>;

/** GET /ui-config: what the wall client needs to know about this deployment. */
export const UiConfigSchema = Type.Object({
  region: Type.String(),
  tileUrl: Type.Union([Type.String(), Type.Null()]),
  version: Type.String(),
});
export type UiConfig = Static<typeof UiConfigSchema>;
