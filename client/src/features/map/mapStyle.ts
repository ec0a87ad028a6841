import type { StyleSpecification } from 'maplibre-gl';
import type { RegionLevel } from '@zhihui/shared';

export const SOURCES = { areas: 'areas', outline: 'outline' } as const;

/** Whether the channel points are drawn at the region's own zoom (a township's or village's wall). */
export const pointsShownAtFit = (level: RegionLevel): boolean => level === 'township' || level === 'village';

/** County and city walls hold many channels: down ones appear once zoomed into a township. */
export const cameraMinZoom = (level: RegionLevel): number => (pointsShownAtFit(level) ? 0 : 11.2);

/** A city's open clues would bury its map: they appear once zoomed to a county. */
export const clueMinZoom = (level: RegionLevel): number => (level === 'city' || level === 'province' ? 9.6 : 0);

/**
 * The wall's map style, built in code: a dark background and our own GeoJSON only, so it needs
 * no style, glyph or sprite server. An intranet raster tile server is added underneath when the
 * deployment configures one. No layer draws text: labels are HTML markers. Channels and clues are
 * not in it: they are canvas layers over the map (pointLayers.ts), redrawn without the map.
 */
export function wallStyle(opts: { tileUrl: string | null }): StyleSpecification {
  const empty = { type: 'geojson' as const, data: { type: 'FeatureCollection' as const, features: [] } };
  const style: StyleSpecification = {
    version: 8,
    sources: {
      [SOURCES.areas]: empty,
      [SOURCES.outline]: empty,
    },
    layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#030b1a' } }],
  };
  if (opts.tileUrl) {
    style.sources.tiles = { type: 'raster', tiles: [opts.tileUrl], tileSize: 256 };
    style.layers.push({
      id: 'tiles',
      type: 'raster',
      source: 'tiles',
      paint: { 'raster-opacity': 0.35, 'raster-saturation': -0.8 },
    });
  }
  style.layers.push(
    {
      id: 'area-fill',
      type: 'fill',
      source: SOURCES.areas,
      paint: {
        'fill-color': ['get', 'color'],
        'fill-opacity': ['case', ['boolean', ['get', 'selected'], false], 0.62, opts.tileUrl ? 0.3 : 0.42],
      },
    },
    {
      id: 'area-line',
      type: 'line',
      source: SOURCES.areas,
      paint: { 'line-color': '#9fd8ff', 'line-opacity': 0.55, 'line-width': 1.2, 'line-dasharray': [3, 2] },
    },
    {
      id: 'area-selected',
      type: 'line',
      source: SOURCES.areas,
      filter: ['==', ['get', 'selected'], true],
      paint: { 'line-color': '#ffe08a', 'line-width': 4, 'line-blur': 1 },
    },
    {
      id: 'outline-glow',
      type: 'line',
      source: SOURCES.outline,
      paint: { 'line-color': '#1fb6ff', 'line-width': 14, 'line-blur': 10, 'line-opacity': 0.55 },
    },
    {
      id: 'outline',
      type: 'line',
      source: SOURCES.outline,
      paint: { 'line-color': '#8fe3ff', 'line-width': 2.6 },
    },
  );
  return style;
}
