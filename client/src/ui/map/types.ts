import type { LngLatBoundsLike, StyleSpecification } from 'maplibre-gl';

/** An HTML label on the map (region names: no glyph server needed, the browser's fonts draw them). */
export interface HtmlMarker {
  id: string;
  lngLat: [number, number];
  className: string;
  lines: { text: string; className?: string }[];
  /** Pixel offset of the anchor. */
  offset?: [number, number];
  /** Move it a little when it would cover another such label (region labels). */
  declutter?: boolean;
  /** Among decluttered labels, higher ones keep their place and lower ones move (e.g. area). */
  priority?: number;
}

/** A raster image for icon layers, drawn by us (no sprite server). */
export interface MapImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  pixelRatio: number;
}

export interface MapFocus {
  center: [number, number];
  zoom: number;
  /** Changes when the same place is focused again. */
  key: string;
}

/**
 * Feature state of one source, one value per feature id 0…n-1 (maplibre feature-state): only the
 * values that changed since the last render are written, so a delta of a few rows costs a few
 * calls and no re-tiling. A new `toState` function writes every value again.
 */
export interface FeatureStates {
  values: ArrayLike<number>;
  toState: (value: number) => Record<string, string | number | boolean>;
}

export interface MapViewProps {
  /** Used once, when the map is created. Sources are then updated in place from `data`. */
  style: StyleSpecification;
  /**
   * Multisampled edges (default true). Read once, when the map is created (a property of the GL
   * context). Off where thousands of points are drawn: with software GL it multiplies their cost.
   */
  antialias?: boolean;
  data: Record<string, GeoJSON.FeatureCollection>;
  /**
   * What the map draws of a source, by source id: while a source's key stays the same its new
   * collection is not written (no re-tiling), e.g. areas whose rates moved within their colour band.
   */
  dataKeys?: Record<string, string>;
  /** Per-feature state by source id, written in place (see FeatureStates). */
  featureStates?: Record<string, FeatureStates>;
  /** Bounds the map shows when nothing is focused; re-fitted on resize. */
  fit: LngLatBoundsLike | null;
  fitPadding?: number;
  /** Fly here; back to `fit` when it becomes null. */
  focus?: MapFocus | null;
  markers?: HtmlMarker[];
  images?: Record<string, MapImage>;
  className?: string;
  testId?: string;
  /** A click on the map: the features of `pickLayers` under it (nearest first) and where it was. */
  onPick?: (hits: MapPickHit[], lngLat: [number, number]) => void;
  pickLayers?: string[];
}

/** A rendered feature under a click. */
export interface MapPickHit {
  layer: string;
  id: string | number | undefined;
  properties: Record<string, unknown>;
}
