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

/** A raster image for icons, drawn by us (no sprite server). */
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

/** A disc on a canvas layer, in CSS px. Points given the same look object are drawn as one path. */
export interface CircleLook {
  kind: 'circle';
  radius: number;
  fill: string;
  stroke?: string;
  strokeWidth?: number;
  /** Drawing order within the layer (higher on top). */
  z: number;
}

/** One of `images` on a canvas layer, `size` CSS px square. */
export interface IconLook {
  kind: 'icon';
  image: string;
  size: number;
  alpha: number;
  z: number;
}

export type CanvasLook = CircleLook | IconLook;

/**
 * Points drawn on a 2D canvas above the map's own layers: changing how they look redraws that
 * canvas only, never the map (which software GL draws in 100 ms or more). Positions are read when
 * `lon` or `lat` is a new array; a new layer object with the same columns redraws at the map's pace.
 */
export interface CanvasLayer {
  /** The layer name a pick reports. */
  id: string;
  lon: ArrayLike<number>;
  lat: ArrayLike<number>;
  /** How point i is drawn, or null when it is not (nor picked). */
  look: (i: number) => CanvasLook | null;
  /** Below this zoom the layer is not drawn. */
  minZoom?: number;
  /** What a pick of point i reports (its `id` is i). */
  properties?: (i: number) => Record<string, unknown>;
}

/**
 * Where the canvas layers come from, outside React's renders: a wall's points follow every delta
 * as it lands, not the pace at which React re-renders the panels. `layers()` is what is wanted
 * now (the same array while nothing changed), `subscribe` says when that may have changed, and
 * `tag()` names the state they show (a wall: its snapshot's seq), which the overlay's canvas
 * carries as `data-drawn-for` once it is drawn.
 */
export interface LayerFeed {
  layers(): readonly CanvasLayer[];
  tag(): string;
  subscribe(onChange: () => void): () => void;
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
  /** Points above the map's own layers, fed outside React (see LayerFeed). */
  canvasLayers?: LayerFeed;
  /** Bounds the map shows when nothing is focused; re-fitted on resize. */
  fit: LngLatBoundsLike | null;
  fitPadding?: number;
  /** Fly here; back to `fit` when it becomes null. */
  focus?: MapFocus | null;
  markers?: HtmlMarker[];
  /** The icons of canvas layers, by name. */
  images?: Record<string, MapImage>;
  className?: string;
  testId?: string;
  /** A click on the map: the canvas layers' points and the features of `pickLayers` under it (top first, nearest first) and where it was. */
  onPick?: (hits: MapPickHit[], lngLat: [number, number]) => void;
  pickLayers?: string[];
}

/** A rendered feature under a click. */
export interface MapPickHit {
  layer: string;
  id: string | number | undefined;
  properties: Record<string, unknown>;
}
