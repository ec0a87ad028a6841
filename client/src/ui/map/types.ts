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

export interface MapViewProps {
  /** Used once, when the map is created. Sources are then updated in place from `data`. */
  style: StyleSpecification;
  data: Record<string, GeoJSON.FeatureCollection>;
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
